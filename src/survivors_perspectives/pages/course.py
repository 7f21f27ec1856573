"""Helpers for the "For students" course: small tables the exercises and their solutions use.

The course notebooks hold no functions of their own (notebooks narrate, the package
computes), so whatever an exercise needs beyond the analysis modules lives here: sample
composition with confidence intervals, the survey's screening funnel, a test result set
beside the published one, expected counts, which suppressed cells a total would give away.

Every function takes the validated survey (or conversations) frame or the published
reference table and returns a frame or a short string; none prints or draws. The
statistical tests themselves stay in :mod:`survivors_perspectives.stats`: this module only
arranges their results for reading.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from survivors_perspectives import stats as sp_stats
from survivors_perspectives.disclosure import ledger
from survivors_perspectives.disclosure.policy import (
    SUPPRESSED,
    WITHHELD,
    count_allowed,
    is_small,
    share_allowed,
)
from survivors_perspectives.disclosure.suppression import suppress_counts
from survivors_perspectives.pages import auditor_tables

#: Confidence level of every interval in the course.
CONFIDENCE = 0.95

#: Conventional labels for effect sizes (Cohen 1988): eta squared, and Cramér's V by the
#: smaller table dimension minus one (V's thresholds shrink as the table grows).
ETA_SQUARED_LABELS = ((0.14, "large"), (0.06, "medium"), (0.01, "small"))
CRAMERS_V_LABELS = {
    1: ((0.50, "large"), (0.30, "medium"), (0.10, "small")),
    2: ((0.35, "large"), (0.21, "medium"), (0.07, "small")),
    3: ((0.29, "large"), (0.17, "medium"), (0.06, "small")),
    4: ((0.25, "large"), (0.15, "medium"), (0.05, "small")),
}

#: Labels of the total row and column of a count table (as in ``tables.count_table``).
TOTAL_ROW = "Total"
TOTAL_COLUMN = "Total (n)"

#: Reference ids of the survey's screening funnel (sample section of the report).
FUNNEL_IDS = {
    "completed and analysed": "sample.completed.count",
    "partial, left out": "sample.partial.count",
    "screened out as ineligible": "sample.disqualified.count",
}


def set_display_options() -> None:
    """Show tables in full: long text cells (a report section, a hash) are never cut short.

    pandas shortens cells to 50 characters by default, which would hide the very part of a
    ``source`` or SHA-256 an auditor compares.
    """
    pd.set_option("display.max_colwidth", None)


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(
            f"{what}: column(s) {missing} not in the data; expected one of "
            f"{sorted(map(str, frame.columns))}"
        )


def arrangements(
    conversations: pd.DataFrame,
    columns: Sequence[str] = ("conversation_format", "pre_meeting", "conversation_mode"),
) -> pd.DataFrame:
    """Count how the conversations were set up, over everyone who took part.

    Each of ``columns`` records a choice made with the participant (one-on-one or group,
    pre-meeting in person or remote, main conversation in person or hybrid). Invitees who
    declined have no arrangements and are left out.

    Returns
    -------
    DataFrame
        Indexed by ``(arrangement, choice)`` with the column ``participants``.
    """
    _require(conversations, ["status", *columns], "arrangements")
    took_part = conversations[conversations["status"] == "participant"]
    pieces = {
        column: took_part[column].value_counts().sort_index().rename("participants")
        for column in columns
    }
    out = pd.concat(pieces, names=["arrangement", "choice"]).to_frame()
    if _has_ids(took_part):
        for column in columns:
            parts = [
                took_part[(took_part[column] == c).to_numpy(bool)] for c in pieces[column].index
            ]
            rest = took_part[took_part[column].isna().to_numpy(bool)]
            where = f"arrangements of the conversations: {column}"
            ledger.record(
                [
                    *(
                        ledger.count_entry(f"{where}, {c}", part, len(part))
                        for c, part in zip(pieces[column].index, parts, strict=True)
                    ),
                    ledger.category_entry(f"{where} (not recorded)", rest),
                    ledger.partition_entry(where, took_part, [*parts, rest]),
                    *(
                        entry
                        for c, part in zip(pieces[column].index, parts, strict=True)
                        for entry in ledger.split_entries(f"{where}, {c}", part)
                    ),
                ]
            )
    return out.astype("int64")


def conversations_summary(conversations: pd.DataFrame) -> str:
    """One generated paragraph on who is in a conversations file (study level only).

    Only whole-study figures are given: per-country counts of one to four people belong in
    suppressed tables, not in prose.
    """
    _require(conversations, ["status", "country", "gender", "age_at_conversation"], "summary")
    took_part = conversations[conversations["status"] == "participant"]
    declined = conversations[conversations["status"] == "declined"]
    genders = took_part["gender"].value_counts()
    ages = took_part["age_at_conversation"].astype("float")
    _record_summary(conversations, took_part, declined)
    synthetic = (
        "synthetic"
        if "record_type" in conversations and (conversations["record_type"] == "synthetic").all()
        else "coded"
    )
    return (
        f"The {synthetic} file holds {len(conversations)} records: {len(took_part)} young "
        f"people who took part ({int(genders.get('female', 0))} young women and "
        f"{int(genders.get('male', 0))} young men, aged {int(ages.min())} to {int(ages.max())} "
        f"at the time of the conversation) in {took_part['country'].nunique()} countries, and "
        f"{len(declined)} invitees who declined."
    )


def _record_summary(
    conversations: pd.DataFrame, took_part: pd.DataFrame, declined: pd.DataFrame
) -> None:
    """Record the summary's counts (records, participants by gender, declined)."""
    if not _has_ids(conversations):
        return
    where = "summary of the conversations file"
    women = took_part[(took_part["gender"] == "female").to_numpy(bool)]
    men = took_part[(took_part["gender"] == "male").to_numpy(bool)]
    ledger.record(
        [
            ledger.count_entry(f"{where}: records", conversations, len(conversations)),
            ledger.count_entry(f"{where}: took part", took_part, len(took_part)),
            ledger.count_entry(f"{where}: young women", women, len(women)),
            ledger.count_entry(f"{where}: young men", men, len(men)),
            ledger.count_entry(f"{where}: declined", declined, len(declined)),
        ]
    )
    for what, rows in (
        ("records", conversations),
        ("took part", took_part),
        ("young women", women),
        ("young men", men),
        ("declined", declined),
    ):
        ledger.record(ledger.split_entries(f"{where}: {what}", rows))


#: Columns of a conversations file that identify a record rather than describe a person.
IDENTIFIER_COLUMNS = ("participant_id",)


def value_kinds(frame: pd.DataFrame, allowed: dict[str, Sequence[str]]) -> pd.DataFrame:
    """Say, for every column, what kind of value it holds: free text must never appear.

    A coded conversations file keeps themes, not words. A column is ``number`` (counts,
    ages, 0/1 theme codes), ``closed list`` (every value from the declared list in
    ``allowed``), ``identifier`` or, when neither holds, ``free text``: a sign that something
    someone said has slipped into the data.

    Returns
    -------
    DataFrame
        One row per column: ``kind``, ``distinct`` (number of different values) and
        ``longest`` (characters in the longest value).
    """
    rows = []
    for column in frame.columns:
        values = frame[column].dropna()
        if column in IDENTIFIER_COLUMNS:
            kind = "identifier"
        elif pd.api.types.is_numeric_dtype(values):
            kind = "number"
        elif column in allowed and set(values.astype(str)) <= set(allowed[column]):
            kind = "closed list"
        else:
            kind = "free text"
        text = values.astype(str)
        rows.append(
            {
                "column": column,
                "kind": kind,
                "distinct": int(values.nunique()),
                "longest": int(text.str.len().max()) if len(text) else 0,
            }
        )
    return pd.DataFrame(rows).set_index("column")


def proportion_interval(count: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson interval of a share, in percent (0-100).

    Wilson rather than the textbook normal interval because country samples are small
    (49 to 91 people) and shares near 0 or 100 are common; the normal interval then
    spills outside 0-100.
    """
    if n <= 0:
        raise ValueError(f"proportion_interval: n must be positive, found {n}")
    if not 0 <= count <= n:
        raise ValueError(f"proportion_interval: count must lie in 0..{n}, found {count}")
    interval = sps.binomtest(int(count), int(n)).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return 100 * float(interval.low), 100 * float(interval.high)


def composition(frame: pd.DataFrame, column: str, by: str | None = None) -> pd.DataFrame:
    """Count respondents by the answers to ``column``, with shares and 95% intervals.

    Parameters
    ----------
    frame
        One row per respondent.
    column
        A categorical or boolean column (e.g. ``gender``, ``organisation_type``).
    by
        Optional grouping column (e.g. ``country``): shares are then within each group.

    Returns
    -------
    DataFrame
        Columns ``n``, ``base``, ``percent``, ``ci_low``, ``ci_high``, indexed by the answer
        (and the group first, when ``by`` is given). Declared answers nobody chose are kept
        with a count of zero, so every table has the same rows. Within a group (a country,
        say), a count whose own size or whose rest in the group is 1 to 4 is withheld with
        its share and interval (NaN): a share beside its base gives the count back. Shares
        by group are recorded in the disclosure ledger as the page shows them (one decimal).
    """
    _require(frame, [column] + ([by] if by else []), "composition")
    keep = [column] + ([by] if by else [])
    if _has_ids(frame):
        keep.append(ledger.id_column(frame))
    data = frame[keep].dropna(subset=[column])
    groups = data.groupby(by, observed=True, sort=True) if by else [(None, data)]
    pieces = []
    for key, part in groups:
        counts = part[column].value_counts(sort=False)
        if isinstance(part[column].dtype, pd.CategoricalDtype):
            counts = counts.reindex(part[column].cat.categories, fill_value=0)
        else:
            counts = counts.sort_index()
        base = int(counts.sum())
        rows = []
        withheld = (_withheld_answers(counts) | _planned(frame, column, by, key)) if by else set()
        if _has_ids(part):
            where = f"composition of {column}" + (f" by {by}: {key}" if by else "")
            ledger.record(
                [
                    ledger.partition_entry(
                        where,
                        part,
                        [part[(part[column] == answer).to_numpy(bool)] for answer in counts.index],
                    ),
                    ledger.count_entry(f"{where} (base)", part, base),
                ]
            )
        for answer, n in counts.items():
            low, high = proportion_interval(int(n), base)
            row = {
                "answer": answer,
                "n": int(n),
                "base": base,
                "percent": 100 * n / base,
                "ci_low": low,
                "ci_high": high,
            }
            if answer in withheld:
                row.update(n=np.nan, percent=np.nan, ci_low=np.nan, ci_high=np.nan)
            if by and _has_ids(part):
                _record_share(part, column, answer, by, key, row["percent"])
            elif _has_ids(part):
                _record_answer(part, column, answer, row)
            rows.append(row)
        piece = pd.DataFrame(rows)
        if by:
            piece.insert(0, by, key)
        pieces.append(piece)
    out = pd.concat(pieces, ignore_index=True)
    return out.set_index([by, "answer"] if by else "answer")


def _withheld_answers(counts: pd.Series) -> set:
    """Return the answers of one group whose count and share are withheld.

    A count of 1 to 4, a count whose rest in the group is 1 to 4, and the partners that
    secondary suppression hides so the group's size cannot give a hidden count back.
    """
    table = counts.astype(int).to_frame("n")
    table.loc[_GROUP_TOTAL] = int(counts.sum())
    _display, hidden = suppress_counts(table, total_row=_GROUP_TOTAL)
    base = int(counts.sum())
    return {
        answer
        for answer, n in counts.items()
        if hidden.loc[answer, "n"] or not share_allowed(int(n), base)
    }


_GROUP_TOTAL = "__group_total__"


def _planned(frame: pd.DataFrame, column: str, by: str, key: Hashable) -> set:
    """Return the answers the country's chapter hides for a profile question.

    A composition of a profile question by country shows the same cells as the country
    chapters' profile tables; hiding at least what they hide (their study-wide plan,
    :func:`survivors_perspectives.pages.country_chapter.profile_plan`) keeps the course from
    showing a partner the plan hid so that a whole-study count could not give a count back.
    """
    from survivors_perspectives.pages import country_chapter

    if by != "country" or column not in country_chapter.PROFILE.values():
        return set()
    hidden = country_chapter.profile_hidden(frame, str(key), column)
    return set(hidden[hidden].index)


def _has_ids(frame: pd.DataFrame) -> bool:
    return any(c in frame.columns for c in ledger.ID_COLUMNS.values())


def _record_share(part: pd.DataFrame, column: str, answer, by: str, key, percent: float):
    """Record a group's share as the course pages show it (rounded to one decimal)."""
    where = f"composition of {column} by {by}: {answer}, {key}"
    chosen = part[(part[column] == answer).to_numpy(bool)]
    shown = "–" if pd.isna(percent) else f"{round(float(percent), 1):.1f}"
    ids = ledger.id_column(part)
    rest = part[~part[ids].isin(chosen[ids])]
    ledger.record(
        [
            ledger.share_entry(where, chosen, part, shown),
            ledger.category_entry(f"{where} (the rest of the group)", rest),
            ledger.partition_entry(f"{where} (the group)", part, [chosen, rest]),
        ]
    )


def _record_answer(part: pd.DataFrame, column: str, answer, row: dict) -> None:
    """Record one answer's count and share over everyone, as the course pages show them.

    Whole-study counts are shown as they are (the report published the sample's profile);
    the ledger still records them, so a small one the report did not publish is caught.
    """
    where = f"composition of {column}: {answer}"
    chosen = part[(part[column] == answer).to_numpy(bool)]
    ledger.record(
        [
            ledger.count_entry(where, chosen, row["n"]),
            ledger.share_entry(
                f"{where} (percent)", chosen, part, f"{round(float(row['percent']), 1):.1f}"
            ),
            *ledger.split_entries(where, chosen),
            *ledger.split_entries(f"composition of {column}", part),
        ]
    )


def interval_widths(share: float, sizes: Sequence[int]) -> pd.DataFrame:
    """How wide a 95% interval is around ``share`` (percent) for each sample size.

    Shows what a 413-person survey can and cannot say: the whole sample pins a share to a
    few points, a country of 49 to 91 people only to about ten or more.
    """
    if not 0 <= share <= 100:
        raise ValueError(f"interval_widths: share must lie in 0-100, found {share}")
    rows = []
    for n in sizes:
        count = round(share / 100 * n)
        low, high = proportion_interval(count, n)
        rows.append({"n": n, "count": count, "ci_low": low, "ci_high": high, "width": high - low})
    return pd.DataFrame(rows).set_index("n")


def reference_rows(reference: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Return the published figures whose id starts with ``prefix``, with their sources.

    Raises
    ------
    KeyError
        When no row matches, naming the prefix (a typo would otherwise give an empty table).
    """
    rows = reference[reference["id"].str.startswith(prefix)]
    if rows.empty:
        raise KeyError(f"reference table: no row id starts with {prefix!r}")
    return rows[["id", "scope", "quantity", "value", "unit", "n", "base", "source"]].set_index("id")


def screening_funnel(reference: pd.DataFrame) -> pd.DataFrame:
    """Everyone who opened the survey, by what happened to their answers.

    Built from the published counts (completed, partial, screened out), so the table shows
    how much of the original pool the analysed 413 are. Shares are of everyone who started.
    """
    ids = reference.set_index("id")
    missing = [i for i in FUNNEL_IDS.values() if i not in ids.index]
    if missing:
        raise KeyError(f"reference table: screening-funnel rows {missing} are missing")
    counts = pd.Series({label: int(ids.loc[i, "value"]) for label, i in FUNNEL_IDS.items()})
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "people": counts,
            "percent of all who started": 100 * counts / total,
            "reference id": list(FUNNEL_IDS.values()),
        }
    ).rename_axis("outcome")


def observed_expected(
    frame: pd.DataFrame, row: str, col: str, *, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Observed and expected counts of a chi-square test, side by side.

    The expected count of a cell is what independence predicts (row total x column total /
    n); the chi-square statistic adds up ``(observed - expected)^2 / expected``. The table
    uses the same cross-tabulation as :func:`survivors_perspectives.stats.chi2_independence`.

    Returns
    -------
    DataFrame
        Long format: ``row``, ``col``, ``observed``, ``expected``, ``contribution``. The
        expected counts give the margins back, so an observed count of 1 to 4 (and the
        partners that protect it within its lines) is withheld (NaN) with its
        contribution, from which it could be solved. On survey data (with ids), every cell
        of an answer that some country's chapter hides is withheld, expected count too: the
        expected counts add up to the answer's all-country count, which minus the other
        countries would give the chapter's hidden one back (``reference``: the published
        table the chapters use).
    """
    table = sp_stats.crosstab(frame, row, col)
    expected = sps.contingency.expected_freq(table.to_numpy())
    expected_table = pd.DataFrame(expected, index=table.index, columns=table.columns)
    # Long format, one row per cell, in the order of the cross-table.
    out = table.stack().rename("observed").to_frame()  # noqa: PD013 - melt would drop the index
    out["expected"] = expected_table.stack()  # noqa: PD013
    out["contribution"] = (out["observed"] - out["expected"]) ** 2 / out["expected"]
    totals = pd.concat([table, table.sum().to_frame("total").T])
    totals["total"] = totals.sum(axis=1)
    _display, hidden = suppress_counts(
        totals, total_row="total", total_col="total", totals_known=True
    )
    withheld = hidden.loc[table.index, table.columns].stack()  # noqa: PD013
    if withheld.any():
        out.loc[withheld.to_numpy(bool), ["observed", "contribution"]] = np.nan
    lines_known = True
    if _has_ids(frame) and "country" in frame.columns:
        rows_out = chapter_hidden_answers(frame, row, reference)
        cols_out = chapter_hidden_answers(frame, col, reference)
        drop = out.index.get_level_values(0).isin(rows_out) | out.index.get_level_values(1).isin(
            cols_out
        )
        if drop.any():
            out.loc[drop, ["observed", "expected", "contribution"]] = np.nan
            hidden.loc[[r for r in table.index if r in rows_out], :] = True
            hidden.loc[:, [c for c in table.columns if c in cols_out]] = True
            lines_known = False
    if _has_ids(frame):
        _record_observed(frame, row, col, table, hidden, lines_known)
    return out


def chapter_hidden_answers(
    frame: pd.DataFrame, col: str, reference: pd.DataFrame | None = None
) -> set:
    """Return the answers to ``col`` that some country's chapter hides (none if not profiled)."""
    from survivors_perspectives.pages import country_chapter

    if col == "country" or col not in country_chapter.PROFILE.values():
        return set()
    hidden = _chapter_hidden(frame, col, reference)
    return {str(c).removesuffix(" (n)") for c in hidden.columns if hidden[c].any()}


def _record_observed(
    frame: pd.DataFrame,
    row: str,
    col: str,
    table: pd.DataFrame,
    hidden: pd.DataFrame,
    lines_known: bool = True,
) -> None:
    """Record the observed cells, and the margins the expected counts give back.

    An expected count is row total x column total / n, so a row's expected counts add up to
    its total: the table shows the margins as surely as a total row would.
    """
    data = frame.dropna(subset=[row, col])
    caption = f"Observed and expected counts, {row} by {col}"
    in_row = {r: (data[row] == r).to_numpy(bool) for r in table.index}
    in_col = {c: (data[col] == c).to_numpy(bool) for c in table.columns}
    cells = {(r, c): data[in_row[r] & in_col[c]] for r in table.index for c in table.columns}
    lines = []
    for r in table.index if lines_known else ():
        cells[(r, "total")] = data[in_row[r]]
        lines.append(((r, "total"), [(r, c) for c in table.columns]))
    for c in table.columns if lines_known else ():
        cells[("total", c)] = data[in_col[c]]
        lines.append((("total", c), [(r, c) for r in table.index]))
    display = pd.DataFrame(
        WITHHELD, index=[*table.index, "total"], columns=[*table.columns, "total"], dtype=object
    )
    for (r, c), rows in cells.items():
        display.loc[r, c] = WITHHELD if hidden.loc[r, c] else len(rows)
    ledger.record(ledger.table_entries(caption, cells, display, lines))
    ledger.record(_splits(f"table '{caption}'", cells))


def group_means(frame: pd.DataFrame, value: str, group: str) -> pd.DataFrame:
    """Mean, standard deviation and size of ``value`` in each group, as an ANOVA compares.

    Rows missing either column are left out, as in
    :func:`survivors_perspectives.stats.anova_oneway`. A group's ``n`` (those who answered)
    is withheld (shown as "–") when it, or the number in the group who did not answer, is 1 to
    4: beside a country's published size, "87 answered" says three did not.
    """
    _require(frame, [value, group], "group_means")
    data = frame[[value, group]].dropna()
    grouped = data.groupby(group, observed=True, sort=True)[value]
    sizes = frame.dropna(subset=[group]).groupby(group, observed=True, sort=True).size()
    n = grouped.size()
    shown = pd.Series(
        [
            int(count) if count_allowed(int(count), int(sizes[key])) else WITHHELD
            for key, count in n.items()
        ],
        index=n.index,
        dtype=object,
    )
    if _has_ids(frame):
        _record_answered(frame, value, group, shown)
    return pd.DataFrame({"n": shown, "mean": grouped.mean(), "sd": grouped.std(ddof=1)})


def _record_answered(frame: pd.DataFrame, value: str, group: str, shown: pd.Series) -> None:
    """Record each group's count of answers as shown, and those who did not answer."""
    for key, part in frame.groupby(group, observed=True, sort=True):
        answered = part[part[value].notna().to_numpy(bool)]
        rest = part[part[value].isna().to_numpy(bool)]
        where = f"group sizes of {value} by {group}: {key}"
        ledger.record(
            [
                ledger.count_entry(where, answered, shown.get(key, WITHHELD)),
                ledger.category_entry(f"{where} (did not answer)", rest),
                ledger.partition_entry(f"{where} (the group)", part, [answered, rest]),
            ]
        )


def effect_label(result: sp_stats.TestResult, table_shape: tuple[int, int] | None = None) -> str:
    """Name the size of an effect by Cohen's conventions: negligible, small, medium, large.

    Conventions are a reading aid, not a verdict: a "small" difference in the share of a
    caseload can matter a great deal to the children behind it.

    Parameters
    ----------
    result
        A chi-square (Cramér's V) or ANOVA (eta squared) result.
    table_shape
        For a chi-square test, the table's shape (the thresholds of V depend on the smaller
        dimension); taken as 2 x 2 when omitted.
    """
    effect = result.effect_size
    if np.isnan(effect):
        return "not defined"
    if result.test == "anova_oneway":
        thresholds = ETA_SQUARED_LABELS
    elif result.test == "chi2_independence":
        k = min(table_shape) - 1 if table_shape else 1
        thresholds = CRAMERS_V_LABELS[min(max(k, 1), 4)]
    else:
        raise ValueError(f"effect_label: no convention for a {result.test!r} result")
    for threshold, label in thresholds:
        if effect >= threshold:
            return label
    return "negligible"


def format_p(p: float) -> str:
    """Format a p-value as a report prints it: three decimals, or ``< 0.001``."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def describe_result(
    result: sp_stats.TestResult,
    table_shape: tuple[int, int] | None = None,
    *,
    respondents: pd.DataFrame | None = None,
    withhold_size: bool = False,
) -> str:
    """One sentence giving a test's statistic, p-value and effect size with its interval.

    Written from the numbers, never typed, so the course's prose cannot drift from the data.
    ``respondents`` (:func:`respondents_in_test`): the people ``n`` counts, recorded in the
    disclosure ledger (the audit checks that ``n`` is their number). ``withhold_size``
    (:func:`size_withheld`): ``n``, and an ANOVA's second df (``n`` minus the groups), are
    withheld.
    """
    df = ", ".join(str(d) for d in result.df)
    n = WITHHELD if withhold_size else result.n
    if withhold_size and result.test == "anova_oneway":
        df = f"{result.df[0]}, {WITHHELD}"
    low, high = result.effect_ci
    if result.test == "chi2_independence":
        head = f"χ²({df}) = {result.statistic:.3f}"
        effect = "Cramér's V"
    elif result.test == "anova_oneway":
        head = f"F({df}) = {result.statistic:.3f}"
        effect = "η²"
    else:
        raise ValueError(f"describe_result: cannot describe a {result.test!r} result")
    if respondents is not None:
        record_respondents(f"test sentence: {head}, n", respondents, n)
    return (
        f"{head}, p {'= ' if result.p >= 0.001 else ''}{format_p(result.p)}, n = {n}; "
        f"{effect} = {result.effect_size:.3f} (95% CI {low:.3f} to {high:.3f}), a "
        f"{effect_label(result, table_shape)} effect by the usual conventions."
    )


def beside_published(
    results: dict[str, sp_stats.TestResult], reference: pd.DataFrame
) -> pd.DataFrame:
    """Put recomputed tests beside the published ones, with the place in the report.

    Parameters
    ----------
    results
        Recomputed results keyed by the reference-table id of the test they redo.
    reference
        The published reference table.

    Returns
    -------
    DataFrame
        One row per id: published statistic, df and p (as printed), recomputed statistic,
        df, p, effect size, and the report's ``source``.
    """
    ids = reference.set_index("id")
    unknown = [key for key in results if key not in ids.index]
    if unknown:
        raise KeyError(f"reference table: no row with id {unknown}")
    rows = []
    for key, res in results.items():
        ref = ids.loc[key]
        rows.append(
            {
                "id": key,
                "published statistic": float(ref["statistic"]),
                "published df": str(ref["df"]),
                "published p": str(ref["p_reported"]),
                "recomputed statistic": round(res.statistic, 3),
                "recomputed df": ",".join(str(d) for d in res.df),
                "recomputed p": format_p(res.p),
                "effect size": round(res.effect_size, 3),
                "source": ref["source"],
            }
        )
    return pd.DataFrame(rows).set_index("id")


def recoverable_cells(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
) -> list[tuple[Hashable, Hashable]]:
    """Return the hidden cells a reader could work out by subtracting from a shown total.

    A line (row or column) whose total is shown and which hides exactly one inner cell gives
    that cell away: total minus the shown cells. This is why
    :func:`survivors_perspectives.pages.tables.suppress_counts` hides a second cell.

    Parameters
    ----------
    counts
        The counts, including the total row and/or column.
    hidden
        Boolean mask of the cells not shown.
    total_row, total_col
        Labels of the total row/column, if shown.
    """
    values = counts.astype("int64")
    hidden = hidden.reindex(index=values.index, columns=values.columns).fillna(False).astype(bool)
    inner_rows = [r for r in values.index if r != total_row]
    inner_cols = [c for c in values.columns if c != total_col]
    lines: list[tuple[list[tuple[Hashable, Hashable]], tuple[Hashable, Hashable]]] = []
    if total_col is not None:
        lines += [([(r, c) for c in inner_cols], (r, total_col)) for r in values.index]
    if total_row is not None:
        lines += [([(r, c) for r in inner_rows], (total_row, c)) for c in values.columns]
    found: list[tuple[Hashable, Hashable]] = []
    for cells, total in lines:
        if hidden.loc[total]:
            continue
        concealed = [cell for cell in cells if hidden.loc[cell]]
        if len(concealed) == 1 and concealed[0] not in found:
            found.append(concealed[0])
    return found


def crosstab_with_total(
    frame: pd.DataFrame, row: str, col: str, *, totals: str = "row"
) -> pd.DataFrame:
    """Count people by ``row`` and ``col`` with totals, as a published table shows them.

    Parameters
    ----------
    totals
        ``"row"`` adds a ``Total`` row (column sums), ``"column"`` a ``Total (n)`` column
        (row sums), ``"both"`` adds both.

    Unlike :func:`survivors_perspectives.stats.crosstab`, empty answers are kept (a zero is
    part of the table a reader sees). Column labels end with ``(n)``: they are counts.
    """
    _require(frame, [row, col], "crosstab_with_total")
    if totals not in ("row", "column", "both"):
        raise ValueError(f"totals must be 'row', 'column' or 'both', found {totals!r}")
    data = frame[[row, col]].dropna()
    table = pd.crosstab(data[row], data[col])
    table.columns = [f"{c} (n)" for c in table.columns]
    table.index = list(table.index)
    if totals in ("column", "both"):
        table[TOTAL_COLUMN] = table.sum(axis=1)
    if totals in ("row", "both"):
        table = pd.concat([table, table.sum().to_frame(TOTAL_ROW).T])
    return table


# ---------------------------------------------------------------------------------------
# Lesson 5: what synthetic data can show, and what moves from one seed to the next


def _women(frame: pd.DataFrame) -> float:
    return float((frame["gender"] == "Female").sum())


def _gender_by_country(frame: pd.DataFrame) -> float:
    return sp_stats.chi2_independence(frame, "country", "gender").statistic


def _online_share_by_country(frame: pd.DataFrame) -> float:
    return sp_stats.anova_oneway(frame, "caseload_online_pct", "country").statistic


def _self_blame_with_not_believed(frame: pd.DataFrame) -> float:
    return sp_stats.chi2_independence(
        frame, "barrier_self_blame", "barrier_fear_not_believed"
    ).effect_size


#: Numbers recomputed on every seed: name -> (function of a survey frame, what fixes it).
SEED_MEASURES: dict[str, tuple] = {
    "women among respondents (count)": (_women, "published count: an exact target"),
    "gender by country (chi-square)": (
        _gender_by_country,
        "published test: the table is calibrated to it",
    ),
    "online share of cases by country (F)": (
        _online_share_by_country,
        "published test: slider answers are drawn, then tuned towards it",
    ),
    "self-blame with fear of not being believed (Cramér's V)": (
        _self_blame_with_not_believed,
        "never published: both options are assumed, tied only by the declared barriers battery",
    ),
}


def seed_measures(frame: pd.DataFrame) -> dict[str, float]:
    """Compute every :data:`SEED_MEASURES` number on one survey frame."""
    return {name: float(func(frame)) for name, (func, _) in SEED_MEASURES.items()}


def across_seeds(seeds: Sequence[int], generate=None) -> pd.DataFrame:
    """Regenerate the synthetic survey with each seed and recompute the same numbers.

    A number that a published figure pins down comes out the same on every seed; a number
    the report never published moves freely, because only the generator's assumptions
    shape it. Reading the spread tells a student which findings of a synthetic book are
    the report's and which are the generator's.

    Parameters
    ----------
    seeds
        Generator seeds (each takes a few seconds).
    generate
        ``seed -> survey frame``; defaults to :func:`survivors_perspectives.synth.generate`.

    Returns
    -------
    DataFrame
        One row per measure: what fixes it, its value on each seed (columns ``seed <s>``),
        and ``spread`` (largest minus smallest value).
    """
    if not seeds:
        raise ValueError("across_seeds: give at least one seed")
    if generate is None:
        from survivors_perspectives.synth import generate as _generate

        def generate(seed: int) -> pd.DataFrame:
            return _generate(seed=seed)

    values = {f"seed {seed}": seed_measures(generate(seed)) for seed in seeds}
    out = pd.DataFrame(values)
    out.insert(0, "what fixes it", [why for _, why in SEED_MEASURES.values()])
    numbers = out.drop(columns="what fixes it")
    out["spread"] = numbers.max(axis=1) - numbers.min(axis=1)
    return out.rename_axis("measure")


#: "19 of 80" in an assumption's text: a count of a country's synthetic respondents.
_COUNT_OF = re.compile(r"\b\d+ of \d+\b")


def human_label(name: str) -> str:
    """Return an id or lower-case name as a table shows it: ``"Online cases need online share"``.

    A table cell or header opens with a capital and has no underscores; the id itself, where
    a reader needs it, goes in a column named for it (``"Id"``).
    """
    return auditor_tables.humanise(name, keep_dots=True)


def assumptions_table(spec) -> pd.DataFrame:
    """Return the generator's declared assumptions, one row each (what about, and why).

    An assumption may state a count in a country ("Peru 19 of 80" master's degrees); the
    page would print it beside the country chapter that hides a neighbouring cell, and the
    difference would give that cell away. Such counts are replaced by words here.
    """
    table = pd.DataFrame(
        [
            {
                "About": human_label(note.about),
                "Assumption": _COUNT_OF.sub("a count withheld", note.text),
            }
            for note in spec.assumptions
        ]
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="Number")
    return table


def assumed_structure(spec) -> pd.DataFrame:
    """Return the generator's declared joint structure: kind, value and reason of each part.

    The part of the synthetic population the report never published (who gives which
    answers together), written down so a student can see it is assumed, not observed.
    """
    columns = ["Kind", "Value", "Reason", "Id"]
    if spec.structure is None:
        return pd.DataFrame(columns=columns).rename_axis("Assumption")
    table = spec.structure.table()
    table = table.assign(
        Kind=table["kind"].map(human_label),
        Value=table["value"].map(human_label),
        Reason=table["reason"].map(human_label),
        Id=table["name"],
        Assumption=table["name"].map(human_label),
    )
    return table.set_index("Assumption")[columns]


def structure_check(frame: pd.DataFrame, spec=None) -> pd.DataFrame:
    """Set each declared correlation beside what a survey frame shows (rank correlations).

    ``expected`` is the rank correlation the declared latent value gives for the frame's own
    answers; ``observed`` the mean Spearman over the item pairs. On synthetic data the two
    agree within sampling error; on the real data the gap measures how wrong the assumption was.
    """
    from survivors_perspectives.analyses import plausibility

    structure = spec.structure if spec is not None else None
    table = plausibility.correlations(frame, structure)
    table = table.assign(name=table["name"].map(human_label), kind=table["kind"].map(human_label))
    return (
        table.set_index("name")[["kind", "declared", "implied", "observed"]]
        .rename(
            columns={
                "kind": "Kind",
                "declared": "Declared (latent)",
                "implied": "Expected",
                "observed": "Observed",
            }
        )
        .rename_axis("Assumption")
    )


def fidelity_by_topic(result: pd.DataFrame) -> pd.DataFrame:
    """Count a fidelity comparison's figures by topic and status, with a total row."""
    _require(result, ["topic", "status"], "fidelity_by_topic")
    table = pd.crosstab(result["topic"].map(human_label), result["status"].map(human_label))
    table = table.rename_axis(index="Topic", columns="Status")
    return pd.concat([table, table.sum().to_frame("All topics").T])


# ---------------------------------------------------------------------------------------
# The course pages' numbers in the disclosure ledger (issue #14): every teaching table and
# sentence that counts people records whom it counts, so the whole-book audit sees the
# course beside the chapters it restates.


def crosstab_cells(
    frame: pd.DataFrame,
    row: str,
    col: str,
    table: pd.DataFrame,
    *,
    total_row: Hashable | None = TOTAL_ROW,
    total_col: Hashable | None = TOTAL_COLUMN,
) -> tuple[dict[tuple, pd.DataFrame], list[tuple[tuple, list[tuple]]]]:
    """Return the respondents behind each cell of a :func:`crosstab_with_total` table.

    Returns ``(cell_rows, lines)`` for :func:`survivors_perspectives.disclosure.ledger.
    table_entries`: the rows each cell counts (a total: its line's), and each shown total
    with the cells it adds up.
    """
    data = frame.dropna(subset=[row, col])
    values = {f"{v} (n)": v for v in data[col].unique()}
    inner_rows = [r for r in table.index if r != total_row]
    inner_cols = [c for c in table.columns if c != total_col]
    in_row = {r: (data[row] == r).to_numpy(bool) for r in inner_rows}
    in_col = {
        c: (data[col] == values.get(c, c.removesuffix(" (n)"))).to_numpy(bool) for c in inner_cols
    }
    cells: dict[tuple, pd.DataFrame] = {
        (r, c): data[in_row[r] & in_col[c]] for r in inner_rows for c in inner_cols
    }
    lines: list[tuple[tuple, list[tuple]]] = []
    if total_col in table.columns:
        for r in inner_rows:
            cells[(r, total_col)] = data[in_row[r]]
            lines.append(((r, total_col), [(r, c) for c in inner_cols]))
    if total_row in table.index:
        for c in inner_cols:
            cells[(total_row, c)] = data[in_col[c]]
            lines.append(((total_row, c), [(r, c) for r in inner_rows]))
    if total_row in table.index and total_col in table.columns:
        cells[(total_row, total_col)] = data
        lines.append(((total_row, total_col), [(total_row, c) for c in inner_cols]))
    return cells, lines


def record_crosstab(
    caption: str,
    frame: pd.DataFrame,
    row: str,
    col: str,
    display: pd.DataFrame,
    *,
    published: Sequence[tuple] = (),
) -> None:
    """Record every cell and total of a cross-table as ``display`` shows it (with ids only)."""
    if not _has_ids(frame):
        return
    cells, lines = crosstab_cells(frame, row, col, display)
    ledger.record(ledger.table_entries(caption, cells, display, lines, published=published))
    ledger.record(_splits(f"table '{caption}'", cells))


def _splits(where: str, cells: dict[tuple, pd.DataFrame]) -> list[ledger.Entry]:
    """Return each cell's split by country (see ``ledger.split_entries``)."""
    return [
        entry
        for (row, col), rows in cells.items()
        for entry in ledger.split_entries(f"{where}, row '{row}', column '{col}'", rows)
    ]


def suppressed_crosstab(
    frame: pd.DataFrame,
    row: str,
    col: str,
    counts: pd.DataFrame,
    *,
    caption: str,
    total_row: Hashable | None = TOTAL_ROW,
    total_col: Hashable | None = TOTAL_COLUMN,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress a :func:`crosstab_with_total` table and record what it shows in the ledger.

    The table a lesson prints, ``suppress_counts``'s display, with every cell and total
    recorded under ``caption`` with whom it counts.
    """
    shown, hidden = suppress_counts(
        counts,
        total_row=total_row if total_row in counts.index else None,
        total_col=total_col if total_col in counts.columns else None,
    )
    record_crosstab(caption, frame, row, col, shown)
    return shown, hidden


def record_small_cells(
    caption: str, frame: pd.DataFrame, row: str, col: str, small: pd.DataFrame
) -> None:
    """Record a table flagging the small cells: a flagged cell says "one to four people"."""
    if not _has_ids(frame):
        return
    cells, _lines = crosstab_cells(frame, row, col, small)
    flagged = small.map(lambda v: SUPPRESSED if bool(v) else WITHHELD)
    ledger.record(
        ledger.table_entries(
            caption, {cell: rows for cell, rows in cells.items() if small.loc[cell]}, flagged
        )
    )


def record_named_cells(
    where: str, frame: pd.DataFrame, row: str, col: str, named: Sequence[tuple]
) -> None:
    """Record a sentence naming cells as small ones ("leaking cells: Moldova, ...")."""
    if not _has_ids(frame) or not named:
        return
    data = frame.dropna(subset=[row, col])
    ledger.record(
        ledger.count_entry(
            f"{where}: {r}, {c}",
            data[((data[row] == r) & (data[col] == str(c).removesuffix(" (n)"))).to_numpy(bool)],
            SUPPRESSED,
        )
        for r, c in named
    )


def respondents_in_test(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Return the respondents a test counts: those with an answer in every one of ``columns``."""
    return frame.dropna(subset=list(columns))


def record_respondents(where: str, rows: pd.DataFrame, shown: object) -> None:
    """Record a count of respondents a sentence shows (``n = 412``, "workers in the test")."""
    if _has_ids(rows):
        ledger.record([ledger.count_entry(where, rows, shown), *ledger.split_entries(where, rows)])


def cell_members(frame: pd.DataFrame, row: str, col: str):
    """Return ``members(row, column)`` for ``tables.count_table`` of a cross-table.

    Columns are labelled as :func:`crosstab_with_total` labels them (``"Female (n)"``).
    """
    data = frame.dropna(subset=[row, col])

    def members(r, c) -> pd.DataFrame:
        value = str(c).removesuffix(" (n)")
        return data[((data[row] == r) & (data[col].astype(str) == value)).to_numpy(bool)]

    return members


def _chapter_hidden(frame: pd.DataFrame, col: str, reference: pd.DataFrame | None) -> pd.DataFrame:
    """Return, per country (rows) and answer (``"<answer> (n)"``), what its chapter hides."""
    from survivors_perspectives.pages import country_chapter

    return pd.DataFrame(
        {
            country: country_chapter.profile_hidden(frame, country, col, reference)
            for country in country_chapter.countries_of(frame)
        }
    ).T.rename(columns=lambda answer: f"{answer} (n)")


def chapter_crosstab(
    frame: pd.DataFrame,
    col: str,
    counts: pd.DataFrame,
    *,
    caption: str,
    reference: pd.DataFrame | None = None,
    own_partners: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Show a country x ``col`` table with each country's cells hidden as its chapter hides them.

    The country chapters' profile tables show the same people; a lesson table that hid
    other partners would give back, beside them, what either hides (issue #14: the
    education lesson did). So each country's line hides exactly the cells its chapter
    hides (``country_chapter.profile_hidden``): ``"<5"`` for a count of 1 to 4, ``"–"``
    for a partner (the chapter may show it as withheld, which reveals no range). The
    study-wide total of each answer is shown only where no cell is hidden: with the
    country totals and the sample's size public, one hidden column total would follow from
    the rest. ``counts``: :func:`crosstab_with_total` with ``totals="both"``. With
    ``own_partners`` (the lesson on secondary suppression), the cells ``suppress_counts``
    hides in this table are hidden too (``"<5"``, ``"x"``): each of them the chapters
    show or hide already, so they add nothing a reader could subtract.

    Returns
    -------
    display, hidden
        As :func:`~survivors_perspectives.disclosure.suppression.suppress_counts` returns
        them; every shown number is recorded in the disclosure ledger under ``caption``.
    """
    values = counts.astype("int64")
    chapter = _chapter_hidden(frame, col, reference)
    hidden = pd.DataFrame(False, index=values.index, columns=values.columns)
    for country in values.index.drop(TOTAL_ROW, errors="ignore"):
        for answer in values.columns.drop(TOTAL_COLUMN, errors="ignore"):
            hidden.loc[country, answer] = bool(chapter.get(answer, {}).get(country, False))
    if hidden.to_numpy().any() and TOTAL_ROW in values.index:
        hidden.loc[TOTAL_ROW] = True
        if TOTAL_COLUMN in values.columns:
            hidden.loc[TOTAL_ROW, TOTAL_COLUMN] = False
    display = values.astype(str).mask(hidden, WITHHELD)
    display = display.mask(hidden & values.map(is_small).astype(bool), SUPPRESSED)
    if own_partners:
        own, own_hidden = suppress_counts(
            values,
            total_row=TOTAL_ROW if TOTAL_ROW in values.index else None,
            total_col=TOTAL_COLUMN if TOTAL_COLUMN in values.columns else None,
        )
        display = display.mask(own_hidden & ~hidden, own)
        hidden = hidden | own_hidden
    record_crosstab(caption, frame, "country", col, display)
    return display, hidden


def chapter_safe_columns(
    frame: pd.DataFrame,
    row: str,
    col: str,
    counts: pd.DataFrame,
    *,
    caption: str,
    reference: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Show a ``row`` x ``col`` table over all countries, withholding the columns chapters hide.

    A study-wide count of an answer is the sum of the countries' counts: where a country's
    chapter hides its count of that answer, the study-wide one (or a table whose cells add
    up to it) gives it back (issue #14: Moldova's experience through the age x experience
    lesson). So each answer some chapter hides is withheld (``"–"``) in every cell of its
    column; the others are shown, small cells as ``"<5"`` with their partners
    (:func:`suppressed_crosstab`'s suppression). ``counts``: :func:`crosstab_with_total`
    with ``totals="row"``.
    """
    hidden_answers = chapter_hidden_answers(frame, col, reference)
    values = counts.astype("int64")
    withheld = [c for c in values.columns if str(c).removesuffix(" (n)") in hidden_answers]
    kept = values.drop(columns=withheld)
    shown, hidden = suppress_counts(kept, total_row=TOTAL_ROW if TOTAL_ROW in kept.index else None)
    display = values.astype(str)
    mask = pd.DataFrame(True, index=values.index, columns=values.columns)
    display.loc[:, kept.columns] = shown
    mask.loc[:, kept.columns] = hidden
    display.loc[:, withheld] = WITHHELD
    display = display[list(values.columns)]
    record_crosstab(caption, frame, row, col, display)
    return display, mask


def size_withheld(frame: pd.DataFrame, test_id: str, reference: pd.DataFrame | None) -> bool:
    """Return True when the size of the published test ``test_id`` must be withheld.

    The cross-country chapter's rule (``cross_country.test_size_withheld``): the lesson's
    sentence states the same test's n, so it withholds it where the chapter does.
    """
    from survivors_perspectives.analyses import cross_country
    from survivors_perspectives.published.significance_tests import TESTS_BY_ID

    return cross_country.test_size_withheld(frame, TESTS_BY_ID[test_id], reference)


def size_text(n: int, withheld: bool) -> str:
    """Return a test's number of respondents for a sentence, or why it is not given."""
    return "withheld, as it would give a small count back" if withheld else str(int(n))
