"""The synthetic twin, tested on a stand-in for the real data with structure planted on purpose.

The stand-in (``twin.standin``) is the generator's survey for another seed with a strong
unpublished dependence, a country effect and five unique workers planted in it. One twin and
one assessment are made per module and shared; expectations are computed here with plain
pandas and numpy.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess

import numpy as np
import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.pages.plots import Numbering
from survivors_perspectives.survey import load_survey
from survivors_perspectives.survey.load import validate_survey
from survivors_perspectives.synth.write import to_text
from survivors_perspectives.twin import cart, gate, report, risk, standin, utility
from survivors_perspectives.twin.__main__ import INVALID, REFUSED, STOPPED, run
from survivors_perspectives.twin.distance import encode_pair, nearest
from survivors_perspectives.twin.synthesise import MIN_LEAF, synthesise_survey
from survivors_perspectives.twin.units import QUASI_IDENTIFIERS

SEED = 12
"""The twin's seed in these tests. The gate's closer-to-train share is measured on one half
twin of about 207 records, so it moves from seed to seed: on the stand-in from the generator
with the declared joint structure (issue 15), over seeds 11-35 it has mean 0.64, SD 0.05, and
4 of 25 seeds exceed the 0.70 threshold, seed 11 (0.71) among them (before that structure:
mean 0.62, SD 0.04, 1 of 25). A stopped twin is the gate working; these tests are about a
twin that passes, so they use a seed that does (0.63); the threshold is unchanged."""


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
def standin_files(tmp_path_factory, real, real_conversations):
    # A folder name with a space, a quote and a dollar sign: paths are passed, never parsed.
    folder = tmp_path_factory.mktemp("twin") / "real data $x 'q'"
    return standin.write_files(real, real_conversations, folder)


def _run(*args, **kwargs) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = run(*args, **kwargs)
    return status, err.getvalue()


@pytest.fixture(scope="module")
def released(standin_files, tmp_path_factory):
    """One twin run on the stand-in files: status, stderr and the twin's folder."""
    out = tmp_path_factory.mktemp("released") / "twin out"
    status, err = _run(*standin_files, out, seed=SEED)
    return status, err, out


@pytest.fixture(scope="module")
def leaky_run(standin_files, tmp_path_factory):
    """One run with a synthesiser that copies real rows, over an earlier release."""
    out = tmp_path_factory.mktemp("leaky") / "twin out"
    (out / "release").mkdir(parents=True)
    (out / "release" / "old.csv").write_text("an earlier release")
    status, err = _run(*standin_files, out, seed=SEED, synthesiser=leaky())
    return status, err, out


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
    column, country, _, _ = standin.PLANTED_COUNTRY_EFFECT
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
    assert utility.pmse(real, broken)["s_pmse"] > 4 * honest["s_pmse"]
    same = utility.pmse(real, real.sample(frac=1, random_state=1).reset_index(drop=True))
    assert same["pmse"] < 1e-12


def test_interval_overlap():
    assert utility.interval_overlap((0, 1), (0, 1)) == pytest.approx(1.0)
    assert utility.interval_overlap((0, 1), (0.5, 1.5)) == pytest.approx(0.5)
    assert utility.interval_overlap((0, 1), (2, 3)) < 0


# --- the assessment and the gate --------------------------------------------------------------


def test_assessment_of_the_stand_in_twin(released):
    _, _, out = released
    measures = json.loads((out / "assessment" / "summary.json").read_text())["measures"]
    assert measures["exact_matches"] == 0
    assert measures["near_match_share"] == 0
    assert 0.5 <= measures["closer_to_train_share"] < 0.7
    assert measures["repu_share_of_uniques"] < 0.5
    assert measures["singling_out_risk"] < 0.1
    assert measures["linkability_risk"] < 0.1
    assert measures["figures_agreeing_share"] > 0.8
    assert measures["s_pmse"] < 3
    tests = pd.read_csv(out / "assessment" / "tests.csv")
    assert len(tests) == 19
    assert set(tests.columns) >= {"real_p", "twin_p", "same_conclusion", "ci_overlap"}
    figures = pd.read_csv(out / "assessment" / "figures.csv")
    assert figures["id"].is_unique
    assert figures.loc[figures["unit"] == "percent", "ci_overlap"].notna().all()
    risk_rows = pd.read_csv(out / "assessment" / "risk.csv").set_index("measure")
    assert risk_rows.loc["repu_percent", "real"] > risk_rows.loc["repu_percent", "twin"]


def test_the_gate_stops_a_leaky_twin_and_releases_nothing(leaky_run):
    status, err, out = leaky_run
    copied = int(0.3 * 413)
    assert status == STOPPED
    assert "NOT released" in err
    assert f"exact_matches = {copied}, threshold <= 0" in err
    assert "near_match_share = " in err
    assert "the earlier release" in err
    assert not (out / "release").exists()
    summary = json.loads((out / "assessment" / "summary.json").read_text())
    assert summary["released"] is False
    assert summary["measures"]["exact_matches"] == copied
    gate_rows = pd.read_csv(out / "assessment" / "gate.csv").set_index("measure")
    assert not gate_rows.loc["exact_matches", "passed"]


def test_make_twin_releases_a_twin_that_passes(released, twin):
    status, err, out = released
    assert status == 0, err
    release = out / "release"
    released_twin = load_survey(release / "frontline_survey.csv")
    assert released_twin["respondent_id"].str.startswith("SYN-").all()
    released_conversations = load_conversations(release / "survivor_conversations.csv")
    assert (released_conversations["record_type"] == "synthetic").all()
    package = json.loads((release / "datapackage.json").read_text())
    assert package["description"].startswith("SYNTHETIC DATA")
    assert package["generation"]["fittedTo"]["survey"]["file"] == "standin_survey.csv"
    summary = json.loads((out / "assessment" / "summary.json").read_text())
    assert summary["released"] is True
    # the same inputs and seed give the same twin, byte for byte
    expected = to_text(twin).to_csv(index=False, lineterminator="\n").encode()
    assert (release / "frontline_survey.csv").read_bytes() == expected


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


def test_release_page_states(standin_files, tmp_path, released):
    survey, _ = standin_files
    synthetic = report.load_page(str(paths.SURVEY), "")
    assert synthetic.state == report.SYNTHETIC
    assert "need no twin" in report.status(synthetic).data
    waiting = report.load_page(str(survey), str(tmp_path / "none"))
    assert waiting.state == report.NOT_ASSESSED
    assert "make twin" in report.status(waiting).data
    page = report.load_page(str(survey), str(released[2]))
    assert page.state == report.ASSESSED
    assert "passed all 12 thresholds" in report.status(page).data
    numbering = Numbering()
    shown = [*report.gate_tables(page, numbering), *report.risk_tables(page, numbering)]
    shown += report.tests_tables(page, numbering)
    html = "".join(item._repr_html_() for item in shown)
    assert "DiSCO" in html and "Same conclusion" in html
    captions = re.findall(r"<caption[^>]*>(Table \d+): ", html)
    assert captions == ["Table 1", "Table 2", "Table 3", "Table 4"]
    assert html.count('class="sp-provenance"') == 4
    assert "assessment/risk.csv" in html and "assessment/disclosure.csv" in html
    # a measure shows in words, its name in the code on hover
    assert 'title="exact_matches"' in html and ">exact_matches<" not in html
    assert "19 published tests" in report.utility_summary(page).data
    for state in (synthetic, waiting):
        pending = report.gate_tables(state) + report.risk_tables(state)
        assert [type(p).__name__ for p in pending] == ["Markdown", "Markdown"]
        assert all(p.data.strip() for p in pending)
        assert report.utility_summary(state).data.strip()
        assert report.tests_tables(state) == report.figures_tables(state) == []
    assert report.checklist().data.count("☐") == len(report.CHECKLIST)


def test_synthetic_book_release_page_says_no_twin_is_needed(built_html):
    page = (built_html / "chapters" / "twin_release.html").read_text(encoding="utf-8")
    assert "need no twin" in page
    assert "Content note" in page
    assert "exact_matches" in page  # the thresholds table
    assert "The assessment folder stays inside the secure room" in page


def test_a_folder_is_swapped_in_whole_and_leaves_nothing_behind(tmp_path):
    from survivors_perspectives.twin.release import _staging, _swap_in

    target = tmp_path / "release"
    for content in ("first", "second"):
        staging = _staging(target)
        (staging / "file.txt").write_text(content)
        _swap_in(staging, target)
        assert (target / "file.txt").read_text() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_a_swap_racing_another_run_still_lands_whole(tmp_path, monkeypatch):
    from pathlib import Path

    from survivors_perspectives.twin.release import _staging, _swap_in

    target = tmp_path / "release"
    staging = _staging(target)
    (staging / "file.txt").write_text("ours")
    real_rename = Path.rename
    raced = []

    def rename(self, to):
        # the other run swaps its folder in just before ours
        if self == staging and not raced:
            raced.append(True)
            target.mkdir()
            (target / "file.txt").write_text("theirs")
        return real_rename(self, to)

    monkeypatch.setattr(Path, "rename", rename)
    _swap_in(staging, target)
    assert (target / "file.txt").read_text() == "ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_folders_left_by_an_interrupted_run_are_removed_by_the_next(tmp_path):
    from survivors_perspectives.twin import release

    target = tmp_path / "assessment"
    dead = subprocess.Popen(["true"])
    dead.wait()
    abandoned = tmp_path / f".assessment.partial-{dead.pid}"
    old = tmp_path / f".assessment.old-{dead.pid}"
    running = tmp_path / f".assessment.partial-{os.getpid()}-other"
    live = tmp_path / f".assessment.partial-{os.getppid()}"
    for folder in (abandoned, old, running, live):
        (folder / "x").mkdir(parents=True)
    removed = release.remove_abandoned(target)
    assert removed == [abandoned, old]
    assert not abandoned.exists() and not old.exists()
    assert live.exists() and running.exists()
