"""The design of the report's 19 statistical tests, so any module can recompute them.

Each entry names the reference-table row it reproduces, the kind of test, the survey
columns involved, the respondents it covers and the variables it crosses. This is the one
description of the tests' design; their published values (statistic, printed df, printed p)
are read from the reference table (``data/reference/published_statistics.csv``), never
written here again. ``frame_for_test`` turns a survey frame into
the frame the test runs on (subset, or the boys/girls answers stacked for the four
forms-of-abuse tests), so a caller does::

    for test in PUBLISHED_TESTS:
        frame = frame_for_test(test, survey)
        result = (stats.chi2_independence(frame, test.row, test.col)
                  if test.kind == "chi2_independence"
                  else stats.anova_oneway(frame, test.value, test.group))

Reading of the footnotes (our interpretation, where the report is terse):

- Footnote 33 prints the boys ANOVA's df as ``5,3034``; with 309 workers who supported boys
  the denominator is 303 (six groups), so we read a stray digit.
- The four X2(1) tests by child gender (fn 42) compare, for each form of abuse, the answer
  about boys with the answer about girls. The published 39% (n=91) and 56% (n=179) give
  X2(1) = 16.6 on the bases 235 and 318, but 42.6 (close to the printed 46.1) when every one of
  the 413 respondents counts once per child gender, a worker without such cases counting as
  "no". We use the latter reading (``stack="all_respondents"``).
- Footnotes 47 and 48 say "by gender for grooming" but are about the scenario answers by
  country (df 10 = 5 x 2): a copy-paste slip in the report; we test by country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from survivors_perspectives.published.printed_values import ANOVA, CHI2
from survivors_perspectives.survey.schema import ASKED_IF


@dataclass(frozen=True)
class PublishedTest:
    """One test the report published.

    Attributes
    ----------
    id : str
        Reference-table id of the test row (``data/reference/published_statistics.csv``).
    kind : {"chi2_independence", "anova_oneway"}
    row, col : str
        For chi-square tests: the two columns crossed (in ``frame_for_test``'s output).
    value, group : str
        For ANOVAs: the numeric column and the grouping column.
    subset : str
        Key of ``survey.schema.ASKED_IF``: who is in the test.
    stack : str or None
        For the forms-of-abuse tests: ``"all_respondents"`` stacks ``boys_form_<x>`` and
        ``girls_form_<x>`` into ``child_gender`` / ``form``.
    df : tuple of int
        Degrees of freedom the design gives, as we read the footnotes (see the module notes;
        the printed df are in the reference table).
    crosses : (str, str)
        The report's variables the test crosses, as keys of ``audit.FACTORS``; for an ANOVA
        the first is ``""`` (the numeric answer) and the second the grouping. The audit checks
        the printed df against them.
    description : str
        What the test compares, with its footnote.
    """

    id: str
    kind: str
    row: str | None = None
    col: str | None = None
    value: str | None = None
    group: str | None = None
    subset: str = "everyone"
    stack: str | None = None
    df: tuple[int, ...] = ()
    crosses: tuple[str, str] = ("", "")
    description: str = ""

    @property
    def label(self) -> str:
        """Return what the test compares, for an axis: ``"Respondent gender by country"``.

        The description without its footnote, capitalised.

        The one place a test's id becomes words; tables give the whole description.
        """
        words = re.sub(r"\s*\([^)]*\)\s*$", "", self.description).strip() or self.id
        return words[:1].upper() + words[1:]

    @property
    def variables(self) -> tuple[str, str]:
        """Return the two columns the test uses, in (row, col) or (value, group) order."""
        return (self.row, self.col) if self.kind == CHI2 else (self.value, self.group)


def _chi2(id_, row, col, df, crosses, desc, subset="everyone", stack=None):
    return PublishedTest(
        id_,
        CHI2,
        row=row,
        col=col,
        subset=subset,
        stack=stack,
        df=df,
        crosses=crosses,
        description=desc,
    )


def _anova(id_, value, group, df, desc, subset="everyone"):
    return PublishedTest(
        id_,
        ANOVA,
        value=value,
        group=group,
        subset=subset,
        df=df,
        crosses=("", "country"),
        description=desc,
    )


def _form(key):
    return _chi2(
        f"forms_of_abuse.{key}.by_child_gender.chi2",
        "child_gender",
        "form",
        (1,),
        ("encountered", "child_gender"),
        f"supported children in cases of {key.replace('_', ' ')}, boys vs girls",
        stack=f"all_respondents:{key}",
    )


PUBLISHED_TESTS: tuple[PublishedTest, ...] = (
    _chi2(
        "profile.gender.by_country.chi2",
        "country",
        "gender",
        (10,),
        ("gender", "country"),
        "respondent gender by country (fn 23)",
    ),
    _chi2(
        "profile.age.by_org_type.chi2",
        "organisation_type",
        "age_band",
        (6,),
        ("age", "org_type"),
        "age band by organisation type (fn 24)",
    ),
    _chi2(
        "profile.location.by_country.chi2",
        "country",
        "location",
        (10,),
        ("location", "country"),
        "organisation location by country (fn 25)",
    ),
    _chi2(
        "services.counselling_individual.by_org_type.chi2",
        "organisation_type",
        "service_individual_counselling",
        (2,),
        ("offered", "org_type"),
        "one-on-one counselling offered, by organisation type (fn 26)",
    ),
    _chi2(
        "services.sexual_health.by_org_type.chi2",
        "organisation_type",
        "service_sexual_health",
        (2,),
        ("offered", "org_type"),
        "sexual health support offered, by organisation type (fn 27)",
    ),
    _chi2(
        "services.reintegration.by_org_type.chi2",
        "organisation_type",
        "service_reintegration",
        (2,),
        ("offered", "org_type"),
        "reintegration support offered, by organisation type (fn 28)",
    ),
    _chi2(
        "services.counselling_individual.by_gender.chi2",
        "gender",
        "service_individual_counselling",
        (2,),
        ("offered", "gender"),
        "one-on-one counselling provided, by respondent gender (fn 29)",
    ),
    _anova(
        "caseload.any_se.by_country.anova",
        "caseload_exploitation_pct",
        "country",
        (5, 407),
        "caseload share with sexual exploitation, by country (fn 31; F = 1.978 gives p = 0.08)",
    ),
    _anova(
        "caseload.online_share_of_se.by_country.anova",
        "caseload_online_pct",
        "country",
        (5, 394),
        "online share of sexual exploitation cases, by country (fn 32; 400 answered)",
    ),
    _anova(
        "boys_girls.boys_online_share.by_country.anova",
        "boys_online_pct",
        "country",
        (5, 303),
        "online share of cases with boys, by country (fn 33; df printed 5,3034)",
        subset="supported_boys",
    ),
    _anova(
        "offenders.female_girls.by_country.anova",
        "girls_offender_female_pct",
        "country",
        (5, 312),
        "share of female offenders in online cases with girls, by country (fn 34)",
        subset="girls_online",
    ),
    _chi2(
        "exchange.boys.by_country.chi2",
        "country",
        "boys_exchange",
        (20,),
        ("exchange_form", "country"),
        "most common form of exchange for boys, by country (fn 38)",
        subset="boys_online",
    ),
    _chi2(
        "exchange.girls.by_country.chi2",
        "country",
        "girls_exchange",
        (20,),
        ("exchange_form", "country"),
        "most common form of exchange for girls, by country (fn 39)",
        subset="girls_online",
    ),
    _form("grooming"),
    _form("csam"),
    _form("live_streaming"),
    _form("self_generated"),
    _chi2(
        "scenarios.gender_flipped.by_country.chi2",
        "country",
        "scenario_gender_reversed",
        (10,),
        ("scenario_answer", "country"),
        "gender-reversed scenario answer, by country (fn 47)",
    ),
    _chi2(
        "scenarios.viewer.by_country.chi2",
        "country",
        "scenario_viewer_offence",
        (10,),
        ("scenario_answer", "country"),
        "viewer scenario answer, by country (fn 48)",
    ),
)
"""The 19 tests in the order the report prints them."""

TESTS_BY_ID: dict[str, PublishedTest] = {t.id: t for t in PUBLISHED_TESTS}

FORM_COLUMNS = {
    "grooming": "grooming",
    "csam": "csam_production",
    "live_streaming": "live_streaming",
    "self_generated": "self_generated",
}
"""Reference-id key of a form of abuse -> column suffix in the survey."""


def stacked_forms(survey: pd.DataFrame, key: str) -> pd.DataFrame:
    """Stack the boys and girls answers for one form of abuse, one row per worker and gender.

    Every respondent appears once as ``Boys`` and once as ``Girls``; a worker who was not
    asked (no online cases with that gender) counts as not having supported such a case.
    """
    suffix = FORM_COLUMNS[key]
    parts = []
    for label, prefix in (("Boys", "boys"), ("Girls", "girls")):
        answer = survey[f"{prefix}_form_{suffix}"].astype("boolean").fillna(False).astype(bool)
        parts.append(
            pd.DataFrame(
                {
                    "respondent_id": survey["respondent_id"].to_numpy(),
                    "child_gender": label,
                    "form": answer.to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def frame_for_test(test: PublishedTest, survey: pd.DataFrame) -> pd.DataFrame:
    """Return the respondents (or stacked answers) a published test runs on."""
    if test.stack:
        return stacked_forms(survey, test.stack.split(":", 1)[1])
    mask = ASKED_IF[test.subset](survey)
    return survey.loc[mask.to_numpy()]
