"""A study-wide partner plan: what the chapters hide so no whole-study total gives a count back.

Why
---
Each country chapter suppresses its profile tables on its own (:mod:`.suppression`): a
hidden count of 1 to 4 is protected against the chapter's own column total. But the same
category is counted for the whole study too, and that count is public: the report printed
every profile category's whole-study count, and the book shows each as a share of all
respondents and in the course. The six chapters' cells of one category add up to it, so a
category hidden by one country alone is the whole-study count minus the five shown cells.
Peru's chapter hid its "No tertiary degree" with its Master's degrees as partner; 159 minus
the other five countries' Master's gave the partner back, and Peru's total then the hidden
count. No chapter can see this, since none sees the others; the plan does, from the whole
frame, before any chapter is made.

How
---
For one profile question the countries' counts form a two-way table, categories by
countries, whose margins a reader knows: each column sums to the country's size, each row
to the whole-study count of the category (published, or shown; the plan assumes every one
is known). The plan starts from what each chapter hides on its own (``display``: the
chapter's own column, made by the chapter's own code), computes by linear programming
(:func:`.suppression.table_intervals`, in whole people as the book's audit does) the interval
a reader of all six chapters can infer for each hidden count of 1 to 4, and for the first
one narrower than :data:`.policy.PROTECTION_WIDTH` (categories in order, then countries in
order) hides more cells. Then it asks the chapters again (a chapter given more partners may
need fewer of its own) until no hidden small count is narrow. The cells it adds only ever
grow, so it ends.

The partner rule
----------------
A hidden cell ``(k, c)`` can move, with every row and column keeping its sum, only if the
cells around a rectangle ``(k, c)``, ``(k, b)``, ``(j, b)``, ``(j, c)`` move with it, one up and
one down: the least pattern of secondary suppression in a table with both margins known.
Of the rectangles through the narrow cell whose hiding widens it, the plan hides the one
that

1. hides the fewest new cells (often one: another country's cell in the same category,
   where both countries already hide another category),
2. then the fewest people (the smallest newly hidden counts),
3. then comes first by country order, then by category order.

A new partner is never zero, never a published count and never small (a shown small count
is a published one), so ``"x"`` still means five or more. A cell no rectangle widens is
listed in :attr:`Plan.unprotected`; the build's audit then names it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from survivors_perspectives.disclosure.policy import (
    COMPLEMENTARY,
    PROTECTION_WIDTH,
    REVEALED,
    SUPPRESSED,
    WITHHELD,
    is_small,
)
from survivors_perspectives.disclosure.suppression import check_counts, table_intervals

Cell = tuple[Hashable, Hashable]
#: ``display(group, hidden)``: the group's column as its own page shows it (display strings
#: indexed by category) when the plan asks it to hide the categories ``hidden`` as well.
Display = Callable[[Hashable, frozenset], pd.Series]

#: Label of the margins in the two-way table (chosen not to clash with any category).
_TOTAL = "__whole__"


@dataclass(frozen=True)
class Plan:
    """The cells a study-wide plan hides, by (line, group): e.g. ``("education", "Peru")``.

    Attributes
    ----------
    added
        Categories the plan asks a group's table to hide beyond its own suppression.
    hidden
        Every category the group's table then hides (its own and the plan's).
    unprotected
        ``(line, category, group)`` of hidden small counts no partner could widen.
    """

    added: Mapping[tuple[str, Hashable], frozenset] = field(default_factory=dict)
    hidden: Mapping[tuple[str, Hashable], frozenset] = field(default_factory=dict)
    unprotected: tuple[tuple[str, Hashable, Hashable], ...] = ()

    def hide(self, line: str, group: Hashable) -> frozenset:
        """Return the categories the plan adds to ``group``'s table of ``line``."""
        return self.added.get((line, group), frozenset())

    def hides(self, line: str, group: Hashable, category: Hashable) -> bool:
        """Return True when ``group``'s table of ``line`` hides ``category`` (own or plan's)."""
        return category in self.hidden.get((line, group), frozenset())

    @property
    def cost(self) -> int:
        """Return how many cells the plan hides beyond the chapters' own suppression."""
        return sum(len(cells) for cells in self.added.values())

    def merge(self, other: Plan) -> Plan:
        """Return this plan with ``other``'s lines added (plans of different lines)."""
        return Plan(
            {**self.added, **other.added},
            {**self.hidden, **other.hidden},
            self.unprotected + other.unprotected,
        )


#: No plan: every chapter on its own (what the book did before the plan; kept for tests).
NO_PLAN = Plan()


def _is_hidden(shown: object) -> bool:
    return str(shown) in (*REVEALED, WITHHELD)


def _with_margins(values: pd.DataFrame, grid: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the two-way table and its display with both margins, known to the reader."""
    full = values.copy()
    full[_TOTAL] = full.sum(axis=1)
    full.loc[_TOTAL] = full.sum(axis=0)
    shown = grid.astype(str).reindex(index=full.index, columns=full.columns)
    shown[_TOTAL] = full[_TOTAL].astype(str)
    shown.loc[_TOTAL] = full.loc[_TOTAL].astype(str)
    return full, shown


def _intervals(values, grid, only=None) -> dict[Cell, tuple[float, float]]:
    full, shown = _with_margins(values, grid)
    return table_intervals(
        full,
        shown,
        total_row=_TOTAL,
        total_col=_TOTAL,
        totals_known=True,
        only=only,
        integer_below=PROTECTION_WIDTH + 1,
    )


def narrow_cells(values: pd.DataFrame, grid: pd.DataFrame, skip: Iterable[Cell] = ()) -> list[Cell]:
    """Return the hidden small cells of the two-way table a reader narrows, in plan order.

    ``values``: counts, categories by groups; ``grid``: the same cells as the groups' pages
    show them. Both margins are taken as known.
    """
    skip = set(skip)
    found = _intervals(values, grid)
    narrow = [
        (k, g)
        for k in values.index
        for g in values.columns
        if _protects(values, grid, (k, g))
        and (k, g) not in skip
        and found[(k, g)][1] - found[(k, g)][0] < PROTECTION_WIDTH
    ]
    # Small cells first: their partners often widen a large cell that is all but a few of its
    # group too (its rest is those small cells), at no further cost.
    return sorted(narrow, key=lambda cell: str(grid.loc[cell]) != SUPPRESSED)


def _protects(values: pd.DataFrame, grid: pd.DataFrame, cell: Cell) -> bool:
    """Return True when pinning the hidden ``cell`` would give a count of 1 to 4 back.

    A hidden small count (``<5``) is one; so is any hidden cell that is all but 1 to 4 of its
    group (Albania's 8 of 12 with up to 5 years' experience: pinning it gives the other 4,
    which the overview's "the rest" and the chapter protect as a group).
    """
    shown = str(grid.loc[cell])
    if shown == SUPPRESSED:
        return True
    rest = int(values[cell[1]].sum()) - int(values.loc[cell])
    return _is_hidden(shown) and is_small(rest)


def _narrow_alone(values: pd.DataFrame, shown: pd.DataFrame) -> list[Hashable]:
    """Return the hidden small categories of one group's column its own total narrows."""
    full = pd.concat([values, values.sum().to_frame(_TOTAL).T])
    display = pd.concat([shown.astype(str), full.loc[[_TOTAL]].astype(str)])
    found = table_intervals(
        full, display, total_row=_TOTAL, totals_known=True, integer_below=PROTECTION_WIDTH + 1
    )
    return [
        cell[0]
        for cell, (lo, hi) in found.items()
        if cell[0] != _TOTAL and _protects(values, shown, cell) and hi - lo < PROTECTION_WIDTH
    ]


def _rectangles(values: pd.DataFrame, grid: pd.DataFrame, cell: Cell, public: set):
    """Yield the new cells of each rectangle through ``cell``, cheapest first (the rule)."""
    k, c = cell
    groups, categories = list(values.columns), list(values.index)
    found = []
    for b in groups:
        for j in categories:
            if b == c or j == k:
                continue
            corners = [(k, b), (j, b), (j, c)]
            new = [x for x in corners if not _is_hidden(grid.loc[x])]
            if not new or any(values.loc[x] <= 0 or x in public for x in new):
                continue
            cost = (len(new), int(sum(values.loc[x] for x in new)), groups.index(b))
            found.append((*cost, categories.index(j), new))
    for *_key, new in sorted(found, key=lambda item: item[:4]):
        yield new


def partners_for(
    values: pd.DataFrame, grid: pd.DataFrame, cell: Cell, public: Iterable[Cell] = ()
) -> list[Cell] | None:
    """Return the cells to hide so that ``cell`` is no longer narrow (None: none will do)."""
    public = set(public)
    for new in _rectangles(values, grid, cell, public):
        trial = grid.copy()
        for x in new:
            trial.loc[x] = COMPLEMENTARY
        lo, hi = _intervals(values, trial, only=[cell])[cell]
        if hi - lo >= PROTECTION_WIDTH:
            return new
    return None


def plan_line(
    line: str,
    counts: pd.DataFrame,
    display: Display,
    exempt: Iterable[Cell] = (),
) -> Plan:
    """Return the plan for one profile question (``line``) across groups (countries).

    Parameters
    ----------
    line
        The question's name (the plan's key, e.g. ``"education"``).
    counts
        Whole-number counts, categories (rows) by groups (columns), in the order the plan
        breaks ties by.
    display
        The group's column as its own page shows it, given categories to hide as well.
    exempt
        ``(category, group)`` cells the report published: never partners.
    """
    values = check_counts(counts)
    groups, categories = list(values.columns), list(values.index)
    public = set(exempt)
    added: dict[Hashable, set] = {g: set() for g in groups}
    shown_cache: dict[tuple[Hashable, frozenset], pd.Series] = {}

    def shown(group: Hashable) -> pd.Series:
        key = (group, frozenset(added[group]))
        if key not in shown_cache:
            shown_cache[key] = display(group, key[1]).reindex(categories).astype(str)
        return shown_cache[key]

    unprotected: list[Cell] = []
    own: set[Cell] = set()
    while True:
        grid = pd.DataFrame({g: shown(g) for g in groups}, index=categories)
        narrow = narrow_cells(values, grid, [*own, *unprotected])
        if not narrow:
            break
        k, g = narrow[0]
        if k in _narrow_alone(values[[g]], grid[[g]]):
            # Its own page cannot protect it (the report's published cells pin it there):
            # the report's disclosure, not the other pages'; no partner elsewhere widens it.
            own.add(narrow[0])
            continue
        new = partners_for(values, grid, narrow[0], public)
        if new is None:
            unprotected.append(narrow[0])
            continue
        for category, group in new:
            added[group].add(category)
    return Plan(
        added={(line, g): frozenset(a) for g, a in added.items() if a},
        hidden={
            (line, g): frozenset(k for k, s in shown(g).items() if _is_hidden(s)) for g in groups
        },
        unprotected=tuple((line, k, g) for k, g in unprotected),
    )
