"""Every path the compendium reads or writes, in one place, with no side effects on import.

The folders follow the data flow: reference figures and generator output in ``data/``,
derived tables in ``data/derived/``, executed notebooks and HTML in ``book/``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

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
