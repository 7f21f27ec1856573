"""Validated frames stored between processes, so one build validates each input file once.

``make`` validates the input files before any notebook runs, and then some fifteen notebooks
load the same files again, each in a fresh kernel; validating (and importing pandera to do
it) is most of what loading costs them. A loader's result depends only on the bytes of the
files it reads and on the code that reads them, so it is stored under a key made of exactly
that: the SHA-256 of each input file, of every source file of this package (a superset of the
validating code, so no import is missed), the versions of Python, pandas, numpy and pandera,
and what else the loader names (the countries the survey schema accepts). A change to any
of these gives another key, so a stored frame is never stale; an entry that is missing or
cannot be read is computed again, and a file that fails validation is never stored, so it
fails again on every load.

The store is used only where the environment variable ``SURVIVORS_PERSPECTIVES_FRAMES``
names a folder. ``make`` sets it to ``<build>/frames`` of the run, so frames made from real
data stay inside that run's build folder, and ``make clean`` removes them; a notebook opened
in JupyterLab validates as usual. Entries are pickles: point the variable only at a folder
this pipeline writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import platform
from collections.abc import Callable, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from survivors_perspectives.atomic_files import write_atomically
from survivors_perspectives.fingerprints import sha256

#: The environment variable naming the store's folder.
STORE_VARIABLE = "SURVIVORS_PERSPECTIVES_FRAMES"

_PACKAGE_DIR = Path(__file__).resolve().parent
_VERSIONED = ("pandas", "numpy", "pandera")


def store_dir() -> Path | None:
    """Return the store's folder, or ``None`` when the store is off."""
    value = os.environ.get(STORE_VARIABLE, "").strip()
    return Path(value) if value else None


@cache
def code_fingerprint() -> str:
    """Return a SHA-256 over this package's source files and the versions that shape a frame."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        digest.update(f"{path.relative_to(_PACKAGE_DIR).as_posix()} {sha256(path)}\n".encode())
    versions = [f"python={platform.python_version()}"]
    versions += [f"{name}={metadata.version(name)}" for name in _VERSIONED]
    digest.update(";".join(versions).encode())
    return digest.hexdigest()


def frame_key(kind: str, inputs: Sequence[Path | str], context: str = "") -> str:
    """Return the key of ``kind`` loaded from ``inputs``: files' bytes, code and versions.

    ``context`` is whatever else the loader's result depends on (the survey passes the
    countries its schema accepts, which a run may extend).

    Raises
    ------
    OSError
        When an input cannot be read (the caller's loader then reports it in its own words).
    """
    digest = hashlib.sha256(f"{kind}\n{code_fingerprint()}\n{context}".encode())
    for path in inputs:
        digest.update(sha256(path).encode())
    return digest.hexdigest()[:32]


def load_or_compute(
    kind: str,
    inputs: Sequence[Path | str],
    compute: Callable[[], pd.DataFrame],
    *,
    context: str = "",
) -> pd.DataFrame:
    """Return the stored frame of ``kind`` for ``inputs``, or ``compute()`` it and store it.

    ``compute`` is the loader itself (read, type, validate); its errors pass through, and
    nothing is stored for an input that fails. The store is an optimisation only: an entry
    that cannot be read, or written, never fails a load.
    """
    store = store_dir()
    if store is None:
        return compute()
    try:
        entry = store / f"{kind}-{frame_key(kind, inputs, context)}.pkl"
    except OSError:
        return compute()  # an unreadable input: let the loader say what is wrong
    try:
        with entry.open("rb") as handle:
            frame = pickle.load(handle)
        if isinstance(frame, pd.DataFrame):
            return frame
    except Exception:  # any unreadable entry is simply computed again
        pass
    frame = compute()
    # A read-only or full store costs the next load a validation, nothing more.
    with contextlib.suppress(OSError, pickle.PicklingError):
        write_atomically(entry, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    return frame
