"""Students: notebooks run from their own folder, JupyterLab at the root, Binder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from survivors_perspectives import notebook_inputs, paths
from survivors_perspectives.build import binder

ROOT = paths.ROOT
NOTEBOOKS = sorted(paths.NOTEBOOKS.rglob("*.ipynb"))
COURSE = sorted((paths.NOTEBOOKS / "course").glob("*.ipynb"))


# --- Paths -------------------------------------------------------------------------------------


def test_root_is_found_from_the_checkout_the_environment_or_a_folder_inside(tmp_path):
    assert paths.find_root(environ={}) == ROOT
    assert paths.find_root(environ={paths.ROOT_VARIABLE: str(tmp_path)}) == tmp_path.resolve()


def test_an_installed_package_finds_the_compendium_above_the_current_folder(tmp_path):
    # A non-editable install: the package lies in site-packages, away from the data.
    site = tmp_path / "site-packages"
    shutil.copytree(
        ROOT / "src" / "survivors_perspectives",
        site / "survivors_perspectives",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    code = (
        "from survivors_perspectives import paths; print(paths.ROOT); print(paths.SURVEY.is_file())"
    )
    env = {k: v for k, v in os.environ.items() if k != paths.ROOT_VARIABLE}
    env["PYTHONPATH"] = str(site)
    for cwd in (ROOT / "notebooks" / "course", ROOT):
        result = subprocess.run(
            [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert result.stdout.split() == [str(ROOT), "True"]


def test_relative_paths_resolve_against_the_root_and_absolute_ones_stay(tmp_path):
    assert paths.at_root("data/synthetic/frontline_survey.csv") == paths.SURVEY
    assert paths.at_root(tmp_path / "x.csv") == tmp_path / "x.csv"


def test_resolve_makes_missing_derived_tables_once(tmp_path, monkeypatch):
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        out = Path(command[command.index("--out") + 1])
        for name in notebook_inputs.DERIVED_FILES:
            (out / name).write_text("made\n")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(notebook_inputs.subprocess, "run", fake_run)
    derived = tmp_path / "derived"
    survey, conversations, out = notebook_inputs.resolve(
        "data/synthetic/frontline_survey.csv", "data/synthetic/survivor_conversations.csv", derived
    )
    assert (survey, conversations, out) == (paths.SURVEY, paths.CONVERSATIONS, derived)
    assert len(calls) == 1
    assert calls[0][1:3] == ["-m", "survivors_perspectives.build.derive"]
    assert calls[0][calls[0].index("--survey") + 1] == str(paths.SURVEY)
    notebook_inputs.resolve(survey, conversations, derived)
    assert len(calls) == 1  # all there now: nothing made again


def test_a_failed_derive_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(
        notebook_inputs.subprocess,
        "run",
        lambda command, **kwargs: subprocess.CompletedProcess(command, 2, "", "derive: boom\n"),
    )
    with pytest.raises(
        RuntimeError, match=r"making the derived tables in .* failed: \['derive: boom'\]"
    ):
        notebook_inputs.resolve(paths.SURVEY, paths.CONVERSATIONS, tmp_path / "d")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(paths.NOTEBOOKS).as_posix())
def test_every_notebook_resolves_its_parameters_right_after_the_imports(path):
    cells = nbformat.read(path, as_version=4).cells
    code = [c for c in cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata["tags"]
    resolver = code[2]
    assert resolver.metadata["tags"] == ["remove-cell"]
    names = "survey_path, conversations_path"
    # Only notebooks that read the derived tables ask for them (and wait for them in make).
    if any("derived_dir" in c.source for c in code[3:]):
        names += ", derived_dir"
    assert f"{names} = notebook_inputs.resolve(" in " ".join(resolver.source.split()).replace(
        "( ", "("
    )


# --- JupyterLab and Binder ----------------------------------------------------------------------


def test_make_lab_opens_jupyterlab_at_the_root_with_the_projects_kernel():
    result = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    lab = [
        line for line in result.stdout.replace("\\\n", " ").splitlines() if "jupyter lab" in line
    ]
    assert len(lab) == 1, result.stdout + result.stderr
    assert f'--ServerApp.root_dir="{ROOT}"' in lab[0]
    assert "--MultiKernelManager.default_kernel_name=survivors-perspectives" in lab[0]
    assert " notebooks" not in lab[0]  # a positional folder would override the root


def test_binder_installs_the_lock_registers_the_kernel_and_makes_the_tables():
    requirements = (ROOT / "binder" / "requirements.txt").read_text().split("\n")
    assert "-r ../requirements.lock" in requirements
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    text = post_build.read_text()
    assert "ipykernel install --user --name survivors-perspectives" in text
    assert "python -m survivors_perspectives.build.derive" in text
    assert text.splitlines()[0] == "#!/bin/bash" and "set -euo pipefail" in text


@pytest.mark.parametrize(
    ("repository", "expected"),
    [
        (
            "https://github.com/ecpat/survivors-perspectives",
            "https://mybinder.org/v2/gh/ecpat/survivors-perspectives/HEAD"
            "?urlpath=lab%2Ftree%2Fnotebooks%2Fcourse",
        ),
        (
            "https://gitlab.com/ecpat/survivors-perspectives.git",
            "https://mybinder.org/v2/gl/ecpat%2Fsurvivors-perspectives/HEAD"
            "?urlpath=lab%2Ftree%2Fnotebooks%2Fcourse",
        ),
        (
            "https://git.example.org/sp.git",
            "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fsp.git/HEAD"
            "?urlpath=lab%2Ftree%2Fnotebooks%2Fcourse",
        ),
    ],
)
def test_binder_launch_link(repository, expected):
    assert binder.launch_url(repository) == expected


def test_no_repository_address_means_one_line_saying_where_to_set_it(tmp_path, capsys):
    cff = tmp_path / "CITATION.cff"
    cff.write_text("cff-version: 1.2.0\ntitle: x\n")
    with pytest.raises(binder.BinderError, match="no repository-code; add the repository's"):
        binder.repository_from_cff(cff)
    assert binder.main(["--repository", "ssh://git@host/x"]) == 1
    assert capsys.readouterr().err == (
        "error: repository-code 'ssh://git@host/x': expected an https:// git address\n"
    )


# --- Every course notebook, run from its own folder ----------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.stem)
def test_course_notebook_runs_from_its_own_folder_with_default_parameters(path, tmp_path):
    """As a student's kernel runs it: started in the notebook's folder, nothing injected."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVIVORS_PERSPECTIVES_")}
    client = NotebookClient(
        notebook,
        kernel_name="survivors-perspectives",
        resources={"metadata": {"path": str(path.parent)}},
        timeout=600,
    )
    client.execute(env=env)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert sum(bool(c.get("outputs")) for c in notebook.cells if c.cell_type == "code") >= 3


@pytest.mark.slow
def test_make_lab_serves_the_repository_root_with_the_projects_kernel_as_default(built_book):
    import json
    import socket
    import time
    import urllib.request

    # The book's build made the derived tables the lab's notebooks read.
    assert notebook_inputs.missing_derived(paths.DERIVED) == [], "data/derived is incomplete"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = f"--no-browser --port={port} --ServerApp.token=t --ServerApp.ip=127.0.0.1"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_OPTIONS={options}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def get(path):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token=t", timeout=5) as r:
            return json.load(r)

    try:
        for _ in range(120):
            try:
                specs = get("/api/kernelspecs")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        assert specs["default"] == "survivors-perspectives"
        assert "survivors-perspectives" in specs["kernelspecs"]
        root = {item["name"] for item in get("/api/contents/")["content"]}
        assert {"notebooks", "data", "src", "Makefile"} <= root
        course = {item["name"] for item in get("/api/contents/notebooks/course")["content"]}
        assert {p.name for p in COURSE} <= course
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
