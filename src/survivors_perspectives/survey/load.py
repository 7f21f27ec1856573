"""Read a survey CSV into a typed, validated frame, or say exactly what is wrong with it.

Two passes, both pandera with lazy validation so every problem is reported at once: the
first checks the raw text (allowed answers, ``true``/``false``, whole numbers) before any
conversion could hide a bad value as missing; the second checks the typed frame (ranges,
skip logic, age bands). Failures are rewritten as one line each: file, column, row,
expected, found.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors

from survivors_perspectives.problem_listing import capped

from .contract import FRAME_CHECKS, RAW_SCHEMA, SurveySchema
from .schema import COLUMN_BY_NAME, COLUMN_NAMES, COLUMNS, dtype_of

BOOLEAN_TEXT = {"true": True, "false": False}


class SurveyValidationError(ValueError):
    """A survey file does not match the survey schema.

    Attributes
    ----------
    problems : list of dict
        One entry per failing cell or column: ``file``, ``column``, ``row``, ``expected``,
        ``found``.
    """

    def __init__(self, path: Path | str, problems: list[dict]):
        self.path = str(path)
        self.problems = problems
        lines = capped([_format(p) for p in problems])
        head = f"{self.path}: {len(problems)} problem(s) with the survey data"
        super().__init__("\n".join([head, *lines]))


def _format(problem: dict) -> str:
    where = f"column {problem['column']!r}"
    if problem.get("row") is not None:
        where += f", row {problem['row']}"
        if problem.get("respondent_id"):
            # Escaped: an id holding a newline would otherwise split the problem's line.
            where += f" ({str(problem['respondent_id']).encode('unicode_escape').decode()})"
    return f"{problem['file']}: {where}: expected {problem['expected']}, found {problem['found']!r}"


def _expected_for(column: str, check: str) -> str:
    """Say in words what a column-level pandera check expected."""
    if check.startswith("in_range"):
        col = COLUMN_BY_NAME[column]
        return f"a number from {col.minimum} to {col.maximum}"
    if check.startswith("dtype("):
        return f"dtype {check[6:-1]}"
    if check == "field_uniqueness":
        return "a unique value"
    if check == "not_nullable":
        return "a value (not empty)"
    return check


def _problems_from(err: pandera.errors.SchemaErrors, path: Path, frame: pd.DataFrame) -> list[dict]:
    """Rewrite pandera's failure cases as file/column/row/expected/found records.

    Frame-level checks (skip logic) fail once per column of a failing row in pandera's
    report; they are folded back to one problem per check and row.
    """
    cases = err.failure_cases.drop_duplicates(["check", "index", "column"])
    problems = []
    seen = set()
    for case in cases.itertuples(index=False):
        check = str(case.check)
        if check in FRAME_CHECKS:
            column, expected = FRAME_CHECKS[check]
        else:
            column = case.column if isinstance(case.column, str) else "(frame)"
            expected = _expected_for(column, check)
        row = None if case.index is None or pd.isna(case.index) else int(case.index)
        if (column, row, expected) in seen:
            continue
        seen.add((column, row, expected))
        found = case.failure_case
        respondent = None
        if row is not None:
            if "respondent_id" in frame.columns:
                respondent = frame["respondent_id"].iloc[row]
                respondent = None if pd.isna(respondent) or respondent == "" else respondent
            if column in frame.columns:
                found = frame[column].iloc[row]
        if found is None or (not isinstance(found, str) and pd.isna(found)) or found == "":
            found = "empty"
        elif hasattr(found, "item"):
            found = found.item()
        problems.append(
            {
                "file": str(path),
                "column": column,
                "row": None if row is None else row + 1,
                "respondent_id": respondent,
                "expected": expected,
                "found": found,
            }
        )
    order = {name: i for i, name in enumerate(COLUMN_NAMES)}
    problems.sort(key=lambda p: (p["row"] or 0, order.get(p["column"], -1)))
    return problems


def _structure_problems(path: Path, header: list[str]) -> list[dict]:
    problems = []
    for name in COLUMN_NAMES:
        if name not in header:
            problems.append(
                {
                    "file": str(path),
                    "column": name,
                    "row": None,
                    "expected": "this column",
                    "found": "missing",
                }
            )
    for name in header:
        if name not in COLUMN_BY_NAME:
            problems.append(
                {
                    "file": str(path),
                    "column": name,
                    "row": None,
                    "expected": "no column of this name",
                    "found": "unexpected column",
                }
            )
    if not problems and list(header) != list(COLUMN_NAMES):
        # Name the first column out of place rather than print an 86-name header.
        position, name = next(
            (i, n)
            for i, (n, want) in enumerate(zip(header, COLUMN_NAMES, strict=True))
            if n != want
        )
        expected_at = COLUMN_NAMES.index(name)
        after = f" (after {COLUMN_NAMES[expected_at - 1]!r})" if expected_at else " (first)"
        problems.append(
            {
                "file": str(path),
                "column": name,
                "row": None,
                "expected": f"this column at position {expected_at + 1}{after}, as in the codebook",
                "found": f"position {position + 1}",
            }
        )
    return problems


def cast_survey(text: pd.DataFrame) -> pd.DataFrame:
    """Convert a frame of CSV text (empty string = missing) to the survey dtypes."""
    out = {}
    for col in COLUMNS:
        raw = text[col.name]
        missing = raw == ""
        if col.kind == "boolean":
            values = raw.map(BOOLEAN_TEXT)
        elif col.kind == "integer":
            values = pd.to_numeric(raw.where(~missing), errors="coerce")
        else:
            values = raw.where(~missing)
        out[col.name] = pd.Series(values, index=text.index).astype(dtype_of(col))
    return pd.DataFrame(out, index=text.index)


def validate_survey(frame: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """Validate a typed survey frame; raise ``SurveyValidationError`` listing every problem."""
    try:
        return SurveySchema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        raise SurveyValidationError(path, _problems_from(err, Path(path), frame)) from None


def load_survey(path: Path | str) -> pd.DataFrame:
    """Read a survey CSV, apply the survey dtypes and validate it.

    Parameters
    ----------
    path : path-like
        CSV with the columns of ``survey.schema.COLUMNS`` (empty cell = missing,
        booleans as ``true``/``false``).

    Returns
    -------
    pandas.DataFrame
        Typed frame: ordered categoricals for ratings, nullable booleans and integers.

    Raises
    ------
    SurveyValidationError
        Listing every problem (file, column, row, expected, found).
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = Path(path)
    text = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    problems = _structure_problems(path, list(text.columns))
    if problems:
        raise SurveyValidationError(path, problems)
    raw_problems: list[dict] = []
    try:
        RAW_SCHEMA.validate(text, lazy=True)
    except pandera.errors.SchemaErrors as err:
        raw_problems = _problems_from(err, path, text)
        # Blank the unreadable cells and check the rest too, so every problem is listed at
        # once; a blanked cell's own follow-on complaint ("expected a value") is not repeated.
        text = text.copy()
        for problem in raw_problems:
            if problem["row"] is not None and problem["column"] in text.columns:
                text.iloc[problem["row"] - 1, text.columns.get_loc(problem["column"])] = ""
    try:
        frame = validate_survey(cast_survey(text), path)
    except SurveyValidationError as err:
        reported = {(p["column"], p["row"]) for p in raw_problems}
        later = [p for p in err.problems if (p["column"], p["row"]) not in reported]
        order = {name: i for i, name in enumerate(COLUMN_NAMES)}
        problems = sorted(
            raw_problems + later, key=lambda p: (p["row"] or 0, order.get(p["column"], -1))
        )
        raise SurveyValidationError(path, problems) from None
    if raw_problems:
        raise SurveyValidationError(path, raw_problems)
    return frame
