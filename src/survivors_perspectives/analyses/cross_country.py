"""Every published test rerun on a survey frame, with what the report did not show.

For each of the report's tests (``published.significance_tests``) this module recomputes the
statistic, df and p beside the published ones, adds the effect size with its confidence
interval, checks the test's assumptions and runs the alternative test where they fail
(exact or Monte Carlo p for sparse tables, Welch's ANOVA for unequal variances), adjusts the
family of p-values for multiple comparisons, and compares groups pairwise afterwards so a
reader sees which countries (or organisation types) differ. The statistics come from
:mod:`survivors_perspectives.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats.contingency import expected_freq

from survivors_perspectives import stats
from survivors_perspectives.disclosure import ledger
from survivors_perspectives.disclosure.policy import WITHHELD, count_allowed
from survivors_perspectives.published.printed_values import (
    ALPHA,
    CHI2,
    STATISTIC_TOLERANCE,
    published_significant,
    significant,
)
from survivors_perspectives.published.significance_tests import (
    PUBLISHED_TESTS,
    PublishedTest,
    frame_for_test,
)

#: Columns of :func:`recompute_published`.
RECOMPUTED_COLUMNS: tuple[str, ...] = (
    "id",
    "description",
    "test",
    "published_statistic",
    "published_df",
    "published_p",
    "statistic",
    "df",
    "p",
    "p_adjusted",
    "n",
    "effect_measure",
    "effect_size",
    "effect_ci_low",
    "effect_ci_high",
    "same_conclusion",
    "same_conclusion_adjusted",
    "note",
)


def grouping(test: PublishedTest) -> tuple[str, str]:
    """Return (grouping column, answer column) of a test: countries, organisation types..."""
    return (test.row, test.col) if test.kind == CHI2 else (test.group, test.value)


def run_published_test(
    survey: pd.DataFrame, test: PublishedTest, *, small_sample: bool = True
) -> stats.TestResult:
    """Recompute one published test on ``survey`` (its subset or stacked frame)."""
    frame = frame_for_test(test, survey)
    if test.kind == CHI2:
        return stats.chi2_independence(frame, test.row, test.col, small_sample=small_sample)
    return stats.anova_oneway(frame, test.value, test.group)


def run_for_robustness(survey: pd.DataFrame, test: PublishedTest) -> stats.TestResult:
    """Recompute a test without the slow small-sample p (hundreds of replicates)."""
    return run_published_test(survey, test, small_sample=False)


def recompute_published(
    survey: pd.DataFrame,
    reference: pd.DataFrame,
    tests: Sequence[PublishedTest] = PUBLISHED_TESTS,
    method: str = "holm",
) -> pd.DataFrame:
    """Rerun every published test; published and recomputed figures side by side.

    ``p_adjusted`` adjusts the whole family of tests together (``method``, Holm by
    default). ``same_conclusion`` says whether our p is on the same side of 0.05 as the
    published one; ``same_conclusion_adjusted`` whether that still holds after adjustment.
    A test the data cannot support (a valid file where everyone gave the same answer, or
    nobody answered an optional question) is left out of the family.
    """
    published = reference.set_index("id")
    results = {}
    for test in tests:
        try:
            results[test.id] = run_published_test(survey, test)
        except stats.InsufficientDataError:
            continue  # valid data that cannot support it; the replication table says why
    tests = [test for test in tests if test.id in results]
    if not tests:
        return pd.DataFrame(columns=list(RECOMPUTED_COLUMNS))
    table = stats.results_frame(results, method=method)
    rows = []
    for test, (_, ours) in zip(tests, table.iterrows(), strict=True):
        ref = published.loc[test.id]
        reported_significant = published_significant(ref["p_reported"])
        rows.append(
            {
                "id": test.id,
                "description": test.description,
                "test": test.kind,
                "published_statistic": ref["statistic"],
                "published_df": ref["df"],
                "published_p": ref["p_reported"],
                "statistic": ours["statistic"],
                "df": ours["df"],
                "p": ours["p"],
                "p_adjusted": ours["p_adjusted"],
                "n": ours["n"],
                "effect_measure": "Cramér's V" if test.kind == CHI2 else "eta squared",
                "effect_size": ours["effect_size"],
                "effect_ci_low": ours["effect_ci_low"],
                "effect_ci_high": ours["effect_ci_high"],
                "same_conclusion": significant(ours["p"]) == reported_significant,
                "same_conclusion_adjusted": significant(ours["p_adjusted"]) == reported_significant,
                "note": ours["note"],
            }
        )
    return pd.DataFrame(rows, columns=list(RECOMPUTED_COLUMNS))


#: Caption of the published-tests table (``auditor_tables.published_tests``).
TESTS_CAPTION = "The report's tests, published and recomputed on the synthetic data"


def test_size_withheld(
    survey: pd.DataFrame, test: PublishedTest, reference: pd.DataFrame | None = None
) -> bool:
    """Return True when a test's respondents (and an ANOVA's second df) must be withheld.

    The test's n is the sum of its groups' answers: where a group's pair sizes are withheld
    (:func:`pair_sizes_withheld`), the other groups' answers, shown elsewhere, would leave
    the group's own number as n minus theirs (a twelve-person Albania and a twenty-person
    Kenya: their "supported boys" bases followed). An ANOVA's df are (groups - 1, n -
    groups). The n the report published for the test (``reference``: its ``n`` or
    ``base``) is shown as it is.
    Tests that stack the answers about boys and girls count answers, not people: never.
    """
    if test.stack:
        return False
    frame = frame_for_test(test, survey)
    group, answer = grouping(test)
    if not pair_sizes_withheld(survey, frame, group, answer):
        return False
    n = len(frame.dropna(subset=list(test.variables)))
    if reference is not None:
        # A test row states its respondents as ``n`` or as its ``base`` ("400 answered").
        row = reference.loc[reference["id"] == test.id, ["n", "base"]]
        published = pd.to_numeric(row.stack(), errors="coerce").dropna()  # noqa: PD013
        if (published == n).any():
            return False
    return True


def shown_tests(
    recomputed: pd.DataFrame,
    survey: pd.DataFrame,
    reference: pd.DataFrame | None = None,
    tests: Sequence[PublishedTest] = PUBLISHED_TESTS,
) -> pd.DataFrame:
    """Return :func:`recompute_published`'s table as the chapter shows it, recorded.

    A test's respondents are withheld (NaN; an ANOVA's df as ``"k,–"``) where
    :func:`test_size_withheld` says so, and every test's respondents are recorded in the
    disclosure ledger with whom they count, split by the test's groups (see
    ``ledger.split_entries``). The stacked boys/girls tests count answers: not recorded.
    """
    out = recomputed.copy()
    by_id = {test.id: test for test in tests}
    entries = []
    for i, row in out.iterrows():
        test = by_id.get(row["id"])
        if test is None:
            continue
        withheld = test_size_withheld(survey, test, reference)
        if withheld:
            out.loc[i, "n"] = np.nan
            if test.kind != CHI2:
                out.loc[i, "df"] = f"{str(row['df']).split(',')[0]},{WITHHELD}"
        if test.stack or ledger.ID_COLUMNS["survey"] not in survey.columns:
            continue
        counted = frame_for_test(test, survey).dropna(subset=list(test.variables))
        where = f"table '{TESTS_CAPTION}', row '{test.description}', column 'Respondents'"
        group, _ = grouping(test)
        entries += [
            ledger.count_entry(where, counted, WITHHELD if withheld else int(row["n"])),
            *ledger.split_entries(where, counted, group),
        ]
    ledger.record(entries)
    return out


def assumption_checks(
    survey: pd.DataFrame, tests: Sequence[PublishedTest] = PUBLISHED_TESTS
) -> pd.DataFrame:
    """Check each test's assumption and run the alternative test beside it.

    Chi-square: the share of cells with an expected count under 5, and an exact (2x2) or
    Monte Carlo p. ANOVA: the Brown-Forsythe test of equal variances, and Welch's ANOVA.

    Returns
    -------
    DataFrame
        ``id, assumption, diagnostic, assumption_holds, alternative, alternative_statistic,
        alternative_p, p, same_conclusion`` (whether the alternative p is on the same side
        of 0.05 as the classic p).
    """
    rows = []
    for test in tests:
        frame = frame_for_test(test, survey)
        try:
            classic = run_published_test(survey, test, small_sample=False)
        except stats.InsufficientDataError:
            continue  # see recompute_published
        if test.kind == CHI2:
            table = stats.crosstab(frame, test.row, test.col)
            expected = expected_freq(table.to_numpy())
            sparse = int((expected < stats.MIN_EXPECTED).sum())
            alt = stats.chi2_small_sample(table)
            rows.append(
                {
                    "id": test.id,
                    "assumption": "expected counts of at least 5",
                    "diagnostic": f"{sparse} of {expected.size} cells under 5; "
                    f"smallest {expected.min():.2f}",
                    "assumption_holds": sparse == 0,
                    "alternative": alt.test,
                    "alternative_statistic": alt.statistic,
                    "alternative_p": alt.p,
                }
            )
        else:
            spread = stats.levene_median(frame, test.value, test.group)
            alt = stats.welch_anova(frame, test.value, test.group)
            rows.append(
                {
                    "id": test.id,
                    "assumption": "equal variances (Brown-Forsythe)",
                    "diagnostic": f"F = {spread.statistic:.3f}, p = {spread.p:.4f}",
                    "assumption_holds": not significant(spread.p),
                    "alternative": alt.test,
                    "alternative_statistic": alt.statistic,
                    "alternative_p": alt.p,
                }
            )
        rows[-1]["p"] = classic.p
        rows[-1]["same_conclusion"] = significant(alt.p) == significant(classic.p)
    return pd.DataFrame(rows)


def posthoc(survey: pd.DataFrame, test: PublishedTest) -> pd.DataFrame:
    """Compare the groups of one test pairwise (Games-Howell or chi-square with Holm).

    A pair's respondents (chi-square tests) are withheld (NaN) where they would give
    away a small count (:func:`pair_sizes_withheld`), and recorded in the disclosure ledger.
    """
    frame = frame_for_test(test, survey)
    group, answer = grouping(test)
    if test.kind == CHI2:
        table = stats.pairwise_chi2(frame, answer, group)
        withheld = pair_sizes_withheld(survey, frame, group, answer)
        hide = table["group_a"].isin(withheld) | table["group_b"].isin(withheld)
        table["n"] = table["n"].astype(float).mask(hide.to_numpy(bool))
        _record_pairs(test, survey, frame, group, answer, table)
    else:
        table = stats.pairwise_means(frame, answer, group, equal_var=False)
    table.insert(0, "id", test.id)
    return table


#: Caption of the pairwise table (``auditor_tables.pairwise``), where the ledger places its n's.
PAIRWISE_CAPTION = "Every pairwise comparison of groups, for the tests significant on these data"


def _chain(survey: pd.DataFrame, frame: pd.DataFrame, group: str, answer: str, key):
    """Return (everyone, asked, answered) of one group: each holds the next.

    Everyone in the group (a country's respondents), those the test's question was asked
    (its subset), those who answered it (the pair sizes count these).
    """
    everyone = survey[(survey[group] == key).to_numpy(bool)]
    asked = frame[(frame[group] == key).to_numpy(bool)]
    answered = asked[asked[answer].notna().to_numpy(bool)]
    return everyone, asked, answered


def pair_sizes_withheld(survey: pd.DataFrame, frame: pd.DataFrame, group: str, answer: str) -> set:
    """Return the groups whose pair sizes must be withheld in a test's pairwise table.

    A pair's respondents add up the two groups' answers; three pairs give each group's own
    number of answers back. Beside the group's size and the question's base shown
    elsewhere, that number differs from them by those who were not asked or did not
    answer. So every step of the chain answered <= asked <= everyone must be a count the
    policy allows (:func:`~survivors_perspectives.disclosure.policy.count_allowed`: not
    1 to 4, nor 1 to 4 short of the next); a group where one is not has its pair sizes
    withheld.
    """
    withheld = set()
    for key in frame[group].dropna().unique():
        everyone, asked, answered = _chain(survey, frame, group, answer, key)
        if not (len(answered) <= len(asked) <= len(everyone)):
            raise ValueError(
                f"pairwise sizes of {answer!r} by {group!r}: {key} has {len(answered)} "
                f"answers of {len(asked)} asked of {len(everyone)} (each must hold the next)"
            )
        if not (
            count_allowed(len(answered), len(asked)) and count_allowed(len(asked), len(everyone))
        ):
            withheld.add(key)
    return withheld


def _record_pairs(
    test: PublishedTest,
    survey: pd.DataFrame,
    frame: pd.DataFrame,
    group: str,
    answer: str,
    table: pd.DataFrame,
) -> None:
    """Record each pair's respondents as shown, and each group's chain, in the ledger."""
    if ledger.ID_COLUMNS["survey"] not in frame.columns:
        return
    entries = []
    answered = {}
    for key in frame[group].dropna().unique():
        everyone, asked, answered[key] = _chain(survey, frame, group, answer, key)
        where = f"table '{PAIRWISE_CAPTION}', {test.description}: {key}"
        not_asked = everyone[~everyone.index.isin(asked.index)]
        silent = asked[asked[answer].isna().to_numpy(bool)]
        entries += [
            ledger.category_entry(f"{where} (answered)", answered[key]),
            ledger.category_entry(f"{where} (asked, no answer)", silent),
            ledger.category_entry(f"{where} (not asked)", not_asked),
            ledger.partition_entry(f"{where} (asked)", asked, [answered[key], silent]),
            ledger.partition_entry(f"{where} (everyone)", everyone, [asked, not_asked]),
        ]
    for row in table.itertuples():
        pair = pd.concat([answered[row.group_a], answered[row.group_b]])
        where = (
            f"table '{PAIRWISE_CAPTION}', row '{test.description}: {row.group_a} vs "
            f"{row.group_b}', column 'Respondents'"
        )
        shown = WITHHELD if pd.isna(row.n) else int(row.n)
        entries += [
            ledger.count_entry(where, pair, shown),
            ledger.partition_entry(
                f"{where} (the pair)", pair, [answered[row.group_a], answered[row.group_b]]
            ),
        ]
    ledger.record(entries)


def posthoc_all(
    survey: pd.DataFrame,
    tests: Sequence[PublishedTest] = PUBLISHED_TESTS,
    *,
    only_significant: bool = True,
) -> pd.DataFrame:
    """Pairwise comparisons for every test whose grouping has more than two groups.

    With ``only_significant`` (the usual practice), only tests significant on the data are
    followed up.
    """
    parts = []
    for test in tests:
        frame = frame_for_test(test, survey)
        group, _ = grouping(test)
        if frame[group].dropna().nunique() < 3:
            continue
        try:
            if only_significant and not significant(
                run_published_test(survey, test, small_sample=False).p
            ):
                continue
            parts.append(posthoc(survey, test))
        except stats.InsufficientDataError:
            continue  # see recompute_published
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


def differing_pairs(pairs: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Count, per test, the pairs that differ after adjustment, and list them."""
    if pairs.empty:
        return pd.DataFrame(columns=["id", "pairs", "differing", "which"])
    rows = []
    for test_id, group in pairs.groupby("id", sort=False):
        hits = group[group["p_adjusted"] < alpha]
        rows.append(
            {
                "id": test_id,
                "pairs": len(group),
                "differing": len(hits),
                "which": "; ".join(
                    f"{a} vs {b}" for a, b in zip(hits.group_a, hits.group_b, strict=True)
                ),
            }
        )
    return pd.DataFrame(rows)


def conclusion_counts(recomputed: pd.DataFrame) -> dict[str, int]:
    """Summarise a :func:`recompute_published` table for prose."""
    return {
        "tests": len(recomputed),
        "same_conclusion": int(recomputed["same_conclusion"].sum()),
        "same_conclusion_adjusted": int(recomputed["same_conclusion_adjusted"].sum()),
        "within_20pct": int(
            (
                (recomputed["statistic"] - recomputed["published_statistic"]).abs()
                <= STATISTIC_TOLERANCE * recomputed["published_statistic"]
            ).sum()
        ),
        "sparse": int(recomputed["note"].str.contains("expected counts under").sum()),
        "unequal_variances": int(recomputed["note"].str.contains("unequal variances").sum()),
        "significant_published": int(recomputed["published_p"].map(published_significant).sum()),
        "significant_ours": int(recomputed["p"].map(significant).sum()),
        "significant_adjusted": int(recomputed["p_adjusted"].map(significant).sum()),
        "effect_small": int((recomputed["effect_size"] < 0.1).sum()),
        "median_effect_v": float(np.median(recomputed.loc[recomputed.test == CHI2, "effect_size"]))
        if (recomputed.test == CHI2).any()
        else float("nan"),
    }
