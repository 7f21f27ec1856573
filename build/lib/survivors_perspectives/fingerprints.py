"""What identifies a data file on a page: its SHA-256 and whether it is the synthetic data.

Every page of the book, every standalone report and every provenance line says which data
it was built from, so a reader can never take synthetic records for the real study and an
auditor can check their copy with ``sha256sum``. One module computes that, so the book's
footer and the reports' title pages cannot disagree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from survivors_perspectives import paths


def sha256(path: Path | str) -> str:
    """Return the hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_synthetic(path: Path | str) -> bool:
    """Return whether ``path`` is one of the compendium's synthetic data files."""
    return Path(path).resolve().is_relative_to(paths.SYNTHETIC.resolve())


def describe_data(files: Iterable[Path | str]) -> str:
    """Return a one-line label naming each file with its SHA-256.

    The label starts with "Synthetic data" when every file is the compendium's synthetic data.

    Raises
    ------
    FileNotFoundError
        When a file is missing (or none is given), naming it.
    """
    files = [Path(f) for f in files]
    missing = [str(f) for f in files if not f.is_file()]
    if not files or missing:
        raise FileNotFoundError(f"data files not found: {missing or 'none given'}")
    parts = ", ".join(f"{f.name} (SHA-256 {sha256(f)})" for f in files)
    return f"Synthetic data: {parts}" if all(map(is_synthetic, files)) else parts
