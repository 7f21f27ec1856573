"""Every path the compendium reads or writes, in one place, with no side effects on import.

The folders follow the data flow: reference figures and generator output in ``data/``,
derived tables in ``data/derived/``, executed notebooks and HTML in ``book/``.

``ROOT`` is the compendium's folder: ``SURVIVORS_PERSPECTIVES_ROOT`` when set; else the
checkout this module lies in (an editable install); else, for an installed package (a wheel in
site-packages, as on Binder or from a wheelhouse), the nearest folder at or above the current
one that holds the compendium's data. So the defaults work from a notebook's own folder and
from an installed package alike.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the compendium's folder explicitly.
ROOT_VARIABLE = "SURVIVORS_PERSPECTIVES_ROOT"
#: A file only the compendium's folder holds, by which it is recognised.
_MARKER = Path("data") / "reference" / "published_statistics.csv"


def find_root(start: Path | None = None, environ: dict[str, str] | None = None) -> Path:
    """Return the compendium's folder (see the module docstring for the order of search).

    When no folder holds the compendium, the checkout this module would lie in is returned,
    so that a missing file is reported under its expected name rather than somewhere odd.
    """
    environ = os.environ if environ is None else environ
    if environ.get(ROOT_VARIABLE):
        return Path(environ[ROOT_VARIABLE]).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / _MARKER).is_file():
        return checkout
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / _MARKER).is_file():
            return folder
    return checkout


ROOT = find_root()

DATA = ROOT / "data"
REFERENCE = DATA / "reference"
SYNTHETIC = DATA / "synthetic"
DERIVED = DATA / "derived"

PUBLISHED_STATISTICS = REFERENCE / "published_statistics.csv"
PUBLISHED_CONVERSATIONS = REFERENCE / "published_conversations.csv"
CONVERSATION_CODEBOOK = REFERENCE / "conversation_codebook.csv"
ROUNDTABLE = REFERENCE / "roundtable.json"
SURVEY = SYNTHETIC / "frontline_survey.csv"
SURVEY_PACKAGE = SYNTHETIC / "datapackage.json"
CONVERSATIONS = SYNTHETIC / "survivor_conversations.csv"

NOTEBOOKS = ROOT / "notebooks"
COUNTRY_TEMPLATE = NOTEBOOKS / "country_findings.ipynb"

BOOK = ROOT / "book"
BOOK_BUILD = BOOK / "_build"
BOOK_HTML = BOOK_BUILD / "html"


def at_root(path: Path | str) -> Path:
    """Return ``path`` resolved against the compendium's folder when it is relative.

    Notebook parameters and command-line defaults name files relative to the repository
    root (``data/synthetic/frontline_survey.csv``), but a kernel started by JupyterLab runs
    in the notebook's own folder: resolving against ``ROOT`` makes both work.
    """
    path = Path(path).expanduser()
    return path if path.is_absolute() else ROOT / path


def relative_to_root(path: Path | str) -> str:
    """Return ``path`` relative to the repository root when it lies inside it.

    Recorded paths (notebook parameters, provenance lines) must not depend on where the
    repository was cloned, or two builds of the same inputs would differ.
    """
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()
