"""One data-mode build shared by the tests of other data and of hostile input (session scope).

A copy of the synthetic survey in which Albania has only 12 respondents (so many
country-level cells hold 1 to 4 people) and 20 of Peru's respondents work in Kenya, a country
outside the study declared with EXTRA_COUNTRIES, saved under a name holding a space, an
apostrophe, backticks, a semicolon and a dollar sign, and built once with `make book`, with
the network cut where the platform allows (`unshare -rn`). Import the fixtures into a test
module to use them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.build.build_inputs import GIVEN_SURVEY, resolve

#: A name a shell would run (`touch X`, `;`, `$HOME`) and make would split (the spaces).
NAME = "tiny albania's `touch X`;$HOME"
NEW_COUNTRY = "Kenya"
DECLARE = f"EXTRA_COUNTRIES={NEW_COUNTRY}"


def _offline_prefix() -> list[str]:
    """A command prefix that cuts the network, or [] where namespaces are not allowed."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return []
    probe = subprocess.run(
        ["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True, check=False
    )
    return (
        ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
        if probe.returncode == 0
        else []
    )


OFFLINE = _offline_prefix()


def make_command(*args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of `make -j2 ARGS` run by a test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return [*OFFLINE, "make", "-j2", *args], env


def run_make(*args: str) -> subprocess.CompletedProcess:
    command, env = make_command(*args)
    return subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True, env=env)


def tree_hashes(*folders: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folders`` (following the release symlinks), by path."""
    hashes = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            hashes[str(path.relative_to(folder.parent))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return hashes


def run_dir_of(survey: Path) -> Path:
    """The build folder of a survey file given as DATA (conversations left as shipped)."""
    return paths.ROOT / resolve({GIVEN_SURVEY: str(survey)})[3]


@pytest.fixture(scope="session")
def tiny_survey(tmp_path_factory) -> Path:
    survey = pd.read_csv(paths.SURVEY, dtype=str, keep_default_na=False)
    albania = survey.index[survey["country"] == "Albania"]
    peru = survey.index[survey["country"] == "Peru"]
    survey.loc[peru[:20], "country"] = NEW_COUNTRY
    path = tmp_path_factory.mktemp("data") / f"{NAME}.csv"
    survey.drop(index=albania[12:]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def run_dir(tiny_survey) -> Path:
    return run_dir_of(tiny_survey)


@pytest.fixture(scope="session")
def first_build(tiny_survey, run_dir) -> dict[str, str]:
    """Build the tiny survey's book; return the hashes of its HTML, notebooks and tables.

    The folder is keyed on the file's path, which pytest's temporary folder changes each
    session: earlier sessions' folders are removed, the last one is kept for inspection.
    """
    for earlier in run_dir.parent.glob(f"{run_dir.name.rsplit('-', 1)[0]}-*"):
        shutil.rmtree(earlier, ignore_errors=True)
    synthetic_before = tree_hashes(paths.BOOK_HTML)
    result = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert tree_hashes(paths.BOOK_HTML) == synthetic_before, "the synthetic book was touched"
    build = run_dir / "book" / "_build"
    return tree_hashes(build / "html", run_dir / "book" / "countries", run_dir / "derived")
