"""The page kit every chapter uses.

A section of generated text, tables and figures, shown in chapter order, and the countries
a frame holds. Country chapters, the six-country overview, the data chapter and the plausibility and
fidelity sections all build a :class:`Section` and display it with :func:`show`, so text
and numbers are made in the package and the notebook only shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from survivors_perspectives.countries import COUNTRIES, check_country
from survivors_perspectives.disclosure.policy import WITHHELD_SHARE
from survivors_perspectives.pages import plots, provenance, tables

#: The label of the whole-study row or column beside the countries.
ALL = "All countries"


@dataclass
class Section:
    """One section of a chapter: generated Markdown, tables, figures and stated numbers.

    ``text`` paragraphs may refer to the section's own figures and tables as
    ``{figure[0]}`` or ``{table[1]}``; :func:`show` fills in their chapter numbers.
    """

    key: str
    text: list[str]
    tables: list[tables.Table] = field(default_factory=list)
    figures: list[plots.Figure] = field(default_factory=list)
    numbers: dict[str, object] = field(default_factory=dict)

    def markdown(self) -> str:
        """Return the paragraphs with figure and table references filled in."""
        figure = [f"Figure {f.number}" if f.number else "the figure below" for f in self.figures]
        table = [f"Table {t.number}" if t.number else "the table below" for t in self.tables]
        text = "\n\n".join(p.format(figure=figure, table=table) for p in self.text)
        # A reference to an unnumbered figure or table can open a sentence too.
        text = re.sub(
            r"(^|[.]\s+)the (figure|table) below",
            lambda m: f"{m.group(1)}The {m.group(2)} below",
            text,
            flags=re.MULTILINE,
        )
        # A withheld share can open a sentence: give it its capital there.
        capital = WITHHELD_SHARE[0].upper() + WITHHELD_SHARE[1:]
        return re.sub(
            rf"(^|[.]\s+|\*\*\s+){re.escape(WITHHELD_SHARE)}",
            lambda m: m.group(1) + capital,
            text,
            flags=re.MULTILINE,
        )


def show(
    section: Section, numbering: plots.Numbering, *, made_by: provenance.Provenance | None = None
) -> None:
    """Display a section: its text, then its figures and tables, numbered in chapter order.

    ``made_by`` is the provenance line (the function that made the outputs and the input
    files, with their SHA-256) shown under each figure and table, so a reader can trace it;
    a country chapter's sections get theirs from
    :func:`~survivors_perspectives.pages.country_chapter.show_section`.
    """
    from IPython.display import HTML, Markdown, display

    for figure in section.figures:
        figure.number = numbering.next_figure()
    for table in section.tables:
        table.number = numbering.next_table()
    if section.text:
        display(Markdown(section.markdown()))
    source = made_by.html() if made_by is not None else ""
    for figure in section.figures:
        display(HTML(figure.to_html() + source))
    for table in section.tables:
        display(HTML(table.to_html() + source))


def countries_of(frame: pd.DataFrame) -> list[str]:
    """Return the countries present in the data, study countries first in report order."""
    found = {str(c) for c in frame["country"].dropna().unique()}
    return [c for c in COUNTRIES if c in found] + sorted(found - set(COUNTRIES))


def country_rows(frame: pd.DataFrame, country: str) -> pd.DataFrame:
    """Return the respondents of ``country``; an unknown country raises, listing valid ones."""
    check_country(country, countries_of(frame))
    return frame[frame["country"] == country]
