"""Provenance lines: name the function and the data file (with its hash), deterministically."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from notebook_fixtures import write_notebook

from survivors_perspectives import paths, stats
from survivors_perspectives.pages import provenance, tables
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("respondent_id,country\nSYN-0001,Peru\n", encoding="utf-8")
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_sha256_matches_hashlib_and_follows_changes(data_file):
    assert provenance.file_sha256(data_file) == _sha(data_file)
    data_file.write_text("respondent_id,country\nSYN-0001,Peru\nSYN-0002,Mexico\n", "utf-8")
    assert provenance.file_sha256(data_file) == _sha(data_file)


def test_line_text_names_function_file_and_short_hash(data_file):
    line = provenance.line(stats.chi2_independence, data_file)
    expected = (
        "Made by `survivors_perspectives.stats.chi2_independence` from "
        f"`{data_file.resolve().as_posix()}` (sha256 {_sha(data_file)[:12]}…)."
    )
    assert line.text() == expected
    assert str(line) == expected


def test_line_uses_path_relative_to_repository_root():
    line = provenance.line(stats.anova_oneway, paths.PUBLISHED_STATISTICS)
    assert line.files == (
        ("data/reference/published_statistics.csv", _sha(paths.PUBLISHED_STATISTICS)),
    )
    assert "`data/reference/published_statistics.csv`" in line.text()
    assert str(paths.ROOT) not in line.text()


def test_line_html_carries_the_facts_as_attributes(data_file, tmp_path):
    other = tmp_path / "reference.csv"
    other.write_text("id\nx.y\n", encoding="utf-8")
    html = provenance.line(
        "survivors_perspectives.pages.tables.count_table", data_file, other
    ).html()
    tag = BeautifulSoup(html, "html.parser").find("p")
    assert tag["class"] == [provenance.CSS_CLASS]
    assert tag["data-function"] == "survivors_perspectives.pages.tables.count_table"
    assert tag["data-sha256"].split() == [_sha(data_file), _sha(other)]
    assert tag["data-files"].split() == [
        data_file.resolve().as_posix(),
        other.resolve().as_posix(),
    ]
    assert tag.get_text(" ", strip=True).startswith("Made by")


def test_line_is_deterministic(data_file):
    first = provenance.line(stats.crosstab, data_file)
    second = provenance.line(stats.crosstab, data_file)
    assert first == second
    assert first.html() == second.html()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", first.html())  # no date or timestamp


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(provenance.ProvenanceError, match=r"nowhere\.csv does not exist"):
        provenance.line(stats.crosstab, missing)


def test_function_outside_the_package_is_refused(data_file):
    with pytest.raises(provenance.ProvenanceError, match=r"'posixpath.join' is not part of"):
        provenance.line(__import__("os").path.join, data_file)
    with pytest.raises(provenance.ProvenanceError, match=r"'pandas.crosstab' is not part"):
        provenance.line("pandas.crosstab", data_file)


def test_at_least_one_file_is_required():
    with pytest.raises(provenance.ProvenanceError, match="at least one data file"):
        provenance.line(stats.crosstab)


def test_attach_puts_the_line_under_a_frame(data_file):
    frame = pd.DataFrame({"n": [3, 4]}, index=["a", "b"])
    html = provenance.attach(frame, stats.crosstab, data_file)._repr_html_()
    soup = BeautifulSoup(html, "html.parser")
    table, line = soup.find("table"), soup.find("p", class_=provenance.CSS_CLASS)
    assert table is not None and line is not None
    assert table.find_next("p", class_=provenance.CSS_CLASS) is line
    assert [td.get_text() for td in table.find_all("td")] == ["3", "4"]


def test_attach_keeps_a_package_table_and_its_suppression(data_file):
    counts = pd.DataFrame({"Women (n)": [2, 30]}, index=["Albania", "Peru"])
    table = tables.count_table(counts, caption="Respondents")
    html = provenance.attach(table, tables.count_table, data_file)._repr_html_()
    assert html.startswith(table.to_html())
    assert html.endswith(provenance.line(tables.count_table, data_file).html())
    cells = [td.get_text() for td in BeautifulSoup(html, "html.parser").tbody.find_all("td")]
    assert cells == [tables.SUPPRESSED, "30"]


def test_attach_captions_and_numbers_a_frame_and_a_figure(data_file):
    from survivors_perspectives.pages import plots

    numbering = plots.Numbering()
    numbering.next_table()  # a table earlier in the chapter
    frame = pd.DataFrame({"n": [3.0, float("nan")]}, index=pd.Index(["a", "b"], name="group"))
    shown = provenance.attach(
        frame, stats.crosstab, data_file, caption="Groups <b>counted</b>", numbering=numbering
    )
    soup = BeautifulSoup(shown._repr_html_(), "html.parser")
    assert soup.table.caption.get_text() == "Table 2: Groups <b>counted</b>"  # escaped
    assert [td.get_text() for td in soup.tbody.find_all("td")] == ["3", "–"]
    assert soup.table.find_next("p", class_=provenance.CSS_CLASS)["data-function"] == (
        "survivors_perspectives.stats.crosstab"
    )
    figure = plots.country_bars(
        pd.Series([40.0], index=["Peru"]), caption="Share", alt="a", xlabel="x"
    )
    drawn = provenance.attach(figure, plots.country_bars, data_file, numbering=numbering)
    assert figure.number == 1 and numbering.tables == 2
    soup = BeautifulSoup(drawn._repr_html_(), "html.parser")
    assert soup.figure.figcaption.get_text() == "Figure 1: Share"
    assert soup.figure.find_next("p", class_=provenance.CSS_CLASS) is not None


def test_attach_will_not_number_a_frame_without_a_caption(data_file):
    from survivors_perspectives.pages import plots

    with pytest.raises(provenance.ProvenanceError, match=r"cannot number a DataFrame.*caption="):
        provenance.attach(
            pd.DataFrame({"n": [1]}), stats.crosstab, data_file, numbering=plots.Numbering()
        )


def test_source_location_points_at_the_def_line():
    location = provenance.source_location(stats.chi2_independence)
    file, line = location.rsplit(":", 1)
    assert file == "src/survivors_perspectives/stats.py"
    lines = (paths.ROOT / file).read_text(encoding="utf-8").splitlines()
    assert lines[int(line) - 1].startswith("def chi2_independence(")
    assert provenance.source_location("survivors_perspectives.stats.chi2_independence") == location


def test_source_location_of_unknown_name():
    with pytest.raises(provenance.ProvenanceError, match="cannot find"):
        provenance.source_location("survivors_perspectives.stats.no_such_function")


def test_manifest_gives_size_and_full_hash(data_file):
    (entry,) = provenance.manifest(data_file)
    assert entry == {
        "file": data_file.resolve().as_posix(),
        "bytes": data_file.stat().st_size,
        "sha256": _sha(data_file),
    }


def test_find_calls_numbers_cells_as_jupyter_shows_them(tmp_path):
    folder = tmp_path / "notebooks" / "part"
    folder.mkdir(parents=True)
    write_notebook(
        folder / "a.ipynb",
        "import x",
        "result = stats.chi2_independence(frame, 'a', 'b')",
        "other = my_chi2_independence(frame)\ny = chi2_independence (frame, 'a', 'b')",
    )
    calls = provenance.find_calls(stats.chi2_independence, tmp_path / "notebooks")
    # Cell 1 is the heading, 2 the parameters, 3 the import.
    assert [(c["cell"], c["line"]) for c in calls] == [(4, 1), (5, 2)]
    assert calls[0]["notebook"].endswith("notebooks/part/a.ipynb")


def test_published_test_trace_covers_every_test_with_its_source():
    reference = load_reference()
    trace = provenance.published_test_trace(reference)
    assert [row["id"] for row in trace] == [t.id for t in PUBLISHED_TESTS]
    sources = reference.set_index("id")["source"]
    for row, test in zip(trace, PUBLISHED_TESTS, strict=True):
        assert row["function"] == f"survivors_perspectives.stats.{test.kind}"
        assert row["source"] == sources[test.id]
        assert row["columns"] == " x ".join(test.variables)


def test_published_test_trace_names_a_missing_row():
    reference = load_reference()
    reference = reference[reference["id"] != "profile.gender.by_country.chi2"]
    with pytest.raises(provenance.ProvenanceError, match=r"profile\.gender\.by_country\.chi2"):
        provenance.published_test_trace(reference)


def test_command_line_prints_definition_and_calls(capsys):
    status = provenance.main(
        [
            "survivors_perspectives.stats.anova_oneway",
            "--hash",
            str(paths.PUBLISHED_STATISTICS),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("defined at src/survivors_perspectives/stats.py:")
    assert f"{_sha(paths.PUBLISHED_STATISTICS)}  data/reference/published_statistics.csv" in out


def test_command_line_refuses_foreign_function(capsys):
    assert provenance.main(["os.path.join"]) == 2
    assert "not part of survivors_perspectives" in capsys.readouterr().err
