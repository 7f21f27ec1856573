"""Primary and secondary suppression of one table of counts, checked by its interval audit.

:func:`suppress_counts` hides the small cells (:mod:`.policy`), then hides partners until
the table alone leaves every hidden small count an interval of at least
:data:`~.policy.PROTECTION_WIDTH`, computed by :mod:`.attack` from the shown cells, the
shown totals and what ``"<5"`` and ``"x"`` reveal. The familiar rule "a line with a shown
total may not hide exactly one cell" is its first step, not its test: two hidden cells can
still be pinned (a column showing 24, 10, <5, <5, 26 with total 68 leaves 8 for the two
hidden cells, so both are 4; two hidden cells adding up to 2 are both 1). Pages are then
checked together by :mod:`.audit`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import pandas as pd

from survivors_perspectives.disclosure import attack
from survivors_perspectives.disclosure.policy import (
    COMPLEMENTARY,
    PROTECTION_WIDTH,
    REVEALED,
    SMALL_MAX,
    SMALL_MIN,
    SUPPRESSED,
    WITHHELD,
)

Cell = tuple[Hashable, Hashable]


class DisclosureError(ValueError):
    """A table cannot be made safe (e.g. counts that are not whole numbers)."""


def check_counts(counts: pd.DataFrame) -> pd.DataFrame:
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
    values = check_counts(counts)
    mask = (values >= SMALL_MIN) & (values <= SMALL_MAX)
    for row, col in exempt:
        if row in mask.index and col in mask.columns:
            mask.loc[row, col] = False
    return mask


def _lines(
    values: pd.DataFrame, total_row: Hashable | None, total_col: Hashable | None
) -> list[tuple[list[Cell], Cell]]:
    """Return each line (row or column) with a total: its inner cells and its total cell."""
    inner_rows = [r for r in values.index if r != total_row]
    inner_cols = [c for c in values.columns if c != total_col]
    found: list[tuple[list[Cell], Cell]] = []
    if total_col is not None:
        found += [([(r, c) for c in inner_cols], (r, total_col)) for r in values.index]
    if total_row is not None:
        found += [([(r, c) for r in inner_rows], (total_row, c)) for c in values.columns]
    return found


def _choose_partner(
    values: pd.DataFrame,
    mask: pd.DataFrame,
    cells: list[Cell],
    total: Cell,
    public: set,
    totals_known: bool = False,
) -> Cell | None:
    """Return the cell to hide beside a line's hidden ones: its smallest eligible cell.

    A zero would not protect anything (its value is known once hidden), a published cell
    neither; when no inner cell qualifies, the line's total is hidden instead.
    """
    candidates = sorted(
        (int(values.loc[cell]), str(cell), cell)
        for cell in cells
        if not mask.loc[cell] and values.loc[cell] > 0 and cell not in public
    )
    if candidates:
        return candidates[0][2]
    if not mask.loc[total] and total not in public and not totals_known:
        return total
    return None


def complementary_cells(
    counts: pd.DataFrame,
    mask: pd.DataFrame,
    *,
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
    exempt: Iterable[Cell] = (),
) -> pd.DataFrame:
    """Extend ``mask`` so no line with a shown total hides exactly one cell.

    The first, quick step of secondary suppression (a single hidden cell is the total
    minus the rest); repeats until no line changes, because hiding a partner can expose
    another line. :func:`suppress_counts` then checks the result by interval audit.
    """
    values = check_counts(counts)
    mask = mask.copy()
    public = set(exempt)
    changed = True
    while changed:
        changed = False
        for cells, total in _lines(values, total_row, total_col):
            if mask.loc[total]:
                continue
            if sum(bool(mask.loc[cell]) for cell in cells) != 1:
                continue
            target = _choose_partner(values, mask, cells, total, public)
            if target is not None:
                mask.loc[target] = True
                changed = True
    return mask


def table_intervals(
    counts: pd.DataFrame,
    display: pd.DataFrame,
    *,
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
    totals_known: bool = False,
    only: Iterable[Cell] | None = None,
    integer_below: float | None = None,
) -> dict[Cell, tuple[float, float]]:
    """Return the interval a reader of this one table can infer for each hidden cell.

    The unknowns are the inner cells; a shown cell is known, a hidden one is bounded by what
    its display reveals (``"<5"``: 1 to 4; ``"x"``: five or more), and each line sums to its
    total (known when shown, bounded by its display when hidden; known in any case with
    ``totals_known``, for a table whose totals other tables of the page may show).
    ``only`` limits the answer to those hidden cells (a caller trying partners asks about
    one cell many times); ``integer_below`` is passed to :func:`.attack.intervals` (whole
    people, as the book's audit counts them).
    """
    values = check_counts(counts)
    inner = [
        (r, c) for r in values.index if r != total_row for c in values.columns if c != total_col
    ]
    position = {cell: j for j, cell in enumerate(inner)}
    system = attack.LinearSystem(len(inner))

    def known(cell: Cell, total: bool = False) -> tuple[float, float]:
        if total and totals_known:
            return float(values.loc[cell]), float(values.loc[cell])
        shown = str(display.loc[cell])
        if shown == WITHHELD:
            return 0.0, math.inf
        return REVEALED.get(shown, (float(values.loc[cell]), float(values.loc[cell])))

    for cell in inner:
        system.add({position[cell]: 1}, *known(cell))
    for cells, total in _lines(values, total_row, total_col):
        if all(cell in position for cell in cells):  # the line of totals adds nothing new
            system.add({position[cell]: 1 for cell in cells}, *known(total, True))
    if total_row is not None and total_col is not None:
        system.add({j: 1 for j in range(len(inner))}, *known((total_row, total_col), True))
    hidden = [cell for cell in inner if str(display.loc[cell]) in (*REVEALED, WITHHELD)]
    if only is not None:
        wanted = set(only)
        hidden = [cell for cell in hidden if cell in wanted]
    found = attack.intervals(
        system, [{position[cell]: 1} for cell in hidden], integer_below=integer_below
    )
    return dict(zip(hidden, found, strict=True))


def _display(
    values: pd.DataFrame,
    primary: pd.DataFrame,
    mask: pd.DataFrame,
    blank: pd.DataFrame | None = None,
) -> pd.DataFrame:
    shown = values.astype(str).mask(mask, COMPLEMENTARY).mask(primary, SUPPRESSED)
    return shown if blank is None else shown.mask(blank, WITHHELD)


def _blank_lines(
    values: pd.DataFrame,
    mask: pd.DataFrame,
    blank: pd.DataFrame,
    cell: Cell,
    total_row: Hashable | None,
    total_col: Hashable | None,
) -> bool:
    """Show every hidden cell of ``cell``'s lines as withheld; True if anything changed.

    The last resort of secondary suppression, for a line with nothing left to hide (its
    total known from another table, its other cells hidden or zero): a withheld cell
    reveals no range, so the line's hidden cells share its total in any proportion.
    """
    changed = False
    for cells, total in _lines(values, total_row, total_col):
        if cell not in cells:
            continue
        for other in [*cells, total]:
            if mask.loc[other] and not blank.loc[other]:
                blank.loc[other] = True
                changed = True
    return changed


def suppress_counts(
    counts: pd.DataFrame,
    *,
    exempt: Iterable[Cell] = (),
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
    totals_known: bool = False,
    hide: Iterable[Cell] = (),
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
    totals_known
        The totals are known to a reader even if hidden here (another table of the page
        counts the same group): they are never hidden as partners, and the check assumes
        them known.
    hide
        Cells hidden from the start as partners (``"x"``) whatever this table needs: the
        cells a study-wide plan (:mod:`.plan`) hides so that a total spanning several
        tables (the whole study's count of a category) cannot give a hidden one back.

    Returns
    -------
    display, hidden
        ``display`` holds strings (``"<5"`` for a small cell, ``"x"`` for a cell hidden to
        protect one); ``hidden`` is the boolean mask of both. Every ``"<5"`` cell is left an
        interval of at least :data:`PROTECTION_WIDTH` by the table's own numbers, where
        hiding more cells can achieve it.
    """
    values = check_counts(counts)
    exempt = list(exempt)
    public = set(exempt)
    primary = small_cells(values, exempt)
    forced = primary.copy()
    for cell in hide:
        if cell[0] in forced.index and cell[1] in forced.columns and cell not in public:
            forced.loc[cell] = True
    mask = complementary_cells(
        values, forced, total_row=total_row, total_col=total_col, exempt=exempt
    )
    lines = _lines(values, total_row, total_col)
    if not lines or not primary.to_numpy().any():
        return _display(values, primary, mask), mask
    stuck: set[Cell] = set()
    blank = pd.DataFrame(False, index=values.index, columns=values.columns)
    while True:
        display = _display(values, primary, mask, blank)
        narrow = [
            cell
            for cell, (lo, hi) in table_intervals(
                values,
                display,
                total_row=total_row,
                total_col=total_col,
                totals_known=totals_known,
            ).items()
            if primary.loc[cell] and hi - lo < PROTECTION_WIDTH and cell not in stuck
        ]
        if not narrow:
            return display, mask
        cell = narrow[0]
        partner = None
        for cells, total in lines:
            if cell in cells and (totals_known or not mask.loc[total]):
                partner = _choose_partner(values, mask, cells, total, public, totals_known)
                if partner is not None:
                    break
        if partner is None:
            # Nothing left to hide beside it: the markers themselves give it away ("<5"
            # is 1 to 4, "x" five or more), so its lines say only "withheld" from now on.
            before = blank.copy()
            if _blank_lines(values, mask, blank, cell, total_row, total_col):
                lo, hi = table_intervals(
                    values,
                    _display(values, primary, mask, blank),
                    total_row=total_row,
                    total_col=total_col,
                    totals_known=totals_known,
                )[cell]
                if hi - lo >= PROTECTION_WIDTH:
                    continue
                # Pinned by shown or published cells whatever the markers say: keep them.
                blank.loc[:, :] = before
            stuck.add(cell)
            continue
        mask.loc[partner] = True


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
    values = check_counts(counts)
    if reference is None or reference.empty:
        return set()
    ref = reference[reference["scope"] == scope].set_index("id")
    exempt: set[Cell] = set()
    for cell, ref_id in ids.items():
        if ref_id not in ref.index or cell[0] not in values.index:
            continue
        if cell[1] not in values.columns:
            continue
        if int(values.loc[cell]) in published_counts(ref.loc[ref_id]):
            exempt.add(cell)
    return exempt


def published_counts(row: pd.Series) -> set[int]:
    """Return the counts of people a reference row publishes (none, one or two).

    As a count (``unit == "count"``), as the ``n`` behind a percentage, or as a percentage
    of a stated ``base`` (98% of 54 publishes 53).
    """
    numbers = []
    if str(row.get("unit")) == "count":
        numbers.append(row.get("value"))
    numbers.append(row.get("n"))
    base = pd.to_numeric(pd.Series([row.get("base"), row.get("value")]), errors="coerce")
    if str(row.get("unit")) == "percent" and base.notna().all():
        numbers.append(round(float(base.iloc[1]) * float(base.iloc[0]) / 100))
    found = pd.to_numeric(pd.Series(numbers, dtype=object), errors="coerce").dropna()
    return {int(v) for v in found if float(v).is_integer()}
