"""Fidelity: published figures beside the same figures computed from a dataset."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.analyses import fidelity


@pytest.fixture(scope="module")
def result(reference, survey) -> pd.DataFrame:
    return fidelity.compare(reference, survey)


def test_one_row_per_published_figure(result, reference):
    assert list(result.columns) == fidelity.COLUMNS
    assert result["id"].tolist() == reference["id"].tolist()
    assert set(result["status"]) <= {"reproduced", "off_target", "not_computable", "conflict"}
    done = result[result["status"] != "not_computable"]
    assert (done["difference"] == done["reproduced"] - done["published"]).all()


def test_counts_are_exact_and_shares_within_a_point(result, survey):
    rows = result.set_index("id")
    women = int((survey["gender"] == "Female").sum())
    assert rows.loc["profile.gender.female.count", "reproduced"] == women == 335
    assert rows.loc["profile.gender.female.count", "tolerance"] == 0
    share = 100 * women / len(survey)
    assert rows.loc["profile.gender.female.pct", "reproduced"] == pytest.approx(share)
    assert rows.loc["profile.gender.female.pct", "tolerance"] == 1.0
    # "roughly half" is judged with the wider tolerance for approximate figures.
    assert rows.loc["caseload.online_share_of_se.mean", "tolerance"] == 5.0


def test_conflicts_carry_their_reason(result):
    rows = result.set_index("id")
    men = rows.loc["services.counselling_individual.pct.men"]
    assert men["status"] == "conflict"
    assert "38% of 77 men" in men["note"]


def test_off_target_data_are_flagged(reference, survey):
    fewer_women = survey.drop(survey.index[survey["gender"] == "Female"][:30])
    rows = fidelity.compare(reference, fewer_women).set_index("id")
    assert rows.loc["profile.gender.female.count", "status"] == "off_target"
    assert rows.loc["profile.gender.female.count", "reproduced"] == 305
    assert rows.loc["sample.completed.count", "difference"] == -30


def test_a_flipped_conclusion_is_off_target(reference, survey):
    # Shuffling the gender-reversed scenario across countries removes the country difference.
    flat = survey.copy()
    flat["scenario_gender_reversed"] = (
        flat["scenario_gender_reversed"].sample(frac=1, random_state=3).to_numpy()
    )
    rows = fidelity.compare(reference, flat).set_index("id")
    row = rows.loc["scenarios.gender_flipped.by_country.chi2"]
    assert row["status"] == "off_target"
    assert row["reproduced"] < 0.8 * 26.567


def test_conversations_rows_without_conversation_data(result):
    conv = result[result["topic"] == "conversations"]
    assert len(conv) > 0
    assert (conv["status"] == "not_computable").all()


def test_missing_conversation_measures_are_tolerated(reference, survey, monkeypatch):
    monkeypatch.setitem(sys.modules, "survivors_perspectives.conversations.measures", None)
    rows = fidelity.compare(reference, survey, conversations=pd.DataFrame({"x": [1]}))
    conv = rows[rows["topic"] == "conversations"]
    assert (conv["status"] == "not_computable").all()


def test_summary_and_cli(result, capsys):
    computable = result[result["status"] != "not_computable"]
    n_ok = int((computable["status"] == "reproduced").sum())
    assert fidelity.summary(result).startswith(f"{n_ok} of {len(computable)} reproduced")
    assert fidelity.main(["--survey", str(paths.SURVEY)]) == 0
    out = capsys.readouterr().out
    assert " reproduced (" in out.splitlines()[0]
    assert "services.counselling_individual.pct.men" in out
