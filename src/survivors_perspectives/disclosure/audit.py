"""The disclosure audit of a whole book: no hidden count of 1 to 4 may be narrowed.

Reads the ledger of every executed page (:mod:`.ledger`) and turns every entry into linear
relations over the groups of people the pages count: each distinct group is one unknown
(the same people counted on two pages are one unknown, which is how a difference across
pages is caught), a table line or a split base says a group is the sum of its parts, a
shown count fixes its group, ``"<5"`` bounds it to 1..4, ``"x"`` to five or more, a rounded
percentage ties its count to its base. :mod:`.attack` then gives the interval an attacker
can infer for each protected group: every group of 1 to 4 people that a page counts, hides
or names as a category (those who did not answer, say), unless the report published that
number. A group whose interval is narrower than :data:`~.policy.PROTECTION_WIDTH` is a leak,
named with every page and place that shows it and the numbers that pin it.

The attacker is granted that two groups with the same members are the same group, even
where the pages define them differently: a stronger attacker than a reader, so a book that
passes is safe against the weaker one. Relations the ledger does not record (that one
group lies inside another without a partition being shown) are not used.

``python -m survivors_perspectives.disclosure.audit BOOK_SRC [--out FILE]`` audits the
executed notebooks under ``BOOK_SRC``, prints (and writes) the result, and exits 1 when a
leak is found. ``build_book`` calls :func:`audit_book` before the new book replaces the old.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

from survivors_perspectives.disclosure import attack
from survivors_perspectives.disclosure.ledger import (
    COUNT,
    HIDDEN,
    METADATA_KEY,
    PARTITION,
    SHARE,
    Entry,
    unpack,
)
from survivors_perspectives.disclosure.policy import PROTECTION_WIDTH, is_small


class DisclosureAuditError(RuntimeError):
    """The book would reveal a protected count; the message names every leak."""


@dataclass(frozen=True)
class Leak:
    """A protected group an attacker can narrow: where it shows, its interval, the cause."""

    population: str
    size: int
    low: float
    high: float
    places: tuple[str, ...]
    pinned_by: tuple[str, ...]

    def describe(self) -> str:
        """Return the leak in one line for the build log."""
        span = (
            f"exactly {self.low:.0f}"
            if self.low == self.high
            else (f"{self.low:.0f} to {self.high:.0f}")
        )
        return (
            f"{'; '.join(self.places)}: a count of {self.size} can be worked out as {span} "
            f"(protection needs a range of at least {PROTECTION_WIDTH + 1} values), from "
            f"{'; '.join(self.pinned_by) or 'the numbers shown'}"
        )


@dataclass
class AuditResult:
    """What the audit found over a whole book."""

    entries: int
    protected: int
    leaks: list[Leak]
    inconsistent: list[str]
    seconds: float

    @property
    def ok(self) -> bool:
        """True when nothing leaks and every entry agrees with the data."""
        return not self.leaks and not self.inconsistent

    def report(self) -> str:
        """Return the result as the build log and ``disclosure_audit.txt`` show it."""
        lines = [
            f"Disclosure audit: {self.entries} numbers recorded on the pages, "
            f"{self.protected} groups of 1 to 4 people protected, "
            f"{len(self.leaks)} leaking, {len(self.inconsistent)} inconsistent "
            f"(protection width {PROTECTION_WIDTH}; {self.seconds:.1f} s)."
        ]
        lines += [f"LEAK {leak.describe()}" for leak in self.leaks]
        lines += [f"INCONSISTENT {text}" for text in self.inconsistent]
        return "\n".join(lines) + "\n"


def place(entry: Entry) -> str:
    """Return where an entry shows: its page, then its place on the page."""
    return f"{entry.page or 'unknown page'}: {entry.where}"


def _consistent(entry: Entry) -> bool:
    """Return True when what the entry shows is true of the people it counts."""
    size = len(entry.members)
    if entry.kind == COUNT:
        return entry.value == size
    if entry.kind == HIDDEN:
        return entry.lo <= size <= entry.hi
    if entry.kind == PARTITION:
        union = frozenset().union(*entry.parts)
        return union == entry.members and sum(len(p) for p in entry.parts) == len(union)
    if entry.kind == SHARE:
        base = len(entry.base)
        if base == 0:
            return False
        half = 0.5 * 10 ** (-entry.decimals) + 1e-9
        return abs(100 * size / base - entry.value) <= half
    return True


def context(entry: Entry) -> str:
    """Return the table or sentence an entry belongs to (its caption or its text's name)."""
    match = re.match(r"table '(.*?)', ", entry.where)
    return match.group(1) if match else entry.where.split(":", 1)[0]


def _keys(entries: list[Entry]) -> dict[tuple, object]:
    """Return the unknown each (members, page, context) reference stands for.

    The same people are one unknown where a reader can tell they are: a group that is a
    total or a base anywhere (a country's respondents, those with online cases), a group
    counted on two pages (Peru's master's degrees on a course page and in the chapter), a
    group a sentence counts (sentences restate their section's tables), a group counted
    twice in one table. Two small cells of different tables on
    one page that happen to hold the same person are two unknowns: nothing tells a reader
    they are the same person.
    """
    wholes = set()
    pages: dict[frozenset[str], set[str]] = defaultdict(set)
    in_text: set[frozenset[str]] = set()
    for entry in entries:
        if entry.kind == PARTITION:
            wholes.add(entry.members)
        if entry.base is not None:
            wholes.add(entry.base)
        for group in (entry.members, entry.base, *(entry.parts or ())):
            if group is not None:
                pages[group].add(entry.page)
                if not entry.where.startswith("table '"):
                    in_text.add(group)
    keys: dict[tuple, object] = {}
    for entry in entries:
        for group in (entry.members, entry.base, *(entry.parts or ())):
            if group is None:
                continue
            ref = (group, entry.page, context(entry))
            shared = group in wholes or group in in_text or len(pages[group]) > 1 or not group
            keys[ref] = group if shared else ref
    return keys


class _Population:
    """The counted groups of one population and the linear relations entries give on them.

    Each group is one unknown (see :func:`_keys` for when two places count the same one);
    a partition says a group is the sum of its parts; a count, a hidden cell, a share each
    bound one or two unknowns.
    """

    def __init__(self, entries: list[Entry], keys: dict[tuple, object] | None = None):
        self.keys = _keys(entries) if keys is None else keys
        self.sets: dict[object, int] = {}
        for entry in entries:
            for group in (entry.members, entry.base, *(entry.parts or ())):
                if group is not None:
                    self.sets.setdefault(self.key(entry, group), len(self.sets))
        self.system = attack.LinearSystem(len(self.sets))
        self.relation_entries: list[list[Entry]] = []
        seen: dict[tuple, int] = {}
        for entry in entries:
            for relation in self._relations(entry):
                key = (tuple(sorted(relation[0].items())), relation[1], relation[2])
                if key in seen:
                    self.relation_entries[seen[key]].append(entry)
                    continue
                seen[key] = len(self.relation_entries)
                self.relation_entries.append([entry])
                self.system.add(*relation)

    def key(self, entry: Entry, group: frozenset[str]) -> object:
        """Return the unknown that ``group``, as ``entry`` counts it, stands for."""
        return self.keys[(group, entry.page, context(entry))]

    def index(self, entry: Entry, group: frozenset[str]) -> int:
        return self.sets[self.key(entry, group)]

    def sum_over(self, key: object) -> dict[int, float]:
        return {self.sets[key]: 1.0}

    def _relations(self, entry: Entry) -> list[tuple[dict[int, float], float, float]]:
        count = {self.index(entry, entry.members): 1.0}
        if entry.kind == COUNT:
            return [(count, entry.value, entry.value)]
        if entry.kind == HIDDEN:
            return [(count, entry.lo, entry.hi)]
        if entry.kind == PARTITION:
            row: dict[int, float] = defaultdict(float)
            row[self.index(entry, entry.members)] += 1.0
            for part in entry.parts:
                row[self.index(entry, part)] -= 1.0
            return [(dict(row), 0.0, 0.0)]
        if entry.kind == SHARE:
            # A share v rounded to d decimals: (v - h) * base <= 100 * count <= (v + h) * base,
            # h = half a unit in the last place; both sides linear in the unknowns.
            half = 0.5 * 10 ** (-entry.decimals)
            n, b = self.index(entry, entry.members), self.index(entry, entry.base)
            if n == b:
                return []
            low = {n: 100.0, b: -(entry.value - half)}
            high = {n: 100.0, b: -(entry.value + half)}
            return [(low, -1e-9, np.inf), (high, -np.inf, 1e-9)]
        return []

    def witnesses(self, target: dict[int, float], sense: int) -> list[Entry]:
        """Return the entries whose relations decide the target's bound (non-zero duals)."""
        a_ub, b_ub, a_eq, b_eq = attack.as_lp(self.system)
        c = np.zeros(self.system.n)
        for j, v in target.items():
            c[j] = sense * v
        result = linprog(
            c,
            A_ub=a_ub if a_ub.shape[0] else None,
            b_ub=b_ub if a_ub.shape[0] else None,
            A_eq=a_eq if a_eq.shape[0] else None,
            b_eq=b_eq if a_eq.shape[0] else None,
            bounds=(0, None),
            method="highs",
        )
        if result.status != 0:
            return []
        lo, hi = np.array(self.system.lo), np.array(self.system.hi)
        eq = lo == hi
        marginals = []
        if a_eq.shape[0]:
            marginals += list(zip(np.flatnonzero(eq), result.eqlin.marginals, strict=True))
        if a_ub.shape[0]:
            rows = list(np.flatnonzero(~eq & np.isfinite(hi)))
            rows += list(np.flatnonzero(~eq & np.isfinite(lo)))
            marginals += list(zip(rows, result.ineqlin.marginals, strict=True))
        return [self.relation_entries[row][0] for row, dual in marginals if abs(dual) > 1e-9]


def audit_entries(entries: Iterable[Entry], *, explain: bool = True) -> AuditResult:
    """Audit ledger entries from any number of pages; see the module docstring.

    ``explain=False`` leaves out which numbers pin each leak (a linear program over the
    whole population per leak): for a page kit that only needs to know what leaks.
    """
    start = time.perf_counter()
    entries = list(entries)
    inconsistent = [
        f"{place(e)}: shows {e.kind} {e.value if e.value is not None else (e.lo, e.hi)} "
        f"but counts {len(e.members)}" + (f" of {len(e.base)}" if e.base else "")
        for e in entries
        if not _consistent(e)
    ]
    good = [e for e in entries if _consistent(e)]
    by_population: dict[str, list[Entry]] = defaultdict(list)
    for entry in good:
        by_population[entry.population].append(entry)
    leaks: list[Leak] = []
    protected = 0
    for population, group in sorted(by_population.items()):
        model = _Population(group)
        published = {model.key(e, e.members) for e in group if e.published}
        shown_at: dict[object, list[Entry]] = defaultdict(list)
        size: dict[object, int] = {}
        for entry in group:
            key = model.key(entry, entry.members)
            shown_at[key].append(entry)
            size[key] = len(entry.members)
        targets = [key for key in shown_at if is_small(size[key]) and key not in published]
        targets.sort(key=lambda m: min(place(e) for e in shown_at[m]))
        protected += len(targets)
        found = attack.intervals(
            model.system,
            [model.sum_over(m) for m in targets],
            integer_below=PROTECTION_WIDTH + 1,
        )
        narrow = [
            (members, interval)
            for members, interval in zip(targets, found, strict=True)
            if interval[1] - interval[0] < PROTECTION_WIDTH
        ]
        # A count the report's own figures already pin (its published total, share and
        # other counts) is the report's disclosure, not the book's: nothing can hide it.
        if narrow:
            report_only = _Population(
                [e for e in group if e.published or e.kind == PARTITION], model.keys
            )
            known = [m for m, _ in narrow if m in report_only.sets]
            by_report = dict(
                zip(
                    known,
                    attack.intervals(report_only.system, [report_only.sum_over(m) for m in known]),
                    strict=True,
                )
            )
            before = len(narrow)
            narrow = [
                (m, interval)
                for m, interval in narrow
                if m not in by_report or by_report[m][1] - by_report[m][0] >= PROTECTION_WIDTH
            ]
            protected -= before - len(narrow)
        for members, (low, high) in narrow:
            target = model.sum_over(members)
            why = model.witnesses(target, 1) + model.witnesses(target, -1) if explain else []
            places = tuple(dict.fromkeys(place(e) for e in shown_at[members]))
            pinned = tuple(
                sorted({place(e) for e in why if e.kind != PARTITION and place(e) not in places})
            )
            leaks.append(Leak(population, size[members], low, high, places, pinned))
    return AuditResult(
        entries=len(entries),
        protected=protected,
        leaks=leaks,
        inconsistent=inconsistent,
        seconds=time.perf_counter() - start,
    )


def read_book(book_src: Path) -> list[Entry]:
    """Return the ledger entries of every executed notebook under ``book_src``."""
    found: list[Entry] = []
    for path in sorted(Path(book_src).rglob("*.ipynb")):
        if "_build" in path.relative_to(book_src).parts or ".ipynb_checkpoints" in path.parts:
            continue
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        packed = metadata.get("survivors_perspectives", {}).get(METADATA_KEY)
        if packed:
            found += unpack(packed, path.relative_to(book_src).as_posix())
    return found


def audit_book(book_src: Path, out: Path | None = None) -> AuditResult:
    """Audit the executed notebooks under ``book_src``; write the report to ``out``.

    Raises
    ------
    DisclosureAuditError
        Naming every leaking page and cell, when a protected count can be narrowed or an
        entry disagrees with the data.
    """
    result = audit_entries(read_book(book_src))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(result.report(), encoding="utf-8")
        tmp.replace(out)
    if not result.ok:
        raise DisclosureAuditError(result.report())
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book_src", type=Path, help="folder of executed notebooks")
    parser.add_argument("--out", type=Path, help="where to write the audit's result")
    args = parser.parse_args(argv)
    try:
        result = audit_book(args.book_src, args.out)
    except DisclosureAuditError as error:
        print(f"error: {error}", file=sys.stderr, end="")
        return 1
    print(result.report(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
