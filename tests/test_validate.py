"""A catalogue of bad inputs: each is rejected before any notebook runs, with a precise message.

Every message names the file, the column and row where there is one, what was expected and
what was found; several problems in one file are all listed.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.build.build_inputs import GIVEN_SURVEY, resolve
from survivors_perspectives.validate import MIN_COUNTRY_RESPONDENTS, main, validate_inputs


@pytest.fixture(scope="module")
def survey_text() -> pd.DataFrame:
    return pd.read_csv(paths.SURVEY, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def conversations_text() -> pd.DataFrame:
    return pd.read_csv(paths.CONVERSATIONS, dtype=str, keep_default_na=False)


def write(frame: pd.DataFrame, path) -> str:
    frame.to_csv(path, index=False)
    return str(path)


def survey_problems(path) -> list[str]:
    return validate_inputs(path, paths.CONVERSATIONS)


def conversation_problems(path) -> list[str]:
    return validate_inputs(paths.SURVEY, path)


def test_the_shipped_data_are_valid():
    assert validate_inputs(paths.SURVEY, paths.CONVERSATIONS) == []


# --- files that cannot be read as a table -----------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "survey.csv"
    assert survey_problems(path) == [f"{path}: file not found"]


def test_directory_instead_of_file(tmp_path):
    assert survey_problems(tmp_path) == [f"{tmp_path}: expected a file, found a directory"]


def test_empty_file(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("")
    assert survey_problems(path) == [
        f"{path}: expected a header row and data rows, found an empty file"
    ]


def test_header_only(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(paths.SURVEY.read_text().splitlines()[0] + "\n")
    assert survey_problems(path) == [
        f"{path}: expected data rows after the header, found only the header"
    ]


def test_unreadable_encoding(tmp_path):
    path = tmp_path / "survey.csv"
    text = paths.SURVEY.read_text().replace("Peru", "Per\u00fa", 1)
    path.write_bytes(text.encode("latin-1"))
    (problem,) = survey_problems(path)
    assert problem.startswith(f"{path}: line ")
    assert "expected UTF-8 text, found byte 0xfa" in problem


def test_wrong_delimiter(tmp_path, survey_text):
    path = tmp_path / "survey.csv"
    survey_text.to_csv(path, sep=";", index=False)
    assert survey_problems(path) == [
        f"{path}: line 1 (header): expected columns separated by commas, "
        "found them separated by semicolons"
    ]


# --- the table's structure and values ---------------------------------------------------------


def test_missing_column(tmp_path, survey_text):
    path = write(survey_text.drop(columns=["gender"]), tmp_path / "s.csv")
    assert survey_problems(path) == [
        f"{path}: column 'gender': expected this column, found 'missing'"
    ]


def test_unexpected_column(tmp_path, survey_text):
    path = write(survey_text.assign(shoe_size="42"), tmp_path / "s.csv")
    assert survey_problems(path) == [
        f"{path}: column 'shoe_size': expected no column of this name, found 'unexpected column'"
    ]


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        pytest.param(
            6,
            "caseload_exploitation_pct",
            "about forty",
            "expected a whole number or empty, found 'about forty'",
            id="wrong type",
        ),
        pytest.param(
            3,
            "gender",
            "F",
            "expected one of ['Female', 'Male', 'Other'] or empty, found 'F'",
            id="value outside the allowed set",
        ),
        pytest.param(
            9,
            "caseload_exploitation_pct",
            "150",
            "expected a number from 0 to 100, found 150",
            id="value out of range",
        ),
    ],
)
def test_one_bad_survey_cell_is_named(tmp_path, survey_text, row, column, value, expected):
    frame = survey_text.copy()
    frame.loc[row, column] = value
    path = write(frame, tmp_path / "s.csv")
    respondent = frame.loc[row, "respondent_id"]
    assert survey_problems(path) == [
        f"{path}: column '{column}', row {row + 1} ({respondent}): {expected}"
    ]


def test_duplicate_respondent_ids(tmp_path, survey_text):
    frame = survey_text.copy()
    frame.loc[5, "respondent_id"] = frame.loc[4, "respondent_id"]
    path = write(frame, tmp_path / "s.csv")
    duplicate = frame.loc[4, "respondent_id"]
    assert survey_problems(path) == [
        f"{path}: column 'respondent_id', row {row} ({duplicate}): expected a unique value, "
        f"found '{duplicate}'"
        for row in (5, 6)
    ]


def test_skip_logic_violation(tmp_path, survey_text):
    frame = survey_text.copy()
    answered = frame.index[(frame["supported_boys"] == "true") & (frame["boys_online_pct"] != "")]
    row = answered[0]
    frame.loc[row, "supported_boys"] = "false"
    path = write(frame, tmp_path / "s.csv")
    problems = survey_problems(path)
    assert problems, "an answer about boys from a worker who supported no boys was accepted"
    assert all(p.startswith(f"{path}: column '") for p in problems)
    assert any(f"row {row + 1}" in p and "boys_online_pct" in p for p in problems)


def test_country_too_small_to_report(tmp_path, survey_text):
    albania = survey_text.index[survey_text["country"] == "Albania"]
    frame = survey_text.drop(index=albania[MIN_COUNTRY_RESPONDENTS - 1 :])
    path = write(frame, tmp_path / "s.csv")
    problems = [p for p in survey_problems(path) if "per country" in p]
    assert problems == [
        f"{path}: column 'country': expected at least {MIN_COUNTRY_RESPONDENTS} respondents per "
        f"country, found {MIN_COUNTRY_RESPONDENTS - 1} for 'Albania'"
    ]


def test_all_problems_are_listed_at_once(tmp_path, survey_text):
    frame = survey_text.copy()
    frame.loc[1, "gender"] = "F"
    frame.loc[2, "education"] = "Kindergarten"
    frame.loc[3, "caseload_exploitation_pct"] = "forty"
    frame.loc[4, "caseload_online_pct"] = "140"  # readable, but out of range: the typed pass
    path = write(frame, tmp_path / "s.csv")
    problems = survey_problems(path)
    assert [p.split(",")[0] for p in problems] == [
        f"{path}: column 'gender'",
        f"{path}: column 'education'",
        f"{path}: column 'caseload_exploitation_pct'",
        f"{path}: column 'caseload_online_pct'",
    ]
    assert "found 'forty'" in problems[2]
    assert "expected a number from 0 to 100, found 140" in problems[3]


# --- the conversations file -------------------------------------------------------------------


def test_conversations_unknown_theme(tmp_path, conversations_text):
    path = write(conversations_text.assign(theme_made_up="0"), tmp_path / "c.csv")
    (problem,) = conversation_problems(path)
    assert problem.startswith(f"{path}: unknown theme column(s) ['theme_made_up']")


def test_conversations_missing_theme(tmp_path, conversations_text):
    last = conversations_text.columns[-1]
    path = write(conversations_text.drop(columns=[last]), tmp_path / "c.csv")
    (problem,) = conversation_problems(path)
    assert problem.startswith(f"{path}: theme(s) ['{last}'] of the codebook have no column")


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        pytest.param(
            2,
            "country",
            "Atlantis",
            "expected a study country with conversations "
            "(Albania, Colombia, Mexico, Moldova, Peru), found 'Atlantis'",
            id="country outside the study",
        ),
        pytest.param(
            3,
            "age_at_conversation",
            "35",
            "expected an age from 18 to 24, found 35",
            id="age out of range",
        ),
    ],
)
def test_one_bad_conversations_cell_is_named(
    tmp_path, conversations_text, row, column, value, expected
):
    frame = conversations_text.copy()
    frame.loc[row, column] = value
    path = write(frame, tmp_path / "c.csv")
    assert conversation_problems(path) == [
        f"{path}: column '{column}', row {row + 1} (line {row + 2}): {expected}"
    ]


def test_conversations_problems_are_listed_at_once(tmp_path, conversations_text):
    frame = conversations_text.copy()
    participants = frame.index[frame["status"] == "participant"]
    frame.loc[participants[0], "age_at_conversation"] = "twenty"
    frame.loc[2, "country"] = "Atlantis"
    frame.loc[3, "age_at_conversation"] = "35"
    row = int(frame.index[(frame["status"] == "participant") & (frame["route_family"] == "1")][0])
    frame.loc[row, "route_peer"] = "1"
    path = write(frame, tmp_path / "c.csv")
    first = int(participants[0])
    problems = conversation_problems(path)
    assert problems == [
        f"{path}: column 'age_at_conversation', row {first + 1} (line {first + 2}): "
        "expected a whole number, found 'twenty'",
        f"{path}: column 'country', row 3 (line 4): expected a study country with conversations "
        "(Albania, Colombia, Mexico, Moldova, Peru), found 'Atlantis'",
        f"{path}: column 'age_at_conversation', row 4 (line 5): expected an age from 18 to 24, "
        "found 35",
        f"{path}: column 'route_family, route_peer', row {row + 1} (line {row + 2}): "
        "expected at most one disclosure route, found 2",
    ]


def test_conversations_long_listings_are_capped(tmp_path, conversations_text):
    frame = conversations_text.assign(country="Atlantis", gender="unknown")
    path = write(frame, tmp_path / "c.csv")
    problems = conversation_problems(path)
    assert len(problems) == 51
    assert problems[-1] == f"... and {2 * len(frame) - 50} more problems"


# --- the command line and make ----------------------------------------------------------------


def test_cli_lists_problems_and_exits_non_zero(tmp_path, capsys):
    missing = tmp_path / "none.csv"
    assert main(["--survey", str(missing), "--conversations", str(paths.CONVERSATIONS)]) == 1
    err = capsys.readouterr().err
    assert "1 problem(s) in the input data:" in err
    assert f"{missing}: file not found" in err


def test_make_validate_stops_before_any_notebook(tmp_path, root, survey_text):
    frame = survey_text.copy()
    frame.loc[0, "gender"] = "F"
    path = write(frame, tmp_path / "bad_survey.csv")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        ["make", "book", f"DATA={path}"], cwd=root, capture_output=True, text=True, env=env
    )
    run = root / resolve({GIVEN_SURVEY: str(path)})[3]
    try:
        assert result.returncode != 0
        assert f"{path}: column 'gender', row 1" in result.stderr
        assert not (run / "book" / "countries").exists()
    finally:
        shutil.rmtree(run, ignore_errors=True)


# --- a country outside the study design -------------------------------------------------------


def test_a_country_outside_the_study_must_be_declared(tmp_path, root, survey_text):
    frame = survey_text.copy()
    peru = frame.index[frame["country"] == "Peru"]
    frame.loc[peru[:20], "country"] = "Kenya"
    path = write(frame, tmp_path / "follow_up.csv")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def validate(*extra: str) -> subprocess.CompletedProcess:
        command = ["make", "validate", f"DATA={path}", *extra]
        return subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)

    refused = validate()
    assert refused.returncode != 0
    kenya = [line for line in refused.stderr.splitlines() if "found 'Kenya'" in line]
    assert len(kenya) == 20
    assert f"{path}: column 'country', row {peru[0] + 1} " in kenya[0]
    assert "declare a country outside the study with EXTRA_COUNTRIES=" in kenya[0]
    accepted = validate("EXTRA_COUNTRIES=Kenya")
    shutil.rmtree(root / resolve({GIVEN_SURVEY: str(path)})[3], ignore_errors=True)
    assert accepted.returncode == 0, accepted.stderr
    assert f"valid: {path}" in accepted.stdout
