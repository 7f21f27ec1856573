"""Benchmark the book build: cold, no-op, one country, and serial vs parallel notebooks.

Run from the repository root after `make venv` (installation is not timed)::

    .venv/bin/python benchmarks/bench_build.py --runs 3

Prints the median wall time of each scenario over ``--runs`` repetitions, and the
serial/parallel ratio measured in the same run. Targets on a 2-core machine: cold <= 60 s,
no-op <= 1 s, one country <= 20 s, ``-j2`` at least 1.6x faster than serial.

"Cold" re-executes every notebook and validates the inputs again (the frame store and the
validation stamp are removed too); the derived tables stay, as they are not notebooks. "Fresh
clone" also removes ``data/derived``, so the replication, audit and 200-seed robustness tables
are recomputed: what a first ``make book`` costs after the install.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "book" / "_build"


def make(*args: str) -> float:
    """Run make with ``args`` from the repository root and return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(["make", *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def remove_executed(pattern: str) -> None:
    """Delete executed notebooks (build products) so make re-executes them."""
    for path in (ROOT / "book").glob(pattern):
        path.unlink()


def remove_html() -> None:
    """Delete the published book (HTML, reports, derived copy) so Jupyter Book runs again."""
    shutil.rmtree(BUILD / "releases", ignore_errors=True)
    (BUILD / "current").unlink(missing_ok=True)


def remove_validation() -> None:
    """Delete the validation stamp and the stored validated frames."""
    (BUILD / "validated.stamp").unlink(missing_ok=True)
    shutil.rmtree(BUILD / "frames", ignore_errors=True)


def cold() -> float:
    remove_executed("*/*.ipynb")
    remove_html()
    remove_validation()
    return make("-j2", "book")


def fresh_clone() -> float:
    shutil.rmtree(ROOT / "data" / "derived", ignore_errors=True)
    return cold()


def no_op() -> float:
    return make("book")


def one_country() -> float:
    remove_executed("countries/peru.ipynb")
    return make("-j2", "book")


def countries_serial() -> float:
    remove_executed("countries/*.ipynb")
    return make("-j1", "countries")


def countries_parallel() -> float:
    remove_executed("countries/*.ipynb")
    return make("-j2", "countries")


SCENARIOS: dict[str, Callable[[], float]] = {
    "cold build (all notebooks, -j2)": cold,
    "no-op rebuild": no_op,
    "one-country rebuild": one_country,
    "country notebooks, serial": countries_serial,
    "country notebooks, -j2": countries_parallel,
    "fresh clone (derived tables too)": fresh_clone,
}


def main() -> None:
    """Time every scenario and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    make("book")  # start from a complete build
    medians = {}
    for name, scenario in SCENARIOS.items():
        times = [scenario() for _ in range(args.runs)]
        medians[name] = statistics.median(times)
        spread = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:34s} median {medians[name]:7.2f} s   runs: {spread}", flush=True)
    make("book")  # leave a complete book behind
    ratio = medians["country notebooks, serial"] / medians["country notebooks, -j2"]
    print(f"{'speed-up of -j2 over serial':34s} {ratio:7.2f}x")


if __name__ == "__main__":
    main()
