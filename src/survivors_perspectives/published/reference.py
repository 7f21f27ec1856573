"""The published reference table: every figure the 2022 report printed, checked on load.

The synthetic generator is calibrated to these figures and the audit compares reruns with
them, so a typo here would silently move both. ``load_reference`` therefore reads the two
hand-transcribed CSV files (survey figures and survivor-conversation figures), checks every
row against the column contract in ``DEVELOPING.md`` and reports *all* problems at once, each
naming the file, the row (as numbered in the file, header = line 1), the column, what was
expected and what was found, so one pass over the file fixes everything.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from survivors_perspectives import paths as _paths
from survivors_perspectives.countries import COUNTRIES, slugify
from survivors_perspectives.published.printed_values import ANOVA, CHI2, parse_df, parse_p

#: Topics a reference row may belong to; test rows take the topic of the figure they test.
TOPICS: tuple[str, ...] = (
    "sample",
    "profile",
    "services",
    "caseload",
    "boys_girls",
    "offenders",
    "exchange",
    "facilitation",
    "forms_of_abuse",
    "barriers",
    "beliefs",
    "government",
    "scenarios",
    "awareness",
    "conversations",
)

#: The columns of both reference files, in file order.
REFERENCE_COLUMNS: tuple[str, ...] = (
    "id",
    "topic",
    "scope",
    "subgroup",
    "quantity",
    "value",
    "unit",
    "n",
    "base",
    "test",
    "statistic",
    "df",
    "p_reported",
    "source",
    "note",
)

#: Statistical tests the report prints, as named in the ``test`` column.
TESTS: tuple[str, ...] = (CHI2, ANOVA)

#: ``scope`` is the whole sample or one study country, spelled as in the report.
SCOPES: tuple[str, ...] = ("all", *COUNTRIES)

#: Units whose values are shares and so must lie between 0 and 100.
PERCENT_UNITS: tuple[str, ...] = ("percent", "mean_percent")

#: The unit of a row that records a test statistic.
STATISTIC_UNIT = "statistic"

#: File name of the survivor-conversation figures, next to the survey figures.
CONVERSATIONS_FILE = "published_conversations.csv"

_NUMERIC_COLUMNS = ("value", "n", "base", "statistic")
_REQUIRED_COLUMNS = ("id", "topic", "scope", "quantity", "value", "unit", "source")
_ID_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")


@dataclass(frozen=True)
class ReferenceProblem:
    """One thing wrong in a reference file, located precisely enough to fix it."""

    file: str
    row: int | None
    column: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "whole file"
        return (
            f"{self.file}, {where}, column {self.column!r}: "
            f"expected {self.expected}, found {self.found}"
        )


class ReferenceTableError(ValueError):
    """The reference files break the column contract; ``problems`` lists every breach."""

    def __init__(self, problems: Sequence[ReferenceProblem]):
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the published reference table:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


def reference_paths() -> list[Path]:
    """Return the reference files to load: survey figures, plus conversations when present.

    The conversations file is optional so that the survey side can be used on its own;
    the survey file is not, and its absence is reported by ``load_reference``.
    """
    found = [_paths.PUBLISHED_STATISTICS]
    conversations = _paths.REFERENCE / CONVERSATIONS_FILE
    if conversations.is_file():
        found.append(conversations)
    return found


def load_reference(paths: Iterable[Path | str] | None = None) -> pd.DataFrame:
    """Read, validate and type the published reference table.

    Parameters
    ----------
    paths
        Reference CSV files to combine; by default ``reference_paths()``.

    Returns
    -------
    pandas.DataFrame
        One row per published figure with the columns ``REFERENCE_COLUMNS`` in file order:
        ``value``, ``n``, ``base`` and ``statistic`` as float (NaN when blank), ``df`` and
        ``p_reported`` as strings exactly as printed (empty when blank), the rest strings.

    Raises
    ------
    ReferenceTableError
        Listing every problem in every file (missing or extra columns, duplicate ids across
        files, unknown topics or scopes, non-numeric numbers, shares outside 0-100, ``n``
        above ``base``, incomplete test rows, stray whitespace).
    """
    files = [Path(p) for p in (reference_paths() if paths is None else paths)]
    problems: list[ReferenceProblem] = []
    records: list[dict[str, str]] = []
    seen_ids: dict[str, tuple[str, int]] = {}
    for path in files:
        file_records, file_problems = _read_file(path)
        problems += file_problems
        for line, record in file_records:
            problems += _check_record(path.name, line, record, seen_ids)
            records.append(record)
    if problems:
        raise ReferenceTableError(problems)
    return _typed_frame(records)


def _read_file(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[ReferenceProblem]]:
    """Return (line number, record) pairs and header-level problems of one CSV file."""
    name = path.name
    if not path.is_file():
        return [], [
            ReferenceProblem(name, None, "(file)", "an existing file", f"no file at {path}")
        ]
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return [], [ReferenceProblem(name, 1, "(header)", "a header line", "an empty file")]
        problems = _check_header(name, header)
        records = []
        for fields in reader:
            line = reader.line_num
            if not any(field.strip() for field in fields):
                problems.append(ReferenceProblem(name, line, "(all)", "a data row", "a blank line"))
                continue
            if len(fields) != len(header):
                problems.append(
                    ReferenceProblem(
                        name, line, "(all)", f"{len(header)} fields", f"{len(fields)} fields"
                    )
                )
                continue
            record = {column: "" for column in REFERENCE_COLUMNS}
            record.update(zip(header, fields, strict=True))
            records.append((line, record))
    return records, problems


def _check_header(name: str, header: list[str]) -> list[ReferenceProblem]:
    """Report missing, extra, repeated and reordered columns."""
    problems = []
    missing = [column for column in REFERENCE_COLUMNS if column not in header]
    extra = [column for column in header if column not in REFERENCE_COLUMNS]
    for column in missing:
        problems.append(ReferenceProblem(name, 1, column, "this column", "no such column"))
    for column in extra:
        problems.append(ReferenceProblem(name, 1, column, "no such column", "an extra column"))
    repeated = sorted({column for column in header if header.count(column) > 1})
    for column in repeated:
        problems.append(ReferenceProblem(name, 1, column, "one column", "a repeated column"))
    if not (missing or extra or repeated) and tuple(header) != REFERENCE_COLUMNS:
        problems.append(
            ReferenceProblem(
                name,
                1,
                "(header)",
                f"columns in order {','.join(REFERENCE_COLUMNS)}",
                ",".join(header),
            )
        )
    return problems


def _number(text: str) -> float | None:
    """Return ``text`` as a finite float, or None when it is not one."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _check_record(
    name: str, line: int, record: dict[str, str], seen_ids: dict[str, tuple[str, int]]
) -> list[ReferenceProblem]:
    """Return every problem of one data row; record its id for the duplicate check."""
    problems: list[ReferenceProblem] = []

    def problem(column: str, expected: str, found: str) -> None:
        problems.append(ReferenceProblem(name, line, column, expected, found))

    for column, text in record.items():
        if text != text.strip():
            problem(column, "no leading or trailing spaces", repr(text))
    record = {column: text.strip() for column, text in record.items()}
    for column in _REQUIRED_COLUMNS:
        if not record[column]:
            problem(column, "a non-empty value", "an empty cell")

    row_id = record["id"]
    if row_id:
        if not _ID_PATTERN.match(row_id):
            problem("id", "a lower-case dotted id such as profile.gender.female.pct", repr(row_id))
        if row_id in seen_ids:
            first_file, first_line = seen_ids[row_id]
            problem(
                "id",
                "an id used once across all reference files",
                f"{row_id!r} already used in {first_file}, row {first_line}",
            )
        else:
            seen_ids[row_id] = (name, line)
    if record["topic"] and record["topic"] not in TOPICS:
        problem("topic", f"one of {', '.join(TOPICS)}", repr(record["topic"]))
    scope = record["scope"]
    if scope and scope not in SCOPES:
        problem("scope", f"one of {', '.join(SCOPES)}", repr(scope))
    elif scope in COUNTRIES and row_id and not row_id.endswith("." + slugify(scope)):
        problem("id", f"an id ending in .{slugify(scope)} for scope {scope}", repr(row_id))

    numbers: dict[str, float | None] = {}
    for column in _NUMERIC_COLUMNS:
        text = record[column]
        numbers[column] = _number(text) if text else None
        if text and numbers[column] is None:
            problem(column, "a number", repr(text))
    n, base, value = numbers["n"], numbers["base"], numbers["value"]
    for column, number in (("n", n), ("base", base)):
        if number is not None and (number < 0 or number != int(number)):
            problem(column, "a whole count of 0 or more", record[column])
    if value is not None and record["unit"] in PERCENT_UNITS and not 0 <= value <= 100:
        problem("value", f"a share between 0 and 100 for unit {record['unit']}", record["value"])
    if n is not None and base is not None and n > base:
        problem("n", f"a count no larger than base ({record['base']})", record["n"])

    problems += _check_test_columns(name, line, record, numbers)
    return problems


def _reads(read, text: str) -> bool:
    """Whether ``printed_values`` can read a printed df or p (``parse_df``, ``parse_p``)."""
    try:
        read(text)
    except ValueError:
        return False
    return True


def _check_test_columns(
    name: str, line: int, record: dict[str, str], numbers: dict[str, float | None]
) -> list[ReferenceProblem]:
    """Test rows need the test, statistic, df and p as printed; other rows need none."""
    problems: list[ReferenceProblem] = []
    is_test = record["unit"] == STATISTIC_UNIT or bool(record["test"])
    test_columns = ("test", "statistic", "df", "p_reported")
    if not is_test:
        for column in test_columns:
            if record[column]:
                problems.append(
                    ReferenceProblem(
                        name,
                        line,
                        column,
                        f"empty unless unit is {STATISTIC_UNIT}",
                        repr(record[column]),
                    )
                )
        return problems
    if record["unit"] != STATISTIC_UNIT:
        problems.append(
            ReferenceProblem(
                name, line, "unit", f"{STATISTIC_UNIT} for a test row", repr(record["unit"])
            )
        )
    for column in test_columns:
        if not record[column]:
            problems.append(
                ReferenceProblem(name, line, column, "a value for a test row", "an empty cell")
            )
    if record["test"] and record["test"] not in TESTS:
        problems.append(
            ReferenceProblem(name, line, "test", f"one of {', '.join(TESTS)}", repr(record["test"]))
        )
    if record["df"] and not _reads(parse_df, record["df"]):
        problems.append(
            ReferenceProblem(
                name, line, "df", "degrees of freedom such as 10 or 5,407", repr(record["df"])
            )
        )
    if record["p_reported"] and not _reads(parse_p, record["p_reported"]):
        problems.append(
            ReferenceProblem(
                name,
                line,
                "p_reported",
                "a p-value such as 0.004 or <0.001",
                repr(record["p_reported"]),
            )
        )
    value, statistic = numbers["value"], numbers["statistic"]
    if value is not None and statistic is not None and value != statistic:
        problems.append(
            ReferenceProblem(
                name, line, "value", f"the statistic ({record['statistic']})", record["value"]
            )
        )
    return problems


def _typed_frame(records: list[dict[str, str]]) -> pd.DataFrame:
    """Build the frame: numbers as float, df and p as printed strings, text as strings."""
    frame = pd.DataFrame.from_records(records, columns=list(REFERENCE_COLUMNS))
    frame = frame.astype(str)
    for column in _NUMERIC_COLUMNS:
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(float)
    return frame.reset_index(drop=True)
