"""Small notebooks written on the fly for the runner's tests."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import v4

KERNELSPEC = {
    "name": "survivors-perspectives",
    "display_name": "Python (survivors-perspectives)",
    "language": "python",
}


def write_notebook(path: Path, *code: str, heading: str = "# Template title") -> Path:
    """Write a notebook with a heading, a `parameters` cell and the given code cells."""
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [
        v4.new_markdown_cell(f"{heading}\n\nIntroductory text."),
        v4.new_code_cell('country = "Albania"', metadata={"tags": ["parameters"]}),
        *(v4.new_code_cell(source) for source in code),
    ]
    nbformat.write(notebook, path)
    return path
