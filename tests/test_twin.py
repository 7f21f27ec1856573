"""The synthetic twin, tested on a stand-in for the real data with structure planted on purpose.

The stand-in (``twin.standin``) is the generator's survey for another seed with a strong
unpublished dependence, a country effect and five unique workers planted in it. One twin and
one assessment are made per module and shared; expectations are computed here with plain
pandas and numpy.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.reference import load_reference
from survivors_perspectives.survey import load_survey
from survivors_perspectives.survey.load import validate_survey
from survivors_perspectives.synth.write import to_text
from survivors_perspectives.twin import cart, gate, report, risk, standin, utility
from survivors_perspectives.twin.__main__ import INVALID, REFUSED, STOPPED, run
from survivors_perspectives.twin.assess import assess, tree_synthesiser
from survivors_perspectives.twin.distance import encode_pair, nearest
from survivors_perspectives.twin.synthesise import MIN_LEAF, synthesise_survey
from survivors_perspectives.twin.units import QUASI_IDENTIFIERS

SEED = 11


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return standin.standin_survey()


@pytest.fixture(scope="module")
def real_conversations() -> pd.DataFrame:
    return conversations_synth.generate(standin.STANDIN_SEED)


@pytest.fixture(scope="module")
def twin(real) -> pd.DataFrame:
    return synthesise_survey(real, seed=SEED)


@pytest.fixture(scope="module")
def assessment(real, real_conversations):
    return assess(real, real_conversations, load_reference(), seed=SEED)


@pytest.fixture(scope="module")
def standin_files(tmp_path_factory, real, real_conversations):
    # A folder name with a space, a quote and a dollar sign: paths are passed, never parsed.
    folder = tmp_path_factory.mktemp("twin") / "real data $x 'q'"
    folder.mkdir()
    survey = folder / "survey file.csv"
    to_text(real).to_csv(survey, index=False, lineterminator="\n")
    conversations = folder / "conversations.csv"
    conversations.write_text(conversations_synth.to_csv_text(real_conversations))
    return survey, conversations


def leaky(share: float = 0.3):
    """A synthesiser that copies a share of the real rows into an honest twin."""

    def make(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
        honest = synthesise_survey(frame, seed=seed)
        copied = int(share * len(frame))
        mixed = pd.concat([frame.iloc[:copied], honest.iloc[copied:]], ignore_index=True)
        mixed["respondent_id"] = honest["respondent_id"].to_numpy()
        return mixed

    return make


def phi(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.astype(float), b.astype(float))[0, 1])


# --- the tree -------------------------------------------------------------------------------


def test_tree_finds_the_split_and_keeps_every_leaf_at_least_min_leaf():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 100, 200), rng.integers(0, 2, 200)]).astype(float)
    y = (X[:, 0] > 60).astype(int)
    tree = cart.grow(X, y, classes=2, min_leaf=15)
    assert tree.feature[0] == 0
    assert 55 <= tree.threshold[0] <= 65
    sizes = [len(rows) for rows in tree.leaf_rows.values()]
    assert min(sizes) >= 15
    assert sum(sizes) == 200
    leaves = tree.apply(X)
    for leaf, rows in tree.leaf_rows.items():
        assert set(np.flatnonzero(leaves == leaf)) == set(rows)


def test_tree_does_not_split_below_twice_the_leaf_size():
    X = np.arange(19, dtype=float)[:, None]
    tree = cart.grow(X, (X[:, 0] > 9).astype(int), classes=2, min_leaf=10)
    assert list(tree.leaf_rows) == [0]


# --- the twin -------------------------------------------------------------------------------


def test_twin_passes_the_survey_schema_and_is_labelled_synthetic(real, twin):
    validate_survey(twin, "twin")
    assert list(twin.columns) == list(real.columns)
    assert len(twin) == len(real)
    assert twin["respondent_id"].str.match(r"^SYN-\d{4}$").all()
    assert (
        twin["country"].value_counts().sort_index().tolist()
        == real["country"].value_counts().sort_index().tolist()
    )


def test_twin_is_deterministic_and_depends_on_the_seed(real, twin):
    again = synthesise_survey(real, seed=SEED)
    pd.testing.assert_frame_equal(twin, again)
    assert not synthesise_survey(real, seed=SEED + 1).equals(twin)


def test_the_planted_dependence_is_kept(real, twin):
    copied, source, _ = standin.PLANTED_DEPENDENCE
    assert phi(real[copied], real[source]) > 0.7
    assert phi(twin[copied], twin[source]) > 0.5
    # the shipped generator draws the two independently: nothing to keep there
    shipped = load_survey(paths.SURVEY)
    assert abs(phi(shipped[copied], shipped[source])) < 0.2


def test_the_planted_country_effect_is_kept(real, twin):
    column, country, there, elsewhere = standin.PLANTED_COUNTRY_EFFECT
    for frame in (real, twin):
        share = frame[column].astype(bool).groupby(frame["country"].astype(str)).mean()
        assert share[country] > 0.7
        assert share.drop(country).max() < 0.35


def test_the_unique_records_are_not_reproduced(real, twin):
    uniques = real.loc[standin.unique_rows(real)]
    assert len(uniques) == len(standin.UNIQUE_COUNTRIES)
    keys = real[list(QUASI_IDENTIFIERS)].astype(str).agg("|".join, axis=1)
    assert (keys[uniques.index].map(keys.value_counts()) == 1).all()
    a, b = encode_pair(uniques, twin, risk.ANSWERS, risk.RANGES)
    distance, _ = nearest(a, b)
    # the closest twin record differs from each unique worker in many answers
    assert distance.min() > 0.15
    profile = twin[list(standin.UNIQUE_PROFILE)].astype(str)
    same_profile = (profile == pd.Series(standin.UNIQUE_PROFILE)).all(axis=1)
    extreme = twin["caseload_exploitation_pct"].eq(100) & twin["experience"].eq("Over 20 years")
    assert not (same_profile & extreme).any()


def test_a_question_asked_of_nobody_in_the_real_data_is_an_error(real):
    nobody = real.copy()
    nobody["supported_boys"] = pd.array([False] * len(real), dtype="boolean")
    nobody["supported_girls"] = pd.array([True] * len(real), dtype="boolean")
    for column in [c for c in real.columns if c.startswith("boys_") and c != "boys_online_pct"]:
        nobody[column] = pd.Series([pd.NA] * len(real), dtype=real[column].dtype)
    nobody["boys_online_pct"] = pd.Series([pd.NA] * len(real), dtype=real["boys_online_pct"].dtype)
    validate_survey(nobody, "no boys")
    twin = synthesise_survey(nobody, seed=1)
    assert not twin["supported_boys"].any()
    assert twin["boys_online_pct"].isna().all()


# --- measures -------------------------------------------------------------------------------


def test_gower_distance_matches_a_hand_computation(real):
    a, b = real.iloc[[0]], real.iloc[[1]]
    expected = 0.0
    for name in risk.ANSWERS:
        x, y = a[name].iloc[0], b[name].iloc[0]
        if pd.isna(x) and pd.isna(y):
            continue
        if pd.isna(x) or pd.isna(y):
            expected += 1
        elif name in risk.RANGES:
            expected += abs(float(x) - float(y)) / 100
        else:
            expected += float(x != y)
    expected /= len(risk.ANSWERS)
    left, right = encode_pair(a, b, risk.ANSWERS, risk.RANGES)
    assert nearest(left, right)[0][0] == pytest.approx(expected)


def test_repu_and_disco_on_a_small_example():
    frame = pd.DataFrame(
        {
            "country": ["A", "A", "B", "B", "C"],
            "gender": ["F"] * 5,
            "age_band": ["x"] * 5,
            "organisation_type": ["o"] * 5,
            "location": ["u"] * 5,
            "govt_funding": ["Poor", "Good", "Poor", "Poor", "Fair"],
        }
    )
    twin = pd.DataFrame(
        {**{c: frame[c] for c in QUASI_IDENTIFIERS}, "govt_funding": frame["govt_funding"]}
    )
    twin.loc[4, "country"] = "B"  # C's only record moves to B
    twin.loc[1, "govt_funding"] = "Poor"  # A answers Poor twice in the twin
    rep_u, ui_o = risk.replicated_uniques(twin, frame)
    assert ui_o == pytest.approx(20.0)  # C is unique in the real data
    assert rep_u == 0.0  # and absent from the twin
    disco, dio = risk.disco(twin, frame, "govt_funding")
    # real: B (2 records, both Poor) and C (1) are disclosive: 3 of 5
    assert dio == pytest.approx(60.0)
    # twin: A is all Poor (correct for row 0 only); B now mixes Poor and Fair
    assert disco == pytest.approx(20.0)


def test_pmse_is_about_its_expectation_for_the_twin_and_far_above_for_a_broken_one(real, twin):
    honest = utility.pmse(real, twin)
    assert 0.5 < honest["s_pmse"] < 3
    broken = twin.copy()
    # every worker in one country: the country margins no longer match
    broken["country"] = pd.Series(["Peru"] * len(twin), dtype=twin["country"].dtype)
    assert utility.pmse(real, broken)["s_pmse"] > 10 * honest["s_pmse"]
    same = utility.pmse(real, real.sample(frac=1, random_state=1).reset_index(drop=True))
    assert same["pmse"] < 1e-12


def test_interval_overlap():
    assert utility.interval_overlap((0, 1), (0, 1)) == pytest.approx(1.0)
    assert utility.interval_overlap((0, 1), (0.5, 1.5)) == pytest.approx(0.5)
    assert utility.interval_overlap((0, 1), (2, 3)) < 0


# --- the assessment and the gate --------------------------------------------------------------


def test_assessment_of_the_stand_in_twin(assessment, real):
    measures = assessment.measures
    assert measures["exact_matches"] == 0
    assert measures["near_match_share"] == 0
    assert 0.5 <= measures["closer_to_train_share"] < 0.7
    assert measures["repu_share_of_uniques"] < 0.5
    assert measures["singling_out_risk"] < 0.1
    assert measures["linkability_risk"] < 0.1
    assert measures["figures_agreeing_share"] > 0.8
    assert measures["s_pmse"] < 3
    tests = assessment.tests
    assert len(tests) == 19
    assert set(tests.columns) >= {"real_p", "twin_p", "same_conclusion", "ci_overlap"}
    figures = assessment.figures
    assert figures["id"].is_unique
    percent = figures[figures["unit"] == "percent"]
    assert percent["ci_overlap"].notna().all()


def test_the_gate_stops_a_leaky_twin_and_names_measure_value_and_threshold(
    real, real_conversations
):
    leaky_assessment = assess(
        real, real_conversations, load_reference(), seed=SEED, synthesiser=leaky()
    )
    verdicts = gate.judge(leaky_assessment.measures, gate.load_thresholds())
    failed = {v.measure: v for v in verdicts if not v.passed}
    copied = int(0.3 * len(real))
    assert leaky_assessment.measures["exact_matches"] == copied
    assert failed["exact_matches"].message() == f"exact_matches = {copied}, threshold <= 0"
    assert "near_match_share" in failed


def test_make_twin_releases_nothing_for_a_leaky_twin(standin_files, tmp_path, capsys):
    survey, conversations = standin_files
    out = tmp_path / "twin out"
    (out / "release").mkdir(parents=True)
    (out / "release" / "old.csv").write_text("an earlier release")
    status = run(survey, conversations, out, seed=SEED, synthesiser=leaky())
    err = capsys.readouterr().err
    assert status == STOPPED
    assert "NOT released" in err
    assert f"exact_matches = {int(0.3 * 413)}, threshold <= 0" in err
    assert not (out / "release").exists()
    summary = json.loads((out / "assessment" / "summary.json").read_text())
    assert summary["released"] is False
    gate_rows = pd.read_csv(out / "assessment" / "gate.csv")
    assert not gate_rows.set_index("measure").loc["exact_matches", "passed"]


def test_make_twin_releases_a_twin_that_passes(standin_files, tmp_path, capsys):
    survey, conversations = standin_files
    out = tmp_path / "twin out"
    status = run(survey, conversations, out, seed=SEED)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    release = out / "release"
    twin = load_survey(release / "frontline_survey.csv")
    assert twin["respondent_id"].str.startswith("SYN-").all()
    released_conversations = load_conversations(release / "survivor_conversations.csv")
    assert (released_conversations["record_type"] == "synthetic").all()
    package = json.loads((release / "datapackage.json").read_text())
    assert package["description"].startswith("SYNTHETIC DATA")
    assert package["generation"]["fittedTo"]["survey"]["file"] == "survey file.csv"
    summary = json.loads((out / "assessment" / "summary.json").read_text())
    assert summary["released"] is True
    # the same inputs and seed give the same bytes
    again = tmp_path / "again"
    assert run(survey, conversations, again, seed=SEED) == 0
    for name in ("frontline_survey.csv", "survivor_conversations.csv", "datapackage.json"):
        assert (again / "release" / name).read_bytes() == (release / name).read_bytes()


# --- bad input --------------------------------------------------------------------------------


def test_the_shipped_synthetic_data_need_no_twin(tmp_path, capsys):
    status = run(paths.SURVEY, paths.CONVERSATIONS, tmp_path / "out")
    err = capsys.readouterr().err
    assert status == REFUSED
    assert "synthetic data need no twin" in err
    assert "every respondent id starts with 'SYN-'" in err
    assert not (tmp_path / "out").exists()


def test_make_twin_on_the_synthetic_book_says_no_twin_is_needed():
    result = subprocess.run(
        ["make", "twin"], cwd=paths.ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "synthetic data need no twin" in result.stderr


def test_an_invalid_real_file_stops_before_synthesis(standin_files, tmp_path, capsys):
    survey, conversations = standin_files
    text = pd.read_csv(survey, dtype=str, keep_default_na=False)
    text.loc[4, "country"] = "Atlantis"
    text.loc[7, "caseload_exploitation_pct"] = "lots"
    bad = tmp_path / "bad.csv"
    text.to_csv(bad, index=False)
    status = run(bad, conversations, tmp_path / "out")
    err = capsys.readouterr().err
    assert status == INVALID
    assert "problem(s) in the input data; no twin made" in err
    assert "column 'country', row 5" in err and "'Atlantis'" in err
    assert "column 'caseload_exploitation_pct', row 8" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("exact_matches,0\n", "measure 'near_match_share': expected a limit, found none"),
        ("exact_matches,1\n", "exact_matches: expected a limit from 0 to 0, found '1'"),
        ("s_pmse,abc\n", "s_pmse: expected a limit from 1 to 30, found 'abc'"),
        ("s_pmse,\n", "s_pmse: expected a limit from 1 to 30, found ''"),
        ("risk_of_anything,0.1\n", "expected a measure of the gate"),
        ("exact_matches,0\nexact_matches,0\n", "measure 'exact_matches' given twice"),
    ],
)
def test_thresholds_missing_or_out_of_range_stop_with_a_clear_message(tmp_path, rows, expected):
    path = tmp_path / "limits.csv"
    path.write_text("measure,limit\n" + rows)
    with pytest.raises(gate.ThresholdError) as error:
        gate.load_thresholds(path)
    assert expected in str(error.value)
    assert str(path) in str(error.value)


def test_a_complete_thresholds_file_may_tighten_the_gate(tmp_path):
    path = tmp_path / "limits.csv"
    limits = {t.measure: t.limit for t in gate.THRESHOLDS} | {"s_pmse": 2.0}
    path.write_text("measure,limit\n" + "".join(f"{m},{v}\n" for m, v in limits.items()))
    assert gate.load_thresholds(path)["s_pmse"] == 2.0
    verdict = {v.measure: v for v in gate.judge({"s_pmse": 2.5}, gate.load_thresholds(path))}
    assert verdict["s_pmse"].message() == "s_pmse = 2.5, threshold <= 2"
    assert not verdict["exact_matches"].passed  # a measure that was not computed never passes


def test_a_bad_thresholds_file_stops_before_anything_else(standin_files, tmp_path, capsys):
    survey, conversations = standin_files
    missing = tmp_path / "no such file.csv"
    assert run(survey, conversations, tmp_path / "out", thresholds=missing) == REFUSED
    assert f"{missing}: thresholds file not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_every_threshold_has_a_reason_and_its_default_in_range():
    for threshold in gate.THRESHOLDS:
        low, high = threshold.allowed
        assert low <= threshold.limit <= high, threshold.measure
        assert len(threshold.reason) > 20
    assert MIN_LEAF >= 10


# --- the release page ---------------------------------------------------------------------------


def test_release_page_states(standin_files, tmp_path, assessment):
    survey, _ = standin_files
    synthetic = report.load_page(str(paths.SURVEY), "")
    assert synthetic.state == report.SYNTHETIC
    assert "need no twin" in report.status(synthetic).data
    waiting = report.load_page(str(survey), str(tmp_path / "none"))
    assert waiting.state == report.NOT_ASSESSED
    assert "make twin" in report.status(waiting).data
    from survivors_perspectives.twin.release import write_assessment

    verdicts = gate.judge(assessment.measures, gate.load_thresholds())
    write_assessment(assessment, verdicts, tmp_path, {"seed": SEED, "rows": 413, "min_leaf": 30})
    page = report.load_page(str(survey), str(tmp_path))
    assert page.state == report.ASSESSED
    html = report.risk_table(page).data + report.tests_table(page).data
    assert "DiSCO" in html and "same conclusion" in html
    assert "19 published tests" in report.utility_summary(page).data
    assert report.checklist().data.count("- [ ]") == len(report.CHECKLIST)


def test_synthetic_book_release_page_says_no_twin_is_needed(built_html):
    page = (built_html / "chapters" / "twin_release.html").read_text(encoding="utf-8")
    assert "need no twin" in page
    assert "Content note" in page
    assert "exact_matches" in page  # the thresholds table
    assert page.count("- [ ]") == 0 and page.count('type="checkbox"') + page.count("[ ]") > 0


def test_stand_in_files_round_trip(tmp_path):
    survey, conversations = standin.write_standin(tmp_path / "x y")
    frame = load_survey(survey)
    assert frame["respondent_id"].str.startswith(standin.STANDIN_PREFIX).all()
    load_conversations(conversations)
    assert shutil.disk_usage(tmp_path).free > 0
