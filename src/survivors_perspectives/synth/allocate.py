"""Exact integer allocation: published counts stay counts.

Where the report gives counts (or percentages of a known base) the synthetic data must hit
them exactly, not in expectation. Three tools: the largest-remainder method (Hamilton) for
one margin, controlled rounding of a two-way table to fixed integer margins (a transport
problem solved as a linear programme; its constraint matrix is totally unimodular, so the
simplex vertex is integral), and random assignment of an exact count table to respondents.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog


class AllocationError(ValueError):
    """Integer allocation impossible (negative weights, margins that disagree)."""


def largest_remainder(total: int, weights: Sequence[float]) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method).

    Ties in the remainders go to the earlier position, so the result is deterministic.
    """
    w = np.asarray(weights, dtype=float)
    if total < 0 or np.any(w < 0) or not np.isfinite(w).all():
        raise AllocationError(f"cannot allocate {total} over weights {w.tolist()}")
    if total == 0:
        return np.zeros(len(w), dtype=np.int64)
    if w.sum() <= 0:
        raise AllocationError(f"cannot allocate {total} over all-zero weights")
    quota = total * w / w.sum()
    base = np.floor(quota).astype(np.int64)
    rest = int(total - base.sum())
    order = np.lexsort((np.arange(len(w)), -(quota - base)))
    base[order[:rest]] += 1
    return base


def controlled_round(
    table: np.ndarray,
    row_sums: Sequence[int],
    col_sums: Sequence[int],
    upper: np.ndarray | None = None,
) -> np.ndarray:
    """Round a non-negative table to integers with the given row and column sums.

    Each cell moves to its floor or ceiling (or to the nearest value the ``upper`` caps
    allow); among those tables the one closest to ``table`` in squared error is chosen.

    Raises
    ------
    AllocationError
        If no integer table within one unit of ``table`` has those margins.
    """
    t = np.asarray(table, dtype=float)
    rows = np.asarray(row_sums, dtype=np.int64)
    cols = np.asarray(col_sums, dtype=np.int64)
    if rows.sum() != cols.sum():
        raise AllocationError(f"row sums total {rows.sum()} but column sums total {cols.sum()}")
    lo = np.floor(t)
    hi = np.ceil(t)
    if upper is not None:
        cap = np.asarray(upper, dtype=float)
        hi = np.minimum(hi, cap)
        lo = np.minimum(lo, cap)
    n_r, n_c = t.shape
    frac = t - np.floor(t)
    # Moving a cell from its floor to its ceiling changes squared error by 1 - 2*frac.
    cost = (1.0 - 2.0 * frac).ravel() + 1e-9 * np.arange(t.size)
    a_eq = np.zeros((n_r + n_c, t.size))
    for i in range(n_r):
        a_eq[i, i * n_c : (i + 1) * n_c] = 1
    for j in range(n_c):
        a_eq[n_r + j, j::n_c] = 1
    b_eq = np.concatenate([rows - lo.sum(axis=1), cols - lo.sum(axis=0)])
    bounds = list(zip(np.zeros(t.size), (hi - lo).ravel(), strict=True))
    res = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs-ds")
    if res.status != 0:
        raise AllocationError(
            f"no integer table near the target has row sums {rows.tolist()} and column sums "
            f"{cols.tolist()}"
        )
    return (lo + np.round(res.x).reshape(t.shape)).astype(np.int64)


def assign_counts(
    rng: np.random.Generator,
    groups: np.ndarray,
    counts: pd.DataFrame,
    dtype=object,
    order_key: np.ndarray | None = None,
) -> np.ndarray:
    """Give each respondent a label so that every group holds exactly the counted labels.

    Parameters
    ----------
    rng : numpy.random.Generator
        Decides which respondents of a group get which label.
    groups : array of group keys, one per respondent
    counts : DataFrame
        Index: group keys; columns: labels; values: how many respondents of the group get
        each label. Row sums must equal the group sizes.

    order_key : array of float, optional
        Latent score per respondent: within each group the lowest scores get the first
        column's label, the next the second's, and so on (rank-based assignment, which keeps
        the counts exact and induces the declared dependence). Random order without it.

    Returns
    -------
    numpy.ndarray
        One label per respondent (vectorised: one sort over all respondents).
    """
    groups = np.asarray(groups)
    if groups.dtype == object and all(isinstance(k, str) for k in counts.index):
        groups = groups.astype(str)  # sorting fixed-width text is ten times faster than objects
    keys, inverse, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    table = counts.reindex(index=keys).fillna(0).to_numpy(dtype=np.int64)
    if (table.sum(axis=1) != sizes).any():
        bad = [
            f"{k}: {int(s)} respondents, {int(c)} allocated"
            for k, s, c in zip(keys, sizes, table.sum(axis=1), strict=True)
            if s != c
        ]
        raise AllocationError("count table does not match group sizes: " + "; ".join(bad))
    labels = np.asarray(counts.columns, dtype=dtype)
    # Labels laid out group by group in the order of the sorted group keys...
    label_idx = np.repeat(np.tile(np.arange(len(labels)), len(keys)), table.ravel())
    # ...and respondents sorted by group, randomly within group.
    within = rng.random(len(groups)) if order_key is None else np.asarray(order_key, dtype=float)
    order = np.lexsort((within, inverse))
    out = np.empty(len(groups), dtype=labels.dtype)
    out[order] = labels[label_idx]
    return out


def scale_counts(table: pd.DataFrame, group_sizes: pd.Series) -> pd.DataFrame:
    """Rescale a count table to new group sizes, keeping column totals proportional.

    Used by ``--scale K``: every published count is multiplied by K exactly, and controlled
    rounding keeps both margins integral when sizes are not exact multiples.
    """
    t = table.to_numpy(dtype=float)
    sizes = group_sizes.reindex(table.index).to_numpy(dtype=np.int64)
    factor = sizes.sum() / max(t.sum(), 1)
    col_sums = largest_remainder(int(sizes.sum()), t.sum(axis=0))
    target = t * (sizes / np.maximum(t.sum(axis=1), 1))[:, None]
    if np.isclose(factor, round(factor)) and np.allclose(target, np.round(target)):
        return pd.DataFrame(
            np.round(target).astype(np.int64), index=table.index, columns=table.columns
        )
    rounded = controlled_round(target, sizes, col_sums)
    return pd.DataFrame(rounded, index=table.index, columns=table.columns)
