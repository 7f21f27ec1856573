"""Running the whole pipeline on other data: `make book DATA=...`.

One build (tests/data_mode_build.py) on a copy of the synthetic survey in which Albania has
only 12 respondents and 20 of Peru's respondents work in Kenya, a country outside the study
declared with EXTRA_COUNTRIES, under a file name a shell would run. It proves that the build
goes to its own folder and leaves the synthetic book alone, that the declared country gets
its chapter, that every page names the data with its SHA-256, that no small cell is shown,
that a failed build leaves the last good book byte-identical, and that two builds of the
same inputs are identical.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
from data_mode_build import (
    DECLARE,
    NAME,
    OFFLINE,
    first_build,
    run_dir,
    run_make,
    tiny_survey,
    tree_hashes,
)
from html_tables import count_cells

from survivors_perspectives.build.build_inputs import safe_file_name
from survivors_perspectives.fingerprints import sha256

pytestmark = pytest.mark.slow
__all__ = ["first_build", "run_dir", "tiny_survey"]  # fixtures, shared with test_bad_input


@pytest.fixture
def html(run_dir):
    return run_dir / "book" / "_build" / "html"


def test_build_goes_to_its_own_folder(first_build, run_dir, html):
    assert run_dir.parent.name == "builds"
    assert run_dir.name.startswith("tiny_albania_s_touch_X_HOME-")
    assert (html / "index.html").is_file()
    assert (html / "countries" / "albania.html").is_file()
    assert (run_dir / "book" / "_build" / "reports" / "albania.html").is_file()
    assert (run_dir / "book" / "_build" / "derived" / "replication.csv").is_file()
    assert "<h1>Albania" in (html / "countries" / "albania.html").read_text()


def test_a_declared_country_outside_the_study_gets_its_chapter(first_build, run_dir, html):
    page = (html / "countries" / "kenya.html").read_text(encoding="utf-8")
    assert "<h1>Kenya" in page
    assert "Content note" in page
    assert page.count('class="sp-figure"') >= 5
    assert "The conversations data hold no participants from this country." in page
    assert (run_dir / "book" / "_build" / "reports" / "kenya.html").is_file()


def test_every_page_names_the_data_and_its_hash(first_build, tiny_survey, html):
    # The safe copy's name (no quote, backtick, ; or $ reaches a page), with the file's hash.
    label = f"{safe_file_name(NAME + '.csv')} (SHA-256 {sha256(tiny_survey)})"
    # index.html is only a redirect to the first chapter; _static holds theme templates.
    pages = [p for p in sorted(html.rglob("*.html")) if "_static" not in p.parts]
    pages.remove(html / "index.html")
    assert len(pages) > 20
    assert [p.name for p in pages if label not in p.read_text()] == []


def test_no_small_cell_is_shown_for_the_tiny_country(first_build, html):
    cells = count_cells(html / "countries" / "albania.html")
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


def test_a_touched_but_unchanged_file_rebuilds_nothing(first_build, tiny_survey, run_dir):
    tiny_survey.touch()
    result = run_make("-n", "book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survivors_perspectives.build.execute" not in result.stdout
    assert "survivors_perspectives.build.build_book" not in result.stdout


def test_failed_build_leaves_the_last_good_book(first_build, tiny_survey, run_dir, html):
    original = tiny_survey.read_bytes()
    changed = pd.read_csv(tiny_survey, dtype=str, keep_default_na=False)
    changed.loc[0, "service_legal_support"] = {"true": "false", "false": "true"}[
        changed.loc[0, "service_legal_support"]
    ]
    try:
        changed.to_csv(tiny_survey, index=False)  # new bytes: everything downstream is stale
        result = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=not-a-number")
    finally:
        tiny_survey.write_bytes(original)
    assert result.returncode != 0
    assert "--seeds" in result.stderr
    assert tree_hashes(html) == {k: v for k, v in first_build.items() if k.startswith("html/")}
    # The derived tables of the last good run are still there, for make and for readers.
    derived = run_dir / "derived"
    assert {k: v for k, v in tree_hashes(derived).items() if k.endswith(".csv")} == {
        k: v for k, v in first_build.items() if k.startswith("derived/") and k.endswith(".csv")
    }


def test_two_builds_of_the_same_inputs_are_identical(first_build, tiny_survey, run_dir):
    build = run_dir / "book" / "_build"
    shutil.rmtree(build / "releases")
    (build / "current").unlink()
    (build / "validated.stamp").unlink()  # every notebook runs again
    result = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    assert result.returncode == 0, result.stderr[-3000:]
    second = tree_hashes(build / "html", run_dir / "book" / "countries", run_dir / "derived")
    differing = sorted(
        k for k in first_build.keys() | second.keys() if first_build.get(k) != second.get(k)
    )
    assert differing == []
