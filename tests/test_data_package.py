"""Both synthetic files in the data package, ordered scales the standard way, checked by the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.conversations import schema as conversation_schema
from survivors_perspectives.survey import schema as survey_schema
from survivors_perspectives.survey.datapackage import build_datapackage

PACKAGE = paths.SURVEY_PACKAGE
CLI = Path(sys.executable).parent / "frictionless"


@pytest.fixture(scope="module")
def package():
    return json.loads(PACKAGE.read_text(encoding="utf-8"))


def _cli(descriptor: Path) -> subprocess.CompletedProcess:
    if not CLI.is_file():
        pytest.skip("the frictionless CLI is not installed (the `test` extra)")
    return subprocess.run(
        [str(CLI), "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_package_describes_both_files(package):
    resources = {r["name"]: r["path"] for r in package["resources"]}
    assert resources == {
        "frontline_survey": "frontline_survey.csv",
        "survivor_conversations": "survivor_conversations.csv",
    }
    header = paths.CONVERSATIONS.read_text(encoding="utf-8").splitlines()[0].split(",")
    fields = package["resources"][1]["schema"]["fields"]
    assert [f["name"] for f in fields] == header


def test_ordered_scales_use_categories_and_categories_ordered(package):
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    ordered = [c for c in survey_schema.COLUMNS if c.kind == "category" and c.ordered]
    assert len(ordered) >= 5
    for column in survey_schema.COLUMNS:
        if column.kind != "category":
            assert "categories" not in fields[column.name]
            continue
        field = fields[column.name]
        assert field["categories"] == list(column.categories), column.name
        assert field["categoriesOrdered"] is column.ordered, column.name
        assert field["constraints"]["enum"] == list(column.categories)
    assert fields["public_awareness"]["categories"] == ["Poor", "Fair", "Good", "Excellent"]
    assert fields["public_awareness"]["categoriesOrdered"] is True


def test_conversation_fields_carry_the_validators_values(package):
    fields = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}
    for column, allowed in conversation_schema.ALLOWED.items():
        assert fields[column]["categories"] == list(allowed)
        assert fields[column]["categoriesOrdered"] is False
    assert fields["country"]["categories"] == list(conversation_schema.STUDY_COUNTRIES)
    low, high = conversation_schema.AGE_AT_CONVERSATION
    assert fields["age_at_conversation"]["constraints"] == {"minimum": low, "maximum": high}
    themes = conversation_schema.load_codebook()["theme_id"].tolist()
    for theme in themes:
        assert fields[theme]["constraints"] == {"enum": [0, 1]}


def test_the_committed_package_is_what_the_code_writes(package):
    generation = package["generation"]
    assert package == build_datapackage(rows=generation["rows"], seed=generation["seed"])


def test_the_frictionless_cli_finds_both_files_valid():
    result = _cli(PACKAGE)
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert sorted(task["name"] for task in report["tasks"]) == [
        "frontline_survey",
        "survivor_conversations",
    ]
    assert all(task["stats"]["rows"] > 0 for task in report["tasks"])


def test_the_frictionless_cli_rejects_bad_conversations(tmp_path):
    for name in ("datapackage.json", "frontline_survey.csv"):
        shutil.copy(paths.SYNTHETIC / name, tmp_path / name)
    frame = pd.read_csv(paths.CONVERSATIONS, dtype=str, keep_default_na=False)
    frame.loc[2, "country"] = "Atlantis"
    frame.loc[5, "barrier_fear"] = "2"
    frame.to_csv(tmp_path / "survivor_conversations.csv", index=False, lineterminator="\n")
    result = _cli(tmp_path / "datapackage.json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    errors = {
        (e["rowNumber"], e["fieldName"], e["type"])
        for task in report["tasks"]
        for e in task["errors"]
    }
    assert errors == {(4, "country", "constraint-error"), (7, "barrier_fear", "constraint-error")}
