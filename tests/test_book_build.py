"""The built book: complete, offline, free of errors, and swapped in only on success."""

from __future__ import annotations

import os
import shutil
import subprocess

import nbformat
import pytest

from survivors_perspectives import paths
from survivors_perspectives.build.build_book import BookBuildError, build_book, remote_resources
from survivors_perspectives.build.build_inputs import prepare, resolve
from survivors_perspectives.build.execute import find_error_outputs
from survivors_perspectives.countries import countries_in_csv, slugify


def test_index_and_intro_chapter_are_built(built_html):
    intro = (built_html / "intro.html").read_text()
    assert "Survivors" in intro
    assert "Content note" in intro
    assert "synthetic" in intro


def test_every_country_in_the_data_has_a_chapter(built_html):
    for country in countries_in_csv(paths.SURVEY):
        page = built_html / "countries" / f"{slugify(country)}.html"
        assert page.is_file(), page
        assert f"<h1>{country}" in page.read_text()


def test_executed_notebooks_hold_no_errors(built_book):
    executed = sorted(built_book.glob("*/*.ipynb"))
    assert executed, "no executed notebooks under book/"
    for path in executed:
        assert find_error_outputs(nbformat.read(path, as_version=4)) == [], path


def test_parameter_cells_are_not_shown(built_html):
    for page in (built_html / "countries").glob("*.html"):
        assert "injected-parameters" not in page.read_text()
        assert "# Parameters" not in page.read_text()


def test_nothing_is_loaded_from_the_network(built_html):
    assert remote_resources(built_html) == {}


def test_no_op_make_has_nothing_to_do(root, built_book):
    # `book` is phony (always "out of date" to make -q); ask the locked build (the make that
    # build_inputs runs) about the file it stands for.
    inputs = prepare(*resolve({}), root)
    targets = [*inputs.make_arguments(), "book/_build/html/index.html"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    result = subprocess.run(["make", "-q", *targets], cwd=root, capture_output=True, env=env)
    stale = subprocess.run(
        ["make", "-n", *targets], cwd=root, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, f"make book would run, with nothing changed:\n{stale.stdout}"


def test_remote_resources_are_detected(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.org/x.js"></script><a href="https://example.org">ok</a>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
    )
    assert remote_resources(tmp_path) == {
        "a.html": ["https://cdn.example.org/x.js", "//fonts.example.org/f.css"]
    }


@pytest.mark.slow
def test_failed_build_keeps_the_previous_book(tmp_path):
    source = tmp_path / "book"
    source.mkdir()
    shutil.copy(paths.BOOK / "_config.yml", source)
    (source / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (source / "intro.md").write_text("# A book\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    previous = tmp_path / "_build" / "html"
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("last good book")
    with pytest.raises(BookBuildError, match=r"previous book .* is unchanged"):
        build_book(source, tmp_path / "_build")
    assert (previous / "index.html").read_text() == "last good book"
    assert sorted(p.name for p in previous.iterdir()) == ["index.html"]
