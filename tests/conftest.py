"""Shared fixtures: paths of the repository and of the built book.

One policy when the book is missing, in one place (:func:`built_book`): under ``make test``
the book has just been built, so a missing book is a failure naming the file; a developer
running pytest directly on a checkout without a book gets one skip, with one message, for
every test that reads it. ``make test`` says which by setting ``SP_BOOK_REQUIRED=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

from survivors_perspectives import paths

matplotlib.use("Agg")

# The survey schema reads the declared extra countries once, when first imported (during
# collection): clear the declaration before that, whatever the developer's shell exports.
os.environ.pop("SURVIVORS_PERSPECTIVES_EXTRA_COUNTRIES", None)


@pytest.fixture(scope="session")
def root() -> Path:
    return paths.ROOT


#: Set to 1 by `make test`, which builds the book first: a missing book is then a failure.
BOOK_REQUIRED = "SP_BOOK_REQUIRED"


#: The one message of every test skipped for want of the book.
BOOK_MISSING = "the book is not built ({index} is missing): run `make book`, or `make test`"


def _missing_index() -> str | None:
    index = paths.BOOK_HTML / "index.html"
    return None if index.is_file() else paths.relative_to_root(index)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The built book's source folder (``book/``, with the executed notebooks).

    The executed notebooks and the HTML are swapped in together, so the HTML's index stands
    for both. Fails under `make test` (``SP_BOOK_REQUIRED=1``), skips otherwise.
    """
    index = _missing_index()
    if index is not None:
        if os.environ.get(BOOK_REQUIRED) == "1":
            pytest.fail(
                f"{index} is missing, yet `make test` built the book before the tests "
                f"({BOOK_REQUIRED}=1): the build failed or the book was removed since",
                pytrace=False,
            )
        pytest.skip(BOOK_MISSING.format(index=index))
    return paths.BOOK


@pytest.fixture(scope="session")
def built_html(built_book) -> Path:
    """The built book's HTML (``book/_build/html``)."""
    return paths.BOOK_HTML


def pytest_terminal_summary(terminalreporter) -> None:
    """Say once, at the end, how many tests were skipped for want of the book."""
    index = _missing_index()
    if index is None:
        return
    message = BOOK_MISSING.format(index=index)
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if message in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} tests skipped: {message}", yellow=True)


# --- the shipped inputs, read once a session ------------------------------------------------------
# Each module gets its own copy, so a test that edits its frame in place cannot reach another
# module's tests. A module meaning something else by the name defines its own fixture.


@pytest.fixture(scope="session")
def _shipped_survey():
    from survivors_perspectives.survey import load_survey

    return load_survey(paths.SURVEY)


@pytest.fixture(scope="module")
def survey(_shipped_survey):
    """The shipped synthetic survey, validated and typed (``data/synthetic``)."""
    return _shipped_survey.copy()


@pytest.fixture(scope="session")
def _published_reference():
    from survivors_perspectives.published.reference import load_reference

    return load_reference()


@pytest.fixture(scope="module")
def reference(_published_reference):
    """The published reference table (``data/reference``), every topic."""
    return _published_reference.copy()


@pytest.fixture(autouse=True)
def _pipeline_environment_unset(monkeypatch):
    # Tests see validation run on the six study countries, whatever the developer's shell sets.
    monkeypatch.delenv("SURVIVORS_PERSPECTIVES_FRAMES", raising=False)
    monkeypatch.delenv("SURVIVORS_PERSPECTIVES_EXTRA_COUNTRIES", raising=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
