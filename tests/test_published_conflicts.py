"""Which published figures conflict: one list, read from the reference table by everyone."""

from __future__ import annotations

import pytest

from survivors_perspectives import paths
from survivors_perspectives.analyses import fidelity
from survivors_perspectives.published.conflicts import (
    ConflictReadError,
    published_conflicts,
    service_offered_by_org_type,
)
from survivors_perspectives.survey.load import load_survey
from survivors_perspectives.synth import spec as synth_spec


def test_the_generator_and_the_replication_read_the_same_conflicts(reference):
    conflicts = published_conflicts(reference)
    assert synth_spec.build_spec(reference).conflicts == conflicts
    assert sorted(conflicts) == [
        "awareness.rating.poor.pct",
        "caseload.online_share_of_total.one_in_five.exec_summary",
        "services.counselling_individual.pct",
        "services.counselling_individual.pct.men",
        "services.counselling_individual.pct.women",
    ]
    assert "'Other' organisations at" in conflicts["services.counselling_individual.pct"]


def test_the_replication_does_not_build_the_generator_spec(reference, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("fidelity built the generator spec")

    monkeypatch.setattr(synth_spec, "build_spec", refuse)
    survey = load_survey(paths.SURVEY)
    rows = fidelity.compare(reference, survey).set_index("id")
    assert rows.loc["services.counselling_individual.pct.men", "status"] == "conflict"


def test_a_missing_partner_figure_is_an_error_not_an_empty_list(reference):
    without = reference[reference["id"] != "services.sexual_health.pct.ngo"]
    with pytest.raises(
        ConflictReadError, match=r"'services.sexual_health.pct.ngo' is missing from the reference"
    ):
        published_conflicts(without)
    survey = load_survey(paths.SURVEY)
    with pytest.raises(ConflictReadError, match=r"services.sexual_health.pct.ngo"):
        fidelity.compare(without, survey)


def test_a_table_without_the_figures_has_no_conflict_to_decide(reference):
    services = reference["id"].str.startswith("services.")
    conflicts = published_conflicts(reference[~services])
    assert sorted(conflicts) == [
        "awareness.rating.poor.pct",
        "caseload.online_share_of_total.one_in_five.exec_summary",
    ]


def test_an_unreachable_statistic_names_the_service(reference):
    changed = reference.copy()
    changed.loc[changed["id"] == "services.reintegration.by_org_type.chi2", "value"] = 5000.0
    with pytest.raises(
        ConflictReadError, match=r"service_reintegration: X2\(2\) = 5000 unreachable"
    ):
        service_offered_by_org_type(changed, "reintegration")
    with pytest.raises(synth_spec.SpecError, match=r"service_reintegration: X2\(2\) = 5000"):
        synth_spec.build_spec(changed)
