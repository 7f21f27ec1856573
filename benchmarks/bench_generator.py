"""Benchmark the synthetic survey generator: median wall time over several runs.

Run: ``.venv/bin/python benchmarks/bench_generator.py [--repeats N]``. Targets from the
issue: 413 rows under 5 s, ``--scale 100`` (about 41,300 rows) under 60 s. The one-off
calibration (``build_plan``, seed-free) is timed separately from generation; the CLI pays
both, plus validation and writing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from survivors_perspectives.survey.load import validate_survey
from survivors_perspectives.synth.generate import build_plan, generate, plan_for
from survivors_perspectives.synth.spec import build_spec
from survivors_perspectives.synth.write import write_survey


def _median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = []
    rows.append(
        (
            "calibrate (build_spec + build_plan)",
            "-",
            _median(lambda: build_plan(build_spec()), max(1, args.repeats // 2)),
        )
    )
    plan_for()  # warm the cached plan, as the CLI's one calibration
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (1, 10, 100):
            repeats = args.repeats if scale < 100 else max(3, args.repeats // 2)
            n = 413 * scale
            rows.append(
                (
                    f"generate, scale {scale}",
                    n,
                    _median(lambda s=scale: generate(seed=1, scale=s), repeats),
                )
            )
            rows.append(
                (
                    f"generate + validate + write, scale {scale}",
                    n,
                    _median(
                        lambda s=scale: write_survey(
                            validate_survey(generate(seed=1, scale=s)), tmp
                        ),
                        repeats,
                    ),
                )
            )
    print(f"{'step':45s} {'rows':>7s} {'median s':>9s}")
    for name, n, secs in rows:
        print(f"{name:45s} {n!s:>7s} {secs:9.3f}")


if __name__ == "__main__":
    main()
