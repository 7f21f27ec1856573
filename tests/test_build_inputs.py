"""What a build reads and where it goes: safe names, one folder per file, content stamps, a lock."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from survivors_perspectives import paths
from survivors_perspectives.build import build_inputs
from survivors_perspectives.build.build_inputs import (
    GIVEN_CONVERSATIONS,
    GIVEN_COUNTRIES,
    GIVEN_SURVEY,
    InputError,
    build_lock,
    prepare,
    resolve,
    safe_file_name,
)
from survivors_perspectives.countries import parse_declared_countries


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("survey.csv", "survey.csv"),
        ("s`touch X`.csv", "s_touch_X_.csv"),
        ("s;touch X;x.csv", "s_touch_X_x.csv"),
        ("my survey (final) 'v2'.csv", "my_survey_final_v2_.csv"),
        ("$(shell touch X).csv", "_shell_touch_X_.csv"),
        ("..hidden", "hidden.csv"),
        ("-rf", "rf.csv"),
        ("données été.csv", "donn_es_t_.csv"),
    ],
)
def test_safe_file_names_hold_only_letters_digits_dot_underscore_hyphen(given, safe):
    assert safe_file_name(given) == safe


def test_two_files_with_the_same_name_in_different_folders_get_different_build_folders(tmp_path):
    first, second = tmp_path / "a" / "survey.csv", tmp_path / "b" / "survey.csv"
    run_first = resolve({GIVEN_SURVEY: str(first)})[3]
    run_second = resolve({GIVEN_SURVEY: str(second)})[3]
    assert run_first != run_second
    assert run_first.parent == run_second.parent == paths.Path("builds")
    assert run_first.name.startswith("survey-") and run_second.name.startswith("survey-")
    assert resolve({GIVEN_SURVEY: str(first)})[3] == run_first  # stable for the same file


def test_the_synthetic_data_build_into_the_book_folder():
    survey, conversations, declared, run = resolve({})
    assert (survey, conversations, declared, run) == (
        paths.SURVEY,
        paths.CONVERSATIONS,
        (),
        None,
    )


def test_a_control_character_in_a_file_name_is_refused_in_one_line():
    with pytest.raises(InputError) as error:
        resolve({GIVEN_SURVEY: "survey\n.csv"})
    assert str(error.value) == (
        "survey file name 'survey\\n.csv' holds a control character (a newline or tab); "
        "rename the file with printable characters only"
    )
    with pytest.raises(InputError, match=r"^conversations file name 'c\\t.csv'"):
        resolve({GIVEN_CONVERSATIONS: "c\t.csv"})


@pytest.mark.parametrize(
    "declared",
    ["`touch X`", "<img src=x onerror=alert(1)>", "Kenya;touch X", "$(shell touch X)", "K\nX"],
)
def test_declared_countries_outside_the_character_set_are_refused(declared):
    with pytest.raises(InputError) as error:
        resolve({GIVEN_COUNTRIES: declared})
    name = declared.split(",")[0].strip()
    assert str(error.value) == (
        "EXTRA_COUNTRIES: expected a country name of letters, spaces, hyphens, apostrophes "
        f"and full stops, starting with a letter, found {name!r}"
    )


def test_plausible_country_names_are_accepted():
    assert parse_declared_countries("Kenya, Côte d'Ivoire,St. Lucia,Guinea-Bissau,Peru") == (
        "Kenya",
        "Côte d'Ivoire",
        "St. Lucia",
        "Guinea-Bissau",
    )


def test_inputs_are_copied_under_safe_names_and_only_rewritten_when_their_bytes_change(tmp_path):
    source = tmp_path / "in" / "s`touch X`;x.csv"
    source.parent.mkdir()
    source.write_text("a,b\n1,2\n")
    conversations = tmp_path / "in" / "conversations.csv"
    conversations.write_text("c\n3\n")
    root = tmp_path / "root"
    run = paths.Path("builds") / "s-0123456789"
    inputs = prepare(source, conversations, (), run, root)
    copy = root / inputs.survey
    assert inputs.survey == "builds/s-0123456789/inputs/s_touch_X_x.csv"
    assert copy.read_text() == "a,b\n1,2\n"
    stamp = root / inputs.build / build_inputs.STAMP
    first_stamp = stamp.read_text()
    os.utime(copy, (1_000_000, 1_000_000))
    os.utime(stamp, (1_000_000, 1_000_000))
    source.touch()  # a new timestamp, the same bytes: nothing to rebuild
    prepare(source, conversations, (), run, root)
    assert copy.stat().st_mtime == 1_000_000
    assert stamp.stat().st_mtime == 1_000_000
    source.write_text("a,b\n1,3\n")
    os.utime(source, (1, 1))  # new bytes with an OLD timestamp must still rebuild
    prepare(source, conversations, (), run, root)
    assert copy.read_text() == "a,b\n1,3\n"
    assert stamp.stat().st_mtime > 1_000_000
    assert stamp.read_text() != first_stamp
    prepare(source, conversations, ("Kenya",), run, root)
    assert stamp.read_text().endswith("declared countries: Kenya\n")
    assert sorted(p.name for p in (root / run / "inputs").iterdir()) == [
        "conversations.csv",
        "s_touch_X_x.csv",
        "sources.txt",
    ]


def test_a_second_build_of_the_same_folder_stops_with_a_clear_message(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, pathlib
                from survivors_perspectives.build.build_inputs import build_lock
                with build_lock(pathlib.Path({str(tmp_path)!r})):
                    print("held", flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(InputError) as error, build_lock(tmp_path, timeout=0):
            pass
        assert str(error.value) == (
            f"another build of {tmp_path} is running (process {holder.pid}); "
            "try again when it has finished"
        )
        with (
            pytest.raises(InputError, match=r"running .*; gave up after 0\.5 s$"),
            build_lock(tmp_path, timeout=0.5),
        ):
            pass
    finally:
        holder.communicate("\n")
    with build_lock(tmp_path, timeout=0):  # released when its holder ends, however it ends
        assert (tmp_path / ".lock").read_text() == f"{os.getpid()}\n"
