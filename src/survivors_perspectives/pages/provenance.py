"""Provenance on the page: which function made a figure or table, from which data file.

An auditor who sees a number in the book should not have to guess where it came from. As
showyourwork does for papers, every figure and table can carry a short line such as

    Made by ``survivors_perspectives.stats.chi2_independence`` from
    ``data/synthetic/frontline_survey.csv`` (sha256 1a2b3c4d5e6f…)

naming the package function (a dotted path the auditor can open) and each input file with
the start of its SHA-256, so a reader can check that the page was built from the file they
hold. The line is deterministic: no timestamps, paths relative to the repository root, and
the same inputs always give the same bytes.

The HTML form carries the same facts as ``data-`` attributes (``data-function``,
``data-files``, ``data-sha256``), so the book's tests can follow the trace from a built page
back to the data without parsing prose.

Usage in a notebook::

    from survivors_perspectives import stats
    from survivors_perspectives.pages import provenance
    result = stats.chi2_independence(survey, "country", "gender")
    provenance.line(stats.chi2_independence, survey_path)        # shows the caption line
    provenance.attach(table, tables.count_table, survey_path)    # table + its caption line
    provenance.attach(frame, course.composition, survey_path,    # a frame, captioned
                      caption="Respondents by country", numbering=numbering)
"""

from __future__ import annotations

import argparse
import html
import importlib
import inspect
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from survivors_perspectives import paths
from survivors_perspectives.fingerprints import sha256

#: Hex digits of the SHA-256 shown on the page; the full digest is in ``data-sha256``.
SHORT_HASH = 12
#: Package whose functions a provenance line may name.
PACKAGE = "survivors_perspectives"
#: CSS class of the HTML line (a book stylesheet or a test can find it by this class).
CSS_CLASS = "sp-provenance"


class ProvenanceError(ValueError):
    """A provenance line that would point nowhere (a missing file, a foreign function)."""


@lru_cache(maxsize=64)
def _digest(resolved: str, size: int, mtime_ns: int) -> str:
    """Return the SHA-256 of a file; cached on path, size and modification time."""
    return sha256(resolved)


def file_sha256(path: Path | str) -> str:
    """Return the hex SHA-256 of a data file.

    Large CSVs are hashed once per build: the digest is cached on the file's path, size and
    modification time, so a changed file is hashed again.

    Raises
    ------
    ProvenanceError
        When ``path`` is not a file, naming the path.
    """
    file = Path(path)
    if not file.is_file():
        raise ProvenanceError(f"provenance: data file {file} does not exist (expected a file)")
    stat = file.stat()
    return _digest(str(file.resolve()), stat.st_size, stat.st_mtime_ns)


def function_name(func: Callable | str) -> str:
    """Return the dotted name of a package function, e.g. ``survivors_perspectives.stats.f``.

    A string is accepted as it is, provided it names something inside the package: a
    provenance line must point at code an auditor can open in this repository.

    Raises
    ------
    ProvenanceError
        When the function (or the string) is not part of the package.
    """
    if isinstance(func, str):
        name = func
    else:
        module = inspect.getmodule(func)
        qualname = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
        if module is None or qualname is None:
            raise ProvenanceError(
                f"provenance: cannot name {func!r}; expected a function of {PACKAGE}"
            )
        name = f"{module.__name__}.{qualname}"
    if not (name == PACKAGE or name.startswith(f"{PACKAGE}.")):
        raise ProvenanceError(
            f"provenance: function {name!r} is not part of {PACKAGE}; expected a dotted "
            f"name starting with '{PACKAGE}.'"
        )
    return name


@dataclass(frozen=True)
class Provenance:
    """Which package function made an output, from which files (with their SHA-256).

    Attributes
    ----------
    function : str
        Dotted name of the function, e.g. ``survivors_perspectives.stats.anova_oneway``.
    files : tuple of (str, str)
        ``(path relative to the repository root, full hex SHA-256)`` per input file, in the
        order given.
    """

    function: str
    files: tuple[tuple[str, str], ...]

    def text(self) -> str:
        """Return the caption line as plain text (with Markdown code marks)."""
        sources = ", ".join(f"`{path}` (sha256 {sha[:SHORT_HASH]}…)" for path, sha in self.files)
        return f"Made by `{self.function}` from {sources}."

    def html(self) -> str:
        """Return the caption line as one HTML paragraph carrying the facts as attributes."""
        sources = ", ".join(
            f"<code>{html.escape(path)}</code> (sha256 {sha[:SHORT_HASH]}…)"
            for path, sha in self.files
        )
        attributes = (
            f'class="{CSS_CLASS}" data-function="{html.escape(self.function)}" '
            f'data-files="{html.escape(" ".join(p for p, _ in self.files))}" '
            f'data-sha256="{" ".join(s for _, s in self.files)}"'
        )
        return (
            f"<p {attributes}><small>Made by <code>{html.escape(self.function)}</code> "
            f"from {sources}.</small></p>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_markdown_(self) -> str:
        return self.text()

    def __str__(self) -> str:
        return self.text()


def line(func: Callable | str, *files: Path | str) -> Provenance:
    """Return the provenance of an output made by ``func`` from ``files``.

    Parameters
    ----------
    func
        The package function that computed the figure or table (or its dotted name).
    *files
        Every data file the output depends on, e.g. the survey CSV and the reference table.

    Raises
    ------
    ProvenanceError
        When no file is given, a file is missing, or ``func`` is not a package function.
    """
    if not files:
        raise ProvenanceError("provenance: give at least one data file the output was made from")
    recorded = tuple((paths.relative_to_root(f), file_sha256(f)) for f in files)
    return Provenance(function=function_name(func), files=recorded)


@dataclass(frozen=True)
class Sourced:
    """A figure, table or frame shown together with its provenance line underneath."""

    output: object
    provenance: Provenance

    def _repr_html_(self) -> str:
        if hasattr(self.output, "_repr_html_"):
            body = self.output._repr_html_()
        elif hasattr(self.output, "to_html"):
            body = self.output.to_html()
        else:
            body = f"<pre>{html.escape(str(self.output))}</pre>"
        return f"{body}{self.provenance.html()}"

    def __repr__(self) -> str:
        return f"{self.output!r}\n{self.provenance.text()}"


def attach(
    output: object,
    func: Callable | str,
    *files: Path | str,
    caption: str | None = None,
    numbering=None,
) -> Sourced:
    """Return ``output`` wrapped so it displays with its caption and provenance line.

    Works with anything that renders as HTML in a notebook: the package's ``Table`` and
    ``Figure`` objects (which carry their own caption), pandas frames and stylers.

    Parameters
    ----------
    output
        The figure or table to show.
    func, files
        As for :func:`line`.
    caption
        For an output without a caption of its own (a pandas frame, series or styler): what
        it shows. The frame is then shown as a captioned table
        (:func:`survivors_perspectives.pages.tables.frame_table`).
    numbering
        The chapter's :class:`survivors_perspectives.pages.plots.Numbering`: the output takes the
        next figure or table number, so its caption reads "Figure 2: ..." or "Table 3: ...".

    Raises
    ------
    ProvenanceError
        As :func:`line`; and when ``numbering`` is given for an output that has no caption.
    """
    from survivors_perspectives.pages import plots, tables

    shown = tables.frame_table(output, caption=caption) if caption is not None else output
    if numbering is not None:
        if not hasattr(shown, "number"):
            raise ProvenanceError(
                f"provenance: cannot number a {type(output).__name__} without a caption; "
                "give caption='...'"
            )
        is_figure = isinstance(shown, plots.Figure)
        shown.number = numbering.next_figure() if is_figure else numbering.next_table()
    return Sourced(shown, line(func, *files))


def source_location(func: Callable | str) -> str:
    """Return where a package function is defined, as ``path:line`` from the repository root.

    The auditor's second step: from the dotted name on the page to the line to read.
    """
    name = function_name(func)
    if isinstance(func, str):
        module_name, _, attribute = name.rpartition(".")
        try:
            func = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError, ValueError) as error:
            raise ProvenanceError(f"provenance: cannot find {name!r} ({error})") from None
    target = inspect.unwrap(func)
    file = inspect.getsourcefile(target)
    _, line_number = inspect.getsourcelines(target)
    return f"{paths.relative_to_root(file)}:{line_number}"


def manifest(*files: Path | str) -> list[dict[str, object]]:
    """Return path (from the repository root), size in bytes and full SHA-256 of each file.

    The list an auditor compares with ``sha256sum`` on their own copy; in file order given.
    """
    return [
        {
            "file": paths.relative_to_root(file),
            "bytes": Path(file).stat().st_size,
            "sha256": file_sha256(file),
        }
        for file in files
    ]


def find_calls(
    func: Callable | str, notebooks: Path | str | None = None
) -> list[dict[str, object]]:
    """Return every notebook cell that calls ``func``: the auditor's first step back.

    Cells are numbered from 1 in the order Jupyter shows them (Markdown cells included), so
    "cell 7" is the seventh cell of the source notebook under ``notebooks/`` opened in
    JupyterLab. (The executed copy under ``book/`` has one more cell, the parameters papermill
    injected, right after the ``parameters`` cell.) A call is the function's short name
    followed by ``(``, with or without a module prefix (``stats.chi2_independence(`` and
    ``chi2_independence(`` both count).

    Returns
    -------
    list of dict
        ``notebook`` (path from the repository root), ``cell`` and ``line`` (within the cell).
    """
    short = function_name(func).rsplit(".", 1)[1]
    pattern = re.compile(rf"(?<![\w]){re.escape(short)}\s*\(")
    root = Path(notebooks) if notebooks is not None else paths.NOTEBOOKS
    found = []
    for notebook in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        for number, cell in enumerate(cells, start=1):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            for line_number, text_line in enumerate(text.splitlines(), start=1):
                if pattern.search(text_line):
                    found.append(
                        {
                            "notebook": paths.relative_to_root(notebook),
                            "cell": number,
                            "line": line_number,
                        }
                    )
    return found


def published_test_trace(reference) -> list[dict[str, object]]:
    """Map each of the report's tests to the function, columns and respondents that redo it.

    One entry per test in ``published.significance_tests.PUBLISHED_TESTS``, joined to its row of
    the reference table for the published numbers and the place in the report (``source``).

    Raises
    ------
    ProvenanceError
        When a published test has no row in ``reference`` (the map would point nowhere).
    """
    from survivors_perspectives import stats
    from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS
    from survivors_perspectives.survey.schema import ASKED_IF_TEXT

    rows = reference.set_index("id")
    trace = []
    for test in PUBLISHED_TESTS:
        if test.id not in rows.index:
            raise ProvenanceError(
                f"provenance: published test {test.id!r} has no row in the reference table"
            )
        row = rows.loc[test.id]
        func = stats.chi2_independence if test.kind == "chi2_independence" else stats.anova_oneway
        respondents = (
            "every respondent once per child gender (boys, girls)"
            if test.stack
            else ASKED_IF_TEXT[test.subset]
        )
        trace.append(
            {
                "id": test.id,
                "function": function_name(func),
                "columns": " x ".join(test.variables),
                "respondents": respondents,
                "published": f"{row['statistic']} (df {row['df']}, p {row['p_reported']})",
                "source": row["source"],
            }
        )
    return trace


def main(argv: list[str] | None = None) -> int:
    """Print where a function is defined and which notebook cells call it.

    ``python -m survivors_perspectives.pages.provenance survivors_perspectives.stats.anova_oneway``
    """
    parser = argparse.ArgumentParser(
        prog="python -m survivors_perspectives.pages.provenance",
        description="Trace a package function to its definition and the notebook cells using it.",
    )
    parser.add_argument("function", help="dotted name, e.g. survivors_perspectives.stats.f")
    parser.add_argument("--hash", nargs="*", default=[], metavar="FILE", help="files to hash")
    args = parser.parse_args(argv)
    try:
        print(f"defined at {source_location(args.function)}")
        for call in find_calls(args.function):
            print(f"called in {call['notebook']}, cell {call['cell']}, line {call['line']}")
        for entry in manifest(*args.hash):
            print(f"{entry['sha256']}  {entry['file']}")
    except ProvenanceError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
