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


# --- The package layout (issue #17): subpackages that show the data flow ------------------

PACKAGE = "survivors_perspectives"
#: Subpackages, in the order data flows through them (DEVELOPING.md has the map).
SUBPACKAGES = (
    "published",
    "survey",
    "conversations",
    "synth",
    "analyses",
    "disclosure",
    "pages",
    "twin",
    "build",
)
#: Modules used by several layers: the only ones at the top of the package.
FOUNDATIONS = {
    "__init__",
    "atomic_files",
    "countries",
    "fingerprints",
    "frame_store",
    "notebook_deps",
    "notebook_inputs",
    "paths",
    "problem_listing",
    "stats",
    "validate",
}


def _package_dir(root):
    return root / "src" / PACKAGE


def _imports(path, package_dir):
    """Dotted names a package file imports (relative imports resolved), with line numbers."""
    import ast

    module = path.relative_to(package_dir.parent).with_suffix("").parts
    package = module[:-1]  # the importing module's package (``__init__`` included)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join([*package[: len(package) - (node.level - 1)], node.module or ""])
            else:
                base = node.module or ""
            base = base.rstrip(".")
            found += [(base, node.lineno)]
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_exists(root, name):
    assert (_package_dir(root) / name / "__init__.py").is_file(), name


def test_only_foundations_stay_at_the_top_of_the_package(root):
    top = {path.stem for path in _package_dir(root).glob("*.py")}
    assert top == FOUNDATIONS


def test_no_other_folder_in_the_package(root):
    folders = {
        path.name
        for path in _package_dir(root).iterdir()
        if path.is_dir() and path.name != "__pycache__"
    }
    assert folders == set(SUBPACKAGES)


@pytest.mark.parametrize("name", ["published", "analyses", "pages", "build"])
def test_new_subpackages_reexport_nothing(root, name):
    # no shims: a module is imported from where it lives
    assert _imports(_package_dir(root) / name / "__init__.py", _package_dir(root)) == []


def test_the_build_machinery_is_imported_by_nothing_else_in_the_package(root):
    package_dir = _package_dir(root)
    build = f"{PACKAGE}.build"
    offenders = [
        f"{path.relative_to(package_dir).as_posix()}:{line}: {name}"
        for path in sorted(package_dir.rglob("*.py"))
        if not path.is_relative_to(package_dir / "build")
        for name, line in _imports(path, package_dir)
        if name == build or name.startswith(build + ".")
    ]
    assert offenders == []


def test_the_import_check_sees_relative_and_absolute_imports(tmp_path):
    package_dir = tmp_path / PACKAGE
    (package_dir / "pages").mkdir(parents=True)
    page = package_dir / "pages" / "x.py"
    page.write_text("from ..build import derive\nimport survivors_perspectives.build.execute\n")
    names = [name for name, _ in _imports(page, package_dir)]
    assert f"{PACKAGE}.build.derive" in names
    assert f"{PACKAGE}.build.execute" in names
