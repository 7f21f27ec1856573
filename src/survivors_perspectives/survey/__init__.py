"""The frontline-worker survey: its columns (schema), loader and the report's tests.

``schema`` holds the column list, allowed answers and questions; ``contract`` the pandera
schemas built from them; ``load`` reads and validates a CSV; ``significance_tests`` lists the
report's 19 tests as data. ``SurveySchema`` and ``load_survey`` import pandera only when used.
"""

from survivors_perspectives.countries import COUNTRIES

from .schema import (
    ASKED_IF,
    CATEGORIES,
    COLUMN_NAMES,
    COLUMN_QUESTIONS,
    COLUMNS,
    ORDERED,
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
    """Read, type and validate a survey CSV (see ``survey.load.load_survey``).

    Within a build the validated frame is read from the frame store when this exact file
    was validated by this exact code before (see ``frame_store``), without importing pandera.
    """
    from survivors_perspectives import frame_store

    def validate():
        from .load import load_survey as _load

        return _load(path)

    # The schema's countries, as built in this process, may be extended by a run.
    countries = ",".join(CATEGORIES["country"])
    return frame_store.load_or_compute("survey", [path], validate, context=countries)


def __getattr__(name):
    # The pandera schema is built on first use, not on import (see ``contract``).
    if name == "SurveySchema":
        from .contract import SurveySchema

        return SurveySchema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
