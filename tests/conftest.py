"""Shared fixtures: paths of the repository and of the built book."""

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


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The built book; `make test` builds it before running the suite."""
    index = paths.BOOK_HTML / "index.html"
    if not index.is_file():
        pytest.fail(f"{index} is missing: run `make book` (or `make test`) first")
    return paths.BOOK_HTML


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
