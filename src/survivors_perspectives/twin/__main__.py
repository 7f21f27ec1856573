"""Command line: fit, assess and (if it passes the gate) release a synthetic twin of real data.

Usage (``make twin DATA=... CONVERSATIONS_DATA=...`` runs this)::

    python -m survivors_perspectives.twin --survey survey.csv --conversations conv.csv \
        --out builds/survey/twin [--seed 20220726] [--thresholds limits.csv]

In order, each step stopping the run with a message and a non-zero exit before anything is
written: the thresholds are read (exit 2 when missing or out of range); the survey must not
be synthetic already (exit 2: synthetic data need no twin); both files must pass the same
validation as the book (exit 1, every problem listed). Then the twin is made and measured,
the assessment written, and the twin released only if every threshold is met (exit 3 with one
line per failed measure: its value and its threshold).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from survivors_perspectives import validate
from survivors_perspectives.fingerprints import sha256

from .gate import ThresholdError, judge, load_thresholds
from .inputs import synthetic_reason
from .synthesise import DEFAULT_SEED, MIN_LEAF, SynthesisError

#: Exit statuses: invalid input files, refused request, twin stopped by the gate.
INVALID, REFUSED, STOPPED = 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the twin from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m survivors_perspectives.twin", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--survey", type=Path, required=True)
    parser.add_argument("--conversations", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the twin's folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--thresholds", type=Path, default=None, help="CSV measure,limit")
    args = parser.parse_args(argv)
    return run(args.survey, args.conversations, args.out, args.seed, args.thresholds)


def run(
    survey: Path,
    conversations_path: Path,
    out: Path,
    seed: int = DEFAULT_SEED,
    thresholds: Path | None = None,
    synthesiser=None,
) -> int:
    """Refuse, validate, make, measure, gate and release; return the exit status.

    ``synthesiser`` replaces the tree method (``assess.Synthesiser``); tests pass a leaky one
    to show that the gate stops it.
    """
    args = argparse.Namespace(
        survey=Path(survey), conversations=Path(conversations_path), out=Path(out), seed=seed
    )
    try:
        limits = load_thresholds(thresholds)
    except ThresholdError as error:
        print(f"twin: {error}", file=sys.stderr)
        return REFUSED
    reason = synthetic_reason(args.survey)
    if reason:
        print(
            f"twin: {args.survey}: these are synthetic data already ({reason}); synthetic data "
            "need no twin: they can be shared as they are. Run make twin on the real files.",
            file=sys.stderr,
        )
        return REFUSED
    problems = validate.validate_inputs(args.survey, args.conversations)
    if problems:
        print(f"twin: {len(problems)} problem(s) in the input data; no twin made:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return INVALID

    from survivors_perspectives.conversations.schema import load_conversations
    from survivors_perspectives.published.reference import load_reference
    from survivors_perspectives.survey import load_survey

    from .assess import assess
    from .release import withdraw_release, write_assessment, write_release

    real = load_survey(args.survey)
    conversations = load_conversations(args.conversations)
    try:
        assessment = assess(
            real, conversations, load_reference(), seed=args.seed, synthesiser=synthesiser
        )
    except SynthesisError as error:
        print(f"twin: {args.survey}: {error}", file=sys.stderr)
        return INVALID
    verdicts = judge(assessment.measures, limits)
    facts = {
        "seed": args.seed,
        "rows": len(assessment.twin),
        "min_leaf": MIN_LEAF,
        "inputs": {
            "survey": {"file": args.survey.name, "sha256": sha256(args.survey)},
            "conversations": {
                "file": args.conversations.name,
                "sha256": sha256(args.conversations),
            },
        },
        "limits": limits,
    }
    folder = write_assessment(assessment, verdicts, args.out, facts)
    print(f"twin: assessment written to {folder}")
    failed = [v for v in verdicts if not v.passed]
    if failed:
        withdrawn = withdraw_release(args.out)
        print(f"twin: NOT released: {len(failed)} measure(s) over threshold:", file=sys.stderr)
        for verdict in failed:
            print(f"  {verdict.message()}", file=sys.stderr)
        if withdrawn:
            print(
                f"twin: the earlier release in {args.out / 'release'} was removed", file=sys.stderr
            )
        return STOPPED
    folder = write_release(assessment, args.out, facts)
    print(
        f"twin: released {len(assessment.twin)} synthetic records to {folder} "
        f"(all {len(verdicts)} thresholds met)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
