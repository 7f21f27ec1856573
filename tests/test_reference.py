"""The published reference table: transcription checks and the loader's validation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from scipy import stats

from survivors_perspectives import paths
from survivors_perspectives.countries import COUNTRIES
from survivors_perspectives.published.reference import (
    REFERENCE_COLUMNS,
    TOPICS,
    ReferenceTableError,
    load_reference,
)

SURVEY_FILE = paths.PUBLISHED_STATISTICS


def _rows(path: Path = SURVEY_FILE) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]], columns=REFERENCE_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
    return path


@pytest.fixture(scope="module")
def survey():
    return load_reference([SURVEY_FILE]).set_index("id")


def value(survey, row_id: str) -> float:
    return float(survey.loc[row_id, "value"])


# ---------------------------------------------------------------- the file itself


def test_default_load_includes_survey_file_and_has_the_contract_columns():
    frame = load_reference()
    assert tuple(frame.columns) == REFERENCE_COLUMNS
    survey_ids = {row["id"] for row in _rows()}
    assert survey_ids <= set(frame["id"])
    assert len(frame) >= len(survey_ids) >= 150
    assert frame["id"].is_unique


def test_file_is_sorted_utf8_and_has_no_stray_spaces():
    raw = SURVEY_FILE.read_bytes()
    text = raw.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(REFERENCE_COLUMNS)
    assert all(line == line.rstrip() for line in lines)
    rows = _rows()
    keys = [(row["topic"], row["id"]) for row in rows]
    assert keys == sorted(keys)
    assert len({row["id"] for row in rows}) == len(rows)


def test_survey_ids_start_with_their_topic_and_cover_every_survey_topic(survey):
    for row_id, topic in survey["topic"].items():
        assert row_id.startswith(topic + "."), row_id
    assert set(survey["topic"]) == set(TOPICS) - {"conversations"}


def test_no_survivor_conversation_rows_in_survey_file(survey):
    assert "conversations" not in set(survey["topic"])


# ---------------------------------------------------------------- published values


def test_country_samples_sum_to_the_completed_total(survey):
    expected = {
        "Mexico": 91,
        "Colombia": 89,
        "Peru": 80,
        "Moldova": 54,
        "Albania": 50,
        "Bosnia and Herzegovina": 49,
    }
    rows = survey[survey.index.str.startswith("sample.completed.count.")]
    rows = rows[rows["scope"] != "all"]
    found = dict(zip(rows["scope"], rows["value"], strict=True))
    assert found == expected
    assert sorted(found) == sorted(COUNTRIES)
    assert sum(found.values()) == value(survey, "sample.completed.count") == 413


def test_sample_exclusions_and_questionnaire(survey):
    assert value(survey, "sample.partial.count") == 408
    assert value(survey, "sample.disqualified.count") == 433
    assert value(survey, "sample.questions.count") == 108
    assert value(survey, "sample.collection.year") == 2021


def test_gender_counts_add_up(survey):
    women = value(survey, "profile.gender.female.count")
    men = value(survey, "profile.gender.male.count")
    other = value(survey, "profile.gender.other.count")
    assert (women, men, other) == (335, 77, 1)
    assert women + men + other == value(survey, "sample.completed.count")
    assert value(survey, "profile.gender.female.pct") == 81
    assert value(survey, "profile.gender.female.pct.moldova") == 98
    assert value(survey, "profile.gender.female.pct.albania") == 68


@pytest.mark.parametrize("prefix", ["age", "education", "experience", "org_type", "location"])
def test_profile_bands_sum_to_the_sample(survey, prefix):
    counts = survey[
        survey.index.str.match(rf"^profile\.{prefix}\.[a-z0-9_]+\.count$")
        & (survey["scope"] == "all")
    ]
    assert len(counts) >= 3
    assert counts["value"].sum() == 413


def test_percent_rows_agree_with_their_counts(survey):
    rows = survey[(survey["unit"] == "percent") & survey["n"].notna() & survey["base"].notna()]
    assert len(rows) >= 30
    gaps = (100 * rows["n"] / rows["base"] - rows["value"]).abs()
    assert (gaps <= 1).all(), gaps[gaps > 1]
    # Only these miss ordinary rounding, and their notes say so.
    off = set(gaps[gaps > 0.5].index)
    awareness = {
        "awareness.rating.poor.pct",
        "awareness.rating.poor.pct.exec_summary",
        "awareness.rating.good_or_excellent.pct",
        "awareness.rating.good_or_excellent.pct.exec_summary",
    }
    assert off == awareness | {"profile.education.masters_phd.pct"}
    assert all("410" in survey.loc[row_id, "note"] for row_id in awareness)
    assert "would round to 38" in survey.loc["profile.education.masters_phd.pct", "note"]


def test_a_dozen_published_values(survey):
    expected = {
        "profile.experience.0_5.pct": 43.6,
        "profile.education.masters_phd.pct.albania": 80,
        "profile.org_type.government.count": 235,
        "profile.location.urban.pct.bosnia-and-herzegovina": 80,
        "services.counselling_individual.pct": 68,
        "caseload.any_se.up_to_quarter.pct": 44,
        "caseload.online_share_of_total.mean": 18,
        "boys_girls.supported_boys.count": 309,
        "boys_girls.supported_girls.count": 349,
        "forms_of_abuse.self_generated.pct.girls": 56,
        "barriers.stigma_shame.pct": 58,
        "government.funding.poor_or_none.pct": 72,
        "scenarios.viewer.yes.pct.colombia": 82,
        "awareness.rating.poor.pct": 71,
    }
    assert {row_id: value(survey, row_id) for row_id in expected} == expected
    assert survey.loc["forms_of_abuse.self_generated.pct.girls", "n"] == 179
    assert survey.loc["scenarios.viewer.no.pct", "n"] == 94
    assert (
        value(survey, "boys_girls.supported_boys.count")
        + value(survey, "boys_girls.supported_only_girls.count")
        == 413
    )


PUBLISHED_TESTS = {
    # footnote: (id, test, statistic, df, p as printed)
    23: ("profile.gender.by_country.chi2", "chi2_independence", 25.645, "10", "0.004"),
    24: ("profile.age.by_org_type.chi2", "chi2_independence", 14.605, "6", "0.024"),
    25: ("profile.location.by_country.chi2", "chi2_independence", 26.817, "10", "0.003"),
    26: (
        "services.counselling_individual.by_org_type.chi2",
        "chi2_independence",
        10.147,
        "2",
        "0.006",
    ),
    27: ("services.sexual_health.by_org_type.chi2", "chi2_independence", 16.046, "2", "<0.001"),
    28: ("services.reintegration.by_org_type.chi2", "chi2_independence", 9.468, "2", "0.009"),
    29: (
        "services.counselling_individual.by_gender.chi2",
        "chi2_independence",
        7.627,
        "2",
        "0.022",
    ),
    31: ("caseload.any_se.by_country.anova", "anova_oneway", 1.978, "5,407", "0.81"),
    32: ("caseload.online_share_of_se.by_country.anova", "anova_oneway", 4.657, "5,394", "<0.001"),
    33: ("boys_girls.boys_online_share.by_country.anova", "anova_oneway", 2.628, "5,3034", "0.024"),
    34: ("offenders.female_girls.by_country.anova", "anova_oneway", 2.073, "5,312", "0.069"),
    38: ("exchange.boys.by_country.chi2", "chi2_independence", 52.120, "20", "<0.001"),
    39: ("exchange.girls.by_country.chi2", "chi2_independence", 92.520, "20", "<0.001"),
    "42a": (
        "forms_of_abuse.grooming.by_child_gender.chi2",
        "chi2_independence",
        29.421,
        "1",
        "<0.001",
    ),
    "42b": ("forms_of_abuse.csam.by_child_gender.chi2", "chi2_independence", 25.161, "1", "<0.001"),
    "42c": (
        "forms_of_abuse.live_streaming.by_child_gender.chi2",
        "chi2_independence",
        41.626,
        "1",
        "<0.001",
    ),
    "42d": (
        "forms_of_abuse.self_generated.by_child_gender.chi2",
        "chi2_independence",
        46.058,
        "1",
        "<0.001",
    ),
    47: ("scenarios.gender_flipped.by_country.chi2", "chi2_independence", 26.567, "10", "0.003"),
    48: ("scenarios.viewer.by_country.chi2", "chi2_independence", 37.200, "10", "<0.001"),
}


def test_all_nineteen_published_tests_are_recorded_as_printed(survey):
    tests = survey[survey["unit"] == "statistic"]
    assert len(tests) == len(PUBLISHED_TESTS) == 19
    for row_id, test, statistic, df, p in PUBLISHED_TESTS.values():
        row = survey.loc[row_id]
        assert (row["test"], row["statistic"], row["df"], row["p_reported"]) == (
            test,
            statistic,
            df,
            p,
        ), row_id
        assert row["value"] == statistic


def _p_value(test: str, statistic: float, df: str) -> float:
    if test == "chi2_independence":
        return float(stats.chi2.sf(statistic, int(df)))
    dfn, dfd = (int(part) for part in df.split(","))
    return float(stats.f.sf(statistic, dfn, dfd))


def test_printed_p_values_match_their_statistics_except_the_two_noted(survey):
    mismatched = set()
    for row_id, test, statistic, df, printed in PUBLISHED_TESTS.values():
        p = _p_value(test, statistic, df)
        if printed.startswith("<"):
            ok = p < float(printed[1:])
        else:
            ok = abs(p - float(printed)) <= 0.0005
        if not ok:
            mismatched.add(row_id)
    assert mismatched == {
        "caseload.any_se.by_country.anova",  # F(5,407)=1.978 gives 0.081, printed 0.81
        "boys_girls.boys_online_share.by_country.anova",  # df 5,3034 gives 0.022
    }
    for row_id in mismatched:
        assert "p =" in survey.loc[row_id, "note"]
    # The likely intended df 5,303 reproduces the printed p of fn 33.
    assert round(_p_value("anova_oneway", 2.628, "5,303"), 3) == 0.024


# ---------------------------------------------------------------- validation


@pytest.fixture
def good_rows():
    return _rows()


def _error(*files: Path) -> str:
    with pytest.raises(ReferenceTableError) as caught:
        load_reference(list(files))
    return str(caught.value)


def test_missing_and_extra_columns_are_named(tmp_path, good_rows):
    columns = [c for c in REFERENCE_COLUMNS if c != "base"] + ["comment"]
    path = _write(tmp_path / "broken.csv", good_rows, columns)
    message = _error(path)
    assert "broken.csv, row 1, column 'base': expected this column, found no such column" in message
    assert "broken.csv, row 1, column 'comment': expected no such column" in message


def test_duplicate_ids_across_files_name_both_places(tmp_path, good_rows):
    first = _write(tmp_path / "published_statistics.csv", good_rows)
    # Line 2 of the second file is fine; line 3 reuses the id on line 6 of the first file.
    fresh = good_rows[0] | {"id": "conversations.example.count", "topic": "conversations"}
    reused = good_rows[4] | {"topic": "conversations"}
    second = _write(tmp_path / "published_conversations.csv", [fresh, reused])
    message = _error(first, second)
    assert message.count("expected an id used once") == 1
    assert (
        f"published_conversations.csv, row 3, column 'id': expected an id used once across all "
        f"reference files, found {good_rows[4]['id']!r} already used in "
        f"published_statistics.csv, row 6"
    ) in message


@pytest.mark.parametrize(
    ("column", "bad", "expected_text"),
    [
        ("topic", "weather", "column 'topic': expected one of sample, profile"),
        ("scope", "Chile", "column 'scope': expected one of all, Albania"),
        ("value", "about 40", "column 'value': expected a number, found 'about 40'"),
        ("n", "12.5", "column 'n': expected a whole count of 0 or more, found 12.5"),
        ("id", "Profile.Gender", "column 'id': expected a lower-case dotted id"),
    ],
)
def test_bad_cells_are_reported_with_file_row_and_column(
    tmp_path, good_rows, column, bad, expected_text
):
    good_rows[9][column] = bad
    path = _write(tmp_path / "cells.csv", good_rows)
    message = _error(path)
    assert f"cells.csv, row 11, {expected_text}" in message


def _first_row(rows, predicate) -> int:
    return next(i for i, row in enumerate(rows) if predicate(row))


def test_percent_out_of_range_is_reported(tmp_path, good_rows):
    i = _first_row(good_rows, lambda row: row["unit"] == "percent")
    good_rows[i]["value"] = "101"
    message = _error(_write(tmp_path / "pct.csv", good_rows))
    assert f"pct.csv, row {i + 2}, column 'value': expected a share between 0 and 100" in message
    assert "found 101" in message


def test_n_above_base_is_reported(tmp_path, good_rows):
    i = _first_row(good_rows, lambda row: row["n"] and row["base"])
    good_rows[i]["n"] = str(int(good_rows[i]["base"]) + 1)
    message = _error(_write(tmp_path / "nbase.csv", good_rows))
    assert (
        f"nbase.csv, row {i + 2}, column 'n': expected a count no larger than base "
        f"({good_rows[i]['base']}), found {good_rows[i]['n']}"
    ) in message


def test_test_row_without_df_or_p_is_reported(tmp_path, good_rows):
    i = _first_row(good_rows, lambda row: row["unit"] == "statistic")
    good_rows[i]["df"] = ""
    good_rows[i]["p_reported"] = "p=0.05"
    message = _error(_write(tmp_path / "tests.csv", good_rows))
    assert f"tests.csv, row {i + 2}, column 'df': expected a value for a test row" in message
    assert f"tests.csv, row {i + 2}, column 'p_reported': expected a p-value" in message


def test_country_scope_needs_the_country_slug_in_the_id(tmp_path, good_rows):
    i = _first_row(good_rows, lambda row: row["id"] == "sample.completed.count.mexico")
    good_rows[i]["scope"] = "Peru"
    message = _error(_write(tmp_path / "slug.csv", good_rows))
    assert f"slug.csv, row {i + 2}, column 'id': expected an id ending in .peru" in message


def test_every_problem_is_reported_at_once(tmp_path, good_rows):
    good_rows[0]["topic"] = "nope"
    good_rows[1]["value"] = "x"
    good_rows[2]["scope"] = "Mars"
    path = _write(tmp_path / "many.csv", good_rows)
    with pytest.raises(ReferenceTableError) as caught:
        load_reference([path])
    rows_and_columns = {(p.row, p.column) for p in caught.value.problems}
    assert {(2, "topic"), (3, "value"), (4, "scope")} <= rows_and_columns
    assert str(caught.value).startswith(f"{len(caught.value.problems)} problem(s)")


def test_missing_file_is_reported(tmp_path):
    message = _error(tmp_path / "absent.csv")
    assert "absent.csv, whole file, column '(file)': expected an existing file" in message


def test_typed_columns(survey):
    assert survey["value"].dtype == float
    assert survey["n"].dtype == float and survey["base"].dtype == float
    assert survey["statistic"].dtype == float
    assert survey.loc["caseload.any_se.by_country.anova", "df"] == "5,407"
    assert survey.loc["caseload.any_se.by_country.anova", "p_reported"] == "0.81"
