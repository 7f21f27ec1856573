"""The built book in a real browser: navigation, search, console, overflow, accessibility, print.

These tests drive Debian's headless Chromium (``/usr/bin/chromium``, or ``SP_CHROMIUM``)
through Playwright over the book ``make test`` has just built in ``book/_build/html``; they
never build it. Pages are served from that folder by a local HTTP server on 127.0.0.1, as
the published ``html/`` folder is served. (Opened as files instead, Chromium also refuses the
theme's icon fonts, a file:// restriction, while the icons still draw from its SVG script.)
Accessibility is checked with axe-core, vendored under ``tests/vendor/axe-core`` (MPL-2.0).

Where the browser or Playwright is missing, every test here is skipped with the reason;
``.ci/run`` installs the browser so CI runs them. A missing book is handled by the shared
``built_html`` fixture (tests/conftest.py): a failure under ``make test``, a skip otherwise.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from survivors_perspectives import paths
from survivors_perspectives.countries import countries_in_csv, slugify

HTML = paths.BOOK_HTML
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: A phone, a narrow laptop window, a common laptop screen.
PHONE, NARROW, LAPTOP = 390, 900, 1366


def _chromium() -> str | None:
    candidate = os.environ.get("SP_CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).is_file():
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if _chromium() is None:
        return "no Chromium at /usr/bin/chromium or SP_CHROMIUM (apt-get install -y chromium)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _pages() -> dict[str, str]:
    """One page of each kind the book has, as paths under html/, named from its sources.

    Named from the data and the notebooks rather than found in the built HTML, so that a page
    missing from the book fails its tests instead of leaving them out.
    """
    country = slugify(countries_in_csv(paths.SURVEY)[0])
    course = sorted((paths.NOTEBOOKS / "course").glob("*.ipynb"))[0].stem
    return {
        "home": "intro.html",
        "country": f"countries/{country}.html",
        "chapter": "chapters/overview.html",
        "course": f"course/{course}.html",
        "replication": "chapters/replication.html",
        "audit": "chapters/audit.html",
        "cross-country": "chapters/cross_country.html",
        "report": f"reports/{country}.html",
        "report list": "reports/index.html",
    }


PAGES = _pages()


@pytest.fixture(scope="module")
def browser(built_html):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output for failures
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def open_page(browser, server):
    """Open a page of the book at a width; collects console errors in ``page.errors``."""
    contexts = []

    def _open(relative: str, width: int = LAPTOP, height: int = 800, media: str = "screen"):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        # A failed load is reported by its response, with the URL; the browser's own request
        # for /favicon.ico (the book has none) is not the book's.
        page.on(
            "console",
            lambda m: (
                page.errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda r: (
                page.errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.emulate_media(media=media)
        page.goto(f"{server}/{relative}", wait_until="load")
        page.wait_for_timeout(150)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_console_errors(open_page, kind):
    page = open_page(PAGES[kind])
    assert page.errors == [], f"{PAGES[kind]}: {page.errors}"


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_horizontal_overflow_on_a_phone(open_page, kind):
    page = open_page(PAGES[kind], width=PHONE, height=844)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{PAGES[kind]} is {overflow} px wider than a {PHONE} px screen"


@pytest.mark.parametrize("kind", ["country", "cross-country", "replication", "report"])
def test_captions_wrap_inside_a_phone_screen(open_page, kind):
    # A table's caption is as wide as its table: a wide table's caption ran past a 390 px
    # screen (5 on the cross-country chapter, 16 in a country report), read only by scrolling.
    page = open_page(PAGES[kind], width=PHONE, height=844)
    found = page.evaluate(
        """() => [...document.querySelectorAll('caption, figcaption')]
            .map(c => [c.textContent.trim().slice(0, 40), c.getBoundingClientRect()])
            .filter(([, box]) => box.width > 0)
            .map(([text, box]) => [text, Math.round(box.left), Math.round(box.right)])"""
    )
    assert len(found) >= 4, f"{PAGES[kind]}: {found}"
    outside = [(text, left, right) for text, left, right in found if left < 0 or right > PHONE]
    assert outside == [], f"{PAGES[kind]}: captions past a {PHONE} px screen: {outside}"


@pytest.mark.parametrize("kind", ["country", "chapter", "report"])
def test_figures_are_svg_and_fit_a_phone(open_page, kind):
    page = open_page(PAGES[kind], width=PHONE, height=844)
    figures = page.evaluate(
        """() => [...document.querySelectorAll('figure.sp-figure img')].map(i => [
            i.getAttribute('src').slice(0, 26), i.naturalWidth,
            Math.round(i.getBoundingClientRect().right), (i.getAttribute('alt') || '').length])"""
    )
    assert len(figures) >= 2, f"{PAGES[kind]}: {figures}"
    for src, natural, right, alt in figures:
        assert src == "data:image/svg+xml;base64,", src
        assert natural > 0, f"{PAGES[kind]}: an SVG the browser could not draw"
        assert right <= PHONE and alt > 20, (src, right, alt)


@pytest.mark.parametrize("width", [PHONE, NARROW])
def test_sidebar_opens_at_narrow_widths(open_page, width):
    page = open_page(PAGES["country"], width=width)
    sidebar = page.locator(".bd-sidebar-primary")
    before = sidebar.bounding_box()
    assert not sidebar.is_visible() or before is None or before["x"] + before["width"] <= 0
    page.locator("button.primary-toggle").first.click()
    page.wait_for_timeout(400)
    box = sidebar.bounding_box()
    assert sidebar.is_visible() and box is not None and box["x"] >= 0 and box["width"] > 150
    # and the navigation in it can be followed
    link = sidebar.get_by_role("link", name="How the study was done")
    assert link.is_visible()


def test_one_search_field_per_page(open_page):
    page = open_page(PAGES["chapter"], width=LAPTOP)
    visible = [b for b in page.locator(".search-button-field").all() if b.is_visible()]
    assert len(visible) <= 1


def test_search_finds_a_country(open_page):
    country = Path(PAGES["country"]).stem
    name = country.replace("-", " ").split()[0].capitalize()
    page = open_page(f"search.html?q={name}")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in results.all()]
    assert any(f"countries/{country}.html" in (h or "") for h in hrefs), hrefs


def test_dropdowns_and_code_toggles_open(open_page):
    page = open_page(PAGES["course"])
    dropdown = page.locator("details.sd-dropdown").first
    assert dropdown.get_attribute("open") is None
    dropdown.locator("summary").first.click()
    assert dropdown.get_attribute("open") is not None
    page = open_page(PAGES["country"])
    toggle = page.locator("details.hide.above-input").first
    assert not toggle.locator("pre").first.is_visible()
    toggle.locator("summary").first.click()
    assert toggle.locator("pre").first.is_visible()


def test_long_auditor_tables_sort_and_filter_in_the_page(open_page):
    page = open_page(PAGES["replication"])
    table = page.locator("table.sp-sortable").last
    rows = table.locator("tbody tr")
    total = rows.count()
    assert total > 100
    page.locator(".sp-table-controls input").last.fill("moldova")
    shown = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(shown) < total
    assert all(
        "moldova" in (r.text_content() + (r.get_attribute("data-search") or "")).lower()
        for r in shown
    )
    page.locator(".sp-table-controls input").last.fill("")
    header = table.locator("thead th", has_text="Published").first
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = table.locator("tbody tr td:nth-child(4)").all_text_contents()
    numbers = [float(v) for v in values if v.replace(".", "", 1).replace("-", "", 1).isdigit()]
    assert numbers == sorted(numbers)


def test_auditor_tables_scroll_inside_with_the_key_column_in_view(open_page):
    page = open_page(PAGES["cross-country"])
    wrap = page.locator(".sp-table-wrap.sp-scroll").first
    sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth, document.body.clientWidth]")
    assert sizes[1] <= sizes[2]
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    key = wrap.locator("tbody th").first
    assert key.evaluate("c => getComputedStyle(c).position") == "sticky"
    box, frame = key.bounding_box(), wrap.bounding_box()
    assert box["x"] >= frame["x"] - 1


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_or_critical_accessibility_violation(open_page, kind):
    page = open_page(PAGES[kind])
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
            return result.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
                target: v.nodes[0].target.join(" ")}));
        }"""
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{PAGES[kind]}: {bad}"


@pytest.mark.parametrize("kind", ["country", "course", "report"])
def test_no_table_has_an_empty_header_cell(open_page, kind):
    # Styler's index-name row and blank corner were 63 empty headers on a country page.
    page = open_page(PAGES[kind])
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: ["empty-table-header"]});
            return result.violations.map(v => v.nodes.length);
        }"""
    )
    assert found == [], f"{PAGES[kind]}: {found} empty table headers"


def test_a_printed_country_report_keeps_every_column(open_page):
    # A4 at 96 px per inch, less 15 mm margins each side: about 680 px of line.
    page = open_page(PAGES["report"], width=680, height=1000, media="print")
    clipped = page.evaluate(
        """() => {
            const out = [];
            for (const table of document.querySelectorAll("table")) {
                const caption = (table.caption ? table.caption.textContent : "").slice(0, 60);
                for (const cell of table.querySelectorAll("th, td")) {
                    const r = cell.getBoundingClientRect();
                    const hidden = getComputedStyle(cell).display === "none";
                    if (hidden || r.right > document.documentElement.clientWidth + 1) {
                        out.push(caption + " | " + cell.textContent.trim().slice(0, 30));
                    }
                }
            }
            return out;
        }"""
    )
    assert clipped == []
    # and the printed PDF itself is made, with no code toggles in it
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    assert page.locator("details summary:visible").count() == 0


def test_printed_book_chapter_hides_code_toggles_and_keeps_columns(open_page):
    page = open_page(PAGES["country"], width=680, height=1000, media="print")
    assert page.locator("details.hide summary:visible").count() == 0
    wide = page.evaluate(
        """() => [...document.querySelectorAll(".sp-table-wrap")]
            .filter(w => w.scrollWidth > w.clientWidth + 1)
            .map(w => (w.querySelector("caption") || {}).textContent)"""
    )
    assert wide == []
