"""CITATION.cff, .zenodo.json, CHANGELOG.md and pyproject.toml tell one story of the release."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tomllib

import pytest
import yaml

from survivors_perspectives import paths

ROOT = paths.ROOT
RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})$", re.M)


@pytest.fixture(scope="module")
def cff():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zenodo():
    return json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture(scope="module")
def newest_release():
    match = RELEASE.search((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert match, "CHANGELOG.md: no '## [x.y.z] - YYYY-MM-DD' release heading"
    return match["version"], match["date"]


def test_the_compendium_is_the_preferred_citation_and_the_report_a_reference(cff):
    preferred = cff["preferred-citation"]
    assert preferred["type"] == "software"
    for key in ("title", "authors", "version", "date-released", "license"):
        assert preferred[key] == cff[key], key
    report = cff["references"][0]
    assert report["type"] == "report"
    assert report["year"] == 2022
    assert report["title"] == "Child Sexual Exploitation and Abuse Online: Survivors' Perspectives"


def test_version_agrees_everywhere(cff, zenodo, project, newest_release):
    version, _ = newest_release
    assert project["version"] == version
    assert str(cff["version"]) == version
    assert zenodo["version"] == version


def test_release_date_agrees_everywhere_and_is_not_in_the_future(cff, zenodo, newest_release):
    _, date = newest_release
    assert str(cff["date-released"]) == date
    assert zenodo["publication_date"] == date
    assert dt.date.fromisoformat(date) <= dt.datetime.now(tz=dt.UTC).date()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_release_date_is_not_before_the_commit_that_set_the_version(project):
    # A version bumped without moving the date (or a date left behind) fails here.
    result = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "-G", r"^version = ", "--", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        pytest.skip("not a git checkout with history")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["date-released"]) >= result.stdout.strip()


def test_zenodo_metadata_matches_the_citation(cff, zenodo):
    assert zenodo["title"] == cff["title"]
    assert zenodo["upload_type"] == "software"
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in cff["authors"]]
    assert zenodo["license"] == {"id": cff["license"]}  # the form cffconvert -f zenodo writes
    assert zenodo["keywords"] == cff["keywords"]
    assert zenodo["description"].startswith(" ".join(cff["abstract"].split()))
    report = cff["references"][0]
    assert any(report["title"] in ref and "(2022)" in ref for ref in zenodo["references"])


def test_licence_metadata_is_spdx(project):
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert project["license-files"] == ["LICENSE"]


def test_citation_cff_is_valid_for_cffconvert():
    cffconvert = shutil.which("cffconvert")
    if cffconvert is None:
        pytest.skip("cffconvert is not installed (pip install cffconvert, in its own venv)")
    result = subprocess.run(
        [cffconvert, "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Citation metadata are valid according to schema version 1.2.0."


def test_citation_cff_is_valid_against_the_cff_1_2_0_schema():
    # The schema cffconvert 2.0.0 ships (CC BY 4.0, the Citation File Format authors), kept
    # here because cffconvert needs jsonschema 3, which cannot sit beside Jupyter's.
    import jsonschema

    schema = json.loads(
        (ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text()
    )
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(text))
    broken = yaml.safe_load(text)
    broken["preferred-citation"]["type"] = "compendium"
    with pytest.raises(jsonschema.ValidationError, match="'compendium' is not one of"):
        jsonschema.Draft7Validator(schema).validate(broken)
