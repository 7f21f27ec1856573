"""Checks and steps of installing the compendium: the Python it needs, and a wheelhouse.

The secure room where the real data live has no network. There the environment comes from
a *wheelhouse*: a folder holding every package ``requirements.lock`` pins, as wheels for the
room's platform and Python, with their SHA-256 in ``requirements.txt`` beside them, gathered
on a connected machine (``make wheelhouse``) and carried in. ``make venv WHEELHOUSE=<folder>``
then installs from that folder alone (``pip --no-index --find-links --require-hashes``).

This module uses the standard library only and is run as a file by the Python that will
create ``.venv`` (``python src/survivors_perspectives/build/install.py check-python``), before
the package or any dependency is installed. Every refusal is one line saying what was found,
what is needed and what to run, never a traceback from pip.

Usage::

    python install.py check-python
    python install.py gather --lock requirements.lock --out wheelhouse \
        --platform manylinux_2_28_x86_64 --python 3.11 [--project .]
    python install.py check-wheelhouse wheelhouse --lock requirements.lock
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: The oldest Python the lock installs on (Debian 12's own ``python3``), and the series
#: ``requirements.lock`` is resolved for and tested on.
MIN_PYTHON = (3, 11, 2)
SERIES = (3, 11)
#: The manifest a wheelhouse carries: the platform and Python it was gathered for.
MANIFEST = "wheelhouse.json"
HASHED_REQUIREMENTS = "requirements.txt"
#: The build backend ``pyproject.toml`` pins, gathered too so the project installs offline.
BUILD_REQUIREMENTS = ("setuptools==80.9.0",)
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")
_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_(\w+)$")


class InstallError(RuntimeError):
    """An install step cannot go on; the message is the one line shown to the user."""


def normalise(name: str) -> str:
    """Return a distribution name in its canonical form (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_python(version: Sequence[int] | None = None, executable: str | None = None) -> str | None:
    """Return why this Python cannot run the compendium, or ``None`` when it can."""
    version = tuple((version or sys.version_info)[:3])
    executable = executable or sys.executable
    found = ".".join(map(str, version))
    wanted = f"{SERIES[0]}.{SERIES[1]} ({'.'.join(map(str, MIN_PYTHON))} or later)"
    if version[:2] != SERIES or version < MIN_PYTHON:
        return (
            f"Python {found} found at {executable}; needed: CPython {wanted}, the series "
            f"requirements.lock is resolved for; run `make venv PYTHON=/path/to/python3.11`"
        )
    return None


def locked_pins(lock: Path) -> dict[str, str]:
    """Return ``canonical name -> version`` for every pin of a pip-compile lock file."""
    pins = {}
    for line in Path(lock).read_text(encoding="utf-8").splitlines():
        if match := _PIN.match(line):
            pins[normalise(match[1])] = match[2]
    return pins


def wheel_name_version(filename: str) -> tuple[str, str]:
    """Return the canonical name and version of a wheel file (``name-ver-...-tag.whl``)."""
    parts = filename[: -len(".whl")].split("-")
    return normalise(parts[0]), parts[1]


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pip(python: str, *args: str) -> subprocess.CompletedProcess:
    command = [python, "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _last_error(result: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["pip failed without a message"])[-1]


def compatible_platforms(platform_tag: str) -> list[str]:
    """Return ``platform_tag`` and the older tags whose wheels also run there.

    pip takes a named ``--platform`` literally; a ``manylinux_2_28`` machine also runs
    wheels tagged for older glibc (``manylinux_2_17``, ``manylinux2014``, ...), which is how
    most packages publish them.
    """
    match = _MANYLINUX.match(platform_tag)
    if not match:
        return [platform_tag]
    major, minor, arch = int(match[1]), int(match[2]), match[3]
    tags = [f"manylinux_{major}_{m}_{arch}" for m in range(minor, 4, -1)]
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    tags += [f"{name}_{arch}" for m, name in legacy.items() if m <= minor]
    return tags


def gather(
    lock: Path,
    out: Path,
    *,
    platform_tag: str,
    python_version: str,
    project: Path | None = None,
    python: str = sys.executable,
) -> list[Path]:
    """Download every pinned package as a wheel for ``platform_tag`` and ``python_version``.

    Binary wheels are fetched for the named platform (``pip download --only-binary``); a
    package published only as source is built here into a pure-Python wheel, which is
    refused if it turns out platform-specific. ``project``, when given, is built into a
    wheel too (with the pinned build backend), so the room can install it without
    building. Writes ``requirements.txt`` (each pin with its ``--hash``) and
    ``wheelhouse.json`` (what the wheels are for).
    """
    out.mkdir(parents=True, exist_ok=True)
    pins = locked_pins(lock)
    wanted = [f"{name}=={version}" for name, version in sorted(pins.items())]
    wanted += list(BUILD_REQUIREMENTS)
    target = [
        *(arg for tag in compatible_platforms(platform_tag) for arg in ("--platform", tag)),
        "--python-version",
        python_version,
        "--implementation",
        "cp",
    ]
    missing = _download(python, wanted, out, target)
    for requirement in missing:
        _build_pure_wheel(python, requirement, out)
    if project is not None:
        result = _pip(python, "wheel", "--no-deps", "--wheel-dir", str(out), str(project))
        if result.returncode != 0:
            raise InstallError(f"building the project's wheel failed: {_last_error(result)}")
    wheels = sorted(out.glob("*.whl"))
    _write_hashes(out, wheels, pins)
    manifest = {
        "platform": platform_tag,
        "python": python_version,
        "implementation": "cp",
        "lock_sha256": sha256(lock),
        "wheels": len(wheels),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return wheels


def _download(python: str, wanted: list[str], out: Path, target: list[str]) -> list[str]:
    """Fetch the binary wheels in one pip call; return the pins that have none."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(wanted) + "\n")
    try:
        args = ["download", "--no-deps", "--only-binary=:all:", "--dest", str(out), *target]
        result = _pip(python, *args, "-r", handle.name)
        if result.returncode == 0:
            return []
        # pip stops at the first pin without a wheel: fetch the rest one by one to learn
        # exactly which have none.
        missing = []
        for requirement in wanted:
            one = _pip(python, *args, requirement)
            if one.returncode != 0:
                missing.append(requirement)
        return missing
    finally:
        os.unlink(handle.name)


def _build_pure_wheel(python: str, requirement: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        result = _pip(python, "wheel", "--no-deps", "--wheel-dir", scratch, requirement)
        built = list(Path(scratch).glob("*.whl"))
        if result.returncode != 0 or not built:
            raise InstallError(
                f"{requirement}: no wheel for the named platform and building one failed "
                f"({_last_error(result)})"
            )
        wheel = built[0]
        if not wheel.name.endswith("-none-any.whl"):
            raise InstallError(
                f"{requirement}: published only as source and builds a platform-specific "
                f"wheel ({wheel.name}); build it on the target platform"
            )
        shutil.move(str(wheel), out / wheel.name)


def _write_hashes(out: Path, wheels: Sequence[Path], pins: dict[str, str]) -> None:
    lines = [
        "# Every pin of requirements.lock with the SHA-256 of its wheel in this folder.",
        "# Install with: pip install --no-index --find-links <this folder> --require-hashes "
        "-r <this file>",
    ]
    for wheel in wheels:
        name, version = wheel_name_version(wheel.name)
        if pins.get(name) == version:
            lines.append(f"{name}=={version} --hash=sha256:{sha256(wheel)}")
    (out / HASHED_REQUIREMENTS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def host_platform_problem(platform_tag: str) -> str | None:
    """Return why wheels for ``platform_tag`` do not run here, or ``None`` when they do."""
    machine = platform.machine().lower()
    if match := _MANYLINUX.match(platform_tag):
        major, minor, arch = int(match[1]), int(match[2]), match[3]
        libc = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
        if sys.platform != "linux" or not libc or not libc.startswith("glibc"):
            return f"this machine is {sys.platform}/{machine}, not a glibc Linux"
        if arch != machine:
            return f"this machine is {machine}, the wheels are for {arch}"
        have = tuple(int(x) for x in libc.split()[1].split(".")[:2])
        if have < (major, minor):
            return f"this machine has glibc {libc.split()[1]}, the wheels need {major}.{minor}"
        return None
    if platform_tag.startswith("macosx_"):
        arch = platform_tag.rsplit("_", 1)[-1]
        if sys.platform != "darwin" or arch not in (machine, "universal2"):
            return f"this machine is {sys.platform}/{machine}, the wheels are for {platform_tag}"
        return None
    if platform_tag.startswith("win"):
        if sys.platform != "win32":
            return f"this machine is {sys.platform}/{machine}, the wheels are for {platform_tag}"
        return None
    return f"platform tag {platform_tag!r} is not one this check knows"


def check_wheelhouse(folder: Path, lock: Path, version: Sequence[int] | None = None) -> str | None:
    """Return the one line saying why ``folder`` cannot install ``lock`` here, else ``None``.

    Checks, in order: the folder and its manifest exist; the wheels are for this platform
    and this Python; the manifest was gathered from this very lock; every pin has its wheel.
    """
    folder = Path(folder)
    regather = f"gather it again: `make wheelhouse WHEELHOUSE={folder}` on a connected machine"
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return f"wheelhouse {folder}: no {MANIFEST} found (not a gathered wheelhouse); {regather}"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problem = host_platform_problem(manifest["platform"])
    if problem:
        return (
            f"wheelhouse {folder}: gathered for platform {manifest['platform']} but {problem}; "
            f"gather it with `make wheelhouse WHEEL_PLATFORM=<this machine's tag>`"
        )
    here = ".".join(map(str, tuple(version or sys.version_info)[:2]))
    if manifest["python"] != here:
        return (
            f"wheelhouse {folder}: gathered for Python {manifest['python']}, this Python is "
            f"{here}; gather it with `make wheelhouse WHEEL_PYTHON={here}`"
        )
    if manifest.get("lock_sha256") != sha256(lock):
        return f"wheelhouse {folder}: gathered from another {Path(lock).name}; {regather}"
    present = {wheel_name_version(w.name) for w in folder.glob("*.whl")}
    missing = [f"{n}=={v}" for n, v in sorted(locked_pins(lock).items()) if (n, v) not in present]
    if missing:
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        return f"wheelhouse {folder}: missing {shown} (needed by {Path(lock).name}); {regather}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (1 with one line on stderr)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-python", help="refuse a Python the lock does not support")
    gather_cmd = commands.add_parser("gather", help="download the lock into a wheelhouse")
    gather_cmd.add_argument("--lock", type=Path, default=Path("requirements.lock"))
    gather_cmd.add_argument("--out", type=Path, default=Path("wheelhouse"))
    gather_cmd.add_argument("--platform", required=True, help="e.g. manylinux_2_28_x86_64")
    gather_cmd.add_argument("--python", required=True, help="e.g. 3.11")
    gather_cmd.add_argument("--project", type=Path, help="also build this project's wheel")
    check_cmd = commands.add_parser("check-wheelhouse", help="can this folder install here?")
    check_cmd.add_argument("folder", type=Path)
    check_cmd.add_argument("--lock", type=Path, default=Path("requirements.lock"))
    args = parser.parse_args(argv)
    try:
        if args.command == "check-python":
            problem = check_python()
        elif args.command == "check-wheelhouse":
            problem = check_wheelhouse(args.folder, args.lock)
        else:
            wheels = gather(
                args.lock,
                args.out,
                platform_tag=args.platform,
                python_version=args.python,
                project=args.project,
            )
            print(
                f"wheelhouse {args.out}: {len(wheels)} wheels for {args.platform}, "
                f"Python {args.python}"
            )
            problem = None
    except InstallError as error:
        problem = str(error)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
