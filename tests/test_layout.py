"""The repository has the shape the design fixes, and make documents itself."""

from __future__ import annotations

import subprocess

import pytest
import yaml

REQUIRED = [
    "README.md",
    "LICENSE",
    "CITATION.cff",
    "environment.yml",
    "pyproject.toml",
    "requirements.lock",
    "Makefile",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".ci/run",
    "notebooks",
    "data/reference",
    "data/synthetic",
    "book/_config.yml",
    "book/_toc.yml",
    "tests",
    "src/survivors_perspectives/__init__.py",
    "src/survivors_perspectives/paths.py",
]


@pytest.mark.parametrize("relative", REQUIRED)
def test_required_path_exists(root, relative):
    assert (root / relative).exists(), relative


def test_readme_gives_the_two_commands_first(root):
    text = (root / "README.md").read_text()
    first_block = text.split("```console", 1)[1].split("```", 1)[0]
    assert "make book" in first_block
    assert "make test" in first_block
    assert "book/_build/html/index.html" in text


def test_ci_runs_exactly_the_readme_test_command(root):
    lines = [
        line.strip()
        for line in (root / ".ci/run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[-1] == "make test"


def test_citation_cites_compendium_and_report(root):
    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "software"
    assert citation["preferred-citation"]["type"] == "software"
    report = citation["references"][0]
    assert report["type"] == "report"
    assert report["year"] == 2022
    assert {a["name"] for a in report["authors"]} == {
        "ECPAT International",
        "WeProtect Global Alliance",
    }


def test_licence_separates_code_and_data(root):
    text = (root / "LICENSE").read_text()
    assert "MIT License" in text
    assert "CC BY 4.0" in text


def test_gitignore_covers_build_products(root):
    ignored = (root / ".gitignore").read_text().split()
    for entry in (".venv/", "book/_build/", "book/countries/", "data/derived/"):
        assert entry in ignored


def test_make_help_lists_targets(root):
    result = subprocess.run(["make", "help"], cwd=root, capture_output=True, text=True, check=True)
    for target in ("book", "test", "data", "lab", "clean", "lint", "format", "lock", "venv"):
        assert f"make {target} " in result.stdout


def test_committed_notebooks_have_no_outputs(root):
    import nbformat

    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert notebook.metadata.kernelspec.name == "survivors-perspectives", path
        assert "language_info" in notebook.metadata, path
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path
