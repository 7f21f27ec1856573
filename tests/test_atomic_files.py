"""The atomic writer (atomic_files.py): whole file or old file, under any name.

A build is interrupted between writing and renaming (Ctrl-C, a full disk, a bad value);
each case must leave the previous file byte for byte and no temporary file beside it.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from survivors_perspectives import atomic_files
from survivors_perspectives.atomic_files import write_atomically

OLD = b"the last good report\n"
NEW = b"<p>new report</p>\n" * 1000

#: Names a shell, a glob or a careless f-string would mangle.
ODD_NAMES = [
    "with space.html",
    "it's.html",
    'say "hi".html',
    "$HOME.html",
    "`touch pwned`.html",
    "a;rm -rf b.html",
    "-starts-with-dash.html",
    "*.html",
    "back\\slash.html",
    "ünïcödé – dash.html",
    "new\nline.html",
    ".hidden",
]


def _listing(folder):
    return sorted(os.listdir(folder))


def test_a_new_file_is_written_with_its_folders_and_readable_mode(tmp_path):
    target = tmp_path / "reports" / "2026" / "peru.html"
    write_atomically(target, NEW)
    assert target.read_bytes() == NEW
    # mkstemp makes 0600 files; a build product is read by the web server too.
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert _listing(target.parent) == ["peru.html"]


def test_an_existing_file_is_replaced_whole(tmp_path):
    target = tmp_path / "peru.html"
    target.write_bytes(OLD)
    write_atomically(str(target), NEW)  # a str path too
    assert target.read_bytes() == NEW
    assert _listing(tmp_path) == ["peru.html"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_file_names_are_written_as_given_and_nothing_else(tmp_path, name):
    folder = tmp_path / "it's a $folder; `x`"
    write_atomically(folder / name, NEW)
    assert _listing(folder) == [name]
    assert (folder / name).read_bytes() == NEW
    assert _listing(tmp_path) == [folder.name]
    # Nothing was run: no file from the backticks anywhere, no expansion of $HOME.
    assert not (tmp_path / "pwned").exists() and not (folder / "pwned").exists()


class _Interrupted(KeyboardInterrupt):
    """Ctrl-C, raised where the test chooses."""


class _Stream:
    """The writer's open temporary file, whose ``write`` does what the test says."""

    def __init__(self, stream, write):
        self.stream, self._write = stream, write

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.close()
        return False

    def write(self, data):
        return self._write(self.stream, data)


def _fail_writes(monkeypatch, write):
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        atomic_files.os, "fdopen", lambda fd, mode: _Stream(real_fdopen(fd, mode), write)
    )


def test_ctrl_c_half_way_through_writing_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "peru.html"
    target.write_bytes(OLD)

    def half_then_ctrl_c(stream, data):
        stream.write(data[: len(data) // 2])
        stream.flush()
        raise _Interrupted

    _fail_writes(monkeypatch, half_then_ctrl_c)
    with pytest.raises(_Interrupted):
        write_atomically(target, NEW)
    assert target.read_bytes() == OLD
    assert _listing(tmp_path) == ["peru.html"]


def test_ctrl_c_just_before_the_rename_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "peru.html"
    target.write_bytes(OLD)

    def interrupted(source, destination):
        assert Path(source).read_bytes() == NEW  # the whole new file was there, unrenamed
        raise _Interrupted

    monkeypatch.setattr(atomic_files.os, "replace", interrupted)
    with pytest.raises(_Interrupted):
        write_atomically(target, NEW)
    assert target.read_bytes() == OLD
    assert _listing(tmp_path) == ["peru.html"]


def test_a_value_that_cannot_be_written_leaves_the_old_file(tmp_path):
    target = tmp_path / "peru.html"
    target.write_bytes(OLD)
    with pytest.raises(TypeError):
        write_atomically(target, "text, not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == OLD
    assert _listing(tmp_path) == ["peru.html"]


def test_a_full_disk_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "peru.html"
    target.write_bytes(OLD)

    def full(stream, data):
        raise OSError(28, "No space left on device")

    _fail_writes(monkeypatch, full)
    with pytest.raises(OSError, match="No space left on device"):
        write_atomically(target, NEW)
    assert target.read_bytes() == OLD
    assert _listing(tmp_path) == ["peru.html"]


def test_a_reader_beside_two_writers_only_ever_sees_whole_files(tmp_path):
    target = tmp_path / "peru.html"
    target.write_bytes(OLD)
    first, second = b"A" * 2_000_000, b"B" * 3_000_000
    stop = threading.Event()
    seen: set[bytes] = set()

    def read():
        while not stop.is_set():
            seen.add(target.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    writers = [
        threading.Thread(target=lambda d=d: [write_atomically(target, d) for _ in range(15)])
        for d in (first, second)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    stop.set()
    reader.join()
    assert seen <= {OLD, first, second}
    assert target.read_bytes() in (first, second)
    assert _listing(tmp_path) == ["peru.html"]
