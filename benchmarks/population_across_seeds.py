"""Is the synthetic survey a plausible population on every seed, not only the shipped one?

Issue 15 asks for its "Done when" measures on the shipped data and across at least 20
generator seeds: logical violations, the share of unpublished country comparisons with
p > 0.99 against the 1 % chance gives, mean inter-item correlations of each battery against
the declared value, heaping on each slider, the replication counts and the 19 published
tests' conclusions. A single draw can look good by luck; this script measures the shipped
files and the generator's output for seeds ``--first`` .. ``--first + --seeds - 1`` with the
same package functions the book uses (``plausibility``, ``replication``, ``cross_country``),
so the note's numbers are the book's numbers, and prints the shipped value beside the median,
minimum and maximum across seeds.

Each seed's survey is generated in memory (``synth.generate``), passed through the survey
schema (``validate_survey``, as a loaded file would be) and paired with the conversations
generator's output for the same seed, so the replication counts cover both strands as
``data/derived/replication.csv`` does.

Run: ``nice -n 19 .venv/bin/python benchmarks/population_across_seeds.py [--seeds 20]
[--jobs 2] [--per-seed]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from survivors_perspectives import paths
from survivors_perspectives.analyses import cross_country, plausibility, replication
from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.survey.load import load_survey, validate_survey
from survivors_perspectives.synth import generate

#: Replication statuses as ``fidelity`` names them, with the words the issue uses.
STATUSES = {
    "reproduced": "reproduced",
    "conflict": "conflict",
    "off_target": "not reproduced",
    "not_computable": "not computable",
}


#: Prefix of the per-test keys, printed in their own table rather than the headline one.
TEST_PREFIX = "test "


def measure(survey: pd.DataFrame, conversations: pd.DataFrame, reference) -> dict[str, float]:
    """Return every headline number of one dataset (survey and conversations)."""
    out: dict[str, float] = {}
    rules = plausibility.rule_violations(survey)
    out["logical violations (all rules)"] = float(rules["violations"].sum())
    comparisons = plausibility.country_comparisons(survey)
    summary = plausibility.p_value_summary(comparisons)
    out["unpublished country comparisons (items)"] = float(summary["items"])
    out[f"  count with p > 0.99 (chance {0.01 * summary['items']:.2f})"] = float(
        (comparisons.loc[~comparisons["published"], "p"] > plausibility.NEAR_ONE).sum()
    )
    out["  share with p > 0.99 (chance 0.01)"] = summary["share_p_above_099"]
    out["  share with p < 0.05 (chance 0.05)"] = summary["share_p_below_005"]
    out["  median p (chance 0.50)"] = summary["median_p"]
    corr = plausibility.correlations(survey)
    for row in corr.itertuples():
        label = f"r {row.kind}: {row.name}"
        out[f"{label} (observed)"] = row.observed
        out[f"{label} (implied by declared {row.declared:g})"] = row.implied
    for row in plausibility.heaping(survey).itertuples():
        out[f"heaping x10: {row.slider}"] = row.share_multiple_of_10
        out[f"heaping x5: {row.slider}"] = row.share_multiple_of_5
    table = replication.replication_table(reference, survey, conversations)
    counts = table["status"].value_counts()
    survey_counts = table.loc[table["topic"] != "conversations", "status"].value_counts()
    for status, words in STATUSES.items():
        out[f"replication: {words}"] = float(counts.get(status, 0))
    for status, words in STATUSES.items():
        out[f"replication, survey only: {words}"] = float(survey_counts.get(status, 0))
    recomputed = cross_country.recompute_published(survey, reference)
    summary_tests = cross_country.conclusion_counts(recomputed)
    close = (
        recomputed["statistic"] - recomputed["published_statistic"]
    ).abs() <= cross_country.STATISTIC_TOLERANCE * recomputed["published_statistic"]
    out["19 tests: computed"] = float(summary_tests["tests"])
    out["19 tests: published conclusion"] = float(summary_tests["same_conclusion"])
    out["19 tests: statistic within 20%"] = float(summary_tests["within_20pct"])
    both = recomputed["same_conclusion"] & close
    out["19 tests: both"] = float(both.sum())
    for test_id, ok_conclusion, ok_both in zip(
        recomputed["id"], recomputed["same_conclusion"], both, strict=True
    ):
        out[f"{TEST_PREFIX}{test_id}: conclusion"] = float(ok_conclusion)
        out[f"{TEST_PREFIX}{test_id}: both"] = float(ok_both)
    return out


def shipped(reference) -> dict[str, float]:
    """Return the measures of the committed files in ``data/synthetic``."""
    survey = load_survey(paths.SURVEY)
    conversations = load_conversations(paths.CONVERSATIONS)
    return measure(survey, conversations, reference)


def for_seed(seed: int, reference) -> dict[str, float]:
    """Return the measures of the generator's output for one seed (both strands)."""
    survey = validate_survey(generate(seed=seed), f"<generator seed {seed}>")
    conversations = conversations_synth.generate(seed)
    return {"seed": seed, **measure(survey, conversations, reference)}


def _fmt(value: float) -> str:
    if pd.isna(value):
        return "-"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--per-seed", action="store_true", help="also print one row per seed")
    args = parser.parse_args()
    start = time.perf_counter()
    reference = load_reference()
    base = shipped(reference)
    seeds = list(range(args.first, args.first + args.seeds))
    rows = Parallel(n_jobs=args.jobs)(delayed(for_seed)(s, reference) for s in seeds)
    frame = pd.DataFrame(rows).sort_values("seed").set_index("seed")
    print(f"shipped data/synthetic and generator seeds {seeds[0]}..{seeds[-1]}")
    width = max(len(k) for k in base)
    print(f"{'measure':<{width}} {'shipped':>8} {'median':>8} {'min':>8} {'max':>8}")
    for key, value in base.items():
        if key.startswith(TEST_PREFIX):
            continue
        col = frame[key]
        print(
            f"{key:<{width}} {_fmt(value):>8} {_fmt(col.median()):>8} "
            f"{_fmt(col.min()):>8} {_fmt(col.max()):>8}"
        )
    both = frame["19 tests: both"]
    print(
        f"seeds with all 19 tests at the published conclusion and within 20%: "
        f"{int((both == 19).sum())} of {len(frame)} "
        f"(share {float(np.mean(both == 19)):.2f}; goal >= 0.95)"
    )
    tests = sorted(
        {k[len(TEST_PREFIX) :].rsplit(":", 1)[0] for k in base if k.startswith(TEST_PREFIX)}
    )
    print("per published test: shipped (conclusion, both) and share of seeds with each")
    for test_id in tests:
        conclusion = f"{TEST_PREFIX}{test_id}: conclusion"
        both_key = f"{TEST_PREFIX}{test_id}: both"
        print(
            f"  {test_id:<{width}} shipped {base[conclusion]:.0f} {base[both_key]:.0f}  "
            f"seeds {frame[conclusion].mean():.2f} {frame[both_key].mean():.2f}"
        )
    if args.per_seed:
        keep = [
            "logical violations (all rules)",
            "  share with p > 0.99 (chance 0.01)",
            "replication: reproduced",
            "replication: conflict",
            "replication: not reproduced",
            "replication: not computable",
            "19 tests: published conclusion",
            "19 tests: statistic within 20%",
            "19 tests: both",
        ]
        short = ["viol", "p>0.99", "repro", "confl", "not_rep", "not_comp", "concl", "20%", "both"]
        print(frame[keep].set_axis(short, axis=1).to_string(float_format=_fmt))
    print(f"elapsed {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
