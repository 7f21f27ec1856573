"""Hostile input against `make book`: each case's message, exit status, book and stray files.

The table of cases the issue reproduced, each run through `make book` as a user would:

- a survey file named with a space, an apostrophe, backticks, a semicolon and ``$`` builds
  (the shared data-mode build, tests/data_mode_build.py) and runs nothing;
- names a shell would run, with invalid content, stop at validation naming the file;
- a name holding a newline, and declared countries that are HTML or shell, are refused in
  one line before anything is created;
- content faults (HTML as a country, an id with a trailing newline, ragged rows, reordered
  or repeated columns) stop the build with the validation's own message last, and the last
  good book of the same build folder is byte-identical afterwards;
- Ctrl-C while a notebook runs or while the new book is staged, and two builds of the same
  data at once, leave one complete book.

Each case also checks that the ``touch X`` in the names never ran anywhere.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from data_mode_build import (
    DECLARE,
    NAME,
    first_build,
    make_command,
    run_dir,
    run_dir_of,
    run_make,
    tiny_survey,
    tree_hashes,
)

from survivors_perspectives import paths
from survivors_perspectives.build.build_inputs import safe_file_name

pytestmark = pytest.mark.slow
__all__ = ["first_build", "run_dir", "tiny_survey"]  # fixtures from data_mode_build

COUNTRIES = ["Albania", "Bosnia and Herzegovina", "Colombia", "Mexico", "Moldova", "Peru", "Kenya"]
CHOICES = (
    f"one of {COUNTRIES} or empty (declare a country outside the study with EXTRA_COUNTRIES=...)"
)


def stray_files(*folders: Path) -> list[Path]:
    """Files named X (what ``touch X`` would create) anywhere a build could have run it."""
    found = []
    for folder in folders:
        found += [p for p in folder.glob("X")] + [p for p in folder.glob("*/X")]
    return found


def book_state(run: Path) -> dict[str, str]:
    build = run / "book" / "_build"
    return tree_hashes(build / "html", build / "reports", build / "derived")


def problem_lines(stderr: str) -> list[str]:
    """The lines of stderr that are not make's own status lines."""
    return [line for line in stderr.splitlines() if not line.startswith("make")]


@pytest.fixture(scope="module")
def built(first_build, tiny_survey, run_dir) -> Path:
    assert stray_files(paths.ROOT, tiny_survey.parent, run_dir) == []
    return run_dir


def test_a_file_name_a_shell_would_run_builds_and_runs_nothing(built, tiny_survey):
    inputs = sorted(p.name for p in (built / "inputs").iterdir())
    assert inputs == [
        "sources.txt",
        "survivor_conversations.csv",
        safe_file_name(f"{NAME}.csv"),
    ]
    assert safe_file_name(f"{NAME}.csv") == "tiny_albania_s_touch_X_HOME.csv"
    assert f"survey: {tiny_survey}\n" in (built / "inputs" / "sources.txt").read_text()
    assert (built / "book" / "_build" / "html" / "countries" / "kenya.html").is_file()


@pytest.fixture(scope="module")
def same_folder(built, tiny_survey, tmp_path_factory) -> Path:
    """A file whose build folder holds a copy of the good book (the cheap "last good book")."""
    target = tmp_path_factory.mktemp("again") / tiny_survey.name
    shutil.copy(tiny_survey, target)
    shutil.copytree(built, run_dir_of(target), symlinks=True, dirs_exist_ok=False)
    yield target
    shutil.rmtree(run_dir_of(target), ignore_errors=True)


def _tiny() -> pd.DataFrame:
    survey = pd.read_csv(paths.SURVEY, dtype=str, keep_default_na=False)
    albania = survey.index[survey["country"] == "Albania"]
    peru = survey.index[survey["country"] == "Peru"]
    survey.loc[peru[:20], "country"] = "Kenya"
    return survey.drop(index=albania[12:]).reset_index(drop=True)


def _html_country(path: Path) -> None:
    survey = _tiny()
    survey.loc[3, "country"] = "<img src=x onerror=alert(1)>"
    survey.to_csv(path, index=False)


def _id_with_newline(path: Path) -> None:
    survey = _tiny()
    survey.loc[1, "respondent_id"] = survey.loc[0, "respondent_id"] + "\n"
    survey.to_csv(path, index=False)


def _decimal_comma(path: Path) -> None:
    survey = _tiny()
    survey.loc[2, "caseload_online_pct"] = "12,5"
    survey.to_csv(path, index=False)
    text = path.read_text().replace('"12,5"', "12,5")  # as a spreadsheet might save it
    path.write_text(text)


def _trailing_comma(path: Path) -> None:
    _tiny().to_csv(path, index=False)
    lines = path.read_text().splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ",\n"
    path.write_text("".join(lines))


def _reordered(path: Path) -> None:
    survey = _tiny()
    columns = list(survey.columns)
    columns[2], columns[4] = columns[4], columns[2]
    survey[columns].to_csv(path, index=False)


def _repeated_column(path: Path) -> None:
    _tiny().to_csv(path, index=False)
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].split(",")
    header[5] = "education"
    path.write_text(",".join(header) + "".join(lines[1:]))


CONTENT_CASES = {
    "html as a country": (
        _html_country,
        [
            f"column 'country', row 4 (SYN-0004): expected {CHOICES}, found "
            "'<img src=x onerror=alert(1)>'"
        ],
    ),
    "id with a trailing newline": (
        _id_with_newline,
        [
            "column 'respondent_id', row 2 (SYN-0001\\n): expected an id of three capital "
            "letters, a hyphen and four or more digits (e.g. SYN-0001), found 'SYN-0001\\n'"
        ],
    ),
    "unquoted decimal comma": (
        _decimal_comma,
        [
            "line 4: expected 86 values (one per column of the header), found 87; an unquoted "
            "comma inside a value (a decimal comma such as 12,5?) or a trailing comma"
        ],
    ),
    "trailing comma": (
        _trailing_comma,
        [
            "line 5: expected 86 values (one per column of the header), found 87; an unquoted "
            "comma inside a value (a decimal comma such as 12,5?) or a trailing comma"
        ],
    ),
    "reordered columns": (
        _reordered,
        [
            "column 'education': expected this column at position 5 (after 'age_band'), as in "
            "the codebook, found 'position 3'"
        ],
    ),
    "repeated column": (
        _repeated_column,
        [
            "line 1 (header), column 'education': expected each column once, found it 2 times "
            "(positions 5 and 6)"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CONTENT_CASES))
def test_bad_content_is_listed_and_the_last_good_book_stays(case, same_folder):
    write, expected = CONTENT_CASES[case]
    run = run_dir_of(same_folder)
    before = book_state(run)
    original = same_folder.read_bytes()
    try:
        write(same_folder)
        result = run_make("book", f"DATA={same_folder}", DECLARE, "ROBUSTNESS_SEEDS=5")
    finally:
        same_folder.write_bytes(original)
    assert result.returncode == 2
    lines = problem_lines(result.stderr)
    assert lines[-1 - len(expected) :] == [  # the validation's own listing comes last
        f"{len(expected)} problem(s) in the input data:",
        *(f"  {same_folder}: {line}" for line in expected),
    ]
    assert "No rule to make target" not in result.stderr
    assert book_state(run) == before
    assert stray_files(paths.ROOT, same_folder.parent, run) == []


@pytest.mark.parametrize(
    "name",
    ["s`touch X`.csv", "s;touch X;x.csv", "$(shell touch X).csv", "s$(touch X)'\".csv"],
)
def test_names_a_shell_would_run_reach_validation_as_names(name, tmp_path):
    path = tmp_path / name
    survey = _tiny()
    survey.loc[2, "gender"] = "x"
    survey.to_csv(path, index=False)
    run = run_dir_of(path)
    try:
        result = run_make("validate", f"DATA={path}", DECLARE)
        assert result.returncode == 2, result.stderr
        assert problem_lines(result.stderr)[-1].startswith(
            f"  {path}: column 'gender', row 3 (SYN-0003): expected one of "
        )
        assert (run / "inputs" / safe_file_name(name)).is_file()  # what make and shells saw
        assert stray_files(paths.ROOT, tmp_path, run) == []
    finally:
        shutil.rmtree(run, ignore_errors=True)


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        (
            "DATA=survey\n.csv",
            "error: survey file name 'survey\\n.csv' holds a control character (a newline or "
            "tab); rename the file with printable characters only",
        ),
        (
            "EXTRA_COUNTRIES=`touch X`",
            "error: EXTRA_COUNTRIES: expected a country name of letters, spaces, hyphens, "
            "apostrophes and full stops, starting with a letter, found '`touch X`'",
        ),
        (
            "EXTRA_COUNTRIES=Kenya,<img src=x onerror=alert(1)>",
            "error: EXTRA_COUNTRIES: expected a country name of letters, spaces, hyphens, "
            "apostrophes and full stops, starting with a letter, found "
            "'<img src=x onerror=alert(1)>'",
        ),
        (
            "EXTRA_COUNTRIES=$(shell touch X)",
            "error: EXTRA_COUNTRIES: expected a country name of letters, spaces, hyphens, "
            "apostrophes and full stops, starting with a letter, found '$(shell touch X)'",
        ),
    ],
)
def test_unusable_names_are_refused_in_one_line_before_anything_is_made(
    variable, message, built, tiny_survey
):
    builds_before = sorted(p.name for p in (paths.ROOT / "builds").iterdir())
    before = book_state(built)
    given = [variable] if variable.startswith("DATA=") else [f"DATA={tiny_survey}", variable]
    result = run_make("book", *given)
    assert result.returncode == 2
    assert problem_lines(result.stderr) == [message]
    assert sorted(p.name for p in (paths.ROOT / "builds").iterdir()) == builds_before
    assert book_state(built) == before
    assert stray_files(paths.ROOT, tiny_survey.parent) == []


def _start_make(survey: Path, log: Path) -> subprocess.Popen:
    """Start `make book` in its own process group (what a terminal's Ctrl-C reaches)."""
    command, env = make_command("book", f"DATA={survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    with log.with_suffix(".out").open("w") as out, log.with_suffix(".err").open("w") as err:
        return subprocess.Popen(
            command, cwd=paths.ROOT, env=env, stdout=out, stderr=err, start_new_session=True
        )


def _finish(process: subprocess.Popen, log: Path) -> tuple[str, str]:
    process.wait(timeout=900)
    return log.with_suffix(".out").read_text(), log.with_suffix(".err").read_text()


def _wait_for(condition, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "make ended before the moment to interrupt it"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _staging(run: Path) -> list[Path]:
    return list((run / "book" / "_build" / "releases").glob(".staging-*"))


@pytest.mark.parametrize("moment", ["while a notebook runs", "while the new book is staged"])
def test_ctrl_c_leaves_the_last_good_book_byte_identical(moment, built, tiny_survey, tmp_path):
    before = book_state(built)
    log = tmp_path / "make"
    if moment == "while a notebook runs":
        (built / "book" / "chapters" / "data.ipynb").unlink()  # make runs it again
        process = _start_make(tiny_survey, log)
        _wait_for(lambda: "chapters/data.ipynb" in log.with_suffix(".out").read_text(), process)
        time.sleep(3.0)  # its kernel is running
    else:
        (built / "book" / "intro.md").touch()  # only the book is stale
        process = _start_make(tiny_survey, log)
        _wait_for(lambda: bool(_staging(built)), process)
        time.sleep(2.0)  # Sphinx and the reports are writing into the staging folder
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = _finish(process, log)
    assert process.returncode != 0, stderr[-2000:]
    assert book_state(built) == before
    assert _staging(built) == []
    again = run_make("book", f"DATA={tiny_survey}", DECLARE, "ROBUSTNESS_SEEDS=5")
    assert again.returncode == 0, again.stderr[-3000:]
    assert book_state(built) == before  # the same inputs give the same book


def test_two_builds_of_the_same_data_at_once_wait_for_each_other(built, tiny_survey, tmp_path):
    before = book_state(built)
    (built / "book" / "intro.md").touch()
    first = _start_make(tiny_survey, tmp_path / "first")
    _wait_for(lambda: bool(_staging(built)), first)
    second = _start_make(tiny_survey, tmp_path / "second")
    second_out, second_err = _finish(second, tmp_path / "second")
    first_out, first_err = _finish(first, tmp_path / "first")
    assert first.returncode == 0, first_err[-3000:]
    assert second.returncode == 0, second_err[-3000:]
    build = built.relative_to(paths.ROOT) / "book" / "_build"
    assert f"another build of {build} is running (process " in second_err
    assert "; waiting for it to finish" in second_err
    assert "survivors_perspectives.build.build_book" in first_out
    assert "survivors_perspectives.build.build_book" not in second_out  # nothing left to do
    assert book_state(built) == before
