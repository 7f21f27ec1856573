"""Robustness: do the published tests hold on every synthetic survey, or on one lucky seed.

The synthetic survey is one draw from a generator calibrated to the report. A test that
reproduces the published conclusion on that draw might not on the next. Here the generator is
rerun with many seeds (200 by default), every published test is recomputed on each replicate,
and for each test we report the share of replicates that reach the published conclusion
(significant or not at 5%) and the spread of the statistic (median, 5th and 95th percentiles).

The replicates run in parallel with joblib (one task per seed) behind a tqdm progress bar on
stderr, in worker processes here or, given a Dask scheduler, on a Dask cluster
(:mod:`survivors_perspectives.analyses.cluster`); the rows are sorted by seed, so both give the same
table. The result is cached: ``robustness.csv`` is written together with
``robustness.key``, a hash of everything that can change it: the seeds, the reference table,
the source of every package module a replicate runs through (found by following the imports
from :data:`KEY_MODULES`, as make does for the notebooks, so a module the generator imports
cannot be forgotten) and the versions of Python and of the numerical libraries. When the key
matches, the cached table is returned without generating anything, so ``make book`` does not
redo minutes of work when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm  # plain text bar: tqdm.auto warns in a kernel without ipywidgets

from survivors_perspectives import paths
from survivors_perspectives.analyses import cluster
from survivors_perspectives.atomic_files import write_atomically
from survivors_perspectives.published.printed_values import (
    STATISTIC_TOLERANCE,
    published_significant,
    significant,
)

#: Default number of generator seeds.
DEFAULT_SEEDS = 200
#: First seed; replicate ``i`` uses ``FIRST_SEED + i``.
FIRST_SEED = 1
#: Modules whose code decides a replicate: ``derive`` (the seed's generator call), the
#: generator, the tests recomputed on each replicate, this summary. Everything they import is
#: followed (``notebook_deps.module_closure``); over-inclusion only costs a rerun.
KEY_MODULES: tuple[str, ...] = (
    "survivors_perspectives.build.derive",
    "survivors_perspectives.synth.generate",
    "survivors_perspectives.analyses.cross_country",
    "survivors_perspectives.analyses.robustness",
)
#: Libraries whose version can change a replicate's numbers (random streams, test statistics).
KEY_LIBRARIES: tuple[str, ...] = ("numpy", "pandas", "scipy", "joblib")

ROBUSTNESS_FILE = "robustness.csv"
REPLICATES_FILE = "robustness_replicates.csv"
KEY_FILE = "robustness.key"

#: Columns of the summary table, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "id",
    "test",
    "published_statistic",
    "published_df",
    "published_p",
    "published_significant",
    "replicates",
    "share_same_conclusion",
    "share_close_statistic",
    "statistic_median",
    "statistic_p05",
    "statistic_p95",
    "p_median",
)

Generate = Callable[[int], pd.DataFrame]
RunTest = Callable[[pd.DataFrame, object], object]


def seeds_for(n: int, first: int = FIRST_SEED) -> list[int]:
    """Return the ``n`` seeds of a robustness run."""
    if n < 1:
        raise ValueError(f"seeds: expected a positive number of generator seeds, found {n}")
    return list(range(first, first + n))


def input_key(
    seeds: Sequence[int],
    reference_files: Iterable[Path],
    source_files: Iterable[Path],
    extra: str = "",
) -> str:
    """Return a SHA-256 over the seeds, the reference files and the source files.

    Files are read as bytes and sorted by path relative to the repository, so the key does
    not depend on where the repository lives or on file-system order.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps({"seeds": list(seeds), "extra": extra}).encode())
    for path in sorted({Path(p) for p in [*reference_files, *source_files]}, key=_rel):
        digest.update(_rel(path).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _rel(path: Path) -> str:
    return paths.relative_to_root(path)


def default_source_files() -> list[Path]:
    """Return the package sources a robustness run depends on.

    Those are the files of :data:`KEY_MODULES` and of every package module they import,
    directly or not.
    """
    from survivors_perspectives.notebook_deps import module_closure

    return module_closure(KEY_MODULES)


def library_versions() -> str:
    """Return Python's and :data:`KEY_LIBRARIES`' versions, as part of the cache key."""
    versions = {"python": platform.python_version()}
    versions |= {name: metadata.version(name) for name in KEY_LIBRARIES}
    return json.dumps(versions, sort_keys=True)


def _replicate(
    seed: int, generate: Generate, tests: Sequence[object], run_test: RunTest
) -> list[dict]:
    """Generate one synthetic survey and run every published test on it."""
    frame = generate(seed)
    rows = []
    for spec in tests:
        result = run_test(frame, spec)
        rows.append(
            {
                "seed": seed,
                "id": _spec_id(spec),
                "statistic": float(result.statistic),
                "df": ",".join(str(d) for d in result.df),
                "p": float(result.p),
                "n": int(result.n),
            }
        )
    return rows


def _spec_id(spec: object) -> str:
    return spec["id"] if isinstance(spec, dict) else spec.id


def run_replicates(
    seeds: Sequence[int],
    generate: Generate,
    tests: Sequence[object],
    run_test: RunTest,
    *,
    n_jobs: int | None = None,
    progress: bool = True,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run every test on every seed's synthetic survey, in parallel with joblib.

    Parameters
    ----------
    seeds : sequence of int
        Generator seeds, one replicate each.
    generate : callable
        ``generate(seed) -> DataFrame``: the synthetic survey for one seed. Must be
        importable (a module-level function) so joblib's worker processes can load it.
    tests : sequence
        Published test specifications; each has an ``id``.
    run_test : callable
        ``run_test(frame, spec) -> TestResult`` (see :mod:`survivors_perspectives.stats`).
    n_jobs : int, optional
        Worker processes (joblib's ``n_jobs``; ``1`` runs in this process); by default this
        machine's cores. With ``scheduler="local"``, the local cluster's workers.
    progress : bool
        Show a tqdm bar on stderr.
    scheduler : str, optional
        A Dask scheduler address (``tcp://host:8786``) or ``"local"``; ``None`` runs here.

    Returns
    -------
    DataFrame
        One row per seed and test: ``seed, id, statistic, df, p, n``, sorted by seed and id.
    """
    workers = n_jobs or cluster.default_workers()
    rows: list[dict] = []
    with cluster.joblib_backend(scheduler, workers) as jobs:
        tasks = (delayed(_replicate)(seed, generate, tests, run_test) for seed in seeds)
        results = Parallel(n_jobs=jobs, return_as="generator")(tasks)
        bar = tqdm(
            results,
            total=len(seeds),
            desc="robustness",
            unit="seed",
            file=sys.stderr,
            disable=not progress,
        )
        for chunk in bar:
            rows += chunk
    frame = pd.DataFrame(rows, columns=["seed", "id", "statistic", "df", "p", "n"])
    return frame.sort_values(["seed", "id"], kind="stable").reset_index(drop=True)


def summarise(replicates: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Per test: the share of replicates reaching the published conclusion, and the spread.

    A replicate reaches the published conclusion when its p is on the same side of 0.05 as
    the published p. The printed p of footnote 31 (0.81) and the recomputed one (0.081)
    are on the same side, so the typo does not matter here.
    """
    published = reference.set_index("id")
    rows = []
    for test_id, group in replicates.groupby("id", sort=True):
        if test_id not in published.index:
            raise KeyError(
                f"robustness: test id {test_id!r} is not in the published reference table"
            )
        ref = published.loc[test_id]
        reported_significant = published_significant(ref["p_reported"])
        reached = group["p"].map(significant) == reported_significant
        close = (group["statistic"] - ref["statistic"]).abs() <= STATISTIC_TOLERANCE * ref[
            "statistic"
        ]
        rows.append(
            {
                "id": test_id,
                "test": ref["test"],
                "published_statistic": ref["statistic"],
                "published_df": ref["df"],
                "published_p": ref["p_reported"],
                "published_significant": reported_significant,
                "replicates": len(group),
                "share_same_conclusion": float(reached.mean()),
                "share_close_statistic": float(close.mean()),
                "statistic_median": float(group["statistic"].median()),
                "statistic_p05": float(np.percentile(group["statistic"], 5)),
                "statistic_p95": float(np.percentile(group["statistic"], 95)),
                "p_median": float(group["p"].median()),
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    write_atomically(path, text.encode("utf-8"))


def robustness(
    reference: pd.DataFrame,
    *,
    generate: Generate,
    tests: Sequence[object],
    run_test: RunTest,
    out_dir: Path | str = paths.DERIVED,
    n_seeds: int = DEFAULT_SEEDS,
    key: str | None = None,
    n_jobs: int | None = None,
    progress: bool = True,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Return the robustness summary, from the cache when its key matches, else by running.

    Parameters
    ----------
    reference : DataFrame
        The published reference table (for the published statistics and p-values).
    generate, tests, run_test
        See :func:`run_replicates`.
    out_dir : path
        Where ``robustness.csv``, ``robustness_replicates.csv`` and ``robustness.key`` live.
    n_seeds : int
        Number of generator seeds.
    key : str, optional
        Cache key; by default :func:`input_key` over the seeds, the reference files,
        :func:`default_source_files` and :func:`library_versions`.
    n_jobs : int, optional
        joblib worker processes (default: this machine's cores).
    progress : bool
        Show a progress bar on stderr.
    scheduler : str, optional
        Dask scheduler address or ``"local"`` (see :func:`run_replicates`).
    """
    from survivors_perspectives.published.reference import reference_paths

    out_dir = Path(out_dir)
    seeds = seeds_for(n_seeds)
    if key is None:
        key = input_key(seeds, reference_paths(), default_source_files(), library_versions())
    summary_path = out_dir / ROBUSTNESS_FILE
    key_path = out_dir / KEY_FILE
    if summary_path.is_file() and key_path.is_file() and key_path.read_text().strip() == key:
        # Newer than its prerequisites, so make sees the table as up to date after a cache hit.
        summary_path.touch()
        return pd.read_csv(summary_path, dtype={"published_df": str, "published_p": str})
    replicates = run_replicates(
        seeds, generate, tests, run_test, n_jobs=n_jobs, progress=progress, scheduler=scheduler
    )
    summary = summarise(replicates, reference)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(replicates, out_dir / REPLICATES_FILE)
    _write_csv(summary, summary_path)
    write_atomically(key_path, (key + "\n").encode("utf-8"))  # last: a partial run never matches
    return pd.read_csv(summary_path, dtype={"published_df": str, "published_p": str})


def load_replicates(out_dir: Path | str = paths.DERIVED) -> pd.DataFrame:
    """Read the per-seed results written by :func:`robustness` (for the spread figures)."""
    path = Path(out_dir) / REPLICATES_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no robustness replicates yet; run "
            "`python -m survivors_perspectives.build.derive` first"
        )
    return pd.read_csv(path, dtype={"df": str})
