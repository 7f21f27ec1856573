"""Iterative proportional fitting (raking) and one-parameter calibration.

The report gives margins (e.g. how many workers per country, how many chose each form of
exchange) and a test statistic for the two-way table, never the table itself. We take a
seed table that encodes the direction of the published differences (``exp(c * pattern)``),
rake it to the margins (Deming and Stephan 1940), round it to integers with the same margins
and move the single strength parameter ``c`` until the table's statistic matches the
published one. Cells the report fixes (e.g. 98% of Moldovan respondents were women) are held
out of the raking and added back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .allocate import AllocationError, controlled_round


class CalibrationError(ValueError):
    """A target cannot be reached with the declared margins and pattern."""


def ipf(
    seed: np.ndarray,
    row_targets: Sequence[float],
    col_targets: Sequence[float],
    tol: float = 1e-10,
    max_iter: int = 2000,
) -> np.ndarray:
    """Rake ``seed`` until its row and column sums equal the targets.

    Zero cells stay zero (structural zeros). Raises ``CalibrationError`` if the margins are
    inconsistent or the zero pattern makes them unreachable.
    """
    t = np.asarray(seed, dtype=float).copy()
    rows = np.asarray(row_targets, dtype=float)
    cols = np.asarray(col_targets, dtype=float)
    if not np.isclose(rows.sum(), cols.sum()):
        raise CalibrationError(
            f"row targets sum to {rows.sum()} but column targets to {cols.sum()}"
        )
    for _ in range(max_iter):
        rs = t.sum(axis=1)
        t *= np.divide(rows, rs, out=np.zeros_like(rows), where=rs > 0)[:, None]
        cs = t.sum(axis=0)
        t *= np.divide(cols, cs, out=np.zeros_like(cols), where=cs > 0)[None, :]
        if np.abs(t.sum(axis=1) - rows).max() < tol * max(1.0, rows.max()):
            return t
    raise CalibrationError(
        f"raking did not converge to rows {rows.tolist()} and columns {cols.tolist()}"
    )


def chi2_statistic(table: np.ndarray) -> float:
    """Pearson chi-square statistic of a two-way count table (no continuity correction)."""
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
    return float(((t - expected) ** 2 / expected).sum())


def tilted_table(
    row_margin: Sequence[int],
    col_margin: Sequence[int],
    pattern: np.ndarray,
    strength: float,
    fixed: np.ndarray | None = None,
) -> np.ndarray:
    """Return an integer table with the margins, tilted towards ``pattern`` by ``strength``.

    ``fixed`` holds exact counts for some cells (NaN elsewhere); those are kept as they are.
    """
    rows = np.asarray(row_margin, dtype=np.int64)
    cols = np.asarray(col_margin, dtype=np.int64)
    pattern = np.asarray(pattern, dtype=float)
    free = np.ones(pattern.shape, dtype=bool) if fixed is None else np.isnan(fixed)
    fixed_counts = np.where(free, 0, 0 if fixed is None else np.nan_to_num(fixed)).astype(np.int64)
    rest_rows = rows - fixed_counts.sum(axis=1)
    rest_cols = cols - fixed_counts.sum(axis=0)
    if (rest_rows < 0).any() or (rest_cols < 0).any():
        raise CalibrationError("fixed cells exceed the margins")
    seed = np.outer(np.maximum(rest_rows, 0), np.maximum(rest_cols, 0)).astype(float)
    seed = seed * np.exp(strength * pattern) * free
    raked = ipf(seed + 0.0, rest_rows, rest_cols)
    try:
        rounded = controlled_round(raked, rest_rows, rest_cols)
    except AllocationError as err:  # pragma: no cover - TU guarantees a solution
        raise CalibrationError(str(err)) from err
    return rounded + fixed_counts


def bisect(
    fn: Callable[[float], float],
    target: float,
    lo: float,
    hi: float,
    what: str,
    iterations: int = 60,
) -> float:
    """Find ``x`` in ``[lo, hi]`` with ``fn(x)`` closest to ``target`` (``fn`` increasing).

    Raises
    ------
    CalibrationError
        Naming ``what`` when the target lies outside ``[fn(lo), fn(hi)]``.
    """
    f_lo, f_hi = fn(lo), fn(hi)
    if not (min(f_lo, f_hi) <= target <= max(f_lo, f_hi)):
        raise CalibrationError(
            f"{what}: target {target:g} outside the reachable range "
            f"[{min(f_lo, f_hi):.3f}, {max(f_lo, f_hi):.3f}]"
        )
    best, best_gap = lo, abs(f_lo - target)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f_mid = fn(mid)
        gap = abs(f_mid - target)
        if gap < best_gap:
            best, best_gap = mid, gap
        if (f_mid < target) == (f_lo < f_hi):
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-7:
            break
    return best


def calibrate_chi2(
    row_margin: Sequence[int],
    col_margin: Sequence[int],
    pattern: np.ndarray,
    target: float,
    what: str,
    fixed: np.ndarray | None = None,
    max_strength: float = 8.0,
) -> np.ndarray:
    """Integer table with the margins whose chi-square statistic is closest to ``target``."""

    def stat(c: float) -> float:
        return chi2_statistic(tilted_table(row_margin, col_margin, pattern, c, fixed))

    strength = bisect(stat, target, 0.0, max_strength, what)
    return tilted_table(row_margin, col_margin, pattern, strength, fixed)


def rake_rows_to_means(
    matrix: np.ndarray, column_means: Sequence[float], row_total: float = 100.0, iters: int = 200
) -> np.ndarray:
    """Rake a matrix of compositions so rows sum to ``row_total`` and columns average the targets.

    Used for the age bands (each worker's shares sum to 100; their averages are published).
    """
    m = np.asarray(matrix, dtype=float).copy()
    targets = np.asarray(column_means, dtype=float) * len(m)
    for _ in range(iters):
        m *= (targets / m.sum(axis=0))[None, :]
        m *= (row_total / m.sum(axis=1))[:, None]
    return m


def round_rows(matrix: np.ndarray, row_total: int = 100) -> np.ndarray:
    """Round each row to integers summing to ``row_total`` (largest remainder, vectorised)."""
    m = np.asarray(matrix, dtype=float)
    base = np.floor(m).astype(np.int64)
    rest = row_total - base.sum(axis=1)
    frac = m - base
    order = np.argsort(-frac, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(m.shape[1])[None, :].repeat(len(m), 0), axis=1)
    return base + (ranks < rest[:, None])
