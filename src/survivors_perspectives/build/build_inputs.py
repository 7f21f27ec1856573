"""What one build reads, under safe names, and the lock that keeps two builds of it apart.

``make book DATA=... CONVERSATIONS_DATA=... EXTRA_COUNTRIES=...`` hands the file names and
the declared countries to this module through the environment, never through make or shell
text: a file called ``s`touch X`.csv`` or ``s;touch X;x.csv`` is a name here, not a command.
This module then

1. refuses, in one line, a name no build can use (a control character such as a newline,
   a declared country outside the character set of country names);
2. picks the build folder: ``book/_build`` for the compendium's synthetic data, else
   ``builds/<safe stem>-<hash>/``, the hash taken over both files' absolute paths, so two
   different files with the same base name never share a folder;
3. takes the folder's lock (``fcntl.flock`` on ``<build>/.lock``): a second build of the same
   data says which process holds it and waits (or, with ``--timeout``, stops after that many
   seconds);
4. copies each input file into ``<run>/inputs/`` under a name of letters, digits, ``.``,
   ``_`` and ``-`` (rewritten only when its bytes changed), and writes ``inputs.sha256``,
   the content stamp make validates against: rewritten only when a file's bytes, the
   published reference files or the declared countries change, so a new file with an old
   timestamp still rebuilds and a touched but unchanged file rebuilds nothing;
5. validates the inputs when the stamp is newer than the last validation, so a failed
   validation ends the build with its own listing;
6. runs the real build, ``make SP_LOCKED=1 SP_BOOK_SRC=... SP_SURVEY=... <goal>``, while
   holding the lock, with the declared countries in the environment.

Usage (from the Makefile)::

    python -m survivors_perspectives.build.build_inputs [--timeout SECONDS] -- make GOAL
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from survivors_perspectives import paths
from survivors_perspectives.atomic_files import write_atomically
from survivors_perspectives.countries import (
    EXTRA_COUNTRIES_VARIABLE,
    UnknownCountryError,
    parse_declared_countries,
)

#: Environment variables the Makefile sets from DATA, CONVERSATIONS_DATA and
#: EXTRA_COUNTRIES, unexpanded (``$(value ...)``), so nothing in them is evaluated on the way.
GIVEN_SURVEY = "SURVIVORS_PERSPECTIVES_DATA"
GIVEN_CONVERSATIONS = "SURVIVORS_PERSPECTIVES_CONVERSATIONS_DATA"
GIVEN_COUNTRIES = "SURVIVORS_PERSPECTIVES_DECLARED"

#: The only characters a path make or a shell is ever given may hold.
_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

STAMP = "inputs.sha256"
VALIDATED = "validated.stamp"
LOCK = ".lock"
FRAMES_VARIABLE = "SURVIVORS_PERSPECTIVES_FRAMES"


class InputError(ValueError):
    """An input name no build can use; the message is the one line shown to the user."""


@dataclass(frozen=True)
class BuildInputs:
    """Where one build lives and the safe names of the files it reads.

    ``survey`` and ``conversations`` are relative to the repository root and hold only
    characters of ``_SAFE`` and ``/``.
    """

    book_src: str
    build: str
    derived: str
    survey: str
    conversations: str
    declared: tuple[str, ...]

    @property
    def is_synthetic(self) -> bool:
        """Whether this is the compendium's own book (``book/``) on the synthetic data."""
        return self.book_src == "book"

    def make_arguments(self) -> list[str]:
        """Return the variable assignments the locked make receives on its command line."""
        return [
            "SP_LOCKED=1",
            f"SP_BOOK_SRC={self.book_src}",
            f"SP_DERIVED_DIR={self.derived}",
            f"SP_SURVEY={self.survey}",
            f"SP_CONVERSATIONS={self.conversations}",
        ]


def safe_file_name(name: str) -> str:
    """Return ``name`` with every run of characters other than ``[A-Za-z0-9._-]`` as ``_``.

    The result never starts with ``.`` or ``-`` (no hidden files, no options), and keeps
    the ``.csv`` suffix the schemas' messages name.
    """
    safe = _UNSAFE_RUN.sub("_", name).lstrip(".-") or "data"
    return safe if safe.lower().endswith(".csv") else f"{safe}.csv"


def _checked_path(text: str, what: str) -> Path:
    if _CONTROL.search(text):
        shown = text.encode("unicode_escape").decode("ascii")
        raise InputError(
            f"{what} name '{shown}' holds a control character (a newline or tab); "
            "rename the file with printable characters only"
        )
    return Path(text)


def _run_key(survey: Path, conversations: Path) -> str:
    """Return a short hash of both files' absolute paths: one build folder per pair."""
    text = f"{survey.resolve()}\0{conversations.resolve()}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:10]


def resolve(environ: Mapping[str, str]) -> tuple[Path, Path, tuple[str, ...], Path | None]:
    """Return the given survey and conversations paths, the declared countries and the run folder.

    The run folder is ``None`` for the compendium's own synthetic files (the book in
    ``book/``). Raises :class:`InputError` for a name no build can use.
    """
    given_survey = environ.get(GIVEN_SURVEY, "")
    given_conversations = environ.get(GIVEN_CONVERSATIONS, "")
    survey = _checked_path(given_survey, "survey file") if given_survey else paths.SURVEY
    conversations = (
        _checked_path(given_conversations, "conversations file")
        if given_conversations
        else paths.CONVERSATIONS
    )
    try:
        declared = parse_declared_countries(environ.get(GIVEN_COUNTRIES, ""))
    except UnknownCountryError as error:
        raise InputError(f"EXTRA_COUNTRIES: {error}") from None
    if not given_survey and not given_conversations:
        return survey, conversations, declared, None
    stem = _UNSAFE_RUN.sub("_", Path(survey.name).stem).strip("._-")[:40] or "data"
    run = Path("builds") / f"{stem}-{_run_key(survey, conversations)}"
    return survey, conversations, declared, run


def _copy_if_changed(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` by rename, only when the bytes differ (keeps mtimes)."""
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        write_atomically(target, data)


def _write_if_changed(target: Path, text: str) -> None:
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write_atomically(target, text.encode("utf-8"))


def content_stamp(files: Sequence[Path], declared: Sequence[str]) -> str:
    """Return the text of ``inputs.sha256``: every input's SHA-256 and the declared countries."""
    from survivors_perspectives.fingerprints import sha256

    lines = [f"{sha256(f)}  {paths.relative_to_root(f)}" for f in files]
    lines.append(f"declared countries: {', '.join(declared) or 'none'}")
    return "\n".join(lines) + "\n"


def _reference_files() -> list[Path]:
    return sorted(
        p for p in paths.REFERENCE.iterdir() if p.suffix in {".csv", ".json"} and p.is_file()
    )


def prepare(
    survey: Path, conversations: Path, declared: tuple[str, ...], run: Path | None, root: Path
) -> BuildInputs:
    """Copy the inputs into the run folder (if any) and refresh the content stamp.

    Called while holding the build folder's lock. A missing input is not an error here:
    validation reports it, with the other problems, in its own words.
    """
    if run is None:
        book_src, derived = "book", "data/derived"
        survey_name = paths.relative_to_root(survey)
        conversations_name = paths.relative_to_root(conversations)
    else:
        book_src, derived = f"{run}/book", f"{run}/derived"
        inputs = run / "inputs"
        survey_name = f"{inputs}/{safe_file_name(survey.name)}"
        conversations_name = f"{inputs}/{safe_file_name(conversations.name)}"
        if survey_name == conversations_name:
            conversations_name = f"{inputs}/conversations-{safe_file_name(conversations.name)}"
        for source, target in ((survey, survey_name), (conversations, conversations_name)):
            if source.is_file():
                _copy_if_changed(source, root / target)
            else:  # let validation say "file not found" about the name the user gave
                (root / target).unlink(missing_ok=True)
        origins = f"survey: {survey.resolve()}\nconversations: {conversations.resolve()}\n"
        _write_if_changed(root / inputs / "sources.txt", origins)
    build = f"{book_src}/_build"
    files = [root / n for n in (survey_name, conversations_name) if (root / n).is_file()]
    _write_if_changed(root / build / STAMP, content_stamp(files + _reference_files(), declared))
    return BuildInputs(book_src, build, derived, survey_name, conversations_name, declared)


def _holder(lock_path: Path) -> str:
    with contextlib.suppress(OSError):
        pid = lock_path.read_text(encoding="utf-8").strip()
        if pid:
            return f" (process {pid})"
    return ""


@contextlib.contextmanager
def build_lock(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold ``folder/.lock`` for the duration; wait for another holder, or stop after ``timeout``.

    ``flock`` locks are released by the kernel when the holder exits, however it exits, so
    a killed build never leaves a stale lock behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / LOCK
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            shown = paths.relative_to_root(folder)
            message = f"another build of {shown} is running{_holder(lock_path)}"
            if timeout is not None and timeout <= 0:
                raise InputError(f"{message}; try again when it has finished") from None
            print(f"{message}; waiting for it to finish", file=sys.stderr, flush=True)
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise InputError(f"{message}; gave up after {timeout:g} s") from None
                    time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def _pipeline_environment(inputs: BuildInputs, root: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in (GIVEN_SURVEY, GIVEN_CONVERSATIONS, GIVEN_COUNTRIES):
        env.pop(name, None)
    env[EXTRA_COUNTRIES_VARIABLE] = ",".join(inputs.declared)
    env[FRAMES_VARIABLE] = str(root / inputs.build / "frames")
    return env


def _wait(process: subprocess.Popen) -> int:
    """Wait for a child; Ctrl-C reaches it (same process group) and it decides how to stop."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def validate_if_stale(
    inputs: BuildInputs,
    root: Path,
    env: Mapping[str, str],
    given: Mapping[str, str],
    force: bool = False,
) -> bool:
    """Validate the inputs when their content stamp is newer than the last validation.

    Done here, before make reads the country list made from the data, so that a failed
    validation ends with its own listing (not with make's "No rule to make target") and
    runs once. Its messages name the files as the user gave them (``given``: safe copy ->
    given name). On success the stamp make checks (``validated.stamp``) is touched.
    ``force`` validates even when nothing changed (``make validate`` always answers).
    """
    validated = root / inputs.build / VALIDATED
    content = root / inputs.build / STAMP
    fresh = validated.is_file() and validated.stat().st_mtime >= content.stat().st_mtime
    if fresh and not force:
        return True
    command = [sys.executable, "-m", "survivors_perspectives.validate"]
    command += ["--survey", inputs.survey, "--conversations", inputs.conversations]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        out, err = process.communicate()
    finally:
        signal.signal(signal.SIGINT, previous)
    for copy, name in given.items():
        out, err = out.replace(copy, name), err.replace(copy, name)
    sys.stdout.write(out)
    sys.stderr.write(err)
    if process.returncode != 0:
        return False
    validated.touch()
    return True


def _run_locked_make(
    command: Sequence[str], inputs: BuildInputs, root: Path, given: Mapping[str, str]
) -> int:
    """Validate if needed, then run the real build with the safe names; return its status."""
    env = _pipeline_environment(inputs, root)
    if not validate_if_stale(inputs, root, env, given, force="validate" in command):
        return 2
    # close_fds=False keeps make's jobserver pipes, so `make -j2` stays parallel inside.
    make = subprocess.Popen([*command, *inputs.make_arguments()], env=env, close_fds=False)
    return _wait(make)


def _shown(path: Path) -> str:
    """Return a file's name as messages give it: as typed, or relative to the root."""
    if path.is_absolute() and path.is_relative_to(paths.ROOT):
        return paths.relative_to_root(path)
    return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the inputs, take the build folder's lock, prepare the inputs and run make."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds to wait for another build of the same data (0: stop at once)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- make GOAL ...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    root = paths.ROOT
    try:
        survey, conversations, declared, run = resolve(os.environ)
        build_folder = root / (f"{run}/book/_build" if run else "book/_build")
        with build_lock(build_folder, args.timeout):
            inputs = prepare(survey, conversations, declared, run, root)
            if not command:
                print(" ".join(inputs.make_arguments()))
                return 0
            given = {inputs.survey: _shown(survey), inputs.conversations: _shown(conversations)}
            return _run_locked_make(command, inputs, root, given)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
