"""The frontline-worker survey as a table: one row per respondent, one column per answer.

The report's questionnaire had 108 questions; we model the ones whose answers the report
publishes (profile, services, caseloads, boys and girls, offenders, exchange, forms of abuse,
barriers, beliefs, government action, scenarios, public awareness). Multi-select questions
become one boolean column per option, ratings ordered categories, sliders integers 0-100.

Skip logic is part of the contract: a question asked only of some workers (e.g. about boys,
only of workers who supported boys) must be empty for everyone else. Every column names its
condition in ``asked_if``; ``ASKED_IF`` holds the condition as a function of the frame, so the
pandera schema (``contract``), the generator and the data package read the same rule. This
module imports no pandera: reading column definitions, or a stored validated frame, does not
pay for it.

Options the report does not name (13 of the 18 barriers, some services, beliefs and
government areas, the relationship and exchange options) are our assumptions; their
``assumed`` flag and ``ASSUMPTIONS`` say so, and the data package repeats it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from survivors_perspectives.countries import allowed_countries

YES_NO_DK = ("Yes", "No", "Don't know")
RATING = ("None", "Poor", "Fair", "Good", "Excellent")
AWARENESS = ("Poor", "Fair", "Good", "Excellent")
RELATIONSHIPS = (
    "Parent or step-parent",
    "Other relative (18 or older)",
    "Family friend",
    "Relative under 18",
    "Friend or peer of the child",
    "Boyfriend or girlfriend",
    "Neighbour",
    "Teacher, coach or carer",
    "Online acquaintance",
    "Stranger",
)
EXCHANGES = ("Money", "Gifts or goods", "Shelter", "Food", "Protection or affection")
NATIONALITY = ("Same country as the child", "Another country")

ID_PREFIX = "SYN-"
"""Prefix of synthetic respondent ids: every synthetic row says what it is."""


@dataclass(frozen=True)
class Column:
    """One survey column: its answer type, allowed values and the question behind it.

    Parameters
    ----------
    name : str
        Column name (snake_case).
    kind : {"id", "category", "boolean", "integer"}
        Answer type. ``integer`` columns are slider answers from ``minimum`` to ``maximum``.
    question : str
        The survey question, in our own words.
    categories : tuple of str, optional
        Allowed answers, in display order (ascending for ordered ratings).
    ordered : bool
        Whether the categories are an ordinal scale.
    asked_if : str
        Key of ``ASKED_IF``: who was asked. Everyone else must have an empty cell.
    nullable : bool
        Whether an asked respondent may leave the item empty (item non-response).
    assumed : bool
        True for options the report does not name (a modelling assumption).
    """

    name: str
    kind: str
    question: str
    categories: tuple[str, ...] | None = None
    ordered: bool = False
    asked_if: str = "everyone"
    nullable: bool = False
    assumed: bool = False
    minimum: int = 0
    maximum: int = 100


def _is_true(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)


def _positive(series: pd.Series) -> pd.Series:
    return (pd.to_numeric(series, errors="coerce") > 0).fillna(False).astype(bool)


ASKED_IF: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "everyone": lambda df: pd.Series(True, index=df.index),
    "supported_boys": lambda df: _is_true(df["supported_boys"]),
    "supported_girls": lambda df: _is_true(df["supported_girls"]),
    "boys_online": lambda df: _positive(df["boys_online_pct"]),
    "girls_online": lambda df: _positive(df["girls_online_pct"]),
    "any_online": lambda df: _positive(df["boys_online_pct"]) | _positive(df["girls_online_pct"]),
}
"""Skip-logic conditions: who was asked a question, as a boolean mask over respondents."""

ASKED_IF_TEXT = {
    "everyone": "all respondents",
    "supported_boys": "workers who supported boys (supported_boys is true)",
    "supported_girls": "workers who supported girls (supported_girls is true)",
    "boys_online": "workers who supported boys in online cases (boys_online_pct > 0)",
    "girls_online": "workers who supported girls in online cases (girls_online_pct > 0)",
    "any_online": "workers with any online case (boys_online_pct > 0 or girls_online_pct > 0)",
}


def _cat(name, question, categories, ordered=False, asked_if="everyone", assumed=False):
    return Column(name, "category", question, tuple(categories), ordered, asked_if, False, assumed)


def _flag(name, question, asked_if="everyone", assumed=False):
    return Column(name, "boolean", question, None, False, asked_if, False, assumed)


def _slider(name, question, asked_if="everyone", nullable=False):
    return Column(name, "integer", question, None, False, asked_if, nullable)


_SERVICES = {
    "individual_counselling": ("one-on-one counselling", False),
    "family_support": ("support for families and caregivers", False),
    "legal_support": ("legal support", False),
    "sexual_health": ("sexual health advice, information and support", False),
    "reintegration": ("reintegration support", False),
    "group_psychosocial": ("group psychosocial support", False),
    "shelter": ("shelter or residential care", True),
    "medical_care": ("medical care", True),
    "education_vocational": ("education or vocational training", True),
    "helpline": ("a helpline or hotline", True),
}

_BARRIERS = {
    # The report names these six options (text and its top-five figure).
    "stigma_shame": ("stigma and shame that victims experience (culture of silence)", False),
    "fear_of_reactions": ("fear of how others will respond to a disclosure", False),
    "sex_taboo": ("talking about sex is taboo", False),
    "no_confidence_in_help": ("no confidence that telling will bring useful help", False),
    "fear_criminalised": ("fear of being treated as an offender", False),
    "police_refuse_report": ("the police do not accept the report", False),
    # The report says the list had 18 options but does not name the rest: assumed.
    "not_recognised_as_abuse": ("children do not recognise what happened as abuse", True),
    "self_blame": ("children blame themselves", True),
    "fear_of_offender": ("fear of threats or revenge by the offender", True),
    "dependence_on_offender": ("the child depends on the offender", True),
    "fear_for_family": ("fear of consequences for the family", True),
    "not_knowing_where_to_report": ("children do not know where to report", True),
    "distrust_confidentiality": ("distrust that a report stays confidential", True),
    "fear_not_believed": ("fear of not being believed", True),
    "distance_to_services": ("services are too far away", True),
    "cost_of_services": ("services or travel cost too much", True),
    "fear_losing_devices": ("fear of losing access to phone or internet", True),
    "language_or_disability": ("services not accessible in the child's language or ability", True),
}

_BELIEFS = {
    "culture_of_silence": ("stigma and shame keep victims silent (culture of silence)", False),
    "sex_taboo": ("talking about sex and sexuality is taboo", False),
    "victim_blaming": ("victims are blamed for what happened", True),
    "male_stoicism": ("boys are expected not to show vulnerability", True),
    "obedience_to_adults": ("children must obey adults without question", True),
    "family_honour": ("family honour comes before the child", True),
    "early_marriage": ("early marriage or unions are accepted", True),
    "gender_roles": ("rigid roles for girls and women", True),
}

_GOVERNMENT = {
    "funding": ("funding for the response", False),
    "awareness_raising": ("awareness raising", False),
    "training": ("training of professionals", False),
    "public_advocacy": ("speaking publicly about the issue", False),
    "legislation": ("laws and policies", True),
    "law_enforcement": ("investigation and prosecution", True),
    "support_services": ("support services for children", True),
}

_FORMS = {
    "grooming": "children groomed for sexual purposes",
    "csam_production": "children involved in producing child sexual abuse material",
    "live_streaming": "live-streaming of child sexual abuse",
    "self_generated": "sharing (coerced or not) of self-generated sexual content",
}

_SCENARIOS = {
    "paid_video_call_victim": (
        "A man abroad pays a 16-year-old to undress on a video call: is she a victim of online "
        "child sexual exploitation or abuse?"
    ),
    "secret_recording_offence": (
        "The man secretly records the calls and posts them online: has he committed online "
        "child sexual exploitation or abuse?"
    ),
    "gender_reversed": (
        "Same situation with a woman as the adult and a boy as the child: is it still online "
        "child sexual exploitation or abuse?"
    ),
    "viewer_offence": (
        "A stranger watches a video of a child undressing in front of a camera for another "
        "offender: has the viewer committed online child sexual exploitation or abuse?"
    ),
    "adolescents_dating": (
        "Two dating adolescents have sex and sometimes watch adult pornography together: is "
        "this online child sexual exploitation or abuse?"
    ),
}


def _profile_columns() -> list[Column]:
    """Return who answered: the id, the country and the profile questions."""
    return [
        Column(
            "respondent_id",
            "id",
            "Respondent identifier; 'SYN-' marks a synthetic record.",
        ),
        # The six study countries, then any a run declares (see ``countries.extra_countries``).
        _cat("country", "Country where the respondent works.", allowed_countries()),
        _cat("gender", "Respondent's gender.", ("Female", "Male", "Other")),
        _cat("age_band", "Respondent's age.", ("21-30", "31-40", "41-50", "Over 50"), True),
        _cat(
            "education",
            "Highest level of education completed.",
            ("No tertiary degree", "Bachelor's degree", "Master's degree or PhD"),
            True,
        ),
        _cat(
            "experience",
            "Years of experience supporting children.",
            ("0-5 years", "6-10 years", "11-20 years", "Over 20 years"),
            True,
        ),
        _cat(
            "organisation_type",
            "Type of organisation the respondent works for.",
            ("Government", "NGO (no religious affiliation)", "Other"),
        ),
        _cat(
            "location",
            "Where the organisation's clients live.",
            ("Urban", "Rural", "Urban and rural"),
        ),
    ]


def _service_columns() -> list[Column]:
    """Return what the respondent's organisation offers (one yes/no per service)."""
    cols: list[Column] = []
    for key, (label, assumed) in _SERVICES.items():
        cols.append(
            _flag(f"service_{key}", f"Does your organisation offer {label}?", "everyone", assumed)
        )
    return cols


def _caseload_columns() -> list[Column]:
    """Return the caseload sliders and whether the respondent supported boys and girls."""
    return [
        _slider(
            "caseload_exploitation_pct",
            "Share (0-100) of the children you supported who had experienced any sexual "
            "exploitation.",
        ),
        _slider(
            "caseload_online_pct",
            "Share (0-100) of those sexual exploitation cases that involved digital "
            "technology (answered by 400 of 413).",
            nullable=True,
        ),
        _flag("supported_boys", "Did you support any boys in the past 12 months?"),
        _flag("supported_girls", "Did you support any girls in the past 12 months?"),
        _slider(
            "boys_online_pct",
            "Share (0-100) of your cases with boys that involved sexual exploitation or abuse "
            "online.",
            "supported_boys",
        ),
        _slider(
            "girls_online_pct",
            "Share (0-100) of your cases with girls that involved sexual exploitation or abuse "
            "online.",
            "supported_girls",
        ),
    ]


def _child_columns() -> list[Column]:
    """Return the questions on children in online cases, asked for boys and for girls."""
    cols: list[Column] = []
    for sex, cond in (("boys", "boys_online"), ("girls", "girls_online")):
        for band, text in (("under_11", "under 11"), ("11_15", "11 to 15"), ("16_17", "16 or 17")):
            cols.append(
                _slider(
                    f"{sex}_age_{band}_pct",
                    f"Share (0-100) of the {sex} in your online cases who were {text} when "
                    "first targeted (the three bands sum to 100).",
                    cond,
                )
            )
    for sex, cond in (("boys", "boys_online"), ("girls", "girls_online")):
        cols.append(
            _slider(
                f"{sex}_offender_female_pct",
                f"Share (0-100) of offenders in your online cases with {sex} who were female.",
                cond,
            )
        )
    cols.append(
        _cat(
            "offender_nationality",
            "Where were offenders in the cases you know of most commonly from?",
            NATIONALITY,
        )
    )
    for sex, cond in (("boys", "boys_online"), ("girls", "girls_online")):
        cols.append(
            _cat(
                f"{sex}_offender_relationship",
                f"Most common relationship of the offender to the child in your cases with {sex}.",
                RELATIONSHIPS,
                asked_if=cond,
                assumed=True,
            )
        )
    for sex, cond in (("boys", "boys_online"), ("girls", "girls_online")):
        cols.append(
            _cat(
                f"{sex}_exchange",
                f"Most common thing exchanged in your cases with {sex}.",
                EXCHANGES,
                asked_if=cond,
                assumed=True,
            )
        )
    for sex, cond in (("boys", "boys_online"), ("girls", "girls_online")):
        cols.append(
            _cat(
                f"{sex}_facilitator",
                f"In your cases with {sex}, were adults involved who facilitated the abuse "
                "without committing it themselves?",
                YES_NO_DK,
                asked_if=cond,
            )
        )
    for sex, cond in (("boys", "boys_online"), ("girls", "girls_online")):
        for key, label in _FORMS.items():
            cols.append(
                _flag(
                    f"{sex}_form_{key}",
                    f"Have you directly supported {sex} in cases of {label}?",
                    cond,
                )
            )
    return cols


def _barrier_and_belief_columns() -> list[Column]:
    """Return what keeps children from telling, and the beliefs that raise their risk."""
    cols: list[Column] = []
    for key, (label, assumed) in _BARRIERS.items():
        cols.append(
            _flag(
                f"barrier_{key}",
                f"Factor limiting children's disclosure and reporting: {label}.",
                "everyone",
                assumed,
            )
        )
    for key, (label, assumed) in _BELIEFS.items():
        cols.append(
            _flag(
                f"belief_{key}",
                f"Belief or practice that increases children's vulnerability: {label}.",
                "everyone",
                assumed,
            )
        )
    return cols


def _government_and_scenario_columns() -> list[Column]:
    """Return the ratings of government action, the scenarios and public awareness."""
    cols: list[Column] = []
    for key, (label, assumed) in _GOVERNMENT.items():
        cols.append(
            _cat(
                f"govt_{key}",
                f"Quality of government action on online child sexual exploitation: {label}.",
                RATING,
                ordered=True,
                assumed=assumed,
            )
        )
    for key, text in _SCENARIOS.items():
        cols.append(_cat(f"scenario_{key}", text, YES_NO_DK))
    cols.append(
        _cat(
            "public_awareness",
            "Level of awareness of online child sexual exploitation and abuse in the general "
            "community.",
            AWARENESS,
            ordered=True,
        )
    )
    return cols


def _build_columns() -> tuple[Column, ...]:
    """Return every column in file order, one topic function after another."""
    return tuple(
        _profile_columns()
        + _service_columns()
        + _caseload_columns()
        + _child_columns()
        + _barrier_and_belief_columns()
        + _government_and_scenario_columns()
    )


COLUMNS: tuple[Column, ...] = _build_columns()
"""Every column of the survey dataset, in file order."""

COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
CATEGORIES: dict[str, tuple[str, ...]] = {
    c.name: c.categories for c in COLUMNS if c.categories is not None
}
"""Column -> allowed answers, in order (ascending for ordered scales)."""
ORDERED: frozenset[str] = frozenset(c.name for c in COLUMNS if c.ordered)
"""Columns whose categories form an ordinal scale."""
COLUMN_QUESTIONS: dict[str, str] = {c.name: c.question for c in COLUMNS}
"""Column -> the survey question it answers, in our own words."""
ASSUMPTIONS: dict[str, str] = {
    c.name: "option not named in the report; assumed" for c in COLUMNS if c.assumed
}
"""Columns (or options) the report does not name: modelling assumptions."""

AGE_BANDS = {
    sex: tuple(f"{sex}_age_{band}_pct" for band in ("under_11", "11_15", "16_17"))
    for sex in ("boys", "girls")
}


def dtype_of(column: Column):
    """Return the pandas dtype a column has after loading.

    Nullable dtypes (``boolean``, ``Int64``) because skip logic leaves cells empty.
    """
    if column.kind == "category":
        return pd.CategoricalDtype(list(column.categories), ordered=column.ordered)
    if column.kind == "boolean":
        return pd.BooleanDtype()
    if column.kind == "integer":
        return pd.Int64Dtype()
    return pd.StringDtype()
