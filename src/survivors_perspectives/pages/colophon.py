"""What a reader needs to rebuild the book: versions, data hashes, commit, commands, codebook.

Feeds the data chapter (the codebook, read from the Frictionless data package) and the
reproducibility appendix. Everything here is read from files and package metadata at build
time, never typed, so the appendix cannot go stale.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from survivors_perspectives import paths
from survivors_perspectives.fingerprints import sha256

#: Distributions whose versions the appendix lists: the analysis and book stack.
KEY_PACKAGES: tuple[str, ...] = (
    "survivors-perspectives",
    "pandas",
    "numpy",
    "scipy",
    "seaborn",
    "matplotlib",
    "pandera",
    "papermill",
    "nbconvert",
    "jupyter-book",
    "sphinx",
    "myst-nb",
)

#: Commands, in the order a reader runs them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("make venv", "create .venv from requirements.lock and register the Jupyter kernel"),
    ("make data", "regenerate the synthetic data from the seed (byte-identical)"),
    ("make book", "execute every notebook with papermill and build the HTML book"),
    ("make -j2 book", "the same, running two notebooks at a time"),
    ("make test", "build the book, then run the linters and the test suite"),
    (
        "make book DATA=path/to/survey.csv CONVERSATIONS_DATA=path/to/conversations.csv",
        "run the whole pipeline on other files of the same shape",
    ),
)


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> pd.DataFrame:
    """Return the installed version of each distribution (``"not installed"`` if absent)."""
    rows = []
    for name in names:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "not installed"
        rows.append({"Package": name, "Version": version})
    rows.append({"Package": "python", "Version": platform.python_version()})
    return pd.DataFrame(rows).set_index("Package")


def file_hashes(files: list[Path | str]) -> pd.DataFrame:
    """Return size and SHA-256 of each file, by path relative to the repository."""
    rows = []
    for file in files:
        path = Path(file)
        if not path.is_absolute():
            path = paths.ROOT / path
        rows.append(
            {
                "File": paths.relative_to_root(path),
                "Bytes": path.stat().st_size if path.exists() else "missing",
                "SHA-256": sha256(path) if path.exists() else "missing",
            }
        )
    return pd.DataFrame(rows).set_index("File")


def git_commit(root: Path = paths.ROOT) -> str:
    """Return the commit the book was built from, or ``"unknown"`` outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else "unknown"


def commands() -> pd.DataFrame:
    """Return the commands that rebuild the book, with what each does."""
    return pd.DataFrame(COMMANDS, columns=["Command", "What it does"]).set_index("Command")


def codebook(package_path: Path | str = paths.SURVEY_PACKAGE) -> pd.DataFrame:
    """Return one row per column of the survey's data package: type, allowed values, question.

    Read from ``datapackage.json`` rather than from the Python schema, so the chapter shows
    what a reader outside Python gets. Each column's name is kept exactly, in a column of its
    own ("Column"), not as a row header: it is the id a reader types, so a table's rewording
    of code names into words (:func:`survivors_perspectives.pages.tables.readable`) must not
    touch it.
    """
    package = json.loads(Path(package_path).read_text(encoding="utf-8"))
    resource = package["resources"][0]
    rows = []
    for field in resource["schema"]["fields"]:
        constraints = field.get("constraints", {})
        if "enum" in constraints:
            allowed = " / ".join(constraints["enum"])
        elif "minimum" in constraints:
            allowed = f"{constraints['minimum']}-{constraints['maximum']}"
        elif field["type"] == "boolean":
            allowed = "true / false"
        else:
            allowed = constraints.get("pattern", "")
        rows.append(
            {
                "Column": field["name"],
                "Type": field["type"],
                "Allowed values": allowed,
                "Asked of": field.get("askedOf", ""),
                "Question": field.get("description", ""),
                "Assumed option": "yes" if field.get("assumed") else "",
            }
        )
    return pd.DataFrame(rows)


def data_package_facts(package_path: Path | str = paths.SURVEY_PACKAGE) -> dict[str, object]:
    """Return the package-level facts the data chapter states (name, rows, note, columns)."""
    package = json.loads(Path(package_path).read_text(encoding="utf-8"))
    resource = package["resources"][0]
    return {
        "name": package.get("name", ""),
        "title": package.get("title", ""),
        "description": package.get("description", resource.get("description", "")),
        "columns": len(resource["schema"]["fields"]),
        "path": resource.get("path", ""),
    }


def fidelity_section(comparison: pd.DataFrame):
    """Summarise how closely a dataset reproduces the published figures, topic by topic.

    ``comparison`` is the frame of :func:`survivors_perspectives.analyses.fidelity.compare`.
    Returns a :class:`~survivors_perspectives.pages.kit.Section` with the overall
    count, a topic by status table, and the figures not reproduced with the reason recorded
    for each.
    """
    from survivors_perspectives.analyses.fidelity import NOT_COMPUTABLE, REPRODUCED, summary
    from survivors_perspectives.pages.kit import Section
    from survivors_perspectives.pages.tables import value_table

    by_topic = (
        pd.crosstab(comparison["topic"], comparison["status"])
        .rename_axis(index="Topic", columns=None)
        .astype(int)
    )
    by_topic.columns = [str(c).replace("_", " ") for c in by_topic.columns]
    misses = comparison[~comparison["status"].isin([REPRODUCED, NOT_COMPUTABLE])]
    miss_table = misses.set_index("id")[["published", "reproduced", "status", "note"]].copy()
    for column in ("published", "reproduced"):
        miss_table[column] = miss_table[column].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
    computable = comparison[comparison["status"] != NOT_COMPUTABLE]
    n_ok = int((computable["status"] == REPRODUCED).sum())
    text = [
        f"Of the {len(comparison)} figures in the published reference table, "
        f"{len(computable)} can be recomputed from the data; the rest describe the "
        f"questionnaire or the fieldwork rather than the answers. Summary: {summary(comparison)}. "
        "{table[0]} breaks this down by topic; {table[1]} lists every figure not reproduced "
        "and why."
    ]
    tables_ = [
        value_table(by_topic, caption="Published figures by topic and status", index_name="Topic"),
        value_table(
            miss_table,
            caption="Published figures the data do not reproduce, with the reason",
            index_name="Reference id",
        ),
    ]
    numbers = {"computable": float(len(computable)), "reproduced": float(n_ok)}
    return Section("fidelity", text, tables_, [], numbers)
