"""Command line: ``python -m survivors_perspectives.synth --seed SEED --scale K --out DIR``.

Generates the synthetic survey, validates it against the survey schema and checks the
calibrated statistics before writing anything: a spec that cannot be met stops with a
``SpecError`` message and exit status 2, and no file is touched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..published.reference import ReferenceTableError, load_reference
from ..survey.load import SurveyValidationError, validate_survey
from .generate import DEFAULT_SEED, generate
from .spec import SpecError, build_spec
from .write import write_survey


def main(argv: list[str] | None = None) -> int:
    """Run the generator from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m survivors_perspectives.synth",
        description="Generate the synthetic frontline-worker survey (SYNTHETIC records).",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--scale", type=int, default=1, help="multiply every country's sample")
    parser.add_argument("--out", type=Path, default=Path("data/synthetic"), help="output folder")
    parser.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="reference table to calibrate to (default: data/reference/published_statistics.csv)",
    )
    args = parser.parse_args(argv)
    try:
        spec = None
        if args.reference is not None:
            spec = build_spec(load_reference([args.reference]))
        frame = generate(spec, seed=args.seed, scale=args.scale)
        validate_survey(frame, "generated survey")
    except (SpecError, SurveyValidationError, ReferenceTableError) as err:
        print(f"synth: {err}", file=sys.stderr)
        return 2
    path = write_survey(frame, args.out, seed=args.seed)
    print(f"synth: wrote {len(frame)} synthetic respondents to {path} (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
