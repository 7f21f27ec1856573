"""Running the whole pipeline on other data: `make book DATA=...`.

One module-scoped build on a copy of the synthetic survey in which Albania has only 12
respondents (so many country-level cells hold 1 to 4 people) and 20 of Peru's respondents
work in Kenya, a country outside the study declared with EXTRA_COUNTRIES, run with the
network cut where the platform allows (`unshare -rn`). It proves that the build goes to its
own folder and leaves the synthetic book alone, that the declared country gets its chapter,
that every page names the data with its SHA-256, that no small cell is shown, that a failed
build leaves the last good book byte-identical, and that two builds of the same inputs are
identical.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from html_tables import count_cells

from survivors_perspectives import paths
from survivors_perspectives.fingerprints import sha256

pytestmark = pytest.mark.slow

NAME = "tiny_albania"
NEW_COUNTRY = "Kenya"
DECLARE = f"EXTRA_COUNTRIES={NEW_COUNTRY}"
RUN_DIR = paths.ROOT / "builds" / NAME
HTML = RUN_DIR / "book" / "_build" / "html"


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


def run_make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        [*OFFLINE, "make", "-j2", *args], cwd=paths.ROOT, capture_output=True, text=True, env=env
    )


def tree_hashes(*folders: Path) -> dict[str, str]:
    hashes = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            hashes[str(path.relative_to(paths.ROOT))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return hashes


@pytest.fixture(scope="module")
def tiny_survey(tmp_path_factory) -> Path:
    survey = pd.read_csv(paths.SURVEY, dtype=str, keep_default_na=False)
    albania = survey.index[survey["country"] == "Albania"]
    peru = survey.index[survey["country"] == "Peru"]
    survey.loc[peru[:20], "country"] = NEW_COUNTRY
    path = tmp_path_factory.mktemp("data") / f"{NAME}.csv"
    survey.drop(index=albania[12:]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def first_build(tiny_survey) -> dict[str, str]:
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    synthetic_before = tree_hashes(paths.BOOK_HTML)
    result = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert tree_hashes(paths.BOOK_HTML) == synthetic_before, "the synthetic book was touched"
    return tree_hashes(HTML, RUN_DIR / "book" / "countries", RUN_DIR / "derived")


def test_build_goes_to_its_own_folder(first_build):
    assert (HTML / "index.html").is_file()
    assert (HTML / "countries" / "albania.html").is_file()
    assert (RUN_DIR / "book" / "_build" / "reports" / "albania.html").is_file()
    assert "<h1>Albania" in (HTML / "countries" / "albania.html").read_text()


def test_a_declared_country_outside_the_study_gets_its_chapter(first_build):
    page = (HTML / "countries" / "kenya.html").read_text(encoding="utf-8")
    assert "<h1>Kenya" in page
    assert "Content note" in page
    assert page.count('class="sp-figure"') >= 5
    assert "The conversations data hold no participants from this country." in page
    assert (RUN_DIR / "book" / "_build" / "reports" / "kenya.html").is_file()


def test_every_page_names_the_data_and_its_hash(first_build, tiny_survey):
    label = f"{NAME}.csv (SHA-256 {sha256(tiny_survey)})"
    # index.html is only a redirect to the first chapter; _static holds theme templates.
    pages = [p for p in sorted(HTML.rglob("*.html")) if "_static" not in p.parts]
    pages.remove(HTML / "index.html")
    assert len(pages) > 20
    assert [p.name for p in pages if label not in p.read_text()] == []


def test_no_small_cell_is_shown_for_the_tiny_country(first_build):
    cells = count_cells(HTML / "countries" / "albania.html")
    assert len(cells) > 50
    suppressed = [c for c in cells if c.text in {"<5", "x"}]
    assert suppressed, "a 12-person country must have suppressed cells"
    shown_small = [c for c in cells if c.small and "published" not in c.classes]
    assert shown_small == []


def test_the_build_ran_offline():
    if not OFFLINE:
        pytest.skip("network namespaces (unshare -rn) are not available on this machine")
    result = subprocess.run(
        [*OFFLINE, "curl", "-sS", "-m", "3", "https://pypi.org"], capture_output=True
    )
    assert result.returncode != 0


def test_failed_build_leaves_the_last_good_book(first_build, tiny_survey):
    tiny_survey.touch()  # everything downstream of the data is stale now
    result = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=not-a-number")
    assert result.returncode != 0
    assert "--seeds" in result.stderr
    assert tree_hashes(HTML) == {k: v for k, v in first_build.items() if "/_build/html/" in k}


def test_two_builds_of_the_same_inputs_are_identical(first_build, tiny_survey):
    shutil.rmtree(HTML)
    tiny_survey.touch()
    result = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    assert result.returncode == 0, result.stderr[-3000:]
    second = tree_hashes(HTML, RUN_DIR / "book" / "countries", RUN_DIR / "derived")
    differing = sorted(
        k for k in first_build.keys() | second.keys() if first_build.get(k) != second.get(k)
    )
    assert differing == []
