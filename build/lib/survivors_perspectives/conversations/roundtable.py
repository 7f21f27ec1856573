"""The experts' roundtable of 26 July 2021 as structured data: who took part, what they said.

Only kinds of organisation and counts are kept, never names; the insights are our own
summaries. The recommendations module cites insights by their ``insight_id``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from survivors_perspectives import paths

ROUNDTABLE = paths.REFERENCE / "roundtable.json"


class RoundtableError(ValueError):
    """A roundtable file that contradicts itself."""


def load_roundtable(path: Path | str = ROUNDTABLE) -> dict:
    """Read the roundtable record and check that the experts add up.

    Raises
    ------
    RoundtableError
        When the counts by kind of organisation do not sum to ``experts_total``, or an
        insight id repeats.
    """
    path = Path(path)
    record = json.loads(path.read_text(encoding="utf-8"))
    total = sum(int(kind["count"]) for kind in record["experts_by_kind"])
    if total != int(record["experts_total"]):
        raise RoundtableError(
            f"{path}: 'experts_by_kind' counts sum to {total}, expected experts_total "
            f"{record['experts_total']}"
        )
    ids = [insight["insight_id"] for insight in record["insights"]]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise RoundtableError(f"{path}: insight ids {repeated} appear more than once")
    return record


def experts_by_kind(record: dict) -> pd.DataFrame:
    """Return the experts per kind of organisation, largest group first."""
    table = pd.DataFrame(record["experts_by_kind"]).rename(
        columns={"kind": "Kind of organisation", "count": "Experts"}
    )
    return table.sort_values(["Experts", "Kind of organisation"], ascending=[False, True])


def insights(record: dict) -> pd.DataFrame:
    """Return the roundtable's insights (id, theme, summary, where the report discusses it)."""
    return pd.DataFrame(record["insights"])[["insight_id", "theme", "summary", "report_section"]]
