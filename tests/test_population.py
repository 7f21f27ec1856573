"""A plausible synthetic population: declared joint structure, measured by the plausibility report.

Expectations are computed with plain pandas/scipy where possible; the declared values come
from ``synth.structure`` and are checked within a stated tolerance.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from survivors_perspectives import paths
from survivors_perspectives.analyses import plausibility
from survivors_perspectives.analyses.fidelity import compare
from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.conversations.assumptions import GroupFact
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.synth import spec as spec_module
from survivors_perspectives.synth.__main__ import main as synth_main
from survivors_perspectives.synth.generate import build_plan, generate
from survivors_perspectives.synth.sliders import heap_values
from survivors_perspectives.synth.spec import SpecError, build_spec, check_spec
from survivors_perspectives.synth.structure import (
    Battery,
    JointDependence,
    Pair,
    default_structure,
    implied_rank_correlation,
)

CORRELATION_TOLERANCE = 0.10
"""Observed mean rank correlation of a battery within this of the value its declaration implies,
or within three standard errors where sampling alone moves it further (see ``tolerance``)."""


def tolerance(implied: float, respondents: int) -> float:
    """How far an observed rank correlation may stray from the implied one by sampling alone.

    The generator draws each respondent's latent factors, so a pair asked of few respondents
    (the two offender sliders: about 175) varies from seed to seed like a real sample. Three
    standard errors of Spearman's rho, from the Fieller-Hartley-Pearson variance 1.06 / (n - 3)
    of its Fisher z, taken back to the rho scale; never tighter than ``CORRELATION_TOLERANCE``.
    A battery's mean over several pairs varies less, so the bound is conservative for it.
    """
    return max(CORRELATION_TOLERANCE, 3 * (1 - implied**2) * np.sqrt(1.06 / (respondents - 3)))


@pytest.fixture(scope="module")
def spec():
    return build_spec()


def _young_veterans(frame: pd.DataFrame) -> int:
    return int(((frame["age_band"] == "21-30") & (frame["experience"] == "Over 20 years")).sum())


def _online_without_share(frame: pd.DataFrame) -> int:
    online = (frame["boys_online_pct"].fillna(0) > 0) | (frame["girls_online_pct"].fillna(0) > 0)
    return int((online & (frame["caseload_online_pct"] == 0)).sum())


# --- Logical constraints -----------------------------------------------------------------------


def test_no_logical_violations_in_the_shipped_data(survey):
    assert _young_veterans(survey) == 0
    assert _online_without_share(survey) == 0
    table = plausibility.rule_violations(survey)
    assert table["violations"].tolist() == [0] * len(default_structure().rules)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_no_logical_violations_on_other_seeds(seed):
    frame = generate(seed=seed)
    assert _young_veterans(frame) == 0
    assert _online_without_share(frame) == 0
    assert plausibility.rule_violations(frame)["violations"].sum() == 0


def test_rules_hold_at_scale():
    frame = generate(seed=3, scale=2)
    assert plausibility.rule_violations(frame)["violations"].sum() == 0


def test_independent_dealing_is_caught(survey):
    """Experience dealt at random within country, as before: the report flags it."""
    rng = np.random.default_rng(0)
    dealt = survey.copy()
    for _, idx in dealt.groupby("country", observed=True).groups.items():
        dealt.loc[idx, "experience"] = rng.permutation(dealt.loc[idx, "experience"].to_numpy())
    rules = plausibility.rule_violations(dealt).set_index("rule")
    assert rules.loc["experience_within_working_age", "violations"] == _young_veterans(dealt) > 0
    assert rules.loc["experience_within_working_age", "examples"].startswith("SYN-")
    corr = plausibility.correlations(dealt).set_index("name")
    assert abs(corr.loc["age and experience", "observed"]) < 0.15


# --- Declared dependence ----------------------------------------------------------------------


def test_age_and_experience_go_together(survey):
    rho = sps.spearmanr(survey["age_band"].cat.codes, survey["experience"].cat.codes).statistic
    assert 0.35 <= rho <= 0.65, rho
    young = survey[survey["age_band"] == "21-30"]
    assert (young["experience"].isin(["11-20 years", "Over 20 years"])).mean() < 0.10


def test_government_ratings_form_a_scale(survey):
    cols = [c for c in survey.columns if c.startswith("govt_")]
    codes = survey[cols].apply(lambda s: s.cat.codes)
    r = codes.corr(method="spearman").to_numpy()[np.triu_indices(len(cols), 1)]
    assert 0.30 <= r.mean() <= 0.50, r.mean()
    assert (r > 0.15).all()


def test_belief_and_matching_barrier(survey):
    for belief, barrier in (
        ("belief_culture_of_silence", "barrier_stigma_shame"),
        ("belief_sex_taboo", "barrier_sex_taboo"),
    ):
        r = np.corrcoef(survey[belief].astype(int), survey[barrier].astype(int))[0, 1]
        assert r > 0.12, (belief, r)


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_declared_correlations_within_tolerance(survey, seed):
    frame = survey if seed is None else generate(seed=seed)
    table = plausibility.correlations(frame)
    assert len(table) == (
        len(default_structure().batteries)
        + len(default_structure().pairs)
        + len(default_structure().dependences)
    )
    for row in table.itertuples():
        assert row.pairs >= 1, row.name
        assert abs(row.observed - row.implied) <= tolerance(row.implied, row.respondents), row


def test_the_tolerance_still_catches_a_pair_dealt_independently(survey):
    """The widest bound (the offender sliders, ~175 respondents) is far below a lost pair."""
    rng = np.random.default_rng(0)
    dealt = survey.copy()
    answered = dealt.index[dealt["girls_offender_female_pct"].notna()]
    shuffled = rng.permutation(dealt.loc[answered, "girls_offender_female_pct"].to_numpy())
    dealt.loc[answered, "girls_offender_female_pct"] = shuffled
    row = plausibility.correlations(dealt).set_index("name").loc["female offenders"]
    assert 150 <= row["respondents"] <= 200
    assert CORRELATION_TOLERANCE < tolerance(row["implied"], row["respondents"]) < 0.2
    assert abs(row["observed"] - row["implied"]) > tolerance(row["implied"], row["respondents"])


def test_implied_rank_correlation_matches_the_continuous_formula():
    fine = np.full(60, 1 / 60)
    expected = 6 / np.pi * np.arcsin(0.5 / 2)
    assert implied_rank_correlation(0.5, fine, fine) == pytest.approx(expected, abs=0.01)
    assert implied_rank_correlation(0.0, [0.3, 0.7], [0.5, 0.5]) == 0.0
    binary = implied_rank_correlation(0.5, [0.5, 0.5], [0.5, 0.5])
    assert binary == pytest.approx(2 / np.pi * np.arcsin(0.5), abs=1e-6)


# --- Countries on unpublished items --------------------------------------------------------------


def test_unpublished_country_comparisons_are_not_identical(survey):
    comparisons = plausibility.country_comparisons(survey)
    unpublished = comparisons[~comparisons["published"]]
    assert len(unpublished) >= 70
    assert (unpublished["p"] > 0.99).mean() <= 0.03
    share = survey.groupby("country", observed=True)["experience"].apply(
        lambda s: 100 * (s == "0-5 years").mean()
    )
    assert share.drop("Mexico").max() - share.drop("Mexico").min() > 3
    girls = survey[survey["girls_online_pct"] > 0]
    f = sps.f_oneway(*[g["girls_online_pct"] for _, g in girls.groupby("country", observed=True)])
    assert f.statistic > 0.3


def test_boys_and_girls_relationship_profiles_differ(survey):
    boys = survey["boys_offender_relationship"].value_counts(normalize=True)
    girls = survey["girls_offender_relationship"].value_counts(normalize=True)
    assert (boys.reindex(girls.index) - girls).abs().max() > 0.02


# --- Sliders ------------------------------------------------------------------------------------


def test_sliders_heap_on_round_numbers(survey):
    for col in ("caseload_exploitation_pct", "caseload_online_pct", "girls_online_pct"):
        values = survey[col].dropna()
        values = values[values > 0]
        assert (values % 10 == 0).mean() >= 0.35, col
        assert (values % 5 == 0).mean() >= 0.50, col


def test_heaping_never_leaves_the_bounds_when_the_error_changes_sign():
    """Small values with a floor of 0: flips must only move answers back, never further."""
    for seed in range(200):
        values = np.random.default_rng(seed).integers(0, 30, size=60)
        heaped = heap_values(np.random.default_rng(seed), values, np.zeros(60), 0, 100, 0.4, 0.3)
        assert heaped.min() >= 0 and heaped.max() <= 100, seed
        assert set(heaped[heaped != values] % 5) <= {0}, seed
        assert (np.abs(heaped - values) < 10).all(), seed


def test_heaping_keeps_group_means_and_bounds():
    rng = np.random.default_rng(1)
    values = rng.integers(1, 100, size=600)
    groups = np.repeat(["a", "b", "c"], 200)
    low = np.where(values <= 25, 1, np.where(values <= 74, 26, 75))
    high = np.where(values <= 25, 25, np.where(values <= 74, 74, 100))
    heaped = heap_values(rng, values, groups, low, high, 0.5, 0.2)
    assert ((heaped >= low) & (heaped <= high)).all()
    assert (heaped % 10 == 0).mean() > 0.4
    for g in ("a", "b", "c"):
        assert abs(heaped[groups == g].mean() - values[groups == g].mean()) <= 5 / 200


# --- Still calibrated ---------------------------------------------------------------------------


def test_replication_counts(survey):
    comparison = compare(load_reference(), survey, load_conversations(paths.CONVERSATIONS))
    counts = comparison["status"].value_counts()
    assert counts.get("reproduced", 0) >= 233
    assert counts.get("off_target", 0) == 0
    assert counts.get("conflict", 0) <= 5


def test_government_funding_count_is_the_printed_296(survey):
    assert int(survey["govt_funding"].isin(["None", "Poor"]).sum()) == 296


# --- Bad structure declarations stop generation -------------------------------------------------


def _with_structure(spec, **changes):
    return dataclasses.replace(spec, structure=dataclasses.replace(spec.structure, **changes))


#: A declaration, built from the shipped structure, and the error it must stop generation with.
BAD_STRUCTURES = [
    pytest.param(
        "batteries",
        lambda s: (Battery("government action", ("govt_funding", "govt_training"), 1.3),),
        r"'battery government action': correlation 1.3 is outside \[-1, 1\]",
        id="battery correlation outside [-1, 1]",
    ),
    pytest.param(
        "pairs",
        lambda s: (Pair("sex taboo", "belief_sex_taboo", "barrier_sex_taboo", -1.2),),
        r"'pair sex taboo': correlation -1.2 between belief_sex_taboo and ",
        id="pair correlation outside [-1, 1]",
    ),
    pytest.param(
        "pairs",
        lambda s: (*s.pairs, Pair("too much", "govt_funding", "govt_legislation", 0.9)),
        r"'govt_funding'.*shared variance of 1\.35, more than 1",
        id="loadings that cannot all hold",
    ),
    pytest.param(
        "dependences",
        lambda s: (
            JointDependence(
                "age and experience",
                "experience",
                "age_band",
                0.6,
                forbidden=(
                    ("21-30", "0-5 years"),
                    ("21-30", "6-10 years"),
                    ("21-30", "11-20 years"),
                ),
            ),
        ),
        r"'age and experience': never 21-30 & 0-5 years.*contradicts the published margins "
        r"of age_band \(\{'21-30': 99",
        id="structural zero contradicting a published margin",
    ),
    pytest.param(
        "batteries",
        lambda s: (Battery("typo", ("govt_fundng", "govt_training"), 0.4),),
        r"'battery typo': unknown column 'govt_fundng'",
        id="unknown column in a battery",
    ),
    pytest.param(
        "dependences",
        lambda s: (
            JointDependence(
                "age and experience",
                "experience",
                "age_band",
                0.6,
                forbidden=(("18-20", "0-5 years"),),
            ),
        ),
        r"forbidden pair \('18-20', '0-5 years'\) is not a pair",
        id="forbidden pair that is not an answer",
    ),
]


@pytest.mark.parametrize(("field", "declare", "message"), BAD_STRUCTURES)
def test_a_bad_structure_declaration_stops_generation(spec, field, declare, message):
    bad = _with_structure(spec, **{field: declare(spec.structure)})
    with pytest.raises(SpecError, match=message):
        check_spec(bad)


def test_cli_writes_nothing_on_a_bad_structure(tmp_path, capsys, monkeypatch):
    good = default_structure()
    bad = dataclasses.replace(
        good, batteries=(Battery("government action", good.batteries[0].columns, 1.5),)
    )
    monkeypatch.setattr(spec_module, "default_structure", lambda: bad)
    out = tmp_path / "out dir; $x"
    reference = str(paths.PUBLISHED_STATISTICS)  # build the spec again, not the cached plan
    assert synth_main(["--reference", reference, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'battery government action': correlation 1.5 is outside [-1, 1]" in err
    assert not out.exists()


def test_plan_has_the_dependence_seed_with_its_zero(spec):
    plan = build_plan(spec)
    seed = plan.seeds["experience"]
    assert seed.loc["21-30", "Over 20 years"] == 0
    assert (seed.drop(index="21-30")["Over 20 years"] > 0).all()


def test_every_assumption_has_a_reason():
    table = default_structure().table()
    assert (table["reason"].str.len() > 10).all()
    assert {"logical rule", "dependence", "battery", "pair", "country variation"} <= set(
        table["kind"]
    )


# --- The plausibility report on real-shaped data -------------------------------------------------


def _as_real(frame: pd.DataFrame, young_veterans: int) -> pd.DataFrame:
    real = frame.copy()
    real["respondent_id"] = [f"R{i:04d}" for i in range(len(real))]
    young = real.index[real["age_band"] == "21-30"][:young_veterans]
    real.loc[young, "experience"] = "Over 20 years"
    return real


def test_real_data_examples_are_never_listed(survey):
    real = _as_real(survey, 2)
    rules = plausibility.rule_violations(real).set_index("rule")
    assert rules.loc["experience_within_working_age", "violations"] == 2
    assert rules.loc["experience_within_working_age", "examples"].startswith("withheld")
    table = plausibility.plausibility_table(real)
    row = table[(table["item"] == "experience_within_working_age")].iloc[0]
    assert pd.isna(row["value"]) and row["note"].startswith("<5")
    section = plausibility.section(real)
    html = section.tables[1].data.to_string()
    assert "<5" in html and "R0" not in html
    assert "fewer than 5 rows" in section.text[1]


def test_real_data_counts_of_five_or_more_are_shown(survey):
    real = _as_real(survey, 6)
    table = plausibility.plausibility_table(real)
    row = table[(table["item"] == "experience_within_working_age")].iloc[0]
    assert row["value"] == 6


def test_plausibility_written_beside_the_replication_table(tmp_path, survey):
    written = plausibility.write_plausibility(survey, tmp_path, seeds=0)
    table, seeds = plausibility.load_plausibility(tmp_path)
    assert written["plausibility"] == tmp_path / "plausibility.csv"
    assert seeds is None
    assert set(table["section"]) >= {"logical rules", "country comparisons", "heaping"}
    again = tmp_path / "again"
    plausibility.write_plausibility(survey, again, seeds=0)
    assert (again / "plausibility.csv").read_bytes() == written["plausibility"].read_bytes()


# --- Conversations follow the group-level facts --------------------------------------------------


@pytest.mark.parametrize("seed", [20220726, 1, 2, 3])
def test_complaint_withdrawn_by_a_young_woman_in_mexico(seed):
    frame = conversations_synth.generate(seed)
    withdrew = frame[frame["complaint_withdrawn"] == 1]
    assert withdrew["country"].tolist() == ["Mexico"]
    assert withdrew["gender"].tolist() == ["female"]
    examiner = frame[frame["medical_examiner_revictimising"] == 1]
    assert set(examiner["gender"]) == {"female"}


def test_group_fact_contradicting_published_gender(monkeypatch):
    from survivors_perspectives.conversations import assumptions

    fact = GroupFact("route_family", "Colombia", "female", "test")
    monkeypatch.setattr(conversations_synth, "GROUP_FACTS", (*assumptions.GROUP_FACTS, fact))
    with pytest.raises(conversations_synth.GenerationError, match="group fact for route_family"):
        conversations_synth.generate(1)
