"""What the generator assumes where the report names a theme but gives no count.

The report is precise for some themes ("four of the seven", "eight out of ten") and only
qualitative for others ("some survivors in Peru", "almost all the conversations"). For the
latter the synthetic data need a number per country; each one below is our reading of the
report's wording, stated with its reason so a reader can disagree and change it. Published
counts always win: a theme's published country count is never taken from this module.

Values are numbers of participants per country; countries not listed get 0 (theme not coded).
Country sizes: Albania 7, Colombia 9, Mexico 10, Moldova 10, Peru 6.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assumption:
    """Per-country counts for one theme, with the reason for them."""

    counts: dict[str, int]
    reason: str


_SOME = "the report says 'some' or gives examples without a count; we assume a minority"
_COMMON = "the report calls this common or recurrent across countries; we assume about half"

#: theme (or arrangement flag) -> assumed counts for the countries without a published count.
ASSUMED_COUNTS: dict[str, Assumption] = {
    "barrier_fear": Assumption(
        {"Albania": 4, "Colombia": 5, "Mexico": 6, "Moldova": 6, "Peru": 3}, _COMMON
    ),
    "barrier_shame": Assumption(
        {"Albania": 3, "Colombia": 4, "Mexico": 5, "Moldova": 5, "Peru": 2}, _COMMON
    ),
    "barrier_victim_blaming": Assumption(
        {"Albania": 3, "Colombia": 2, "Mexico": 3, "Moldova": 5, "Peru": 1},
        "described most fully for Moldova; elsewhere 'some' (minority assumed)",
    ),
    "barrier_not_recognising_abuse": Assumption(
        {"Albania": 1, "Colombia": 3, "Mexico": 2, "Moldova": 2, "Peru": 1},
        "raised for Colombia (gifts from a supposed friend) and Moldova (self-blame); " + _SOME,
    ),
    "barrier_fear_of_publicity": Assumption(
        {"Albania": 3, "Colombia": 1, "Mexico": 1, "Moldova": 2},
        "tied to the Albanian media cases and Moldovan fears of the town finding out; " + _SOME,
    ),
    "barrier_no_trusted_adult": Assumption(
        {"Colombia": 1, "Mexico": 4, "Moldova": 1, "Albania": 1},
        "the report names 'some' Mexican survivors; single cases assumed elsewhere",
    ),
    "barrier_guardian_required": Assumption(
        {"Mexico": 2}, "raised in Mexico about minors needing a guardian to file; " + _SOME
    ),
    "barrier_distrust_outcome": Assumption(
        {"Albania": 2, "Colombia": 2, "Mexico": 3, "Moldova": 2, "Peru": 2}, _SOME
    ),
    "aware_support_services_before": Assumption(
        {"Colombia": 1, "Mexico": 1},
        "limited awareness everywhere; none in Moldova and Albania, where the report is explicit",
    ),
    "route_online_portal": Assumption(
        {"Moldova": 2},
        "the report speaks of Moldovan survivors (plural) who used the online portal; two assumed",
    ),
    "disclosure_trusted_supporter": Assumption(
        {"Colombia": 7, "Moldova": 2},
        "Colombians who described disclosure all credited a trusted supporter ('consistently'); "
        "the Moldovans who used the portal credited its counsellor",
    ),
    "police_negative_response": Assumption(
        {"Albania": 2, "Colombia": 2, "Mexico": 3, "Moldova": 4, "Peru": 1},
        "recurrent in accounts of reporting; " + _SOME,
    ),
    "police_lacked_child_skills": Assumption(
        {"Albania": 1, "Colombia": 1, "Mexico": 1, "Moldova": 3},
        "stressed by Moldovan survivors; " + _SOME,
    ),
    "police_gender_mismatch": Assumption({"Moldova": 2}, "raised in Moldova; " + _SOME),
    "prosecutor_blaming": Assumption(
        {"Mexico": 3}, "Mexican survivors described prosecutors as indifferent; " + _SOME
    ),
    "corruption_perceived": Assumption({"Peru": 2}, "'some survivors in Peru'; two assumed"),
    "legal_support_received": Assumption(
        {"Albania": 5, "Colombia": 6, "Mexico": 7, "Moldova": 9, "Peru": 4},
        "'most' participants had legal support; Moldova must include the eight with free aid",
    ),
    "legal_process_unclear": Assumption(
        {"Mexico": 2, "Moldova": 1, "Peru": 2}, "raised in Peru and Mexico; " + _SOME
    ),
    "psych_support_valued": Assumption(
        {"Albania": 6, "Colombia": 8, "Mexico": 8, "Moldova": 8, "Peru": 5},
        "the report says survivors overwhelmingly found counselling the most useful service",
    ),
    "psych_support_discontinued": Assumption(
        {"Albania": 1, "Colombia": 2, "Mexico": 3, "Moldova": 6, "Peru": 3},
        "no Moldovan attended long-term rehabilitation and support rarely lasted long enough; "
        "raised in Peru; " + _SOME,
    ),
    "long_term_rehabilitation": Assumption(
        {"Albania": 1, "Colombia": 3, "Mexico": 1, "Peru": 1},
        "none in Moldova (published); a few elsewhere, e.g. Colombian youth-group members",
    ),
    "psych_stigma": Assumption(
        {"Albania": 1, "Colombia": 1, "Mexico": 3, "Moldova": 2, "Peru": 1},
        "described as common across countries, most often from Mexico; " + _SOME,
    ),
    "psych_support_inaccessible": Assumption(
        {"Moldova": 2, "Peru": 2}, "raised in Moldova and Peru; " + _SOME
    ),
    "psych_connection_lacking": Assumption({"Moldova": 2, "Peru": 1}, _SOME),
    "medical_support_needed": Assumption(
        {"Colombia": 3, "Mexico": 4, "Moldova": 3, "Peru": 3},
        "'most' considered medical support important; a minority assumed to have needed it",
    ),
    "medical_support_received_coordinated": Assumption(
        {"Colombia": 2, "Moldova": 2, "Mexico": 1},
        "only Albania is described as fully coordinated; Peru and Mexico described poor care",
    ),
    "medical_staff_judgemental": Assumption(
        {"Mexico": 3, "Peru": 2}, "raised for Peru and Mexico; " + _SOME
    ),
    "ngo_referral_by_authorities": Assumption(
        {"Albania": 4, "Colombia": 3, "Mexico": 2, "Peru": 3},
        "'in many cases' young people were referred by police or prosecutors",
    ),
    "school_staff_unsupportive": Assumption(
        {"Colombia": 2, "Mexico": 4, "Moldova": 1, "Peru": 1},
        "schools were 'frequently criticised'; all Albanians (published) and several Mexicans",
    ),
    "school_warning_signs_missed": Assumption(
        {"Mexico": 3}, "raised by survivors in Mexico; " + _SOME
    ),
    "teachers_untrained": Assumption(
        {"Albania": 2, "Colombia": 1}, "raised in Albania and Colombia; " + _SOME
    ),
    "survivor_collective_member": Assumption(
        {"Colombia": 3}, "'some' Colombians belonged to a youth prevention group; three assumed"
    ),
    "rec_prevention_education": Assumption(
        {"Albania": 7, "Colombia": 9, "Mexico": 9, "Moldova": 9, "Peru": 6},
        "'almost all' conversations called for prevention: 40 of 42 assumed",
    ),
    "rec_school_role": Assumption(
        {"Albania": 5, "Colombia": 6, "Mexico": 6, "Moldova": 6, "Peru": 4},
        "schools' role was 'strongly emphasised'; most assumed",
    ),
    "rec_sexuality_education": Assumption(
        {"Albania": 2, "Colombia": 4, "Mexico": 3, "Moldova": 4, "Peru": 2}, _COMMON
    ),
    "rec_caregiver_education": Assumption(
        {"Albania": 1, "Colombia": 2, "Mexico": 2, "Moldova": 3, "Peru": 1}, _SOME
    ),
    "rec_continuous_psych_support": Assumption(
        {"Albania": 1, "Colombia": 2, "Mexico": 2, "Moldova": 4, "Peru": 3},
        "emphasised by survivors overall; " + _SOME,
    ),
    "rec_same_gender_professional": Assumption(
        {"Moldova": 1, "Peru": 1}, "raised in Peru and implied in Moldova; " + _SOME
    ),
    "rec_media_campaigns": Assumption({"Colombia": 1, "Peru": 1}, _SOME),
    "rec_platform_verification": Assumption(
        {"Peru": 1}, "technology companies were 'not often raised'; one assumed"
    ),
    "rec_clear_reporting_language": Assumption(
        {"Colombia": 2, "Mexico": 1, "Moldova": 2}, "'some of the young survivors'; " + _SOME
    ),
    "rec_trained_police": Assumption(
        {"Albania": 1, "Colombia": 2, "Mexico": 2, "Moldova": 3, "Peru": 1}, _SOME
    ),
    "rec_anonymous_reporting": Assumption(
        {"Albania": 3, "Moldova": 1}, "follows the Albanian anonymity breaches; " + _SOME
    ),
}


@dataclass(frozen=True)
class GroupFact:
    """Who, by gender, a theme is about in one country, where the report makes it clear.

    Facts at group level only ("the participant in Mexico who withdrew a complaint was a
    young woman"): the generator gives the theme's count in that country to participants
    of that gender and to no one else. Never more than one fact per theme and country, and
    nothing that ties several facts to one real participant.
    """

    theme: str
    country: str
    gender: str
    reason: str


#: Group-level facts the report states about who experienced what.
GROUP_FACTS: tuple[GroupFact, ...] = (
    GroupFact(
        "complaint_withdrawn",
        "Mexico",
        "female",
        "the report describes the Mexican participant who withdrew her complaint as a young "
        "woman; the only young man in Mexico must not carry it",
    ),
    GroupFact(
        "medical_examiner_revictimising",
        "Mexico",
        "female",
        "the report describes the Mexican participant hurt by a medical examiner as a young woman",
    ),
)


#: How conversations were arranged where the report is silent.
ARRANGEMENT_ASSUMPTIONS: dict[str, str] = {
    "pre_meeting": "in person, except where the report says pre-meetings were remote",
    "conversation_mode": "in person, except the one hybrid conversation the report describes",
    "venue": (
        "the member organisation's premises in Albania (published); elsewhere drawn at random "
        "from the kinds of venue the report lists"
    ),
    "family_present": "no family member present outside Albania (the report mentions none)",
    "family_explanation_required": "not required outside Albania (the report mentions none)",
    "gender": "no young men outside Mexico and Colombia (the report names men only there)",
    "decliners": "only the invitees whose reasons the report counts are listed; all young women",
}
