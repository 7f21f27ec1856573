"""Every valid file builds: property-based datasets at the edges of what validation accepts.

Hypothesis draws, from the shipped synthetic survey, files that are valid but extreme: the
optional question (``caseload_online_pct``) unanswered by everyone, a country cut to exactly
the minimum number of respondents, a question every respondent answered the same way (so
its other categories hold 0 people) or all but one (a category of 1 person). Each must
validate, and then every analysis the book runs on it must complete: the derived tables,
every section of every country chapter, the overview and the cross-country tests, and the
disclosure audit must pass on the ledger those pages record. Two edge files are also run
through the real notebooks, each page's own ledger audited as the build keeps it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survivors_perspectives import paths
from survivors_perspectives.analyses import cross_country
from survivors_perspectives.build import derive
from survivors_perspectives.build.execute import find_error_outputs
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.countries import COUNTRIES, slugify
from survivors_perspectives.disclosure import audit, ledger
from survivors_perspectives.pages import country_chapter as cr
from survivors_perspectives.pages import overview, stats_figures
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.survey import load_survey
from survivors_perspectives.survey.schema import COLUMNS
from survivors_perspectives.validate import MIN_COUNTRY_RESPONDENTS, validate_inputs

#: Questions asked of everyone with a fixed list of answers (country aside): any of them may
#: be answered identically by every respondent.
EVERYONE_CATEGORIES = [
    c for c in COLUMNS if c.kind == "category" and c.asked_if == "everyone" and c.name != "country"
]
#: Yes/no items asked of everyone that no skip rule depends on.
EVERYONE_FLAGS = [
    c.name
    for c in COLUMNS
    if c.kind == "boolean"
    and c.asked_if == "everyone"
    and c.name not in {"supported_boys", "supported_girls"}
]
KERNEL = "survivors-perspectives"
SECTIONS = cr.SURVEY_SECTIONS[1:]  # every section after the profile


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return pd.read_csv(paths.SURVEY, dtype=str, keep_default_na=False)


@st.composite
def edge_survey(draw, base: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Draw a valid survey at the edges, with a list saying which edges it has.

    The list ends with the country cut to the minimum size.
    """
    survey = base.copy()
    edges = []
    if draw(st.booleans()):
        survey["caseload_online_pct"] = ""
        edges.append("caseload_online_pct empty everywhere")
    small = draw(st.sampled_from(COUNTRIES))
    rows = survey.index[survey["country"] == small]
    survey = survey.drop(index=rows[MIN_COUNTRY_RESPONDENTS:]).reset_index(drop=True)
    edges.append(f"{small} with exactly {MIN_COUNTRY_RESPONDENTS} respondents")
    for column in draw(st.lists(st.sampled_from(EVERYONE_CATEGORIES), max_size=2, unique=True)):
        answer, other = draw(
            st.lists(st.sampled_from(column.categories), min_size=2, max_size=2, unique=True)
        )
        survey[column.name] = answer
        if draw(st.booleans()):
            survey.loc[0, column.name] = other
            edges.append(f"{column.name}: all {answer!r} but one {other!r}")
        else:
            edges.append(f"{column.name}: all {answer!r}")
    flag = draw(st.sampled_from(EVERYONE_FLAGS))
    value = draw(st.sampled_from(["true", "false"]))
    survey[flag] = value
    edges.append(f"{flag}: all {value}")
    edges.append(small)
    return survey, edges


def run_every_analysis(survey_path, out_dir, country: str) -> list[ledger.Entry]:
    """Run what the book's notebooks run on a survey file; any exception fails the test.

    Every section of one country's chapter (the edited one), the overview, the published
    tests rerun with their assumptions and post-hoc comparisons, and the derived tables.
    Returns the disclosure ledger those pages would carry, each entry with its page.
    """
    survey = load_survey(survey_path)
    conversations = load_conversations(paths.CONVERSATIONS)
    reference = load_reference()
    derive.build(survey_path, paths.CONVERSATIONS, out_dir, seeds=0, progress=False)
    with ledger.recording() as chapter:
        sections = {"respondents": cr.respondents(survey, country, reference)}
        for name in SECTIONS:
            sections[name] = getattr(cr, name)(survey, country)
        sections["conversations"] = cr.conversations(conversations, country)
        sections["published"] = cr.published_beside_ours(survey, conversations, country, reference)
        cr.recommendations(sections, country)
        plt.close("all")
    with ledger.recording() as overview_page:
        overview.sample_by_country(survey, reference)
        overview.profiles(survey, reference)
        overview.key_figures(survey)
        plt.close("all")
    recomputed = cross_country.recompute_published(survey, reference)
    stats_figures.effect_sizes(recomputed)
    cross_country.assumption_checks(survey)
    cross_country.posthoc_all(survey)
    plt.close("all")
    return _on_page(chapter, f"countries/{slugify(country)}.ipynb") + _on_page(
        overview_page, "chapters/overview.ipynb"
    )


def _on_page(entries: list[ledger.Entry], page: str) -> list[ledger.Entry]:
    return [dataclasses.replace(entry, page=page) for entry in entries]


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_valid_files_at_the_edges_validate_and_every_analysis_completes(
    data, shipped, tmp_path_factory
):
    survey, edges = data.draw(edge_survey(shipped), label="edge survey")
    folder = tmp_path_factory.mktemp("edge")
    path = folder / "edge.csv"
    survey.to_csv(path, index=False)
    assert validate_inputs(path, paths.CONVERSATIONS) == [], edges
    entries = run_every_analysis(path, folder / "derived", edges[-1])
    result = audit.audit_entries(entries)
    assert result.protected > 0, (edges, result.report())
    assert result.ok, (edges, result.report())


@pytest.mark.slow
def test_an_optional_question_unanswered_by_everyone_builds_the_derived_tables(shipped, tmp_path):
    """The reproduced failure: derive stopped with a traceback on this valid file."""
    survey = shipped.assign(caseload_online_pct="")
    path = tmp_path / "no_online_share.csv"
    survey.to_csv(path, index=False)
    assert validate_inputs(path, paths.CONVERSATIONS) == []
    written = derive.build(path, paths.CONVERSATIONS, tmp_path / "derived", seeds=0)
    table = pd.read_csv(written["replication"])
    anova = table.set_index("id").loc["caseload.online_share_of_se.by_country.anova"]
    assert anova["status"] == "not_computable"
    assert anova["note"] == (
        "not on these data: ANOVA of 'caseload_online_pct' by 'country' needs at least 2 "
        "groups with answers; found 0"
    )


@pytest.fixture(scope="module")
def edge_file(shipped, tmp_path_factory):
    """One file with every edge at once: no online share, a 10-person Moldova, one answer."""
    survey = shipped.assign(caseload_online_pct="", public_awareness="Poor")
    survey.loc[0, "public_awareness"] = "Good"
    moldova = survey.index[survey["country"] == "Moldova"]
    survey = survey.drop(index=moldova[MIN_COUNTRY_RESPONDENTS:])
    path = tmp_path_factory.mktemp("edge") / "edge.csv"
    survey.to_csv(path, index=False)
    assert validate_inputs(path, paths.CONVERSATIONS) == []
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "parameters", "shown"),
    [
        # A 10-person country: its small cells are withheld.
        ("country_findings.ipynb", {"country": "Moldova"}, ' suppressed"'),
        ("chapters/overview.ipynb", {}, "Moldova"),
    ],
)
def test_the_notebooks_run_on_a_file_at_every_edge(
    notebook, parameters, shown, edge_file, tmp_path
):
    from survivors_perspectives.build.execute import execute_notebook

    output = tmp_path / Path(notebook).name
    parameters = {
        "survey_path": str(edge_file),
        "conversations_path": str(paths.CONVERSATIONS),
        **parameters,
    }
    execute_notebook(paths.NOTEBOOKS / notebook, output, parameters, kernel=KERNEL)
    executed = nbformat.read(output, as_version=4)
    assert find_error_outputs(executed) == []
    # The page's own disclosure ledger, as the build keeps it, passes the audit.
    packed = executed.metadata["survivors_perspectives"][ledger.METADATA_KEY]
    result = audit.audit_entries(ledger.unpack(packed, Path(notebook).as_posix()))
    assert result.entries > 0
    assert result.ok, result.report()
    text = "".join(str(o) for c in executed.cells for o in c.get("outputs", []))
    assert shown in text
