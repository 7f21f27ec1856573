"""The frame store gives back exactly what validation gave, and never a stale or bad frame."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from survivors_perspectives import frame_store, paths
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.survey import load_survey
from survivors_perspectives.survey.load import SurveyValidationError


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "frames"
    monkeypatch.setenv(frame_store.STORE_VARIABLE, str(folder))
    return folder


class Counting:
    """A loader that counts its calls."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.calls = frame, 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return self.frame.copy()


def _input(tmp_path, text="a,b\n1,2\n"):
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_store_is_off_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(frame_store.STORE_VARIABLE, raising=False)
    loader = Counting(pd.DataFrame({"a": [1]}))
    path = _input(tmp_path)
    frame_store.load_or_compute("kind", [path], loader)
    frame_store.load_or_compute("kind", [path], loader)
    assert loader.calls == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.csv"]


def test_second_load_reads_the_stored_frame(tmp_path, store):
    loader = Counting(pd.DataFrame({"a": pd.array([1, None], dtype="Int64")}))
    path = _input(tmp_path)
    first = frame_store.load_or_compute("kind", [path], loader)
    second = frame_store.load_or_compute("kind", [path], loader)
    assert loader.calls == 1
    pd.testing.assert_frame_equal(first, second)
    assert [p.suffix for p in store.iterdir()] == [".pkl"]


def test_changed_input_bytes_give_a_new_key(tmp_path, store):
    loader = Counting(pd.DataFrame({"a": [1]}))
    path = _input(tmp_path)
    frame_store.load_or_compute("kind", [path], loader)
    path.write_text("a,b\n1,3\n", encoding="utf-8")
    frame_store.load_or_compute("kind", [path], loader)
    assert loader.calls == 2
    assert len(list(store.glob("kind-*.pkl"))) == 2


def test_changed_package_source_gives_a_new_key(tmp_path, monkeypatch):
    package = tmp_path / "package"
    package.mkdir()
    (package / "schema.py").write_text("LIMIT = 100\n", encoding="utf-8")
    monkeypatch.setattr(frame_store, "_PACKAGE_DIR", package)
    path = _input(tmp_path)
    frame_store.code_fingerprint.cache_clear()
    before = frame_store.frame_key("survey", [path])
    (package / "schema.py").write_text("LIMIT = 99\n", encoding="utf-8")
    frame_store.code_fingerprint.cache_clear()
    after = frame_store.frame_key("survey", [path])
    frame_store.code_fingerprint.cache_clear()
    assert before != after


def test_unreadable_entry_is_computed_again(tmp_path, store):
    loader = Counting(pd.DataFrame({"a": [1]}))
    path = _input(tmp_path)
    frame_store.load_or_compute("kind", [path], loader)
    (entry,) = store.glob("kind-*.pkl")
    entry.write_bytes(b"not a pickle")
    again = frame_store.load_or_compute("kind", [path], loader)
    assert loader.calls == 2
    pd.testing.assert_frame_equal(again, pd.DataFrame({"a": [1]}))
    assert pd.read_pickle(entry).equals(again)


def test_missing_input_is_left_to_the_loader_to_report(tmp_path, store):
    def loader():
        raise FileNotFoundError("loader's own message")

    with pytest.raises(FileNotFoundError, match="loader's own message"):
        frame_store.load_or_compute("kind", [tmp_path / "absent.csv"], loader)


def test_cached_survey_equals_a_fresh_validation(store, monkeypatch):
    stored_first = load_survey(paths.SURVEY)
    stored_again = load_survey(paths.SURVEY)
    monkeypatch.delenv(frame_store.STORE_VARIABLE)
    fresh = load_survey(paths.SURVEY)
    pd.testing.assert_frame_equal(stored_again, fresh)
    pd.testing.assert_frame_equal(stored_first, fresh)
    assert (stored_again.dtypes == fresh.dtypes).all()
    conversations = load_conversations(paths.CONVERSATIONS)
    monkeypatch.setenv(frame_store.STORE_VARIABLE, str(store))
    load_conversations(paths.CONVERSATIONS)
    pd.testing.assert_frame_equal(load_conversations(paths.CONVERSATIONS), conversations)
    assert sorted(p.name.split("-")[0] for p in store.glob("*.pkl")) == ["conversations", "survey"]


def test_invalid_survey_is_never_stored(tmp_path, store):
    bad = tmp_path / "survey.csv"
    shutil.copy(paths.SURVEY, bad)
    lines = bad.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("gender")] = "F"
    lines[1] = ",".join(cells)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(SurveyValidationError, match="column 'gender', row 1"):
            load_survey(bad)
    assert not store.exists() or list(store.glob("*.pkl")) == []


def test_a_stored_frame_loads_without_importing_pandera(store):
    load_survey(paths.SURVEY)  # fills the store
    code = (
        "import sys\n"
        "from survivors_perspectives.survey import load_survey\n"
        f"frame = load_survey({str(paths.SURVEY)!r})\n"
        "print(len(frame), 'pandera' in sys.modules)\n"
    )
    env = {**os.environ, frame_store.STORE_VARIABLE: str(store)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["413", "False"]


def test_chapter_modules_do_not_import_pandera():
    # pandera is needed only to validate; a notebook reading a stored frame skips 0.3 s.
    code = (
        "import sys\n"
        "import survivors_perspectives.pages.country_chapter\n"
        "import survivors_perspectives.pages.overview\n"
        "import survivors_perspectives.pages.course\n"
        "import survivors_perspectives.analyses.cross_country\n"
        "import survivors_perspectives.conversations.country\n"
        "print('pandera' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_store_that_cannot_be_written_never_fails_a_load(tmp_path, monkeypatch):
    blocked = tmp_path / "frames"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv(frame_store.STORE_VARIABLE, str(blocked))
    loader = Counting(pd.DataFrame({"a": [1]}))
    frame = frame_store.load_or_compute("kind", [_input(tmp_path)], loader)
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"a": [1]}))
    assert blocked.read_text(encoding="utf-8") == "a file where the folder should be"


def test_the_key_follows_the_loaders_context(tmp_path):
    path = _input(tmp_path)
    six = frame_store.frame_key("survey", [path], "Albania,Peru")
    seven = frame_store.frame_key("survey", [path], "Albania,Peru,Kenya")
    assert six != seven
