"""The ledger: every number a page shows about a group of people, with whom it counts.

Each entry says where a number is shown (page, table or sentence), which people it counts
(the set of respondent or participant ids: a linear expression over the data's cells, since
any count is a sum of the counts of the groups it covers), and what the page shows of it: a
count, a hidden cell (``"<5"``, ``"x"``), a percentage of a base (with its rounding), or
nothing at all (a ``category``: a group whose size must stay protected, such as those who
did not answer, though no number shows it).

Recording happens while a notebook runs. The page kit (``tables.count_table``, the sentence
helpers, the course and conversation tables) calls :func:`record`; when the build runs the
notebook (``survivors_perspectives.build.execute``), the environment variable :data:`ENV` names a
file the kernel appends entries to, and the executed notebook carries them in its metadata
(:data:`METADATA_KEY`), packed by :func:`pack`. A page that is not executed again keeps its
ledger with it, so :mod:`.audit` always reads the whole book's. Outside a build, entries go
to the :func:`recording` context, if any, and are otherwise dropped.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

import pandas as pd

from survivors_perspectives.disclosure.policy import REVEALED, WITHHELD

#: Environment variable naming the file a notebook's kernel appends entries to.
ENV = "SURVIVORS_PERSPECTIVES_LEDGER"
#: Key of the ledger in an executed notebook's metadata.
METADATA_KEY = "disclosure_ledger"
#: The id column of each population whose people a page may count.
ID_COLUMNS = {"survey": "respondent_id", "conversations": "participant_id"}

#: Kinds of entry.
COUNT, HIDDEN, SHARE, CATEGORY, PARTITION = "count", "hidden", "share", "category", "partition"


@dataclass(frozen=True)
class Entry:
    """One number shown (or one group kept protected) on a page.

    Attributes
    ----------
    where
        Where a reader finds it (table caption, row and column, or the sentence's subject).
    population
        ``survey`` or ``conversations``: whose ids ``members`` are.
    members
        The ids of the people counted (the numerator of a share).
    kind
        :data:`COUNT` (``value`` shown exactly), :data:`HIDDEN` (``lo``..``hi`` is what its
        display reveals), :data:`SHARE` (``value`` percent of ``base``, rounded to
        ``decimals``), :data:`CATEGORY` (nothing shown; a group to protect),
        :data:`PARTITION` (``members`` is, by construction, made of the disjoint ``parts``:
        a table's line and its total, a base and the groups a sentence splits it into;
        what a reader knows of how the numbers add up).
    published
        The report published this number: it is not protected, and shows as itself.
    page
        Filled in by the audit from the executed notebook's path.
    """

    where: str
    population: str
    members: frozenset[str]
    kind: str
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    base: frozenset[str] | None = None
    decimals: int = 0
    published: bool = False
    parts: tuple[frozenset[str], ...] | None = None
    page: str = field(default="", compare=False)


_active: list[list[Entry]] = []


def members(rows: pd.DataFrame) -> frozenset[str]:
    """Return the ids of the people in ``rows`` (survey respondents or participants)."""
    return frozenset(rows[id_column(rows)].astype(str))


def id_column(rows: pd.DataFrame) -> str:
    """Return the id column of ``rows``; raise if it has none (it cannot be recorded)."""
    for column in ID_COLUMNS.values():
        if column in rows.columns:
            return column
    raise KeyError(
        f"ledger: rows without an id column (expected one of {sorted(ID_COLUMNS.values())})"
    )


def population_of(rows: pd.DataFrame) -> str:
    """Return ``survey`` or ``conversations`` for rows of that frame."""
    column = id_column(rows)
    return next(name for name, col in ID_COLUMNS.items() if col == column)


def _percent(display: str) -> float | None:
    text = str(display).strip().rstrip("%").strip()
    try:
        return float(text)
    except ValueError:
        return None


def _decimals(display: str) -> int:
    text = str(display).strip().rstrip("%").strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def count_entry(
    where: str, rows: pd.DataFrame, display: object, *, published: bool = False
) -> Entry | None:
    """Return the entry for ``rows`` counted and shown as ``display`` (None if withheld)."""
    shown = str(display)
    population, ids = population_of(rows), members(rows)
    if shown in REVEALED:
        lo, hi = REVEALED[shown]
        return Entry(where, population, ids, HIDDEN, lo=lo, hi=hi)
    if shown in (WITHHELD, "", "nan"):
        return Entry(where, population, ids, CATEGORY)
    return Entry(where, population, ids, COUNT, value=float(shown), published=published)


def share_entry(
    where: str, rows: pd.DataFrame, base: pd.DataFrame, display: object, *, published=False
) -> Entry:
    """Return the entry for ``rows`` shown as a percentage of ``base`` (withheld: a category)."""
    value = _percent(display)
    population, ids = population_of(rows), members(rows)
    if value is None:
        return Entry(where, population, ids, CATEGORY)
    return Entry(
        where,
        population,
        ids,
        SHARE,
        value=value,
        base=members(base),
        decimals=_decimals(display),
        published=published,
    )


def partition_entry(where: str, whole: pd.DataFrame, parts: list[pd.DataFrame]) -> Entry:
    """Return the entry saying ``whole`` is made of the disjoint ``parts`` (by construction)."""
    return Entry(
        where,
        population_of(whole),
        members(whole),
        PARTITION,
        parts=tuple(members(part) for part in parts),
    )


def category_entry(where: str, rows: pd.DataFrame) -> Entry:
    """Return the entry of a group whose size the page must not reveal (nothing shown)."""
    return Entry(where, population_of(rows), members(rows), CATEGORY)


def record(entries: Entry | Iterable[Entry | None] | None) -> None:
    """Add entries to the ledger of the page being built (and to any :func:`recording`)."""
    if entries is None:
        return
    found = [entries] if isinstance(entries, Entry) else [e for e in entries if e is not None]
    if not found:
        return
    for book in _active:
        book.extend(found)
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            for entry in found:
                handle.write(json.dumps(_to_json(entry), sort_keys=True) + "\n")


@contextlib.contextmanager
def recording() -> Iterator[list[Entry]]:
    """Collect the entries recorded inside the ``with`` block (for tests and the audit)."""
    book: list[Entry] = []
    _active.append(book)
    try:
        yield book
    finally:
        _active.remove(book)


def _to_json(entry: Entry) -> dict:
    data = asdict(entry)
    data["members"] = sorted(entry.members)
    data["base"] = None if entry.base is None else sorted(entry.base)
    data["parts"] = None if entry.parts is None else [sorted(p) for p in entry.parts]
    data.pop("page")
    return data


def _from_json(data: dict, page: str = "") -> Entry:
    data = dict(data)
    data["members"] = frozenset(data["members"])
    data["base"] = None if data.get("base") is None else frozenset(data["base"])
    parts = data.get("parts")
    data["parts"] = None if parts is None else tuple(frozenset(p) for p in parts)
    return Entry(**data, page=page)


def read_lines(path: str | os.PathLike) -> list[Entry]:
    """Read the entries a kernel appended to ``path`` (missing file: none)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return [_from_json(json.loads(line)) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def pack(entries: Iterable[Entry]) -> dict:
    """Return entries in a compact form for notebook metadata.

    Ids are listed once per population; each entry's sets become hexadecimal bitmaps
    over that list, so a chapter's few hundred entries take kilobytes, not megabytes.
    Deterministic: the same entries give the same bytes.
    """
    entries = list(entries)
    universes: dict[str, list[str]] = {}
    for entry in entries:
        ids = set(entry.members) | set(entry.base or ())
        for part in entry.parts or ():
            ids |= part
        universes[entry.population] = sorted(set(universes.get(entry.population, [])) | ids)
    index = {pop: {i: k for k, i in enumerate(ids)} for pop, ids in universes.items()}

    def bitmap(pop: str, ids: frozenset[str] | None) -> str | None:
        if ids is None:
            return None
        value = 0
        for i in ids:
            value |= 1 << index[pop][i]
        return format(value, "x")

    rows = []
    for entry in entries:
        data = _to_json(entry)
        data["members"] = bitmap(entry.population, entry.members)
        data["base"] = bitmap(entry.population, entry.base)
        if entry.parts is not None:
            data["parts"] = [bitmap(entry.population, part) for part in entry.parts]
        rows.append(data)
    return {"populations": universes, "entries": rows}


def unpack(packed: dict, page: str = "") -> list[Entry]:
    """Return the entries :func:`pack` stored, with ``page`` set."""
    universes = packed.get("populations", {})

    def ids(pop: str, bitmap: str | None) -> list[str] | None:
        if bitmap is None:
            return None
        value, names = int(bitmap, 16), universes[pop]
        return [names[k] for k in range(value.bit_length()) if value >> k & 1]

    found = []
    for row in packed.get("entries", []):
        row = dict(row)
        row["members"] = ids(row["population"], row["members"])
        row["base"] = ids(row["population"], row["base"])
        if row.get("parts") is not None:
            row["parts"] = [ids(row["population"], part) for part in row["parts"]]
        found.append(_from_json(row, page))
    return found


def table_entries(
    caption: str,
    cell_rows: dict[tuple, pd.DataFrame],
    display: pd.DataFrame,
    lines: Iterable[tuple[tuple, list[tuple]]] = (),
    *,
    published: Iterable[tuple] = (),
) -> list[Entry]:
    """Return the entries of a table of counts: each cell as shown, and how its lines add up.

    For tables made outside the page kit (the course's teaching tables, a raw
    ``suppress_counts`` display): ``cell_rows`` maps each ``(row, column)`` of ``display``
    to the rows of the data it counts (a total: the union of its line), ``lines`` pairs each
    total cell with the cells it is the sum of. A cell of ``published`` shows a number the
    report published. Cells missing from ``display`` are left out.
    """
    public = set(published)
    where = f"table '{caption}'"
    found: list[Entry] = []
    for (row, col), rows in cell_rows.items():
        if row not in display.index or col not in display.columns:
            continue
        entry = count_entry(
            f"{where}, row '{row}', column '{col}'",
            rows,
            display.loc[row, col],
            published=(row, col) in public,
        )
        if entry is not None:
            found.append(entry)
    for total, cells in lines:
        found.append(
            partition_entry(
                f"{where}, line of '{total[0]}, {total[1]}'",
                cell_rows[total],
                [cell_rows[cell] for cell in cells],
            )
        )
    return found


def split_entries(where: str, rows: pd.DataFrame, column: str = "country") -> list[Entry]:
    """Return the entry saying ``rows`` is the sum of its parts by ``column`` (a country's).

    What a reader knows without being told: an all-country count is the sum of the
    countries' counts of the same answer. Beside chapters that count each country's part,
    an all-country number shown exactly is one more line that adds up (the age x experience
    lesson's all-country total minus five chapters gave Moldova's hidden count back), so a
    page that shows one records the split. Nothing is recorded for rows without the column
    or within one country.
    """
    if column not in rows.columns:
        return []
    keys = sorted(rows[column].dropna().unique(), key=str)
    if len(keys) < 2 or rows[column].isna().any():
        return []
    parts = [rows[(rows[column] == key).to_numpy(bool)] for key in keys]
    return [partition_entry(f"{where}, by {column}", rows, parts)]
