"""Raking and calibration (synth/raking.py), against closed forms worked out by hand.

Raking keeps the seed table's odds ratios while matching the margins; a 2 x 2 table with all
margins 50 has chi-square 0.16 (a - 25)^2 for first cell a. The expectations below come from
those identities, never from the functions under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from survivors_perspectives.synth.raking import (
    CalibrationError,
    bisect,
    calibrate_chi2,
    chi2_statistic,
    ipf,
    rake_rows_to_means,
    round_rows,
    tilted_table,
)

# --- iterative proportional fitting ------------------------------------------------------------


def test_raking_a_flat_seed_gives_the_independence_table():
    # r_i c_j / N with rows (3, 7), columns (4, 6), N = 10.
    raked = ipf(np.ones((2, 2)), [3, 7], [4, 6])
    assert raked == pytest.approx(np.array([[1.2, 1.8], [2.8, 4.2]]), abs=1e-9)


def test_raking_keeps_the_seed_odds_ratio():
    # Seed odds ratio (1 x 4) / (2 x 3) = 2/3. With every margin 10 the raked table is
    # [[a, 10 - a], [10 - a, a]] and a^2 / (10 - a)^2 = 2/3, so a = 10 r / (1 + r), r = sqrt(2/3).
    r = math.sqrt(2 / 3)
    a = 10 * r / (1 + r)
    raked = ipf(np.array([[1.0, 2.0], [3.0, 4.0]]), [10, 10], [10, 10])
    assert raked == pytest.approx(np.array([[a, 10 - a], [10 - a, a]]), abs=1e-8)


def test_structural_zeros_stay_zero():
    # Row 0 can only use cell (0, 0); column 1 only cell (1, 1): the rest follows.
    raked = ipf(np.array([[1.0, 0.0], [1.0, 1.0]]), [2, 3], [4, 1])
    assert raked == pytest.approx(np.array([[2.0, 0.0], [2.0, 1.0]]), abs=1e-9)
    assert raked[0, 1] == 0.0


def test_raking_refuses_margins_with_different_totals():
    with pytest.raises(CalibrationError) as caught:
        ipf(np.ones((2, 2)), [1, 2], [1, 1])
    assert str(caught.value) == "row targets sum to 3.0 but column targets to 2.0"


def test_raking_names_margins_a_zero_pattern_cannot_reach():
    with pytest.raises(CalibrationError) as caught:
        ipf(np.eye(2), [1, 2], [2, 1])
    assert str(caught.value) == "raking did not converge to rows [1.0, 2.0] and columns [2.0, 1.0]"


# --- the chi-square statistic ------------------------------------------------------------------


def test_chi2_statistic_by_hand():
    # Expected [[12, 18], [28, 42]]; every deviation is 2: 4 (1/12 + 1/18 + 1/28 + 1/42) = 50/63.
    assert chi2_statistic([[10, 20], [30, 40]]) == pytest.approx(50 / 63, abs=1e-12)


def test_empty_rows_and_columns_do_not_count():
    table = [[10, 0, 20], [0, 0, 0], [30, 0, 40]]
    assert chi2_statistic(table) == pytest.approx(50 / 63, abs=1e-12)


def test_an_independent_table_has_chi2_zero():
    assert chi2_statistic([[2, 4], [3, 6]]) == 0.0


# --- tilted tables and calibration -------------------------------------------------------------


def test_strength_zero_gives_the_rounded_independence_table():
    # Independence [[1.2, 1.8], [2.8, 4.2]]; rounding up the two .8 cells is the closest.
    table = tilted_table([3, 7], [4, 6], np.zeros((2, 2)), 0.0)
    assert table.tolist() == [[1, 2], [3, 4]]


def test_fixed_cells_are_kept_and_the_rest_fills_the_margins():
    # Cell (1, 1) fixed at 5 leaves rows (3, 2) and columns (4, 1) for the other three cells;
    # row 1 then has only cell (1, 0), and column 1 only cell (0, 1).
    fixed = np.array([[np.nan, np.nan], [np.nan, 5.0]])
    table = tilted_table([3, 7], [4, 6], np.zeros((2, 2)), 0.0, fixed=fixed)
    assert table.tolist() == [[2, 1], [2, 5]]


def test_fixed_cells_larger_than_a_margin_are_refused():
    fixed = np.array([[4.0, np.nan], [np.nan, np.nan]])
    with pytest.raises(CalibrationError) as caught:
        tilted_table([3, 7], [4, 6], np.zeros((2, 2)), 0.0, fixed=fixed)
    assert str(caught.value) == "fixed cells exceed the margins"


PATTERN = np.array([[1.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    ("target", "first_cell"),
    [
        (4.0, 30),  # 0.16 (a - 25)^2 = 4 exactly at a = 30
        (4.5, 30),  # between a = 30 (4.0) and a = 31 (5.76): 30 is closer
        (5.5, 31),  # 5.76 is closer than 4.0
        (0.0, 25),  # no tilt: the independence table
    ],
)
def test_calibration_reaches_the_closest_statistic(target, first_cell):
    table = calibrate_chi2([50, 50], [50, 50], PATTERN, target, "workers by country")
    a = first_cell
    assert table.tolist() == [[a, 50 - a], [50 - a, a]]


def test_calibration_names_a_target_out_of_reach():
    # Strength 8 tilts the odds ratio to e^8: a / (50 - a) = e^4, a = 49.1, rounded 49, and
    # 0.16 x 24^2 = 92.16 is the largest statistic on the path.
    with pytest.raises(CalibrationError) as caught:
        calibrate_chi2([50, 50], [50, 50], PATTERN, 99.0, "workers by country")
    assert str(caught.value) == (
        "workers by country: target 99 outside the reachable range [0.000, 92.160]"
    )


@pytest.mark.parametrize(
    ("fn", "target", "lo", "hi", "expected"),
    [
        (lambda x: x * x, 2.0, 0.0, 2.0, math.sqrt(2)),
        (lambda x: -x, -0.25, 0.0, 1.0, 0.25),  # decreasing functions are searched too
        (lambda x: 3 * x + 1, 1.0, 0.0, 5.0, 0.0),  # the target at an end of the range
    ],
)
def test_bisect_finds_the_root(fn, target, lo, hi, expected):
    assert bisect(fn, target, lo, hi, "what") == pytest.approx(expected, abs=1e-6)


# --- compositions (age bands) ------------------------------------------------------------------


def test_rows_sum_to_100_and_columns_average_the_targets():
    # Odds ratio 16 is kept: x (x - 20) = 16 (100 - x)(120 - x) for first cell x, i.e.
    # 15 x^2 - 3500 x + 192000 = 0, whose root below 100 is (3500 - sqrt(730000)) / 30.
    x = (3500 - math.sqrt(730_000)) / 30
    raked = rake_rows_to_means(np.array([[80.0, 20.0], [20.0, 80.0]]), [60, 40])
    assert raked == pytest.approx(np.array([[x, 100 - x], [120 - x, x - 20]]), abs=1e-6)


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        ([[33.4, 33.3, 33.3]], [[34, 33, 33]]),
        ([[10.5, 89.5]], [[11, 89]]),  # a tie goes to the first column
        ([[0.6, 99.4], [50.5, 49.5]], [[1, 99], [51, 49]]),
        ([[25.0, 25.0, 50.0]], [[25, 25, 50]]),
    ],
)
def test_round_rows_by_hand(matrix, expected):
    assert round_rows(np.array(matrix)).tolist() == expected
