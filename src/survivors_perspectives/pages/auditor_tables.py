"""Readable tables for the auditors' chapters: labelled columns, formatted numbers, sortable.

A pandas frame shown as it is speaks in the code's terms: snake_case headers, ``nan``,
``99.0000`` for a count, ``p = 0.0000`` and ``True``. The cross-country, replication and audit
chapters show their frames through :func:`table` instead, which

- names each column for a reader (the code's name stays on hover, as the header's ``title``);
- formats each value by what it is: integers as integers, p-values as ``<0.001`` below a
  thousandth, yes/no for booleans, a dash for a missing value;
- keeps text whole (no cell is cut short);
- gives the table a numbered caption, puts the key column first and marks it so it stays in
  view while the table scrolls sideways, and, for long tables, lets the reader sort by any
  column and filter the rows in the page (``book/_static/sp-tables.js``, offline).

Values are escaped: a data string holding HTML shows as text.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

#: What a missing value shows (the same dash the country tables use for a withheld share).
MISSING = "–"
#: p-values below this show as ``<0.001``.
P_FLOOR = 0.001
#: Rows from which a table is sortable and filterable in the page (and scrolls inside a frame).
LONG_TABLE = 15


@dataclass(frozen=True)
class Column:
    """How one column of a frame is shown.

    Attributes
    ----------
    key : str
        The frame's column name (kept on hover).
    label : str
        The header a reader sees.
    kind : str
        ``"text"``, ``"integer"``, ``"number"`` (``decimals`` places), ``"auto"`` (an integer
        when whole, else up to ``decimals`` places), ``"p"``, ``"percent"`` (a 0-100 share,
        or a 0-1 fraction with ``fraction=True``), ``"yesno"`` or ``"id"`` (shown as code).
    decimals : int
        Places for ``"number"``, ``"auto"`` and ``"percent"``.
    fraction : bool
        For ``"percent"``: the value is a 0-1 fraction.
    """

    key: str
    label: str
    kind: str = "text"
    decimals: int = 3
    fraction: bool = False


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in {"", "nan", "none", "<na>"}
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def format_p(value: object) -> str:
    """Return a p-value as printed in the book: ``<0.001``, else three decimals.

    A p-value already printed as text (``"<0.05"``, as the report gives some) is kept.
    """
    if _missing(value):
        return MISSING
    number = _number(value)
    if number is None:
        return str(value)
    return f"<{P_FLOOR:g}" if number < P_FLOOR else f"{number:.3f}"


def format_auto(value: object, decimals: int = 3) -> str:
    """Return a number as an integer when whole (``2021``, not ``2021.000000``), else rounded.

    Trailing zeros after the decimal point are dropped (``58.3``, not ``58.300``); text
    that is not a number is returned as it is.
    """
    if _missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = _number(value)
    if number is None:
        return str(value)
    if number.is_integer():
        return f"{int(number):d}"
    text = f"{number:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_value(value: object, column: Column) -> str:
    """Return the text a cell shows for ``value`` under ``column``'s kind."""
    if _missing(value):
        return MISSING
    kind = column.kind
    if kind == "p":
        return format_p(value)
    if kind == "yesno":
        if isinstance(value, str):
            return {"true": "yes", "false": "no"}.get(value.strip().lower(), value)
        return "yes" if bool(value) else "no"
    number = _number(value)
    if kind == "integer" and number is not None:
        return f"{round(number):d}"
    if kind == "number" and number is not None:
        return f"{number:.{column.decimals}f}"
    if kind == "percent" and number is not None:
        share = 100 * number if column.fraction else number
        return f"{share:.{column.decimals}f}%"
    if kind == "auto":
        return format_auto(value, column.decimals)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def humanise(name: str, *, keep_dots: bool = False) -> str:
    """Return a snake_case code name as words: ``same_conclusion`` -> ``Same conclusion``.

    The one rule for words made from code names (the course's labels call it too). The
    fallback for a column nobody labelled; an explicit :class:`Column` label is better.
    ``keep_dots`` for values that may hold numbers or abbreviations (``0.45``, ``e.g.``).
    """
    words = str(name).replace("_", " ")
    if not keep_dots:
        words = words.replace(".", " ")
    words = words.strip()
    return words[:1].upper() + words[1:]


def _is_code(text: str) -> bool:
    from survivors_perspectives.pages.tables import CODE_NAME, DOTTED_ID

    return bool(CODE_NAME.match(text) or DOTTED_ID.match(text))


def row_words(name: str) -> str:
    """Return a row's id as words (the id itself then goes on hover).

    A published test reads as what it compares (its design's label); any other id through
    :func:`humanise` (``services.legal.pct`` -> ``Services legal pct``).
    """
    from survivors_perspectives.published.significance_tests import TESTS_BY_ID

    test = TESTS_BY_ID.get(name)
    return test.label if test is not None else humanise(name)


@dataclass
class AuditorTable:
    """A frame ready to show, with its columns, caption and note (see :func:`table`)."""

    frame: pd.DataFrame
    columns: tuple[Column, ...]
    caption: str
    note: str = ""
    number: int | None = None
    sortable: bool = False
    hover: str | None = None

    @property
    def label(self) -> str:
        """Return ``"Table N: caption"`` (or the caption alone when not numbered)."""
        return self.caption if self.number is None else f"Table {self.number}: {self.caption}"

    def cells(self) -> list[list[str]]:
        """Return the shown text of every cell, row by row (what a reader sees)."""
        return [
            [format_value(row[c.key], c) for c in self.columns] for _, row in self.frame.iterrows()
        ]

    def to_html(self) -> str:
        """Return the table as HTML: caption, labelled headers, key column as row headers."""
        ident = "sp-" + hashlib.sha256(self.label.encode("utf-8")).hexdigest()[:10]
        classes = "sp-table sp-auditor-table" + (" sp-sortable" if self.sortable else "")
        head = "".join(
            f'<th scope="col" title="{html.escape(c.key)}">{html.escape(c.label)}</th>'
            for c in self.columns
        )
        rows = []
        for (_, row), shown in zip(self.frame.iterrows(), self.cells(), strict=True):
            cells = []
            for position, (column, text) in enumerate(zip(self.columns, shown, strict=True)):
                content = html.escape(text)
                if column.kind == "id" and text != MISSING:
                    content = f"<code>{content}</code>"
                numeric = column.kind not in {"text", "id", "yesno"}
                klass = ' class="sp-num"' if numeric else ""
                if position == 0:
                    title = ""
                    if column.kind != "id" and _is_code(text):
                        # A row named by an id: words in the cell, the id on hover.
                        title = f' title="{content}"'
                        content = html.escape(row_words(text))
                    if self.hover is not None and not _missing(row.get(self.hover)):
                        title = f' title="{html.escape(str(row[self.hover]))}"'
                    cells.append(f'<th scope="row"{klass}{title}>{content}</th>')
                else:
                    cells.append(f"<td{klass}>{content}</td>")
            search = ""
            if self.hover is not None and not _missing(row.get(self.hover)):
                search = f' data-search="{html.escape(str(row[self.hover]))}"'
            rows.append(f"<tr{search}>{''.join(cells)}</tr>")
        wrap = "sp-table-wrap sp-scroll" + (" sp-long" if self.sortable else "")
        body = (
            f'<div class="{wrap}" role="region" aria-labelledby="{ident}-caption" tabindex="0">'
            f'<table class="{classes}" id="{ident}">'
            f'<caption id="{ident}-caption">{html.escape(self.label)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
        if self.note:
            body += f'<p class="sp-table-note">{html.escape(self.note)}</p>'
        return body

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<{self.label}>"


def table(
    frame: pd.DataFrame,
    columns: Sequence[Column | tuple[str, str] | tuple[str, str, str]],
    *,
    caption: str,
    note: str = "",
    number: int | None = None,
    sortable: bool | None = None,
    hover: str | None = None,
) -> AuditorTable:
    """Return ``frame`` as a readable table with the given columns, first column as the key.

    Parameters
    ----------
    frame
        The frame to show; only the listed columns are shown, in the order listed.
    columns
        :class:`Column` objects, or ``(key, label)`` / ``(key, label, kind)`` tuples.
    caption
        What the table shows, without its number.
    sortable
        Sort and filter controls; by default for tables of :data:`LONG_TABLE` rows or more.
    hover
        A column whose value (an id) shows on hover over the key cell and is matched by the
        filter, without taking a column of its own.

    Raises
    ------
    KeyError
        When a listed column is not in ``frame``, naming it and the columns there are.
    """
    resolved = tuple(c if isinstance(c, Column) else Column(*c) for c in columns)
    missing = [c.key for c in resolved if c.key not in frame.columns]
    if hover is not None and hover not in frame.columns:
        missing.append(hover)
    if missing:
        raise KeyError(
            f"auditor table {caption!r}: column(s) {missing} not in the frame; "
            f"found {list(frame.columns)}"
        )
    if sortable is None:
        sortable = len(frame) >= LONG_TABLE
    return AuditorTable(
        frame=frame.reset_index(drop=True),
        columns=resolved,
        caption=caption,
        note=note,
        number=number,
        sortable=sortable,
        hover=hover,
    )


# --- the auditors' chapters' tables ----------------------------------------------------------
#
# One function per table shown in the cross-country, replication and audit chapters, so the
# notebooks stay one call per table and the labels live in one place.

_TEST_KINDS = {"chi2_independence": "chi-square", "anova_oneway": "one-way ANOVA"}
_METHODS = {"holm": "chi-square, Holm-adjusted", "games_howell": "Games-Howell"}
_ALTERNATIVES = {
    "monte_carlo_chi2": "Monte Carlo chi-square",
    "fisher_exact": "Fisher's exact test",
    "welch_anova": "Welch's ANOVA",
}
_STATUS = {
    "reproduced": "reproduced",
    "conflict": "conflict in the report",
    "not_computable": "not computable from the data",
    "not_reproduced": "not reproduced",
}


def _described(frame: pd.DataFrame, recomputed: pd.DataFrame) -> pd.DataFrame:
    """Add each published test's description (``recomputed``'s) to rows keyed by its id."""
    names = recomputed.set_index("id")["description"]
    out = frame.copy()
    out["test_description"] = out["id"].map(names).fillna(out["id"])
    return out


def _words(series: pd.Series, names: dict[str, str]) -> pd.Series:
    return series.map(lambda v: names.get(v, humanise(v)) if isinstance(v, str) else v)


def published_tests(recomputed: pd.DataFrame) -> AuditorTable:
    """Show the report's tests beside ours (``cross_country.recompute_published``)."""
    frame = recomputed.assign(test=_words(recomputed["test"], _TEST_KINDS))
    return table(
        frame,
        [
            ("description", "Test (report footnote)"),
            ("test", "Kind"),
            Column("published_statistic", "Published statistic", "number", 3),
            ("published_df", "Published df", "auto"),
            ("published_p", "Published p"),
            Column("statistic", "Statistic here", "number", 3),
            ("df", "df here", "auto"),
            ("p", "p here", "p"),
            ("p_adjusted", "p, Holm-adjusted", "p"),
            ("n", "Respondents", "integer"),
            ("same_conclusion", "Same conclusion at 5%", "yesno"),
        ],
        caption="The report's tests, published and recomputed on the synthetic data",
        hover="id",
        sortable=True,
    )


def assumptions(checks: pd.DataFrame, recomputed: pd.DataFrame) -> AuditorTable:
    """Whether each test's assumption holds, and the alternative test's answer."""
    frame = _described(checks, recomputed)
    frame["alternative"] = _words(frame["alternative"], _ALTERNATIVES)
    return table(
        frame,
        [
            ("test_description", "Test"),
            ("assumption", "Assumption"),
            ("diagnostic", "What the data show"),
            ("assumption_holds", "Holds", "yesno"),
            ("alternative", "Alternative test"),
            Column("alternative_statistic", "Its statistic", "number", 3),
            ("alternative_p", "Its p", "p"),
            ("p", "Classic p", "p"),
            ("same_conclusion", "Same conclusion", "yesno"),
        ],
        caption="Assumptions of each test and the alternative test where one is needed",
        hover="id",
        sortable=True,
    )


def differing(pairs_summary: pd.DataFrame, recomputed: pd.DataFrame) -> AuditorTable:
    """Per significant test, how many pairs differ and which (``cross_country.differing_pairs``)."""
    frame = _described(pairs_summary, recomputed)
    return table(
        frame,
        [
            ("test_description", "Test"),
            ("pairs", "Pairs compared", "integer"),
            ("differing", "Pairs that differ", "integer"),
            ("which", "Which"),
        ],
        caption="Which groups differ, for each test significant on these data",
        hover="id",
    )


def pairwise(pairs: pd.DataFrame, recomputed: pd.DataFrame) -> AuditorTable:
    """Every pairwise comparison (``cross_country.posthoc_all``); sortable and filterable."""
    frame = _described(pairs, recomputed)
    frame["method"] = _words(frame["method"], _METHODS)
    return table(
        frame,
        [
            ("test_description", "Test"),
            ("group_a", "Group A"),
            ("group_b", "Group B"),
            ("method", "Method"),
            ("n", "Respondents", "integer"),
            Column("statistic", "Statistic", "number", 3),
            ("df", "df", "auto"),
            ("p", "p", "p"),
            ("p_adjusted", "p, adjusted", "p"),
            Column("cramers_v", "Cramér's V", "number", 3),
            Column("mean_a", "Mean A", "number", 1),
            Column("mean_b", "Mean B", "number", 1),
            Column("difference", "Difference (A − B)", "number", 1),
        ],
        caption="Every pairwise comparison of groups, for the tests significant on these data",
        note="A dash: not applicable to this kind of test (means for ANOVAs, Cramér's V for "
        "chi-square tests).",
        hover="id",
        sortable=True,
    )


def robustness(summary: pd.DataFrame, recomputed: pd.DataFrame) -> AuditorTable:
    """Show the tests over many generator seeds (``robustness.summarise``)."""
    frame = _described(summary, recomputed)
    return table(
        frame,
        [
            ("test_description", "Test"),
            Column("published_statistic", "Published statistic", "number", 3),
            ("published_p", "Published p"),
            ("replicates", "Seeds", "integer"),
            Column("share_same_conclusion", "Same conclusion", "percent", 0, fraction=True),
            Column("share_close_statistic", "Statistic within 20%", "percent", 0, True),
            Column("statistic_median", "Median statistic", "number", 2),
            Column("statistic_p05", "5th percentile", "number", 2),
            Column("statistic_p95", "95th percentile", "number", 2),
            ("p_median", "Median p", "p"),
        ],
        caption="The published tests over many synthetic surveys (one per generator seed)",
        hover="id",
        sortable=True,
    )


def unit_words(unit: object) -> object:
    """Return a reference table unit for a reader: ``mean_percent`` -> ``mean %``."""
    if not isinstance(unit, str):
        return unit
    return unit.replace("mean_percent", "mean %").replace("_", " ")


def status_words(status: object) -> object:
    """Return a replication status for a reader: ``not_computable`` -> words."""
    return _STATUS.get(status, humanise(status)) if isinstance(status, str) else status


def _replication_frame(replication: pd.DataFrame) -> pd.DataFrame:
    frame = replication.copy()
    frame["figure"] = frame["quantity"].where(frame["quantity"].notna(), frame["id"])
    scope = frame["scope"].where(frame["scope"] != "all", "all countries")
    frame["figure"] = frame["figure"].astype(str) + " (" + scope.astype(str) + ")"
    frame["status"] = _words(frame["status"], _STATUS)
    if "topic" in frame:
        frame["topic"] = _words(frame["topic"], {})
    if "unit" in frame:
        frame["unit"] = frame["unit"].map(unit_words)
    return frame


def replication_counts(counts: pd.DataFrame, by: str) -> AuditorTable:
    """Reproduced / conflict / not computable per topic or country (``summary_counts``)."""
    label = {"topic": "Topic", "scope": "Scope"}.get(by, humanise(by))
    frame = counts.copy()
    frame[by] = frame[by].map(lambda v: "all countries" if v == "all" else humanise(str(v)))
    return table(
        frame,
        [
            (by, label),
            ("figures", "Figures", "integer"),
            ("reproduced", "Reproduced", "integer"),
            ("conflict", "Conflict in the report", "integer"),
            ("not_computable", "Not computable", "integer"),
            Column("share reproduced", "Share reproduced", "auto", 2),
        ],
        caption=f"Published figures reproduced by the data, by {label.lower()}",
    )


def not_reproduced(rows: pd.DataFrame) -> AuditorTable:
    """Show the figures not reproduced, with the reason (``replication.not_reproduced``)."""
    frame = rows.copy()
    frame["figure"] = frame["id"]
    frame["status"] = _words(frame["status"], _STATUS)
    frame["scope"] = frame["scope"].map(lambda v: "all countries" if v == "all" else v)
    return table(
        frame,
        [
            ("status", "Status"),
            ("id", "Figure (reference id)", "id"),
            ("scope", "Scope"),
            ("published", "Published", "auto"),
            ("reproduced", "Here", "auto"),
            ("note", "Reason"),
        ],
        caption="Published figures not reproduced by the data, and why",
        sortable=True,
    )


def replication_table(replication: pd.DataFrame) -> AuditorTable:
    """Show the whole replication table, one row per published figure; sortable and filterable."""
    return table(
        _replication_frame(replication),
        [
            ("figure", "Figure (scope)"),
            ("computed_as", "How it is computed"),
            ("topic", "Topic"),
            ("unit", "Unit"),
            ("published", "Published", "auto"),
            ("reproduced", "Here", "auto"),
            ("difference", "Difference", "auto"),
            ("tolerance", "Tolerance", "auto"),
            ("status", "Status"),
            ("note", "Note"),
        ],
        caption="Every published figure beside the same figure from the data",
        note="Hover over a figure's name for its id in data/reference (the filter matches ids "
        "too).",
        hover="id",
        sortable=True,
    )


def findings(found: pd.DataFrame, check_names: dict[str, str]) -> AuditorTable:
    """Show the audit's findings (``audit.audit``); sortable and filterable."""
    frame = found.copy()
    frame["check"] = _words(frame["check"], check_names)
    return table(
        frame,
        [
            ("location", "Where in the report"),
            ("check", "Check"),
            ("published", "Published"),
            ("recomputed", "Recomputed"),
            ("changes_conclusion", "Changes a conclusion"),
        ],
        caption="Inconsistencies found in the report's own numbers",
        hover="id",
        sortable=True,
    )


def checks_run(checks: pd.DataFrame, check_names: dict[str, str]) -> AuditorTable:
    """How many figures each kind of check examined (``audit.checks_run``)."""
    frame = checks.copy()
    frame["check"] = _words(frame["check"], check_names)
    return table(
        frame,
        [("check", "Check"), ("figures_examined", "Figures examined", "integer")],
        caption="Figures each kind of check examined",
    )
