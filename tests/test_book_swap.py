"""One swap publishes a run's HTML, reports and derived tables together, or nothing at all."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nbformat
import pytest

from survivors_perspectives import paths
from survivors_perspectives.build import build_book as bb
from survivors_perspectives.build import reports


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _published(build_dir: Path) -> dict[str, str]:
    return {
        f"{part}/{name}": digest
        for part in bb.RELEASE_PARTS
        for name, digest in _hashes(build_dir / part).items()
    }


def _country(source: Path, slug: str, title: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA page about {title}.")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    (source / "countries").mkdir(exist_ok=True)
    nbformat.write(notebook, source / "countries" / f"{slug}.ipynb")


@pytest.fixture
def source(tmp_path) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(paths.BOOK / "_config.yml", book)
    # What the configuration names beside itself: the local Sphinx extension and the styles.
    for folder in ("_ext", "_static"):
        shutil.copytree(
            paths.BOOK / folder, book / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - glob: countries/*\n", encoding="utf-8"
    )
    (book / "intro.md").write_text("# A book\n\nIntroduction.\n", encoding="utf-8")
    _country(book, "alpha", "Alpha")
    _country(book, "beta", "Beta")
    return book


@pytest.fixture
def fake_reports(monkeypatch):
    """Reports written one file per country notebook, like the real ones, but in no time."""
    calls = []

    def export(executed_dir, out_dir, **_):
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for notebook in sorted(Path(executed_dir).glob("*.ipynb")):
            (out_dir / f"{notebook.stem}.html").write_text(f"report {notebook.stem}")
            calls.append(notebook.stem)
        (out_dir / "index.html").write_text("index")

    monkeypatch.setattr(reports, "export_reports", export)
    return calls


@pytest.mark.slow
def test_a_run_is_published_whole_and_a_failed_one_changes_nothing(
    source, tmp_path, fake_reports, monkeypatch
):
    derived = tmp_path / "derived"
    derived.mkdir()
    (derived / "replication.csv").write_text("id,value\na,1\n")
    build = tmp_path / "_build"
    bb.build_book(source, build, derived_dir=derived, countries=["alpha", "beta"])
    for part in bb.RELEASE_PARTS:
        assert (build / part).is_symlink()
        assert (build / part).resolve().parent == (build / "current").resolve()
    assert (build / "html" / "countries" / "beta.html").is_file()
    assert sorted(p.name for p in (build / "reports").iterdir()) == [
        "alpha.html",
        "beta.html",
        "index.html",
    ]
    assert (build / "derived" / "replication.csv").read_text() == "id,value\na,1\n"
    first = _published(build)
    releases = sorted(p.name for p in (build / "releases").iterdir())
    assert len(releases) == 1

    # A run that fails while writing its reports: the pages built beside them never show.
    (derived / "replication.csv").write_text("id,value\na,2\n")

    def broken(executed_dir, out_dir, **_):
        Path(out_dir).mkdir(parents=True)
        (Path(out_dir) / "alpha.html").write_text("half of the reports")
        raise reports.ReportError("alpha.ipynb: no code cell has an output")

    monkeypatch.setattr(reports, "export_reports", broken)
    with pytest.raises(bb.BookBuildError, match=r"^country reports: alpha\.ipynb: no code cell"):
        bb.build_book(source, build, derived_dir=derived, countries=["alpha", "beta"])
    assert _published(build) == first
    assert sorted(p.name for p in (build / "releases").iterdir()) == releases

    # Ctrl-C during the run: the same.
    def interrupted(executed_dir, out_dir, **_):
        raise KeyboardInterrupt

    monkeypatch.setattr(reports, "export_reports", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bb.build_book(source, build, derived_dir=derived, countries=["alpha", "beta"])
    assert _published(build) == first
    assert sorted(p.name for p in (build / "releases").iterdir()) == releases

    # The check before the swap refuses the release: nothing changes either.
    def refuse(release):
        raise bb.BookBuildError("refused by the check before the swap")

    monkeypatch.setattr(reports, "export_reports", lambda *a, **k: None)
    monkeypatch.setattr(bb, "check_before_swap", refuse)
    with pytest.raises(bb.BookBuildError, match="refused"):
        bb.build_book(source, build, derived_dir=derived, countries=["alpha", "beta"])
    assert _published(build) == first


@pytest.mark.slow
def test_chapters_and_reports_of_countries_that_left_the_data_go(source, tmp_path, fake_reports):
    build = tmp_path / "_build"
    bb.build_book(source, build, countries=["alpha", "beta"])
    assert (build / "html" / "countries" / "beta.html").is_file()
    bb.build_book(source, build, countries=["alpha"])
    assert not (source / "countries" / "beta.ipynb").exists()
    assert not (build / "html" / "countries" / "beta.html").exists()
    assert "Beta" not in (build / "html" / "countries" / "alpha.html").read_text()
    assert sorted(p.name for p in (build / "reports").iterdir()) == ["alpha.html", "index.html"]
    assert len(list((build / "releases").iterdir())) == 1  # the old release is removed


def test_a_book_built_before_releases_is_adopted_then_replaced(tmp_path):
    build = tmp_path / "_build"
    (build / "html").mkdir(parents=True)
    (build / "html" / "index.html").write_text("old book")
    (build / "reports").mkdir()
    (build / "reports" / "index.html").write_text("old reports")
    staged = build / "releases" / ".staging-1"
    for part in bb.RELEASE_PARTS:
        (staged / part).mkdir(parents=True)
        (staged / part / "index.html").write_text(f"new {part}")
    bb.swap_in(build, staged)
    assert (build / "html" / "index.html").read_text() == "new html"
    assert (build / "reports" / "index.html").read_text() == "new reports"
    assert (build / "derived" / "index.html").read_text() == "new derived"
    assert [p.name for p in (build / "releases").iterdir()] == [(build / "current").resolve().name]


@pytest.mark.slow
def test_a_failed_derive_keeps_the_last_good_tables(tmp_path, monkeypatch):
    from survivors_perspectives.build import derive

    out = tmp_path / "derived"
    out.mkdir()
    for name in ("replication.csv", "audit.csv", "robustness.csv"):
        (out / name).write_text(f"last good {name}\n")

    def broken(*args, **kwargs):
        raise RuntimeError("robustness run failed")

    monkeypatch.setattr(derive, "_robustness", broken)
    with pytest.raises(RuntimeError, match="robustness run failed"):
        derive.build(paths.SURVEY, paths.CONVERSATIONS, out, seeds=5, progress=False)
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.csv",
        "replication.csv",
        "robustness.csv",
    ]
    for name in ("replication.csv", "audit.csv", "robustness.csv"):
        assert (out / name).read_text() == f"last good {name}\n"
