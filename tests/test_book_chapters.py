"""The built book: every country has its chapter, figures, tables and safe counts.

These tests read what ``make book`` produced (``make test`` builds first); a missing book is
handled once, by the ``built_html`` fixture (tests/conftest.py).
"""

import re

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from survivors_perspectives import paths
from survivors_perspectives.countries import countries_in_csv, slugify

HTML = paths.BOOK_HTML
SURVEY_CSV = paths.SURVEY

needs_book = pytest.mark.usefixtures("built_html")


def _countries():
    if not SURVEY_CSV.exists():
        pytest.skip(f"survey data missing: {SURVEY_CSV}")
    return countries_in_csv(SURVEY_CSV)


def _page(country):
    path = HTML / "countries" / f"{slugify(country)}.html"
    assert path.exists(), f"no chapter for {country}: {path} missing"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _main(soup):
    return soup.find("main") or soup.find("article") or soup


@needs_book
def test_every_country_has_a_titled_chapter_with_figures_and_tables():
    countries = _countries()
    assert len(countries) >= 6
    for country in countries:
        soup = _page(country)
        body = _main(soup)
        h1 = body.find("h1")
        assert h1 is not None and country in h1.get_text(), f"{country}: heading {h1}"
        images = body.find_all("img", src=re.compile(r"^data:image/svg\+xml;base64,"))
        assert len(images) >= 6, f"{country}: {len(images)} figures"
        for image in images:
            assert len(image.get("alt", "").strip()) > 20, f"{country}: figure without alt text"
        captions = [c.get_text() for c in body.find_all("figcaption")]
        assert any(c.startswith("Figure 1:") for c in captions), captions
        sp_tables = body.find_all("table", class_="sp-table")
        assert len(sp_tables) >= 10, f"{country}: {len(sp_tables)} tables"
        assert body.find(string=re.compile(r"Table 1:")), f"{country}: no numbered table caption"
        text = body.get_text(" ")
        assert "synthetic" in text.lower()
        assert "country = " not in text, f"{country}: the parameters cell is visible"
        assert "Traceback" not in text, f"{country}: an error output is on the page"


def _published_counts(country):
    """Every whole number the reference table publishes for ``country`` (count, n, implied)."""
    reference = pd.read_csv(paths.PUBLISHED_STATISTICS)
    rows = reference[reference["scope"] == country]
    found = set(rows.loc[rows["unit"] == "count", "value"].dropna().astype(int))
    found |= set(rows["n"].dropna().astype(int))
    percent = rows[(rows["unit"] == "percent") & rows["base"].notna()]
    found |= {round(v * b / 100) for v, b in zip(percent["value"], percent["base"], strict=True)}
    return found


@needs_book
def test_no_country_level_count_of_one_to_four_is_shown_unless_published():
    checked = 0
    for country in _countries():
        for table in _main(_page(country)).find_all("table", class_="sp-table"):
            if "sp-auditor-table" in table["class"]:
                # the report's figures beside ours: no count column (its small counts are
                # hidden by published_beside_ours, tested in test_country_report)
                headers = [th.get_text(strip=True) for th in table.thead.find_all("th")]
                assert not [h for h in headers if h.endswith("(n)")], (country, headers)
                continue
            # Styler marks data column headers ``col_heading`` and data cells ``td``; row
            # headers are ``th`` (with rowspans), so only td cells are matched to columns.
            header = [
                th.get_text(strip=True)
                for th in table.find("thead").find_all("th", class_="col_heading")
            ]
            count_columns = {i for i, name in enumerate(header) if name.endswith("(n)")}
            for row in table.find("tbody").find_all("tr"):
                cells = row.find_all("td")
                assert len(cells) == len(header), f"{country}: ragged table row"
                for i, cell in enumerate(cells):
                    if i not in count_columns:
                        continue
                    value = cell.get_text(strip=True)
                    checked += 1
                    if value.isdigit() and 1 <= int(value) <= 4:
                        assert "published" in (cell.get("class") or []), (
                            f"{country}: unsuppressed count {value} in column {header[i]!r} "
                            f"of {table.find('caption').get_text(strip=True)!r}"
                        )
                        assert int(value) in _published_counts(country), (
                            f"{country}: {value} marked published but no reference row has it"
                        )
    assert checked > 100, "too few count cells found: did the table markup change?"


@needs_book
def test_country_sentences_state_the_numbers_in_the_data():
    raw = pd.read_csv(SURVEY_CSV, dtype=str, keep_default_na=False)
    for country in _countries():
        rows = raw[raw["country"] == country]
        text = " ".join(_main(_page(country)).get_text(" ").split())
        n = len(rows)
        assert f"In {country}, {n} frontline support workers completed the survey" in text
        online = pd.to_numeric(rows["caseload_online_pct"], errors="coerce").mean()
        assert f"an average of {online:.0f}% involved digital technology" in text
        women = (rows["gender"] == "Female").sum()
        male_or_other = n - women
        if 1 <= women <= 4 or 1 <= male_or_other <= 4:
            continue  # the share may be withheld; the unit tests cover that case
        assert f"Women made up {100 * women / n:.0f}% of them" in text


@needs_book
def test_country_sentences_across_topics_match_the_data():
    raw = pd.read_csv(SURVEY_CSV, dtype=str, keep_default_na=False)
    for country in _countries():
        rows = raw[raw["country"] == country]
        text = " ".join(_main(_page(country)).get_text(" ").split()).replace("\u2019", "'")
        # public awareness: shares may be withheld when any rating counts 1 to 4
        ratings = rows["public_awareness"].value_counts()
        if not ratings.between(1, 4).any():
            poor = 100 * ratings.get("Poor", 0) / len(rows)
            assert f"In {country}, {poor:.0f}% of respondents rated public awareness" in text
        # boys and girls: the number who supported boys (stated unless the rest is small)
        boys = int((rows["supported_boys"] == "true").sum())
        if not 1 <= len(rows) - boys <= 4:
            assert f"{boys} had supported boys in the past year" in text
        # forms of abuse among workers with online cases involving girls
        asked = rows[pd.to_numeric(rows["girls_online_pct"], errors="coerce") > 0]
        grooming = int((asked["girls_form_grooming"] == "true").sum())
        if not 1 <= grooming <= 4:
            share = 100 * grooming / len(asked)
            assert (
                f"Among respondents in {country} with online cases, grooming had come up for "
                f"{share:.0f}% with girls"
            ) in text


@needs_book
def test_bosnia_and_herzegovina_chapter_says_why_there_were_no_conversations():
    if "Bosnia and Herzegovina" not in _countries():
        pytest.skip("no Bosnia and Herzegovina in the data")
    from survivors_perspectives.conversations.country import no_conversations_reason

    reason = no_conversations_reason("Bosnia and Herzegovina")
    assert reason, "the conversations package gives no reason for Bosnia and Herzegovina"
    section = _page("Bosnia and Herzegovina").find(
        "section", id="conversations-with-young-survivors"
    )
    assert section is not None, "no conversations section on the Bosnia and Herzegovina page"
    # Markdown rendering turns straight apostrophes into typographic ones
    text = " ".join(section.get_text(" ").split()).replace("\u2019", "'")
    assert " ".join(reason.split()) in text
    assert "took part in conversations" not in text
    # a country with conversations shows its tables instead
    other = _page("Mexico").find("section", id="conversations-with-young-survivors")
    assert "took part in conversations in Mexico" in " ".join(other.get_text(" ").split())
    assert other.find("table") is not None


@needs_book
def test_other_chapters_are_built():
    for page in ("methods", "chapters/overview", "chapters/data", "chapters/reproducibility"):
        path = HTML / f"{page}.html"
        assert path.exists(), f"{path} missing"
    overview = BeautifulSoup((HTML / "chapters/overview.html").read_text(), "html.parser")
    assert len(overview.find_all("img", alt=True)) >= 4
    repro = (HTML / "chapters/reproducibility.html").read_text()
    assert re.search(r"[0-9a-f]{64}", repro), "no SHA-256 on the reproducibility page"


@needs_book
def test_executed_country_notebooks_hold_no_error_outputs():
    notebooks = sorted((paths.BOOK / "countries").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "error", f"{path.name}: error output"
                if output.get("output_type") == "stream":
                    assert output.get("name") != "stderr", f"{path.name}: {output.get('text')}"
