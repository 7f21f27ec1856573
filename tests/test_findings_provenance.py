"""Every figure and table of a country chapter says which function made it from which data."""

from __future__ import annotations

from bs4 import BeautifulSoup

from survivors_perspectives import paths
from survivors_perspectives.countries import countries_in_csv, slugify
from survivors_perspectives.fingerprints import sha256


def test_each_figure_and_table_carries_its_provenance_line(built_html):
    survey_sha = sha256(paths.SURVEY)
    for country in countries_in_csv(paths.SURVEY):
        page = built_html / "countries" / f"{slugify(country)}.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        outputs = soup.find_all("figure", class_="sp-figure") + soup.find_all(
            "table", class_="sp-table"
        )
        lines = soup.find_all("p", class_="sp-provenance")
        assert len(outputs) >= 10, page
        assert len(lines) == len(outputs), f"{country}: {len(lines)} lines, {len(outputs)} outputs"
        for line in lines:
            function = line["data-function"]
            assert function.startswith("survivors_perspectives.pages.country_chapter."), function
            files = line["data-files"].split()
            hashes = line["data-sha256"].split()
            assert len(files) == len(hashes) >= 1
            if "data/synthetic/frontline_survey.csv" in files:
                assert hashes[files.index("data/synthetic/frontline_survey.csv")] == survey_sha
