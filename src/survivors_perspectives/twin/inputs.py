"""Which input files a twin is made from, and which it refuses.

A twin is for real data. The compendium's synthetic records, the shipped file's and a
twin's alike, carry respondent ids starting with ``SYN-`` (``survey.schema.ID_PREFIX``); such
a file can be shared as it is, and a twin of it would only be a copy of a copy.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survivors_perspectives.survey.schema import ID_PREFIX


def synthetic_reason(survey: Path) -> str | None:
    """Say why ``survey`` is synthetic data already (None when it is not).

    The compendium's synthetic records carry respondent ids starting with ``SYN-``
    (``survey.schema.ID_PREFIX``), the shipped file's and a twin's alike.
    """
    try:
        ids = pd.read_csv(survey, usecols=["respondent_id"], dtype=str, keep_default_na=False)
    except (ValueError, OSError, pd.errors.ParserError):
        return None  # validation will say what is wrong with the file
    column = ids["respondent_id"]
    if len(column) and column.str.startswith(ID_PREFIX).all():
        return f"every respondent id starts with {ID_PREFIX!r}"
    return None
