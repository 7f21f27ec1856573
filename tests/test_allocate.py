"""Integer allocation (synth/allocate.py), checked against numbers worked out by hand.

Every expected table below was computed on paper (quotas, floors, remainders) or, for
controlled rounding, by enumerating every integer table within one unit of the target: never
by calling the function under test again.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from survivors_perspectives.synth.allocate import (
    AllocationError,
    assign_counts,
    controlled_round,
    largest_remainder,
    scale_counts,
)

# --- largest remainder (Hamilton) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        # quotas 3.5, 2.1, 1.4: floors 3, 2, 1 and the one left goes to the largest remainder
        (7, [0.5, 0.3, 0.2], [4, 2, 1]),
        # quotas 3.33 each: a three-way tie, the earlier position wins
        (10, [1, 1, 1], [4, 3, 3]),
        # exact quotas are kept as they are
        (100, [2, 3, 5], [20, 30, 50]),
        # a zero weight gets nothing; the tie between 2.5 and 2.5 goes to the first
        (5, [1, 0, 1], [3, 0, 2]),
        # quotas 0.6, 0.6, 0.6, 0.6, 0.6: the three earliest get one each
        (3, [1, 1, 1, 1, 1], [1, 1, 1, 0, 0]),
        # nothing to allocate: zeros, even over zero weights
        (0, [0, 0], [0, 0]),
    ],
)
def test_largest_remainder_by_hand(total, weights, expected):
    result = largest_remainder(total, weights)
    assert result.tolist() == expected
    assert result.dtype == np.int64


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (-1, [1, 1], "cannot allocate -1 over weights [1.0, 1.0]"),
        (5, [1, -1], "cannot allocate 5 over weights [1.0, -1.0]"),
        (5, [1, float("nan")], "cannot allocate 5 over weights [1.0, nan]"),
        (3, [0, 0], "cannot allocate 3 over all-zero weights"),
    ],
)
def test_largest_remainder_refuses_what_it_cannot_split(total, weights, message):
    with pytest.raises(AllocationError) as caught:
        largest_remainder(total, weights)
    assert str(caught.value) == message


# --- controlled rounding ---------------------------------------------------------------------


def _closest_by_enumeration(table, rows, cols, upper=None):
    """Every integer table with cells at floor or ceiling (capped) and the margins; the closest."""
    table = np.asarray(table, dtype=float)
    lo, hi = np.floor(table), np.ceil(table)
    if upper is not None:
        lo, hi = np.minimum(lo, upper), np.minimum(hi, upper)
    choices = [sorted({a, b}) for a, b in zip(lo.ravel(), hi.ravel(), strict=True)]
    best, best_error = None, None
    for cells in itertools.product(*choices):
        candidate = np.array(cells).reshape(table.shape)
        if candidate.sum(axis=1).tolist() != list(rows):
            continue
        if candidate.sum(axis=0).tolist() != list(cols):
            continue
        error = float(((candidate - table) ** 2).sum())
        assert best_error is None or abs(error - best_error) > 1e-9, "ambiguous example"
        if best_error is None or error < best_error:
            best, best_error = candidate, error
    return best


def test_controlled_round_picks_the_closest_table_by_hand():
    # Floors [[1, 2], [3, 1]] leave one unit for each row and column: rounding up the two cells
    # with fraction .8 costs 4 x 0.04 = 0.16 in squared error, the other pair 4 x 0.64.
    table = [[1.2, 2.8], [3.8, 1.2]]
    result = controlled_round(table, [4, 5], [5, 4])
    assert result.tolist() == [[1, 3], [4, 1]]
    assert result.dtype == np.int64


@pytest.mark.parametrize("seed", range(6))
def test_controlled_round_agrees_with_enumerating_every_table(seed):
    rng = np.random.default_rng(seed)
    table = rng.uniform(0, 6, size=(3, 3))
    # Margins reachable by rounding: round the row sums, then give the columns the same total.
    rows = np.rint(table.sum(axis=1)).astype(int)
    cols = np.floor(table.sum(axis=0)).astype(int)
    short = rows.sum() - cols.sum()
    assert 0 <= short <= len(cols)
    order = np.argsort(-(table.sum(axis=0) - cols), kind="stable")
    cols[order[:short]] += 1
    expected = _closest_by_enumeration(table, rows, cols)
    assert expected is not None
    assert controlled_round(table, rows, cols).tolist() == expected.tolist()


def test_an_integer_table_stays_as_it_is():
    table = [[3, 0, 2], [1, 4, 0]]
    assert controlled_round(table, [5, 5], [4, 4, 2]).tolist() == table


def test_upper_caps_move_the_rounding_elsewhere():
    table = [[0.6, 0.4], [0.4, 0.6]]
    assert controlled_round(table, [1, 1], [1, 1]).tolist() == [[1, 0], [0, 1]]
    capped = controlled_round(table, [1, 1], [1, 1], upper=np.array([[0, 1], [1, 1]]))
    assert capped.tolist() == [[0, 1], [1, 0]]


def test_controlled_round_refuses_margins_that_disagree():
    with pytest.raises(AllocationError) as caught:
        controlled_round([[1.0, 2.0]], [3], [1, 3])
    assert str(caught.value) == "row sums total 3 but column sums total 4"


def test_controlled_round_refuses_margins_out_of_reach():
    # The first cell is exactly 0 and cannot move, so no column can hold 1 and 1.
    with pytest.raises(AllocationError) as caught:
        controlled_round([[0.0, 2.0]], [2], [1, 1])
    assert str(caught.value) == (
        "no integer table near the target has row sums [2] and column sums [1, 1]"
    )


# --- assigning an exact count table to respondents ---------------------------------------------

GROUPS = np.array(["b", "a", "b", "a", "b", "b"])
COUNTS = pd.DataFrame({"x": [1, 3], "y": [1, 1]}, index=["a", "b"])


def test_every_group_gets_exactly_its_counted_labels_on_any_seed():
    for seed in range(20):
        labels = assign_counts(np.random.default_rng(seed), GROUPS, COUNTS)
        assert sorted(labels[GROUPS == "a"]) == ["x", "y"], seed
        assert sorted(labels[GROUPS == "b"]) == ["x", "x", "x", "y"], seed


def test_assignment_is_the_same_for_the_same_seed():
    first = assign_counts(np.random.default_rng(7), GROUPS, COUNTS)
    second = assign_counts(np.random.default_rng(7), GROUPS, COUNTS)
    assert first.tolist() == second.tolist()


def test_an_order_key_gives_the_first_label_to_the_lowest_scores():
    # Group a (positions 1, 3): scores 0.9 and 0.1, so position 3 gets "x". Group b
    # (positions 0, 2, 4, 5): scores 0.4, 0.3, 0.2, 0.8, so the three lowest (4, 2, 0) get "x".
    key = np.array([0.4, 0.9, 0.3, 0.1, 0.2, 0.8])
    labels = assign_counts(np.random.default_rng(0), GROUPS, COUNTS, order_key=key)
    assert labels.tolist() == ["x", "y", "x", "x", "x", "y"]


def test_a_count_table_that_misses_a_group_size_names_the_group():
    wrong = pd.DataFrame({"x": [2, 3], "y": [1, 1]}, index=["a", "b"])
    with pytest.raises(AllocationError) as caught:
        assign_counts(np.random.default_rng(0), GROUPS, wrong)
    assert str(caught.value) == (
        "count table does not match group sizes: a: 2 respondents, 3 allocated"
    )


# --- rescaling a count table (--scale) ---------------------------------------------------------


def test_scaling_by_a_whole_factor_multiplies_every_count():
    table = pd.DataFrame([[3, 1], [2, 2]], index=["g1", "g2"], columns=["x", "y"])
    scaled = scale_counts(table, pd.Series({"g2": 8, "g1": 8}))
    assert scaled.to_numpy().tolist() == [[6, 2], [4, 4]]
    assert scaled.index.tolist() == ["g1", "g2"] and scaled.columns.tolist() == ["x", "y"]


def test_scaling_to_uneven_sizes_keeps_both_margins_whole():
    # g1 grows from 4 to 5: target row [3.75, 1.25]; g2 stays [2, 2]. Column totals: 9 split
    # 5 : 3 by largest remainder is 5.625 / 3.375 -> [6, 3]; so g1's first cell rounds up.
    table = pd.DataFrame([[3, 1], [2, 2]], index=["g1", "g2"], columns=["x", "y"])
    scaled = scale_counts(table, pd.Series({"g1": 5, "g2": 4}))
    assert scaled.to_numpy().tolist() == [[4, 1], [2, 2]]
