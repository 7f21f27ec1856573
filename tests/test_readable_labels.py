"""Tables and figures fit to read: no header, row label or axis label in the code's terms.

Issue #16 item 1. A header such as ``ci_low`` or a row named ``profile.org_type.ngo.pct``
speaks to the code, not the reader. Each table a lesson or an auditors' chapter shows is
rendered here as the page renders it, and no header cell (``th``) may hold a snake_case name
or a dotted id; an id an auditor needs stays in a column headed "Id" (a data cell) or on
hover (a ``title``). The numbers must not change: the cells are compared with the frame's.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from survivors_perspectives import paths, stats
from survivors_perspectives.analyses import cross_country
from survivors_perspectives.conversations import schema
from survivors_perspectives.pages import auditor_tables, course, provenance, stats_figures, tables
from survivors_perspectives.pages import country_chapter as cr
from survivors_perspectives.published.significance_tests import TESTS_BY_ID, frame_for_test

CODE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
DOTTED = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$")


def code_headers(html: str) -> list[str]:
    """Return every header cell's text that is a snake_case name or a dotted id."""
    soup = BeautifulSoup(html, "html.parser")
    texts = [th.get_text(strip=True) for th in soup.find_all("th")]
    return [t for t in texts if CODE.match(t) or DOTTED.match(t)]


def rendered(frame: pd.DataFrame | pd.Series) -> str:
    return tables.frame_table(frame, caption="c").to_html()


@pytest.fixture(scope="module")
def conversations():
    return schema.load_conversations(paths.CONVERSATIONS)


def _course_tables(survey, reference, conversations) -> dict[str, pd.DataFrame]:
    """The frames the course lessons show, made as the lessons make them."""
    by_country = course.composition(survey, "gender", by="country")
    women = by_country.xs("Female", level="answer")[["base", "percent", "ci_low", "ci_high"]]
    test = TESTS_BY_ID["profile.age.by_org_type.chi2"]
    age_org = stats.chi2_independence(frame_for_test(test, survey), test.row, test.col)
    return {
        "composition": course.composition(survey, "country").round(1),
        "composition by type": course.composition(survey, "organisation_type").round(1),
        "women by country": women.assign(width=women["ci_high"] - women["ci_low"]).round(1),
        "interval widths": course.interval_widths(50, [400, 90, 49]).round(1),
        "published sizes": course.reference_rows(reference, "sample.completed.count.")[
            ["scope", "value", "source"]
        ],
        "published types": course.reference_rows(reference, "profile.org_type.")[
            ["value", "unit", "n", "base"]
        ],
        "funnel": course.screening_funnel(reference).round(1),
        "arrangements": course.arrangements(conversations),
        "format": course.arrangements(conversations).loc[["conversation_format", "pre_meeting"]],
        "observed expected": course.observed_expected(
            survey, "organisation_type", "age_band", reference=reference
        ),
        "group means": course.group_means(survey, "caseload_online_pct", "country"),
        "beside published": course.beside_published(
            {"profile.age.by_org_type.chi2": age_org}, reference
        ),
        "test trace": pd.DataFrame(provenance.published_test_trace(reference)).set_index("id"),
        "reference row": reference.set_index("id")
        .loc["profile.gender.by_country.chi2"][["quantity", "statistic", "df", "p_reported"]]
        .to_frame()
        .T,
    }


def test_no_course_table_shows_a_code_name_or_an_id_as_a_header(survey, reference, conversations):
    found = {
        name: code_headers(rendered(frame))
        for name, frame in _course_tables(survey, reference, conversations).items()
    }
    assert {name: heads for name, heads in found.items() if heads} == {}


def test_the_interval_columns_are_named_in_words(survey):
    html = rendered(course.composition(survey, "country").round(1))
    heads = [th.get_text(strip=True) for th in BeautifulSoup(html, "html.parser").find_all("th")]
    assert "95% interval from" in heads
    assert "95% interval to" in heads
    assert "ci_low" not in heads


def test_ids_move_to_a_column_headed_id_with_the_numbers_unchanged(reference):
    frame = course.reference_rows(reference, "sample.completed.count.")[["scope", "value"]]
    shown = tables.readable(frame)
    assert list(shown.columns) == ["Id", "Scope", "Value"]
    assert list(shown["Id"]) == list(frame.index)
    assert list(shown["Value"]) == list(frame["value"])
    html = rendered(frame)
    soup = BeautifulSoup(html, "html.parser")
    first_cells = [row.find("td").get_text(strip=True) for row in soup.find("tbody").find_all("tr")]
    assert first_cells == list(frame.index)


def test_readable_keeps_values_and_words_and_renames_code_names():
    frame = pd.DataFrame(
        {"n": [12, 30], "ci_low": [1.5, 2.25], "Already words": ["a_b", "x.y"]},
        index=pd.Index(["one_on_one", "Albania"], name="conversation_format"),
    )
    shown = tables.readable(frame)
    assert list(shown.columns) == ["n", "95% interval from", "Already words"]
    assert list(shown.index) == ["One on one", "Albania"]
    assert shown.index.name == "Conversation format"
    # Values, text included, are never rewritten.
    assert shown.to_numpy().tolist() == frame.to_numpy().tolist()


def test_an_index_partly_of_ids_keeps_its_rows_in_place():
    frame = pd.DataFrame({"v": [1, 2]}, index=["profile.a.pct", "Total"])
    shown = tables.readable(frame)
    assert list(shown.index) == ["profile.a.pct", "Total"]


def test_an_auditor_tables_key_cell_holding_an_id_shows_words_and_the_id_on_hover():
    frame = pd.DataFrame(
        {
            "name": ["profile.gender.by_country.chi2", "services.legal.pct", "one_on_one", "Peru"],
            "value": [1.5, 2.0, 3.0, 4.0],
        }
    )
    shown = auditor_tables.table(
        frame, [("name", "Figure"), ("value", "Value", "auto")], caption="c"
    )
    soup = BeautifulSoup(shown.to_html(), "html.parser")
    keys = [(th.get_text(), th.get("title")) for th in soup.find("tbody").find_all("th")]
    assert keys == [
        ("Respondent gender by country", "profile.gender.by_country.chi2"),
        ("Services legal pct", "services.legal.pct"),
        ("One on one", "one_on_one"),
        ("Peru", None),
    ]
    assert [row[1] for row in shown.cells()] == ["1.5", "2", "3", "4"]


def test_an_id_column_kind_keeps_the_id_as_code():
    frame = pd.DataFrame({"id": ["services.legal.pct"], "value": [1]})
    shown = auditor_tables.table(frame, [("id", "Id", "id"), ("value", "Value")], caption="c")
    assert '<th scope="row"><code>services.legal.pct</code></th>' in shown.to_html()


def test_the_chapters_auditor_tables_have_no_code_header(survey, reference, conversations):
    recomputed = cross_country.recompute_published(survey, reference)
    checks = cross_country.assumption_checks(survey)
    shown = {
        "published tests": auditor_tables.published_tests(recomputed),
        "assumptions": auditor_tables.assumptions(checks, recomputed),
        "Peru beside ours": cr.published_beside_ours(
            survey, conversations, "Peru", reference
        ).tables[0],
    }
    found = {name: code_headers(table.to_html()) for name, table in shown.items()}
    assert {name: heads for name, heads in found.items() if heads} == {}


def test_the_cross_country_figures_name_tests_in_words(survey, reference):
    recomputed = cross_country.recompute_published(survey, reference)
    figure = stats_figures.effect_sizes(recomputed)
    labels = [
        " ".join(t.get_text().split()) for ax in figure.fig.axes for t in ax.get_yticklabels()
    ]
    assert len(labels) == len(recomputed)
    assert "Respondent gender by country" in labels
    assert [t for t in labels if "." in t or "_" in t] == []
    assert "profile.gender" not in figure.alt


def test_a_test_label_is_its_description_without_the_footnote():
    assert TESTS_BY_ID["caseload.any_se.by_country.anova"].label == (
        "Caseload share with sexual exploitation, by country"
    )


def test_the_data_dictionary_keeps_each_column_name_exactly_and_not_as_a_header():
    from survivors_perspectives.pages import colophon

    book = colophon.codebook()
    html = tables.value_table(book, caption="c").to_html()
    soup = BeautifulSoup(html, "html.parser")
    assert code_headers(html) == []
    names = [row.find("td").get_text(strip=True) for row in soup.find("tbody").find_all("tr")]
    assert names == paths.SURVEY.read_text(encoding="utf-8").splitlines()[0].split(",")


def test_a_frame_without_row_labels_gets_no_numbered_row_headers():
    frame = pd.DataFrame({"function": ["a.b", "c.d"], "defined at": ["x.py:1", "y.py:2"]})
    html = rendered(frame)
    assert BeautifulSoup(html, "html.parser").find("tbody").find_all("th") == []
    assert isinstance(tables.readable(frame).index, pd.RangeIndex)


def test_labels_open_with_a_capital_but_symbols_and_ids_stay_as_they_are():
    assert [
        tables.header_words(n)
        for n in ["remote", "n", "p as printed", "sha256", "df", "profile.a.pct", "95% x", 3]
    ] == ["Remote", "n", "p as printed", "sha256", "df", "profile.a.pct", "95% x", 3]
