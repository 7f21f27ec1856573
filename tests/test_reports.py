"""Standalone country reports: one offline file per country, same numbers as the book."""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from nbformat import v4
from notebook_fixtures import KERNELSPEC

from survivors_perspectives import paths
from survivors_perspectives.build import reports
from survivors_perspectives.build.execute import execute_notebook
from survivors_perspectives.countries import countries_in_csv, slugify
from survivors_perspectives.pages import country_chapter

COUNTRIES = ("Peru", "Bosnia and Herzegovina")
LABEL = "synthetic data"
DATE = "2026-11-24"
CITATION = ["Compendium (2026). A compendium [software].", "Authors (2022). A report."]
# Counts per sector; Police (3) and Courts (1) must be shown as "<5" by the package's tables.
COUNTS = {"NGO": 12, "Police": 3, "Courts": 1, "Health": 40}


def _template(path: Path) -> Path:
    """A small country template exercising every feature the report has to handle."""
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [
        v4.new_markdown_cell(
            "# Template title\n\nOPENING-PARAGRAPH before the note.\n\n"
            ":::{admonition} Content note\n:class: warning\n"
            "CONTENT-NOTE-BODY with **emphasis**.\n:::\n\n(sec-who)=\n"
        ),
        v4.new_code_cell('country = "Albania"', metadata={"tags": ["parameters"]}),
        v4.new_code_cell(
            "# CODE-INPUT-MARKER imports\n"
            "import matplotlib.pyplot as plt\nimport pandas as pd\n"
            "from IPython.display import Markdown, display\nfrom myst_nb import glue\n"
            "from survivors_perspectives.pages import plots, tables",
            metadata={"tags": ["remove-cell"]},
        ),
        v4.new_markdown_cell(
            "## Who responded\n\n```{note}\nNOTE-BODY with `code`.\n```\n\n"
            "See {numref}`the figure <fig-bars>`."
        ),
        v4.new_code_cell(
            "# CODE-INPUT-MARKER table\n"
            f"counts = pd.DataFrame({{'Workers (n)': {list(COUNTS.values())}}}, "
            f"index={list(COUNTS)})\n"
            "tables.count_table(counts, caption='Respondents by sector')",
            metadata={"tags": ["hide-input"]},
        ),
        v4.new_code_cell(
            "# CODE-INPUT-MARKER figure\nfig, ax = plots.new_figure()\n"
            "ax.bar(['a', 'b'], [1, 2])\n"
            "plots.Figure(fig=fig, caption='Bars for ' + country, alt='two bars', number=1)"
        ),
        v4.new_code_cell(
            "# CODE-INPUT-MARKER plain\nplt.figure(figsize=(2, 2))\nplt.plot([0, 1], [1, 0])\n"
            "plt.show()",
            metadata={"mystnb": {"figure": {"caption": "CAPTION-PLAIN-FIGURE"}}},
        ),
        v4.new_code_cell(
            "# CODE-INPUT-MARKER glue\nglue('n_workers', int(counts.iloc[0, 0]), display=False)"
        ),
        v4.new_markdown_cell("GLUED: {glue:text}`n_workers` workers."),
        v4.new_code_cell("print('BOOK-ONLY-OUTPUT')", metadata={"tags": ["book-only"]}),
        v4.new_markdown_cell("BOOK-ONLY-PROSE", metadata={"tags": ["book-only"]}),
        v4.new_code_cell("print('REMOVED-OUTPUT-MARKER')", metadata={"tags": ["remove-output"]}),
        v4.new_code_cell(
            "display(Markdown(f'SHOWN-OUTPUT for **{country}**'))",
            metadata={"tags": ["remove-input"]},
        ),
    ]
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def executed_dir(tmp_path_factory) -> Path:
    """Executed country notebooks, as the runner leaves them in book/countries/."""
    root = tmp_path_factory.mktemp("executed")
    template = _template(root / "country_findings.ipynb")
    out = root / "countries"
    for country in COUNTRIES:
        execute_notebook(
            template, out / f"{slugify(country)}.ipynb", {"country": country}, title=country
        )
    return out


@pytest.fixture(scope="module")
def report_dir(executed_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    reports.export_reports(
        executed_dir, out, data_label=LABEL, build_date=DATE, citation=CITATION, pdf=False
    )
    return out


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _network_addresses(soup: BeautifulSoup) -> list[str]:
    """Every address the page would load (hyperlinks excluded) that is not embedded."""
    loaded = []
    for tag in soup.find_all(True):
        for attr in ("src", "href", "data", "srcset", "poster"):
            if not tag.has_attr(attr) or (tag.name == "a" and attr == "href"):
                continue
            value = str(tag[attr]).strip()
            if not value.startswith(("data:", "#")):
                loaded.append(f"<{tag.name} {attr}={value}>")
    for style in soup.find_all("style"):
        loaded += re.findall(r"url\(\s*['\"]?(?!data:|#)[^)]*\)|@import[^;]*", style.get_text())
    return loaded


def _tables(soup: BeautifulSoup) -> list[list[list[str]]]:
    return [
        [
            [
                " ".join(cell.get_text(" ", strip=True).split())
                for cell in row.find_all(["th", "td"])
            ]
            for row in table.find_all("tr")
        ]
        for table in soup.find_all("table")
    ]


def _count_cells(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    """Every body cell under a count column (header ending "(n)"): (row, header, text).

    Cells of class ``published`` (a count the report itself printed) are left out: the
    book shows those as published, as the disclosure rules allow.

    The header row is the head row with the most labelled cells; body cells are matched to
    it from the right, so row headers spanning several rows do not shift the columns.
    """
    found = []
    for table in soup.find_all("table"):
        rows = table.select("thead tr") or table.find_all("tr")[:1]
        if not rows:
            continue
        header_row = max(
            rows, key=lambda r: sum(bool(c.get_text(strip=True)) for c in r.find_all("th"))
        )
        headers = [th.get_text(" ", strip=True) for th in header_row.find_all(["th", "td"])]
        for row in table.select("tbody tr"):
            cells = row.find_all("td")
            label = " ".join(th.get_text(strip=True) for th in row.find_all("th"))
            for header, cell in zip(headers[-len(cells) :], cells, strict=False):
                if header.endswith("(n)") and "published" not in cell.get("class", []):
                    found.append((label, header, cell.get_text(strip=True)))
    return found


def _small_count_cells(soup: BeautifulSoup) -> list[str]:
    """Count cells that show 1 to 4 people."""
    return [
        f"{header}={text} in row {label!r}"
        for label, header, text in _count_cells(soup)
        if re.fullmatch(r"[1-4]", text)
    ]


def _numbers(elements) -> Counter:
    """How often each number (``12``, ``12.5``, ``40%``) appears in the elements' text."""
    found: Counter = Counter()
    for element in elements:
        element = copy.copy(element)
        for style in element.find_all("style"):
            style.decompose()
        found.update(re.findall(r"\d+(?:[.,]\d+)*%?", element.get_text(" ")))
    return found


def _shown(cell) -> str:
    """What the book shows of a cell: its Markdown, or its outputs' HTML or text."""
    if cell.cell_type == "markdown":
        return cell.source
    parts = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        text = data.get("text/html") or data.get("text/markdown") or data.get("text/plain")
        parts.append("".join(text or out.get("text", "")))
    return "\n".join(parts)


def test_one_report_per_country_and_an_index(report_dir):
    expected = {f"{slugify(c)}.html" for c in COUNTRIES} | {"index.html"}
    assert {p.name for p in report_dir.iterdir()} == expected
    links = [(a.get_text(), a["href"]) for a in _soup(report_dir / "index.html").select("li a")]
    # Study order (Bosnia and Herzegovina before Peru), each link to a file that exists.
    assert links == [
        ("Bosnia and Herzegovina", "bosnia-and-herzegovina.html"),
        ("Peru", "peru.html"),
    ]
    assert "behind these reports is synthetic" in _soup(report_dir / "index.html").get_text()


@pytest.mark.parametrize("name", ["peru.html", "bosnia-and-herzegovina.html", "index.html"])
def test_nothing_is_loaded_from_the_network(report_dir, name):
    text = (report_dir / name).read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert _network_addresses(soup) == []
    assert soup.find("script", src=True) is None
    assert soup.find("link") is None
    for library in ("require.js", "mathjax", "mermaid", "cdnjs", "unpkg", "jsdelivr"):
        assert library not in text.lower()


def test_the_network_check_catches_an_external_image(executed_dir, tmp_path):
    notebook = nbformat.read(executed_dir / "peru.ipynb", as_version=4)
    notebook.cells.append(
        v4.new_code_cell(
            "x",
            outputs=[
                v4.new_output(
                    "display_data", {"text/html": '<img src="https://example.org/x.png">'}
                )
            ],
        )
    )
    source = tmp_path / "peru.ipynb"
    nbformat.write(notebook, source)
    assert "<img src=https://example.org/x.png>" in _network_addresses(
        BeautifulSoup('<img src="https://example.org/x.png">', "html.parser")
    )
    with pytest.raises(reports.ReportError, match=r"network.*https://example\.org/x\.png"):
        reports.export_country_report(
            source,
            tmp_path / "peru.html",
            country="Peru",
            data_label=LABEL,
            build_date=DATE,
            citation=CITATION,
        )
    assert not (tmp_path / "peru.html").exists()


def test_no_code_input_appears(report_dir, executed_dir):
    text = (report_dir / "peru.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert "CODE-INPUT-MARKER" not in text
    assert "display(Markdown(" not in text
    assert soup.select(".jp-CodeCell .jp-InputArea") == []
    assert soup.select(".jp-InputPrompt, .jp-OutputPrompt") == []
    # The executed notebook does hold the code, so the markers above can be found.
    assert "CODE-INPUT-MARKER" in (executed_dir / "peru.ipynb").read_text()


def test_figures_are_embedded_with_captions(report_dir):
    soup = _soup(report_dir / "peru.html")
    images = soup.find_all("img")
    assert len(images) == 2
    for image in images:
        # the book's Figure and the plain pyplot figure alike: SVG (plots.set_theme)
        assert image["src"].startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(image["src"].split(",", 1)[1])
        assert svg.startswith(b"<?xml") and b"<svg" in svg
        assert b"<dc:date>" not in svg
    captions = [c.get_text(strip=True) for c in soup.select("figure figcaption")]
    assert captions == ["Figure 1: Bars for Peru", "CAPTION-PLAIN-FIGURE"]
    assert soup.find("img", alt="two bars") is not None


def test_title_page_names_country_data_date_and_citation(report_dir):
    for country in COUNTRIES:
        soup = _soup(report_dir / f"{slugify(country)}.html")
        page = soup.select_one("header.sp-title-page")
        assert page.select_one("h1").get_text(strip=True) == country
        assert page.select_one(".sp-data").get_text(strip=True) == LABEL
        assert page.select_one(".sp-build-date time")["datetime"] == DATE
        assert [p.get_text() for p in page.select(".sp-citation p")] == CITATION
        assert "synthetic" in page.select_one(".sp-synthetic").get_text()
        # The template's heading is replaced by the title page, not printed twice.
        assert len(soup.find_all("h1")) == 1
        assert "Template title" not in soup.get_text()


def test_citation_comes_from_citation_cff():
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    compendium, report = reports.citation_from_cff()
    assert cff["title"] in compendium
    assert str(cff["version"]) in compendium
    assert compendium.startswith(cff["authors"][0]["name"])
    cited = cff["references"][0]
    assert cited["type"] == "report"
    assert cited["title"] in report
    assert f"({cited['year']})" in report
    assert all(author["name"] in report for author in cited["authors"])


def test_content_note_comes_first_as_a_box(report_dir):
    soup = _soup(report_dir / "peru.html")
    main = soup.find("main")
    blocks = main.find_all(recursive=False)
    assert [b.name for b in blocks[:2]] == ["header", "aside"]
    note = blocks[1]
    assert set(note["class"]) >= {"admonition", "warning", "sp-content-note"}
    assert note.select_one(".admonition-title").get_text() == "Content note"
    assert note.find("strong").get_text() == "emphasis"
    assert "CONTENT-NOTE-BODY" in note.get_text()
    text = main.get_text()
    # Before the paragraph that preceded it in the notebook, and shown once, with no fence.
    assert text.index("CONTENT-NOTE-BODY") < text.index("OPENING-PARAGRAPH")
    assert text.count("CONTENT-NOTE-BODY") == 1
    assert ":::" not in text
    assert "(sec-who)=" not in text


def test_other_myst_is_rendered(report_dir):
    soup = _soup(report_dir / "peru.html")
    note = soup.select_one(".sp-body div.admonition.note")
    assert note.select_one(".admonition-title").get_text() == "Note"
    assert note.find("code").get_text() == "code"
    assert "NOTE-BODY" in note.get_text()
    text = soup.get_text()
    assert "See the figure." in text
    assert f"GLUED: {COUNTS['NGO']} workers." in text
    assert "{glue" not in text and "{numref}" not in text


def test_tagged_cells_are_removed(report_dir):
    text = (report_dir / "peru.html").read_text(encoding="utf-8")
    for marker in ("BOOK-ONLY-OUTPUT", "BOOK-ONLY-PROSE", "REMOVED-OUTPUT-MARKER"):
        assert marker not in text
    assert "SHOWN-OUTPUT for" in text
    assert "<strong>Peru</strong>" in text


def test_small_counts_are_not_shown(report_dir):
    soup = _soup(report_dir / "peru.html")
    rows = {r[0]: r[1:] for table in _tables(soup) for r in table}
    assert rows["NGO"] == ["12"]
    assert rows["Health"] == ["40"]
    assert rows["Police"] == ["<5"]
    assert rows["Courts"] == ["<5"]
    assert _small_count_cells(soup) == []
    # The check itself finds a small count when one is shown.
    shown = BeautifulSoup(
        "<table><thead><tr><th></th><th>Workers (n)</th></tr></thead>"
        "<tbody><tr><th>Police</th><td>3</td></tr></tbody></table>",
        "html.parser",
    )
    assert _small_count_cells(shown) == ["Workers (n)=3 in row 'Police'"]
    shown.find("td")["class"] = ["published"]
    assert _small_count_cells(shown) == []


def test_two_exports_are_byte_identical(executed_dir, tmp_path):
    kwargs = {"country": "Peru", "data_label": LABEL, "build_date": DATE, "citation": CITATION}
    first = reports.export_country_report(
        executed_dir / "peru.ipynb", tmp_path / "a.html", **kwargs
    )
    second = reports.export_country_report(
        executed_dir / "peru.ipynb", tmp_path / "b.html", **kwargs
    )
    assert first.read_bytes() == second.read_bytes()


def test_reports_are_small(report_dir):
    # Lab's own 240 kB stylesheet is replaced by the book's typography: one report stays small.
    for path in report_dir.glob("*.html"):
        assert path.stat().st_size < 150_000, path


def test_pdf_skip_is_one_line_and_html_is_written(executed_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(reports.shutil, "which", lambda tool: None)
    code = reports.main(
        [
            "--executed-dir",
            str(executed_dir),
            "--out",
            str(tmp_path),
            "--data-label",
            LABEL,
            "--build-date",
            DATE,
        ]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    skipped = [line for line in lines if line.startswith(reports.PDF_SKIPPED)]
    assert skipped == [
        "PDF skipped: no Chromium found (install Debian's chromium, `apt-get install "
        "chromium`, or set SURVIVORS_PERSPECTIVES_CHROMIUM to a Chromium or Chrome binary); "
        "the HTML reports are complete."
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bosnia-and-herzegovina.html",
        "index.html",
        "peru.html",
    ]


def test_a_failing_pdf_never_fails_the_html(executed_dir, tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("chromium exited 1\nmany lines of log")

    monkeypatch.setattr(reports, "pdf_unavailable", lambda: None)
    monkeypatch.setattr(reports, "export_country_pdf", broken)
    written = reports.export_reports(
        executed_dir, tmp_path, data_label=LABEL, build_date=DATE, citation=CITATION
    )
    assert [line for line in capsys.readouterr().out.splitlines() if "PDF" in line] == [
        "PDF skipped: printing bosnia-and-herzegovina.html failed (chromium exited 1)."
    ]
    assert {p.name for p in written} == {"bosnia-and-herzegovina.html", "peru.html", "index.html"}


def _pdf_links(index: Path) -> list[tuple[str, str, str]]:
    return [
        (a["href"], a.get_text(), a["aria-label"])
        for a in _soup(index).select("li a.sp-report-pdf")
    ]


def test_the_report_list_links_each_pdf_that_was_made_and_no_other(
    executed_dir, tmp_path, monkeypatch
):
    def print_some(report_html, output_pdf, *, build_date):
        if Path(report_html).stem == "peru":
            raise RuntimeError("chromium exited 1")
        Path(output_pdf).write_bytes(b"%PDF-1.4 stand-in")
        return Path(output_pdf)

    monkeypatch.setattr(reports, "pdf_unavailable", lambda: None)
    monkeypatch.setattr(reports, "export_country_pdf", print_some)
    reports.export_reports(
        executed_dir, tmp_path, data_label=LABEL, build_date=DATE, citation=CITATION
    )
    # Bosnia and Herzegovina was printed, Peru failed: only the first PDF is offered.
    assert _pdf_links(tmp_path / "index.html") == [
        ("bosnia-and-herzegovina.pdf", "PDF", "Bosnia and Herzegovina report, PDF")
    ]
    reports_links = [a["href"] for a in _soup(tmp_path / "index.html").select("li > a:first-child")]
    assert reports_links == ["bosnia-and-herzegovina.html", "peru.html"]


def test_no_pdf_means_no_pdf_link(report_dir):
    assert _pdf_links(report_dir / "index.html") == []


@pytest.fixture(scope="module")
def pdf_reports(executed_dir, tmp_path_factory):
    if reports.pdf_engine() is None:
        pytest.skip(f"no PDF engine: {reports.pdf_unavailable()}")
    out = tmp_path_factory.mktemp("pdf")
    reports.export_reports(
        executed_dir, out, data_label=LABEL, build_date=DATE, citation=CITATION, pdf=True
    )
    return out


def test_pdf_is_printed_from_the_html_report_with_the_myst_rendered(pdf_reports):
    from pypdf import PdfReader

    assert sorted(p.name for p in pdf_reports.glob("*.pdf")) == [
        "bosnia-and-herzegovina.pdf",
        "peru.pdf",
    ]
    pdf = PdfReader(pdf_reports / "peru.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    first = pdf.pages[0].extract_text()
    assert "Peru" in first.splitlines()[:3]  # the title page
    opening = first + pdf.pages[1].extract_text()
    assert "Content note" in opening  # before any finding
    for raw in (":::", "{admonition}", "{glue", "```{", "(content-note)="):
        assert raw not in text
    assert CITATION[0] in " ".join(text.split())


def test_the_report_list_links_the_printed_pdfs(pdf_reports):
    assert _pdf_links(pdf_reports / "index.html") == [
        ("bosnia-and-herzegovina.pdf", "PDF", "Bosnia and Herzegovina report, PDF"),
        ("peru.pdf", "PDF", "Peru report, PDF"),
    ]


def test_pdf_is_reproducible_and_dated_by_the_build(pdf_reports, executed_dir, tmp_path):
    again = tmp_path / "again.pdf"
    reports.export_country_pdf(pdf_reports / "peru.html", again, build_date=DATE)
    assert again.read_bytes() == (pdf_reports / "peru.pdf").read_bytes()
    stamp = DATE.replace("-", "").encode()
    assert b"/CreationDate (D:" + stamp + b"000000" in again.read_bytes()


def test_a_missing_pdf_engine_named_explicitly_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv(reports.CHROMIUM_VARIABLE, "/nonexistent/chromium")
    assert reports.pdf_engine() is None
    with pytest.raises(reports.ReportError, match="no Chromium found"):
        reports.export_country_pdf(tmp_path / "x.html", tmp_path / "x.pdf", build_date=DATE)


def test_build_date_follows_source_date_epoch():
    assert reports.default_build_date(environ={"SOURCE_DATE_EPOCH": "31536000"}) == "1971-01-01"
    with pytest.raises(reports.ReportError, match=r"SOURCE_DATE_EPOCH: expected .* found 'soon'"):
        reports.default_build_date(environ={"SOURCE_DATE_EPOCH": "soon"})


def test_bad_arguments_are_named(executed_dir, tmp_path):
    kwargs = {"country": "Peru", "data_label": LABEL, "citation": CITATION}
    with pytest.raises(
        reports.ReportError, match=r"build date: expected YYYY-MM-DD, found '24/11'"
    ):
        reports.export_country_report(
            executed_dir / "peru.ipynb", tmp_path / "x.html", build_date="24/11", **kwargs
        )
    with pytest.raises(reports.ReportError, match=r"missing\.ipynb: executed notebook not found"):
        reports.export_country_report(
            tmp_path / "missing.ipynb", tmp_path / "x.html", build_date=DATE, **kwargs
        )
    unexecuted = tmp_path / "unexecuted.ipynb"
    notebook = v4.new_notebook(cells=[v4.new_code_cell("1 + 1")])
    nbformat.write(notebook, unexecuted)
    with pytest.raises(reports.ReportError, match=r"unexecuted\.ipynb: no code cell has an output"):
        reports.export_country_report(unexecuted, tmp_path / "x.html", build_date=DATE, **kwargs)
    with pytest.raises(reports.ReportError, match=r"no executed country notebooks"):
        reports.export_reports(tmp_path / "empty", tmp_path / "out")


def test_data_line_names_each_file_and_its_hash(tmp_path):
    survey = tmp_path / "real_survey.csv"
    survey.write_bytes(b"id,country\n1,Peru\n")
    expected = hashlib.sha256(b"id,country\n1,Peru\n").hexdigest()
    assert reports.describe_data([survey]) == f"real_survey.csv (SHA-256 {expected})"
    with pytest.raises(reports.ReportError, match="data files not found"):
        reports.describe_data([tmp_path / "none.csv"])


@pytest.mark.skipif(not paths.SURVEY.is_file(), reason="no synthetic survey in data/synthetic")
def test_synthetic_data_are_labelled_synthetic():
    label = reports.describe_data([paths.SURVEY])
    digest = hashlib.sha256(paths.SURVEY.read_bytes()).hexdigest()
    assert label == f"Synthetic data: {paths.SURVEY.name} (SHA-256 {digest})"


def test_admonition_fences_nest_and_other_directives_stay():
    source = (
        "::::{admonition} Content note\n:class: warning\nOuter.\n"
        ":::{tip}\nInner.\n:::\n::::\n\n"
        "```{warning} Careful\n```python\nx = 1\n```\nAfter code.\n```\n\n"
        "```{figure} plot.png\nA caption.\n```"
    )
    converted, note = reports.convert_admonitions(source, take_content_note=True)
    assert note.title == "Content note"
    assert '<div class="admonition tip">' in note.body
    assert "Outer." in note.body
    soup = BeautifulSoup(converted, "html.parser")
    warning = soup.select_one("div.admonition.warning")
    assert warning.select_one(".admonition-title").get_text() == "Careful"
    assert "After code." in warning.get_text()
    assert "```{figure} plot.png" in converted  # not an admonition: left for Markdown


def _executed(path: Path, *cells) -> Path:
    """An executed notebook written directly (no kernel): cells with stored outputs."""
    notebook = v4.new_notebook(cells=list(cells))
    notebook.cells.append(
        v4.new_code_cell(
            "x", outputs=[v4.new_output("stream", name="stdout", text="STORED-OUTPUT\n")]
        )
    )
    nbformat.write(notebook, path)
    return path


def _export(source: Path, tmp_path: Path) -> BeautifulSoup:
    out = reports.export_country_report(
        source,
        tmp_path / "r.html",
        country="Peru",
        data_label="survey.csv (SHA-256 00)",
        build_date=DATE,
        citation=CITATION,
    )
    return _soup(out)


def test_a_notebook_without_a_content_note_gets_the_default_one(tmp_path):
    soup = _export(
        _executed(tmp_path / "n.ipynb", v4.new_markdown_cell("# Peru\n\nText.")), tmp_path
    )
    note = soup.select_one("main > aside.sp-content-note")
    assert note.select_one(".admonition-title").get_text() == "Content note"
    assert "childhelplineinternational.org" in note.get_text()
    # Not synthetic data: no synthetic note on the title page.
    assert soup.select_one(".sp-synthetic") is None
    assert "STORED-OUTPUT" in soup.get_text()


def test_a_cell_tagged_content_note_is_the_content_note(tmp_path):
    source = _executed(
        tmp_path / "n.ipynb",
        v4.new_markdown_cell("Intro first."),
        v4.new_markdown_cell("TAGGED-NOTE text.", metadata={"tags": ["content-note"]}),
    )
    soup = _export(source, tmp_path)
    note = soup.select_one("main > aside.sp-content-note")
    assert note.get_text(" ", strip=True) == "Content note TAGGED-NOTE text."
    assert soup.get_text().count("TAGGED-NOTE") == 1


def test_links_into_the_book_keep_their_text_only():
    source = (
        "See [the methods](../chapters/methods.md), {doc}`../chapters/recommendations`, "
        "[helplines](https://example.org/h), [below](#below) and ![a plot](plot.png)."
    )
    assert reports.resolve_roles(source, {}) == (
        "See the methods, recommendations, [helplines](https://example.org/h), "
        "[below](#below) and ![a plot](plot.png)."
    )
    assert reports.resolve_roles("{glue:text}`share:.1f`%", {"share": "57.25"}) == "57.2%"


def test_a_missing_glue_key_is_named(tmp_path):
    source = _executed(tmp_path / "n.ipynb", v4.new_markdown_cell("N = {glue:text}`absent`."))
    with pytest.raises(reports.ReportError, match="glue key 'absent'"):
        _export(source, tmp_path)


def test_report_link_points_from_the_chapter_to_the_report():
    link = BeautifulSoup(
        country_chapter.report_link("Bosnia and Herzegovina")._repr_html_(), "html.parser"
    )
    href = link.find("a")["href"]
    chapter = paths.BOOK_HTML / "countries" / "bosnia-and-herzegovina.html"
    target = (chapter.parent / href).resolve()
    # inside the published html/ folder (build_book copies the reports there)
    assert target == (paths.BOOK_HTML / "reports" / "bosnia-and-herzegovina.html").resolve()
    assert target.is_relative_to(paths.BOOK_HTML.resolve())


@pytest.mark.usefixtures("built_html")
def test_the_published_html_folder_holds_every_report_the_chapters_link_to():
    for chapter in sorted((paths.BOOK_HTML / "countries").glob("*.html")):
        link = _soup(chapter).select_one("p.sp-report-link a")
        assert link is not None, f"{chapter.name}: no link to its report"
        target = (chapter.parent / link["href"]).resolve()
        assert target.is_file(), f"{chapter.name} links to {link['href']}, which is missing"
        assert target.read_bytes() == (REPORTS / target.name).read_bytes()
    intro = _soup(paths.BOOK_HTML / "intro.html")
    listed = [a["href"] for a in intro.select("a") if a["href"].endswith("reports/index.html")]
    assert listed and all((paths.BOOK_HTML / h).is_file() for h in listed)


@pytest.mark.usefixtures("built_html")
def test_the_published_html_folder_holds_the_pdfs_its_report_list_links_to():
    published = paths.BOOK_HTML / "reports"
    links = [href for href, _, _ in _pdf_links(published / "index.html")]
    if reports.pdf_engine() is not None:
        assert links, "Chromium is here but the report list links no PDF"
    assert sorted(links) == sorted(p.name for p in published.glob("*.pdf"))
    for name in links:
        assert (published / name).read_bytes()[:5] == b"%PDF-", name


# ---------------------------------------------------------------------------------------------
# The real build: every executed country notebook has a report whose numbers are the book's.

#: One per country in the data: a country whose notebook or report is missing fails.
EXECUTED = [
    paths.BOOK / "countries" / f"{slugify(c)}.ipynb" for c in countries_in_csv(paths.SURVEY)
]
REPORTS = paths.BOOK_BUILD / "reports"


@pytest.mark.usefixtures("built_html")
def test_every_country_in_the_data_has_a_report():
    expected = {f"{slugify(name)}.html" for name in countries_in_csv(paths.SURVEY)}
    assert expected, f"no countries in {paths.SURVEY}"
    written = {p.name for p in REPORTS.glob("*.html")}
    assert expected - written == set(), f"missing from {REPORTS}: run `make book`"
    links = {a["href"] for a in _soup(REPORTS / "index.html").select("li a")}
    assert expected <= links


@pytest.mark.usefixtures("built_html")
@pytest.mark.parametrize("notebook", EXECUTED, ids=lambda p: p.stem)
def test_book_reports_match_the_chapters(notebook):
    report = REPORTS / f"{notebook.stem}.html"
    chapter = paths.BOOK_HTML / "countries" / f"{notebook.stem}.html"
    assert report.is_file(), f"{report} is missing: run `make book`"
    assert chapter.is_file(), f"{chapter} is missing: run `make book`"
    assert report.stat().st_mtime >= notebook.stat().st_mtime, f"{report} is older than {notebook}"
    report_soup, chapter_soup = _soup(report), _soup(chapter)
    assert _network_addresses(report_soup) == []
    assert report_soup.select(".jp-CodeCell .jp-InputArea") == []
    assert _count_cells(report_soup), f"{report}: no count column found to check"
    assert _small_count_cells(report_soup) == []
    # Tables in book-only cells are in the chapter and not the report; all others in both.
    executed = nbformat.read(notebook, as_version=4)
    book_only = [
        BeautifulSoup(_shown(cell), "html.parser")
        for cell in executed.cells
        if "book-only" in cell.metadata.get("tags", [])
    ]
    report_tables, chapter_tables = _tables(report_soup), _tables(chapter_soup)
    assert len(report_tables) == len(chapter_tables) - sum(len(_tables(s)) for s in book_only)
    remaining = iter(chapter_tables)
    for table in report_tables:
        assert any(table == candidate for candidate in remaining), table
    # Every number in the text (prose, tables, captions) is the chapter's, as often.
    report_numbers = _numbers(report_soup.select("aside.sp-content-note, .sp-body"))
    chapter_numbers = _numbers(chapter_soup.select("article.bd-article"))
    chapter_numbers -= _numbers(book_only)
    assert report_numbers == chapter_numbers
    # Figures: the chapter's, each embedded in the report.
    chapter_images = chapter_soup.select("article.bd-article img")
    report_images = report_soup.select(".sp-body img")
    assert len(report_images) == len(chapter_images) - sum(
        len(s.find_all("img")) for s in book_only
    )
    assert all(img["src"].startswith("data:image/") for img in report_images)


def test_structure_ids_are_renumbered_by_rank_keeping_every_byte_offset():
    """Two prints of one report differed only in /ID (nodeNNNNNNNN): Chromium's DOM node
    counter was one apart from some element on (Peru: 320 bytes in 1334 ids)."""
    first = b"<</ID (node00000076)>> <</ID (node00000081)>> [(node00000076) 3 0 R]"
    second = b"<</ID (node00000075)>> <</ID (node00000081)>> [(node00000075) 3 0 R]"
    assert reports.renumber_node_ids(first) == reports.renumber_node_ids(second)
    assert reports.renumber_node_ids(first) == (
        b"<</ID (node00000001)>> <</ID (node00000002)>> [(node00000001) 3 0 R]"
    )
    assert len(reports.renumber_node_ids(first)) == len(first)
