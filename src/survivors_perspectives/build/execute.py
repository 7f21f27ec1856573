"""Execute a template notebook with papermill into the book, safely.

Papermill writes its output while it runs, so a failed run would leave a half-executed
notebook that make then treats as up to date. Here papermill keeps the notebook in memory (its
per-cell saves, two a cell with a full JSON-schema validation each, cost about a second per
chapter and nothing reads them); the result is checked for error outputs, made deterministic
and retitled, written to a temporary file beside the destination and only then moved into
place. Any failure leaves the previous good notebook untouched and exits non-zero with the
failing cell shown.

Usage::

    python -m survivors_perspectives.build.execute notebooks/country_findings.ipynb \
        book/countries/albania.ipynb --title Albania -p country Albania
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from survivors_perspectives import paths
from survivors_perspectives.atomic_files import write_atomically
from survivors_perspectives.disclosure import ledger

DEFAULT_KERNEL = "survivors-perspectives"
DEFAULT_TIMEOUT_SECONDS = 600

#: Tags that keep a cell out of the rendered page (Jupyter Book / myst-nb).
REMOVE_CELL = "remove-cell"

#: pandas Styler's default element ids: ``T_`` and five random hex digits.
_STYLER_ID = re.compile(r"\bT_([0-9a-f]{5})(?=[_\"'\s])")

_MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")

#: Metadata keys that hold wall-clock times; removed so two builds give identical files.
_TIMING_KEYS = ("start_time", "end_time", "duration", "exception")


class NotebookExecutionError(RuntimeError):
    """A notebook failed to execute or holds an error output."""


def execute_notebook(
    template: Path | str,
    output: Path | str,
    parameters: dict[str, object] | None = None,
    *,
    title: str | None = None,
    kernel: str = DEFAULT_KERNEL,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    log_dir: Path | str | None = None,
) -> Path:
    """Run ``template`` with ``parameters`` and write the executed notebook to ``output``.

    Parameters
    ----------
    template, output
        Source notebook and destination. The destination is replaced only on success.
    parameters
        Values injected by papermill; recorded in the notebook's metadata as provenance.
    title
        Replaces the text of the first Markdown ``# heading`` (Markdown is not
        parameterised, so every country page would otherwise carry the template's title).
    kernel
        Name of the Jupyter kernel registered inside the project's virtual environment.
    timeout
        Seconds a single cell may run before the run fails.
    log_dir
        Where papermill's progress log goes (one file per output notebook).

    Returns
    -------
    Path
        The destination path.

    Raises
    ------
    NotebookExecutionError
        When a cell raises, or the executed notebook holds an error output.
    """
    import papermill

    template, output = Path(template), Path(output)
    if not template.is_file():
        raise NotebookExecutionError(f"{template}: template notebook not found")
    log_handler = _attach_log(log_dir, output)
    # The kernel inherits this environment: it appends the page's disclosure ledger here.
    handle, ledger_path = tempfile.mkstemp(prefix="ledger-", suffix=".jsonl")
    os.close(handle)
    previous_ledger = os.environ.get(ledger.ENV)
    os.environ[ledger.ENV] = ledger_path
    try:
        try:
            notebook = papermill.execute_notebook(
                str(template),
                None,  # kept in memory: written once, below, after the checks
                parameters=parameters or {},
                request_save_on_cell_execute=False,
                kernel_name=kernel,
                cwd=str(paths.ROOT),
                execution_timeout=timeout,
                progress_bar=False,
                log_output=False,
                # Every cell has run by then; a graceful shutdown only waits on polling.
                shutdown_kernel="immediate",
            )
        except papermill.PapermillExecutionError as error:
            raise NotebookExecutionError(
                f"{template} failed in cell [{error.exec_count}]; {output} left unchanged\n"
                f"{error.ename}: {error.evalue}\n{_strip_ansi(chr(10).join(error.traceback))}"
            ) from None
        except (CellTimeoutError, DeadKernelError) as error:
            raise NotebookExecutionError(
                f"{template} stopped ({type(error).__name__}); {output} left unchanged\n"
                f"{_strip_ansi(str(error)).strip()}"
            ) from None
        entries = ledger.read_lines(ledger_path)
    finally:
        if previous_ledger is None:
            os.environ.pop(ledger.ENV, None)
        else:
            os.environ[ledger.ENV] = previous_ledger
        Path(ledger_path).unlink(missing_ok=True)
        if log_handler is not None:
            logging.getLogger("papermill").removeHandler(log_handler)
            log_handler.close()
    errors = find_error_outputs(notebook)
    if errors:
        raise NotebookExecutionError(f"{template}: error outputs in cells {errors}")
    notebook.metadata.setdefault("papermill", {}).update(
        input_path=str(template), output_path=str(output)
    )
    finalise_notebook(notebook, title=title)
    # The ledger travels with the page: a page not executed again keeps its own.
    notebook.metadata.setdefault("survivors_perspectives", {})[ledger.METADATA_KEY] = ledger.pack(
        entries
    )
    text = nbformat.writes(notebook)
    write_atomically(output, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
    return output


def find_error_outputs(notebook: nbformat.NotebookNode) -> list[int]:
    """Return the indices of code cells that hold an error output.

    With notebook execution off, Jupyter Book renders a stored traceback and exits 0, so the
    check has to happen here, before the book build.
    """
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and any(out.get("output_type") == "error" for out in cell.get("outputs", []))
    ]


def finalise_notebook(notebook: nbformat.NotebookNode, *, title: str | None = None) -> None:
    """Hide the parameter cells, set the page title and drop wall-clock metadata, in place."""
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and REMOVE_CELL not in tags:
            tags.append(REMOVE_CELL)
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill draws a random cell id
        if not tags:
            del cell.metadata["tags"]
        cell.metadata.pop("execution", None)
        for key in _TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            _stabilise_outputs(cell, index)
    for key in _TIMING_KEYS:
        notebook.metadata.get("papermill", {}).pop(key, None)
    # Papermill records absolute paths of where it ran; keep provenance relative to the repo.
    meta = notebook.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if key in meta:
            meta[key] = paths.relative_to_root(meta[key])
    if title is not None:
        retitle(notebook, title)


def retitle(notebook: nbformat.NotebookNode, title: str) -> None:
    """Replace the first Markdown level-1 heading with ``title``.

    A heading printed from code (``display(Markdown("# ..."))``) does not enter the book's
    navigation, so the template carries a real Markdown heading that is rewritten here.
    """
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        new, count = re.subn(r"^# .*$", f"# {title}", cell.source, count=1, flags=re.MULTILINE)
        if count:
            cell.source = new
            return
    raise NotebookExecutionError("notebook has no Markdown '# heading' to retitle")


def _stabilise_outputs(cell: nbformat.NotebookNode, index: int) -> None:
    """Remove what differs between two runs of the same notebook from a cell's outputs.

    A pandas Styler shown without ``uuid=`` draws a random element id on every render, and
    object reprs carry memory addresses. Styler ids are renumbered by cell and table (still
    unique within the page); addresses are dropped.
    """
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/plain" in data:  # reprs such as <Styler at 0x7f...> carry a memory address
            plain = data["text/plain"]
            plain = "".join(plain) if isinstance(plain, list) else plain
            data["text/plain"] = _MEMORY_ADDRESS.sub(">", plain)
        if "text/html" not in data:
            continue
        text = data["text/html"]
        text = "".join(text) if isinstance(text, list) else text
        found = list(dict.fromkeys(_STYLER_ID.findall(text)))
        for number, random_id in enumerate(found):
            text = re.sub(rf"\bT_{random_id}(?=[_\"'\s])", f"T_c{index}t{number}", text)
        data["text/html"] = text


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _attach_log(log_dir: Path | str | None, output: Path) -> logging.Handler | None:
    if log_dir is None:
        return None
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / f"{output.parent.name}-{output.stem}.log", mode="w")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("papermill")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return handler


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--title", help="text for the first '# heading'")
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="string parameter injected by papermill (repeatable)",
    )
    parser.add_argument("--kernel", default=DEFAULT_KERNEL)
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_SECONDS)
    parser.add_argument("--log-dir", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    args = _parse_args(argv)
    try:
        execute_notebook(
            args.template,
            args.output,
            dict(args.parameter),
            title=args.title,
            kernel=args.kernel,
            timeout=args.timeout,
            log_dir=args.log_dir,
        )
    except NotebookExecutionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"executed {paths.relative_to_root(args.template)} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
