"""Tables of the coded conversations: theme by country, co-occurrence, disclosure pathways.

Country groups hold six to ten people, so counts are shown as "n of N" and never as
percentages (no group reaches the size where a percentage would mean much). Counts of one
to four in a country are shown as "<5" unless the report published that very number, with a
second cell withheld where the all-countries total would otherwise give the hidden one away
(the book-wide rule in :mod:`survivors_perspectives.disclosure.policy`). A count whose
complement in its country group is 1 to 4 ("6 of 7") is withheld too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survivors_perspectives.conversations import schema
from survivors_perspectives.conversations.measures import (
    PUBLISHED_CONVERSATIONS,
    Count,
    evaluate,
    published_figures,
)
from survivors_perspectives.disclosure.policy import (
    SUPPRESSED,
    WITHHELD,
    complement_is_small,
    is_small,
)
from survivors_perspectives.disclosure.suppression import suppress_counts
from survivors_perspectives.tables import Table

ALL = "All countries"

#: The routes to disclosure, in the order the flow figure draws them.
ROUTE_LABELS: dict[str, str] = {
    "route_family": "Family",
    "route_school_professional": "School professional",
    "route_peer": "Peer",
    "route_law_enforcement_rescue": "Rescue by law enforcement",
    "route_online_portal": "Online reporting portal",
}
NO_ROUTE = "Route not described"


def _countries(people: pd.DataFrame) -> list[str]:
    """Countries present in the frame, in the study's order."""
    present = set(people["country"])
    return [c for c in schema.STUDY_COUNTRIES if c in present] + sorted(
        present - set(schema.STUDY_COUNTRIES)
    )


def group_sizes(frame: pd.DataFrame) -> pd.Series:
    """Return the number of participants per country and in all countries."""
    people = schema.participants(frame)
    sizes = people["country"].value_counts().reindex(_countries(people))
    sizes[ALL] = len(people)
    return sizes.astype(int)


def theme_country_counts(frame: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Return participants coded 1 per theme (rows) and country (columns, plus all)."""
    people = schema.participants(frame)
    counts = people.groupby("country")[themes].sum().T
    counts = counts.reindex(columns=_countries(people)).fillna(0)
    counts[ALL] = counts.sum(axis=1)
    return counts.astype(int)


def published_theme_cells(
    frame: pd.DataFrame, path: Path | str = PUBLISHED_CONVERSATIONS
) -> set[tuple[str, str]]:
    """Return (theme, country) cells whose count equals a figure the report published."""
    counts: set[tuple[str, str]] = set()
    for figure in published_figures(path):
        spec = figure.spec
        if not isinstance(spec, Count) or spec.column is None or spec.country is None:
            continue
        if spec.status != "participant" or spec.column not in frame.columns:
            continue
        whole_country = Count(column=spec.column, value=spec.value, country=spec.country)
        if evaluate(whole_country, frame) == figure.value:
            counts.add((spec.column, spec.country))
    return counts


def suppressed_theme_counts(
    frame: pd.DataFrame,
    codebook: pd.DataFrame,
    families: list[str] | None = None,
    path: Path | str = PUBLISHED_CONVERSATIONS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return theme x country counts and the mask of cells to hide, rows labelled.

    Parameters
    ----------
    frame
        A validated conversations frame.
    codebook
        The theme codebook (labels and families).
    families
        Theme families to include (all when ``None``).
    path
        The published reference table, to know which small counts were published.
    """
    book = codebook if families is None else codebook[codebook["family"].isin(families)]
    counts = theme_country_counts(frame, book["theme_id"].tolist())
    # The rule protects country cells; the all-countries column is exempt as such.
    exempt = published_theme_cells(frame, path) | {(t, ALL) for t in counts.index}
    _display, hidden = suppress_counts(counts, exempt=exempt, total_col=ALL)
    sizes = group_sizes(frame)
    for theme in counts.index:
        for country in counts.columns:
            if (theme, country) not in exempt and complement_is_small(
                counts.loc[theme, country], sizes[country]
            ):
                hidden.loc[theme, country] = True
    labels = book.set_index("theme_id")["label"]
    counts.index = hidden.index = [labels[t] for t in counts.index]
    return counts, hidden


def theme_country_matrix(
    frame: pd.DataFrame,
    codebook: pd.DataFrame,
    families: list[str] | None = None,
    path: Path | str = PUBLISHED_CONVERSATIONS,
) -> Table:
    """Return the theme x country table, cells as "n of N" with disclosure control.

    Parameters are those of :func:`suppressed_theme_counts`.
    """
    counts, hidden = suppressed_theme_counts(frame, codebook, families, path)
    sizes = group_sizes(frame)
    cells = pd.DataFrame(index=counts.index, columns=counts.columns, dtype=object)
    for column in counts.columns:
        for theme in counts.index:
            value = int(counts.loc[theme, column])
            if hidden.loc[theme, column]:
                shown = SUPPRESSED if is_small(value) else WITHHELD
            else:
                shown = str(value)
            cells.loc[theme, column] = f"{shown} of {int(sizes[column])}"
    note = (
        f"{SUPPRESSED}: one to four people, not published in the report; {WITHHELD}: withheld "
        "so that a hidden cell cannot be worked out from the all-countries total or the "
        "group's size. "
        "Synthetic records: the counts show the method, not the real conversations."
    )
    return Table(cells, caption="Themes by country", hidden=hidden, note=note, index_name="Theme")


def theme_cooccurrence(frame: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Return how many participants were coded with both themes (diagonal: each theme)."""
    coded = schema.participants(frame)[themes].astype(int)
    return coded.T.dot(coded)


def top_theme_pairs(frame: pd.DataFrame, codebook: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """Return the ``k`` pairs of themes most often coded together, across all countries.

    Derived themes are left out: they co-occur with their own members by construction.
    """
    themes = [t for t in codebook["theme_id"] if t not in schema.DERIVED_THEMES]
    matrix = theme_cooccurrence(frame, themes)
    labels = codebook.set_index("theme_id")["label"]
    rows = [
        {
            "Theme": labels[a],
            "Coded together with": labels[b],
            "Participants": int(matrix.loc[a, b]),
        }
        for i, a in enumerate(themes)
        for b in themes[i + 1 :]
        if matrix.loc[a, b] > 0
    ]
    pairs = pd.DataFrame(rows).sort_values(
        ["Participants", "Theme", "Coded together with"], ascending=[False, True, True]
    )
    return pairs.head(k).reset_index(drop=True)


def disclosure_pathways(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the flows from prior awareness to route of disclosure to NGO referral.

    One row per combination with at least one participant, across all countries (the flow
    figure is not split by country, so small country cells are not exposed).
    """
    people = schema.participants(frame)
    route = pd.Series(NO_ROUTE, index=people.index)
    for column, label in ROUTE_LABELS.items():
        route = route.mask(people[column] == 1, label)
    aware = people["aware_reporting_before"].map(
        {1: "Knew a reporting route beforehand", 0: "Did not know one beforehand"}
    )
    referral = people["ngo_referral_by_authorities"].map(
        {1: "Referred to an NGO by the authorities", 0: "No such referral coded"}
    )
    flows = (
        pd.DataFrame({"awareness": aware, "route": route, "referral": referral})
        .value_counts()
        .rename("participants")
        .reset_index()
    )
    order = {label: i for i, label in enumerate([*ROUTE_LABELS.values(), NO_ROUTE])}
    flows["_order"] = flows["route"].map(order)
    flows = flows.sort_values(["awareness", "_order", "referral"]).drop(columns="_order")
    return flows.reset_index(drop=True)
