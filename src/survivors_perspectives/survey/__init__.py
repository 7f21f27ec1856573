"""The frontline-worker survey: its columns (schema), loader and the report's tests.

``schema`` holds the column list, allowed answers, questions and the pandera schema;
``load`` reads and validates a CSV; ``published_tests`` lists the report's 19 tests as data.
"""

from .schema import (
    ASKED_IF,
    CATEGORIES,
    COLUMN_NAMES,
    COLUMN_QUESTIONS,
    COLUMNS,
    COUNTRIES,
    ORDERED,
    SurveySchema,
)

__all__ = [
    "ASKED_IF",
    "CATEGORIES",
    "COLUMNS",
    "COLUMN_NAMES",
    "COLUMN_QUESTIONS",
    "COUNTRIES",
    "ORDERED",
    "SurveySchema",
    "load_survey",
]


def load_survey(path):
    """Read, type and validate a survey CSV (see ``survey.load.load_survey``)."""
    from .load import load_survey as _load

    return _load(path)
