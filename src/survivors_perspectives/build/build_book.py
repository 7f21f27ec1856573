"""Build the book, its country reports and its derived tables, and swap them in together.

Sphinx writes pages as it goes, and the reports are written one by one, so building in place
would leave a half-updated book (new pages beside old reports) after a failure or a Ctrl-C.
Here one run is built, from scratch (``--all``: after a failed ``-W`` build an unchanged
rebuild would otherwise report success), into ``<build-dir>/releases/.staging-<pid>/``:

- ``html/``: Jupyter Book, with a footer naming the data on every page;
- ``reports/``: one standalone HTML report per country (``reports.export_reports``), made
  while Sphinx runs;
- ``derived/``: the derived tables the notebooks of this run read.

Then :func:`check_before_swap` runs on the whole staged release (anything fetched from the
network; any further whole-book check belongs there), and only then one rename swaps the
``<build-dir>/current`` symlink to the new release. ``<build-dir>/html``, ``reports`` and
``derived`` are fixed symlinks into ``current``, so readers always see one complete run. Any
failure exits non-zero and leaves the previous release byte-identical; the old release is
removed after the swap. Country notebooks not listed with ``--countries`` (countries that
left the data) are removed from the book's source first, so their chapters and reports go.
"""

from __future__ import annotations

import argparse
import html as html_text
import os
import re
import shutil
import subprocess
import sys
import time
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
    label = html_text.escape(data_label)
    html["extra_footer"] = f'{footer}<p class="data-provenance">Built from: {label}.</p>'
    # The copy is read from another folder: local Sphinx extensions stay the book's own.
    extensions = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in extensions.items():
        extensions[name] = str((source / folder).resolve())
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return target


#: The parts of a release, each reached through a fixed symlink ``<build-dir>/<part>``.
RELEASE_PARTS = ("html", "reports", "derived")


def remove_stale_countries(source: Path, keep: Sequence[str]) -> list[Path]:
    """Remove executed country notebooks whose slug is not in ``keep``; return them.

    The table of contents globs ``countries/*``, so a country that left the data would keep
    its chapter (and report) under a footer naming the new data.
    """
    stale = [p for p in sorted((source / "countries").glob("*.ipynb")) if p.stem not in keep]
    for path in stale:
        path.unlink()
    return stale


def _jupyter_book(source: Path, staging: Path, config: Path) -> subprocess.Popen:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book),
        "build",
        str(source),
        "--path-output",
        str(staging / "jb"),
        "--config",
        str(config),
        "--all",
        "-W",
        "-n",
        "--keep-going",
    ]
    return subprocess.Popen(command)


def _export_reports(executed_dir: Path, out: Path) -> None:
    from survivors_perspectives.build.reports import ReportError, export_reports

    try:
        export_reports(executed_dir, out)
    except ReportError as error:
        raise BookBuildError(f"country reports: {error}") from None


def audit_disclosure(source: Path, build_dir: Path) -> None:
    """Audit the whole book's disclosure ledger; raise naming every leak (book not swapped).

    The result is kept in ``<build-dir>/disclosure_audit.txt`` and printed to the build log.
    """
    from survivors_perspectives.disclosure.audit import DisclosureAuditError, audit_book

    try:
        result = audit_book(source, build_dir / "disclosure_audit.txt")
    except DisclosureAuditError as error:
        raise BookBuildError(
            f"{error}the previous book in {build_dir / 'html'} is unchanged"
        ) from None
    print(result.report(), end="")


def check_before_swap(release: Path) -> None:
    """Check a complete staged release before it replaces the book; raise to keep the old one.

    The one place where whole-book checks run: every page and report is final here, and
    nothing has been published yet.
    """
    remote = remote_resources(release / "html")
    if remote:
        listing = "; ".join(f"{page}: {', '.join(urls)}" for page, urls in remote.items())
        raise BookBuildError(f"pages load resources from the network: {listing}")


def _relink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` with one rename (a reader sees the old or the new)."""
    fresh = link.with_name(f".{link.name}.new")
    fresh.unlink(missing_ok=True)
    fresh.symlink_to(target)
    os.replace(fresh, link)


def _adopt_legacy(build_dir: Path, releases: Path) -> None:
    """Move a book built before releases existed (real folders) into a release of its own."""
    legacy = [build_dir / part for part in RELEASE_PARTS[:2]]
    legacy = [p for p in legacy if p.is_dir() and not p.is_symlink()]
    if not legacy or (build_dir / "current").is_symlink():
        return
    release = releases / "legacy"
    release.mkdir(parents=True, exist_ok=True)
    for path in legacy:
        path.rename(release / path.name)
    _relink(build_dir / "current", f"releases/{release.name}")


def swap_in(build_dir: Path, staged: Path) -> Path:
    """Make ``staged`` (inside ``build_dir/releases``) the current release; return it."""
    releases = build_dir / "releases"
    _adopt_legacy(build_dir, releases)
    previous = (build_dir / "current").resolve() if (build_dir / "current").is_symlink() else None
    release = releases / f"r{time.time_ns()}"
    staged.rename(release)
    _relink(build_dir / "current", f"releases/{release.name}")
    for part in RELEASE_PARTS:
        link = build_dir / part
        if not link.is_symlink():
            if link.is_dir():
                shutil.rmtree(link)  # an old, unreleased folder; the release holds its copy
            _relink(link, f"current/{part}")
    for old in releases.iterdir():
        if old.name != release.name and (old == previous or not old.name.startswith(".")):
            shutil.rmtree(old, ignore_errors=True)
    return release


def build_book(
    source: Path,
    build_dir: Path,
    data_files: tuple[Path, ...] = (),
    *,
    derived_dir: Path | None = None,
    countries: Sequence[str] | None = None,
) -> Path:
    """Build ``source`` (a Jupyter Book folder) and swap it into ``build_dir/html`` atomically.

    ``data_files`` are named, with their SHA-256, in the footer of every page. With
    ``countries`` (slugs), the standalone reports are made into ``build_dir/reports`` and
    country notebooks not listed are removed first; with ``derived_dir``, its tables are
    published in ``build_dir/derived``. Returns the ``html`` folder.
    """
    releases = build_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    for leftover in releases.glob(".staging-*"):  # an interrupted run's (the lock is ours)
        shutil.rmtree(leftover, ignore_errors=True)
    staging = releases / f".staging-{os.getpid()}"
    staging.mkdir()
    try:
        if countries is not None:
            remove_stale_countries(source, countries)
        label = describe_data(data_files) if data_files else "no data files"
        config = _config_with_provenance(source, label, staging / "_config.yml")
        book = _jupyter_book(source, staging, config)
        try:
            if countries:
                _export_reports(source / "countries", staging / "reports")
        except BaseException:
            book.terminate()
            raise
        finally:
            returncode = book.wait()
        built = staging / "jb" / "_build" / "html"
        if returncode != 0 or not (built / "index.html").is_file():
            raise BookBuildError(
                f"jupyter-book build failed (exit {returncode}); "
                f"the previous book in {build_dir / 'html'} is unchanged"
            )
        built.rename(staging / "html")
        shutil.rmtree(staging / "jb")
        (staging / "_config.yml").unlink()
        (staging / "reports").mkdir(exist_ok=True)
        # The published html/ folder holds the reports too, so the chapters' links to
        # ../reports/<slug>.html work when only html/ is put online.
        shutil.copytree(staging / "reports", staging / "html" / "reports")
        (staging / "derived").mkdir()
        if derived_dir is not None and derived_dir.is_dir():
            for table in sorted(derived_dir.glob("*.csv")):
                shutil.copy2(table, staging / "derived" / table.name)
        check_before_swap(staging)
        audit_disclosure(source, build_dir)
        swap_in(build_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return build_dir / "html"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the book folder (with _config.yml)")
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--survey", type=Path, help="survey file named in every page's footer")
    parser.add_argument("--conversations", type=Path, help="conversations file, likewise")
    parser.add_argument("--derived", type=Path, help="derived tables to publish with the book")
    parser.add_argument(
        "--countries", nargs="*", help="slugs of the countries in the data (reports are made)"
    )
    args = parser.parse_args(argv)
    data_files = tuple(p for p in (args.survey, args.conversations) if p is not None)
    try:
        target = build_book(
            args.source,
            args.build_dir,
            data_files,
            derived_dir=args.derived,
            countries=args.countries,
        )
    except BookBuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"book built: {target / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
