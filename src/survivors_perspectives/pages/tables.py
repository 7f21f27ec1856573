"""Styled tables for country-level results, with disclosure control applied.

A country sample of 49 to 91 frontline support workers is small enough that a cell of one
to four people can point at a colleague. The rule and its secondary suppression live in
:mod:`survivors_perspectives.disclosure` (re-exported here for the notebooks); a table made
by :func:`count_table` applies them and records every cell, total and percentage it shows
in the disclosure ledger, with whom it counts, for the whole-book audit.

Tables are rendered with pandas' Styler into self-contained HTML (no external assets). Cells
that were suppressed carry the class ``suppressed`` and small cells shown because the report
published them carry the class ``published``, so a reader's stylesheet and the book's tests
can tell them apart.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survivors_perspectives.disclosure import ledger
from survivors_perspectives.disclosure.policy import (
    COMPLEMENTARY,
    SMALL_MAX,
    SMALL_MIN,
    SUPPRESSED,
    WITHHELD,
    complement_is_small,
)
from survivors_perspectives.disclosure.suppression import (
    DisclosureError,
    check_counts,
    complementary_cells,
    published_cells,
    small_cells,
    suppress_counts,
)

__all__ = [
    "COMPLEMENTARY",
    "SMALL_MAX",
    "SMALL_MIN",
    "SUPPRESSED",
    "WITHHELD",
    "DisclosureError",
    "Table",
    "complementary_cells",
    "count_table",
    "frame_table",
    "published_cells",
    "small_cells",
    "stack_tables",
    "suppress_counts",
    "value_table",
]

Cell = tuple[Hashable, Hashable]
#: Rows of the data behind each inner cell of a counts table: ``members(row, column)``
#: returns the respondents (or participants) that cell counts, so the cell can be recorded
#: in the disclosure ledger with whom it counts.
Members = Callable[[Hashable, Hashable], pd.DataFrame]


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
        """Return each cell's classes: ``sp-num`` in a column of numbers, then why it is marked."""
        classes = pd.DataFrame("", index=self.data.index, columns=self.data.columns)
        for column in numeric_columns(self.data):
            classes[column] = "sp-num"
        for mask, name in ((self.hidden, "suppressed"), (self.published, "published")):
            if mask is None:
                continue
            aligned = mask.reindex(index=self.data.index, columns=self.data.columns)
            marked = aligned.fillna(False).astype(bool)
            classes = classes.mask(marked, (classes + " " + name).map(str.strip))
        return classes

    def to_html(self) -> str:
        """Return the table as self-contained HTML (inline styles, no external assets)."""
        data = self.data.copy()
        data.index.name = self.index_name or data.index.name
        names = [None if n is None else str(n) for n in data.index.names]
        styler = data.style.set_caption(html.escape(self.label))
        styler = styler.set_td_classes(self._classes())
        if not self.show_index:
            styler = styler.hide(axis="index")
            names = []
        # The index's names go in the header row's corner, not in a row of their own.
        styler = styler.hide(axis="index", names=True)
        styler = styler.set_table_attributes('class="sp-table"').set_table_styles(
            [
                {"selector": "caption", "props": "caption-side: top; font-weight: bold;"},
                {"selector": "th", "props": "text-align: left; padding: 2px 8px;"},
                # Words read from the left, numbers line up on the right.
                {"selector": "td", "props": "text-align: left; padding: 2px 8px;"},
                {
                    "selector": "td.sp-num",
                    "props": "text-align: right; font-variant-numeric: tabular-nums;",
                },
                {"selector": "td.suppressed", "props": "color: #555555; font-style: italic;"},
            ]
        )
        # Styler makes random element ids by default; fixed ids keep builds byte-identical.
        styler.set_uuid("t" + hashlib.sha256(self.label.encode("utf-8")).hexdigest()[:10])
        body = header_corner(styler.to_html(), names)
        if self.note:
            body += f'<p class="sp-table-note">{html.escape(self.note)}</p>'
        # A wide table scrolls inside its frame: focusable and named, so a keyboard can scroll it.
        return (
            f'<div class="sp-table-wrap" role="region" tabindex="0" '
            f'aria-label="{html.escape(self.label)}">{body}</div>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<{self.label}>"


#: A cell a number column may hold: a count, share or statistic as printed, or a marker.
_NUMBER_CELL = re.compile(
    r"^\s*(?:[<>≤≥~]?\s*[-−+]?\d[\d,]*(?:\.\d+)?\s*%?(?:\s*of\s*\d+)?|<5|x|–|—|-)?\s*$"
)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is not missing
        return False


def numeric_columns(data: pd.DataFrame) -> list[Hashable]:
    """Return the columns whose every cell is a number as printed (or a marker, or empty)."""
    return [
        column
        for column in data.columns
        if data[column]
        .map(lambda value: _is_missing(value) or bool(_NUMBER_CELL.match(str(value))))
        .all()
    ]


_CORNER = re.compile(r'<th class="blank(?: level\d+)?" >&nbsp;</th>')
_EMPTY_HEADER = re.compile(r"<th([^>]*)>(?:&nbsp;|\s*)</th>")


def header_corner(table_html: str, names: list[str | None]) -> str:
    """Return Styler HTML with no empty header cell: index names in the corner, else a ``td``.

    Styler puts the index's name in a header row of its own, with an empty header cell
    over every column, and leaves the corner above the row headers as an empty header cell.
    A screen reader announces each empty header cell as a nameless header (axe-core's
    ``empty-table-header``) and a reader sees a blank row. Given the rendering with the
    names row hidden, this writes each index level's name into its corner cell (as a column
    header) and turns every header cell still empty into a plain data cell.
    """
    corners = iter(enumerate(names))

    def corner(match: re.Match) -> str:
        level, name = next(corners)
        if name:
            return f'<th class="index_name level{level}" scope="col">{html.escape(name)}</th>'
        return match.group(0)

    named = _CORNER.sub(corner, table_html, count=len(names))
    return _EMPTY_HEADER.sub(r"<td\1></td>", named)


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
    members: Members | None = None,
    base_members: Callable[[Hashable], pd.DataFrame] | None = None,
    population: int | None = None,
    hide: Iterable[Cell] = (),
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
        of row sums; secondary suppression then protects the hidden cells from it.
    percent
        ``"total"``: each count as a share of its column's total row (needs
        ``add_total="row"``); ``"base"``: as a share of ``percent_base`` (a number, or one
        per column), the base a note under the table states. A percentage is withheld
        whenever its count or its base is hidden. With ``"base"``, a count whose complement
        in the base is 1 to 4 is hidden too (``"x"``): the two together would reveal it.
    extra
        Display columns appended as they are (e.g. the six-country percentages, computed
        from groups large enough to show).
    members, base_members
        ``members(row, column)``: the rows of the data an inner cell counts;
        ``base_members(column)``: the rows of a column's base (``percent="base"``). Given,
        every cell, total and percentage shown is recorded in the disclosure ledger.
    population
        The size of the group the table is about (a country's respondents), shown
        elsewhere: a cell or total whose rest in it is 1 to 4 is hidden (``"x"``) too, and
        a total is never hidden as a partner (the group's other tables may show it).
    hide
        Cells to hide as partners (``"x"``) beyond what this table alone needs: the
        study-wide plan's (:mod:`survivors_perspectives.disclosure.plan`), so that a
        whole-study total minus the other chapters' cells cannot give a hidden one back.
    """
    values = check_counts(counts)
    inner_rows, inner_cols = list(values.index), list(values.columns)
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
        values,
        exempt=exempt,
        total_row=total_row,
        total_col=total_col,
        totals_known=population is not None,
        hide=hide,
    )
    if population is not None:
        everywhere = pd.Series(float(population), index=values.columns)
        _hide_small_complements(values, everywhere, display, hidden, set(exempt))
    shown_small = small_cells(values) & ~hidden
    base = None
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
            _hide_small_complements(values, base, display, hidden, set(exempt))
        else:
            raise ValueError(f"percent must be 'total', 'base' or None, found {percent!r}")
    cell_rows = _cell_rows(members, inner_rows, inner_cols, total_row, total_col)
    if cell_rows:
        _record_counts(caption, cell_rows, display, set(exempt))
        _record_lines(caption, cell_rows, inner_rows, inner_cols, total_row, total_col)
    if base is not None:
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
            # A percentage of a hidden total would give the total back; so would one of a
            # base that is all but 1 to 4 of the group the table is about.
            base_hidden = percent == "total" and bool(hidden.loc[TOTAL, col])
            if percent == "base" and population is not None and pd.notna(col_base):
                base_hidden = base_hidden or complement_is_small(col_base, population)
            withheld = hidden[col] | base_hidden
            shown[label] = pct.where(~withheld, WITHHELD)
            hid[label] = withheld
            pub[label] = pd.Series(False, index=values.index)
            if cell_rows:
                _record_shares(caption, label, col, cell_rows, shown[label], base_members)
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


def _hide_small_complements(
    values: pd.DataFrame, base: pd.Series, display: pd.DataFrame, hidden: pd.DataFrame, public
) -> None:
    """Hide each shown count whose complement in its column's base is 1 to 4.

    Shown as ``WITHHELD``, not ``"x"``: in a small base, "five or more" would itself narrow
    the small complement.
    """
    for col in values.columns:
        col_base = base.get(col, np.nan)
        if pd.isna(col_base):
            continue
        for row in values.index:
            cell = (row, col)
            if hidden.loc[cell] or cell in public:
                continue
            if complement_is_small(values.loc[cell], col_base):
                display.loc[cell] = WITHHELD
                hidden.loc[cell] = True


def _cell_rows(members, inner_rows, inner_cols, total_row, total_col) -> dict:
    """Return the rows of the data behind every cell of the table (totals: their union)."""
    if members is None:
        return {}
    found = {(r, c): members(r, c) for r in inner_rows for c in inner_cols}

    def union(frames: list[pd.DataFrame]) -> pd.DataFrame:
        frame = pd.concat(frames)
        return frame[~frame[ledger.id_column(frame)].duplicated()]

    if total_row is not None:
        for c in inner_cols:
            found[(total_row, c)] = union([found[(r, c)] for r in inner_rows])
    if total_col is not None:
        for r in inner_rows:
            found[(r, total_col)] = union([found[(r, c)] for c in inner_cols])
    if total_row is not None and total_col is not None:
        found[(total_row, total_col)] = union(
            [found[(r, c)] for r in inner_rows for c in inner_cols]
        )
    return found


def _record_counts(caption: str, cell_rows: dict, display: pd.DataFrame, public: set) -> None:
    ledger.record(
        ledger.count_entry(
            f"table '{caption}', row '{row}', column '{col}'",
            rows,
            display.loc[row, col],
            published=(row, col) in public,
        )
        for (row, col), rows in cell_rows.items()
    )


def _record_lines(caption, cell_rows, inner_rows, inner_cols, total_row, total_col) -> None:
    """Record that each line's total is the sum of its cells (a reader knows it adds up)."""
    lines = []
    if total_row is not None:
        lines += [((total_row, c), [(r, c) for r in inner_rows]) for c in inner_cols]
    if total_col is not None:
        lines += [((r, total_col), [(r, c) for c in inner_cols]) for r in inner_rows]
    if total_row is not None and total_col is not None:
        lines.append(((total_row, total_col), [(total_row, c) for c in inner_cols]))
    ledger.record(
        ledger.partition_entry(
            f"table '{caption}', line of '{total[0] if total[0] != total_row else total[1]}'",
            cell_rows[total],
            [cell_rows[cell] for cell in cells],
        )
        for total, cells in lines
    )


def _record_shares(caption, label, col, cell_rows, shown: pd.Series, base_members) -> None:
    column_total = cell_rows.get((TOTAL, col))
    for (row, cell_col), rows in cell_rows.items():
        if cell_col != col or row not in shown.index:
            continue
        base = base_members(col) if base_members is not None else column_total
        if base is None:
            continue
        ledger.record(
            ledger.share_entry(
                f"table '{caption}', row '{row}', column '{label}'", rows, base, shown.loc[row]
            )
        )
        if base_members is None:
            continue
        # Against a stated base (not a partition of the column), the people outside the cell
        # form a group too (those who did not choose an option): keep it protected.
        ids = ledger.id_column(base)
        rest = base[~base[ids].isin(rows[ids])]
        where = f"table '{caption}', row '{row}', column '{label}'"
        ledger.record(
            [
                ledger.category_entry(f"{where} (the rest of its base)", rest),
                ledger.partition_entry(f"{where} (its base)", base, [rows, rest]),
            ]
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


def frame_table(output: object, *, caption: str, note: str = "") -> Table:
    """Return a computed frame (or series, or styler) as a captioned :class:`Table`.

    For frames a chapter or lesson shows as they are: values that are not counts of people
    to suppress (or already suppressed). Numbers are shown as the auditors' tables show them
    (integers as integers, no ``nan``:
    :func:`survivors_perspectives.pages.auditor_tables.format_auto`), with as many decimals in
    a column of decimals as its longest value needs; text is kept whole.
    """
    from pandas.io.formats.style import Styler

    from survivors_perspectives.pages.auditor_tables import format_auto

    frame = output.data if isinstance(output, Styler) else output
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"frame_table {caption!r}: expected a pandas frame, series or styler, "
            f"found {type(output).__name__}"
        )
    shown = frame.map(lambda v: v if isinstance(v, str) else format_auto(v))
    for column in frame.columns[[pd.api.types.is_float_dtype(t) for t in frame.dtypes]]:
        # One number of decimals per column, so the decimal points line up (22.0 under 12.1).
        places = max((len(t.partition(".")[2]) for t in shown[column]), default=0)
        shown[column] = [
            t if pd.isna(v) else f"{v:.{places}f}"
            for v, t in zip(frame[column], shown[column], strict=True)
        ]
    return value_table(shown, caption=caption, note=note)


#: A column or index name in the code's terms (``ci_low``, ``one_on_one``).
CODE_NAME = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")
#: An id: lower-case words joined by dots (``profile.gender.by_country.chi2``,
#: ``survivors_perspectives.stats.crosstab``, ``sample.completed.count.bosnia-and-herzegovina``).
DOTTED_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+$")
#: The header shown over an id the table keeps for an auditor.
ID_HEADER = "Id"
#: Code names whose words alone would not say what the column holds.
HEADER_WORDS = {
    "id": ID_HEADER,
    "ci_low": "95% interval from",
    "ci_high": "95% interval to",
    "p_reported": "p as printed",
    "p_adjusted": "p, Holm-adjusted",
}


#: Headers that are symbols, kept in lower case (``n``, ``p as printed``).
SYMBOLS = frozenset({"n", "df", "p", "sd", "sha256"})


def header_words(name: object) -> object:
    """Return a header or row label in words: ``ci_low`` -> ``95% interval from``.

    ``one_on_one`` becomes ``One on one`` and ``remote`` ``Remote`` (a label opens with a
    capital, as the book's own labels do), unless it opens with a symbol (:data:`SYMBOLS`).
    Names in the code's terms (:data:`CODE_NAME`) become words, names listed in
    :data:`HEADER_WORDS` their listed words; a number, a country or an id stays as it is.
    """
    if not isinstance(name, str):
        return name
    if name in HEADER_WORDS:
        return HEADER_WORDS[name]
    if CODE_NAME.match(name):
        from survivors_perspectives.pages.auditor_tables import humanise

        return humanise(name)
    if name[:1].islower() and name.split(" ")[0] not in SYMBOLS and not DOTTED_ID.match(name):
        return name[:1].upper() + name[1:]
    return name


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with headers and row labels in words, its values untouched.

    An index level holding ids (:data:`DOTTED_ID`, e.g. the reference table's ids) becomes a
    column headed :data:`ID_HEADER`, first, so an auditor can still find each row; code names
    in column headers, index names and row labels become words (:func:`header_words`).
    """
    out = frame.copy()
    levels = [
        level
        for level in range(out.index.nlevels)
        if len(out)
        and all(
            isinstance(v, str) and DOTTED_ID.match(v) for v in out.index.get_level_values(level)
        )
    ]
    if levels:
        names = [out.index.names[level] for level in levels]
        ids = [out.index.get_level_values(level) for level in levels]
        out = (
            out.reset_index(level=levels, drop=True)
            if out.index.nlevels > len(levels)
            else (out.reset_index(drop=True))
        )
        for position, (name, values) in enumerate(zip(names, ids, strict=True)):
            header = ID_HEADER if len(levels) == 1 else f"{ID_HEADER} ({header_words(name)})"
            out.insert(position, header, list(values))
    out = out.rename(columns=header_words)
    if not isinstance(out.index, pd.RangeIndex):
        # Renaming a RangeIndex makes it a plain one, and a plain index of 0..n-1 would be
        # shown as row headers a reader cannot use.
        out = out.rename(index=header_words)
    out.columns.names = [header_words(n) for n in out.columns.names]
    out.index.names = [header_words(n) for n in out.index.names]
    return out


def value_table(
    frame: pd.DataFrame, *, caption: str, note: str = "", index_name: str = ""
) -> Table:
    """Return a :class:`Table` of values that are not counts of people (e.g. percentages).

    Callers must only pass values computed from groups large enough to show, or already
    withheld; this function does no suppression of its own. Headers and row labels are put
    in words (:func:`readable`); ids stay in a column headed "Id".
    """
    frame = readable(frame)
    # A default 0..n-1 index means nothing to a reader: hide it.
    show_index = not isinstance(frame.index, pd.RangeIndex)
    return Table(
        data=frame.astype(str),
        caption=caption,
        note=note,
        index_name=index_name,
        show_index=show_index,
    )
