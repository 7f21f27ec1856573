"""The papermill runner: retitles, hides parameters, is deterministic, fails safely."""

from __future__ import annotations

import json

import nbformat
import pytest
from notebook_fixtures import write_notebook

from survivors_perspectives.build.execute import (
    NotebookExecutionError,
    execute_notebook,
    find_error_outputs,
    main,
)


def test_runs_with_parameters_and_title(tmp_path):
    template = write_notebook(tmp_path / "t.ipynb", "print(country.upper())")
    out = execute_notebook(
        template, tmp_path / "out" / "peru.ipynb", {"country": "Peru"}, title="Peru"
    )
    notebook = nbformat.read(out, as_version=4)
    assert notebook.cells[0].source.splitlines()[0] == "# Peru"
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'country = "Peru"' in injected[0].source
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            assert "remove-cell" in tags
    assert notebook.cells[-1].outputs[0]["text"] == "PERU\n"
    assert notebook.metadata.papermill.parameters == {"country": "Peru"}
    assert notebook.metadata.papermill.output_path == str(tmp_path / "out" / "peru.ipynb")


def test_output_has_no_wall_clock_metadata(tmp_path):
    template = write_notebook(tmp_path / "t.ipynb", "x = 1")
    out = execute_notebook(template, tmp_path / "a.ipynb", {"country": "Peru"})
    text = out.read_text()
    for key in ('"start_time"', '"end_time"', '"duration"', '"iopub.execute_input"'):
        assert key not in text


def test_two_runs_are_byte_identical(tmp_path):
    template = write_notebook(
        tmp_path / "t.ipynb",
        "print(sum(range(10)))",
        "import pandas as pd\npd.DataFrame({'a': [1, 2]}).style",  # random ids, memory address
    )
    first = execute_notebook(template, tmp_path / "x" / "n.ipynb", {"country": "Peru"})
    first_bytes = first.read_bytes()
    second = execute_notebook(template, tmp_path / "x" / "n.ipynb", {"country": "Peru"})
    assert second.read_bytes() == first_bytes


def test_failing_cell_raises_and_keeps_previous_output(tmp_path):
    good = write_notebook(tmp_path / "good.ipynb", "print('ok')")
    bad = write_notebook(tmp_path / "bad.ipynb", "print('ok')", "1 / 0")
    dest = tmp_path / "book" / "albania.ipynb"
    execute_notebook(good, dest, {"country": "Albania"})
    before = dest.read_bytes()
    with pytest.raises(NotebookExecutionError, match="ZeroDivisionError") as caught:
        execute_notebook(bad, dest, {"country": "Albania"})
    assert "bad.ipynb failed in cell [4]" in str(caught.value)
    assert "1 / 0" in str(caught.value)
    assert dest.read_bytes() == before
    assert [p.name for p in dest.parent.iterdir()] == ["albania.ipynb"]


def test_cli_exit_code_and_message(tmp_path, capsys):
    bad = write_notebook(tmp_path / "bad.ipynb", "raise ValueError('no such country: Atlantis')")
    code = main([str(bad), str(tmp_path / "o.ipynb"), "-p", "country", "Atlantis"])
    assert code == 1
    err = capsys.readouterr().err
    assert "ValueError: no such country: Atlantis" in err
    assert not (tmp_path / "o.ipynb").exists()


def test_missing_template_is_reported(tmp_path):
    with pytest.raises(NotebookExecutionError, match="template notebook not found"):
        execute_notebook(tmp_path / "nope.ipynb", tmp_path / "o.ipynb")


def test_find_error_outputs_flags_stored_tracebacks(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("1", outputs=[]),
        nbformat.v4.new_code_cell(
            "2", outputs=[nbformat.v4.new_output("error", ename="E", evalue="v", traceback=[])]
        ),
    ]
    assert find_error_outputs(notebook) == [1]
    json.dumps(notebook)  # still a valid notebook structure


def test_nothing_is_written_beside_the_destination_while_cells_run(tmp_path):
    # Papermill's own per-cell saves (two a cell, each validating the whole notebook) are
    # off: the notebook stays in memory until every cell has run and passed the checks.
    out_dir = tmp_path / "book"
    out_dir.mkdir()
    template = write_notebook(
        tmp_path / "t.ipynb",
        f"import os\nseen = sorted(os.listdir({str(out_dir)!r}))",
        "print(seen)",
    )
    out = execute_notebook(template, out_dir / "peru.ipynb", {"country": "Peru"})
    printed = nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"]
    assert printed.strip() == "[]"
    assert sorted(p.name for p in out_dir.iterdir()) == ["peru.ipynb"]


def test_a_cell_running_past_the_timeout_is_reported_and_nothing_written(tmp_path):
    slow = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    dest = tmp_path / "book" / "slow.ipynb"
    with pytest.raises(NotebookExecutionError, match=r"stopped \(CellTimeoutError\)") as error:
        execute_notebook(slow, dest, {"country": "Peru"}, timeout=2)
    assert f"{dest} left unchanged" in str(error.value)
    assert not dest.exists()
