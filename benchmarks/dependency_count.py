"""How many packages does running the compendium take, against everything the lock pins?

Issue 18 asks for the dependency count and the venv size before and after the leaner
dependencies. ``requirements.lock`` pins every package of every extra (test, cluster, dev),
so its length overstates what a data holder must install to run the pipeline. This script
resolves the runtime set, the closure of ``[project] dependencies`` of ``pyproject.toml``,
two ways that must agree:

- through the installed metadata (``importlib.metadata``: each distribution's
  ``Requires-Dist``, markers evaluated for this interpreter, requested extras followed), the
  packages a ``pip install .`` actually pulls in here;
- through the lock's own ``# via`` annotations (a pin is runtime when something runtime
  requires it), which needs no installed packages and so also measures an earlier commit
  (``--before REV`` reads that commit's ``pyproject.toml`` and ``requirements.lock`` with
  ``git show``).

It prints the counts of each set (runtime, each extra on top of it, the whole lock) and the
size of the virtual environment in MB (file sizes summed, symlinks not followed).

Run: ``.venv/bin/python benchmarks/dependency_count.py [--venv .venv] [--before REV]``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "survivors-perspectives"


def project_table(text: str) -> dict:
    """Return the ``[project]`` table of a pyproject text."""
    return tomllib.loads(text)["project"]


def _applies(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    envs = [{**default_environment(), "extra": e} for e in extras or {""}]
    return any(req.marker.evaluate(env) for env in envs)


def installed_closure(roots: list[str]) -> dict[str, set[str]]:
    """Return the canonical names reached from ``roots`` through installed metadata.

    Each name maps to the names of the distributions that require it (``PROJECT`` for a
    root), so a package the lock leaves out can be traced to what pulls it in.

    Raises
    ------
    SystemExit
        When a required distribution is not installed (the venv is not the lock's).
    """
    seen: dict[str, set[str]] = {}
    required_by: dict[str, set[str]] = {}
    todo = [(Requirement(r), PROJECT) for r in roots]
    while todo:
        req, parent = todo.pop()
        name = canonicalize_name(req.name)
        required_by.setdefault(name, set()).add(parent)
        extras = set(req.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen.setdefault(name, set()).update(extras)
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            sys.exit(f"{req.name}: required by the runtime set but not installed in {sys.prefix}")
        for text in requires:
            sub = Requirement(text)
            if _applies(sub, seen[name]):
                todo.append((sub, name))
    return required_by


def installed_megabytes(names: set[str]) -> float:
    """Return the size in MB of the files the installed distributions ``names`` recorded."""
    total = 0
    for name in names:
        for file in metadata.distribution(name).files or []:
            path = Path(file.locate())
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total / 1e6


def lock_graph(lock_text: str) -> dict[str, set[str]]:
    """Return ``pin -> names it is required by``, read from the lock's ``# via`` comments."""
    parents: dict[str, set[str]] = {}
    current = None
    in_via = False
    for line in lock_text.splitlines():
        pin = re.match(r"^([A-Za-z0-9_.\-]+)==", line)
        if pin:
            current = canonicalize_name(pin[1])
            parents[current] = set()
            in_via = False
            continue
        via = re.match(r"^\s+# via\s*(.*)$", line)
        if via and current:
            in_via = True
            if via[1]:
                parents[current].add(via[1])
            continue
        more = re.match(r"^\s+#\s{3}(.+)$", line)
        if more and current and in_via:
            parents[current].add(more[1].strip())
    return {
        name: {PROJECT if p.startswith(PROJECT) else canonicalize_name(p.split()[0]) for p in ps}
        for name, ps in parents.items()
    }


def lock_closure(roots: list[str], graph: dict[str, set[str]]) -> set[str]:
    """Return the pins reached from ``roots``: a pin is in when one of its parents is."""
    reached = {canonicalize_name(Requirement(r).name) for r in roots} & set(graph)
    changed = True
    while changed:
        changed = False
        for name, parents in graph.items():
            if name not in reached and parents & reached:
                reached.add(name)
                changed = True
    return reached


def venv_megabytes(venv: Path) -> float:
    """Return the summed size of the files under ``venv`` in MB (10^6 bytes)."""
    total = 0
    for folder, _, files in os.walk(venv):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
    return total / 1e6


def counts(pyproject_text: str, lock_text: str, label: str, installed: bool) -> None:
    """Print the runtime, per-extra and whole-lock counts of one pyproject and lock."""
    project = project_table(pyproject_text)
    runtime = list(project["dependencies"])
    graph = lock_graph(lock_text)
    by_lock = lock_closure(runtime, graph)
    print(f"{label}: {len(graph)} pins in requirements.lock")
    print(f"  runtime (from [project] dependencies, {len(runtime)} direct):")
    print(f"    through the lock's '# via' graph: {len(by_lock)} packages")
    if installed:
        required_by = installed_closure(runtime)
        by_meta = set(required_by) - {canonicalize_name(PROJECT)}
        print(f"    through installed metadata:      {len(by_meta)} packages")
        for name in sorted(by_meta - by_lock):
            print(f"    not pinned by the lock: {name} (required by {sorted(required_by[name])})")
        for name in sorted(by_lock - by_meta):
            print(f"    pinned but not required by the installed metadata: {name}")
        every = {canonicalize_name(d.metadata["Name"]) for d in metadata.distributions()}
        print(
            f"    installed files of the runtime set: {installed_megabytes(by_meta):.0f} MB; "
            f"of all {len(every)} installed distributions: {installed_megabytes(every):.0f} MB"
        )
    for extra, reqs in project.get("optional-dependencies", {}).items():
        closure = lock_closure(runtime + list(reqs), graph)
        print(f"  runtime + [{extra}]: {len(closure)} packages (+{len(closure - by_lock)})")
    heavy = [n for n in ("statsmodels", "patsy", "formulaic", "frictionless") if n in by_lock]
    print(f"  of statsmodels, patsy, formulaic, frictionless in runtime: {heavy or 'none'}")


def _git_show(rev: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv")
    parser.add_argument("--before", help="a git revision to count from its own files too")
    args = parser.parse_args()
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    counts(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        (ROOT / "requirements.lock").read_text(encoding="utf-8"),
        f"working tree (HEAD {head})",
        installed=True,
    )
    if args.before:
        counts(
            _git_show(args.before, "pyproject.toml"),
            _git_show(args.before, "requirements.lock"),
            f"revision {args.before}",
            installed=False,
        )
    print(f"venv {args.venv}: {venv_megabytes(args.venv):.0f} MB")


if __name__ == "__main__":
    main()
