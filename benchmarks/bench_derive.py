"""Time the derived tables: the audit, the recomputed tests and robustness per seed.

Prints medians over repeats. Run: ``.venv/bin/python benchmarks/bench_derive.py [--seeds 10]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from survivors_perspectives.analyses import audit, cross_country, robustness
from survivors_perspectives.build import derive
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS
from survivors_perspectives.synth import generate


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    reference = load_reference()
    survey = generate(seed=1)
    seeds = robustness.seeds_for(args.seeds)
    audit_s = median_seconds(lambda: audit.audit(reference), args.repeats)
    print(f"audit of the reference table: {audit_s:.2f} s")
    tests_s = median_seconds(
        lambda: cross_country.recompute_published(survey, reference), args.repeats
    )
    print(f"19 published tests with effect sizes and small-sample p: {tests_s:.2f} s")
    for jobs in (1, 2):
        seconds = median_seconds(
            lambda jobs=jobs: robustness.run_replicates(
                seeds,
                derive.generate_survey,
                PUBLISHED_TESTS,
                cross_country.run_for_robustness,
                n_jobs=jobs,
                progress=False,
            ),
            args.repeats,
        )
        per_seed, n = seconds / args.seeds, args.seeds
        print(f"robustness, {n} seeds, n_jobs={jobs}: {seconds:.2f} s ({per_seed:.3f} s/seed)")


if __name__ == "__main__":
    main()
