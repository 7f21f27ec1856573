"""Sentences for the audit, replication and cross-country chapters, generated from tables.

A number typed into a chapter's prose goes stale the moment the data or the reference table
changes. These functions turn the derived tables into Markdown, so every number a reader sees
in a sentence comes from the same table as the figures beside it.
"""

from __future__ import annotations

import re

import pandas as pd

from survivors_perspectives.pages.sentences import capitalise, count_phrase, plural

#: Readable names of the audit's kinds of check.
CHECK_NAMES: dict[str, str] = {
    "p_value": "p-value recomputed from the statistic",
    "degrees_of_freedom": "degrees of freedom against the design and sample",
    "expected_counts": "expected cell counts of a chi-square test",
    "percentage": "percentage against its count and base",
    "count_within_group": "count against its group",
    "subgroups_combine": "subgroup figures against the overall figure",
    "exclusive_sets": "exclusive categories against their total",
    "restatement": "summary restating a finding",
    "claimed_bound": "words against the number they describe",
    "claimed_range": "stated range against the figures it summarises",
    "subset_count": "subgroup count against its group",
    "minimum": "stated minimum against a reported case",
    "recompute_from_counts": "test statistic against the published counts",
    "independence": "independence of the compared groups",
    "footnote_label": "footnote label against what it annotates",
}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return plural(n, one, many)


def audit_summary(findings: pd.DataFrame, checks_run: pd.DataFrame) -> str:
    """Return a paragraph: how many findings, of which kinds, and how many matter.

    The three outcomes (would change a conclusion, might, would not) are said so that the
    sentence never contradicts itself: a zero reads "none" inside the sentence, and a
    "none" opening it is not followed by a number that seems to belong to the same subject.
    """
    n = len(findings)
    counts = findings["changes_conclusion"].value_counts()
    kinds = findings["check"].nunique()
    examined = int(checks_run["figures_examined"].sum())
    changing = int(counts.get("yes", 0))
    possibly = int(counts.get("possibly", 0))
    harmless = int(counts.get("no", 0))
    opening = (
        f"The checks made {plural(examined, 'comparison')} between published figures and found "
        f"{plural(n, 'inconsistency', 'inconsistencies')}"
    )
    if n == 0:
        return opening + "."
    opening += f" of {plural(kinds, 'kind')}."
    parts = [
        f"{count_phrase(changing)} would change a conclusion of the report",
        f"{count_phrase(possibly)} might, and the data would have to say",
        f"{count_phrase(harmless)} {'do' if harmless != 1 else 'does'} not"
        + (
            ": slips in typesetting, rounding or wording that leave the finding standing"
            if harmless
            else ""
        ),
    ]
    return f"{opening} Of these, {parts[0]}; {parts[1]}; {parts[2]}."


def location_words(location: str) -> str:
    """Return a finding's location as a reader reads it: ``"fn 31"`` -> ``"Footnote 31"``.

    The audit table keeps the report's short form (its source column); a bullet opens with
    the words.
    """
    return capitalise(re.sub(r"\bfn (\d+)", r"footnote \1", str(location)))


def findings_markdown(findings: pd.DataFrame, checks: list[str]) -> str:
    """Return one Markdown entry per finding of the given kinds of check."""
    parts = []
    for _, row in findings[findings["check"].isin(checks)].iterrows():
        parts.append(
            f"**{location_words(row['location'])}** "
            f"({CHECK_NAMES.get(row['check'], row['check'])}). "
            f"Published: {row['published']}. Recomputed: {row['recomputed']}. "
            f"{row['explanation']} *Changes a conclusion:* {row['changes_conclusion']}."
        )
    if not parts:
        return "No check of this kind found an inconsistency."
    return "\n\n".join(f"- {p}" for p in parts)


def replication_summary(replication: pd.DataFrame) -> str:
    """Return a paragraph counting reproduced figures, overall and by status."""
    n = len(replication)
    counts = replication["status"].value_counts()
    listed = ", ".join(f"{int(v)} {str(k).replace('_', ' ')}" for k, v in counts.items())
    reproduced = int(counts.get("reproduced", 0))
    return (
        f"Of the {n} published figures in the reference table, {reproduced} "
        f"({reproduced / n:.0%}) are reproduced by the data within their tolerance "
        f"(by status: {listed})."
    )


def cross_country_summary(counts: dict[str, float]) -> str:
    """Return a paragraph on the recomputed tests (see ``cross_country.conclusion_counts``)."""
    return (
        "As a check of the generator, which was calibrated to the published tables: on these "
        f"synthetic data {counts['same_conclusion']} of the {counts['tests']} published tests "
        f"reach the report's conclusion at the 5% level, and {counts['within_20pct']} give a "
        f"statistic within 20% of the published one. The report found "
        f"{counts['significant_published']} of its tests significant; here "
        f"{counts['significant_ours']} are, and {counts['significant_adjusted']} remain so after "
        f"the Holm adjustment for running {counts['tests']} tests. "
        f"{_plural(counts['sparse'], 'test')} rest on tables with expected counts under 5, and "
        f"{_plural(counts['unequal_variances'], 'ANOVA')} on groups with unequal variances."
    )


def robustness_summary(summary: pd.DataFrame) -> str:
    """Return a paragraph on how often the replicates reach the published conclusions."""
    seeds = int(summary["replicates"].max())
    always = int((summary["share_same_conclusion"] >= 0.95).sum())
    weakest = summary.loc[summary["share_same_conclusion"].idxmin()]
    spread = (summary["statistic_p95"] - summary["statistic_p05"]) / summary["published_statistic"]
    widest = summary.loc[spread.idxmax()]
    if weakest["share_same_conclusion"] >= 1:
        stability = (
            "Every test reaches it in every replicate. The widest spread is that of "
            f"`{widest['id']}`, whose statistic runs from {widest['statistic_p05']:.2f} to "
            f"{widest['statistic_p95']:.2f} (5th to 95th percentile) around a published "
            f"{widest['published_statistic']:.3f}."
        )
    else:
        stability = (
            f"The least stable is `{weakest['id']}` (published p {weakest['published_p']}), "
            f"which reaches it in {weakest['share_same_conclusion']:.0%} of them; its statistic "
            f"runs from {weakest['statistic_p05']:.2f} to {weakest['statistic_p95']:.2f} (5th to "
            f"95th percentile) around a published {weakest['published_statistic']:.3f}."
        )
    still = (summary["statistic_p95"] - summary["statistic_p05"]).abs() < 1e-9
    varying = summary.loc[~still, "test"]
    fixed_text = ""
    if still.any():
        fixed_text = (
            f" For {_plural(int(still.sum()), 'test')} the statistic is the same on every "
            "seed: the generator fixes those tables' counts exactly and the seed decides only "
            "which respondent holds which answer"
        )
        if len(varying) and (varying == "anova_oneway").all():
            fixed_text += (
                f"; the other {len(varying)}, all ANOVAs, vary because slider answers are "
                "drawn afresh for each seed."
            )
        else:
            fixed_text += f"; the other {len(varying)} vary with the seed."
    return (
        f"Over {seeds} generator seeds, {always} of the {len(summary)} published tests reach "
        f"the report's conclusion in at least 95% of the synthetic surveys. {stability}"
        + fixed_text
    )
