"""Each statistic in ``stats`` against an answer computed another way on a small table."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from survivors_perspectives import stats


def _frame_from_table(table: list[list[int]], rows=None, cols=None) -> pd.DataFrame:
    """Expand a contingency table into one row per person."""
    rows = rows or [f"r{i}" for i in range(len(table))]
    cols = cols or [f"c{j}" for j in range(len(table[0]))]
    records = [
        {"answer": rows[i], "country": cols[j]}
        for i, line in enumerate(table)
        for j, count in enumerate(line)
        for _ in range(count)
    ]
    return pd.DataFrame(records)


def _pearson(table: np.ndarray) -> float:
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    return float(((table - expected) ** 2 / expected).sum())


# Shell measurements of five mussel populations (McDonald et al. 1991), as in scipy's docs.
MUSSELS = {
    "tillamook": [0.0571, 0.0813, 0.0831, 0.0976, 0.0817, 0.0859, 0.0735, 0.0659, 0.0923, 0.0836],
    "newport": [0.0873, 0.0662, 0.0672, 0.0819, 0.0749, 0.0649, 0.0835, 0.0725],
    "petersburg": [0.0974, 0.1352, 0.0817, 0.1016, 0.0968, 0.1064, 0.105],
    "magadan": [0.1033, 0.0915, 0.0781, 0.0685, 0.0677, 0.0697, 0.0764, 0.0689],
    "tvarminne": [0.0703, 0.1026, 0.0956, 0.0973, 0.1039, 0.1045],
}


@pytest.fixture
def mussels() -> pd.DataFrame:
    return pd.DataFrame(
        [{"site": site, "shell": x} for site, values in MUSSELS.items() for x in values]
    )


def test_chi2_matches_hand_computed_pearson_statistic():
    table = [[10, 10, 20], [20, 20, 20]]
    res = stats.chi2_independence(_frame_from_table(table), "answer", "country")
    observed = np.array(table, dtype=float)
    expected_stat = _pearson(observed)
    assert res.statistic == pytest.approx(expected_stat)
    assert expected_stat == pytest.approx(25 / 9)  # textbook value 2.778
    assert res.df == (2,)
    assert res.p == pytest.approx(math.exp(-expected_stat / 2))  # chi2 sf with 2 df
    assert res.n == 100
    assert res.effect_size == pytest.approx(math.sqrt(expected_stat / 100))
    assert res.note == ""


def test_chi2_has_no_continuity_correction_on_2x2():
    table = [[12, 5], [7, 16]]
    res = stats.chi2_independence(_frame_from_table(table), "answer", "country")
    assert res.statistic == pytest.approx(_pearson(np.array(table, dtype=float)))


def test_cramers_v_interval_inverts_the_noncentral_chi2():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"answer": rng.choice(list("xyz"), 400, p=[0.5, 0.3, 0.2]), "country": rng.choice(6, 400)}
    )
    frame.loc[frame.country == 0, "answer"] = "x"  # a real association
    res = stats.chi2_independence(frame, "answer", "country")
    k = 2  # min(3, 6) - 1
    low_lambda = res.effect_ci[0] ** 2 * res.n * k
    high_lambda = res.effect_ci[1] ** 2 * res.n * k
    dof = res.df[0]
    assert sps.ncx2.cdf(res.statistic, dof, low_lambda) == pytest.approx(0.975, abs=1e-6)
    assert sps.ncx2.cdf(res.statistic, dof, high_lambda) == pytest.approx(0.025, abs=1e-6)
    assert res.effect_ci[0] < res.effect_size < res.effect_ci[1]


def test_cramers_v_lower_limit_is_zero_for_a_weak_association():
    low, high = stats.cramers_v_ci(chi2=8.0, n=200, shape=(3, 6))
    assert low == 0.0
    lam = high**2 * 200 * 2
    assert sps.ncx2.cdf(8.0, 10, lam) == pytest.approx(0.025, abs=1e-6)
    # a statistic in the lowest 2.5% of the null distribution: both limits are 0
    assert sps.chi2.cdf(3.0, 10) < 0.025
    assert stats.cramers_v_ci(chi2=3.0, n=200, shape=(3, 6)) == (0.0, 0.0)


def test_fisher_exact_for_sparse_2x2_is_the_tea_tasting_answer():
    # Fisher's tea-tasting table: two-sided exact p = 17/35.
    res = stats.chi2_small_sample(np.array([[3, 1], [1, 3]]))
    assert res.test == "fisher_exact"
    assert res.p == pytest.approx(17 / 35)
    note = stats.chi2_independence(_frame_from_table([[3, 1], [1, 3]]), "answer", "country").note
    assert note.startswith("4 of 4 expected counts under 5")
    assert f"fisher_exact p = {17 / 35:.4f}" in note


def _exact_p_2x3(table: np.ndarray) -> float:
    """Exact p of the Pearson statistic by enumerating every 2x3 table with these margins."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = table.sum()
    observed = _pearson(table.astype(float))
    total = 0.0
    for a, b in itertools.product(range(cols[0] + 1), range(cols[1] + 1)):
        c = rows[0] - a - b
        if not 0 <= c <= cols[2]:
            continue
        candidate = np.array([[a, b, c], cols - [a, b, c]], dtype=float)
        prob = math.comb(cols[0], a) * math.comb(cols[1], b) * math.comb(cols[2], c)
        prob /= math.comb(n, rows[0])
        if _pearson(candidate) >= observed - 1e-9:
            total += prob
    return total


def test_monte_carlo_p_for_sparse_table_is_close_to_the_exact_p():
    table = np.array([[4, 1, 0], [1, 3, 4]])
    res = stats.chi2_small_sample(table, seed=1)
    assert res.test == "monte_carlo_chi2"
    exact = _exact_p_2x3(table)
    assert 0.01 < exact < 0.2
    # 9999 draws: the standard error is below 0.004
    assert res.p == pytest.approx(exact, abs=0.015)
    # fixed seed, same answer
    assert stats.chi2_small_sample(table, seed=1).p == res.p


def test_chi2_drops_missing_answers():
    frame = _frame_from_table([[10, 10, 20], [20, 20, 20]])
    frame.loc[:9, "answer"] = None
    frame.loc[50:54, "country"] = np.nan
    res = stats.chi2_independence(frame, "answer", "country")
    assert res.n == 85


def test_chi2_errors_name_the_column_and_the_problem():
    frame = _frame_from_table([[10, 10], [20, 20]])
    with pytest.raises(KeyError, match="'gender'"):
        stats.chi2_independence(frame, "gender", "country")
    one_answer = frame.assign(answer="yes")
    with pytest.raises(ValueError, match="found a 1x2 table"):
        stats.chi2_independence(one_answer, "answer", "country")


def test_anova_matches_hand_computed_sums_of_squares(mussels):
    res = stats.anova_oneway(mussels, "shell", "site")
    values = mussels["shell"].to_numpy()
    grand = values.mean()
    ss_between = sum(len(v) * (np.mean(v) - grand) ** 2 for v in map(np.asarray, MUSSELS.values()))
    ss_within = sum(((np.asarray(v) - np.mean(v)) ** 2).sum() for v in MUSSELS.values())
    df1, df2 = 4, len(values) - 5
    f = (ss_between / df1) / (ss_within / df2)
    assert res.df == (df1, df2) == (4, 34)
    assert res.statistic == pytest.approx(f)
    assert res.statistic == pytest.approx(7.1210, abs=1e-4)  # the published value
    assert res.p == pytest.approx(0.000281, abs=1e-6)
    assert res.effect_size == pytest.approx(ss_between / (ss_between + ss_within))
    assert res.n == 39


def test_eta_squared_interval_inverts_the_noncentral_f(mussels):
    res = stats.anova_oneway(mussels, "shell", "site")
    n = res.n
    for limit, prob in zip(res.effect_ci, (0.975, 0.025), strict=True):
        lam = limit / (1 - limit) * n
        assert sps.ncf.cdf(res.statistic, *res.df, lam) == pytest.approx(prob, abs=1e-4)


def test_eta_squared_lower_limit_is_zero_for_a_small_f():
    low, high = stats.eta_squared_ci(0.5, (5, 400))
    assert low == 0.0
    assert 0 < high < 0.05


def test_brown_forsythe_is_anova_on_distances_from_group_medians(mussels):
    res = stats.levene_median(mussels, "shell", "site")
    distances = [np.abs(np.asarray(v) - np.median(v)) for v in MUSSELS.values()]
    expected = sps.f_oneway(*distances)
    assert res.statistic == pytest.approx(expected.statistic)
    assert res.p == pytest.approx(expected.pvalue)


def test_welch_anova_gives_the_statsmodels_known_answer():
    # statsmodels 0.15.0, anova_oneway(use_var="unequal", welch_correction=True)
    groups = {"a": [1, 2, 3, 4, 5.5], "b": [2, 4, 6, 8, 10, 12], "c": [0.5, 0.7, 0.9, 1.1]}
    frame = pd.DataFrame(
        [(g, v) for g, values in groups.items() for v in values], columns=["country", "value"]
    )
    res = stats.welch_anova(frame, "value", "country")
    assert res.statistic == pytest.approx(11.04084288612913, rel=1e-10)
    assert res.p == pytest.approx(0.0092686192209575, rel=1e-8)
    assert res.df == (2, 6)
    assert res.note == "denominator df 6.14"


@pytest.mark.parametrize(
    ("f_stat", "df", "expected"),
    [  # statsmodels 0.15.0, confint_effectsize_oneway(...).eta2 (a NaN lower limit is 0)
        (3.2, (5, 407), (0.0030508087931610814, 0.06945944393309753)),
        (0.3, (5, 407), (0.0, 0.007500272678055445)),
        (12.5, (2, 60), (0.10276939859754798, 0.4413340206862166)),
    ],
)
def test_eta_squared_interval_gives_the_statsmodels_known_answers(f_stat, df, expected):
    low, high = stats.eta_squared_ci(f_stat, df)
    assert (low, high) == pytest.approx(expected, rel=1e-7, abs=1e-12)


def test_welch_anova_matches_the_textbook_formula(mussels):
    res = stats.welch_anova(mussels, "shell", "site")
    groups = [np.asarray(v) for v in MUSSELS.values()]
    k = len(groups)
    n = np.array([len(g) for g in groups])
    means = np.array([g.mean() for g in groups])
    w = n / np.array([g.var(ddof=1) for g in groups])
    mean_w = (w * means).sum() / w.sum()
    a = (w * (means - mean_w) ** 2).sum() / (k - 1)
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    b = 1 + 2 * (k - 2) / (k**2 - 1) * lam
    f = a / b
    df2 = (k**2 - 1) / (3 * lam)
    assert res.statistic == pytest.approx(f)
    assert res.p == pytest.approx(sps.f.sf(f, k - 1, df2))
    assert res.df == (k - 1, round(df2))
    assert f"{df2:.2f}" in res.note


def test_anova_note_adds_welch_when_variances_differ():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "value": np.concatenate([rng.normal(0, 1, 60), rng.normal(0.5, 5, 60)]),
            "country": ["a"] * 60 + ["b"] * 60,
        }
    )
    res = stats.anova_oneway(frame, "value", "country")
    welch = stats.welch_anova(frame, "value", "country")
    assert "unequal variances" in res.note
    assert f"Welch F = {welch.statistic:.3f}" in res.note


def test_anova_rejects_text_values():
    frame = pd.DataFrame({"value": ["a", "b", "c", "d"], "country": [1, 1, 2, 2]})
    with pytest.raises(TypeError, match="numeric 'value'"):
        stats.anova_oneway(frame, "value", "country")


def test_holm_adjustment_matches_the_step_down_rule():
    p = [0.01, 0.04, 0.03, 0.005, np.nan]
    # sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone 0.06
    expected = [0.03, 0.06, 0.06, 0.02]
    adjusted = stats.adjust_family(p, "holm")
    np.testing.assert_allclose(adjusted[:4], expected)
    assert np.isnan(adjusted[4])


# Known answers computed with statsmodels 0.15.0 (multipletests), which the package no longer
# depends on: ties, zeros and values pushed to 1 for each adjustment.
KNOWN_ADJUSTMENTS = [
    (
        [0.01, 0.01, 0.04, 0.0, 0.5],
        {
            "holm": [0.04, 0.04, 0.08, 0.0, 0.5],
            "fdr_bh": [1 / 60, 1 / 60, 0.05, 0.0, 0.5],
            "fdr_by": [0.03805555555555556, 0.03805555555555556, 0.11416666666666667, 0.0, 1.0],
            "bonferroni": [0.05, 0.05, 0.2, 0.0, 1.0],
        },
    ),
    (
        [0.2, 0.2, 0.2],
        {
            "holm": [0.6, 0.6, 0.6],
            "fdr_bh": [0.2, 0.2, 0.2],
            "fdr_by": [0.36666666666666664] * 3,
            "bonferroni": [0.6, 0.6, 0.6],
        },
    ),
    (
        [0.0, 0.0, 0.03, 0.5, 0.5, 0.9],
        {
            "holm": [0.0, 0.0, 0.12, 1.0, 1.0, 1.0],
            "fdr_bh": [0.0, 0.0, 0.06, 0.6, 0.6, 0.9],
            "fdr_by": [0.0, 0.0, 0.147, 1.0, 1.0, 1.0],
            "bonferroni": [0.0, 0.0, 0.18, 1.0, 1.0, 1.0],
        },
    ),
]


@pytest.mark.parametrize(("p", "expected"), KNOWN_ADJUSTMENTS)
def test_adjustments_give_statsmodels_known_answers_with_ties_and_zeros(p, expected):
    for method, answer in expected.items():
        np.testing.assert_allclose(stats.adjust_family(p, method), answer, rtol=1e-12)


def test_unknown_adjustment_names_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown method 'sidak'; expected one of \['bonf"):
        stats.adjust_family([0.1, 0.2], "sidak")


def test_benjamini_hochberg_adjustment():
    p = [0.01, 0.04, 0.03, 0.005]
    # sorted 0.005*4/1=0.02, 0.01*4/2=0.02, 0.03*4/3=0.04, 0.04*4/4=0.04
    np.testing.assert_allclose(stats.adjust_family(p, "fdr_bh"), [0.02, 0.04, 0.04, 0.02])


def test_games_howell_matches_the_studentized_range_formula(mussels):
    table = stats.pairwise_means(mussels, "shell", "site")
    assert len(table) == 10
    row = table.query("group_a == 'magadan' and group_b == 'newport'").iloc[0]
    a, b = np.asarray(MUSSELS["magadan"]), np.asarray(MUSSELS["newport"])
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    q = abs(a.mean() - b.mean()) / math.sqrt((va + vb) / 2)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    assert row["difference"] == pytest.approx(a.mean() - b.mean())
    assert row["p_adjusted"] == pytest.approx(sps.studentized_range.sf(q, 5, df), rel=1e-3)
    assert row["method"] == "games_howell"


def test_pairwise_chi2_tests_each_pair_and_adjusts_the_family():
    table = [[30, 10, 12], [10, 30, 28]]
    frame = _frame_from_table(table, cols=["A", "B", "C"])
    pairs = stats.pairwise_chi2(frame, "answer", "country")
    assert list(zip(pairs.group_a, pairs.group_b, strict=True)) == [
        ("A", "B"),
        ("A", "C"),
        ("B", "C"),
    ]
    sub = np.array([[30, 10], [10, 30]], dtype=float)
    ab = pairs.iloc[0]
    assert ab["statistic"] == pytest.approx(_pearson(sub))
    raw = [
        sps.chi2.sf(_pearson(np.array(table, dtype=float)[:, c]), 1)
        for c in ([0, 1], [0, 2], [1, 2])
    ]
    order = np.argsort(raw)
    holm = np.maximum.accumulate([raw[i] * (3 - r) for r, i in enumerate(order)])
    expected = np.empty(3)
    expected[order] = np.minimum(holm, 1)
    np.testing.assert_allclose(pairs["p_adjusted"], expected)


def test_results_frame_adjusts_all_tests_together(mussels):
    frame = _frame_from_table([[10, 10, 20], [20, 20, 20]])
    results = {
        "a": stats.chi2_independence(frame, "answer", "country"),
        "b": stats.anova_oneway(mussels, "shell", "site"),
    }
    table = stats.results_frame(results)
    assert list(table["id"]) == ["a", "b"]
    assert table.loc[0, "df"] == "2" and table.loc[1, "df"] == "4,34"
    # Holm with two tests: the smaller p doubled, the larger kept (or the doubled one if larger)
    pa, pb = results["a"].p, results["b"].p
    assert table.loc[1, "p_adjusted"] == pytest.approx(2 * pb)
    assert table.loc[0, "p_adjusted"] == pytest.approx(max(pa, 2 * pb))
