"""The page kit: sections shown in chapter order with their provenance, and countries."""

from __future__ import annotations

import html

import IPython.display
import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.countries import UnknownCountryError
from survivors_perspectives.disclosure.policy import WITHHELD_SHARE
from survivors_perspectives.pages import country_chapter, kit, plots, provenance


class _Output:
    """A figure or table as ``show`` uses it: a number to take and HTML to give."""

    def __init__(self, name: str):
        self.name, self.number = name, None

    def to_html(self) -> str:
        return f"<{self.name} {self.number}>"


@pytest.fixture
def shown(monkeypatch):
    """What ``show`` displays, in order, as text."""
    out: list[str] = []

    def display(obj):
        out.append(obj.data)

    monkeypatch.setattr(IPython.display, "display", display)
    return out


def _section(key: str = "caseloads") -> kit.Section:
    return kit.Section(
        key,
        ["See {figure[0]} and {table[0]}.", f"{WITHHELD_SHARE} here. {WITHHELD_SHARE} again."],
        tables=[_Output("table")],
        figures=[_Output("figure")],
    )


def test_markdown_names_the_outputs_and_capitalises_a_withheld_share_opening_a_sentence():
    section = _section()
    assert section.markdown().splitlines()[0] == "See the figure below and the table below."
    section.figures[0].number, section.tables[0].number = 3, 7
    capital = WITHHELD_SHARE[0].upper() + WITHHELD_SHARE[1:]
    assert section.markdown() == (f"See Figure 3 and Table 7.\n\n{capital} here. {capital} again.")


def test_show_numbers_in_chapter_order_and_puts_the_made_by_line_under_each_output(shown):
    numbering = plots.Numbering()
    numbering.next_figure()  # the chapter has shown one figure already
    made_by = provenance.Provenance("survivors_perspectives.x.f", (("data/x.csv", "ab" * 32),))
    kit.show(_section(), numbering, made_by=made_by)
    line = made_by.html()
    capital = WITHHELD_SHARE[0].upper() + WITHHELD_SHARE[1:]
    assert shown == [
        f"See Figure 2 and Table 1.\n\n{capital} here. {capital} again.",
        f"<figure 2>{line}",
        f"<table 1>{line}",
    ]


def test_show_without_provenance_shows_the_outputs_alone(shown):
    kit.show(kit.Section("x", [], tables=[_Output("table")]), plots.Numbering())
    assert shown == ["<table 1>"]


def test_a_chapter_section_is_traced_to_the_chapter_function_that_made_it(shown):
    country_chapter.show_section(
        _section("caseloads"), plots.Numbering(), paths.SURVEY, paths.CONVERSATIONS
    )
    function = "survivors_perspectives.pages.country_chapter.caseloads"
    assert f'data-function="{html.escape(function)}"' in shown[1]
    assert "frontline_survey.csv" in shown[1]
    assert "survivor_conversations.csv" not in shown[1]  # the section reads the survey alone


def test_countries_of_lists_study_countries_in_report_order_then_declared_ones():
    frame = pd.DataFrame({"country": ["Peru", "Atlantis", "Albania", None, "Peru"]})
    assert kit.countries_of(frame) == ["Albania", "Peru", "Atlantis"]


def test_country_rows_refuses_a_country_not_in_the_data_naming_the_valid_ones():
    frame = pd.DataFrame({"country": ["Peru", "Albania", "Peru"]})
    assert len(kit.country_rows(frame, "Peru")) == 2
    with pytest.raises(
        UnknownCountryError, match=r"unknown country 'Mexico'; expected one of: Albania, Peru"
    ):
        kit.country_rows(frame, "Mexico")
