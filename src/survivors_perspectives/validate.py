"""Check the input files before any notebook runs, and list every problem at once.

A researcher running the pipeline on real data in a secure environment sees one message per
problem, each naming the file, column, row, what was expected and what was found, and the
build stops with a non-zero exit before anything is written. The content checks live with the
schemas (``survey.load`` and ``conversations.schema``); this module adds what must be checked
before a CSV parser can even be trusted (missing, empty, undecodable or wrongly delimited
files) and what only matters for reporting (countries too small to report on).

Usage::

    python -m survivors_perspectives.validate --survey survey.csv --conversations conv.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from survivors_perspectives import paths
from survivors_perspectives.countries import declared_country_problems
from survivors_perspectives.problem_listing import MAX_LISTED

#: A country with fewer respondents than this gets no chapter: percentages of a handful of
#: people are both meaningless and disclosive.
MIN_COUNTRY_RESPONDENTS = 10

_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def file_problems(path: Path) -> list[str]:
    """Return problems that stop a file from being read as a comma-separated UTF-8 table."""
    if not path.exists():
        return [f"{path}: file not found"]
    if not path.is_file():
        return [f"{path}: expected a file, found a directory"]
    raw = path.read_bytes()
    if not raw.strip():
        return [f"{path}: expected a header row and data rows, found an empty file"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [
            f"{path}: line {line}, byte {error.start}: expected UTF-8 text, found byte "
            f"0x{raw[error.start]:02x} (save the file as UTF-8)"
        ]
    lines = text.splitlines()
    header = lines[0]
    if "," not in header:
        for delimiter, name in _OTHER_DELIMITERS.items():
            if delimiter in header:
                return [
                    f"{path}: line 1 (header): expected columns separated by commas, "
                    f"found them separated by {name}s"
                ]
    if len(lines) < 2:
        return [f"{path}: expected data rows after the header, found only the header"]
    return table_shape_problems(path, text)


def _positions(positions: list[int]) -> str:
    return ", ".join(map(str, positions[:-1])) + f" and {positions[-1]}"


def table_shape_problems(path: Path, text: str) -> list[str]:
    """Return what stops the text being one table: repeated header names and ragged rows.

    A CSV parser would either stop at the first ragged row (a decimal comma written
    unquoted, ``12,5``, or a trailing comma gives a row one field too long) or rename a
    repeated column (``education.1``); here each is listed by its line in the file, with
    the column's real name.
    """
    problems = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(header, start=1):
        seen.setdefault(name, []).append(position)
    for name, positions in seen.items():
        if len(positions) > 1:
            problems.append(
                f"{path}: line 1 (header), column {name!r}: expected each column once, "
                f"found it {len(positions)} times (positions {_positions(positions)})"
            )
    ragged = 0
    start = reader.line_num + 1
    for fields in reader:
        line, start = start, reader.line_num + 1
        if fields == [] or len(fields) == len(header):
            continue
        ragged += 1
        if ragged > MAX_LISTED:
            continue
        hint = (
            "an unquoted comma inside a value (a decimal comma such as 12,5?) or a trailing comma"
            if len(fields) > len(header)
            else "a missing value or a line break inside an unquoted value"
        )
        problems.append(
            f"{path}: line {line}: expected {len(header)} values (one per column of the "
            f"header), found {len(fields)}; {hint}"
        )
    if ragged > MAX_LISTED:
        problems.append(f"{path}: ... and {ragged - MAX_LISTED} more lines of the wrong length")
    return problems


def country_size_problems(survey, path: Path) -> list[str]:
    """Return one problem per country with too few respondents to report."""
    counts = survey["country"].value_counts()
    return [
        f"{path}: column 'country': expected at least {MIN_COUNTRY_RESPONDENTS} respondents "
        f"per country, found {count} for {country!r}"
        for country, count in counts.items()
        if 0 < count < MIN_COUNTRY_RESPONDENTS
    ]


def survey_problems(path: Path) -> list[str]:
    """Return every problem with a survey file (empty list when it is valid)."""
    from survivors_perspectives.survey import load_survey
    from survivors_perspectives.survey.load import SurveyValidationError

    problems = file_problems(path)
    if problems:
        return problems
    try:
        survey = load_survey(path)
    except SurveyValidationError as error:
        return str(error).splitlines()[1:]
    return country_size_problems(survey, path)


def conversations_problems(path: Path) -> list[str]:
    """Return every problem with a conversations file (empty list when it is valid)."""
    from survivors_perspectives.conversations.schema import ConversationsError, load_conversations

    problems = file_problems(path)
    if problems:
        return problems
    try:
        load_conversations(path)
    except ConversationsError as error:
        return error.lines()
    return []


def validate_inputs(survey: Path, conversations: Path) -> list[str]:
    """Return every problem in both input files and in the declared countries."""
    return (
        declared_country_problems()
        + survey_problems(Path(survey))
        + conversations_problems(Path(conversations))
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Validate the inputs; print every problem and return 1, or print a summary and return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survey", type=Path, default=paths.SURVEY)
    parser.add_argument("--conversations", type=Path, default=paths.CONVERSATIONS)
    args = parser.parse_args(argv)
    problems = validate_inputs(args.survey, args.conversations)
    if problems:
        print(f"{len(problems)} problem(s) in the input data:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"valid: {args.survey} and {args.conversations}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
