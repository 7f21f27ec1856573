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

import numpy as np
import pandas as pd

from survivors_perspectives.conversations import schema
from survivors_perspectives.conversations.disclosed import (
    count_entries,
    is_published,
    size_entry,
)
from survivors_perspectives.conversations.measures import (
    PUBLISHED_CONVERSATIONS,
    Count,
    evaluate,
    published_figures,
)
from survivors_perspectives.disclosure import audit, ledger
from survivors_perspectives.disclosure.policy import (
    COMPLEMENTARY,
    SUPPRESSED,
    WITHHELD,
    complement_is_small,
    count_allowed,
    is_small,
)
from survivors_perspectives.disclosure.suppression import suppress_counts
from survivors_perspectives.pages.tables import Table

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

    Notes
    -----
    The all-countries column is a group of people too: a theme coded for one to four of
    the 42 is hidden like a country cell, unless the report published it (for a theme
    coded in one country only, the country's published count is the all-countries one).
    The table is then audited as a reader would attack it (:mod:`..disclosure.audit`,
    which also knows that two rows counting the same people, a theme and the derived
    theme it implies, are one number): the all-countries total of a line whose hidden
    cells it narrows is hidden too, until nothing is narrowed.
    """
    counts, hidden = _suppressed_full(frame, codebook, path)
    book = codebook if families is None else codebook[codebook["family"].isin(families)]
    themes = book["theme_id"].tolist()
    counts, hidden = counts.loc[themes].copy(), hidden.loc[themes].copy()
    labels = book.set_index("theme_id")["label"]
    counts.index = hidden.index = [labels[t] for t in counts.index]
    return counts, hidden


_SUPPRESSED_CACHE: dict[tuple, tuple[pd.DataFrame, pd.DataFrame]] = {}


def _suppressed_full(
    frame: pd.DataFrame, codebook: pd.DataFrame, path: Path | str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return counts and hidden mask of every theme, rows by theme id (see the caller).

    One mask for the whole codebook, so the heatmap of some families hides exactly what
    the full table hides; kept per frame's content, since auditing the table takes seconds.
    """
    key = (
        int(pd.util.hash_pandas_object(frame, index=False).sum()),
        int(pd.util.hash_pandas_object(codebook, index=False).sum()),
        str(path),
    )
    if key in _SUPPRESSED_CACHE:
        counts, hidden = _SUPPRESSED_CACHE[key]
        return counts.copy(), hidden.copy()
    counts = theme_country_counts(frame, codebook["theme_id"].tolist())
    exempt = _published_matrix_cells(frame, counts, path)
    _display, hidden = suppress_counts(counts, exempt=exempt, total_col=ALL)
    sizes = group_sizes(frame)
    for theme in counts.index:
        for country in counts.columns:
            if (theme, country) not in exempt and complement_is_small(
                counts.loc[theme, country], sizes[country]
            ):
                hidden.loc[theme, country] = True
    labels = codebook.set_index("theme_id")["label"]
    for attempt in range(2):
        _cells, entries, line_of = _matrix_entries(frame, counts, hidden, exempt, labels, path)
        lines = {
            line_of[place.split(": ", 1)[1]]
            for leak in audit.audit_entries(entries, explain=False).leaks
            for place in leak.places
            if place.split(": ", 1)[1] in line_of
        }
        if attempt == 1 and lines:
            # Still narrowed after one round: every total beside a hidden cell goes.
            lines = {t for t in counts.index if hidden.loc[t].drop(ALL).any()}
        more = [t for t in sorted(lines) if not hidden.loc[t, ALL] and (t, ALL) not in exempt]
        if not more:
            break
        hidden.loc[more, ALL] = True
    _SUPPRESSED_CACHE[key] = (counts.copy(), hidden.copy())
    return counts, hidden


def _published_matrix_cells(
    frame: pd.DataFrame, counts: pd.DataFrame, path: Path | str
) -> set[tuple[str, str]]:
    """Return the matrix's cells whose count the report published.

    A country cell as :func:`published_theme_cells` finds it; an all-countries cell where
    the report published the theme's overall count, or where every country's cell is
    published (or zero, a count the matrix shows anyway), so the total adds nothing.
    """
    cells = published_theme_cells(frame, path)
    countries = [c for c in counts.columns if c != ALL]
    for theme in counts.index:
        overall = is_published(frame, column=theme, path=path)
        parts = all((theme, c) in cells or counts.loc[theme, c] == 0 for c in countries)
        if overall or parts:
            cells.add((theme, ALL))
    return cells


_CAPTION = "Themes by country"


def _matrix_entries(
    frame: pd.DataFrame,
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    exempt: set[tuple[str, str]],
    labels: pd.Series,
    path: Path | str,
) -> tuple[pd.DataFrame, list[ledger.Entry], dict[str, str]]:
    """Return the matrix's cells as shown, their ledger entries, and each cell's theme.

    Rows of ``counts`` and ``hidden`` are theme ids; ``labels`` names them as the table
    does. The third value maps each cell's place in the ledger to its theme id.
    """
    people = schema.participants(frame)
    # Only the ids are recorded: indexing the narrow frame keeps the table fast.
    ids = people[[ledger.ID_COLUMNS["conversations"]]]
    in_group = {c: (people["country"] == c).to_numpy(bool) for c in counts.columns if c != ALL}
    in_group[ALL] = np.ones(len(people), dtype=bool)
    groups = {column: ids[mask] for column, mask in in_group.items()}
    entries = [
        size_entry(
            f"table '{_CAPTION}', column '{column}' (its group)",
            group,
            published=is_published(frame, country=None if column == ALL else column, path=path),
        )
        for column, group in groups.items()
    ]
    cells = pd.DataFrame(index=counts.index, columns=counts.columns, dtype=object)
    line_of: dict[str, str] = {}
    for theme in counts.index:
        has_theme = (people[theme] == 1).to_numpy(bool)
        coded = {column: ids[mask & has_theme] for column, mask in in_group.items()}
        for column in counts.columns:
            value = int(counts.loc[theme, column])
            if hidden.loc[theme, column]:
                shown = SUPPRESSED if is_small(value) else WITHHELD
            else:
                shown = str(value)
            where = f"table '{_CAPTION}', row '{labels[theme]}', column '{column}'"
            line_of[where] = theme
            entries += count_entries(
                where,
                coded[column],
                groups[column],
                shown,
                published=(theme, column) in exempt,
            )
            cells.loc[theme, column] = f"{shown} of {len(groups[column])}"
        entries.append(
            ledger.partition_entry(
                f"table '{_CAPTION}', line of '{labels[theme]}'",
                coded[ALL],
                [coded[c] for c in counts.columns if c != ALL],
            )
        )
    return cells, entries, line_of


def theme_country_matrix(
    frame: pd.DataFrame,
    codebook: pd.DataFrame,
    families: list[str] | None = None,
    path: Path | str = PUBLISHED_CONVERSATIONS,
) -> Table:
    """Return the theme x country table, cells as "n of N" with disclosure control.

    Parameters are those of :func:`suppressed_theme_counts`. Every cell and group size is
    recorded in the disclosure ledger with the participants it counts, each row's
    all-countries cell as the sum of its country cells.
    """
    counts, hidden = suppressed_theme_counts(frame, codebook, families, path)
    book = codebook if families is None else codebook[codebook["family"].isin(families)]
    theme_of = dict(zip(book["label"], book["theme_id"], strict=True))
    by_id = counts.rename(index=theme_of)
    exempt = _published_matrix_cells(frame, by_id, path)
    labels = book.set_index("theme_id")["label"]
    cells, entries, _lines = _matrix_entries(
        frame, by_id, hidden.rename(index=theme_of), exempt, labels, path
    )
    ledger.record(entries)
    cells.index = counts.index
    note = (
        f"{SUPPRESSED}: one to four people, not published in the report; {WITHHELD}: withheld "
        "so that a hidden cell cannot be worked out from the all-countries total or the "
        "group's size. "
        "Synthetic records: the counts show the method, not the real conversations."
    )
    return Table(cells, caption=_CAPTION, hidden=hidden, note=note, index_name="Theme")


def theme_cooccurrence(frame: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Return how many participants were coded with both themes (diagonal: each theme)."""
    coded = schema.participants(frame)[themes].astype(int)
    return coded.T.dot(coded)


def shown_cooccurrence(
    frame: pd.DataFrame,
    codebook: pd.DataFrame,
    themes: list[str],
    path: Path | str = PUBLISHED_CONVERSATIONS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the co-occurrence counts of ``themes`` as shown, and the mask of hidden cells.

    Across all countries, those coded with two themes are a group too: a count of one to
    four is shown as ``"<5"``, a count whose rest within either theme is one to four as
    ``"–"`` (24 with fear, 21 of them with shame: three with fear but not shame). The
    diagonal (each theme alone) shows what the themes-by-country table shows for it. Every
    cell of the lower triangle is recorded in the disclosure ledger.
    """
    counts = theme_cooccurrence(frame, themes)
    all_counts, hidden_full = _suppressed_full(frame, codebook, path)
    exempt = _published_matrix_cells(frame, all_counts, path)
    people = schema.participants(frame)
    ids = people[[ledger.ID_COLUMNS["conversations"]]]
    coded = {t: (people[t] == 1).to_numpy(bool) for t in themes}
    shown = pd.DataFrame("", index=themes, columns=themes, dtype=object)
    hidden = pd.DataFrame(False, index=themes, columns=themes)
    entries: list[ledger.Entry] = []
    where = "figure 'How often barriers to disclosure were coded together'"
    for i, a in enumerate(themes):
        n = int(counts.loc[a, a])
        if hidden_full.loc[a, ALL]:
            shown.loc[a, a] = SUPPRESSED if is_small(n) else WITHHELD
            hidden.loc[a, a] = True
        else:
            shown.loc[a, a] = str(n)
        entries.append(
            ledger.count_entry(
                f"{where}, '{a}'",
                ids[coded[a]],
                shown.loc[a, a],
                published=(a, ALL) in exempt and shown.loc[a, a] == str(n),
            )
        )
        for b in themes[:i]:
            both = int(counts.loc[a, b])
            allowed = count_allowed(both, int(counts.loc[a, a])) and count_allowed(
                both, int(counts.loc[b, b])
            )
            text = str(both) if allowed else (SUPPRESSED if is_small(both) else WITHHELD)
            shown.loc[a, b], hidden.loc[a, b] = text, not allowed
            rows = ids[coded[a] & coded[b]]
            cell = f"{where}, '{a}' with '{b}'"
            entries += count_entries(cell, rows, ids[coded[a]], text)
            entries += count_entries(f"{cell} (within '{b}')", rows, ids[coded[b]], text)
    ledger.record(entries)
    return shown, hidden


def top_theme_pairs(frame: pd.DataFrame, codebook: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """Return the ``k`` pairs of themes most often coded together, across all countries.

    Derived themes are left out: they co-occur with their own members by construction.
    Only pairs whose count may be shown are listed (:func:`shown_cooccurrence`'s rule: not
    one to four, and not leaving one to four of either theme outside the pair); a hidden
    count in a ranked list would be bounded by its neighbours. Each listed count is
    recorded in the disclosure ledger with the participants it counts.
    """
    themes = [t for t in codebook["theme_id"] if t not in schema.DERIVED_THEMES]
    matrix = theme_cooccurrence(frame, themes)
    labels = codebook.set_index("theme_id")["label"]
    rows = [
        {
            "Theme": labels[a],
            "Coded together with": labels[b],
            "Participants": int(matrix.loc[a, b]),
            "_pair": (a, b),
        }
        for i, a in enumerate(themes)
        for b in themes[i + 1 :]
        if matrix.loc[a, b] > 0
        and count_allowed(int(matrix.loc[a, b]), int(matrix.loc[a, a]))
        and count_allowed(int(matrix.loc[a, b]), int(matrix.loc[b, b]))
    ]
    pairs = pd.DataFrame(rows, columns=["Theme", "Coded together with", "Participants", "_pair"])
    pairs = pairs.sort_values(
        ["Participants", "Theme", "Coded together with"], ascending=[False, True, True]
    ).head(k)
    people = schema.participants(frame)
    ids = people[[ledger.ID_COLUMNS["conversations"]]]
    entries: list[ledger.Entry] = []
    for (a, b), theme, other in zip(
        pairs["_pair"], pairs["Theme"], pairs["Coded together with"], strict=True
    ):
        coded_a = ids[(people[a] == 1).to_numpy(bool)]
        coded_b = ids[(people[b] == 1).to_numpy(bool)]
        both = coded_a[coded_a.iloc[:, 0].isin(coded_b.iloc[:, 0]).to_numpy(bool)]
        where = f"table of theme pairs: '{theme}' with '{other}'"
        entries += count_entries(where, both, coded_a, str(len(both)))
        entries += count_entries(f"{where} (within '{other}')", both, coded_b, str(len(both)))
    ledger.record(entries)
    return pairs.drop(columns="_pair").reset_index(drop=True)


def disclosure_pathways(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the flows from prior awareness to route of disclosure to NGO referral.

    One row per combination with at least one participant, across all countries (the flow
    figure is not split by country, so small country cells are not exposed).
    """
    flows = (
        _stage_columns(schema.participants(frame))
        .value_counts()
        .rename("participants")
        .reset_index()
    )
    order = {label: i for i, label in enumerate([*ROUTE_LABELS.values(), NO_ROUTE])}
    flows["_order"] = flows["route"].map(order)
    flows = flows.sort_values(["awareness", "_order", "referral"]).drop(columns="_order")
    return flows.reset_index(drop=True)


def _stage_columns(people: pd.DataFrame) -> pd.DataFrame:
    """Return each participant's awareness, route and referral, as the flow figure groups them."""
    route = pd.Series(NO_ROUTE, index=people.index)
    for column, label in ROUTE_LABELS.items():
        route = route.mask(people[column] == 1, label)
    aware = people["aware_reporting_before"].map(
        {1: "Knew a reporting route beforehand", 0: "Did not know one beforehand"}
    )
    referral = people["ngo_referral_by_authorities"].map(
        {1: "Referred to an NGO by the authorities", 0: "No such referral coded"}
    )
    return pd.DataFrame({"awareness": aware, "route": route, "referral": referral})


def flow_stage_labels(frame: pd.DataFrame, stages: dict[str, list[str]]) -> dict:
    """Return how the flow figure labels each stage's category: its count, or hidden.

    The figure labels every block with its number of participants. Across all countries
    these are groups too: a count of one to four is shown as ``"<5"``, and a partner
    (``"x"``) where the stage's total (everyone) would give it back, as in a table. Each
    label is recorded in the disclosure ledger with the participants it counts.

    Returns
    -------
    dict
        ``(stage, category) -> label text``.
    """
    people = schema.participants(frame)
    columns = _stage_columns(people)
    ids = people[[ledger.ID_COLUMNS["conversations"]]]
    labels: dict[tuple[str, str], str] = {}
    entries: list[ledger.Entry] = []
    where = "figure 'From awareness of reporting routes ... to referral'"
    for stage, order in stages.items():
        present = [c for c in order if (columns[stage] == c).any()]
        counts = pd.DataFrame(
            {"n": [int((columns[stage] == c).sum()) for c in present] + [len(people)]},
            index=[*present, "Total"],
        )
        display, hidden = suppress_counts(counts, total_row="Total", totals_known=True)
        groups = [ids[(columns[stage] == c).to_numpy(bool)] for c in present]
        # With some categories hidden, a shown one gives their sum back against the total
        # (33 with no route described: 9 described one), which the themes-by-country table
        # then splits by country: every count of the stage is hidden.
        some_hidden = bool(hidden.loc[present, "n"].any())
        for category, group in zip(present, groups, strict=True):
            shown = str(display.loc[category, "n"])
            if some_hidden and shown not in (SUPPRESSED, COMPLEMENTARY):
                shown = COMPLEMENTARY if len(group) > 0 else shown
            labels[(stage, category)] = shown
            entries.append(ledger.count_entry(f"{where}, {stage}: {category}", group, shown))
        entries.append(ledger.partition_entry(f"{where}, {stage}", ids, groups))
    entries.append(ledger.count_entry(f"{where}: participants", ids, str(len(ids))))
    ledger.record(entries)
    return labels
