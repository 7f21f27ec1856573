"""How each published conversation figure is computed from a conversations frame.

Every row of ``data/reference/published_conversations.csv`` has a spec here saying which
people to count (or which age extreme to take). ``CONVERSATION_MEASURES`` turns the specs into
functions of a frame; the survey's fidelity report looks that dictionary up, and the
generator reads the same specs to know which targets it must hit. A published row without a
spec, or a spec without a row, is an error (see :func:`check_specs_cover`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from survivors_perspectives import paths

#: The published reference table for the conversations.
PUBLISHED_CONVERSATIONS = paths.REFERENCE / "published_conversations.csv"
#: A note starting with this marks a figure the data cannot reproduce because the report
#: contradicts itself; the note names the figure the data follow instead.
CONFLICT_NOT_REPRODUCED = "CONFLICT (not reproduced)"


@dataclass(frozen=True)
class Count:
    """Count people matching every given condition.

    ``column``/``value`` select one coded value (a theme coded 1, or a category); ``country``,
    ``gender`` and ``status`` narrow the group; ``targeted_between`` bounds the age when first
    targeted (inclusive).
    """

    column: str | None = None
    value: object = 1
    country: str | None = None
    gender: str | None = None
    status: str = "participant"
    targeted_between: tuple[int, int] | None = None


@dataclass(frozen=True)
class Extreme:
    """The minimum or maximum of an age column among participants (optionally one country)."""

    column: str
    how: str
    country: str | None = None
    gender: str | None = None


@dataclass(frozen=True)
class Distinct:
    """The number of distinct values of a column among participants."""

    column: str


Spec = Count | Extreme | Distinct


def _mask(frame: pd.DataFrame, status: str, country: str | None, gender: str | None) -> pd.Series:
    """Select the rows of one status, country and gender (a mask: cheaper than copies)."""
    mask = frame["status"] == status
    if country is not None:
        mask &= frame["country"] == country
    if gender is not None:
        mask &= frame["gender"] == gender
    return mask


def evaluate(spec: Spec, frame: pd.DataFrame) -> float:
    """Compute one figure from a conversations frame."""
    if isinstance(spec, Count):
        mask = _mask(frame, spec.status, spec.country, spec.gender)
        if spec.column is not None:
            mask &= (frame[spec.column] == spec.value).fillna(False).astype(bool)
        if spec.targeted_between is not None:
            low, high = spec.targeted_between
            within = frame["age_first_targeted"].between(low, high)
            mask &= within.fillna(False).astype(bool)
        return float(mask.sum())
    if isinstance(spec, Extreme):
        mask = _mask(frame, "participant", spec.country, spec.gender)
        values = frame.loc[mask, spec.column].dropna()
        if values.empty:
            return float("nan")
        return float(values.min() if spec.how == "min" else values.max())
    if isinstance(spec, Distinct):
        return float(frame.loc[frame["status"] == "participant", spec.column].nunique())
    raise TypeError(f"unknown spec {spec!r}")


_PEOPLE = {"participant": "participants", "declined": "people who declined"}


def describe(spec: Spec) -> str:
    """Say in words what a spec computes (the replication table's "how it is computed").

    The text names columns and values of the codebook, never a number from the data.
    """
    if isinstance(spec, Count):
        conditions = []
        if spec.column is not None:
            value = f'"{spec.value}"' if isinstance(spec.value, str) else repr(spec.value)
            conditions.append(f"{spec.column} == {value}")
        if spec.gender is not None:
            conditions.append(f'gender == "{spec.gender}"')
        if spec.targeted_between is not None:
            low, high = spec.targeted_between
            conditions.append(f"age_first_targeted between {low} and {high}")
        text = f"number of {_PEOPLE.get(spec.status, spec.status)}"
        if conditions:
            text += " with " + " and ".join(conditions)
        return text + (f", in {spec.country}" if spec.country else "")
    if isinstance(spec, Extreme):
        word = "lowest" if spec.how == "min" else "highest"
        who = "participants" + (f' with gender == "{spec.gender}"' if spec.gender else "")
        return f"{word} {spec.column} among {who}" + (
            f", in {spec.country}" if spec.country else ""
        )
    if isinstance(spec, Distinct):
        return f"number of distinct values of {spec.column} among participants"
    raise TypeError(f"unknown spec {spec!r}")


def _theme(theme: str, country: str, gender: str | None = None) -> Count:
    """Count participants in one country coded 1 for a theme."""
    return Count(column=theme, country=country, gender=gender)


#: One spec per published conversation figure.
MEASURE_SPECS: dict[str, Spec] = {
    "conversations.participants.count": Count(),
    "conversations.participants.women.count": Count(gender="female"),
    "conversations.participants.men.count": Count(gender="male"),
    "conversations.countries.count": Distinct("country"),
    # Participants per country (Bosnia and Herzegovina included: zero).
    "conversations.participants.count.albania": Count(country="Albania"),
    "conversations.participants.count.bosnia-and-herzegovina": Count(
        country="Bosnia and Herzegovina"
    ),
    "conversations.participants.count.colombia": Count(country="Colombia"),
    "conversations.participants.count.mexico": Count(country="Mexico"),
    "conversations.participants.count.moldova": Count(country="Moldova"),
    "conversations.participants.count.peru": Count(country="Peru"),
    "conversations.participants.men.count.mexico": Count(country="Mexico", gender="male"),
    "conversations.participants.men.count.colombia": Count(country="Colombia", gender="male"),
    "conversations.participants.women.count.peru": Count(country="Peru", gender="female"),
    "conversations.age.min": Extreme("age_at_conversation", "min"),
    "conversations.age.max": Extreme("age_at_conversation", "max"),
    "conversations.age_targeted.min": Extreme("age_first_targeted", "min"),
    "conversations.age_targeted.max": Extreme("age_first_targeted", "max"),
    "conversations.age_targeted.14_17.men.count": Count(gender="male", targeted_between=(14, 17)),
    "conversations.age_targeted.under_12.women.count.mexico": Count(
        country="Mexico", gender="female", targeted_between=(0, 11)
    ),
    "conversations.age_targeted.youngest.mexico": Extreme(
        "age_first_targeted", "min", country="Mexico"
    ),
    "conversations.format.one_on_one.count": Count("conversation_format", "one_on_one"),
    "conversations.mode.hybrid.count": Count("conversation_mode", "hybrid"),
    "conversations.mode.hybrid.count.peru": Count("conversation_mode", "hybrid", country="Peru"),
    "conversations.pre_meeting.remote.count.colombia": Count(
        "pre_meeting", "remote", country="Colombia"
    ),
    "conversations.pre_meeting.remote.count.peru": Count("pre_meeting", "remote", country="Peru"),
    "conversations.venue.member_organisation.count.albania": Count(
        "venue", "member_organisation", country="Albania"
    ),
    "conversations.family_present.count.albania": _theme("family_present", "Albania"),
    "conversations.family_explanation_required.count.albania": _theme(
        "family_explanation_required", "Albania"
    ),
    "conversations.declined.travel_distance.count.moldova": Count(
        "decline_reason", "travel_distance", country="Moldova", status="declined"
    ),
    "conversations.declined.partner_disclosure.count.moldova": Count(
        "decline_reason", "partner_disclosure", country="Moldova", status="declined"
    ),
    "conversations.disclosure_shared.count.colombia": _theme("disclosure_shared", "Colombia"),
    "conversations.route.school_professional.count.colombia": _theme(
        "route_school_professional", "Colombia"
    ),
    "conversations.route.peer.count.colombia": _theme("route_peer", "Colombia"),
    "conversations.route.law_enforcement_rescue.count.colombia": _theme(
        "route_law_enforcement_rescue", "Colombia", "female"
    ),
    "conversations.route.family.count.colombia": _theme("route_family", "Colombia"),
    "conversations.route.family.men.count.colombia": _theme("route_family", "Colombia", "male"),
    "conversations.route.family.women.count.colombia": _theme("route_family", "Colombia", "female"),
    "conversations.aware_reporting_before.count.albania": _theme(
        "aware_reporting_before", "Albania"
    ),
    "conversations.aware_via_teacher.count.moldova": _theme("aware_via_teacher", "Moldova"),
    "conversations.aware_via_online_search.count.moldova": _theme(
        "aware_via_online_search", "Moldova"
    ),
    "conversations.aware_child_protection_worker.count.albania": _theme(
        "aware_child_protection_worker", "Albania"
    ),
    "conversations.anonymity_breach_raised.count.albania": _theme(
        "anonymity_breach_raised", "Albania"
    ),
    "conversations.identity_published_by_media.count.albania": _theme(
        "identity_published_by_media", "Albania"
    ),
    "conversations.ngo_referral_by_authorities.count.moldova": _theme(
        "ngo_referral_by_authorities", "Moldova"
    ),
    "conversations.legal_aid_free.count.moldova": _theme("legal_aid_free", "Moldova"),
    "conversations.legal_support_delayed.count.moldova": _theme("legal_support_delayed", "Moldova"),
    "conversations.long_term_rehabilitation.count.moldova": _theme(
        "long_term_rehabilitation", "Moldova"
    ),
    "conversations.coordination_gaps.count.peru": _theme("coordination_gaps", "Peru"),
    "conversations.forensic_evaluation_pressure.count.peru": _theme(
        "forensic_evaluation_pressure", "Peru"
    ),
    "conversations.gender_attitudes_disbelief.count.peru": _theme(
        "gender_attitudes_disbelief", "Peru", "female"
    ),
    "conversations.medical_support_needed.count.albania": _theme(
        "medical_support_needed", "Albania"
    ),
    "conversations.medical_support_received_coordinated.count.albania": _theme(
        "medical_support_received_coordinated", "Albania"
    ),
    "conversations.school_psychologist_role_unknown.count.albania": _theme(
        "school_psychologist_role_unknown", "Albania"
    ),
    "conversations.school_staff_unsupportive.count.albania": _theme(
        "school_staff_unsupportive", "Albania"
    ),
    "conversations.school_staff_blaming.count.albania": _theme("school_staff_blaming", "Albania"),
    "conversations.prosecutor_time_limit_dismissal.count.mexico": _theme(
        "prosecutor_time_limit_dismissal", "Mexico"
    ),
    "conversations.complaint_withdrawn.count.mexico": _theme("complaint_withdrawn", "Mexico"),
    "conversations.medical_examiner_revictimising.count.mexico": _theme(
        "medical_examiner_revictimising", "Mexico"
    ),
    "conversations.survivor_collective_member.count.mexico": _theme(
        "survivor_collective_member", "Mexico"
    ),
    "conversations.family_facilitation.count.mexico": _theme("family_facilitation", "Mexico"),
    "conversations.barrier_threat_to_family.count.colombia": _theme(
        "barrier_threat_to_family", "Colombia", "female"
    ),
    "conversations.barrier_identity_stigma.count.colombia": _theme(
        "barrier_identity_stigma", "Colombia", "male"
    ),
    "conversations.statement_taken_at_home.count.moldova": _theme(
        "statement_taken_at_home", "Moldova"
    ),
}

#: id -> function computing that published figure from a conversations frame.
CONVERSATION_MEASURES: dict[str, Callable[[pd.DataFrame], float]] = {
    figure_id: partial(evaluate, spec) for figure_id, spec in MEASURE_SPECS.items()
}


@dataclass(frozen=True)
class PublishedFigure:
    """One published conversation figure with its spec."""

    figure_id: str
    value: float
    spec: Spec
    conflict: bool = field(default=False)


def load_published(path: Path | str = PUBLISHED_CONVERSATIONS) -> pd.DataFrame:
    """Read the published conversation figures (one row per figure)."""
    table = pd.read_csv(path, dtype={"id": str, "note": str}, keep_default_na=False)
    table["value"] = pd.to_numeric(table["value"])
    return table


def check_specs_cover(published: pd.DataFrame) -> None:
    """Raise unless every published id has a spec and every spec a published id."""
    ids = set(published["id"])
    without_spec = sorted(ids - set(MEASURE_SPECS))
    without_row = sorted(set(MEASURE_SPECS) - ids)
    if without_spec or without_row:
        raise KeyError(
            f"published conversation figures without a measure: {without_spec}; "
            f"measures without a published figure: {without_row}"
        )


def published_figures(path: Path | str = PUBLISHED_CONVERSATIONS) -> list[PublishedFigure]:
    """Return the published figures joined with their specs, conflicts marked."""
    published = load_published(path)
    check_specs_cover(published)
    return [
        PublishedFigure(
            row.id,
            float(row.value),
            MEASURE_SPECS[row.id],
            row.note.startswith(CONFLICT_NOT_REPRODUCED),
        )
        for row in published.itertuples(index=False)
    ]


def reproduction(frame: pd.DataFrame, path: Path | str = PUBLISHED_CONVERSATIONS) -> pd.DataFrame:
    """Compare a conversations frame with every published figure.

    Returns one row per figure: id, published value, the frame's value, whether they match,
    and whether the report itself marks the figure as conflicting (expected not to match).
    """
    rows = [
        {
            "id": figure.figure_id,
            "published": figure.value,
            "data": CONVERSATION_MEASURES[figure.figure_id](frame),
            "documented_conflict": figure.conflict,
        }
        for figure in published_figures(path)
    ]
    table = pd.DataFrame(rows)
    table["reproduced"] = table["published"] == table["data"]
    return table
