"""Does the twin pass its release gate on most seeds, or only on the one the tests use?

The gate (``twin.gate``) judges one twin made with one seed. Several of its measures are
sampling quantities: the closer-to-train share is measured on one half twin of about 207
records and moves from seed to seed, so a threshold set from one lucky seed would refuse
honest twins (or pass leaky ones) in the secure room. This script makes the twin of the
stand-in "real" data (``twin.standin``, the data the tests and ``bench_twin.py`` use) with
seeds ``--first`` .. ``--first + --seeds - 1`` through ``twin.assess`` exactly as
``python -m survivors_perspectives.twin`` does, judges each against the default thresholds
(``gate.load_thresholds()``, ``gate.judge``) and prints per seed whether it passes, which
measures fail, and the closer-to-train share; then a summary per measure.

Run: ``nice -n 19 .venv/bin/python benchmarks/twin_gate_across_seeds.py [--seeds 20]
[--jobs 2] [--standin-seed 7]``.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from joblib import Parallel, delayed

from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.twin.assess import assess
from survivors_perspectives.twin.gate import BY_MEASURE, THRESHOLDS, judge, load_thresholds
from survivors_perspectives.twin.standin import STANDIN_SEED, standin_survey


def gate_for_seed(seed: int, standin_seed: int) -> dict:
    """Assess the twin of the stand-in for one seed; return every gate measure and verdict."""
    real = standin_survey(seed=standin_seed)
    conversations = conversations_synth.generate(standin_seed)
    assessment = assess(real, conversations, load_reference(), seed=seed)
    verdicts = judge(assessment.measures, load_thresholds())
    row: dict = {"seed": seed, "passed": all(v.passed for v in verdicts)}
    row["failed"] = "; ".join(v.message() for v in verdicts if not v.passed)
    for v in verdicts:
        row[v.measure] = v.value
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--standin-seed", type=int, default=STANDIN_SEED)
    args = parser.parse_args()
    start = time.perf_counter()
    seeds = list(range(args.first, args.first + args.seeds))
    rows = Parallel(n_jobs=args.jobs)(delayed(gate_for_seed)(s, args.standin_seed) for s in seeds)
    frame = pd.DataFrame(rows).sort_values("seed").reset_index(drop=True)
    ctt = BY_MEASURE["closer_to_train_share"]
    print(
        f"twin of the stand-in (stand-in seed {args.standin_seed}), twin seeds "
        f"{seeds[0]}..{seeds[-1]}; default thresholds"
    )
    print(f"{'seed':>4} {'gate':>5} {'closer_to_train':>15}  failed measures")
    for row in frame.itertuples():
        print(
            f"{row.seed:>4} {'pass' if row.passed else 'FAIL':>5} "
            f"{row.closer_to_train_share:>15.3f}  {row.failed or '-'}"
        )
    print(f"passed the gate: {int(frame['passed'].sum())} of {len(frame)} seeds")
    if args.standin_seed in seeds:
        print(
            f"note: twin seed {args.standin_seed} is the stand-in's own seed, so the released "
            "conversations (the published-figures generator with the twin's seed) equal the "
            "stand-in's conversations record for record; the gate is right to refuse them, "
            "and real conversations are never the generator's output"
        )
    print(f"{'measure':<28} {'limit':>9} {'median':>8} {'min':>8} {'max':>8} {'fails':>5}")
    for t in THRESHOLDS:
        values = frame[t.measure].astype(float)
        fails = int((~values.map(t.passes)).sum())
        print(
            f"{t.measure:<28} {t.sign + ' ' + format(t.limit, 'g'):>9} {values.median():>8.3f} "
            f"{values.min():>8.3f} {values.max():>8.3f} {fails:>5}"
        )
    values = frame[ctt.measure]
    print(
        f"closer_to_train_share: mean {values.mean():.3f}, SD {values.std(ddof=1):.3f}, "
        f"above {ctt.limit:g} on {int((values > ctt.limit).sum())} of {len(values)} seeds"
    )
    print(f"elapsed {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
