"""Build the derived tables the audit, replication and cross-country chapters read.

Usage::

    python -m survivors_perspectives.build.derive --survey data/synthetic/frontline_survey.csv \
        --conversations data/synthetic/survivor_conversations.csv --out data/derived \
        [--seeds 200] [--jobs N] [--dask-scheduler tcp://host:8786 | local]

Writes ``replication.csv`` (every published figure against the data), ``audit.csv`` (the
report's internal inconsistencies) and ``robustness.csv`` with ``robustness.key`` and
``robustness_replicates.csv`` (the published tests over many generator seeds; reused when
the key of its inputs is unchanged), and ``plausibility.csv`` (how far the data look like a
population where the report is silent; :mod:`survivors_perspectives.analyses.plausibility`) with
``plausibility_seeds.csv`` (the same over up to 20 generator seeds, cached likewise).
``--seeds 0`` skips both runs over seeds. The robustness replicates run on this machine's
cores (``--jobs``), or on a Dask cluster (``--dask-scheduler``; see
:mod:`survivors_perspectives.analyses.cluster`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from survivors_perspectives import paths
from survivors_perspectives.analyses import audit, cluster, plausibility, replication, robustness
from survivors_perspectives.published.reference import load_reference


def generate_survey(seed: int):
    """Return the synthetic survey for one generator seed (for robustness replicates)."""
    from survivors_perspectives.synth import generate

    return generate(seed=seed)


def build(
    survey_path: Path,
    conversations_path: Path,
    out: Path,
    *,
    seeds: int = robustness.DEFAULT_SEEDS,
    jobs: int | None = None,
    progress: bool = True,
    scheduler: str | None = None,
) -> dict[str, Path]:
    """Write the derived tables into ``out`` and return their paths."""
    from survivors_perspectives.conversations.schema import load_conversations
    from survivors_perspectives.survey import load_survey

    reference = load_reference()
    out.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed into place only once every table is computed: a failed or
    # interrupted run leaves the last good tables as they were (make keeps them: .PRECIOUS).
    staging = Path(tempfile.mkdtemp(prefix=".derive-", dir=out))
    try:
        survey = load_survey(survey_path)
        conversations = load_conversations(conversations_path)
        replication.write_replication(reference, survey, conversations, staging / "replication.csv")
        audit.write_audit(reference, staging / "audit.csv")
        written = _robustness(reference, out, seeds, jobs, progress, scheduler)
        seed_runs = min(seeds, plausibility.DEFAULT_SEEDS)
        written.update(
            plausibility.write_plausibility(
                survey,
                staging,
                seeds=seed_runs,
                jobs=jobs or cluster.default_workers(),
                seeds_dir=out,
            )
        )
        for name in ("replication", "audit", "plausibility"):
            os.replace(staging / f"{name}.csv", out / f"{name}.csv")
            written[name] = out / f"{name}.csv"
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dict(sorted(written.items(), key=lambda item: _ORDER.index(item[0])))


_ORDER = ("replication", "audit", "robustness", "plausibility", "plausibility_seeds")


def _robustness(
    reference, out: Path, seeds: int, jobs: int | None, progress: bool, scheduler: str | None
) -> dict[str, Path]:
    """Run (or reuse) the robustness table; it writes its own files by rename."""
    from survivors_perspectives.analyses.cross_country import run_for_robustness
    from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS

    written = {}
    if seeds > 0:
        robustness.robustness(
            reference,
            generate=generate_survey,
            tests=PUBLISHED_TESTS,
            run_test=run_for_robustness,
            out_dir=out,
            n_seeds=seeds,
            n_jobs=jobs,
            progress=progress,
            scheduler=scheduler,
        )
        written["robustness"] = out / robustness.ROBUSTNESS_FILE
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m survivors_perspectives.build.derive")
    parser.add_argument("--survey", type=Path, default=paths.SURVEY)
    parser.add_argument("--conversations", type=Path, default=paths.CONVERSATIONS)
    parser.add_argument("--out", type=Path, default=paths.DERIVED)
    parser.add_argument(
        "--seeds",
        type=int,
        default=robustness.DEFAULT_SEEDS,
        help="generator seeds for the robustness run (0 skips it)",
    )
    parser.add_argument(
        "--jobs",
        default=os.environ.get("DERIVE_WORKERS") or None,
        help="worker processes (default: $DERIVE_WORKERS, else this machine's cores; with "
        "'local', the local cluster's workers)",
    )
    parser.add_argument(
        "--dask-scheduler",
        default=os.environ.get("DASK_SCHEDULER") or None,
        help="run the robustness replicates on a Dask cluster: tcp://host:8786, or 'local' "
        "(default: $DASK_SCHEDULER; unset runs them here)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)
    for path in (args.survey, args.conversations):
        if not path.is_file():
            print(f"derive: input file not found: {path}", file=sys.stderr)
            return 2
    if args.jobs is not None:
        if not str(args.jobs).isdigit() or int(args.jobs) < 1:
            print(
                f"derive: worker processes (--jobs, DERIVE_WORKERS) must be a whole number of "
                f"1 or more, found {args.jobs!r}",
                file=sys.stderr,
            )
            return 2
        args.jobs = int(args.jobs)
    try:
        cluster.check(args.dask_scheduler if args.seeds > 0 else None)
        written = build(
            args.survey,
            args.conversations,
            args.out,
            seeds=args.seeds,
            jobs=args.jobs,
            progress=not args.no_progress,
            scheduler=args.dask_scheduler,
        )
    except cluster.ClusterError as error:
        print(f"derive: {error}", file=sys.stderr)
        return 2
    for name, path in written.items():
        print(f"{name}: {paths.relative_to_root(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
