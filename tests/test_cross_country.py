"""The published tests rerun on a synthetic survey, checked against direct scipy calls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from survivors_perspectives.analyses import cross_country as cc
from survivors_perspectives.pages import prose
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.published.significance_tests import (
    PUBLISHED_TESTS,
    TESTS_BY_ID,
    frame_for_test,
)
from survivors_perspectives.synth import generate


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate(seed=7)


@pytest.fixture(scope="module")
def recomputed(survey) -> pd.DataFrame:
    return cc.recompute_published(survey, load_reference())


def test_every_published_test_is_recomputed_beside_its_published_figures(recomputed):
    reference = load_reference().set_index("id")
    assert list(recomputed["id"]) == [t.id for t in PUBLISHED_TESTS]
    for _, row in recomputed.iterrows():
        assert row["published_statistic"] == reference.loc[row["id"], "statistic"]
        assert row["published_df"] == reference.loc[row["id"], "df"]
        assert row["published_p"] == reference.loc[row["id"], "p_reported"]


def test_chi2_row_matches_scipy_on_the_test_frame(survey, recomputed):
    test = TESTS_BY_ID["profile.location.by_country.chi2"]
    frame = frame_for_test(test, survey)
    expected = sps.chi2_contingency(pd.crosstab(frame[test.row], frame[test.col]), correction=False)
    row = recomputed.set_index("id").loc[test.id]
    assert row["statistic"] == pytest.approx(expected.statistic)
    assert row["p"] == pytest.approx(expected.pvalue)
    assert row["df"] == "10"


def test_anova_row_matches_scipy_on_the_test_frame(survey, recomputed):
    test = TESTS_BY_ID["boys_girls.boys_online_share.by_country.anova"]
    frame = frame_for_test(test, survey).dropna(subset=[test.value])
    groups = [g[test.value].astype(float) for _, g in frame.groupby(test.group)]
    expected = sps.f_oneway(*groups)
    row = recomputed.set_index("id").loc[test.id]
    assert row["statistic"] == pytest.approx(expected.statistic)
    assert row["n"] == len(frame)
    assert row["df"] == f"5,{len(frame) - 6}"


def test_holm_adjustment_covers_the_family_of_nineteen(recomputed):
    # Holm by its definition: the k-th smallest p times (m - k + 1), made monotone, capped at 1.
    p = recomputed["p"].to_numpy()
    order = np.argsort(p, kind="stable")
    steps = np.maximum.accumulate([p[i] * (len(p) - k) for k, i in enumerate(order)])
    expected = np.empty_like(p)
    expected[order] = np.minimum(steps, 1.0)
    np.testing.assert_allclose(recomputed["p_adjusted"], expected)
    assert len(recomputed) == 19


def test_assumption_checks_run_welch_and_monte_carlo(survey):
    checks = cc.assumption_checks(survey).set_index("id")
    test = TESTS_BY_ID["offenders.female_girls.by_country.anova"]
    frame = frame_for_test(test, survey).dropna(subset=[test.value])
    groups = [g[test.value].astype(float).to_numpy() for _, g in frame.groupby(test.group)]
    welch = sps.f_oneway(*groups, equal_var=False)
    assert checks.loc[test.id, "alternative"] == "welch_anova"
    assert checks.loc[test.id, "alternative_p"] == pytest.approx(welch.pvalue)
    bf = sps.levene(*groups, center="median")
    assert checks.loc[test.id, "assumption_holds"] == (bf.pvalue >= 0.05)
    gender = checks.loc["profile.gender.by_country.chi2"]
    # one respondent of 'Other' gender: expected counts far below 5
    assert not gender["assumption_holds"]
    assert gender["alternative"] == "monte_carlo_chi2"
    forms = checks.loc["forms_of_abuse.csam.by_child_gender.chi2"]
    assert forms["alternative"] == "fisher_exact"


def test_posthoc_compares_every_pair_of_countries(survey):
    test = TESTS_BY_ID["caseload.online_share_of_se.by_country.anova"]
    pairs = cc.posthoc(survey, test)
    assert len(pairs) == 15
    assert set(pairs["group_a"]) | set(pairs["group_b"]) == set(survey["country"].unique())
    assert (pairs["method"] == "games_howell").all()
    summary = cc.differing_pairs(pairs)
    assert summary.loc[0, "differing"] == int((pairs["p_adjusted"] < 0.05).sum())


def test_summary_sentence_uses_the_counts(recomputed):
    counts = cc.conclusion_counts(recomputed)
    text = prose.cross_country_summary(counts)
    assert f"{counts['same_conclusion']} of the 19 published tests" in text
    assert counts["significant_published"] == 17  # fn 31 and fn 34 are not significant
