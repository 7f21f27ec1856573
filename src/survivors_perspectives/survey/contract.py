"""The pandera contracts a survey file must satisfy: on its text as read, and once typed.

Both are built from the column definitions in ``schema``, so the checks, the generator and
the data package read the same rules. They live apart from ``schema`` because pandera costs
a notebook about 0.3 s to import, and a notebook that reads a stored validated frame (see
``frame_store``) never runs them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from .schema import AGE_BANDS, ASKED_IF, ASKED_IF_TEXT, COLUMNS, Column, dtype_of

#: A respondent id: three capital letters, a hyphen and at least four digits, in full.
ID_PATTERN = r"[A-Z]{3}-[0-9]{4,}"
ID_TEXT = "an id of three capital letters, a hyphen and four or more digits (e.g. SYN-0001)"


def _raw_schema() -> pa.DataFrameSchema:
    """Build the checks on the text as read, before conversion."""
    columns = {}
    for col in COLUMNS:
        if col.kind == "category":
            expected = f"one of {list(col.categories)} or empty"
            if col.name == "country":
                expected += " (declare a country outside the study with EXTRA_COUNTRIES=...)"
            check = pa.Check.isin([*col.categories, ""], error=expected)
        elif col.kind == "boolean":
            check = pa.Check.isin(["true", "false", ""], error="'true', 'false' or empty")
        elif col.kind == "integer":
            check = pa.Check.str_matches(r"^(\d+)?$", error="a whole number or empty")
        else:
            # Matched in full: with re.match, "$" also matches before a final newline, so
            # "SYN-0001\n" would pass and slip past the uniqueness check beside "SYN-0001".
            check = pa.Check(
                lambda s: s.str.fullmatch(ID_PATTERN), element_wise=False, error=ID_TEXT
            )
        columns[col.name] = pa.Column(str, checks=check, nullable=False)
    return pa.DataFrameSchema(columns, strict=False, name="SurveyText")


RAW_SCHEMA = _raw_schema()


FRAME_CHECKS: dict[str, tuple[str, str]] = {}
"""Error text of each frame-level check -> (column it is about, what was expected).

pandera reports a failing frame-level check by its error text and the row, so the text
carries the column name and this registry turns it back into column and expectation.
"""


def _frame_check(fn: Callable[[pd.DataFrame], pd.Series], column: str, expect: str) -> pa.Check:
    error = f"{column}: {expect}"
    FRAME_CHECKS[error] = (column, expect)
    return pa.Check(fn, error=error)


def _skip_check(column: Column) -> pa.Check:
    """Check that ``column`` is filled exactly where its question was asked."""
    asked = ASKED_IF[column.asked_if]
    nullable = column.nullable

    def check(df: pd.DataFrame) -> pd.Series:
        mask = asked(df)
        filled = df[column.name].notna()
        ok = ~mask & ~filled | mask & (filled | nullable)
        return ok

    expect = f"empty unless asked of {ASKED_IF_TEXT[column.asked_if]}"
    if not nullable:
        expect += ", and answered when asked"
    return _frame_check(check, column.name, expect)


def _age_sum_check(sex: str) -> pa.Check:
    cols = list(AGE_BANDS[sex])

    def check(df: pd.DataFrame) -> pd.Series:
        part = df[cols]
        total = part.sum(axis=1, skipna=True)
        return part.isna().all(axis=1) | (total == 100)

    return _frame_check(check, cols[0], f"{', '.join(cols)} summing to 100")


def _someone_supported(df: pd.DataFrame) -> pd.Series:
    return ASKED_IF["supported_boys"](df) | ASKED_IF["supported_girls"](df)


def _column_schema(column: Column) -> pa.Column:
    checks = []
    if column.kind == "integer":
        checks.append(pa.Check.in_range(column.minimum, column.maximum))
    if column.kind == "id":
        checks.append(pa.Check(lambda s: s.str.fullmatch(ID_PATTERN), error=ID_TEXT))
    return pa.Column(
        dtype_of(column),
        checks=checks,
        nullable=column.kind != "id",
        unique=column.kind == "id",
        description=column.question,
        title=column.name,
    )


def build_schema() -> pa.DataFrameSchema:
    """Build the pandera schema of a loaded (typed) survey frame.

    Column checks cover types, allowed answers (through the categorical dtype) and slider
    ranges; frame checks cover skip logic, the age bands summing to 100 and the hurdle
    question (every worker supported boys or girls).
    """
    checks = [_skip_check(c) for c in COLUMNS if c.kind != "id"]
    checks += [_age_sum_check("boys"), _age_sum_check("girls")]
    checks.append(
        _frame_check(_someone_supported, "supported_boys", "supported_boys or supported_girls true")
    )
    return pa.DataFrameSchema(
        {c.name: _column_schema(c) for c in COLUMNS},
        checks=checks,
        strict=True,
        ordered=True,
        name="SurveySchema",
        description="Frontline support worker survey, one row per respondent.",
    )


SurveySchema: pa.DataFrameSchema = build_schema()
"""The pandera schema any dataset of this shape (synthetic or real) must satisfy."""
