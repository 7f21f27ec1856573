"""Benchmark the synthetic twin: median wall time of the twin and its full report.

Run: ``.venv/bin/python benchmarks/bench_twin.py [--repeats N] [--scale K]``. Target from the
issue: a twin of the 413-row stand-in and its whole utility and risk report (``twin.assess``:
release twin, half twin, replication figures and tests on both, pMSE, every risk measure)
in under 60 s on the 2-core machine; ``--scale 10`` (4,130 rows) says how it grows. Each stage
is also timed alone (one run each) so the growth can be read stage by stage. The stand-in is
made once per scale, outside the timings.
"""

from __future__ import annotations

import argparse
import statistics
import time

from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.twin import risk, utility
from survivors_perspectives.twin.assess import assess
from survivors_perspectives.twin.standin import STANDIN_SEED, standin_survey
from survivors_perspectives.twin.synthesise import synthesise_survey


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    reference = load_reference()
    conversations = conversations_synth.generate(STANDIN_SEED)
    print(f"{'scale':>5} {'rows':>6}  {'stage':<44} {'seconds':>8}")
    for scale in args.scale:
        real = standin_survey(scale=scale)
        repeats = args.repeats if scale == 1 else 1
        times = [
            _time(lambda r=real: assess(r, conversations, reference, seed=1))
            for _ in range(repeats)
        ]
        label = f"twin + full report (median of {repeats})"
        print(f"{scale:>5} {len(real):>6}  {label:<44} {statistics.median(times):>8.1f}")
        twin = synthesise_survey(real, seed=1)
        split = risk.split_half(real, 2)
        half = synthesise_survey(split.train, seed=3)
        stages = {
            "synthesise (release twin)": lambda r=real: synthesise_survey(r, seed=1),
            "replication figures, real and twin": lambda r=real, t=twin: utility.replication_beside(
                reference, r, t
            ),
            "published tests, real and twin": lambda r=real, t=twin: utility.tests_beside(
                reference, r, t
            ),
            "pMSE": lambda r=real, t=twin: utility.pmse(r, t),
            "distances to the closest record": lambda r=real, t=twin: risk.closest_distances(t, r),
            "closer to the fitted half": lambda h=half, s=split: risk.closer_to_train(h, s),
            "singling out + linkability": lambda h=half, s=split: (
                risk.singling_out(h, s, 4),
                risk.linkability(h, s, 5),
            ),
        }
        for name, fn in stages.items():
            print(f"{scale:>5} {len(real):>6}  {name:<44} {_time(fn):>8.1f}")


if __name__ == "__main__":
    main()
