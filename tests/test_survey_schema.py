"""The survey schema, its loader and its data package agree and reject bad files clearly."""

from __future__ import annotations

import json
import shutil

import frictionless
import numpy as np
import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.survey import contract, schema
from survivors_perspectives.survey.datapackage import build_datapackage
from survivors_perspectives.survey.load import SurveyValidationError, load_survey

CSV = paths.SURVEY
PACKAGE = paths.SURVEY_PACKAGE


@pytest.fixture(scope="module")
def text() -> pd.DataFrame:
    """The committed CSV as raw text (empty string = missing)."""
    return pd.read_csv(CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def package() -> dict:
    return json.loads(PACKAGE.read_text(encoding="utf-8"))


def _write(frame: pd.DataFrame, path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def test_committed_csv_loads_with_survey_dtypes(text):
    frame = load_survey(CSV)
    assert list(frame.columns) == list(schema.COLUMN_NAMES)
    assert len(frame) == len(text) == 413
    assert frame["respondent_id"].str.startswith("SYN-").all()
    assert frame["respondent_id"].is_unique
    # Ordered scales are ordered categoricals, in the declared order.
    for name in schema.ORDERED:
        dtype = frame[name].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered, name
        assert list(dtype.categories) == list(schema.CATEGORIES[name])
    assert str(frame["caseload_online_pct"].dtype) == "Int64"
    assert str(frame["supported_boys"].dtype) == "boolean"
    # Empty cells become missing values, not zeros: 13 workers skipped the online share.
    assert int(frame["caseload_online_pct"].isna().sum()) == int(
        (text["caseload_online_pct"] == "").sum()
    )


def test_every_column_has_a_question_and_categorical_answers():
    assert set(schema.COLUMN_QUESTIONS) == set(schema.COLUMN_NAMES)
    assert all(len(q) > 10 for q in schema.COLUMN_QUESTIONS.values())
    assert schema.COLUMN_NAMES[0] == "respondent_id"
    barriers = [c for c in schema.COLUMN_NAMES if c.startswith("barrier_")]
    assert len(barriers) == 18
    assert sum(not schema.COLUMN_BY_NAME[c].assumed for c in barriers) == 6
    assert len(schema.CATEGORIES["boys_exchange"]) == 5  # df 20 = (6 - 1) x (5 - 1)
    assert schema.CATEGORIES["public_awareness"] == ("Poor", "Fair", "Good", "Excellent")


def test_datapackage_is_generated_from_the_schema(package):
    # The committed file is exactly what the code writes (apart from generation metadata).
    built = build_datapackage(
        rows=package["generation"].get("rows"), seed=package["generation"].get("seed")
    )
    assert package == built
    assert package["synthetic"] is True
    assert "SYNTHETIC" in package["description"]


def test_datapackage_and_pandera_schema_agree(package):
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(contract.SurveySchema.columns)
    kinds = {"category": "string", "boolean": "boolean", "integer": "integer", "id": "string"}
    pandera_types = {
        "category": "category",
        "boolean": "boolean",
        "integer": "Int64",
        "id": "string",
    }
    for field in fields:
        col = schema.COLUMN_BY_NAME[field["name"]]
        pa_col = contract.SurveySchema.columns[field["name"]]
        assert field["type"] == kinds[col.kind], field["name"]
        assert str(pa_col.dtype).startswith(pandera_types[col.kind]), field["name"]
        assert field["description"] == col.question == pa_col.description
        constraints = field.get("constraints", {})
        if col.kind == "category":
            assert constraints["enum"] == list(pa_col.dtype.type.categories)
            assert field["categoriesOrdered"] == pa_col.dtype.type.ordered
        if col.kind == "integer":
            ranges = [c for c in pa_col.checks if c.name == "in_range"]
            assert len(ranges) == 1
            stats = ranges[0].statistics
            assert (constraints["minimum"], constraints["maximum"]) == (
                stats["min_value"],
                stats["max_value"],
            )
    assert package["resources"][0]["schema"]["missingValues"] == [""]


def test_frictionless_validates_the_committed_csv():
    report = frictionless.validate(str(PACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_frictionless_rejects_an_answer_outside_the_enum(tmp_path, text):
    bad = text.copy()
    bad.loc[4, "public_awareness"] = "Superb"
    _write(bad, tmp_path / "frontline_survey.csv")
    shutil.copy(PACKAGE, tmp_path / "datapackage.json")
    shutil.copy(paths.CONVERSATIONS, tmp_path / "survivor_conversations.csv")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    errors = report.flatten(["rowNumber", "fieldName", "type"])
    assert errors == [[6, "public_awareness", "constraint-error"]]


def test_skip_logic_violation_names_column_and_row(tmp_path, text):
    bad = text.copy()
    girls_only = np.flatnonzero((bad["supported_boys"] == "false").to_numpy())
    row = int(girls_only[2])
    assert bad.loc[row, "boys_online_pct"] == ""
    # 0: a share for boys given by a worker who did not support boys (no follow-ups needed).
    bad.loc[row, "boys_online_pct"] = "0"
    path = tmp_path / "survey.csv"
    _write(bad, path)
    with pytest.raises(SurveyValidationError) as err:
        load_survey(path)
    message = str(err.value)
    respondent = bad.loc[row, "respondent_id"]
    assert f"column 'boys_online_pct', row {row + 1} ({respondent})" in message
    assert "empty unless asked of workers who supported boys" in message
    assert "found 0" in message
    assert str(path) in message
    assert len(err.value.problems) == 1


def test_all_problems_are_listed_at_once(tmp_path, text):
    bad = text.copy()
    bad.loc[0, "country"] = "France"
    # A worker who supported no girls: their girls' questions are empty, so a bad value here
    # is one problem, with no follow-on skip-logic problem.
    girls_row = int(np.flatnonzero((bad["supported_girls"] == "false").to_numpy())[0])
    assert girls_row not in (0, 2)
    bad.loc[girls_row, "supported_girls"] = "yes"
    bad.loc[2, "caseload_exploitation_pct"] = "12.5"
    path = tmp_path / "survey.csv"
    _write(bad, path)
    with pytest.raises(SurveyValidationError) as err:
        load_survey(path)
    problems = {(p["column"], p["row"]): p for p in err.value.problems}
    assert problems[("country", 1)]["found"] == "France"
    assert "Albania" in problems[("country", 1)]["expected"]
    assert problems[("supported_girls", girls_row + 1)]["expected"] == "'true', 'false' or empty"
    assert problems[("caseload_exploitation_pct", 3)]["expected"] == "a whole number or empty"
    assert len(err.value.problems) == 3


def test_typed_checks_catch_ranges_and_age_bands(tmp_path, text):
    bad = text.copy()
    bad.loc[5, "caseload_exploitation_pct"] = "120"
    asked = np.flatnonzero((bad["girls_age_11_15_pct"] != "").to_numpy())
    row = int(asked[0])
    bad.loc[row, "girls_age_11_15_pct"] = str(int(bad.loc[row, "girls_age_11_15_pct"]) + 1)
    path = tmp_path / "survey.csv"
    _write(bad, path)
    with pytest.raises(SurveyValidationError) as err:
        load_survey(path)
    message = str(err.value)
    assert "column 'caseload_exploitation_pct', row 6" in message
    assert "expected a number from 0 to 100, found 120" in message
    assert f"row {row + 1}" in message and "summing to 100" in message


def test_missing_and_unexpected_columns(tmp_path, text):
    bad = text.drop(columns=["gender"]).assign(shoe_size="42")
    path = tmp_path / "survey.csv"
    _write(bad, path)
    with pytest.raises(SurveyValidationError) as err:
        load_survey(path)
    message = str(err.value)
    assert "column 'gender': expected this column, found 'missing'" in message
    assert "column 'shoe_size': expected no column of this name" in message
