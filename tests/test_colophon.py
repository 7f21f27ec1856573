"""The colophon (colophon.py): versions, hashes, commit, commands and codebook, all read.

Each expectation is obtained another way than the module does it: a known SHA-256, the
version a package states about itself, the commit read from ``.git`` by hand, the Makefile's
own help, a data package written here field by field.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.analyses import fidelity
from survivors_perspectives.pages import colophon

# --- versions, hashes, commit ------------------------------------------------------------------


def test_package_versions_read_the_installed_ones_and_say_when_absent():
    import pytest as installed

    versions = colophon.package_versions(("pytest", "no-such-distribution-sp"))
    assert versions.index.tolist() == ["pytest", "no-such-distribution-sp", "python"]
    assert versions.loc["pytest", "Version"] == installed.__version__
    assert versions.loc["no-such-distribution-sp", "Version"] == "not installed"
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert versions.loc["python", "Version"] == python


def test_file_hashes_give_size_and_sha256(tmp_path):
    abc = tmp_path / "it's a $file.csv"
    abc.write_bytes(b"abc")
    table = colophon.file_hashes([abc, tmp_path / "gone.csv"])
    # SHA-256("abc"), the FIPS 180-2 test vector.
    assert table.loc[abc.as_posix()].tolist() == [
        3,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ]
    assert table.loc[(tmp_path / "gone.csv").as_posix()].tolist() == ["missing", "missing"]


def test_relative_paths_are_read_from_the_repository_and_shown_relative():
    relative = "data/reference/published_statistics.csv"
    table = colophon.file_hashes([relative])
    content = (paths.ROOT / relative).read_bytes()
    assert table.index.tolist() == [relative]
    assert table.loc[relative].tolist() == [len(content), hashlib.sha256(content).hexdigest()]


def test_outside_a_git_checkout_the_commit_is_unknown(tmp_path):
    assert colophon.git_commit(tmp_path) == "unknown"
    assert colophon.git_commit(tmp_path / "no such folder") == "unknown"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_commit_is_the_one_head_points_at(tmp_path):
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", "init", "-q", "-b", "work"], cwd=tmp_path, check=True, env=env)
    assert colophon.git_commit(tmp_path) == "unknown"  # no commit yet
    (tmp_path / "f").write_text("x")
    subprocess.run(["git", "add", "f"], cwd=tmp_path, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "m"], cwd=tmp_path, check=True, env=env)
    # Read the way git stores it: HEAD names the branch, the branch file holds the commit.
    head = (tmp_path / ".git" / "HEAD").read_text().strip()
    assert head == "ref: refs/heads/work"
    commit = (tmp_path / ".git" / "refs" / "heads" / "work").read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{40}", commit)
    assert colophon.git_commit(tmp_path) == commit


# --- commands ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make_vocabulary() -> tuple[set[str], set[str]]:
    """The targets and the variables `make help` lists."""
    help_text = subprocess.run(
        ["make", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True
    ).stdout
    targets = set(re.findall(r"^  make (\S+)", help_text, flags=re.MULTILINE))
    variables = set(re.findall(r"\b([A-Z_]+)=", help_text.split("Variables:", 1)[1]))
    assert {"book", "test", "data"} <= targets and {"DATA", "CONVERSATIONS_DATA"} <= variables
    return targets, variables


def _unknown_words(command: str, vocabulary: tuple[set[str], set[str]]) -> set[str]:
    targets, variables = vocabulary
    words = command.split()
    assert words[0] == "make", command
    named = {w for w in words[1:] if not w.startswith("-") and "=" not in w}
    assigned = {w.split("=")[0] for w in words if "=" in w}
    return (named - targets) | (assigned - variables) | ({"<no target>"} if not named else set())


def test_every_command_is_a_make_target_with_variables_make_reads(make_vocabulary):
    """The appendix once told readers `make book SURVEY=...`, which make never reads."""
    table = colophon.commands()
    assert table.columns.tolist() == ["What it does"]
    assert table.index.tolist() == [command for command, _ in colophon.COMMANDS]
    for command in table.index:
        assert _unknown_words(command, make_vocabulary) == set(), command
    assert "make book DATA=path/to/survey.csv CONVERSATIONS_DATA=path/to/conversations.csv" in (
        table.index
    )


#: Pages whose console blocks a reader copies.
PAGES = sorted([*paths.NOTEBOOKS.rglob("*.ipynb"), *(paths.ROOT / "book").glob("*.md")])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(paths.ROOT).as_posix())
def test_make_commands_shown_on_the_pages_are_ones_make_reads(page, make_vocabulary):
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    blocks = re.findall(r"```(?:console|bash|shell|sh)\n(.*?)```", text, flags=re.DOTALL)
    commands = [line.strip() for b in blocks for line in b.splitlines()]
    for command in (c for c in commands if c.startswith("make ")):
        assert _unknown_words(command, make_vocabulary) == set(), f"{page.name}: {command}"


# --- the codebook and the data package -----------------------------------------------------------


def _package(tmp_path, fields, **package):
    resource = {"name": "survey", "path": "survey.csv", "schema": {"fields": fields}}
    resource.update(package.pop("resource", {}))
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps({**package, "resources": [resource]}), encoding="utf-8")
    return path


FIELDS = [
    {
        "name": "country",
        "type": "string",
        "description": "Country where the respondent works.",
        "askedOf": "all respondents",
        "constraints": {"enum": ["Albania", "Peru"]},
    },
    {
        "name": "pct",
        "type": "integer",
        "description": "Share <b>of</b> caseload; =1+1",
        "constraints": {"minimum": 0, "maximum": 100},
        "assumed": True,
    },
    {"name": "trained", "type": "boolean", "askedOf": "workers"},
    {"name": "respondent_id", "type": "string", "constraints": {"pattern": "[A-Z]{3}-[0-9]{4,}"}},
    {"name": "note", "type": "string"},
]


def test_the_codebook_has_one_row_per_field_as_written(tmp_path):
    book = colophon.codebook(_package(tmp_path, FIELDS))
    expected = pd.DataFrame(
        {
            "Column": ["country", "pct", "trained", "respondent_id", "note"],
            "Type": ["string", "integer", "boolean", "string", "string"],
            "Allowed values": ["Albania / Peru", "0-100", "true / false", "[A-Z]{3}-[0-9]{4,}", ""],
            "Asked of": ["all respondents", "", "workers", "", ""],
            "Question": ["Country where the respondent works.", "Share <b>of</b> caseload; =1+1"]
            + [""] * 3,
            "Assumed option": ["", "yes", "", "", ""],
        },
    )
    pd.testing.assert_frame_equal(book, expected)


def test_the_shipped_codebook_lists_every_column_of_the_survey_file():
    header = paths.SURVEY.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert colophon.codebook()["Column"].tolist() == header


def test_data_package_facts(tmp_path):
    path = _package(
        tmp_path,
        FIELDS,
        name="frontline-survey-synthetic",
        title="Synthetic survey",
        description="Synthetic records.",
    )
    assert colophon.data_package_facts(path) == {
        "name": "frontline-survey-synthetic",
        "title": "Synthetic survey",
        "description": "Synthetic records.",
        "columns": 5,
        "path": "survey.csv",
    }


def test_without_a_package_description_the_resource_one_is_used(tmp_path):
    path = _package(tmp_path, FIELDS[:2], resource={"description": "The resource's words."})
    facts = colophon.data_package_facts(path)
    assert facts == {
        "name": "",
        "title": "",
        "description": "The resource's words.",
        "columns": 2,
        "path": "survey.csv",
    }


# --- the fidelity section ------------------------------------------------------------------------


def test_fidelity_section_counts_and_lists_the_misses():
    comparison = pd.DataFrame(
        {
            "id": ["a.pct", "b.count", "c.pct", "d.stat", "e.text"],
            "topic": ["profile", "profile", "workload", "workload", "methods"],
            "status": [
                fidelity.REPRODUCED,
                fidelity.REPRODUCED,
                fidelity.OFF_TARGET,
                fidelity.CONFLICT,
                fidelity.NOT_COMPUTABLE,
            ],
            "published": [58.0, 12.0, 41.25, 3.5, float("nan")],
            "reproduced": [58.0, 12.0, 47.0, float("nan"), float("nan")],
            "note": ["", "", "off by 5.75", "the report disagrees with itself", "questionnaire"],
        }
    )
    section = colophon.fidelity_section(comparison)
    assert section.key == "fidelity"
    # 5 figures, 4 computable (one not computable), 2 reproduced.
    assert section.numbers == {"computable": 4.0, "reproduced": 2.0}
    assert section.text[0].startswith(
        "Of the 5 figures in the published reference table, 4 can be recomputed"
    )
    assert (
        "Summary: 2 of 4 reproduced (1 conflict, 1 off_target, 1 not_computable)."
        in (section.text[0])
    )
    by_topic, misses = section.tables
    assert by_topic.caption == "Published figures by topic and status"
    # The figures' ids in a column headed "Id", not as row headers (issue #16 item 1).
    assert misses.data["Id"].tolist() == ["c.pct", "d.stat"]
    by_id = misses.data.set_index("Id")
    assert by_id.loc["c.pct", ["Published", "Reproduced"]].tolist() == ["41.2", "47"]
    assert by_id.loc["d.stat", ["Published", "Reproduced"]].tolist() == ["3.5", ""]
