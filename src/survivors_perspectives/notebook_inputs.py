"""Where a notebook's inputs are, wherever its kernel started, and the derived tables it needs.

The build runs every notebook from the repository root, but a student opening one in
JupyterLab or on Binder starts its kernel in the notebook's own folder, where the default
parameters (``data/synthetic/frontline_survey.csv``, ``data/derived``) name nothing. Each
notebook therefore passes its parameters through :func:`resolve` right after the imports:
relative paths are taken from the repository root, and when the notebook reads derived
tables that are not there yet (a fresh clone, before any ``make book``), they are made first,
once, exactly as ``make`` makes them.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from survivors_perspectives import paths

#: The files ``derive`` writes that notebooks read (the robustness key is the cache's).
DERIVED_FILES = (
    "replication.csv",
    "audit.csv",
    "robustness.csv",
    "robustness_replicates.csv",
)


def missing_derived(derived_dir: Path | str) -> list[str]:
    """Return the derived tables absent from ``derived_dir`` (empty when all are there)."""
    folder = Path(derived_dir)
    return [name for name in DERIVED_FILES if not (folder / name).is_file()]


def ensure_derived(survey: Path, conversations: Path, derived_dir: Path) -> None:
    """Make the derived tables in ``derived_dir`` when any is missing.

    A lock file keeps two notebooks started at once from writing the same tables together:
    the second waits, then finds them made. ``derive`` runs in its own process (as make
    runs it), so a notebook does not import the generator, and make does not re-execute
    every notebook when the generator changes.
    """
    if not missing_derived(derived_dir):
        return
    derived_dir.mkdir(parents=True, exist_ok=True)
    with open(derived_dir / ".derive.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if missing_derived(derived_dir):
            print(
                f"Making the derived tables in {paths.relative_to_root(derived_dir)} first "
                "(once; about a minute)",
                file=sys.stderr,
            )
            command = [sys.executable, "-m", "survivors_perspectives.build.derive", "--no-progress"]
            command += ["--survey", str(survey), "--conversations", str(conversations)]
            command += ["--out", str(derived_dir)]
            result = subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(
                    f"making the derived tables in {derived_dir} failed: "
                    f"{result.stderr.strip().splitlines()[-1:]}"
                )


def resolve(
    survey_path: Path | str, conversations_path: Path | str, derived_dir: Path | str | None = None
) -> tuple[Path, ...]:
    """Return the notebook's input paths resolved against the repository root.

    Parameters
    ----------
    survey_path, conversations_path
        The notebook's parameters, as given (relative to the repository root or absolute).
    derived_dir
        Given only by notebooks that read the derived tables; they are made if missing.

    Returns
    -------
    tuple of Path
        ``(survey, conversations)``, or ``(survey, conversations, derived)``.
    """
    survey, conversations = paths.at_root(survey_path), paths.at_root(conversations_path)
    if derived_dir is None:
        return survey, conversations
    derived = paths.at_root(derived_dir)
    ensure_derived(survey, conversations, derived)
    return survey, conversations, derived
