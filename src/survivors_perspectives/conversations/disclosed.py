"""Conversation counts as the pages show them, each recorded in the disclosure ledger.

A country's conversations hold six to ten young survivors, so nearly every count a page
shows about them could point at one person. The rule is the book's
(:mod:`survivors_perspectives.disclosure.policy`): one to four hidden unless the report
published that very count, a count whose rest in its group is one to four withheld. What
this module adds is the conversations' side of the whole-book audit: every count shown in a
table or a sentence is recorded with the ids of the participants it counts, with the group
it is "of" and the rest of that group (:mod:`survivors_perspectives.disclosure.ledger`),
so a sentence that differences against a table is caught like a table cell.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from survivors_perspectives.conversations.measures import (
    PUBLISHED_CONVERSATIONS,
    Count,
    evaluate,
    published_figures,
)
from survivors_perspectives.disclosure import ledger
from survivors_perspectives.disclosure.policy import (
    SUPPRESSED,
    WITHHELD,
    count_allowed,
    is_small,
)


@lru_cache(maxsize=8)
def _published_specs(path: str) -> tuple[tuple[Count, float], ...]:
    return tuple(
        (figure.spec, figure.value)
        for figure in published_figures(path)
        if isinstance(figure.spec, Count) and figure.spec.targeted_between is None
    )


def is_published(
    frame: pd.DataFrame,
    *,
    column: str | None = None,
    value: object = 1,
    country: str | None = None,
    gender: str | None = None,
    status: str = "participant",
    path: Path | str = PUBLISHED_CONVERSATIONS,
) -> bool:
    """Return True when the report published this very count and the frame reproduces it.

    Matched by what is counted (column, value, country, gender, status), not by the number:
    an unrelated published 1 never lets every 1 through.
    """
    wanted = Count(column=column, value=value, country=country, gender=gender, status=status)
    return any(
        spec == wanted and evaluate(spec, frame) == figure
        for spec, figure in _published_specs(str(path))
    )


def shown_count(
    where: str, rows: pd.DataFrame, group: pd.DataFrame, *, published: bool = False
) -> str:
    """Return how a page shows ``len(rows)`` of ``group``, and record it with the rest.

    The number itself when the policy allows it beside the group's size, ``"<5"`` for an
    unpublished count of one to four, ``"–"`` for a count whose rest is one to four. The
    rest of the group (those not counted) is recorded as a group to protect (hidden, one to
    four, when the count is withheld for it), and the group as the sum of both, which is
    what a reader knows.
    """
    count, size = len(rows), len(group)
    if count_allowed(count, size, published=published):
        shown = str(count)
    else:
        shown = SUPPRESSED if is_small(count) else WITHHELD
    ledger.record(count_entries(where, rows, group, shown, published=published))
    return shown


def count_entries(
    where: str, rows: pd.DataFrame, group: pd.DataFrame, shown: str, *, published: bool = False
) -> list[ledger.Entry]:
    """Return the ledger entries of ``rows`` shown as ``shown`` "of" ``group``.

    The count; the rest of the group, a group to protect (hidden, one to four, when the
    count is withheld for it: "–" or "all but fewer than five" tells a reader so); and the
    group as the sum of both.
    """
    ids = ledger.id_column(group)
    rest = group[~group[ids].isin(rows[ids])]
    rest_shown = SUPPRESSED if shown == WITHHELD and is_small(len(rest)) else WITHHELD
    return [
        ledger.count_entry(where, rows, shown, published=published and shown == str(len(rows))),
        ledger.count_entry(f"{where} (the rest of its group)", rest, rest_shown),
        ledger.partition_entry(f"{where} (its group)", group, [rows, rest]),
    ]


def shown_size(where: str, group: pd.DataFrame, *, published: bool = False) -> int:
    """Record a group's size as a page shows it (the "N" of "n of N"); return it.

    Sizes of the countries' conversation groups are shown everywhere (six to ten): they are
    bases, not cells, and the report published them.
    """
    ledger.record(size_entry(where, group, published=published))
    return len(group)


def size_entry(where: str, group: pd.DataFrame, *, published: bool = False) -> ledger.Entry:
    """Return the ledger entry of a group's size shown as a number."""
    return ledger.count_entry(where, group, str(len(group)), published=published)
