"""An audit of the report's own numbers, run as code over the published reference table.

Each check reads the reference table (``reference.load_reference``), so the audit is redone
whenever a figure is corrected or added. Two kinds of check:

* generic checks driven by the table's columns: every p-value recomputed from its statistic
  and degrees of freedom (as statcheck does, but with scipy); every df against the design and
  the item base; every percentage against its count and base; counts against their group;
  subgroup figures against the overall figure; shares of mutually exclusive categories
  against 100%; restatements in the executive summary against the findings; expected cell
  counts of each chi-square test from the published margins;
* a short declared list of cross-statement checks (:data:`CROSS_CHECKS`): each names the
  reference ids involved and the rule they must obey; the numbers come from the table.

A *finding* is a check that fails. Its text is ours; it quotes figures, never sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from survivors_perspectives.countries import COUNTRIES, slugify
from survivors_perspectives.published.printed_values import (
    APPROXIMATE_HALF_WIDTH,
    STATISTIC_DECIMALS,
    is_inexact,
    is_lower_bound,
    p_from_statistic,
    parse_df,
    parse_p,
    published_significant,
    significant,
)
from survivors_perspectives.published.significance_tests import TESTS_BY_ID

#: Columns of ``audit.csv``, in order.
AUDIT_COLUMNS: tuple[str, ...] = (
    "id",
    "check",
    "location",
    "published",
    "inconsistency",
    "recomputed",
    "changes_conclusion",
    "explanation",
    "reference_ids",
)

#: Cochran's rule: chi-square p-values are doubtful when expected counts fall below this.
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class Finding:
    """One place where the report's numbers do not agree with each other."""

    id: str
    check: str
    location: str
    published: str
    inconsistency: str
    recomputed: str
    changes_conclusion: str
    explanation: str
    reference_ids: str


@dataclass(frozen=True)
class Factor:
    """A variable a published test crosses, with its categories.

    ``prefix`` names reference rows ``<prefix>.<level>.count`` holding the published size of
    each category; when the report gives no such counts, ``levels`` says how many
    categories there are and ``reason`` where that number comes from.
    """

    name: str
    prefix: str = ""
    levels: int = 0
    reason: str = ""


#: Variables the published tests cross. Countries come from the per-country sample sizes.
FACTORS: dict[str, Factor] = {
    "country": Factor("country", "sample.completed"),
    "gender": Factor("worker gender", "profile.gender"),
    "location": Factor("location of the organisation", "profile.location"),
    "age": Factor("age band", "profile.age"),
    "org_type": Factor("organisation type", "profile.org_type"),
    "offered": Factor("service offered", levels=2, reason="offered or not"),
    "exchange_form": Factor(
        "most common form of exchange", levels=5, reason="five forms shown in Figures 12-13"
    ),
    "scenario_answer": Factor("scenario answer", levels=3, reason="yes, no or unsure"),
    "encountered": Factor("form of abuse encountered", levels=2, reason="yes or no"),
    "child_gender": Factor("child's gender", levels=2, reason="girls or boys"),
}

# --------------------------------------------------------------------------- helpers


def _by_id(reference: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["id"]: row for _, row in reference.iterrows()}


def _fmt(x: float, decimals: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _stat(x: float) -> str:
    """Format a test statistic as the report prints it (three decimals)."""
    return f"{x:.{STATISTIC_DECIMALS}f}"


def _fmt_p(p: float) -> str:
    return "<0.0001" if p < 0.0001 else f"{p:.4f}"


def _footnote(source: str) -> str:
    """Return the footnote or figure part of a source, e.g. ``fn 31``."""
    parts = [part.strip() for part in source.split(";")]
    marks = [p for p in parts if re.match(r"^(fn|Figure)\b", p)]
    return "; ".join(marks) if marks else parts[0]


def _decimals(value: float) -> int:
    """Decimals a published value was printed with (43.6 -> 1, 58 -> 0)."""
    text = _fmt(value, 6)
    return len(text.split(".")[1]) if "." in text else 0


def p_is_consistent(
    p_reported: str, test: str, statistic: float, df: tuple[int, ...]
) -> tuple[bool, float]:
    """Whether the printed p can follow from the printed statistic and df.

    The statistic stands for the interval its printed digits allow, so p may lie anywhere
    between the p-values of the interval's ends; a printed ``=`` p is rounded, so it stands
    for half a unit of its last digit either side (both intervals, as in statcheck).

    Returns
    -------
    (bool, float)
        Consistency, and the p-value of the statistic as printed.
    """
    relation, value, decimals = parse_p(p_reported)
    half = 0.5 * 10**-STATISTIC_DECIMALS
    p_mid = p_from_statistic(test, statistic, df)
    p_low = p_from_statistic(test, statistic + half, df)
    p_high = p_from_statistic(test, max(statistic - half, 0.0), df)
    if relation == "<":
        return p_low < value, p_mid
    if relation == ">":
        return p_high > value, p_mid
    rounding = 0.5 * 10**-decimals
    return p_low <= value + rounding and p_high >= value - rounding, p_mid


def design_for(test_id: str) -> tuple[Factor | None, Factor]:
    """Return the two factors a published test crosses (``PublishedTest.crosses``)."""
    try:
        first, second = TESTS_BY_ID[test_id].crosses
    except KeyError:
        raise KeyError(
            f"no design declared for test {test_id!r}; add it to survey.published_tests"
        ) from None
    return (FACTORS[first] if first else None), FACTORS[second]


def level_sizes(reference: pd.DataFrame, factor: Factor) -> dict[str, float]:
    """Return the published size of each category of ``factor`` (empty when not published)."""
    if not factor.prefix:
        return {}
    pattern = re.compile(rf"^{re.escape(factor.prefix)}\.([a-z0-9_]+)\.count(\.[a-z0-9-]+)?$")
    sizes: dict[str, float] = {}
    for _, row in reference.iterrows():
        match = pattern.match(row["id"])
        if not match or row["unit"] != "count":
            continue
        if factor.name == "country":
            # one row per country: sample.completed.count.<slug>
            if match.group(2) is None and row["scope"] != "all":
                sizes[row["scope"]] = row["value"]
        elif match.group(2) is None and row["scope"] == "all":
            sizes[match.group(1)] = row["value"]
    if factor.name == "country":
        sizes = {
            row["scope"]: row["value"]
            for _, row in reference.iterrows()
            if row["id"].startswith("sample.completed.count.") and row["scope"] in COUNTRIES
        }
    return sizes


def level_count(reference: pd.DataFrame, factor: Factor) -> int:
    """Return the number of categories of ``factor``: published counts, else the declared number."""
    sizes = level_sizes(reference, factor)
    return len(sizes) if sizes else factor.levels


def _test_rows(reference: pd.DataFrame) -> pd.DataFrame:
    return reference[reference["test"] != ""]


def _total_respondents(reference: pd.DataFrame) -> float:
    rows = reference[reference["id"] == "sample.completed.count"]
    return float(rows["value"].iloc[0]) if len(rows) else math.nan


# --------------------------------------------------------------------------- generic checks


def check_p_values(reference: pd.DataFrame) -> list[Finding]:
    """Recompute every printed p from its statistic and df.

    When the printed df are themselves impossible and the df implied by the item base
    reproduce the printed p, the p-value is not reported again here: the df finding says it.
    """
    findings = []
    for _, row in _test_rows(reference).iterrows():
        df = parse_df(row["df"])
        ok, p = p_is_consistent(row["p_reported"], row["test"], row["statistic"], df)
        if ok:
            continue
        implied = _implied_df(reference, row)
        if implied and implied != df:
            ok_implied, _ = p_is_consistent(
                row["p_reported"], row["test"], row["statistic"], implied
            )
            if ok_implied:
                continue
        relation, value, _ = parse_p(row["p_reported"])
        same = published_significant(row["p_reported"]) == significant(p)
        symbol = "F" if row["test"] == "anova_oneway" else "chi-square"
        findings.append(
            Finding(
                id=f"p_value.{row['id']}",
                check="p_value",
                location=_footnote(row["source"]),
                published=f"{symbol}({row['df']}) = {_stat(row['statistic'])}, "
                f"p {'= ' if relation == '=' else relation}{_fmt(value, 4)}",
                inconsistency="the printed p does not follow from the printed statistic and df",
                recomputed=f"p = {_fmt_p(p)}",
                changes_conclusion="no" if same else "yes",
                explanation=(
                    f"The upper tail of the {symbol} distribution with {row['df']} df beyond "
                    f"{_stat(row['statistic'])} is {_fmt_p(p)}. "
                    + (
                        "Both values lie on the same side of 0.05, so the reading of the test "
                        "does not change; a digit was probably lost in typesetting."
                        if same
                        else "The two values fall on opposite sides of 0.05, so the test's "
                        "conclusion depends on which is right."
                    )
                ),
                reference_ids=row["id"],
            )
        )
    return findings


def _implied_df(reference: pd.DataFrame, row: pd.Series) -> tuple[int, ...] | None:
    """Degrees of freedom the design and the item base imply for a test row."""
    try:
        first, second = design_for(row["id"])
    except KeyError:
        return None
    k = level_count(reference, second)
    if row["test"] == "anova_oneway":
        if pd.isna(row["base"]) or not k:
            return None
        return (k - 1, int(row["base"]) - k)
    r = level_count(reference, first) if first else 0
    if not (r and k):
        return None
    return ((r - 1) * (k - 1),)


def check_degrees_of_freedom(reference: pd.DataFrame) -> list[Finding]:
    """Compare every printed df with the test's design and the item's base.

    One-way ANOVA: ``df1 = k - 1`` groups, ``df2 = N - k`` with ``N`` the respondents who
    answered; ``N`` can never exceed the number of respondents. Chi-square:
    ``(r - 1)(c - 1)`` for the categories the report describes.
    """
    findings = []
    total = _total_respondents(reference)
    for _, row in _test_rows(reference).iterrows():
        printed = parse_df(row["df"])
        implied = _implied_df(reference, row)
        if implied is None or implied == printed:
            continue
        first, second = design_for(row["id"])
        if row["test"] == "anova_oneway":
            n_printed = printed[1] + printed[0] + 1
            why = (
                f"A one-way ANOVA across {implied[0] + 1} {second.name} groups answered by "
                f"{int(row['base'])} people ({row['subgroup']}) has df {implied[0]},"
                f"{implied[1]}; the printed df imply {n_printed} people"
                + (
                    f", more than the {int(total)} who completed the survey"
                    if n_printed > total
                    else ""
                )
                + "."
            )
        else:
            r = level_count(reference, first)
            c = level_count(reference, second)
            why = (
                f"A test of {first.name} ({r} categories) by {second.name} ({c}) has "
                f"({r} - 1) x ({c} - 1) = {implied[0]} df."
            )
        p_printed = p_from_statistic(row["test"], row["statistic"], printed)
        p_implied = p_from_statistic(row["test"], row["statistic"], implied)
        ok_implied, _ = p_is_consistent(row["p_reported"], row["test"], row["statistic"], implied)
        changes = "no" if significant(p_printed) == significant(p_implied) else "yes"
        findings.append(
            Finding(
                id=f"degrees_of_freedom.{row['id']}",
                check="degrees_of_freedom",
                location=_footnote(row["source"]),
                published=f"df {row['df']}, p {row['p_reported']}",
                inconsistency="the printed df do not fit the design and sample size",
                recomputed=f"df {','.join(map(str, implied))}, p = {_fmt_p(p_implied)}",
                changes_conclusion=changes,
                explanation=why
                + (
                    f" With those df the printed statistic gives p = {_fmt_p(p_implied)}, "
                    f"matching the printed p, so the df were most likely mistyped."
                    if ok_implied
                    else f" With those df the printed statistic gives p = {_fmt_p(p_implied)}."
                ),
                reference_ids=row["id"],
            )
        )
    return findings


def _rounds_to(share: float, printed: float, decimals: int) -> bool:
    """Whether ``share`` prints as ``printed`` at ``decimals`` (half-up or half-even)."""
    scale = 10**decimals
    candidates = {
        math.floor(share * scale + 0.5) / scale,
        round(share * scale) / scale,
    }
    return any(abs(c - printed) < 1e-9 for c in candidates)


def check_percentages(reference: pd.DataFrame) -> list[Finding]:
    """Check every percentage against its count and base.

    With ``n`` and ``base``: ``100 n / base`` must round to the printed value. With only a
    base: some whole count must give the printed value on that base. Approximate figures
    (the table's note says so) are skipped. A figure restated in the executive summary with
    the same value, count and base is reported once, at the original, naming both places.
    """
    findings = []
    rows = _by_id(reference)
    for _, row in reference[reference["unit"] == "percent"].iterrows():
        if pd.isna(row["base"]) or is_inexact(row["note"]) or row["base"] <= 0:
            continue
        original = rows.get(row["id"].removesuffix(".exec_summary"))
        if row["id"].endswith(".exec_summary") and _same_figure(row, original):
            continue
        restated = rows.get(row["id"] + ".exec_summary")
        also = (
            f"; restated in {_footnote(restated['source'])}" if _same_figure(restated, row) else ""
        )
        decimals = _decimals(row["value"])
        base = row["base"]
        if not pd.isna(row["n"]):
            share = 100 * row["n"] / base
            if _rounds_to(share, row["value"], decimals):
                continue
            nearest = [
                k for k in range(int(base) + 1) if _rounds_to(100 * k / base, row["value"], 0)
            ]
            fits = (
                f"; {row['value']:g}% of {int(base)} would need {nearest[0]}"
                + (f" to {nearest[-1]}" if len(nearest) > 1 else "")
                + " people"
                if nearest
                else ""
            )
            base_fit = [
                b
                for b in range(int(row["n"]) + 1, int(base) + 1)
                if _rounds_to(100 * row["n"] / b, row["value"], decimals)
            ]
            explanation = (
                f"{int(row['n'])} of {int(base)} is {share:.2f}%, which prints as "
                f"{round(share, decimals):g}%, not "
                f"{row['value']:g}%{fits}."
            )
            if base_fit:
                explanation += (
                    f" The printed share fits {int(row['n'])} people on a base of "
                    f"{base_fit[0]}"
                    + (f" to {base_fit[-1]}" if len(base_fit) > 1 else "")
                    + ", so the base may have been smaller (missing answers) or the shares "
                    "adjusted to sum to 100."
                )
            findings.append(
                Finding(
                    id=f"percentage.{row['id']}",
                    check="percentage",
                    location=_footnote(row["source"]) + also,
                    published=f"{row['value']:g}% (n = {int(row['n'])}, base {int(base)})",
                    inconsistency="the percentage does not round from its count and base",
                    recomputed=f"{share:.2f}%",
                    changes_conclusion="no",
                    explanation=explanation,
                    reference_ids=row["id"],
                )
            )
        else:
            possible = [
                k
                for k in range(int(base) + 1)
                if _rounds_to(100 * k / base, row["value"], decimals)
            ]
            if possible:
                continue
            lower = max(k for k in range(int(base) + 1) if 100 * k / base < row["value"])
            findings.append(
                Finding(
                    id=f"percentage.{row['id']}",
                    check="percentage",
                    location=_footnote(row["source"]) + also,
                    published=f"{row['value']:g}% of {int(base)}",
                    inconsistency="no whole number of people gives this percentage of the base",
                    recomputed=f"{lower}/{int(base)} = {100 * lower / base:.1f}%, "
                    f"{lower + 1}/{int(base)} = {100 * (lower + 1) / base:.1f}%",
                    changes_conclusion="no",
                    explanation=f"On a base of {int(base)} the attainable shares next to "
                    f"{row['value']:g}% are {100 * lower / base:.1f}% and "
                    f"{100 * (lower + 1) / base:.1f}%; the base or the share is off.",
                    reference_ids=row["id"],
                )
            )
    return findings


def _same_figure(a: pd.Series | None, b: pd.Series | None) -> bool:
    """Whether two rows state the same value on the same count and base."""
    if a is None or b is None:
        return False
    return all((pd.isna(a[c]) and pd.isna(b[c])) or a[c] == b[c] for c in ("value", "n", "base"))


def check_counts_within_group(reference: pd.DataFrame) -> list[Finding]:
    """Flag counts larger than the group they count in (their base)."""
    findings = []
    counts = reference[(reference["unit"] == "count") & reference["base"].notna()]
    for _, row in counts[counts["value"] > counts["base"]].iterrows():
        findings.append(
            Finding(
                id=f"count_within_group.{row['id']}",
                check="count_within_group",
                location=_footnote(row["source"]),
                published=f"{row['value']:g} of {row['base']:g}",
                inconsistency="a count larger than its group",
                recomputed=f"at most {row['base']:g}",
                changes_conclusion="no",
                explanation=f"{row['value']:g} people cannot be part of a group of "
                f"{row['base']:g}.",
                reference_ids=row["id"],
            )
        )
    return findings


#: Subgroup suffixes that split the whole sample into parts (the rest is 'other').
PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("men", "women"),
    ("government", "ngo"),
    tuple(slugify(c) for c in COUNTRIES),
)


def _interval(row: pd.Series) -> tuple[float, float]:
    """Values a printed percentage can stand for, given its rounding or approximation."""
    if is_inexact(row["note"]):
        if is_lower_bound(row["note"]):
            return row["value"], 100.0
        return row["value"] - APPROXIMATE_HALF_WIDTH, row["value"] + APPROXIMATE_HALF_WIDTH
    half = 0.5 * 10 ** -_decimals(row["value"])
    return row["value"] - half, row["value"] + half


def check_subgroups_combine(reference: pd.DataFrame) -> list[Finding]:
    """Subgroup shares must be able to average to the overall share.

    For an overall percentage ``X`` with subgroup rows ``X.<group>`` (men and women,
    government and NGO staff, or countries) whose bases are published, the overall share
    must lie between the lowest and highest base-weighted average the subgroups' printed
    values allow, with anyone outside the named subgroups free to answer anything.
    """
    findings = []
    rows = _by_id(reference)
    for parent_id, parent in rows.items():
        if parent["unit"] != "percent" or pd.isna(parent["base"]):
            continue
        for partition in PARTITIONS:
            children = [
                rows[f"{parent_id}.{g}"]
                for g in partition
                if f"{parent_id}.{g}" in rows
                and not pd.isna(rows[f"{parent_id}.{g}"]["base"])
                and rows[f"{parent_id}.{g}"]["unit"] == "percent"
            ]
            if len(children) < 2:
                continue
            named = sum(c["base"] for c in children)
            rest = parent["base"] - named
            if rest < 0:
                continue
            low = sum(_interval(c)[0] * c["base"] for c in children) / parent["base"]
            high = (sum(_interval(c)[1] * c["base"] for c in children) + 100 * rest) / parent[
                "base"
            ]
            p_low, p_high = _interval(parent)
            if p_high >= low and p_low <= high:
                continue
            weighted = sum(c["value"] * c["base"] for c in children) / named
            parts = ", ".join(
                f"{c['subgroup']} {c['value']:g}% of {int(c['base'])}" for c in children
            )
            findings.append(
                Finding(
                    id=f"subgroups_combine.{parent_id}.{'_'.join(partition[:2])}",
                    check="subgroups_combine",
                    location="; ".join(
                        dict.fromkeys(_footnote(r["source"]) for r in [parent, *children])
                    ),
                    published=f"overall {parent['value']:g}% of {int(parent['base'])}; {parts}",
                    inconsistency="the subgroup shares cannot average to the overall share",
                    recomputed=f"overall between {low:.1f}% and {high:.1f}% "
                    f"(weighted mean of the named groups {weighted:.1f}%)",
                    changes_conclusion="possibly",
                    explanation=(
                        f"Weighting each subgroup's share by its size, and letting the "
                        f"{int(rest)} {'person' if rest == 1 else 'people'} outside the "
                        "named groups answer anything, the "
                        f"overall share could only lie between {low:.1f}% and {high:.1f}%. "
                        f"Either the overall figure or the subgroup figures (or their bases) "
                        f"are wrong, so the size of the reported difference is uncertain."
                    ),
                    reference_ids=";".join([parent_id, *(c["id"] for c in children)]),
                )
            )
    return findings


#: Id prefixes whose categories exclude each other and cover everyone in the base.
EXCLUSIVE_SETS: tuple[str, ...] = (
    "profile.gender",
    "profile.age",
    "profile.education",
    "profile.experience",
    "profile.location",
    "profile.org_type",
    "awareness.rating",
    "sample.completed",
)


def check_exclusive_sets(reference: pd.DataFrame) -> list[Finding]:
    """Check that exclusive categories sum to their base, or to 100% within rounding."""
    findings = []
    for prefix in EXCLUSIVE_SETS:
        for unit, pattern in (
            ("count", rf"^{re.escape(prefix)}\.[a-z0-9_]+\.count$"),
            ("percent", rf"^{re.escape(prefix)}\.[a-z0-9_]+\.pct$"),
        ):
            members = reference[
                reference["id"].str.match(pattern)
                & (reference["unit"] == unit)
                & ~reference["id"].str.contains("_or_")
            ]
            if prefix == "sample.completed" and unit == "count":
                members = reference[
                    reference["id"].str.startswith("sample.completed.count.")
                    & reference["scope"].isin(COUNTRIES)
                ]
            if len(members) < 2:
                continue
            total = members["value"].sum()
            if unit == "count":
                bases = members["base"].dropna().unique()
                if len(bases) != 1 or total == bases[0]:
                    continue
                target, slack, what = bases[0], 0.0, f"{int(bases[0])} people"
            else:
                slack = sum(0.5 * 10 ** -_decimals(v) for v in members["value"])
                if abs(total - 100) <= slack + 1e-9:
                    continue
                target, what = 100.0, "100%"
            findings.append(
                Finding(
                    id=f"exclusive_sets.{prefix}.{unit}",
                    check="exclusive_sets",
                    location="; ".join(dict.fromkeys(map(_footnote, members["source"]))),
                    published=", ".join(
                        f"{i.split('.')[-2]} {v:g}"
                        for i, v in zip(members["id"], members["value"], strict=True)
                    ),
                    inconsistency=f"the categories sum to {total:g}, not {what}",
                    recomputed=f"sum {total:g}; allowed {target - slack:g} to {target + slack:g}",
                    changes_conclusion="no",
                    explanation="The categories exclude each other and cover everyone asked, "
                    f"so they must add up to {what}"
                    + (" within rounding." if unit == "percent" else "."),
                    reference_ids=";".join(members["id"]),
                )
            )
    return findings


def check_restatements(reference: pd.DataFrame) -> list[Finding]:
    """Figures repeated in the executive summary must equal the findings they restate."""
    findings = []
    rows = _by_id(reference)
    for row_id, row in rows.items():
        if not row_id.endswith(".exec_summary"):
            continue
        original = rows.get(row_id.removesuffix(".exec_summary"))
        if original is None or original["value"] == row["value"]:
            continue
        findings.append(
            Finding(
                id=f"restatement.{row_id}",
                check="restatement",
                location=f"{_footnote(row['source'])} vs {_footnote(original['source'])}",
                published=f"{row['value']:g} vs {original['value']:g}",
                inconsistency="the summary states a different figure from the findings",
                recomputed=f"{original['value']:g}",
                changes_conclusion="no",
                explanation="The same quantity is given two different values.",
                reference_ids=f"{row_id};{original['id']}",
            )
        )
    return findings


def _offered_sizes(reference: pd.DataFrame, test_id: str) -> dict[str, float]:
    """Offered / not offered sizes for a services test, from the overall percentage."""
    service = test_id.split(".")[1]
    rows = _by_id(reference)
    overall = rows.get(f"services.{service}.pct")
    if overall is None or pd.isna(overall["base"]):
        return {}
    offered = round(overall["value"] / 100 * overall["base"])
    return {"offered": offered, "not offered": overall["base"] - offered}


def check_expected_counts(reference: pd.DataFrame) -> list[Finding]:
    """Smallest expected cell count of each chi-square test, from the published margins.

    The expected count of a cell is ``row total x column total / n``; the smallest cell
    pairs the two smallest categories. Under 5 the chi-square p is an approximation in
    doubt, under 1 it can be far off; an exact or Monte Carlo test is needed (the
    cross-country chapter runs one on the data).
    """
    findings = []
    for _, row in _test_rows(reference).iterrows():
        if row["test"] != "chi2_independence":
            continue
        first, second = design_for(row["id"])
        sizes = []
        for factor in (first, second):
            found = level_sizes(reference, factor) if factor else {}
            if not found and factor is FACTORS["offered"]:
                found = _offered_sizes(reference, row["id"])
            sizes.append(found)
        if not all(sizes):
            continue
        n = sum(sizes[0].values())
        (a_name, a), (b_name, b) = (min(s.items(), key=lambda kv: kv[1]) for s in sizes)
        expected = a * b / n
        if expected >= MIN_EXPECTED:
            continue
        findings.append(
            Finding(
                id=f"expected_counts.{row['id']}",
                check="expected_counts",
                location=_footnote(row["source"]),
                published=f"chi-square({row['df']}) = {_stat(row['statistic'])}, "
                f"p {row['p_reported']}",
                inconsistency=f"expected count under {MIN_EXPECTED:g} in at least one cell",
                recomputed=f"smallest expected count {expected:.2f} "
                f"({a_name.replace('_', ' ')} {a:g} x {b_name} {b:g} / {n:g})",
                changes_conclusion="possibly" if expected < 1 else "no",
                explanation=(
                    f"The smallest {first.name} group ({a_name.replace('_', ' ')}, {a:g} "
                    f"{'person' if a == 1 else 'people'}) and the smallest {second.name} "
                    f"group ({b_name}, {b:g}) give an "
                    f"expected count of {expected:.2f}, below the usual minimum of "
                    f"{MIN_EXPECTED:g}. The chi-square p-value is then only approximate"
                    + (
                        "; with an expected count under 1 a single person can move the "
                        "statistic a lot. An exact or Monte Carlo test (or merging the "
                        "category) would settle it."
                        if expected < 1
                        else "; an exact or Monte Carlo test is the safer reading."
                    )
                ),
                reference_ids=row["id"],
            )
        )
    return findings


# --------------------------------------------------------------------------- declared checks


@dataclass(frozen=True)
class CrossCheck:
    """A declared rule between statements of the report.

    ``rule`` is a function of the rows (in ``ids`` order) and ``params`` returning ``None``
    when the statements agree, else ``(published, inconsistency, recomputed, explanation)``.
    """

    id: str
    ids: tuple[str, ...]
    rule: Callable[..., tuple[str, str, str, str] | None]
    changes_conclusion: str
    params: dict = field(default_factory=dict)
    location: str = ""


def _rule_claimed_bound(rows, *, claim: str, bound: float, above: bool):
    (row,) = rows
    ok = row["value"] > bound if above else row["value"] < bound
    if ok:
        return None
    return (
        f"{row['value']:g}% described as {claim}",
        f"{row['value']:g}% is not {'above' if above else 'below'} {bound:.1f}%",
        f"{row['value']:g}% is about {_fraction_words(row['value'])}",
        f"The verbal description ({claim}, i.e. {'over' if above else 'under'} "
        f"{bound:.1f}%) and the printed share disagree; the share is the figure to trust.",
    )


def _fraction_words(value: float) -> str:
    fractions = {
        "a fifth": 20,
        "a quarter": 25,
        "a third": 100 / 3,
        "two fifths": 40,
        "a half": 50,
        "three fifths": 60,
        "two thirds": 200 / 3,
        "three quarters": 75,
    }
    name = min(fractions, key=lambda k: abs(fractions[k] - value))
    return name


def _rule_claimed_range(rows, *, claim: str, low: float, high: float):
    outside = [r for r in rows if not low - 1e-9 <= r["value"] <= high + 1e-9]
    if not outside:
        return None
    listed = ", ".join(f"{r['scope']} {r['value']:g}%" for r in outside)
    return (
        f"range described as {claim}; " + ", ".join(f"{r['scope']} {r['value']:g}%" for r in rows),
        f"{listed} outside {low:.1f}%-{high:.1f}%",
        f"observed range {min(r['value'] for r in rows):g}%-{max(r['value'] for r in rows):g}%",
        f"The summary range ({claim}) is narrower than the country figures it summarises.",
    )


def _rule_subset_count(rows):
    part, whole = rows
    if part["value"] <= whole["value"]:
        return None
    return (
        f"{part['value']:g} ({part['quantity']}) among the {whole['value']:g} "
        f"({whole['quantity']})",
        "a subgroup larger than the group it is drawn from",
        f"at most {whole['value']:g}",
        "The second statement refers back to the people of the first, yet counts more of them; "
        "one of the two counts is wrong, or the second group is not a subset.",
    )


def _rule_minimum(rows):
    minimum, case = rows
    if case["value"] >= minimum["value"]:
        return None
    return (
        f"youngest age {minimum['value']:g} overall; a case at {case['value']:g} ({case['scope']})",
        "a reported case lies below the stated minimum",
        f"minimum at most {case['value']:g}",
        "The range given for all participants excludes a participant described elsewhere.",
    )


def _rule_same_value(rows, *, what: str, why: str):
    first, second = rows
    if first["value"] == second["value"]:
        return None
    return (
        f"{first['value']:g} vs {second['value']:g}",
        f"{what} differ",
        f"{second['value']:g}",
        f"The paraphrase gives {first['value']:g} where the finding it restates gives "
        f"{second['value']:g}. {why}",
    )


def _rule_complement_changes_quantity(rows):
    summary, finding = rows
    if abs(summary["value"] - (100 - finding["value"])) > 1:
        return None
    return (
        f"{summary['value']:g}%: {summary['quantity']}; {finding['value']:g}%: "
        f"{finding['quantity']}",
        "the summary turns a share of respondents into a share of offenders",
        f"{100 - finding['value']:g}% of respondents, not of offenders",
        "The findings give the share of workers who thought foreign offenders were more common; "
        "its complement is the share who did not, which says nothing about what fraction of "
        "offenders were from the same country.",
    )


def _rule_two_by_two(rows):
    test, girls, boys, total = rows

    def chi2(girls_base: float, boys_base: float):
        table = np.array(
            [[girls["n"], girls_base - girls["n"]], [boys["n"], boys_base - boys["n"]]]
        )
        return sps.chi2_contingency(table, correction=False)

    on_bases = chi2(girls["base"], boys["base"])
    if abs(on_bases.statistic - test["statistic"]) / test["statistic"] < 0.05:
        return None
    everyone = chi2(total["value"], total["value"])
    return (
        f"chi-square(1) = {_stat(test['statistic'])}; {int(girls['n'])} of "
        f"{int(girls['base'])} ({girls['subgroup']}) vs {int(boys['n'])} of "
        f"{int(boys['base'])} ({boys['subgroup']})",
        "the statistic does not follow from the published counts",
        f"chi-square(1) = {on_bases.statistic:.3f} on the published bases; "
        f"{everyone.statistic:.3f} counting all {int(total['value'])} respondents twice",
        f"A 2x2 test on the published counts and bases gives {on_bases.statistic:.1f}, not "
        f"{_stat(test['statistic'])}. Counting each of the {int(total['value'])} respondents "
        f"once for girls and once for boys (no such case counting as 'no') gives "
        f"{everyone.statistic:.1f}, much nearer, so the published test probably used that "
        "table, which counts every worker twice (see the independence finding). All readings "
        "are significant, so the direction of the finding stands.",
    )


def _rule_overlapping_groups(rows, *, total_id: str):
    girls, boys, total = rows
    combined = girls["base"] + boys["base"]
    if combined <= total["value"]:
        return None
    return (
        f"{int(girls['base'])} {girls['subgroup']} and {int(boys['base'])} {boys['subgroup']} "
        f"compared; {int(total['value'])} respondents",
        "the two compared groups share respondents",
        f"at least {int(combined - total['value'])} respondents in both groups",
        "A chi-square test of independence needs each person in exactly one cell. Workers who "
        "supported both girls and boys answer for both (and if everyone is counted once per "
        "child gender, every worker is in both columns), so the two columns are paired, not "
        "independent; a paired test (e.g. McNemar's) on per-worker answers is the right one.",
    )


def _rule_label_mismatch(rows, *, label: str, label_df: int):
    (row,) = rows
    printed = parse_df(row["df"])[0]
    if printed == label_df:
        return None
    return (
        f"footnote label: {label}; chi-square({row['df']}) = {_stat(row['statistic'])}",
        "the footnote names a different comparison from the one it annotates",
        f"a {label} test would have {label_df} df, not {printed}",
        f"The footnote's wording repeats that of the earlier test of {label}, but it sits "
        f"under a comparison between countries, and its {printed} df fit six countries by "
        "three answers. The statistic is most likely right and the label copied.",
    )


CROSS_CHECKS: tuple[CrossCheck, ...] = (
    CrossCheck(
        "claimed_bound.profile.age.31_40",
        ("profile.age.31_40.pct",),
        _rule_claimed_bound,
        "no",
        {"claim": "more than two thirds", "bound": 200 / 3, "above": True},
    ),
    CrossCheck(
        "claimed_range.caseload.online_share_of_se",
        ("caseload.online_share_of_se.mean.moldova", "caseload.online_share_of_se.mean.albania"),
        _rule_claimed_range,
        "no",
        {"claim": "between a third and a half", "low": 100 / 3, "high": 50},
    ),
    CrossCheck(
        "subset_count.conversations.albania.identity_published",
        (
            "conversations.identity_published_by_media.count.albania",
            "conversations.anonymity_breach_raised.count.albania",
        ),
        _rule_subset_count,
        "no",
    ),
    CrossCheck(
        "minimum.conversations.age_targeted",
        ("conversations.age_targeted.min", "conversations.age_targeted.youngest.mexico"),
        _rule_minimum,
        "no",
    ),
    CrossCheck(
        "restatement.caseload.one_in_five",
        (
            "caseload.online_share_of_total.one_in_five.exec_summary",
            "caseload.online_share_of_total.mean",
        ),
        _rule_same_value,
        "no",
        {
            "what": "the paraphrase and the figure",
            "why": "It also speaks of children where the finding is a mean share of caseloads.",
        },
    ),
    CrossCheck(
        "restatement.offenders.same_country",
        ("offenders.same_country.pct.exec_summary", "offenders.foreign_more_common.pct"),
        _rule_complement_changes_quantity,
        "possibly",
    ),
    CrossCheck(
        "recompute_from_counts.forms_of_abuse.self_generated",
        (
            "forms_of_abuse.self_generated.by_child_gender.chi2",
            "forms_of_abuse.self_generated.pct.girls",
            "forms_of_abuse.self_generated.pct.boys",
            "sample.completed.count",
        ),
        _rule_two_by_two,
        "no",
    ),
    CrossCheck(
        "independence.forms_of_abuse.by_child_gender",
        (
            "forms_of_abuse.self_generated.pct.girls",
            "forms_of_abuse.self_generated.pct.boys",
            "sample.completed.count",
        ),
        _rule_overlapping_groups,
        "possibly",
        {"total_id": "sample.completed.count"},
        location="fn 42 (all four tests); Figure 14",
    ),
    CrossCheck(
        "footnote_label.scenarios.gender_flipped",
        ("scenarios.gender_flipped.by_country.chi2",),
        _rule_label_mismatch,
        "no",
        {"label": "gender for grooming", "label_df": 1},
    ),
    CrossCheck(
        "footnote_label.scenarios.viewer",
        ("scenarios.viewer.by_country.chi2",),
        _rule_label_mismatch,
        "no",
        {"label": "gender for grooming", "label_df": 1},
    ),
)


def check_declared(
    reference: pd.DataFrame, checks: Iterable[CrossCheck] = CROSS_CHECKS
) -> list[Finding]:
    """Run the declared cross-statement checks; a check whose rows are absent is skipped."""
    rows = _by_id(reference)
    findings = []
    for check in checks:
        if not all(i in rows for i in check.ids):
            continue
        involved = [rows[i] for i in check.ids]
        result = check.rule(involved, **check.params)
        if result is None:
            continue
        published, inconsistency, recomputed, explanation = result
        findings.append(
            Finding(
                id=check.id,
                check=check.id.split(".")[0],
                location=check.location
                or "; ".join(
                    dict.fromkeys(
                        _footnote(r["source"])
                        for r in involved
                        if r["id"] != "sample.completed.count"
                    )
                ),
                published=published,
                inconsistency=inconsistency,
                recomputed=recomputed,
                changes_conclusion=check.changes_conclusion,
                explanation=explanation,
                reference_ids=";".join(check.ids),
            )
        )
    return findings


# --------------------------------------------------------------------------- the audit

#: Every check, in the order findings are listed.
CHECKS: tuple[Callable[[pd.DataFrame], list[Finding]], ...] = (
    check_p_values,
    check_degrees_of_freedom,
    check_expected_counts,
    check_percentages,
    check_counts_within_group,
    check_subgroups_combine,
    check_exclusive_sets,
    check_restatements,
    check_declared,
)


def audit(reference: pd.DataFrame) -> pd.DataFrame:
    """Run every check over the reference table and return the findings, one per row."""
    findings = [finding for check in CHECKS for finding in check(reference)]
    frame = pd.DataFrame([asdict(f) for f in findings], columns=list(AUDIT_COLUMNS))
    return frame.reset_index(drop=True)


def checks_run(reference: pd.DataFrame) -> pd.DataFrame:
    """Count, per kind of generic check, how many figures it could examine."""
    tests = _test_rows(reference)
    percents = reference[(reference["unit"] == "percent") & reference["base"].notna()]
    return pd.DataFrame(
        [
            {"check": "p_value", "figures_examined": len(tests)},
            {"check": "degrees_of_freedom", "figures_examined": len(tests)},
            {
                "check": "expected_counts",
                "figures_examined": int((tests["test"] == "chi2_independence").sum()),
            },
            {"check": "percentage", "figures_examined": len(percents)},
            {
                "check": "count_within_group",
                "figures_examined": int(
                    ((reference["unit"] == "count") & reference["base"].notna()).sum()
                ),
            },
            {"check": "declared cross-statement rules", "figures_examined": len(CROSS_CHECKS)},
        ]
    )


def write_audit(reference: pd.DataFrame, path: Path | str) -> pd.DataFrame:
    """Write the findings to ``path`` (CSV, UTF-8, LF) and return them."""
    frame = audit(reference)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return frame
