"""One policy when the book is missing (tests/conftest.py): fail under `make test`, else skip.

Run on a compendium folder without a book (``SURVIVORS_PERSPECTIVES_ROOT`` pointing at an
empty folder), a test that reads the book must fail when ``make test`` ran it, so CI never
passes by skipping, and skip with the one shared message when a developer runs pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys

from survivors_perspectives import paths

#: A test that reads the built book and nothing else.
READS_THE_BOOK = "tests/test_findings_provenance.py"


def _pytest_without_a_book(tmp_path, **env) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "SP_BOOK_REQUIRED"}
    environment.update(SURVIVORS_PERSPECTIVES_ROOT=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", READS_THE_BOOK],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        env=environment,
    )


def test_make_test_fails_when_the_book_is_missing(tmp_path):
    result = _pytest_without_a_book(tmp_path, SP_BOOK_REQUIRED="1")
    assert result.returncode == 1, result.stdout
    assert (
        "book/_build/html/index.html is missing, yet `make test` built the book before the "
        "tests (SP_BOOK_REQUIRED=1)"
    ) in result.stdout
    assert "1 error" in result.stdout and "skipped" not in result.stdout


def test_pytest_alone_skips_with_one_message(tmp_path):
    result = _pytest_without_a_book(tmp_path)
    assert result.returncode == 0, result.stdout
    message = "the book is not built (book/_build/html/index.html is missing): run `make book`"
    assert f"1 tests skipped: {message}" in result.stdout
    assert "1 skipped" in result.stdout


def test_make_test_requires_the_book(root):
    """The Makefile's test recipe is what sets the requirement, after building the book."""
    text = (root / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\ntest: ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    lines = [line.strip() for line in recipe]
    assert "SP_BOOK_REQUIRED=1 $(PY) -m pytest $(PYTEST_OPTIONS)" in lines
    assert lines.index("$(MAKE) -j$(JOBS) book") < lines.index(
        "SP_BOOK_REQUIRED=1 $(PY) -m pytest $(PYTEST_OPTIONS)"
    )
