"""Every survey figure of the reference table, computed from a survey frame.

``MEASURES`` maps a reference id (``data/reference/published_statistics.csv``) to a
``Measure``: a function of the survey frame returning the figure on the report's scale
(percentages as 58, not 0.58), and, for per-country figures, the same function for any
country so that orderings ("highest of the six") can be checked. The functions know nothing
about the published values; ``fidelity.compare`` puts the two side by side.

Bases follow the report: shares of all respondents unless the reference row names a
subgroup (workers who supported boys, workers with online cases of girls, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .countries import COUNTRIES, slugify
from .printed_values import CHI2
from .survey.published_tests import PUBLISHED_TESTS, frame_for_test
from .survey.schema import ASKED_IF

Frame = pd.DataFrame


@dataclass(frozen=True)
class Measure:
    """How to compute one published figure.

    Attributes
    ----------
    compute : callable
        ``compute(frame) -> float``.
    by_country : callable, optional
        ``by_country(frame, country) -> float``: the same figure for any country, used to
        check published orderings.
    """

    compute: Callable[[Frame], float]
    by_country: Callable[[Frame, str], float] | None = None


def _in(frame: Frame, subset: str = "everyone", country: str | None = None, columns=None) -> Frame:
    """Rows of ``subset`` (in ``country``); only ``columns`` when given.

    Selecting the columns before the rows matters: a row filter copies every one of the
    survey's 86 columns, and a replication table applies some three hundred of them.
    """
    mask = ASKED_IF[subset](frame).to_numpy().copy()
    if country is not None:
        mask &= (frame["country"] == country).to_numpy()
    return frame.loc[mask] if columns is None else frame.loc[mask, columns]


def pct(column: str, levels, subset: str = "everyone", where=None) -> Callable[[Frame], float]:
    """Share (0-100) of ``subset`` whose ``column`` is one of ``levels``."""
    levels = levels if isinstance(levels, list | tuple | set) else [levels]

    def f(frame: Frame, country: str | None = None) -> float:
        if where is None:
            part = _in(frame, subset, country, [column])
        else:
            part = _in(frame, subset, country)
            part = part.loc[where(part).to_numpy()]
        values = part[column].dropna()
        if len(values) == 0:
            return float("nan")
        return float(100 * values.isin(list(levels)).mean())

    return f


def count(column: str, levels, subset: str = "everyone") -> Callable[[Frame], float]:
    """Count respondents in ``subset`` whose ``column`` is one of ``levels``."""
    levels = levels if isinstance(levels, list | tuple | set) else [levels]

    def f(frame: Frame, country: str | None = None) -> float:
        part = _in(frame, subset, country, [column])
        return float(part[column].isin(list(levels)).sum())

    return f


def mean(column: str | Callable[[Frame], pd.Series], subset: str = "everyone"):
    """Average of a numeric column (or of a derived series) over ``subset``'s answers."""

    def f(frame: Frame, country: str | None = None) -> float:
        part = _in(frame, subset, country, None if callable(column) else [column])
        values = column(part) if callable(column) else part[column]
        return float(pd.to_numeric(values, errors="coerce").astype(float).mean())

    return f


def country_rank(share: Callable, country: str) -> Callable[[Frame], float]:
    """Rank (1 = highest) of ``country`` among the countries for a per-country share."""

    def f(frame: Frame) -> float:
        values = {c: share(frame, c) for c in sorted(frame["country"].dropna().unique())}
        order = sorted(values, key=lambda c: -values[c])
        return float(order.index(country) + 1) if country in order else float("nan")

    return f


def option_rank(columns: list[str], option: str) -> Callable[[Frame], float]:
    """Rank (1 = most chosen) of ``option`` pooled over ``columns`` (e.g. boys and girls)."""

    def f(frame: Frame) -> float:
        pooled = pd.concat([frame[c].astype(object) for c in columns]).dropna()
        counts = pooled.value_counts()
        if option not in counts.index:
            return float("nan")
        return float((counts > counts[option]).sum() + 1)

    return f


def test_statistic(test_id: str) -> Callable[[Frame], float]:
    """Recompute a published test's statistic (chi-square or F) with ``stats``."""
    test = next(t for t in PUBLISHED_TESTS if t.id == test_id)

    def f(frame: Frame) -> float:
        from . import stats

        data = frame_for_test(test, frame)
        if test.kind == CHI2:
            return stats.chi2_independence(data, test.row, test.col).statistic
        return stats.anova_oneway(data, test.value, test.group).statistic

    return f


def _modal_band_upper(column: str, subset: str) -> Callable[[Frame], float]:
    def f(frame: Frame) -> float:
        values = _in(frame, subset, columns=[column])[column].dropna().astype(float)
        bands = pd.cut(values, [-0.5, 25, 50, 75, 100], labels=[25, 50, 75, 100])
        return float(bands.value_counts().idxmax())

    return f


def _rows(frame: Frame) -> float:
    return float(len(frame))


MEASURES: dict[str, Measure] = {}


def _add(ref_id: str, fn: Callable, by_country: Callable | None = None) -> None:
    MEASURES[ref_id] = Measure(fn, by_country)


def _per_country(prefix: str, family: Callable[[Frame, str | None], float], countries=COUNTRIES):
    for c in countries:
        _add(f"{prefix}.{slugify(c)}", lambda frame, c=c, fam=family: fam(frame, c), family)


def _register() -> None:
    # Sample
    _add("sample.completed.count", _rows)
    _add("sample.completed.count.exec_summary", _rows)
    _add("sample.countries.count", lambda f: float(f["country"].nunique()))
    for c in COUNTRIES:
        _add(
            f"sample.completed.count.{slugify(c)}", lambda f, c=c: float((f["country"] == c).sum())
        )
    _add(
        "barriers.factors.count",
        lambda f: float(sum(col.startswith("barrier_") for col in f.columns)),
    )

    # Profile
    for key, level in (("female", "Female"), ("male", "Male"), ("other", "Other")):
        _add(f"profile.gender.{key}.count", count("gender", level))
        _add(f"profile.gender.{key}.pct", pct("gender", level))
    _per_country("profile.gender.female.pct", pct("gender", "Female"))
    _per_country("profile.gender.other.count", count("gender", "Other"))
    for key, level in (
        ("21_30", "21-30"),
        ("31_40", "31-40"),
        ("41_50", "41-50"),
        ("over_50", "Over 50"),
    ):
        _add(f"profile.age.{key}.count", count("age_band", level))
        _add(f"profile.age.{key}.pct", pct("age_band", level))
    _add(
        "profile.age.21_30.pct.government",
        pct("age_band", "21-30", where=lambda p: p["organisation_type"] == "Government"),
    )
    _add(
        "profile.age.21_30.pct.ngo",
        pct(
            "age_band",
            "21-30",
            where=lambda p: p["organisation_type"] == "NGO (no religious affiliation)",
        ),
    )
    for key, level in (
        ("below_tertiary", "No tertiary degree"),
        ("bachelor", "Bachelor's degree"),
        ("masters_phd", "Master's degree or PhD"),
    ):
        _add(f"profile.education.{key}.count", count("education", level))
        _add(f"profile.education.{key}.pct", pct("education", level))
    _per_country("profile.education.masters_phd.pct", pct("education", "Master's degree or PhD"))
    for key, level in (
        ("0_5", "0-5 years"),
        ("6_10", "6-10 years"),
        ("11_20", "11-20 years"),
        ("over_20", "Over 20 years"),
    ):
        _add(f"profile.experience.{key}.count", count("experience", level))
        _add(f"profile.experience.{key}.pct", pct("experience", level))
    _per_country("profile.experience.0_5.pct", pct("experience", "0-5 years"))
    for key, level in (
        ("government", "Government"),
        ("ngo", "NGO (no religious affiliation)"),
        ("other", "Other"),
    ):
        _add(f"profile.org_type.{key}.count", count("organisation_type", level))
        _add(f"profile.org_type.{key}.pct", pct("organisation_type", level))
    gov = pct("organisation_type", "Government")
    for key, group in (
        ("albania_moldova", ("Albania", "Moldova")),
        ("other_four", ("Bosnia and Herzegovina", "Colombia", "Mexico", "Peru")),
    ):
        _add(
            f"profile.org_type.government.pct.{key}.min",
            lambda f, g=group: min(gov(f, c) for c in g),
        )
        _add(
            f"profile.org_type.government.pct.{key}.max",
            lambda f, g=group: max(gov(f, c) for c in g),
        )
    for key, level in (
        ("urban", "Urban"),
        ("rural", "Rural"),
        ("urban_and_rural", "Urban and rural"),
    ):
        _add(f"profile.location.{key}.count", count("location", level))
        _add(f"profile.location.{key}.pct", pct("location", level))
    _per_country("profile.location.urban.pct", pct("location", "Urban"))

    # Services
    for key, col in (
        ("counselling_individual", "service_individual_counselling"),
        ("family_support", "service_family_support"),
        ("legal", "service_legal_support"),
        ("sexual_health", "service_sexual_health"),
        ("reintegration", "service_reintegration"),
        ("group_psychosocial", "service_group_psychosocial"),
    ):
        _add(f"services.{key}.pct", pct(col, True))
        _add(
            f"services.{key}.pct.government",
            pct(col, True, where=lambda p: p["organisation_type"] == "Government"),
        )
        _add(
            f"services.{key}.pct.ngo",
            pct(
                col,
                True,
                where=lambda p: p["organisation_type"] == "NGO (no religious affiliation)",
            ),
        )
    _add(
        "services.counselling_individual.pct.men",
        pct("service_individual_counselling", True, where=lambda p: p["gender"] == "Male"),
    )
    _add(
        "services.counselling_individual.pct.women",
        pct("service_individual_counselling", True, where=lambda p: p["gender"] == "Female"),
    )

    # Caseloads
    _add("caseload.any_se.mean_share", mean("caseload_exploitation_pct"))
    _add(
        "caseload.any_se.up_to_quarter.pct",
        lambda f: float(100 * (f["caseload_exploitation_pct"] <= 25).mean()),
    )
    _add(
        "caseload.any_se.three_quarters_plus.pct",
        lambda f: float(100 * (f["caseload_exploitation_pct"] >= 75).mean()),
    )
    online = mean("caseload_online_pct")
    _add("caseload.online_share_of_se.mean", online)
    _per_country("caseload.online_share_of_se.mean", online)
    product = mean(lambda p: p["caseload_exploitation_pct"] * p["caseload_online_pct"] / 100)
    for suffix in ("mean", "mean.exec_summary", "one_in_five.exec_summary"):
        _add(f"caseload.online_share_of_total.{suffix}", product)

    # Boys and girls
    _add("boys_girls.supported_boys.count", count("supported_boys", True))
    _add("boys_girls.supported_girls.count", count("supported_girls", True))
    _add(
        "boys_girls.supported_only_boys.count",
        lambda f: float((f["supported_boys"] & ~f["supported_girls"]).sum()),
    )
    _add(
        "boys_girls.supported_only_girls.count",
        lambda f: float((f["supported_girls"] & ~f["supported_boys"]).sum()),
    )
    _add(
        "boys_girls.supported_boys_online.count", lambda f: float(ASKED_IF["boys_online"](f).sum())
    )
    _add(
        "boys_girls.supported_boys_online.pct",
        lambda f: float(100 * (_in(f, "supported_boys")["boys_online_pct"] > 0).mean()),
    )
    _add(
        "boys_girls.supported_girls_online.pct",
        lambda f: float(100 * (_in(f, "supported_girls")["girls_online_pct"] > 0).mean()),
    )
    boys_share = mean("boys_online_pct", "supported_boys")
    _per_country("boys_girls.boys_online_share.mean", boys_share)
    for suffix in ("", ".exec_summary"):
        _add(
            f"boys_girls.boys_online_share.modal_band{suffix}",
            _modal_band_upper("boys_online_pct", "boys_online"),
        )
    for suffix in ("", ".exec_summary"):
        _add(
            f"boys_girls.girls_online_share.more_than_half.pct{suffix}",
            lambda f: float(100 * (_in(f, "supported_girls")["girls_online_pct"] > 50).mean()),
        )
    _add(
        "boys_girls.girls_online_share.almost_all.pct",
        lambda f: float(100 * (_in(f, "supported_girls")["girls_online_pct"] >= 90).mean()),
    )
    _add("boys_girls.boys_age.under_11.mean", mean("boys_age_under_11_pct", "boys_online"))
    _add(
        "boys_girls.boys_age.11_17.mean",
        mean(lambda p: p["boys_age_11_15_pct"] + p["boys_age_16_17_pct"], "boys_online"),
    )
    for band in ("under_11", "11_15", "16_17"):
        _add(f"boys_girls.girls_age.{band}.mean", mean(f"girls_age_{band}_pct", "girls_online"))

    # Offenders
    def female_pooled(f: Frame) -> float:
        pooled = pd.concat([f["boys_offender_female_pct"], f["girls_offender_female_pct"]])
        return float(pooled.dropna().astype(float).mean())

    _add("offenders.female.share", female_pooled)
    _add("offenders.female.share.exec_summary", female_pooled)
    girls_female = mean("girls_offender_female_pct", "girls_online")
    _per_country("offenders.female.share.girls", girls_female)
    _add("offenders.foreign_more_common.pct", pct("offender_nationality", "Another country"))
    _add(
        "offenders.same_country.pct.exec_summary",
        pct("offender_nationality", "Same country as the child"),
    )
    rel = ["boys_offender_relationship", "girls_offender_relationship"]
    _add("offenders.relationship.parents.rank", option_rank(rel, "Parent or step-parent"))
    _add(
        "offenders.relationship.other_relatives.rank",
        option_rank(rel, "Other relative (18 or older)"),
    )
    _add("offenders.relationship.family_friends.rank", option_rank(rel, "Family friend"))

    # Exchange and facilitation
    _add("exchange.money.share.boys", pct("boys_exchange", "Money", "boys_online"))
    _add("exchange.money.share.girls", pct("girls_exchange", "Money", "girls_online"))
    _add(
        "exchange.money.share.exec_summary",
        lambda f: float(
            100
            * pd.concat([f["boys_exchange"].astype(object), f["girls_exchange"].astype(object)])
            .dropna()
            .eq("Money")
            .mean()
        ),
    )
    _add(
        "exchange.goods_boys.rank.moldova",
        country_rank(pct("boys_exchange", "Gifts or goods", "boys_online"), "Moldova"),
    )
    _add(
        "exchange.shelter_boys.rank.peru",
        country_rank(pct("boys_exchange", "Shelter", "boys_online"), "Peru"),
    )
    for sex in ("boys", "girls"):
        _add(
            f"facilitation.facilitator_present.pct.{sex}",
            pct(f"{sex}_facilitator", "Yes", f"{sex}_online"),
        )

    # Forms of abuse
    _add(
        "forms_of_abuse.self_generated.pct.boys",
        pct("boys_form_self_generated", True, "boys_online"),
    )
    _add(
        "forms_of_abuse.self_generated.pct.girls",
        pct("girls_form_self_generated", True, "girls_online"),
    )

    # Barriers and beliefs
    for key in ("stigma_shame", "fear_of_reactions"):
        for suffix in ("", ".exec_summary"):
            _add(f"barriers.{key}.pct{suffix}", pct(f"barrier_{key}", True))
    for ref_key, col, countries in (
        (
            "fear_of_reactions.top_k",
            "barrier_fear_of_reactions",
            ("Bosnia and Herzegovina", "Moldova"),
        ),
        ("no_confidence_in_help.top_k", "barrier_no_confidence_in_help", ("Colombia", "Peru")),
        ("fear_of_criminalisation.rank", "barrier_fear_criminalised", ("Mexico",)),
        ("police_refuse_report.rank", "barrier_police_refuse_report", ("Mexico",)),
        ("sex_taboo.rank", "barrier_sex_taboo", ("Bosnia and Herzegovina",)),
    ):
        for c in countries:
            _add(f"barriers.{ref_key}.{slugify(c)}", country_rank(pct(col, True), c))
    for key in ("culture_of_silence", "sex_taboo"):
        _add(f"beliefs.{key}.pct", pct(f"belief_{key}", True))

    # Government
    poor_none = ["None", "Poor"]
    _add("government.funding.poor_or_none.pct", pct("govt_funding", poor_none))
    three = ("govt_awareness_raising", "govt_training", "govt_public_advocacy")
    _add(
        "government.awareness_training_advocacy.poor_or_none.pct.max",
        lambda f: max(pct(c, poor_none)(f) for c in three),
    )
    _add(
        "government.awareness_training_advocacy.poor_or_none.pct.min",
        lambda f: min(pct(c, poor_none)(f) for c in three),
    )

    # Scenarios and awareness
    _add("scenarios.victim.yes.pct", pct("scenario_paid_video_call_victim", "Yes"))
    _add("scenarios.offender.yes.pct", pct("scenario_secret_recording_offence", "Yes"))
    _add("scenarios.gender_flipped.yes.pct", pct("scenario_gender_reversed", "Yes"))
    _add("scenarios.viewer.no.pct", pct("scenario_viewer_offence", "No"))
    _add("scenarios.viewer.unsure.pct", pct("scenario_viewer_offence", "Don't know"))
    _per_country("scenarios.viewer.yes.pct", pct("scenario_viewer_offence", "Yes"))
    _add("scenarios.dating.yes.pct", pct("scenario_adolescents_dating", "Yes"))
    for key, level in (
        ("excellent", "Excellent"),
        ("good", "Good"),
        ("fair", "Fair"),
        ("poor", "Poor"),
    ):
        _add(f"awareness.rating.{key}.pct", pct("public_awareness", level))
    _add("awareness.rating.poor.pct.exec_summary", pct("public_awareness", "Poor"))
    for suffix in ("", ".exec_summary"):
        _add(
            f"awareness.rating.good_or_excellent.pct{suffix}",
            pct("public_awareness", ["Good", "Excellent"]),
        )

    # The 19 published tests
    for test in PUBLISHED_TESTS:
        _add(test.id, test_statistic(test.id))


_register()


def compute(ref_id: str, frame: Frame) -> float:
    """Compute one published figure from ``frame`` (``KeyError`` if no measure exists)."""
    value = MEASURES[ref_id].compute(frame)
    return float(value) if value is not None else float("nan")


def country_values(ref_id: str, frame: Frame) -> dict[str, float]:
    """Compute a per-country measure for every country in ``frame``."""
    family = MEASURES[ref_id].by_country
    if family is None:
        return {}
    return {c: family(frame, c) for c in COUNTRIES if (frame["country"] == c).any()}
