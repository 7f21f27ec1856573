"""A small classification and regression tree, grown to sample from, not to predict with.

Sequential CART synthesis (Reiter 2005; the default method of R's synthpop, Nowok, Raab and
Dibben 2016) grows one tree per variable on the variables synthesised before it and, for each
synthetic record, draws the value of a real record from the leaf the synthetic record falls
into. Only two things are needed from a tree: where its splits are and which leaf a row falls
into. Both fit in some eighty lines of numpy, so the twin adds no dependency (scikit-learn
would add 40 MB and a thread pool for the same result) and every split is chosen by a fixed
rule, identical from run to run.

Splits are binary, ``x <= threshold`` to the left, chosen to reduce the Gini impurity (class
targets) or the sum of squares (numeric targets, several columns at once), the two criteria
of Breiman et al. (1984) written in one form: maximise ``sum(L**2) / n_L + sum(R**2) / n_R``,
where ``L`` and ``R`` hold the class counts or the column sums on each side. No leaf holds
fewer than ``min_leaf`` real records: that is what stops a rare category or combination from
being copied through, because a synthetic record always draws from at least that many people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tree:
    """A grown tree as flat arrays, one entry per node (leaves have ``feature == -1``).

    Attributes
    ----------
    feature, threshold, left, right : numpy.ndarray
        Split of each node: rows with ``X[:, feature] <= threshold`` go to ``left``.
    leaf_rows : dict
        Leaf node -> indices of the training rows in it (the donors a synthetic record
        falling into the leaf draws from).
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf_rows: dict[int, np.ndarray]

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Return the leaf each row of ``X`` falls into."""
        node = np.zeros(len(X), dtype=np.int64)
        active = self.feature[node] >= 0
        while active.any():
            rows = np.flatnonzero(active)
            current = node[rows]
            goes_left = X[rows, self.feature[current]] <= self.threshold[current]
            node[rows] = np.where(goes_left, self.left[current], self.right[current])
            active = self.feature[node] >= 0
        return node


@dataclass(frozen=True)
class _Bins:
    """Each feature's distinct values as consecutive bins: rows are counted, never sorted."""

    ranks: np.ndarray  # (rows, features): bin of each value, offset by its feature's first bin
    values: np.ndarray  # (bins,): the value of each bin
    feature: np.ndarray  # (bins,): the feature of each bin
    first: np.ndarray  # (bins,): the first bin of that feature

    @classmethod
    def of(cls, X: np.ndarray) -> _Bins:
        ranks = np.empty(X.shape, dtype=np.int64)
        values, feature, first = [], [], []
        offset = 0
        for j in range(X.shape[1]):
            unique, inverse = np.unique(X[:, j], return_inverse=True)
            ranks[:, j] = inverse + offset
            values.append(unique)
            feature.append(np.full(len(unique), j))
            first.append(np.full(len(unique), offset))
            offset += len(unique)
        return cls(ranks, np.concatenate(values), np.concatenate(feature), np.concatenate(first))

    def subset(self, rows: np.ndarray, features: int) -> _Bins:
        """Return the bins of the first ``features`` features, for ``rows`` only."""
        size = int(np.searchsorted(self.feature, features))
        return _Bins(
            self.ranks[np.ix_(rows, np.arange(features))],
            self.values[:size],
            self.feature[:size],
            self.first[:size],
        )


def binned(X: np.ndarray) -> _Bins:
    """Bin every feature of ``X`` once, to grow several trees on parts of it."""
    return _Bins.of(X)


def _best_split(bins: _Bins, rows: np.ndarray, T: np.ndarray, min_leaf: int):
    """Return (feature, threshold, score) of the best split of one node, or (-1, nan, -inf).

    ``T`` is the node's per-row target, shape (rows, k): one-hot class indicators or numeric
    columns. Every feature is scored at once: the target is summed per bin (each distinct
    value of each feature), accumulated within each feature, and every cut between two
    values scored; a cut leaving fewer than ``min_leaf`` rows on a side is not admissible.
    """
    n = len(rows)
    if n < 2 * min_leaf:
        return -1, float("nan"), -np.inf
    index = bins.ranks[rows].ravel()
    size = len(bins.values)
    p = bins.ranks.shape[1]
    counts = np.bincount(index, minlength=size).astype(float)
    sums = np.stack(
        [
            np.bincount(index, weights=np.repeat(T[:, k], p), minlength=size)
            for k in range(T.shape[1])
        ],
        axis=1,
    )
    cum_counts = np.cumsum(counts)
    cum_sums = np.cumsum(sums, axis=0)
    before = bins.first - 1
    n_left = cum_counts - np.where(before >= 0, cum_counts[before], 0.0)
    left = cum_sums - np.where(before[:, None] >= 0, cum_sums[before], 0.0)
    right = T.sum(axis=0) - left
    n_right = n - n_left
    admissible = (counts > 0) & (n_left >= min_leaf) & (n_right >= min_leaf)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (left**2).sum(axis=1) / n_left + (right**2).sum(axis=1) / n_right
    score = np.where(admissible, score, -np.inf)
    best = int(np.argmax(score))
    if not np.isfinite(score[best]):
        return -1, float("nan"), -np.inf
    threshold = (bins.values[best] + bins.values[best + 1]) / 2
    return int(bins.feature[best]), float(threshold), float(score[best])


def grow(
    X: np.ndarray,
    target: np.ndarray,
    *,
    classes: int | None,
    min_leaf: int,
    min_gain: float = 1e-4,
    max_depth: int = 12,
    bins: _Bins | None = None,
) -> Tree:
    """Grow a tree on features ``X`` for ``target``.

    Parameters
    ----------
    X : numpy.ndarray
        Numeric features, shape (rows, features); a missing value must already be coded as
        a number (see ``encode``).
    target : numpy.ndarray
        Class codes 0..classes-1 (``classes`` given) or numeric values, shape (rows,) or
        (rows, outputs); numeric columns are standardised so each weighs the same.
    classes : int or None
        Number of classes, or None for a numeric target.
    min_leaf : int
        Fewest training rows in a leaf.
    min_gain : float
        Smallest improvement, as a share of the root's impurity, worth a split.
    max_depth : int
        Deepest level grown.
    bins : optional
        ``binned(X_all).subset(rows, features)`` when ``X`` is part of a larger matrix
        already binned (the synthesis bins the real data once, not once per tree).
    """
    if classes is not None:
        T = np.eye(classes)[target.astype(np.int64)]
    else:
        values = target.reshape(len(target), -1).astype(float)
        spread = values.std(axis=0)
        T = (values - values.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    if X.shape[1] == 0:
        X = np.zeros((len(X), 1))
    root_sum = T.sum(axis=0)
    n = len(X)
    root_fit = float((root_sum**2).sum() / n)
    root_impurity = float((T**2).sum()) - root_fit
    feature, threshold, left, right = [], [], [], []
    leaf_rows: dict[int, np.ndarray] = {}
    bins = _Bins.of(X) if bins is None else bins
    stack = [(0, np.arange(n), 0)]
    feature.append(-1)
    threshold.append(np.nan)
    left.append(-1)
    right.append(-1)
    while stack:
        node, rows, depth = stack.pop()
        fit = float((T[rows].sum(axis=0) ** 2).sum() / len(rows))
        best = (-1, float("nan"), -np.inf)
        if depth < max_depth and root_impurity > 0:
            best = _best_split(bins, rows, T[rows], min_leaf)
        if best[0] < 0 or best[2] - fit < min_gain * root_impurity:
            leaf_rows[node] = rows
            continue
        goes_left = X[rows, best[0]] <= best[1]
        children = []
        for part in (rows[goes_left], rows[~goes_left]):
            children.append(len(feature))
            feature.append(-1)
            threshold.append(np.nan)
            left.append(-1)
            right.append(-1)
            stack.append((children[-1], part, depth + 1))
        feature[node], threshold[node] = best[0], best[1]
        left[node], right[node] = children
    return Tree(
        np.asarray(feature, dtype=np.int64),
        np.asarray(threshold, dtype=float),
        np.asarray(left, dtype=np.int64),
        np.asarray(right, dtype=np.int64),
        leaf_rows,
    )
