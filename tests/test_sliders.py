"""Slider answers (synth/sliders.py): positions, quantiles, bands, heaping, by hand.

Each expectation is worked out on paper (ranks within groups, the uniform distribution's
quantiles, the heaping walk-through in the comments) or by an independent implementation
(``statistics.NormalDist``), never by calling the code under test again.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from survivors_perspectives.synth.sliders import (
    anova_f,
    band_counts,
    band_values,
    beta_params,
    beta_values,
    correlated_key,
    heap_values,
    stratified_positions,
)

GROUPS = np.array(["a", "b", "a", "a", "b"])


def test_midpoints_without_randomness_follow_the_file_order():
    # Group a (rows 0, 2, 3) gets 1/6, 3/6, 5/6; group b (rows 1, 4) gets 1/4, 3/4.
    positions = stratified_positions(None, GROUPS)
    assert positions == pytest.approx([1 / 6, 1 / 4, 3 / 6, 5 / 6, 3 / 4])


def test_an_order_key_ranks_respondents_within_their_group():
    # Keys in group a: 3 (row 0), 1 (row 2), 2 (row 3); in group b: 0 (row 1), 5 (row 4).
    positions = stratified_positions(None, GROUPS, order_key=np.array([3, 0, 1, 2, 5]))
    assert positions == pytest.approx([5 / 6, 1 / 4, 1 / 6, 3 / 6, 3 / 4])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_positions_take_one_stratum_each(seed):
    groups = np.repeat(["a", "b", "c"], [7, 3, 12])
    positions = stratified_positions(np.random.default_rng(seed), groups)
    for group, size in (("a", 7), ("b", 3), ("c", 12)):
        strata = np.floor(positions[groups == group] * size).astype(int)
        assert sorted(strata.tolist()) == list(range(size)), group
    again = stratified_positions(np.random.default_rng(seed), groups)
    assert positions.tolist() == again.tolist()


def test_beta_parameters_by_hand():
    a, b = beta_params(np.array([0.25, 0.5]), 8.0)
    assert a.tolist() == [2.0, 4.0] and b.tolist() == [6.0, 4.0]
    # A mean of 0 or 1 would give a degenerate Beta: it is held 1e-4 inside.
    a, b = beta_params(np.array([0.0, 1.0]), 10.0)
    assert a == pytest.approx([1e-3, 10 - 1e-3]) and b == pytest.approx([10 - 1e-3, 1e-3])


def test_a_flat_beta_turns_positions_into_the_same_share_of_the_range():
    # Mean 50 with precision 2 is Beta(1, 1), the uniform: its quantile at p is p itself.
    values = beta_values(np.array([0.123, 0.5, 0.996]), np.full(3, 50.0), 2.0)
    assert values.tolist() == [12, 50, 100]
    # On a 1-25 band, mean 13 is the band's middle: 1 + 24 p.
    values = beta_values(np.array([0.25, 0.75]), np.full(2, 13.0), 2.0, low=1, high=25)
    assert values.tolist() == [7, 19]


def test_band_values_spread_within_each_band():
    edges = [(0, 0), (1, 25), (26, 100)]
    # Band 1 at 0.0: 0.5 rounds to 0, held up at 1; at 0.999: 25.475 -> 25. Band 2 at 0.5:
    # 25.5 + 75 x 0.5 = 63. Band 0 holds only 0.
    values = band_values(np.array([0.0, 0.999, 0.5, 0.3]), np.array([1, 1, 2, 0]), edges)
    assert values.tolist() == [1, 25, 63, 0]


def test_anova_f_by_hand():
    # Means 2 and 5 around 3.5: between 2 x 3 x 1.5^2 = 13.5 on 1 df, within 4 on 4 df.
    f = anova_f(np.array([1, 2, 3, 4, 5, 6]), np.array(list("aaabbb")))
    assert f == pytest.approx(13.5, abs=1e-12)


def test_band_counts_split_by_largest_remainder():
    assert band_counts(10, [0.25, 0.25, 0.5]).tolist() == [3, 2, 5]


def test_a_perfectly_correlated_key_is_the_normal_score_of_the_rank():
    # Ranks 3, 1, 2 of 3: normal quantiles at 2.5/3, 0.5/3, 1.5/3.
    key = correlated_key(np.random.default_rng(0), np.array([30.0, 10.0, 20.0]), 1.0)
    normal = NormalDist()
    assert key == pytest.approx([normal.inv_cdf(q) for q in (2.5 / 3, 0.5 / 3, 0.5)], abs=1e-9)


# --- heaping -----------------------------------------------------------------------------------


def test_heaping_to_ten_then_flipping_back_towards_the_mean_by_hand():
    # Every answer rounds to its nearest ten: 12 -> 10, 14 -> 10, 17 -> 20, 33 -> 30; the
    # group's total moved by -2 - 4 + 3 - 3 = -6. The cheapest flip upwards is 14 (to 20,
    # 2 points worse than 10): total now +4, below half the smallest step (5/2 x 2 = 5), so
    # the walk stops, and flipping 33 up would move it to +14, further away.
    values = np.array([12, 14, 17, 33])
    heaped = heap_values(np.random.default_rng(0), values, np.zeros(4), 0, 100, 1.0, 0.0)
    assert heaped.tolist() == [10, 20, 20, 30]


def test_heaping_stays_within_each_answers_bounds_by_hand():
    # 3 cannot go down to 0 below its floor 1: up to 10. 24 cannot go up to 30 above its band's
    # 25: down to 20. 96 goes up to 100; the total then moved by 7 - 4 + 4 = +7, and the only
    # answer free both ways (96) flips down to 90: -3.
    heaped = heap_values(
        np.random.default_rng(0),
        np.array([3, 24, 96]),
        np.zeros(3),
        np.array([1, 1, 75]),
        np.array([100, 25, 100]),
        1.0,
        0.0,
    )
    assert heaped.tolist() == [10, 20, 90]


def test_no_heaping_leaves_every_answer():
    values = np.array([13, 27, 58, 99])
    heaped = heap_values(np.random.default_rng(3), values, np.zeros(4), 0, 100, 0.0, 0.0)
    assert heaped.tolist() == values.tolist()


def test_an_empty_column_stays_empty():
    heaped = heap_values(np.random.default_rng(0), np.array([], dtype=int), [], 0, 100, 0.5, 0.2)
    assert heaped.tolist() == []


@pytest.mark.parametrize("seed", range(8))
def test_heaping_keeps_each_group_total_within_two_points(seed):
    """Within 2 points of the total: half the smallest step (5) rounded down, per group."""
    rng = np.random.default_rng(seed)
    values = rng.integers(10, 91, size=90)
    groups = np.repeat(["x", "y", "z"], 30)
    heaped = heap_values(np.random.default_rng(seed), values, groups, 0, 100, 0.5, 0.3)
    for group in ("x", "y", "z"):
        moved = int(heaped[groups == group].sum() - values[groups == group].sum())
        assert abs(moved) <= 2, (group, moved)
    assert ((heaped >= 0) & (heaped <= 100)).all()
    changed = heaped != values
    assert (heaped[changed] % 5 == 0).all()
    again = heap_values(np.random.default_rng(seed), values, groups, 0, 100, 0.5, 0.3)
    assert heaped.tolist() == again.tolist()
