"""The synthetic survey generator: exact published counts, published tests, determinism.

Expectations come from the reference table and from plain pandas/scipy, not from the
generator's own bookkeeping.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from survivors_perspectives import paths
from survivors_perspectives.published.printed_values import published_significant
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS, frame_for_test
from survivors_perspectives.survey.load import validate_survey
from survivors_perspectives.synth.__main__ import main as synth_main
from survivors_perspectives.synth.generate import DEFAULT_SEED, build_plan, generate, plan_for
from survivors_perspectives.synth.spec import SpecError, build_spec, check_spec, count_for_pct

COUNTRY_SIZES = {
    "Mexico": 91,
    "Colombia": 89,
    "Peru": 80,
    "Moldova": 54,
    "Albania": 50,
    "Bosnia and Herzegovina": 49,
}


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    ref = load_reference()
    return ref[ref["topic"] != "conversations"]


@pytest.fixture(scope="module")
def spec(reference):
    return build_spec(reference)


def _scipy_statistic(test, frame: pd.DataFrame) -> tuple[float, float]:
    """Recompute a published test with scipy directly (independent of the stats module)."""
    data = frame_for_test(test, frame)
    if test.kind == "chi2_independence":
        table = pd.crosstab(data[test.row], data[test.col])
        table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
        stat, p, dof, _ = sps.chi2_contingency(table.to_numpy(), correction=False)
        assert (dof,) == test.df, test.id
        return float(stat), float(p)
    data = data[[test.value, test.group]].dropna()
    groups = [
        g[test.value].astype(float).to_numpy() for _, g in data.groupby(test.group, observed=True)
    ]
    result = sps.f_oneway(*groups)
    assert (len(groups) - 1, len(data) - len(groups)) == test.df, test.id
    return float(result.statistic), float(result.pvalue)


# --- Exact published counts, computed with plain pandas ----------------------------------


def test_country_sizes_and_gender(survey):
    assert survey["country"].value_counts().to_dict() == COUNTRY_SIZES
    assert survey["gender"].value_counts().to_dict() == {"Female": 335, "Male": 77, "Other": 1}
    assert survey.loc[survey["gender"] == "Other", "country"].tolist() == ["Mexico"]


def test_profile_counts(survey):
    assert survey["age_band"].value_counts().to_dict() == {
        "31-40": 171,
        "41-50": 104,
        "21-30": 99,
        "Over 50": 39,
    }
    assert survey["education"].value_counts().to_dict() == {
        "Bachelor's degree": 237,
        "Master's degree or PhD": 159,
        "No tertiary degree": 17,
    }
    assert survey["experience"].value_counts().to_dict() == {
        "0-5 years": 180,
        "6-10 years": 124,
        "11-20 years": 85,
        "Over 20 years": 24,
    }
    assert survey["organisation_type"].value_counts().to_dict() == {
        "Government": 235,
        "NGO (no religious affiliation)": 128,
        "Other": 50,
    }
    assert survey["location"].value_counts().to_dict() == {
        "Urban": 260,
        "Urban and rural": 123,
        "Rural": 30,
    }


def test_boys_and_girls_bases(survey):
    boys, girls = survey["supported_boys"], survey["supported_girls"]
    assert int(boys.sum()) == 309 and int((~boys).sum()) == 104
    assert int(girls.sum()) == 349 and int((~girls).sum()) == 64
    assert int((boys & girls).sum()) == 245
    assert int((survey["boys_online_pct"] > 0).sum()) == 235
    assert int((survey["girls_online_pct"] > 0).sum()) == 318
    assert int(survey["caseload_online_pct"].notna().sum()) == 400


def test_skip_logic_holds(survey):
    boys = survey["supported_boys"].to_numpy(dtype=bool)
    boys_online = (survey["boys_online_pct"] > 0).fillna(False).to_numpy(dtype=bool)
    girls_online = (survey["girls_online_pct"] > 0).fillna(False).to_numpy(dtype=bool)
    assert (survey["boys_online_pct"].notna().to_numpy() == boys).all()
    for col in (
        "boys_exchange",
        "boys_form_grooming",
        "boys_offender_female_pct",
        "boys_age_under_11_pct",
    ):
        assert (survey[col].notna().to_numpy() == boys_online).all(), col
    for col in ("girls_exchange", "girls_form_self_generated", "girls_offender_female_pct"):
        assert (survey[col].notna().to_numpy() == girls_online).all(), col
    ages = survey[["girls_age_under_11_pct", "girls_age_11_15_pct", "girls_age_16_17_pct"]]
    assert (ages.dropna().sum(axis=1) == 100).all()


# --- Every reproducible figure of the reference table -------------------------------------


@pytest.fixture(scope="module")
def fidelity_rows(reference, survey):
    from survivors_perspectives.analyses.fidelity import compare

    return compare(reference, survey).set_index("id")


def _survey_ids() -> list[str]:
    from survivors_perspectives.survey.measures import MEASURES

    ref = load_reference()
    return [i for i in ref["id"] if i in MEASURES]


@pytest.mark.parametrize("ref_id", _survey_ids())
def test_published_figure(ref_id, fidelity_rows, reference, spec):
    row = fidelity_rows.loc[ref_id]
    published = float(reference.set_index("id").loc[ref_id, "value"])
    assert row["published"] == published
    if ref_id in spec.conflicts:
        assert row["status"] in ("reproduced", "conflict"), row["note"]
    else:
        assert row["status"] == "reproduced", (row["reproduced"], row["note"])


def test_percentages_within_one_point(reference, survey):
    """Spot-check shares of all respondents directly against the table."""
    ref = reference.set_index("id")["value"]
    n = len(survey)
    checks = {
        "profile.gender.female.pct.moldova": (
            survey["country"] == "Moldova",
            survey["gender"] == "Female",
        ),
        "profile.location.urban.pct.bosnia-and-herzegovina": (
            survey["country"] == "Bosnia and Herzegovina",
            survey["location"] == "Urban",
        ),
        "barriers.stigma_shame.pct": (
            pd.Series(True, index=survey.index),
            survey["barrier_stigma_shame"],
        ),
        "government.funding.poor_or_none.pct": (
            pd.Series(True, index=survey.index),
            survey["govt_funding"].isin(["None", "Poor"]),
        ),
    }
    for ref_id, (base, hit) in checks.items():
        base = base.to_numpy(dtype=bool)
        share = 100 * hit.to_numpy(dtype=bool)[base].mean()
        assert abs(share - ref[ref_id]) <= 1, (ref_id, share)
    assert n == 413


# --- The 19 published tests ----------------------------------------------------------------


@pytest.mark.parametrize("test", PUBLISHED_TESTS, ids=[t.id for t in PUBLISHED_TESTS])
def test_published_test_reproduced(test, survey, reference):
    published = reference.set_index("id").loc[test.id]
    stat, p = _scipy_statistic(test, survey)
    assert (p < 0.05) == published_significant(published["p_reported"])
    assert abs(stat / published["statistic"] - 1) <= 0.20, stat


def test_published_tests_hold_across_seeds(reference):
    """Not one lucky seed: five other seeds reach every conclusion, statistics within 20%."""
    published = reference.set_index("id")
    for seed in (1, 2, 3, 4, 5):
        frame = generate(seed=seed)
        for test in PUBLISHED_TESTS:
            stat, p = _scipy_statistic(test, frame)
            row = published.loc[test.id]
            assert (p < 0.05) == published_significant(row["p_reported"]), (seed, test.id)
            assert abs(stat / row["statistic"] - 1) <= 0.20, (seed, test.id, stat)


# --- Determinism and scale -------------------------------------------------------------------


def test_regeneration_is_byte_identical(tmp_path):
    assert synth_main(["--seed", str(DEFAULT_SEED), "--scale", "1", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "frontline_survey.csv").read_bytes() == paths.SURVEY.read_bytes()
    assert (tmp_path / "datapackage.json").read_bytes() == paths.SURVEY_PACKAGE.read_bytes()


def test_other_seed_changes_pairing_not_counts(survey):
    other = generate(seed=7)
    assert not other.equals(survey)
    for col in ("country", "gender", "organisation_type", "scenario_viewer_offence"):
        assert other[col].value_counts().to_dict() == survey[col].value_counts().to_dict()


def test_scale_multiplies_every_count(survey):
    k = 3
    big = generate(seed=11, scale=k)
    assert len(big) == k * 413
    assert big["respondent_id"].is_unique
    for col in (
        "country",
        "gender",
        "age_band",
        "location",
        "boys_exchange",
        "service_individual_counselling",
        "public_awareness",
    ):
        small = survey[col].value_counts()
        assert (big[col].value_counts().reindex(small.index) == k * small).all(), col
    assert int(big["caseload_online_pct"].isna().sum()) == k * 13
    validate_survey(big)


# --- Bad specs stop with a message naming target and conflict ---------------------------------


def test_unknown_country_in_spec(spec):
    bad = dataclasses.replace(spec, sizes={**spec.sizes, "France": 10})
    with pytest.raises(SpecError, match="unknown country 'France'"):
        check_spec(bad)


def test_negative_count_in_spec(spec):
    tables = list(spec.tables)
    gender = next(i for i, t in enumerate(tables) if t.column == "gender")
    tables[gender] = dataclasses.replace(
        tables[gender], totals={"Female": 415, "Male": -3, "Other": 1}
    )
    with pytest.raises(SpecError, match=r"'gender' by 'country': negative count -3 for 'Male'"):
        check_spec(dataclasses.replace(spec, tables=tuple(tables)))


def test_counts_that_do_not_add_up(spec):
    tables = list(spec.tables)
    i = next(i for i, t in enumerate(tables) if t.column == "gender")
    tables[i] = dataclasses.replace(tables[i], totals={"Female": 340, "Male": 77, "Other": 1})
    with pytest.raises(SpecError, match="counts add up to 418, but the sample has 413"):
        check_spec(dataclasses.replace(spec, tables=tuple(tables)))


def test_percentage_over_100():
    with pytest.raises(SpecError, match=r"profile\.gender\.female\.pct: a percentage of 120"):
        count_for_pct(120, 413, "profile.gender.female.pct")


def test_contradicting_published_figures(reference):
    bad = reference.copy()
    bad.loc[bad["id"] == "boys_girls.supported_only_boys.count", "value"] = 70.0
    with pytest.raises(SpecError, match=r"supported boys/girls: 309 boys .* do not add up"):
        build_spec(bad)


def test_unreachable_statistic_names_the_target(spec):
    tables = list(spec.tables)
    i = next(i for i, t in enumerate(tables) if t.column == "location")
    tables[i] = dataclasses.replace(tables[i], chi2=5000.0)
    with pytest.raises(SpecError, match=r"'location' by 'country'.*target 5000 outside"):
        build_plan(dataclasses.replace(spec, tables=tuple(tables)))


def test_cli_writes_nothing_on_a_bad_spec(tmp_path, capsys):
    ref = pd.read_csv(paths.PUBLISHED_STATISTICS, dtype=str, keep_default_na=False)
    ref.loc[ref["id"] == "profile.gender.female.count", "value"] = "300"
    bad_ref = tmp_path / "published_statistics.csv"
    ref.to_csv(bad_ref, index=False)
    out = tmp_path / "out"
    assert synth_main(["--reference", str(bad_ref), "--out", str(out)]) == 2
    assert "'gender'" in capsys.readouterr().err
    assert not out.exists()


def test_calibrated_plan_is_seed_free(spec):
    first, second = build_plan(spec), plan_for()
    for col, table in first.tables.items():
        pd.testing.assert_frame_equal(table, second.tables[col])
    assert np.isclose(first.statistics["profile.gender.by_country.chi2"], 25.645, rtol=0.05)
