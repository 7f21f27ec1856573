"""The study's 13 recommendations, in our own words, traced to the evidence behind each.

Each recommendation lists the survey figures (ids of ``published_statistics.csv``), the
conversation themes (ids of the codebook) and the roundtable insights (ids of
``roundtable.json``) that support it. :func:`check_evidence` fails on any id that does not
exist, so the traceability matrix cannot point at evidence nobody can find.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import seaborn as sns

from survivors_perspectives import paths
from survivors_perspectives.pages.plots import FONT_PT, MAX_WIDTH, Figure, new_figure, wrap

#: Kinds of evidence, in the order the matrix shows them, with the chapter showing each.
EVIDENCE_KINDS: dict[str, str] = {
    "survey figure": "chapters/data",
    "conversation theme": "chapters/conversations",
    "roundtable insight": "chapters/conversations",
}


class TraceabilityError(ValueError):
    """A recommendation cites evidence that does not exist."""


@dataclass(frozen=True)
class Recommendation:
    """One recommendation and the evidence it rests on."""

    number: int
    area: str
    title: str
    survey: tuple[str, ...]
    themes: tuple[str, ...]
    roundtable: tuple[str, ...]


_REPORTING = "Reporting mechanisms"
_SUPPORT = "Support services"

#: The 13 recommendations (9 on reporting mechanisms, 4 on support services).
RECOMMENDATIONS: tuple[Recommendation, ...] = (
    Recommendation(
        1,
        _REPORTING,
        "Make reporting channels easy to find, social media included, with plain words "
        "that name abuse and exploitation.",
        (
            "awareness.rating.poor.pct",
            "government.awareness_training_advocacy.poor_or_none.pct.max",
        ),
        ("aware_reporting_before", "aware_via_online_search", "rec_clear_reporting_language"),
        ("rt_diversify_help_channels", "rt_self_help_resources"),
    ),
    Recommendation(
        2,
        _REPORTING,
        "Keep reporting tools simple, private and child-friendly, and let children choose "
        "the gender of the person who hears them.",
        ("barriers.fear_of_reactions.pct",),
        ("route_online_portal", "police_gender_mismatch", "rec_same_gender_professional"),
        ("rt_anonymous_reporting", "rt_diversify_help_channels"),
    ),
    Recommendation(
        3,
        _REPORTING,
        "Train and fund the staff who receive reports, front-line police among them, to "
        "respond quickly and sensitively to online abuse.",
        ("barriers.police_refuse_report.rank.mexico", "government.funding.poor_or_none.pct"),
        ("police_negative_response", "police_lacked_child_skills", "rec_trained_police"),
        ("rt_training_frontline", "rt_demystify_support"),
    ),
    Recommendation(
        4,
        _REPORTING,
        "Run awareness work in and beyond schools on online risks, on where to report and on "
        "the help available, without putting the burden on children.",
        ("awareness.rating.poor.pct", "beliefs.sex_taboo.pct"),
        (
            "rec_prevention_education",
            "rec_school_role",
            "rec_sexuality_education",
            "aware_reporting_before",
            "teachers_untrained",
        ),
        ("rt_peer_information", "rt_integrate_online_offline"),
    ),
    Recommendation(
        5,
        _REPORTING,
        "Offer caregivers and communities education that opens conversations with young "
        "people and makes clear a child is never to blame.",
        ("offenders.relationship.parents.rank", "beliefs.culture_of_silence.pct"),
        ("rec_caregiver_education", "route_family", "barrier_shame", "psych_stigma"),
        ("rt_caregiver_support",),
    ),
    Recommendation(
        6,
        _REPORTING,
        "After a report, keep the child informed, in words suited to their age, about the "
        "process and their rights, and put those rights first throughout.",
        ("services.legal.pct",),
        (
            "legal_process_unclear",
            "complaint_withdrawn",
            "coordination_gaps",
            "legal_support_delayed",
        ),
        ("rt_trauma_informed",),
    ),
    Recommendation(
        7,
        _REPORTING,
        "Train law enforcement to investigate and prosecute online sexual crimes against "
        "children while protecting the child's anonymity.",
        (
            "barriers.fear_of_criminalisation.rank.mexico",
            "barriers.police_refuse_report.rank.mexico",
        ),
        (
            "prosecutor_time_limit_dismissal",
            "prosecutor_blaming",
            "anonymity_breach_raised",
            "corruption_perceived",
        ),
        ("rt_anonymous_reporting",),
    ),
    Recommendation(
        8,
        _REPORTING,
        "Give internet and platform companies a legal duty to cooperate promptly with "
        "investigations (takedown, user data, information requests).",
        ("forms_of_abuse.self_generated.pct.girls",),
        ("complaint_withdrawn",),
        ("rt_integrate_online_offline",),
    ),
    Recommendation(
        9,
        _REPORTING,
        "Have platforms screen for harmful content and design for safety, assessing every "
        "product for its effect on children's rights.",
        ("forms_of_abuse.grooming.by_child_gender.chi2", "forms_of_abuse.self_generated.pct.girls"),
        ("rec_platform_verification",),
        ("rt_amplify_survivor_voices",),
    ),
    Recommendation(
        10,
        _SUPPORT,
        "Make the full range of support known and reachable everywhere in a country, and "
        "strengthen identification and referral, in schools above all, for instance through "
        "child advocacy centres.",
        ("profile.location.rural.pct", "services.counselling_individual.pct"),
        (
            "aware_support_services_before",
            "aware_child_protection_worker",
            "school_psychologist_role_unknown",
            "school_staff_unsupportive",
            "ngo_referral_by_authorities",
            "coordination_gaps",
        ),
        ("rt_networks", "rt_demystify_support"),
    ),
    Recommendation(
        11,
        _SUPPORT,
        "Fund free psychological support from trained professionals, tell children and "
        "families it exists, and counter the stigma of seeking it.",
        ("services.counselling_individual.pct", "government.funding.poor_or_none.pct"),
        (
            "psych_support_valued",
            "psych_support_discontinued",
            "psych_stigma",
            "psych_support_inaccessible",
            "rec_continuous_psych_support",
        ),
        ("rt_self_help_resources",),
    ),
    Recommendation(
        12,
        _SUPPORT,
        "Prevent re-victimisation: psychological support and strict confidentiality at every "
        "stage of justice and care, with identifying details kept out of public view.",
        ("barriers.stigma_shame.pct",),
        (
            "identity_published_by_media",
            "anonymity_breach_raised",
            "medical_examiner_revictimising",
            "forensic_evaluation_pressure",
            "statement_taken_at_home",
            "medical_staff_judgemental",
        ),
        ("rt_anonymous_reporting", "rt_trauma_informed"),
    ),
    Recommendation(
        13,
        _SUPPORT,
        "Fund wide training for social support workers on online sexual exploitation and "
        "abuse, and support for the workers themselves.",
        (
            "scenarios.viewer.no.pct",
            "scenarios.dating.yes.pct",
            "scenarios.gender_flipped.yes.pct",
            "caseload.online_share_of_total.mean",
        ),
        ("psych_connection_lacking", "gender_attitudes_disbelief", "school_staff_blaming"),
        ("rt_training_frontline", "rt_support_for_providers", "rt_self_help_resources"),
    ),
)


def _area_ranges(recommendations=RECOMMENDATIONS) -> dict[str, tuple[int, int]]:
    """Return the first and last number of each area, in order of appearance."""
    ranges: dict[str, tuple[int, int]] = {}
    for rec in recommendations:
        first, _last = ranges.get(rec.area, (rec.number, rec.number))
        ranges[rec.area] = (first, rec.number)
    return ranges


def areas_sentence(recommendations=RECOMMENDATIONS) -> str:
    """Say how many recommendations there are and how they split by area."""
    counts = pd.Series([rec.area for rec in recommendations]).value_counts(sort=False)
    parts = [f"{n} on {area.lower()}" for area, n in counts.items()]
    return f"There are {len(recommendations)} recommendations: " + " and ".join(parts) + "."


def traceability(recommendations=RECOMMENDATIONS) -> pd.DataFrame:
    """Return one row per (recommendation, piece of evidence): the long traceability table."""
    rows = []
    for rec in recommendations:
        for kind, ids in (
            ("survey figure", rec.survey),
            ("conversation theme", rec.themes),
            ("roundtable insight", rec.roundtable),
        ):
            rows += [
                {
                    "recommendation": rec.number,
                    "area": rec.area,
                    "evidence_kind": kind,
                    "evidence_id": evidence,
                    "shown_in": EVIDENCE_KINDS[kind],
                }
                for evidence in ids
            ]
    return pd.DataFrame(rows)


def _group(kind: str, evidence_id: str, theme_families: dict[str, str]) -> str:
    """Name the column an item of evidence falls in: survey topic, theme family or insight."""
    if kind == "survey figure":
        return f"Survey: {evidence_id.split('.')[0].replace('_', ' ')}"
    if kind == "conversation theme":
        return f"Conversations: {theme_families.get(evidence_id, 'other')}"
    return "Roundtable"


def traceability_matrix(
    theme_families: dict[str, str] | None = None, recommendations=RECOMMENDATIONS
) -> pd.DataFrame:
    """Return recommendations x evidence groups: how many items of each group are cited.

    Groups are survey topics (the first part of a figure id), conversation theme families
    (from the codebook) and the roundtable.
    """
    families = theme_families or {}
    long = traceability(recommendations)
    long["group"] = [
        _group(kind, eid, families)
        for kind, eid in zip(long["evidence_kind"], long["evidence_id"], strict=True)
    ]
    matrix = pd.crosstab(long["recommendation"], long["group"])
    order = sorted(matrix.columns, key=lambda c: (not c.startswith("Survey"), c == "Roundtable", c))
    return matrix[order]


def summary_table(
    recommendations=RECOMMENDATIONS,
    theme_labels: pd.Series | None = None,
    insight_titles: pd.Series | None = None,
) -> pd.DataFrame:
    """Return one row per recommendation with its evidence spelled out for readers."""

    def name(ids, labels):
        return "; ".join(labels.get(i, i) if labels is not None else i for i in ids)

    rows = [
        {
            "No.": rec.number,
            "Area": rec.area,
            "Recommendation (our wording)": rec.title,
            "Survey figures": "; ".join(rec.survey),
            "Conversation themes": name(rec.themes, theme_labels),
            "Roundtable insights": name(rec.roundtable, insight_titles),
        }
        for rec in recommendations
    ]
    return pd.DataFrame(rows).set_index("No.")


def check_evidence(
    survey_ids: set[str],
    theme_ids: set[str],
    insight_ids: set[str],
    recommendations=RECOMMENDATIONS,
) -> None:
    """Raise if any recommendation cites an id that the evidence sources do not hold."""
    known = {
        "survey figure": survey_ids,
        "conversation theme": theme_ids,
        "roundtable insight": insight_ids,
    }
    long = traceability(recommendations)
    pairs = zip(long["evidence_kind"], long["evidence_id"], strict=True)
    unknown = long[[eid not in known[kind] for kind, eid in pairs]]
    if not unknown.empty:
        first = unknown.iloc[0]
        raise TraceabilityError(
            f"recommendation {first['recommendation']}: {first['evidence_kind']} "
            f"{first['evidence_id']!r} not found ({len(unknown)} unknown id(s) in all)"
        )


def load_survey_ids(path: Path | str = paths.PUBLISHED_STATISTICS) -> set[str]:
    """Return the ids of the survey's published reference table."""
    return set(pd.read_csv(path, usecols=["id"], dtype=str)["id"])


def traceability_figure(
    theme_families: dict[str, str] | None = None, recommendations=RECOMMENDATIONS
) -> Figure:
    """Draw the traceability matrix: a cell per recommendation and evidence group."""
    matrix = traceability_matrix(theme_families, recommendations)
    # Evidence groups down the side (their names wrap), recommendations across (numbers fit
    # narrow columns): the grid fits MAX_WIDTH, where the other way round it did not.
    grid = matrix.T.set_axis([wrap(name, 22) for name in matrix.columns], axis=0)
    lines = max(name.count("\n") + 1 for name in grid.index)
    fig, ax = new_figure(width=MAX_WIDTH, height=1.0 + (0.2 * lines + 0.06) * len(grid))
    sns.heatmap(
        grid.where(grid > 0),
        ax=ax,
        cmap="Greens",
        annot=True,
        annot_kws={"fontsize": FONT_PT},
        fmt=".0f",
        cbar=False,
        linewidths=0.5,
        linecolor="#dddddd",
    )
    ax.grid(False)
    ax.set_ylabel("")
    ax.set_xlabel("Recommendation")
    ax.xaxis.set_label_position("top")
    ax.tick_params(labelsize=FONT_PT)
    ax.tick_params(axis="x", rotation=0, labeltop=True, labelbottom=False)
    ax.tick_params(axis="y", rotation=0)
    areas = {rec.number: rec.area for rec in recommendations}
    boundary = sum(1 for n in matrix.index if areas[n] == _REPORTING)
    ax.axvline(boundary, color="#333333", linewidth=1.0, linestyle="--")
    spans = ", ".join(
        f"{first}-{last} {area.lower()}"
        for area, (first, last) in _area_ranges(recommendations).items()
    )
    return Figure(
        fig,
        caption=(
            "Traceability matrix: items of evidence cited for each recommendation, by survey "
            f"topic, conversation theme family and roundtable ({spans})"
        ),
        alt=(
            f"Grid of {len(matrix)} recommendations by {len(matrix.columns)} evidence groups; "
            "a number in a cell counts the items of that group cited for the recommendation; "
            "empty cells mean none; a dashed line separates the two areas."
        ),
    )
