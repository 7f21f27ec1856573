"""Write a file by rename, so a reader running beside the writer, or a failed run, never sees half.

Executed notebooks, stored validated frames and standalone reports are all build products
that make or another process may read while they are being replaced.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path | str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    On any failure ``path`` is left as it was and the temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(tmp).chmod(0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
