"""The built book reads as a book: labelled, formatted, captioned and sourced tables, one
style of content note, a first screen that says what the book is.

Checked on the HTML ``make test`` has just built (``book/_build/html``), never rebuilt here.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from survivors_perspectives import paths
from survivors_perspectives.countries import countries_in_csv, slugify
from survivors_perspectives.pages import auditor_tables

HTML = paths.BOOK_HTML
#: One chapter per country in the data (named from the data: a missing chapter fails).
COUNTRY_PAGES = [f"countries/{slugify(c)}.html" for c in countries_in_csv(paths.SURVEY)]
built = pytest.mark.usefixtures("built_html")

#: The auditors' chapters, whose tables were raw pandas frames.
AUDITOR_CHAPTERS = [
    "chapters/cross_country.html",
    "chapters/replication.html",
    "chapters/audit.html",
]
#: Pages whose every table and figure carries a numbered caption and a "Made by" line (the
#: country chapters are checked in tests/test_findings_provenance.py).
SOURCED_CHAPTERS = [
    *AUDITOR_CHAPTERS,
    "chapters/overview.html",
    "chapters/data.html",
    "chapters/reproducibility.html",
    "chapters/auditors.html",
    "chapters/conversations.html",
    "chapters/recommendations.html",
    "course/ethics_and_conversations.html",
    "course/reading_the_survey.html",
    "course/tests_and_effect_sizes.html",
    "course/disclosure_control.html",
    "course/synthetic_data.html",
    "chapters/twin_release.html",
]
#: Pages about abuse or survivors: each opens with the one content note.
ABOUT_ABUSE = [
    "intro.html",
    "methods.html",
    "chapters/overview.html",
    "chapters/conversations.html",
    "chapters/recommendations.html",
    "chapters/cross_country.html",
    "chapters/replication.html",
    "chapters/audit.html",
    "chapters/auditors.html",
    "chapters/data.html",
    "chapters/reproducibility.html",
    "chapters/twin_release.html",
    "course/ethics_and_conversations.html",
    "course/reading_the_survey.html",
    "course/tests_and_effect_sizes.html",
    "course/disclosure_control.html",
    "course/synthetic_data.html",
]
#: Words that make a page one about abuse or survivors.
_ABOUT_ABUSE_WORDS = re.compile(r"(?i)\b(abuse|exploit\w*|survivors?)\b")


def _soup(relative: str) -> BeautifulSoup:
    return BeautifulSoup((HTML / relative).read_text(encoding="utf-8"), "html.parser")


@built
def test_no_page_shows_a_python_object_instead_of_its_content():
    """An output that renders nothing falls back to its repr (an empty Markdown object showed
    as "<IPython.core.display.Markdown object>" five times on the release page)."""
    shown = {}
    for page in sorted(HTML.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found = re.findall(r"&lt;[\w.]+ object(?: at 0x[0-9a-f]+)?&gt;|<[\w.]+ object at 0x", text)
        if found:
            shown[str(page.relative_to(HTML))] = found[:3]
    assert shown == {}


# --- formatting rules, on frames with known answers ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "<0.001"),
        (0.0004, "<0.001"),
        (0.001, "0.001"),
        (0.04567, "0.046"),
        (1.0, "1.000"),
        (float("nan"), "–"),
        (None, "–"),
        ("<0.05", "<0.05"),
    ],
)
def test_p_values(value, expected):
    assert auditor_tables.format_p(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2021.0, "2021"),
        (99.0, "99"),
        (58.3, "58.3"),
        (0.9685, "0.969"),
        (-0.0001, "0"),
        (float("nan"), "–"),
        ("text", "text"),
        (True, "yes"),
    ],
)
def test_numbers_integers_as_integers(value, expected):
    assert auditor_tables.format_auto(value) == expected


def test_table_labels_formats_escapes_and_keeps_text_whole():
    long_text = "a reason that is much longer than fifty characters, and must be shown whole"
    frame = pd.DataFrame(
        {
            "id": ["x.one", "x.two"],
            "description": ["<b>bold</b>", "second"],
            "same_conclusion": [True, False],
            "p": [0.0, 0.2],
            "n": [99.0, float("nan")],
            "note": [long_text, None],
        }
    )
    table = auditor_tables.table(
        frame,
        [
            ("description", "Test"),
            ("same_conclusion", "Same conclusion", "yesno"),
            ("p", "p", "p"),
            ("n", "Respondents", "integer"),
            ("note", "Note"),
        ],
        caption="A caption",
        hover="id",
        number=3,
    )
    soup = BeautifulSoup(table.to_html(), "html.parser")
    assert soup.caption.get_text() == "Table 3: A caption"
    assert [th.get_text() for th in soup.thead.find_all("th")] == [
        "Test",
        "Same conclusion",
        "p",
        "Respondents",
        "Note",
    ]
    assert soup.thead.th["title"] == "description"
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in soup.tbody.find_all("tr")]
    assert rows == [
        ["<b>bold</b>", "yes", "<0.001", "99", long_text],
        ["second", "no", "0.200", "–", "–"],
    ]
    assert soup.tbody.tr.th["title"] == "x.one"
    assert soup.tbody.tr["data-search"] == "x.one"
    assert soup.find("b") is None  # escaped, not rendered
    assert "sp-sortable" not in soup.table["class"]  # short tables are not sortable


def test_a_long_table_is_sortable_and_a_missing_column_is_named():
    frame = pd.DataFrame({"a": range(auditor_tables.LONG_TABLE)})
    assert auditor_tables.table(frame, [("a", "A", "integer")], caption="c").sortable
    with pytest.raises(KeyError, match=r"column\(s\) \['b'\] not in the frame; found \['a'\]"):
        auditor_tables.table(frame, [("b", "B")], caption="c")


# --- the built chapters ---------------------------------------------------------------------------


@built
@pytest.mark.parametrize("page", AUDITOR_CHAPTERS)
def test_auditor_tables_are_labelled_formatted_captioned_and_sourced(page):
    soup = _soup(page)
    tables = soup.select("article table")
    assert tables, f"{page}: no tables"
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and re.match(r"Table \d+: \w", caption.get_text()), page
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        assert not [h for h in headers if re.search(r"[a-z]_[a-z]", h)], (page, headers)
        cells = [c.get_text(strip=True) for c in table.select("tbody td, tbody th")]
        bad = [c for c in cells if c in {"nan", "NaN", "True", "False", "None"}]
        bad += [c for c in cells if re.fullmatch(r"-?\d+\.0{4,}", c) or c.endswith("...")]
        bad += [c for c in cells if re.fullmatch(r"0\.0000", c)]
        assert bad == [], (page, caption.get_text(), bad[:5])
        # the Made by line follows the table in the same output
        output = table.find_parent(class_="output") or table.find_parent("div")
        line = output.find(class_="sp-provenance")
        assert line is not None and line["data-function"].startswith("survivors_perspectives."), (
            page,
            caption.get_text(),
        )


@built
@pytest.mark.parametrize("page", SOURCED_CHAPTERS)
def test_every_table_and_figure_has_a_caption_and_a_made_by_line(page):
    soup = _soup(page)
    outputs = [
        o for o in soup.select("article .cell_output") if o.find("table") or o.find("figure")
    ]
    assert outputs, page
    for output in outputs:
        for figure in output.find_all("figure"):
            assert re.match(r"Figure \d+: \w", figure.figcaption.get_text()), page
        for img in output.find_all("img"):
            assert img.find_parent("figure") is not None, (page, "an image outside a figure")
        for table in output.find_all("table"):
            assert table.caption is not None, (page, table.get_text(" ", strip=True)[:80])
            assert re.match(r"Table \d+: \w", table.caption.get_text()), page
        # the Made by line follows each table and figure (one line may serve a section's
        # outputs shown together)
        for shown in output.find_all(["table", "figure"]):
            line = shown.find_next(class_="sp-provenance")
            assert line is not None and output in line.parents, (
                page,
                output.get_text(" ", strip=True)[:80],
            )
            assert line["data-function"].startswith("survivors_perspectives."), page


@built
@pytest.mark.parametrize("page", SOURCED_CHAPTERS)
def test_tables_and_figures_are_numbered_in_page_order(page):
    soup = _soup(page)
    article = soup.select_one("article")
    tables_ = [t.caption.get_text() for t in article.select(".cell_output table")]
    figures = [f.figcaption.get_text() for f in article.select(".cell_output figure")]
    for labels, kind in ((tables_, "Table"), (figures, "Figure")):
        numbers = [int(re.match(rf"{kind} (\d+):", label).group(1)) for label in labels]
        assert numbers == list(range(1, len(numbers) + 1)), (page, kind, numbers)


@built
def test_no_table_has_an_empty_header_cell_or_an_index_name_row():
    pages = [
        *SOURCED_CHAPTERS,
        *COUNTRY_PAGES,
    ]
    empty = {}
    for page in pages:
        for table in _soup(page).select("article table"):
            cells = [th for th in table.select("th") if not th.get_text(strip=True)]
            if cells:
                empty[page] = empty.get(page, 0) + len(cells)
    assert empty == {}


@built
def test_the_long_auditor_tables_are_sortable():
    for page, minimum in [
        ("chapters/replication.html", 1),
        ("chapters/cross_country.html", 2),
        ("chapters/audit.html", 1),
    ]:
        assert len(_soup(page).select("table.sp-sortable")) >= minimum, page
    assert (HTML / "_static" / "sp-tables.js").is_file()
    assert "sp-tables.js" in (HTML / "chapters" / "replication.html").read_text(encoding="utf-8")


@built
@pytest.mark.parametrize(
    "page",
    [*ABOUT_ABUSE, *COUNTRY_PAGES],
)
def test_one_content_note_in_one_style(page):
    notes = _soup(page).select("div.admonition.content-note")
    assert len(notes) == 1, page
    assert notes[0].select_one(".admonition-title").get_text() == "Content note"
    assert "note" in notes[0]["class"]
    assert "childhelplineinternational.org" in str(notes[0])


@built
def test_every_page_that_speaks_of_abuse_or_survivors_opens_with_the_content_note():
    """Lesson 2 and the auditors' chapters spoke of sexually exploited children without one;
    where there is one, it comes before the page's first paragraph."""
    missing = []
    for page in sorted(HTML.rglob("*.html")):
        relative = page.relative_to(HTML).as_posix()
        if relative.startswith(("_", "reports/")) or relative in ("search.html", "genindex.html"):
            continue
        article = _soup(relative).select_one("article")
        if article is None or not _ABOUT_ABUSE_WORDS.search(article.get_text(" ")):
            continue
        notes = article.select("div.admonition.content-note")
        # The front page opens with what the book is (synthetic, independent), by design.
        placed = relative == "intro.html" or (notes and _first_after_the_title(article, notes[0]))
        if len(notes) != 1 or not placed:
            missing.append(relative)
    assert missing == []


def _first_after_the_title(article, note) -> bool:
    """Return True when no paragraph of the page comes before its content note."""
    for element in article.descendants:
        if element is note:
            return True
        if getattr(element, "name", None) == "p" and element.get_text(strip=True):
            return False
    return False


@built
def test_the_first_screen_says_synthetic_independent_and_where_each_reader_starts():
    soup = _soup("intro.html")
    first = soup.select_one("article section p")
    text = first.get_text(" ", strip=True)
    assert "independent reconstruction" in text and "synthetic" in text
    assert "not their publication" in text
    starts = soup.find(id="where-to-start").get_text(" ", strip=True)
    for reader in ("Auditing", "Studying", "Holding the real data"):
        assert reader in starts


@built
def test_the_cross_country_chapter_frames_agreement_as_a_check_of_the_generator():
    text = _soup("chapters/cross_country.html").select_one("article").get_text(" ", strip=True)
    check = text.index("checks the generator")
    assert check < text.index("published tests reach the report")
