"""Slider answers (0-100) with published group means and a published ANOVA F.

Values are drawn by stratified inverse-transform sampling: within each group the ``n``
respondents get the quantiles ``(k + u_k) / n`` of the group's distribution, ``u_k`` uniform.
That keeps each group's mean and spread within a fraction of a point of the target on every
seed (plain random draws would move an F statistic by 30-50% between seeds), while which
respondent gets which value stays random.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from .allocate import largest_remainder

# A flip moves an answer by its step, and the smallest heaping step is 5 points.
SMALLEST_SHIFT = 5


def stratified_positions(
    rng: np.random.Generator | None, groups: np.ndarray, order_key: np.ndarray | None = None
) -> np.ndarray:
    """Return, for each respondent, a stratified uniform position within its group.

    With ``rng=None`` the midpoints ``(k + 0.5) / n`` are used (for calibration). Who gets
    which position is random, or follows ``order_key`` (ascending) when given.
    """
    groups = np.asarray(groups)
    n = len(groups)
    _, inverse, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    jitter = rng.random(n) if rng is not None else np.full(n, 0.5)
    if order_key is not None:
        shuffle = np.asarray(order_key, dtype=float)
    else:
        shuffle = rng.random(n) if rng is not None else np.arange(n, dtype=float)
    order = np.lexsort((shuffle, inverse))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, sizes)
    return (rank + jitter) / sizes[inverse]


def beta_params(mean: np.ndarray, phi: float) -> tuple[np.ndarray, np.ndarray]:
    """Beta shape parameters for a mean in (0, 1) and precision ``phi`` (= a + b)."""
    mean = np.clip(np.asarray(mean, dtype=float), 1e-4, 1 - 1e-4)
    return mean * phi, (1 - mean) * phi


def beta_values(
    positions: np.ndarray, means: np.ndarray, phi: float, low: int = 0, high: int = 100
) -> np.ndarray:
    """Integer slider values in ``[low, high]`` from Beta quantiles at ``positions``.

    ``means`` are per respondent, on the 0-100 scale of the slider.
    """
    a, b = beta_params((np.asarray(means, dtype=float) - low) / (high - low), phi)
    q = stats.beta.ppf(positions, a, b)
    return np.rint(low + (high - low) * q).astype(np.int64)


def band_values(positions: np.ndarray, bands: np.ndarray, edges: Sequence[tuple[int, int]]):
    """Integer values spread evenly within each respondent's band (``edges[band]``)."""
    lo = np.array([e[0] for e in edges], dtype=float)[bands]
    hi = np.array([e[1] for e in edges], dtype=float)[bands]
    return np.rint(lo - 0.5 + (hi - lo + 1) * positions).clip(lo, hi).astype(np.int64)


def anova_f(values: np.ndarray, groups: np.ndarray) -> float:
    """One-way ANOVA F statistic of ``values`` by ``groups``."""
    values = np.asarray(values, dtype=float)
    samples = [values[groups == g] for g in np.unique(groups)]
    return float(stats.f_oneway(*samples).statistic)


def band_counts(total: int, shares: Sequence[float]) -> np.ndarray:
    """Split ``total`` respondents over bands (largest remainder)."""
    return largest_remainder(total, shares)


def correlated_key(rng: np.random.Generator, other: np.ndarray, rho: float) -> np.ndarray:
    """Latent ordering key with rank correlation about ``rho`` with ``other``.

    A Gaussian copula: the normal score of ``other``'s rank, mixed with independent noise.
    """
    other = np.asarray(other, dtype=float)
    n = len(other)
    ranks = stats.rankdata(other, method="ordinal") - 0.5
    score = stats.norm.ppf(ranks / n)
    return rho * score + np.sqrt(1 - rho**2) * rng.standard_normal(n)


def heap_values(
    rng: np.random.Generator,
    values: np.ndarray,
    groups: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    to_ten: float,
    to_five: float,
) -> np.ndarray:
    """Round a share of slider answers to multiples of 10 or 5, keeping group means.

    Each respondent rounds to a multiple of 10 with probability ``to_ten`` and to a multiple
    of 5 with probability ``to_five`` (heaping, as people answering a slider do), to the
    nearest multiple within ``[low, high]`` (their band, or 1-100 where 0 would break a
    rule). Within each group the rounding direction of some answers is then flipped, in
    order of least movement, until the group's total moved by less than half a step: group
    means move by a fraction of a point, so published means and F statistics stay put.
    """
    values = np.asarray(values, dtype=np.int64).copy()
    n = len(values)
    if n == 0:
        return values
    low = np.broadcast_to(np.asarray(low, dtype=np.int64), (n,))
    high = np.broadcast_to(np.asarray(high, dtype=np.int64), (n,))
    u = rng.random(n)
    step = np.where(u < to_ten, 10, np.where(u < to_ten + to_five, 5, 1))
    down = values // step * step
    up = np.where(down == values, values, down + step)
    ok_down, ok_up = down >= low, up <= high
    heaper = (step > 1) & (down != values) & (ok_down | ok_up)
    closer_up = (up - values) < (values - down)
    tie = (up - values) == (values - down)
    go_up = ok_up & (~ok_down | closer_up | (tie & (rng.random(n) < 0.5)))
    new = np.where(heaper, np.where(go_up, up, down), values)
    both = heaper & ok_down & ok_up
    keys, inverse = np.unique(np.asarray(groups), return_inverse=True)
    for g in range(len(keys)):
        members = np.flatnonzero(inverse == g)
        error = int((new[members] - values[members]).sum())
        flexible = members[both[members]]
        if error > 0:
            movable = flexible[new[flexible] == up[flexible]]
            cost = (values[movable] - down[movable]) - (up[movable] - values[movable])
        else:
            movable = flexible[new[flexible] == down[flexible]]
            cost = (up[movable] - values[movable]) - (values[movable] - down[movable])
        lower = error > 0  # every movable answer sits on the side the error comes from
        for i in movable[np.argsort(cost, kind="stable")]:
            if 2 * abs(error) < SMALLEST_SHIFT:
                break  # within half the smallest step: the mean cannot get closer
            shift = (down[i] - up[i]) if lower else (up[i] - down[i])
            if abs(error + shift) >= abs(error):
                continue
            new[i] += shift
            error += shift
    return new
