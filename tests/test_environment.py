"""pyproject.toml, requirements.lock and environment.yml describe one environment."""

from __future__ import annotations

from survivors_perspectives.build import environment


def test_three_files_agree():
    assert environment.disagreements() == []


def test_jupyter_book_is_held_below_2():
    requirement = environment.direct_requirements()["jupyter-book"]
    assert not requirement.specifier.contains("2.0.0")
    assert environment.locked_versions()["jupyter-book"].startswith("1.")


def test_jsonschema_is_held_below_the_slow_iri_checker():
    # jsonschema 4.25 pulls in rfc3987-syntax, whose import compiles a grammar (1.5 s) in
    # every papermill, nbconvert and Sphinx process: 20 notebooks pay it on each cold build.
    locked = environment.locked_versions()
    assert locked["jsonschema"] == "4.24.1"
    assert "rfc3987-syntax" not in locked
    assert "lark" not in locked


def test_environment_yml_is_generated_from_the_lock():
    assert environment.render_environment() == environment.ENVIRONMENT.read_text()


def test_a_drifted_pin_is_reported(tmp_path):
    drifted = tmp_path / "environment.yml"
    drifted.write_text(environment.ENVIRONMENT.read_text().replace("pandas==", "pandas==0.0.1+"))
    problems = environment.disagreements(environment=drifted)
    assert any(p.startswith("environment.yml: pandas is 0.0.1+") for p in problems)


def test_a_lock_outside_the_range_is_reported(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        environment.LOCK.read_text().replace("jupyter-book==1.0.4.post1", "jupyter-book==2.0.0")
    )
    problems = environment.disagreements(lock=lock)
    assert any("jupyter-book==2.0.0 is outside" in p for p in problems)
