"""Which package modules each notebook uses, written as make prerequisites.

Making every notebook depend on every module of the package would re-execute the whole book
when one module changes. Instead, the imports of each notebook's code cells are followed
through the package (statically, with :mod:`ast`, so nothing is imported) and make is told
exactly which source files each executed notebook depends on. Imports inside functions count;
``importlib`` calls with computed names do not, so the package avoids them for analysis code.

``python -m survivors_perspectives.notebook_deps --book-src book`` prints the include file.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

from survivors_perspectives import paths

PACKAGE = "survivors_perspectives"
SRC = paths.ROOT / "src"
#: Every executed notebook also depends on the runner that made it.
RUNNER = ("survivors_perspectives.build.execute",)
#: The module each make step runs, by the include file's variable: the step depends on it
#: and on everything it imports.
MAKE_STEPS: dict[str, str] = {
    "DERIVE_DEPS": "survivors_perspectives.build.derive",
    "REPORT_DEPS": "survivors_perspectives.build.reports",
    "BOOK_BUILD_DEPS": "survivors_perspectives.build.build_book",
}


class UnknownModuleError(ValueError):
    """A module named as a dependency root is not in the package (a stale name after a move)."""


def module_file(name: str) -> Path | None:
    """Return the source file of a package module: ``src/a/b.py`` or ``src/a/b/__init__.py``."""
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, current: str | None = None, is_package: bool = False) -> set[str]:
    """Return the package modules a piece of code imports.

    ``from x import y`` counts ``x.y`` when ``y`` is a module. ``current`` is the importing
    module's dotted name, for relative imports.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if current is None:
                    continue
                package = current.split(".")
                package = package if is_package else package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base]) if base else ".".join(package)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                found.add(name)
    return {name for name in found if module_file(name) is not None}


def _with_parents(name: str) -> list[str]:
    """Return ``a``, ``a.b``, ``a.b.c``: importing ``a.b.c`` runs all three."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def module_closure(modules: Iterable[str]) -> list[Path]:
    """Return the source files of ``modules`` and of everything they import, sorted.

    A name that is no module of the package raises :class:`UnknownModuleError`: followed
    silently, it would leave only its parent packages' ``__init__`` files, and make would
    stop rebuilding what depends on the module.
    """
    modules = list(modules)
    missing = sorted(name for name in modules if module_file(name) is None)
    if missing:
        raise UnknownModuleError(f"not a module of the package: {', '.join(missing)}")
    seen: set[str] = set()
    todo = [parent for name in modules for parent in _with_parents(name)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is None:
            continue
        is_package = path.name == "__init__.py"
        for imported in imported_modules(path.read_text(encoding="utf-8"), name, is_package):
            todo.extend(_with_parents(imported))
    files = {module_file(name) for name in seen} - {None}
    return sorted(files)


def notebook_modules(notebook: Path) -> set[str]:
    """Return the package modules a notebook's code cells import (IPython magics skipped)."""
    cells = nbformat.read(notebook, as_version=4).cells
    code = "\n".join(
        "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for cell in cells
        if cell.cell_type == "code"
    )
    return imported_modules(code) | set(RUNNER)


def reads_derived(notebook: Path) -> bool:
    """Return whether a notebook reads the derived tables (uses ``derived_dir`` in code).

    Only those notebooks wait for, and re-execute after, the derived tables; the parameters
    cell, which every notebook has, does not count.
    """
    return any(
        cell.cell_type == "code"
        and "parameters" not in cell.metadata.get("tags", [])
        and "derived_dir" in cell.source
        for cell in nbformat.read(notebook, as_version=4).cells
    )


def _relative(files: Iterable[Path]) -> str:
    return " ".join(sorted(paths.relative_to_root(f) for f in files))


def makefile_include(
    book_src: str, derived: Sequence[str] = (), notebooks_dir: Path = paths.NOTEBOOKS
) -> str:
    """Return make rules giving each executed notebook its package prerequisites.

    ``derived`` names the derived tables, added as prerequisites of the notebooks that read
    them.
    """
    lines = ["# Generated by survivors_perspectives.notebook_deps; do not edit."]
    template = notebooks_dir / "country_findings.ipynb"
    if template.is_file():
        deps = _relative(module_closure(notebook_modules(template)))
        lines.append(f"COUNTRY_DEPS := {deps}")
    for notebook in sorted(notebooks_dir.glob("*/*.ipynb")):
        target = f"{book_src}/{notebook.relative_to(notebooks_dir).as_posix()}"
        deps = _relative(module_closure(notebook_modules(notebook)))
        if reads_derived(notebook):
            deps = " ".join([deps, *derived])
        lines.append(f"{target}: {deps}")
    for variable, module in MAKE_STEPS.items():
        lines.append(f"{variable} := {_relative(module_closure([module]))}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the make include file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book-src", default="book", help="folder the notebooks execute into")
    parser.add_argument("--derived", nargs="*", default=[], help="the derived table files")
    args = parser.parse_args(argv)
    sys.stdout.write(makefile_include(args.book_src, args.derived))
    return 0


if __name__ == "__main__":
    sys.exit(main())
