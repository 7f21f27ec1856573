"""Seeds per second of the robustness study: worker processes here against a Dask cluster.

Compares, on the same seeds, joblib's processes on this machine (``n_jobs`` 1 and 2) with a
local Dask cluster of two single-threaded worker processes reached through joblib's Dask
backend (what ``DASK_SCHEDULER=local DERIVE_WORKERS=2`` runs), and checks the tables are
identical. The Dask time includes starting and stopping the cluster, as a ``make`` run pays
it. Prints medians over repeats.

Run: ``.venv/bin/python benchmarks/bench_cluster.py [--seeds 40] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from survivors_perspectives.analyses import cross_country, robustness
from survivors_perspectives.build import derive
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS


def run(seeds, **kwargs) -> pd.DataFrame:
    return robustness.run_replicates(
        seeds,
        derive.generate_survey,
        PUBLISHED_TESTS,
        cross_country.run_for_robustness,
        progress=False,
        **kwargs,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    seeds = robustness.seeds_for(args.seeds)
    scenarios = {
        "here, 1 process": {"n_jobs": 1},
        "here, 2 processes (joblib)": {"n_jobs": 2},
        "local Dask cluster, 2 workers": {"n_jobs": 2, "scheduler": "local"},
    }
    tables = {}
    for name, kwargs in scenarios.items():
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            tables[name] = run(seeds, **kwargs)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(
            f"{name:32s} {args.seeds} seeds: median {median:6.2f} s "
            f"({args.seeds / median:5.2f} seeds/s; runs {', '.join(f'{t:.1f}' for t in times)})"
        )
    first = next(iter(tables.values()))
    same = all(table.equals(first) for table in tables.values())
    print(f"identical tables in every scenario: {same}")


if __name__ == "__main__":
    main()
