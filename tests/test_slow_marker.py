"""The `slow` marker keeps its promise: every test that builds, derives or runs a notebook has it.

``pytest -m "not slow"`` is the quick loop while developing; ``make test`` runs everything.
A test is slow when it (or a fixture or helper of its module it uses) builds a book with
make, computes the derived tables (``derive.build``), runs one of the project's notebooks, or
runs generator replicates on a cluster. This file finds those tests by reading the test
modules and fails naming any that lacks the marker.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

TESTS = Path(__file__).parent
#: Calls that build, derive or execute, by the name called (``derive.build`` -> ``build`` on
#: ``derive``).
MAKE_CALLS = {"run_make", "make_command", "_start_make", "_make"}
NOTEBOOK_CALLS = {"NotebookClient"}


def _called(node: ast.Call) -> tuple[str, str]:
    """(object, name) of a call: ("derive", "build"), ("", "run_make")."""
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return owner, func.attr
    return "", func.id if isinstance(func, ast.Name) else ""


def _is_slow_call(node: ast.Call) -> bool:
    owner, name = _called(node)
    words = {a.value for a in node.args if isinstance(a, ast.Constant)}
    if name in MAKE_CALLS and words & {"book", "wheelhouse"}:
        return True
    if (owner, name) in {("derive", "build"), ("robustness", "run_replicates")}:
        return owner == "derive" or any(
            k.arg == "scheduler" for k in node.keywords
        )  # replicates are quick unless a cluster is started
    if name in NOTEBOOK_CALLS:
        return True
    return name == "execute_notebook" and "NOTEBOOKS" in ast.dump(node.args[0])


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _slow_functions(functions: dict[str, ast.FunctionDef], known: set[str]) -> set[str]:
    """Functions that make a slow call, call a slow helper or take a slow fixture."""
    slow = set(known)
    changed = True
    while changed:
        changed = False
        for name, function in functions.items():
            if name in slow:
                continue
            calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
            params = {a.arg for a in function.args.args}
            if (
                any(_is_slow_call(c) for c in calls)
                or any(_called(c)[1] in slow and not _called(c)[0] for c in calls)
                or params & slow
            ):
                slow.add(name)
                changed = True
    return slow


def _marked_slow(decorators: list[ast.expr]) -> bool:
    return any(ast.unparse(d) == "pytest.mark.slow" for d in decorators)


def _unmarked_slow_tests() -> list[str]:
    shared = _slow_functions(
        _functions(ast.parse((TESTS / "data_mode_build.py").read_text())), set()
    )
    missing = []
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_marked = any(
            isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
            and "pytest.mark.slow" in ast.unparse(n.value)
            for n in tree.body
        )
        functions = _functions(tree)
        for name in sorted(_slow_functions(functions, shared)):
            function = functions.get(name)
            if function is None or not name.startswith("test_"):
                continue
            if not (module_marked or _marked_slow(function.decorator_list)):
                missing.append(f"{path.name}::{name}")
    return missing


def test_every_test_that_builds_derives_or_runs_a_notebook_is_marked_slow():
    assert _unmarked_slow_tests() == []


def test_the_finder_sees_an_unmarked_build(tmp_path, monkeypatch):
    """The check itself can fail: an unmarked test that derives the tables is named."""
    (tmp_path / "data_mode_build.py").write_text(
        "def first_build():\n    return run_make('book')\n"
    )
    (tmp_path / "test_fake.py").write_text(
        "import pytest\n\n"
        "def helper(path):\n    derive.build(path, None, None, seeds=0)\n\n"
        "def test_a(tmp_path):\n    helper(tmp_path)\n\n"
        "@pytest.mark.slow\ndef test_b(tmp_path):\n    helper(tmp_path)\n\n"
        "def test_c(first_build):\n    assert first_build\n\n"
        "def test_d():\n    execute_notebook(paths.NOTEBOOKS / 'x.ipynb', 'out')\n\n"
        "def test_e():\n    execute_notebook(tmp / 'x.ipynb', 'out')\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "TESTS", tmp_path)
    assert _unmarked_slow_tests() == [
        "test_fake.py::test_a",
        "test_fake.py::test_c",
        "test_fake.py::test_d",
    ]
