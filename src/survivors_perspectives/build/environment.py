"""Keep the three descriptions of the environment in step.

``pyproject.toml`` states the ranges the code supports, ``requirements.lock`` (pip-compile
output) pins what the Makefile installs, and ``environment.yml`` names the same direct
dependencies at the same versions for conda users. ``make lock`` rewrites the last two;
the test suite checks they agree.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from survivors_perspectives import paths

PYPROJECT = paths.ROOT / "pyproject.toml"
LOCK = paths.ROOT / "requirements.lock"
ENVIRONMENT = paths.ROOT / "environment.yml"
PYTHON_VERSION = "3.11"


def direct_requirements(pyproject: Path = PYPROJECT) -> dict[str, Requirement]:
    """Return the project's direct dependencies and extras, by canonical name."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    requirements = [Requirement(spec) for spec in specs]
    return {canonicalize_name(req.name): req for req in requirements}


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """Return ``name -> version`` for every ``name==version`` line of the lock file."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def environment_pins(environment: Path = ENVIRONMENT) -> dict[str, str]:
    """Return ``name -> version`` for the ``- name==version`` entries of environment.yml."""
    pins = {}
    for line in environment.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*==\s*([^\s#]+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def render_environment(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> str:
    """Return environment.yml naming each direct dependency at its locked version."""
    pins = locked_versions(lock)
    lines = [
        "# Generated from pyproject.toml and requirements.lock by",
        "# `python -m survivors_perspectives.build.environment --write` (run by `make lock`).",
        "# The Makefile installs from requirements.lock; this file is for conda users.",
        "name: survivors-perspectives",
        "channels:",
        "  - conda-forge",
        "  - nodefaults",
        "dependencies:",
        f"  - python={PYTHON_VERSION}",
    ]
    for name in sorted(direct_requirements(pyproject)):
        lines.append(f"  - {name}=={pins[name]}")
    lines += ["  - pip", "  - pip:", "      - -e ."]
    return "\n".join(lines) + "\n"


def disagreements(
    pyproject: Path = PYPROJECT, lock: Path = LOCK, environment: Path = ENVIRONMENT
) -> list[str]:
    """List every way the three files disagree (empty when they are in step)."""
    problems = []
    pins = locked_versions(lock)
    env = environment_pins(environment)
    for name, requirement in sorted(direct_requirements(pyproject).items()):
        if name not in pins:
            problems.append(f"{lock.name}: {name} is in pyproject.toml but not pinned")
            continue
        if not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(
                f"{lock.name}: {name}=={pins[name]} is outside pyproject.toml's "
                f"range {requirement.specifier}"
            )
        if env.get(name) != pins[name]:
            problems.append(
                f"{environment.name}: {name} is {env.get(name, 'missing')}, "
                f"expected {pins[name]} as in {lock.name}"
            )
    extra = sorted(set(env) - set(direct_requirements(pyproject)))
    problems += [
        f"{environment.name}: {name} is not a dependency in pyproject.toml" for name in extra
    ]
    return problems


def floors(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Return ``name -> lowest declared version`` of every direct dependency and extra.

    Written as pip constraints (``name==floor``), they install the lowest direct versions
    (transitive ones resolve freely), which is how the declared floors are proved to work:
    ``pip install -c floors.txt -e '.[test,cluster]'`` and run the tests.
    """
    found = {}
    for name, requirement in direct_requirements(pyproject).items():
        lows = [s.version for s in requirement.specifier if s.operator in (">=", "==", "~=")]
        if len(lows) != 1:
            raise ValueError(f"{pyproject.name}: {name} {requirement.specifier} has no one floor")
        found[name] = lows[0]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or rewrite environment.yml, or print the floors as constraints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite environment.yml")
    parser.add_argument(
        "--floors", action="store_true", help="print name==floor constraints and exit"
    )
    args = parser.parse_args(argv)
    if args.floors:
        print("\n".join(f"{name}=={low}" for name, low in sorted(floors().items())))
        return 0
    if args.write:
        ENVIRONMENT.write_text(render_environment(), encoding="utf-8")
    problems = disagreements()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
