"""Disclosure control and styled tables for country-level results.

A country sample of 49 to 91 frontline support workers is small enough that a cell of one
to four people can point at a colleague. Such cells are shown as ``"<5"``, unless the report
already published that very number (nothing more is disclosed by repeating it). Where a row
or column total is shown, a single hidden cell could be recovered by subtraction, so a second
cell of the same line is hidden too (complementary suppression).

Tables are rendered with pandas' Styler into self-contained HTML (no external assets). Cells
that were suppressed carry the class ``suppressed`` and small cells shown because the report
published them carry the class ``published``, so a reader's stylesheet and the book's tests
can tell them apart.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Smallest and largest count that must not be shown at country level.
SMALL_MIN = 1
SMALL_MAX = 4
#: What a suppressed count shows.
SUPPRESSED = "<5"
#: What a cell hidden only to protect another (complementary suppression) shows: it is
#: not small itself, so showing it as "<5" would be false.
COMPLEMENTARY = "x"
#: What a percentage or other derived value shows when its count is suppressed.
WITHHELD = "–"

Cell = tuple[Hashable, Hashable]


class DisclosureError(ValueError):
    """A table cannot be made safe (e.g. counts that are not whole numbers)."""


def _check_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Return ``counts`` as integers, or raise naming the first offending cell."""
    numeric = counts.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() | (numeric < 0) | (numeric % 1 != 0)
    if bad.to_numpy().any():
        row, col = next((r, c) for r in bad.index for c in bad.columns if bool(bad.loc[r, c]))
        raise DisclosureError(
            f"counts table: cell (row {row!r}, column {col!r}) must be a whole number >= 0, "
            f"found {counts.loc[row, col]}"
        )
    return numeric.astype("int64")


def small_cells(counts: pd.DataFrame, exempt: Iterable[Cell] = ()) -> pd.DataFrame:
    """Return a boolean mask of the cells counting 1 to 4 that are not exempt.

    Zero is shown: an empty cell reveals nobody. Five and above are shown.
    """
    values = _check_counts(counts)
    mask = (values >= SMALL_MIN) & (values <= SMALL_MAX)
    for row, col in exempt:
        if row in mask.index and col in mask.columns:
            mask.loc[row, col] = False
    return mask


def complementary_cells(
    counts: pd.DataFrame,
    mask: pd.DataFrame,
    *,
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
    exempt: Iterable[Cell] = (),
) -> pd.DataFrame:
    """Extend ``mask`` so no suppressed cell can be recovered from a shown total.

    For every line (row or column) that has a total shown, if exactly one of its inner
    cells is hidden, the smallest other non-zero inner cell is hidden as well (a zero
    would not protect anything: its value is known once hidden cells are all that is
    left). Published (``exempt``) cells are never chosen as partners: hiding a number the
    report printed protects nothing. When no partner exists, the total itself is hidden,
    unless it is published too (then the hidden cell follows from published figures alone
    and nothing more can be done). Repeats until no line changes, because hiding a partner
    can expose another line.
    """
    values = _check_counts(counts)
    mask = mask.copy()
    public = set(exempt)
    inner_rows = [r for r in values.index if r != total_row]
    inner_cols = [c for c in values.columns if c != total_col]

    def lines() -> list[tuple[list[Cell], Cell]]:
        found: list[tuple[list[Cell], Cell]] = []
        if total_col is not None:
            found += [([(r, c) for c in inner_cols], (r, total_col)) for r in values.index]
        if total_row is not None:
            found += [([(r, c) for r in inner_rows], (total_row, c)) for c in values.columns]
        return found

    changed = True
    while changed:
        changed = False
        for cells, total in lines():
            if mask.loc[total]:
                continue
            hidden = [cell for cell in cells if mask.loc[cell]]
            if len(hidden) != 1:
                continue
            candidates = sorted(
                (int(values.loc[cell]), str(cell), cell)
                for cell in cells
                if not mask.loc[cell] and values.loc[cell] > 0 and cell not in public
            )
            if candidates:
                target = candidates[0][2]
            elif total not in public:
                target = total
            else:
                continue
            mask.loc[target] = True
            changed = True
    return mask


def suppress_counts(
    counts: pd.DataFrame,
    *,
    exempt: Iterable[Cell] = (),
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the counts as display strings with small cells hidden, and the hidden mask.

    Parameters
    ----------
    counts
        Whole-number counts of people, possibly with a total row and/or column.
    exempt
        ``(row, column)`` cells whose exact value the report already published.
    total_row, total_col
        Labels of the total row/column, if the table shows totals.

    Returns
    -------
    display, hidden
        ``display`` holds strings (``"<5"`` for a small cell, ``"x"`` for a cell hidden to
        protect one); ``hidden`` is the boolean mask of both.
    """
    values = _check_counts(counts)
    exempt = list(exempt)
    primary = small_cells(values, exempt)
    mask = complementary_cells(
        values, primary, total_row=total_row, total_col=total_col, exempt=exempt
    )
    display = values.astype(str).mask(mask, COMPLEMENTARY).mask(primary, SUPPRESSED)
    return display, mask


def published_cells(
    counts: pd.DataFrame,
    reference: pd.DataFrame,
    scope: str,
    ids: Mapping[Cell, str],
) -> set[Cell]:
    """Return the cells whose count equals the figure the report published for them.

    A cell is exempt from suppression only if a row of the reference table with the given
    ``id`` and ``scope`` publishes that exact number: as a count (``unit == "count"``), as
    the ``n`` behind a percentage, or as a percentage of a stated ``base`` that rounds to
    it (98% of 54 publishes 53). Matching by id rather than by value keeps an unrelated
    published 3 from exempting every 3 in a table.
    """
    values = _check_counts(counts)
    if reference is None or reference.empty:
        return set()
    ref = reference[reference["scope"] == scope].set_index("id")
    exempt: set[Cell] = set()
    for cell, ref_id in ids.items():
        if ref_id not in ref.index or cell[0] not in values.index:
            continue
        if cell[1] not in values.columns:
            continue
        row = ref.loc[ref_id]
        count = int(values.loc[cell])
        published = []
        if str(row.get("unit")) == "count":
            published.append(row.get("value"))
        published.append(row.get("n"))
        base = pd.to_numeric(pd.Series([row.get("base"), row.get("value")]), errors="coerce")
        if str(row.get("unit")) == "percent" and base.notna().all():
            published.append(round(float(base.iloc[1]) * float(base.iloc[0]) / 100))
        numbers = pd.to_numeric(pd.Series(published), errors="coerce").dropna()
        if (numbers == count).any():
            exempt.add(cell)
    return exempt


def format_percent(value: float, decimals: int = 0) -> str:
    """Format a 0-100 percentage for a table cell (``"58%"``); missing as a dash."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return WITHHELD
    return f"{value:.{decimals}f}%"


@dataclass
class Table:
    """A table ready to show: display strings, caption, note and what was hidden.

    Attributes
    ----------
    data
        The cells as they are shown (strings).
    caption
        What the table shows, without its number.
    hidden, published
        Boolean masks of suppressed cells and of small cells shown because published.
    note
        A note printed under the table.
    number
        The table number within the chapter.
    """

    data: pd.DataFrame
    caption: str
    hidden: pd.DataFrame | None = None
    published: pd.DataFrame | None = None
    note: str = ""
    number: int | None = None
    index_name: str = field(default="")
    show_index: bool = True

    @property
    def label(self) -> str:
        """Return ``"Table N: caption"`` (or the caption alone when not numbered)."""
        return self.caption if self.number is None else f"Table {self.number}: {self.caption}"

    def _classes(self) -> pd.DataFrame:
        classes = pd.DataFrame("", index=self.data.index, columns=self.data.columns)
        for mask, name in ((self.hidden, "suppressed"), (self.published, "published")):
            if mask is None:
                continue
            aligned = mask.reindex(index=self.data.index, columns=self.data.columns)
            classes = classes.mask(aligned.fillna(False).astype(bool), name)
        return classes

    def to_html(self) -> str:
        """Return the table as self-contained HTML (inline styles, no external assets)."""
        data = self.data.copy()
        data.index.name = self.index_name or data.index.name
        styler = data.style.set_caption(html.escape(self.label))
        if self.hidden is not None or self.published is not None:
            styler = styler.set_td_classes(self._classes())
        if not self.show_index:
            styler = styler.hide(axis="index")
        styler = styler.set_table_attributes('class="sp-table"').set_table_styles(
            [
                {"selector": "caption", "props": "caption-side: top; font-weight: bold;"},
                {"selector": "th", "props": "text-align: left; padding: 2px 8px;"},
                {"selector": "td", "props": "text-align: right; padding: 2px 8px;"},
                {"selector": "td.suppressed", "props": "color: #555555; font-style: italic;"},
            ]
        )
        # Styler makes random element ids by default; fixed ids keep builds byte-identical.
        styler.set_uuid("t" + hashlib.sha256(self.label.encode("utf-8")).hexdigest()[:10])
        body = styler.to_html()
        if self.note:
            body += f'<p class="sp-table-note">{html.escape(self.note)}</p>'
        return f'<div class="sp-table-wrap">{body}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<{self.label}>"


SUPPRESSION_NOTE = (
    f"{SUPPRESSED}: between one and four people, not shown to protect respondents; "
    f"{COMPLEMENTARY}: hidden so that a total cannot reveal such a cell; {WITHHELD}: not "
    "shown because its count is hidden."
)


TOTAL = "Total"


def count_table(
    counts: pd.DataFrame,
    *,
    caption: str,
    exempt: Iterable[Cell] = (),
    add_total: str | None = None,
    percent: str | None = None,
    percent_base: float | pd.Series | None = None,
    extra: pd.DataFrame | None = None,
    note: str = "",
    index_name: str = "",
) -> Table:
    """Return a :class:`Table` of counts of people with disclosure control applied.

    Parameters
    ----------
    counts
        Whole-number counts; column labels should end with ``"(n)"`` so a reader (and the
        book's tests) can tell counts from percentages.
    exempt
        Cells whose exact count the report published (see :func:`published_cells`).
    add_total
        ``"row"`` adds a ``Total`` row of column sums, ``"column"`` a ``Total (n)`` column
        of row sums; complementary suppression then protects the hidden cells from it.
    percent
        ``"total"``: each count as a share of its column's total row (needs
        ``add_total="row"``); ``"base"``: as a share of ``percent_base`` (a number, or one
        per column). A percentage is withheld whenever its count is hidden.
    extra
        Display columns appended as they are (e.g. the six-country percentages, computed
        from groups large enough to show).
    """
    values = _check_counts(counts)
    total_row = total_col = None
    if add_total == "row":
        values = pd.concat([values, values.sum().to_frame(TOTAL).T])
        total_row = TOTAL
    elif add_total == "column":
        values = values.assign(**{f"{TOTAL} (n)": values.sum(axis=1)})
        total_col = f"{TOTAL} (n)"
    elif add_total is not None:
        raise ValueError(f"add_total must be 'row', 'column' or None, found {add_total!r}")
    exempt = list(exempt)
    display, hidden = suppress_counts(
        values, exempt=exempt, total_row=total_row, total_col=total_col
    )
    shown_small = small_cells(values) & ~hidden
    if percent is not None:
        if percent == "total":
            if total_row is None:
                raise ValueError("percent='total' needs add_total='row'")
            base = values.loc[TOTAL].astype(float)
        elif percent == "base":
            base = (
                percent_base.astype(float)
                if isinstance(percent_base, pd.Series)
                else pd.Series(float(percent_base), index=values.columns)
            )
        else:
            raise ValueError(f"percent must be 'total', 'base' or None, found {percent!r}")
        shown: dict[Hashable, pd.Series] = {}
        hid: dict[Hashable, pd.Series] = {}
        pub: dict[Hashable, pd.Series] = {}
        for col in values.columns:
            shown[col], hid[col], pub[col] = display[col], hidden[col], shown_small[col]
            if col == total_col:
                continue
            label = str(col).replace("(n)", "").strip() + " (%)"
            col_base = base.get(col, np.nan)
            pct = (100 * values[col] / col_base if col_base > 0 else values[col] * np.nan).map(
                format_percent
            )
            shown[label] = pct.where(~hidden[col], WITHHELD)
            hid[label] = hidden[col]
            pub[label] = pd.Series(False, index=values.index)
        display, hidden, shown_small = pd.DataFrame(shown), pd.DataFrame(hid), pd.DataFrame(pub)
    if extra is not None:
        extra = extra.reindex(display.index).fillna("").astype(str)
        display = pd.concat([display, extra], axis=1)
        hidden = pd.concat(
            [hidden, pd.DataFrame(False, index=extra.index, columns=extra.columns)], axis=1
        )
        shown_small = pd.concat(
            [shown_small, pd.DataFrame(False, index=extra.index, columns=extra.columns)], axis=1
        )
    if hidden.to_numpy().any():
        note = f"{note} {SUPPRESSION_NOTE}".strip()
    return Table(
        data=display,
        caption=caption,
        hidden=hidden,
        published=shown_small,
        note=note,
        index_name=index_name,
    )


def stack_tables(parts: Mapping[str, Table], *, caption: str, note: str = "") -> Table:
    """Stack tables with the same columns under a first index level (one block per part).

    Used for a respondent profile: each characteristic is suppressed on its own, against
    its own total, and the blocks are then shown as one table.
    """
    data = pd.concat({key: part.data for key, part in parts.items()})
    hidden = pd.concat(
        {k: p.hidden if p.hidden is not None else p.data.ne(p.data) for k, p in parts.items()}
    )
    published = pd.concat(
        {k: p.published if p.published is not None else p.data.ne(p.data) for k, p in parts.items()}
    )
    if hidden.to_numpy().any():
        note = f"{note} {SUPPRESSION_NOTE}".strip()
    return Table(data=data, caption=caption, hidden=hidden, published=published, note=note)


def value_table(
    frame: pd.DataFrame, *, caption: str, note: str = "", index_name: str = ""
) -> Table:
    """Return a :class:`Table` of values that are not counts of people (e.g. percentages).

    Callers must only pass values computed from groups large enough to show, or already
    withheld; this function does no suppression of its own.
    """
    # A default 0..n-1 index means nothing to a reader: hide it.
    show_index = not isinstance(frame.index, pd.RangeIndex)
    return Table(
        data=frame.astype(str),
        caption=caption,
        note=note,
        index_name=index_name,
        show_index=show_index,
    )
