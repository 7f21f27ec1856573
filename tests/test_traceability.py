"""From a number in the built book to the function that computes it, in at most three steps.

Each step follows only what the page shows and a plain text search of ``src/``:

- a table or figure: its "Made by" line names a dotted function (step 1), which imports
  (step 2);
- a replication row: the row's id (shown on hover) (step 1), a text search for ``"<id>":``
  lands on its registry line in ``measures.py`` or ``conversations/measures.py`` (step 2),
  which names the measure class (or the conversations' spec, computed by ``evaluate``)
  (step 3); the row's "How it is computed" cell is that measure's own description;
- an audit finding: its id (step 1), a text search for the id, or for its check name as
  ``check="<name>"``, lands in ``audit.py`` (step 2), on a declared check naming its rule or
  inside the check function (step 3).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from survivors_perspectives import paths
from survivors_perspectives.analyses import audit, replication
from survivors_perspectives.conversations import measures as conversation_measures
from survivors_perspectives.survey import measures

SRC = paths.ROOT / "src"
PACKAGE = "survivors_perspectives"
MAX_STEPS = 3

#: One page of each chapter kind, with the "Made by" functions it must show at least.
PAGES = {
    "country chapter": ("countries/albania.html", "pages.country_chapter.respondents"),
    "cross-country": ("chapters/cross_country.html", "analyses.cross_country.recompute_published"),
    "replication": ("chapters/replication.html", "analyses.replication.replication_table"),
    "audit": ("chapters/audit.html", "analyses.audit.audit"),
    "course": ("course/tests_and_effect_sizes.html", "pages.course.observed_expected"),
}


def _soup(built_html: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((built_html / page).read_text(encoding="utf-8"), "html.parser")


def _import(dotted: str):
    """Import ``package.module.function``: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def _is_package_function(obj) -> bool:
    """A function (or class) defined in a file of ``src/``, with source to read."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    file = Path(inspect.getsourcefile(obj)).resolve()
    return file.is_relative_to(SRC.resolve()) and bool(inspect.getsource(obj))


def resolve_made_by(line) -> list:
    """Steps from a "Made by" line to the function it names."""
    dotted = line["data-function"]
    return [("made by", dotted), ("import", _import(dotted))]


def _grep(text: str) -> list[tuple[Path, int, str]]:
    """A plain text search of ``src/``: (file, line number, line) for each hit."""
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text in line:
                hits.append((path, number, line))
    return hits


def resolve_figure_id(ref_id: str) -> list:
    """Steps from a reference id shown on a page to the code computing that figure."""
    hits = _grep(f'"{ref_id}":')
    registries = {
        SRC / PACKAGE / "survey" / "measures.py",
        SRC / PACKAGE / "conversations" / "measures.py",
    }
    hits = [h for h in hits if h[0] in registries]
    assert len(hits) == 1, (ref_id, hits)
    path, number, line = hits[0]
    named = re.match(r'^\s*"[^"]+": ([A-Za-z_]+)\(', line).group(1)
    module = measures if path.name == "measures.py" and path.parent.name == "survey" else None
    if module is measures:
        target = getattr(measures, named)
        assert isinstance(measures.MEASURES[ref_id], target)
    else:
        # Conversation specs (``Count``, ``_theme`` building one) are computed by ``evaluate``.
        target = conversation_measures.evaluate
        assert conversation_measures.CONVERSATION_MEASURES[ref_id].func is target
    return [("id on the page", ref_id), ("text search", f"{path.name}:{number}"), ("names", target)]


def resolve_finding_id(finding_id: str) -> list:
    """Steps from an audit finding's id to the function that finds it."""
    declared = {check.id: check for check in audit.CROSS_CHECKS}
    audit_file = SRC / PACKAGE / "analyses" / "audit.py"
    if finding_id in declared:
        hits = [h for h in _grep(f'"{finding_id}"') if h[0] == audit_file]
        assert len(hits) == 1, hits
        return [
            ("id on the page", finding_id),
            ("text search", f"audit.py:{hits[0][1]}"),
            ("names", declared[finding_id].rule),
        ]
    check = finding_id.split(".")[0]
    hits = [h for h in _grep(f'check="{check}"') if h[0] == audit_file]
    assert hits, finding_id
    tree = ast.parse(audit_file.read_text(encoding="utf-8"))
    enclosing = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for _, number, _ in hits
        if node.lineno <= number <= node.end_lineno
    }
    assert len(enclosing) == 1, (finding_id, enclosing)
    function = getattr(audit, enclosing.pop())
    return [
        ("id on the page", finding_id),
        ("text search", f"audit.py:{hits[0][1]}"),
        ("in", function),
    ]


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_made_by_line_of_each_chapter_kind_reaches_a_package_function(built_html, kind):
    page, required = PAGES[kind]
    lines = _soup(built_html, page).find_all("p", class_="sp-provenance")
    assert lines, page
    functions = set()
    for line in lines:
        steps = resolve_made_by(line)
        assert len(steps) <= MAX_STEPS, steps
        assert _is_package_function(steps[-1][1]), (page, steps)
        functions.add(line["data-function"])
    assert f"{PACKAGE}.{required}" in functions, (page, sorted(functions))


def _replication_rows(built_html: Path) -> dict[str, dict[str, str]]:
    """The whole replication table of the chapter: id -> {header: shown text}."""
    soup = _soup(built_html, PAGES["replication"][0])
    for table in soup.find_all("table", class_="sp-auditor-table"):
        headers = [th.get_text() for th in table.find("thead").find_all("th")]
        if "How it is computed" not in headers:
            continue
        rows = {}
        for tr in table.find("tbody").find_all("tr"):
            cells = [c.get_text() for c in tr.find_all(["th", "td"])]
            rows[tr.find("th")["title"]] = dict(zip(headers, cells, strict=True))
        return rows
    pytest.fail("the replication chapter shows no table with a 'How it is computed' column")


@pytest.mark.parametrize(
    "ref_id",
    [
        "profile.gender.female.pct",  # a share of all respondents
        "profile.education.masters_phd.pct.colombia",  # a country figure
        "caseload.any_se.by_country.anova",  # a published test
        "services.counselling_individual.pct.men",  # a share within a subgroup
        "conversations.participants.women.count",  # the conversations strand
    ],
)
def test_a_replication_row_reaches_its_measure_in_three_steps(built_html, ref_id):
    rows = _replication_rows(built_html)
    assert len(rows) == 249
    steps = resolve_figure_id(ref_id)
    assert len(steps) <= MAX_STEPS
    assert _is_package_function(steps[-1][1]), steps
    assert rows[ref_id]["How it is computed"] == replication.how_computed(ref_id)


def test_every_replication_row_shows_how_it_is_computed(built_html):
    rows = _replication_rows(built_html)
    shown = {i: row["How it is computed"] for i, row in rows.items()}
    assert shown == {i: replication.how_computed(i) for i in rows}


def test_every_audit_finding_reaches_the_check_that_found_it(built_html):
    soup = _soup(built_html, PAGES["audit"][0])
    table = next(
        t
        for t in soup.find_all("table", class_="sp-auditor-table")
        if "Inconsistencies" in t.find("caption").get_text()
    )
    ids = [tr.find("th")["title"] for tr in table.find("tbody").find_all("tr")]
    assert len(ids) >= 10
    for finding_id in ids:
        steps = resolve_finding_id(finding_id)
        assert len(steps) <= MAX_STEPS, steps
        assert _is_package_function(steps[-1][1]), steps


def test_the_resolvers_refuse_what_points_nowhere():
    with pytest.raises(AttributeError):
        _import("survivors_perspectives.survey.measures.no_such_function")
    with pytest.raises(AssertionError):
        resolve_figure_id("no.such.figure")
    assert not _is_package_function(len)
    assert not _is_package_function(pytest.fail)
