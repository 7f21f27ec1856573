"""Each executed notebook depends on exactly the package modules it uses."""

from __future__ import annotations

import nbformat
import pytest
from notebook_fixtures import write_notebook

from survivors_perspectives import notebook_deps, paths

SRC = paths.ROOT / "src" / "survivors_perspectives"


def test_from_import_of_a_module_and_of_a_name():
    code = (
        "from survivors_perspectives import paths\n"
        "from survivors_perspectives.analyses import audit\n"
        "from survivors_perspectives.published.reference import load_reference\n"
        "import pandas as pd\n"
    )
    assert notebook_deps.imported_modules(code) == {
        "survivors_perspectives",
        "survivors_perspectives.analyses",
        "survivors_perspectives.analyses.audit",
        "survivors_perspectives.paths",
        "survivors_perspectives.published.reference",
    }


def test_relative_imports_inside_the_package_are_followed():
    found = notebook_deps.imported_modules(
        "from .schema import COLUMNS\nfrom ..countries import COUNTRIES\n",
        current="survivors_perspectives.survey.load",
    )
    assert found == {"survivors_perspectives.survey.schema", "survivors_perspectives.countries"}


def test_closure_includes_parents_and_transitive_imports():
    files = notebook_deps.module_closure(["survivors_perspectives.survey.load"])
    assert SRC / "__init__.py" in files
    assert SRC / "survey" / "__init__.py" in files
    assert SRC / "survey" / "schema.py" in files
    assert SRC / "countries.py" in files  # imported by survey/schema.py
    assert SRC / "analyses" / "audit.py" not in files


def test_a_notebook_gets_its_modules_and_the_runner(tmp_path):
    nb = write_notebook(
        tmp_path / "n.ipynb", "%matplotlib inline\nfrom survivors_perspectives import countries"
    )
    assert notebook_deps.notebook_modules(nb) == {
        "survivors_perspectives",
        "survivors_perspectives.countries",
        "survivors_perspectives.build.execute",
    }


def test_only_notebooks_that_read_derived_tables_depend_on_them(tmp_path):
    reads = write_notebook(
        tmp_path / "a.ipynb", "import pandas as pd\npd.read_csv(f'{derived_dir}/audit.csv')"
    )
    ignores = write_notebook(tmp_path / "b.ipynb", "x = 1")
    notebook = nbformat.read(ignores, as_version=4)
    notebook.cells[1].source += '\nderived_dir = "data/derived"'  # the parameters cell
    nbformat.write(notebook, ignores)
    assert notebook_deps.reads_derived(reads)
    assert not notebook_deps.reads_derived(ignores)


def test_include_file_for_the_real_notebooks():
    text = notebook_deps.makefile_include("book", ["data/derived/audit.csv"])
    rules = dict(line.split(": ", 1) for line in text.splitlines() if line.startswith("book/"))
    assert "src/survivors_perspectives/analyses/audit.py" in rules["book/chapters/audit.ipynb"]
    assert "data/derived/audit.csv" in rules["book/chapters/replication.ipynb"]
    assert "data/derived/audit.csv" not in rules["book/chapters/overview.ipynb"]
    country = next(line for line in text.splitlines() if line.startswith("COUNTRY_DEPS := "))
    assert "src/survivors_perspectives/pages/country_chapter.py" in country
    assert "src/survivors_perspectives/analyses/audit.py" not in country


def test_every_module_named_as_a_dependency_root_exists():
    # after a move, a stale name would shrink a make step's prerequisites to ``__init__.py``
    from survivors_perspectives.analyses import robustness

    named = [*notebook_deps.MAKE_STEPS.values(), *notebook_deps.RUNNER, *robustness.KEY_MODULES]
    assert [name for name in named if notebook_deps.module_file(name) is None] == []


def test_each_make_step_depends_on_the_module_it_runs():
    text = notebook_deps.makefile_include("book", [])
    steps = dict(line.split(" := ", 1) for line in text.splitlines() if " := " in line)
    for variable, module in notebook_deps.MAKE_STEPS.items():
        own = paths.relative_to_root(notebook_deps.module_file(module))
        assert own in steps[variable].split(), variable


def test_a_stale_module_name_is_an_error_not_an_empty_closure():
    with pytest.raises(
        notebook_deps.UnknownModuleError, match=r"survivors_perspectives\.no_such_module$"
    ):
        notebook_deps.module_closure(["survivors_perspectives.no_such_module"])
