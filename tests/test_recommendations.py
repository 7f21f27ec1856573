"""The 13 recommendations and the evidence each one cites."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.conversations import recommendations as rec
from survivors_perspectives.conversations import schema


@pytest.fixture(scope="module")
def sources():
    survey = set(pd.read_csv(paths.PUBLISHED_STATISTICS, dtype=str)["id"])
    themes = set(pd.read_csv(schema.CODEBOOK, dtype=str)["theme_id"])
    record = json.loads((paths.REFERENCE / "roundtable.json").read_text(encoding="utf-8"))
    insights = {item["insight_id"] for item in record["insights"]}
    return survey, themes, insights


def test_thirteen_recommendations_in_two_areas():
    numbers = [r.number for r in rec.RECOMMENDATIONS]
    assert numbers == list(range(1, 14))
    areas = pd.Series([r.area for r in rec.RECOMMENDATIONS]).value_counts()
    assert areas.to_dict() == {"Reporting mechanisms": 9, "Support services": 4}
    assert all(r.area == "Reporting mechanisms" for r in rec.RECOMMENDATIONS[:9])


def test_every_recommendation_cites_all_three_kinds(sources):
    survey, themes, insights = sources
    for r in rec.RECOMMENDATIONS:
        assert r.survey and r.themes and r.roundtable, r.number
        assert set(r.survey) <= survey, (r.number, set(r.survey) - survey)
        assert set(r.themes) <= themes, (r.number, set(r.themes) - themes)
        assert set(r.roundtable) <= insights, (r.number, set(r.roundtable) - insights)


def test_check_evidence_accepts_real_sources(sources):
    rec.check_evidence(*sources)


def test_check_evidence_rejects_unknown_id(sources):
    survey, themes, insights = sources
    with pytest.raises(
        rec.TraceabilityError,
        match=r"recommendation 1: conversation theme 'aware_reporting_before' not found",
    ):
        rec.check_evidence(survey, themes - {"aware_reporting_before"}, insights)


def test_traceability_long_table_counts_every_citation():
    long = rec.traceability()
    expected = sum(len(r.survey) + len(r.themes) + len(r.roundtable) for r in rec.RECOMMENDATIONS)
    assert len(long) == expected
    per_rec = long.groupby("recommendation").size()
    assert per_rec[13] == len(rec.RECOMMENDATIONS[12].survey) + 3 + 3
    assert set(long["shown_in"]) == set(rec.EVIDENCE_KINDS.values())


def test_traceability_matrix_groups(sources):
    codebook = schema.load_codebook()
    families = dict(zip(codebook["theme_id"], codebook["family"], strict=True))
    matrix = rec.traceability_matrix(families)
    assert list(matrix.index) == list(range(1, 14))
    assert matrix.to_numpy().sum() == len(rec.traceability())
    assert matrix.loc[11, "Conversations: support"] == sum(
        families[t] == "support" for t in rec.RECOMMENDATIONS[10].themes
    )
    assert matrix.loc[1, "Roundtable"] == 2
    assert matrix.columns[0].startswith("Survey") and matrix.columns[-1] == "Roundtable"


def test_summary_table_and_figure():
    codebook = schema.load_codebook()
    labels = codebook.set_index("theme_id")["label"]
    table = rec.summary_table(theme_labels=labels)
    assert table.shape[0] == 13
    assert labels["psych_stigma"] in table.loc[11, "Conversation themes"]
    figure = rec.traceability_figure(
        dict(zip(codebook["theme_id"], codebook["family"], strict=True))
    )
    assert figure.caption.startswith("Traceability matrix")
    assert "(1-9 reporting mechanisms, 10-13 support services)" in figure.caption
    assert rec.areas_sentence() == (
        "There are 13 recommendations: 9 on reporting mechanisms and 4 on support services."
    )
    assert figure.svg().startswith(b"<?xml")
