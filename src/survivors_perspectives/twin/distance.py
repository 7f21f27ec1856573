"""How far apart two survey records are: Gower's distance, over every column but the id.

Each column counts equally: a category or true/false answer contributes 0 when the two
records agree and 1 when they do not (an empty cell is an answer of its own, so "not asked"
and "asked" differ), a slider contributes the absolute difference over its 0-100 range (1
when only one of the two is empty). The distance is the mean over columns, from 0 (identical
records) to 1. Gower (1971) is the usual distance for mixed data in disclosure checks of
synthetic data (the distance to the closest record of Platzer and Reutterer 2021, anonymeter).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Rows of the first frame compared at once (bounds memory at ten times the survey's size).
CHUNK = 512


class Encoded:
    """A frame encoded for distances: one-hot answers and scaled slider values."""

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str], ranges: dict[str, float]):
        self.columns = tuple(columns)
        numeric = [c for c in columns if c in ranges]
        categorical = [c for c in columns if c not in ranges]
        self.n_columns = len(columns)
        parts = []
        for name in categorical:
            text = frame[name].astype(object).where(frame[name].notna(), "\x00empty").astype(str)
            parts.append(text.to_numpy())
        self._categorical = np.stack(parts, axis=1) if parts else np.empty((len(frame), 0))
        values = [frame[c].astype("Float64").astype(float).to_numpy() / ranges[c] for c in numeric]
        self.numeric = np.stack(values, axis=1) if values else np.empty((len(frame), 0))
        self.onehot: np.ndarray | None = None

    def one_hot(self, vocabulary: list[dict[str, int]]) -> np.ndarray:
        """Return indicators of every (column, answer) pair in a shared ``vocabulary``."""
        width = sum(len(v) for v in vocabulary)
        out = np.zeros((len(self._categorical), width), dtype=np.float32)
        offset = 0
        for j, words in enumerate(vocabulary):
            codes = np.array([words.get(w, -1) for w in self._categorical[:, j]], dtype=np.int64)
            rows = np.flatnonzero(codes >= 0)
            out[rows, offset + codes[rows]] = 1.0
            offset += len(words)
        return out


def encode_pair(
    a: pd.DataFrame, b: pd.DataFrame, columns: Sequence[str], ranges: dict[str, float]
) -> tuple[Encoded, Encoded]:
    """Encode two frames on a shared vocabulary of answers, ready for ``nearest``."""
    left, right = Encoded(a, columns, ranges), Encoded(b, columns, ranges)
    vocabulary = []
    for j in range(left._categorical.shape[1]):
        seen = np.unique(np.concatenate([left._categorical[:, j], right._categorical[:, j]]))
        vocabulary.append({w: i for i, w in enumerate(seen)})
    left.onehot, right.onehot = left.one_hot(vocabulary), right.one_hot(vocabulary)
    return left, right


def _numeric_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    total = np.zeros((len(a), len(b)))
    for j in range(a.shape[1]):
        x, y = a[:, j][:, None], b[:, j][None, :]
        diff = np.abs(x - y)
        one_empty = np.isnan(x) != np.isnan(y)
        both_empty = np.isnan(x) & np.isnan(y)
        total += np.where(one_empty, 1.0, np.where(both_empty, 0.0, diff))
    return total


def distances(a: Encoded, b: Encoded, rows: slice = slice(None)) -> np.ndarray:
    """Gower distances from ``a``'s ``rows`` to every record of ``b``."""
    n_categorical = a._categorical.shape[1]
    matches = a.onehot[rows] @ b.onehot.T
    mismatches = n_categorical - matches
    return (mismatches + _numeric_distance(a.numeric[rows], b.numeric)) / a.n_columns


def nearest(a: Encoded, b: Encoded, *, same: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each record of ``a``, the distance to and index of its closest in ``b``.

    With ``same`` (``a`` and ``b`` are one frame) a record is not its own neighbour.
    Ties go to the first record of ``b``, so the answer is the same on every run.
    """
    n = len(a.numeric)
    best = np.empty(n)
    where = np.empty(n, dtype=np.int64)
    for start in range(0, n, CHUNK):
        block = slice(start, min(start + CHUNK, n))
        d = distances(a, b, block)
        if same:
            d[np.arange(d.shape[0]), np.arange(block.start, block.stop)] = np.inf
        where[block] = np.argmin(d, axis=1)
        best[block] = d[np.arange(d.shape[0]), where[block]]
    return best, where
