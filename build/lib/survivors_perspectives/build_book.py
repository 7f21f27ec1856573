"""Build the Jupyter Book into a staging folder and swap it in only on success.

Sphinx writes pages as it goes, so a failed build in place would leave a half-updated book
where the last good one was. Here the book is built from scratch (``--all``: after a failed
``-W`` build an unchanged rebuild would otherwise report success) into
``<build-dir>/.staging``, checked for anything fetched from the network, and then moved to
``<build-dir>/html`` with a rename. Any failure exits non-zero and leaves the previous
``html`` folder byte-identical.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from survivors_perspectives.fingerprints import describe_data

#: Attributes that make a browser fetch something when the page loads.
_REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["'](?P<src>(?:https?:)?//[^"']+)"""
    r"""|<link\b[^>]*\bhref=["'](?P<href>(?:https?:)?//[^"']+)["'][^>]*>""",
    re.IGNORECASE,
)


class BookBuildError(RuntimeError):
    """The book did not build cleanly; the previous book is left in place."""


def remote_resources(html_dir: Path) -> dict[str, list[str]]:
    """Return, per page, the URLs a browser would fetch from the network on load.

    Hyperlinks (``<a href>``) are fine offline; scripts, stylesheets, fonts and images are
    not. ``<link rel="canonical">``-style metadata links are ignored.
    """
    found: dict[str, list[str]] = {}
    for page in sorted(html_dir.rglob("*.html")):
        urls = []
        for match in _REMOTE_LOAD.finditer(page.read_text(encoding="utf-8", errors="replace")):
            if match["href"] and re.search(r"rel=[\"'](canonical|author|license)", match[0]):
                continue
            urls.append(match["src"] or match["href"])
        if urls:
            found[page.relative_to(html_dir).as_posix()] = urls
    return found


def _config_with_provenance(source: Path, data_label: str, target: Path) -> Path:
    """Write the book's configuration with a footer naming the data, for every page."""
    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
    html = config.setdefault("html", {})
    footer = html.get("extra_footer", "")
    html["extra_footer"] = f'{footer}<p class="data-provenance">Built from: {data_label}.</p>'
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return target


def build_book(source: Path, build_dir: Path, data_files: tuple[Path, ...] = ()) -> Path:
    """Build ``source`` (a Jupyter Book folder) into ``build_dir/html`` atomically.

    ``data_files`` are named, with their SHA-256, in the footer of every page.
    """
    staging = build_dir / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    label = describe_data(data_files) if data_files else "no data files"
    config = _config_with_provenance(source, label, staging / "_config.yml")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book),
        "build",
        str(source),
        "--path-output",
        str(staging),
        "--config",
        str(config),
        "--all",
        "-W",
        "-n",
        "--keep-going",
    ]
    result = subprocess.run(command, check=False)
    built = staging / "_build" / "html"
    if result.returncode != 0 or not (built / "index.html").is_file():
        raise BookBuildError(
            f"jupyter-book build failed (exit {result.returncode}); "
            f"the previous book in {build_dir / 'html'} is unchanged"
        )
    remote = remote_resources(built)
    if remote:
        listing = "; ".join(f"{page}: {', '.join(urls)}" for page, urls in remote.items())
        raise BookBuildError(f"pages load resources from the network: {listing}")
    target = build_dir / "html"
    previous = build_dir / ".previous-html"
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    built.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the book folder (with _config.yml)")
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--survey", type=Path, help="survey file named in every page's footer")
    parser.add_argument("--conversations", type=Path, help="conversations file, likewise")
    args = parser.parse_args(argv)
    data_files = tuple(p for p in (args.survey, args.conversations) if p is not None)
    try:
        target = build_book(args.source, args.build_dir, data_files)
    except BookBuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"book built: {target / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
