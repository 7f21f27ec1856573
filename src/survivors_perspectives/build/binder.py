"""The Binder launch link, from the repository address kept in ``CITATION.cff``.

Students without a Python installation open the course on Binder: repo2docker builds an image
from ``binder/`` (the locked packages, the project's kernel, the derived tables made at build
time) and JupyterLab opens on the course folder. The link names the repository, so it exists
only once the compendium has a public address: set ``repository-code`` in ``CITATION.cff``
(the one place it is kept) and ``python -m survivors_perspectives.build.binder`` prints it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from survivors_perspectives import paths

BINDERHUB = "https://mybinder.org"
#: Where JupyterLab opens: the course's notebooks.
OPEN_AT = "notebooks/course"
_HOSTED = re.compile(
    r"^https://(?P<host>github\.com|gitlab\.com)/(?P<repo>[^/\s]+/[^/\s]+?)(?:\.git)?/?$"
)


class BinderError(ValueError):
    """No link can be made; the message says what to set."""


def launch_url(repository: str, *, ref: str = "HEAD", open_at: str = OPEN_AT) -> str:
    """Return the mybinder.org address that opens ``open_at`` of ``repository`` in JupyterLab.

    GitHub and GitLab addresses get their short forms; any other ``https`` git address goes
    through Binder's generic ``git`` provider.
    """
    urlpath = quote(f"lab/tree/{open_at}", safe="")
    if match := _HOSTED.match(repository.strip()):
        provider = "gh" if match["host"] == "github.com" else "gl"
        repo = match["repo"] if provider == "gh" else quote(match["repo"], safe="")
        return f"{BINDERHUB}/v2/{provider}/{repo}/{ref}?urlpath={urlpath}"
    if repository.startswith("https://"):
        return f"{BINDERHUB}/v2/git/{quote(repository, safe='')}/{ref}?urlpath={urlpath}"
    raise BinderError(f"repository-code {repository!r}: expected an https:// git address")


def repository_from_cff(path: Path | str = paths.ROOT / "CITATION.cff") -> str:
    """Return ``repository-code`` from ``CITATION.cff``, or raise saying it is not set."""
    import yaml

    cff = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    address = cff.get("repository-code")
    if not address:
        raise BinderError(
            f"{path}: no repository-code; add the repository's public address there "
            "(e.g. repository-code: https://github.com/<owner>/<name>) to get a Binder link"
        )
    return str(address)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the launch link, or one line saying why there is none (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", help="address to use instead of CITATION.cff's")
    parser.add_argument("--ref", default="HEAD", help="branch, tag or commit (default HEAD)")
    args = parser.parse_args(argv)
    try:
        repository = args.repository or repository_from_cff()
        print(launch_url(repository, ref=args.ref))
    except BinderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
