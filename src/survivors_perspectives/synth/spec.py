"""What the synthetic survey must reproduce, and what we assume where the report is silent.

A ``Spec`` is declarative: exact counts per table (from the published reference table),
patterns that give the direction of published differences, the published test statistics
the tables are calibrated to, slider targets, and, kept beside them, every assumption with
its reason and every conflict between published figures with the reason we cannot meet
both. ``build_spec()`` reads ``data/reference/published_statistics.csv`` (through
``survivors_perspectives.published.reference.load_reference``); ``check_spec`` rejects a spec that
cannot be satisfied, naming the target and the conflict, before anything is written.

Counts are at the published scale (413 respondents); ``--scale K`` multiplies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..countries import COUNTRIES, slugify
from ..published.conflicts import (
    SERVICES_BY_ORG_TYPE,
    ConflictReadError,
    published_conflicts,
    service_offered_by_org_type,
)
from ..survey.schema import ASKED_IF, CATEGORIES, COLUMN_BY_NAME
from .raking import chi2_statistic
from .structure import Structure, check_structure, country_offsets, country_tilts, default_structure


class SpecError(ValueError):
    """The spec cannot be satisfied; the message names the target and the conflict."""


@dataclass(frozen=True)
class TableTarget:
    """Exact counts of one categorical (or boolean) column within groups of respondents.

    Attributes
    ----------
    column : str
        Survey column generated (or a helper column starting with ``_``).
    by : str
        Column whose groups the counts are given for (``country``, ``organisation_type`` ...).
    totals : dict
        Level -> number of respondents (in ``subset``) with that answer.
    subset : str
        ``ASKED_IF`` key (or ``_``-helper flag) of who answers.
    fixed : dict
        Group -> level -> exact count the report publishes (or we fix as an assumption).
    pattern : dict
        Group -> level -> log-odds tilt: the direction of published differences.
    strength : float
        Tilt used when no statistic is given.
    chi2 : float, optional
        Published chi-square of ``by`` x ``column``; the tilt is calibrated to it.
    test_id : str, optional
        Reference id of that test.
    """

    column: str
    by: str
    totals: dict
    subset: str = "everyone"
    fixed: dict = field(default_factory=dict)
    pattern: dict = field(default_factory=dict)
    strength: float = 0.0
    chi2: float | None = None
    test_id: str | None = None


@dataclass(frozen=True)
class SliderTarget:
    """A 0-100 slider: its base, group means or bands, and a published ANOVA F.

    ``kind="beta"``: per-group means (``means``) and precision ``phi`` (calibrated to ``f``
    when given). ``kind="bands"``: counts per band (``band_totals`` over ``band_edges``),
    tilted by country with ``pattern`` calibrated to ``f``. ``zero_unless``: helper flag;
    respondents without it answer 0 (e.g. no online cases with boys). ``pair_with``: values
    are paired with that earlier slider's answers with rank correlation about ``rho``.
    """

    column: str
    kind: str
    subset: str = "everyone"
    group: str = "country"
    means: dict = field(default_factory=dict)
    phi: float = 2.0
    band_edges: tuple = ()
    band_totals: tuple = ()
    pattern: dict = field(default_factory=dict)
    f: float | None = None
    test_id: str | None = None
    zero_unless: str | None = None
    missing: int = 0
    pair_with: str | None = None
    rho: float = 0.0


@dataclass(frozen=True)
class CompositionTarget:
    """Three age-band shares per worker that sum to 100, with published averages."""

    columns: tuple
    means: tuple
    subset: str
    concentration: float = 4.0


@dataclass(frozen=True)
class JointBinaryTarget:
    """A yes/no column with exact yes-counts by two groupings at once (e.g. org and gender)."""

    column: str
    first: str
    first_yes: dict
    second: str
    second_yes: dict


@dataclass(frozen=True)
class Note:
    """An assumption or a conflict, with the targets it concerns and the reason."""

    about: str
    text: str


@dataclass(frozen=True)
class Spec:
    """Everything the generator needs, at the published scale."""

    sizes: dict
    tables: tuple
    sliders: tuple
    compositions: tuple
    joint: tuple
    assumptions: tuple = ()
    conflicts: dict = field(default_factory=dict)
    structure: Structure | None = None

    @property
    def total(self) -> int:
        """Respondents at the published scale."""
        return int(sum(self.sizes.values()))


# --------------------------------------------------------------------------------------
# Helpers to read the reference table


class _Published:
    """Look-ups into the reference table that fail loudly with the missing id."""

    def __init__(self, reference: pd.DataFrame):
        self.frame = reference.set_index("id")
        self.values = self.frame["value"]

    def __call__(self, ref_id: str) -> float:
        try:
            return float(self.values.loc[ref_id])
        except KeyError:
            raise SpecError(
                f"reference figure {ref_id!r} is missing from the reference table"
            ) from None

    def column(self, ref_id: str, column: str) -> int:
        """Return a whole-number column (``n`` or ``base``) of a reference row."""
        self(ref_id)
        value = self.frame.loc[ref_id, column]
        if pd.isna(value):
            raise SpecError(f"reference figure {ref_id!r} has no {column!r}")
        return int(value)

    def n(self, ref_id: str) -> int:
        """Return the published count behind a percentage."""
        return self.column(ref_id, "n")

    def count(self, ref_id: str) -> int:
        """Return a published count as an integer."""
        return round(self(ref_id))

    def count_for_pct(self, ref_id: str, base: int) -> int:
        """Smallest-error count whose percentage of ``base`` rounds to the published value."""
        return count_for_pct(self(ref_id), base, ref_id)


def count_for_pct(pct: float, base: int, what: str = "target") -> int:
    """Return the count of ``base`` closest to ``pct`` percent.

    Raises ``SpecError`` for a share outside 0-100.
    """
    if not 0 <= pct <= 100:
        raise SpecError(f"{what}: a percentage of {pct:g} is outside 0-100")
    return round(pct / 100 * base)


def _split(total: int, shares: dict) -> dict:
    """Split ``total`` over levels by shares (largest remainder), keeping level order."""
    from .allocate import largest_remainder

    counts = largest_remainder(total, list(shares.values()))
    return dict(zip(shares, (int(c) for c in counts), strict=True))


# --------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A spec being declared, one topic function at a time.

    Each topic function (:data:`TOPICS`, in the order the generator needs: the tables and
    assumptions keep that order) reads the reference table through ``pub``, appends its
    targets to ``tables`` and ``sliders`` and its assumptions through ``assume``; the few
    figures one topic hands to another (who had online cases, the gender totals ...) are
    fields, so a reader sees what crosses topics.
    """

    reference: pd.DataFrame
    pub: _Published
    sizes: dict
    tables: list = field(default_factory=list)
    sliders: list = field(default_factory=list)
    assumptions: list = field(default_factory=list)
    gender_totals: dict = field(default_factory=dict)
    org_totals: dict = field(default_factory=dict)
    n_girls: int = 0
    boys_online: int = 0
    girls_online: int = 0
    joint: tuple = ()
    compositions: tuple = ()

    @property
    def n_total(self) -> int:
        """Respondents at the published scale."""
        return sum(self.sizes.values())

    def assume(self, about: str, text: str) -> None:
        """Record an assumption with what it is about."""
        self.assumptions.append(Note(about, text))


def _gender(d: _Draft) -> None:
    """Gender by country: published totals, Albania and Moldova fixed, X2(10) tilt."""
    pub = d.pub
    sizes = d.sizes
    tables = d.tables
    assume = d.assume
    gender_totals = {
        "Female": pub.count("profile.gender.female.count"),
        "Male": pub.count("profile.gender.male.count"),
        "Other": pub.count("profile.gender.other.count"),
    }
    fem_alb = pub.count_for_pct("profile.gender.female.pct.albania", sizes["Albania"])
    fem_mol = pub.count_for_pct("profile.gender.female.pct.moldova", sizes["Moldova"])
    other_mex = pub.count("profile.gender.other.count.mexico")
    gender_fixed = {
        "Albania": {"Female": fem_alb, "Male": sizes["Albania"] - fem_alb, "Other": 0},
        "Moldova": {"Female": fem_mol, "Male": sizes["Moldova"] - fem_mol, "Other": 0},
    }
    for c in ("Bosnia and Herzegovina", "Colombia", "Peru"):
        gender_fixed[c] = {"Other": 0}
    gender_fixed["Mexico"] = {"Other": other_mex}
    tables.append(
        TableTarget(
            "gender",
            "country",
            gender_totals,
            fixed=gender_fixed,
            pattern={
                "Bosnia and Herzegovina": {"Female": 1.0},
                "Colombia": {"Female": 0.4},
                "Peru": {"Female": -0.4},
                "Mexico": {"Female": -0.6},
            },
            chi2=pub("profile.gender.by_country.chi2"),
            test_id="profile.gender.by_country.chi2",
        )
    )
    assume(
        "gender by country",
        "Only Albania (lowest share of women) and Moldova (highest) are published; the other "
        "four countries lie between them, tilted (Bosnia and Herzegovina most female, Mexico "
        "least) just enough to give the published X2(10).",
    )
    d.gender_totals = gender_totals


def _organisation_type(d: _Draft) -> None:
    """Organisation type by country: the published government ranges."""
    pub = d.pub
    sizes = d.sizes
    tables = d.tables
    assume = d.assume
    org_totals = {
        "Government": pub.count("profile.org_type.government.count"),
        "NGO (no religious affiliation)": pub.count("profile.org_type.ngo.count"),
        "Other": pub.count("profile.org_type.other.count"),
    }
    lo_am = pub("profile.org_type.government.pct.albania_moldova.min")
    hi_am = pub("profile.org_type.government.pct.albania_moldova.max")
    lo_4 = pub("profile.org_type.government.pct.other_four.min")
    hi_4 = pub("profile.org_type.government.pct.other_four.max")
    gov = {
        "Albania": count_for_pct(hi_am, sizes["Albania"], "government share, Albania"),
        "Moldova": count_for_pct(lo_am, sizes["Moldova"], "government share, Moldova"),
        "Mexico": count_for_pct(hi_4, sizes["Mexico"], "government share, Mexico"),
        "Peru": count_for_pct(lo_4, sizes["Peru"], "government share, Peru"),
    }
    rest = org_totals["Government"] - sum(gov.values())
    two = sizes["Bosnia and Herzegovina"] + sizes["Colombia"]
    gov["Bosnia and Herzegovina"] = round(rest * sizes["Bosnia and Herzegovina"] / two)
    gov["Colombia"] = rest - gov["Bosnia and Herzegovina"]
    tables.append(
        TableTarget(
            "organisation_type",
            "country",
            org_totals,
            fixed={c: {"Government": g} for c, g in gov.items()},
            pattern={
                "Albania": {"NGO (no religious affiliation)": 1.0},
                "Moldova": {"NGO (no religious affiliation)": 1.0},
            },
            strength=1.0,
        )
    )
    assume(
        "organisation type by country",
        "The report gives the government share as a range (22-30% in Albania and Moldova, "
        "55-77% elsewhere) without saying which country is which end: Albania 30%, Moldova "
        "22%, Mexico 77%, Peru 55%, Bosnia and Herzegovina and Colombia sharing the rest "
        "equally. Non-government staff in Albania and Moldova lean to NGOs.",
    )
    d.org_totals = org_totals


def _age(d: _Draft) -> None:
    """Age band by organisation type: the 21-30 shares, X2(6) tilt."""
    pub = d.pub
    tables = d.tables
    assume = d.assume
    org_totals = d.org_totals
    age_levels = CATEGORIES["age_band"]
    age_totals = dict(
        zip(
            age_levels,
            [pub.count(f"profile.age.{k}.count") for k in ("21_30", "31_40", "41_50", "over_50")],
            strict=True,
        )
    )
    young_gov = pub.count_for_pct("profile.age.21_30.pct.government", org_totals["Government"])
    young_ngo = pub.count_for_pct(
        "profile.age.21_30.pct.ngo", org_totals["NGO (no religious affiliation)"]
    )
    tables.append(
        TableTarget(
            "age_band",
            "organisation_type",
            age_totals,
            fixed={
                "Government": {"21-30": young_gov},
                "NGO (no religious affiliation)": {"21-30": young_ngo},
            },
            pattern={
                "Government": {"41-50": 0.6, "Over 50": 0.6},
                "NGO (no religious affiliation)": {"41-50": -0.6, "Over 50": -0.6},
            },
            chi2=pub("profile.age.by_org_type.chi2"),
            test_id="profile.age.by_org_type.chi2",
        )
    )
    assume(
        "age by organisation type",
        "Only the 21-30 shares of government and NGO staff are published; the older bands "
        "lean to government, calibrated to the published X2(6).",
    )


def _education(d: _Draft) -> None:
    """Education by country: the per-country master's shares."""
    pub = d.pub
    sizes = d.sizes
    tables = d.tables
    assume = d.assume
    edu_totals = {
        "No tertiary degree": pub.count("profile.education.below_tertiary.count"),
        "Bachelor's degree": pub.count("profile.education.bachelor.count"),
        "Master's degree or PhD": pub.count("profile.education.masters_phd.count"),
    }
    masters = {
        c: pub.count_for_pct(f"profile.education.masters_phd.pct.{slugify(c)}", sizes[c])
        for c in COUNTRIES
    }
    excess = sum(masters.values()) - edu_totals["Master's degree or PhD"]
    # 'Around a quarter' in three countries is approximate: trim the excess there.
    for c in ("Peru", "Mexico", "Bosnia and Herzegovina")[: max(excess, 0)]:
        masters[c] -= 1
    if excess:
        assume(
            "master's degrees by country",
            f"The per-country shares round to {excess:+d} more master's degrees than the "
            "published total of 159; the 'around a quarter' countries take the difference "
            "(Peru 19 of 80).",
        )
    tables.append(
        TableTarget(
            "education",
            "country",
            edu_totals,
            fixed={c: {"Master's degree or PhD": m} for c, m in masters.items()},
        )
    )


def _experience(d: _Draft) -> None:
    """Experience by country: Mexico's 0-5 share fixed."""
    pub = d.pub
    sizes = d.sizes
    tables = d.tables
    assume = d.assume
    exp_levels = CATEGORIES["experience"]
    exp_totals = dict(
        zip(
            exp_levels,
            [
                pub.count(f"profile.experience.{k}.count")
                for k in ("0_5", "6_10", "11_20", "over_20")
            ],
            strict=True,
        )
    )
    mex_new = pub.count_for_pct("profile.experience.0_5.pct.mexico", sizes["Mexico"])
    tables.append(
        TableTarget("experience", "country", exp_totals, fixed={"Mexico": {"0-5 years": mex_new}})
    )
    assume(
        "experience by country",
        "Apart from Mexico's 0-5 share, experience is spread evenly over countries.",
    )


def _location(d: _Draft) -> None:
    """Location by country: two urban shares fixed, X2(10) tilt."""
    pub = d.pub
    sizes = d.sizes
    tables = d.tables
    assume = d.assume
    loc_totals = {
        "Urban": pub.count("profile.location.urban.count"),
        "Rural": pub.count("profile.location.rural.count"),
        "Urban and rural": pub.count("profile.location.urban_and_rural.count"),
    }
    urban_bih = pub.count_for_pct(
        "profile.location.urban.pct.bosnia-and-herzegovina", sizes["Bosnia and Herzegovina"]
    )
    urban_mol = pub.count_for_pct("profile.location.urban.pct.moldova", sizes["Moldova"])
    tables.append(
        TableTarget(
            "location",
            "country",
            loc_totals,
            fixed={
                "Bosnia and Herzegovina": {"Urban": urban_bih},
                "Moldova": {"Urban": urban_mol},
            },
            pattern={
                "Moldova": {"Rural": 1.2},
                "Peru": {"Rural": 0.8, "Urban": -0.3},
                "Colombia": {"Urban and rural": 0.5},
                "Albania": {"Urban": 0.3},
                "Mexico": {"Urban": 0.2},
            },
            chi2=pub("profile.location.by_country.chi2"),
            test_id="profile.location.by_country.chi2",
        )
    )
    assume(
        "location by country",
        "Only the urban shares of Bosnia and Herzegovina (highest) and Moldova (lowest) are "
        "published; Moldova and Peru lean rural, calibrated to the published X2(10).",
    )


def _services_by_organisation(d: _Draft) -> None:
    """Services by organisation type, and counselling by gender too."""
    reference = d.reference
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    gender_totals = d.gender_totals
    by_org_yes: dict[str, dict] = {}
    for col, key in SERVICES_BY_ORG_TYPE:
        try:
            offered, _ = service_offered_by_org_type(reference, key)
        except ConflictReadError as error:
            raise SpecError(str(error)) from None
        g, n, other = offered["Government"], offered["NGO"], offered["Other"]
        by_org_yes[col] = {
            "Government": g,
            "NGO (no religious affiliation)": n,
            "Other": other,
        }
        if col != "service_individual_counselling":
            yes = g + n + other
            tables.append(
                TableTarget(
                    col,
                    "organisation_type",
                    {True: yes, False: n_total - yes},
                    fixed={k: {True: v} for k, v in by_org_yes[col].items()},
                    test_id=f"services.{key}.by_org_type.chi2",
                )
            )
    # Counselling: by organisation type and by worker gender at once.
    couns_org = by_org_yes["service_individual_counselling"]
    couns_yes = sum(couns_org.values())
    gender_yes = _gender_split(
        couns_yes, gender_totals, pub("services.counselling_individual.by_gender.chi2")
    )
    joint = (
        JointBinaryTarget(
            "service_individual_counselling", "organisation_type", couns_org, "gender", gender_yes
        ),
    )
    assume(
        "counselling by gender",
        f"Women {gender_yes['Female']}/{gender_totals['Female']}, men "
        f"{gender_yes['Male']}/{gender_totals['Male']}, the one 'Other' respondent no: the gap "
        "that gives the published X2(2).",
    )
    d.joint = joint


def _other_services(d: _Draft) -> None:
    """Services with a published share only, and those outside the top six."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    simple_services = {
        "service_family_support": ("services.family_support.pct", {"Rural": -0.8}),
        "service_legal_support": ("services.legal.pct", {"Rural": -0.8}),
        "service_group_psychosocial": ("services.group_psychosocial.pct", {}),
    }
    for col, (ref_id, tilt) in simple_services.items():
        yes = pub.count_for_pct(ref_id, n_total)
        tables.append(
            TableTarget(
                col,
                "location",
                {True: yes, False: n_total - yes},
                pattern={loc: {True: t} for loc, t in tilt.items()},
                strength=1.0,
            )
        )
    assume(
        "family and legal support by location",
        "The report says both are less common in rural-only organisations without numbers; "
        "we halve the odds there.",
    )
    for col, pct in (
        ("service_shelter", 25),
        ("service_medical_care", 30),
        ("service_education_vocational", 35),
        ("service_helpline", 20),
    ):
        yes = count_for_pct(pct, n_total, col)
        tables.append(TableTarget(col, "country", {True: yes, False: n_total - yes}))
    assume(
        "services not in the top six",
        "Shelter 25%, medical care 30%, education 35%, helpline 20%: below the sixth "
        "published service (42%), as the report lists only the top six.",
    )


def _caseloads(d: _Draft) -> None:
    """Declare the caseload sliders: the share with sexual exploitation, the online share."""
    pub = d.pub
    n_total = d.n_total
    sliders = d.sliders
    assume = d.assume
    low = pub.n("caseload.any_se.up_to_quarter.pct")
    high = pub.n("caseload.any_se.three_quarters_plus.pct")
    sliders += [
        SliderTarget(
            "caseload_exploitation_pct",
            "bands",
            band_edges=((1, 25), (26, 74), (75, 100)),
            band_totals=(low, n_total - low - high, high),
            pattern={
                "Moldova": (-0.5, 0.0, 0.5),
                "Albania": (-0.3, 0.0, 0.3),
                "Mexico": (0.3, 0.0, -0.3),
                "Peru": (0.2, 0.0, -0.2),
            },
            f=pub("caseload.any_se.by_country.anova"),
            test_id="caseload.any_se.by_country.anova",
        )
    ]
    assume(
        "caseload share with sexual exploitation",
        "Three bands (up to 25, 26-74, 75 or more) with the published counts, values spread "
        "evenly within each band (mean about 40); countries tilted towards the high band "
        "(Moldova, Albania) or the low band (Mexico, Peru) just enough for F(5,407) = 1.978.",
    )
    online_n = pub.column("caseload.online_share_of_se.by_country.anova", "base")
    sliders.append(
        SliderTarget(
            "caseload_online_pct",
            "beta",
            means={
                "Albania": pub("caseload.online_share_of_se.mean.albania"),
                "Bosnia and Herzegovina": 44.0,
                "Colombia": 50.0,
                "Mexico": 50.0,
                "Moldova": pub("caseload.online_share_of_se.mean.moldova"),
                "Peru": 48.0,
            },
            f=pub("caseload.online_share_of_se.by_country.anova"),
            test_id="caseload.online_share_of_se.by_country.anova",
            missing=n_total - online_n,
            pair_with="caseload_exploitation_pct",
            rho=-0.05,
        )
    )
    assume(
        "online share of sexual exploitation cases",
        f"{n_total - online_n} respondents (spread over countries by size) skip the item, as "
        "the ANOVA's df imply 400 answers; the four unnamed countries average 44-50%, between "
        "Moldova (lowest) and Albania (highest), so the overall mean is 'roughly half' "
        "and the mean of the product with the caseload share stays near 18%.",
    )
    assume(
        "caseload shares paired",
        "The online share is slightly lower where sexual exploitation fills more of the "
        "caseload (rank correlation about -0.05): with independent answers the average "
        "product would be about 18.6%, against the published 18%.",
    )


def _who_supported(d: _Draft) -> None:
    """Who supported boys, girls or both, and who had online cases."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    n_boys = pub.count("boys_girls.supported_boys.count")
    n_girls = pub.count("boys_girls.supported_girls.count")
    only_girls = pub.count("boys_girls.supported_only_girls.count")
    only_boys = pub.count("boys_girls.supported_only_boys.count")
    both = n_boys - only_boys
    if both != n_girls - only_girls or both + only_boys + only_girls != n_total:
        raise SpecError(
            f"supported boys/girls: {n_boys} boys ({only_boys} only), {n_girls} girls "
            f"({only_girls} only) do not add up to {n_total} respondents"
        )
    tables.append(
        TableTarget(
            "_supported",
            "country",
            {"Both": both, "Only girls": only_girls, "Only boys": only_boys},
        )
    )
    boys_online = pub.count("boys_girls.supported_boys_online.count")
    girls_online = pub.count_for_pct("boys_girls.supported_girls_online.pct", n_girls)
    tables.append(
        TableTarget(
            "_boys_online",
            "country",
            {True: boys_online, False: n_boys - boys_online},
            subset="supported_boys",
        )
    )
    tables.append(
        TableTarget(
            "_girls_online",
            "country",
            {True: girls_online, False: n_girls - girls_online},
            subset="supported_girls",
        )
    )
    assume(
        "who supported boys and girls",
        f"Who supported both ({both}), only girls and only boys, and who had online cases "
        f"({boys_online} of {n_boys} for boys, {girls_online} of {n_girls} for girls: the "
        "girls' ANOVA df 5,312 imply 318), spread over countries by size.",
    )
    d.boys_online = boys_online
    d.girls_online = girls_online
    d.n_girls = n_girls


def _online_shares(d: _Draft) -> None:
    """Declare the online shares of cases with boys and with girls."""
    pub = d.pub
    sliders = d.sliders
    assume = d.assume
    girls_online = d.girls_online
    n_girls = d.n_girls
    sliders.append(
        SliderTarget(
            "boys_online_pct",
            "beta",
            subset="supported_boys",
            means={
                "Albania": pub("boys_girls.boys_online_share.mean.albania"),
                "Bosnia and Herzegovina": pub(
                    "boys_girls.boys_online_share.mean.bosnia-and-herzegovina"
                ),
                "Colombia": 27.0,
                "Mexico": 29.0,
                "Moldova": 24.0,
                "Peru": 26.0,
            },
            f=pub("boys_girls.boys_online_share.by_country.anova"),
            test_id="boys_girls.boys_online_share.by_country.anova",
            zero_unless="_boys_online",
        )
    )
    assume(
        "online share of cases with boys",
        "0 for the workers without online cases with boys; skewed low otherwise (most "
        "answers up to a quarter); unnamed countries at 24-29%, between Bosnia and "
        "Herzegovina (lowest) and Albania (highest); spread calibrated to F(5,303).",
    )
    more_half = pub.count_for_pct("boys_girls.girls_online_share.more_than_half.pct", n_girls)
    almost_all = pub.count_for_pct("boys_girls.girls_online_share.almost_all.pct", n_girls)
    sliders.append(
        SliderTarget(
            "girls_online_pct",
            "bands",
            subset="girls_online_positive",
            band_edges=((1, 50), (51, 89), (90, 100)),
            band_totals=(girls_online - more_half, more_half - almost_all, almost_all),
            zero_unless="_girls_online",
        )
    )
    assume(
        "online share of cases with girls",
        "'Almost all or all' read as 90 or more on the slider; bands 1-50, 51-89, 90-100 "
        "with the published counts among workers with online cases, 0 for the rest; no "
        "country differences (none published).",
    )


def _ages_of_children(d: _Draft) -> None:
    """Declare the age compositions of the boys and girls supported."""
    pub = d.pub
    assume = d.assume
    compositions = (
        CompositionTarget(
            ("boys_age_under_11_pct", "boys_age_11_15_pct", "boys_age_16_17_pct"),
            (pub("boys_girls.boys_age.under_11.mean"), 42.0, 26.0),
            "boys_online",
        ),
        CompositionTarget(
            ("girls_age_under_11_pct", "girls_age_11_15_pct", "girls_age_16_17_pct"),
            (
                pub("boys_girls.girls_age.under_11.mean"),
                pub("boys_girls.girls_age.11_15.mean"),
                pub("boys_girls.girls_age.16_17.mean"),
            ),
            "girls_online",
        ),
    )
    assume(
        "ages of boys",
        "The report gives 11-17 together (68%); we split it 42% (11-15) and 26% (16-17), "
        "younger than girls as the report says.",
    )
    d.compositions = compositions


def _offenders(d: _Draft) -> None:
    """Declare the share of female offenders, for boys and for girls."""
    pub = d.pub
    sliders = d.sliders
    assume = d.assume
    female = pub("offenders.female.share")
    mex_girls = pub("offenders.female.share.girls.mexico")
    sliders.append(
        SliderTarget(
            "boys_offender_female_pct",
            "beta",
            subset="boys_online",
            means={c: female for c in COUNTRIES},
            phi=1.0,
        )
    )
    sliders.append(
        SliderTarget(
            "girls_offender_female_pct",
            "beta",
            subset="girls_online",
            means={c: (mex_girls + 1 if c == "Mexico" else 19.0) for c in COUNTRIES},
            f=pub("offenders.female_girls.by_country.anova"),
            test_id="offenders.female_girls.by_country.anova",
        )
    )
    assume(
        "female offenders",
        "Boys: about 20% in every country (no differences reported). Girls: Mexico above a "
        "third (34%), the other countries 19%, so the average stays near a fifth; spread "
        "calibrated to the (non-significant) F(5,312).",
    )


def _offender_nationality_and_relationship(d: _Draft) -> None:
    """Declare where offenders come from and how they are related to the child."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    boys_online = d.boys_online
    girls_online = d.girls_online
    foreign = pub.count_for_pct("offenders.foreign_more_common.pct", n_total)
    tables.append(
        TableTarget(
            "offender_nationality",
            "country",
            {"Same country as the child": n_total - foreign, "Another country": foreign},
        )
    )
    rel_levels = CATEGORIES["boys_offender_relationship"]
    rel_shares = {
        "boys": dict(zip(rel_levels, (30, 22, 15, 6, 6, 6, 5, 4, 4, 2), strict=True)),
        "girls": dict(zip(rel_levels, (28, 20, 14, 5, 7, 9, 4, 3, 6, 4), strict=True)),
    }
    for sex, n_online in (("boys", boys_online), ("girls", girls_online)):
        tables.append(
            TableTarget(
                f"{sex}_offender_relationship",
                "country",
                _split(n_online, rel_shares[sex]),
                subset=f"{sex}_online",
            )
        )
    assume(
        "offender relationships",
        "Only the top three are published (parents, other adult relatives, family friends); "
        "boys 30/22/15% and 2-6% for the other seven options; girls 28/20/14%, with more "
        "boyfriends (9%) and online acquaintances (6%), as girls' cases more often start in "
        "dating or online contact.",
    )


def _exchange(d: _Draft) -> None:
    """Declare what was exchanged, for boys and girls, by country."""
    pub = d.pub
    tables = d.tables
    assume = d.assume
    boys_online = d.boys_online
    girls_online = d.girls_online
    boys_ex = _split(
        boys_online,
        {
            "Money": 50,
            "Gifts or goods": 20,
            "Shelter": 10,
            "Food": 10,
            "Protection or affection": 10,
        },
    )
    girls_ex = _split(
        girls_online,
        {"Money": 50, "Gifts or goods": 22, "Shelter": 6, "Food": 8, "Protection or affection": 14},
    )
    tables.append(
        TableTarget(
            "boys_exchange",
            "country",
            boys_ex,
            subset="boys_online",
            pattern={
                "Moldova": {"Gifts or goods": 1.5},
                "Peru": {"Shelter": 1.5},
                "Albania": {"Money": 0.5},
            },
            chi2=pub("exchange.boys.by_country.chi2"),
            test_id="exchange.boys.by_country.chi2",
        )
    )
    tables.append(
        TableTarget(
            "girls_exchange",
            "country",
            girls_ex,
            subset="girls_online",
            pattern={
                "Moldova": {"Gifts or goods": 1.0},
                "Colombia": {"Protection or affection": 1.0},
                "Mexico": {"Money": 0.6},
                "Peru": {"Food": 0.6},
                "Bosnia and Herzegovina": {"Money": 0.4},
            },
            chi2=pub("exchange.girls.by_country.chi2"),
            test_id="exchange.girls.by_country.chi2",
        )
    )
    assume(
        "forms of exchange",
        "Five options (df 20 = 5 x 4); money named by half, as published; the other shares "
        "are ours. Moldova leans to goods (more for boys), Peruvian boys to shelter, as "
        "published; the girls' larger X2 is spread over more countries (our choice).",
    )


def _facilitation(d: _Draft) -> None:
    """Adults who facilitate without offending."""
    tables = d.tables
    assume = d.assume
    boys_online = d.boys_online
    girls_online = d.girls_online
    for sex, n_online in (("boys", boys_online), ("girls", girls_online)):
        tables.append(
            TableTarget(
                f"{sex}_facilitator",
                "country",
                _split(n_online, {"Yes": 56, "No": 24, "Don't know": 20}),
                subset=f"{sex}_online",
            )
        )
    assume("facilitators", "Published as 'more than half' for boys and girls: 56% yes.")


def _forms_of_abuse(d: _Draft) -> None:
    """Forms of abuse for boys and girls, boys solved from the published X2(1)."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    boys_online = d.boys_online
    girls_online = d.girls_online
    boys_sg = pub.n("forms_of_abuse.self_generated.pct.boys")
    girls_sg = pub.n("forms_of_abuse.self_generated.pct.girls")
    girls_forms = {
        "grooming": count_for_pct(65, girls_online),
        "csam_production": count_for_pct(40, girls_online),
        "live_streaming": count_for_pct(20, girls_online),
        "self_generated": girls_sg,
    }
    form_stats = {
        "grooming": pub("forms_of_abuse.grooming.by_child_gender.chi2"),
        "csam_production": pub("forms_of_abuse.csam.by_child_gender.chi2"),
        "live_streaming": pub("forms_of_abuse.live_streaming.by_child_gender.chi2"),
    }
    boys_forms = {"self_generated": boys_sg}
    for key, stat in form_stats.items():
        boys_forms[key] = _boys_count_for_chi2(girls_forms[key], stat, n_total, boys_online, key)
    for key in girls_forms:
        for sex, counts, n_online in (
            ("boys", boys_forms, boys_online),
            ("girls", girls_forms, girls_online),
        ):
            tables.append(
                TableTarget(
                    f"{sex}_form_{key}",
                    "country",
                    {True: counts[key], False: n_online - counts[key]},
                    subset=f"{sex}_online",
                )
            )
    assume(
        "forms of abuse",
        "Only self-generated content has published shares (boys 91/235, girls 179/318). "
        "Girls' shares for grooming (65%), abuse material (40%) and live-streaming (20%) are "
        "ours; boys' counts are solved from the published X2(1), read with every respondent "
        "counted once per child gender (see survey.published_tests).",
    )


def _barriers(d: _Draft) -> None:
    """Barriers to disclosure: two published shares, countries named as higher."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    barrier_pct = {
        "barrier_stigma_shame": pub("barriers.stigma_shame.pct"),
        "barrier_fear_of_reactions": pub("barriers.fear_of_reactions.pct"),
        "barrier_sex_taboo": 45,
        "barrier_no_confidence_in_help": 35,
        "barrier_fear_criminalised": 25,
        "barrier_police_refuse_report": 22,
        "barrier_not_recognised_as_abuse": 40,
        "barrier_self_blame": 38,
        "barrier_fear_of_offender": 36,
        "barrier_dependence_on_offender": 20,
        "barrier_fear_for_family": 30,
        "barrier_not_knowing_where_to_report": 33,
        "barrier_distrust_confidentiality": 28,
        "barrier_fear_not_believed": 34,
        "barrier_distance_to_services": 15,
        "barrier_cost_of_services": 10,
        "barrier_fear_losing_devices": 12,
        "barrier_language_or_disability": 6,
    }
    barrier_n = {
        "barrier_stigma_shame": pub.n("barriers.stigma_shame.pct"),
        "barrier_fear_of_reactions": pub.n("barriers.fear_of_reactions.pct"),
    }
    barrier_tilt = {
        "barrier_fear_of_reactions": {"Bosnia and Herzegovina": 1.0, "Moldova": 1.0},
        "barrier_sex_taboo": {"Bosnia and Herzegovina": 1.2},
        "barrier_no_confidence_in_help": {"Colombia": 1.0, "Peru": 1.0},
        "barrier_fear_criminalised": {"Mexico": 1.2},
        "barrier_police_refuse_report": {"Mexico": 1.2},
    }
    for col, pct in barrier_pct.items():
        yes = barrier_n.get(col, count_for_pct(pct, n_total, col))
        tables.append(
            TableTarget(
                col,
                "country",
                {True: yes, False: n_total - yes},
                pattern={c: {True: t} for c, t in barrier_tilt.get(col, {}).items()},
                strength=1.0,
            )
        )
    assume(
        "barriers to disclosure",
        "The report names six of the 18 options and the shares of two; the other shares are "
        "ours (6-45%, below the top two). The countries the report names as selecting a "
        "barrier more often get higher odds (factor e).",
    )


def _beliefs(d: _Draft) -> None:
    """Traditional beliefs: two published counts, six of ours."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    belief_pct = {
        "belief_culture_of_silence": None,
        "belief_sex_taboo": None,
        "belief_victim_blaming": 45,
        "belief_male_stoicism": 35,
        "belief_obedience_to_adults": 30,
        "belief_family_honour": 25,
        "belief_early_marriage": 12,
        "belief_gender_roles": 40,
    }
    for col, pct in belief_pct.items():
        if pct is None:
            key = col.removeprefix("belief_")
            yes = pub.n(f"beliefs.{key}.pct")
        else:
            yes = count_for_pct(pct, n_total, col)
        tables.append(TableTarget(col, "country", {True: yes, False: n_total - yes}))
    assume("traditional beliefs", "Six of eight options are ours, at 12-45%.")


def _government(d: _Draft) -> None:
    """Ratings of government action: poor-or-none shares."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    poor_none = {
        "govt_funding": pub.n("government.funding.poor_or_none.pct"),
        "govt_awareness_raising": pub.count_for_pct(
            "government.awareness_training_advocacy.poor_or_none.pct.max", n_total
        ),
        "govt_training": pub.count_for_pct(
            "government.awareness_training_advocacy.poor_or_none.pct.min", n_total
        ),
        "govt_public_advocacy": count_for_pct(60, n_total),
        "govt_legislation": count_for_pct(45, n_total),
        "govt_law_enforcement": count_for_pct(55, n_total),
        "govt_support_services": count_for_pct(50, n_total),
    }
    for col, low_n in poor_none.items():
        none = round(low_n * 0.35)
        rest = n_total - low_n
        fair, good, exc = (int(v) for v in _split(rest, {"f": 65, "g": 28, "e": 7}).values())
        tables.append(
            TableTarget(
                col,
                "country",
                {"None": none, "Poor": low_n - none, "Fair": fair, "Good": good, "Excellent": exc},
            )
        )
    assume(
        "government action",
        "Published: poor-or-none shares for funding (72%) and the range 59-62% for "
        "awareness raising, training and advocacy (awareness 62%, training 59%, advocacy "
        "60%: our order). Within poor-or-none, 35% 'none'; the rest Fair/Good/Excellent "
        "65/28/7. Legislation, law enforcement and services are ours.",
    )


def _scenarios(d: _Draft) -> None:
    """Declare the scenarios: 'yes' shares, two country tests, Colombia's viewer answer."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    assume = d.assume
    victim_yes = pub.count_for_pct("scenarios.victim.yes.pct", n_total)
    offender_yes = pub.count_for_pct("scenarios.offender.yes.pct", n_total)
    flipped_yes = pub.count_for_pct("scenarios.gender_flipped.yes.pct", n_total)
    dating_yes = pub.n("scenarios.dating.yes.pct")
    viewer_no = pub.n("scenarios.viewer.no.pct")
    viewer_dk = pub.n("scenarios.viewer.unsure.pct")
    viewer_col = pub.n("scenarios.viewer.yes.pct.colombia")
    tables += [
        TableTarget(
            "scenario_paid_video_call_victim",
            "country",
            _three(n_total, victim_yes, 0.55),
        ),
        TableTarget(
            "scenario_secret_recording_offence",
            "country",
            _three(n_total, offender_yes, 0.5),
        ),
        TableTarget(
            "scenario_gender_reversed",
            "country",
            _three(n_total, flipped_yes, 0.55),
            pattern={
                "Albania": {"No": 1.0, "Don't know": 0.5},
                "Bosnia and Herzegovina": {"No": 0.8},
                "Moldova": {"Don't know": 0.8},
                "Colombia": {"Yes": 0.5},
            },
            chi2=pub("scenarios.gender_flipped.by_country.chi2"),
            test_id="scenarios.gender_flipped.by_country.chi2",
        ),
        TableTarget(
            "scenario_viewer_offence",
            "country",
            {"Yes": n_total - viewer_no - viewer_dk, "No": viewer_no, "Don't know": viewer_dk},
            fixed={"Colombia": {"Yes": viewer_col}},
            pattern={
                "Mexico": {"No": 0.6},
                "Moldova": {"Don't know": 0.8},
                "Albania": {"No": 0.4, "Don't know": 0.4},
                "Peru": {"No": 0.3},
            },
            chi2=pub("scenarios.viewer.by_country.chi2"),
            test_id="scenarios.viewer.by_country.chi2",
        ),
        TableTarget(
            "scenario_adolescents_dating",
            "country",
            {"Yes": dating_yes, "No": n_total - dating_yes - 40, "Don't know": 40},
        ),
    ]
    assume(
        "scenarios",
        "Only 'yes' shares are published for three scenarios: the remainder splits about "
        "evenly between 'no' and 'don't know'. Country patterns for the two tested scenarios "
        "are ours, calibrated to the published X2(10); Colombia keeps 73 of 89 'yes' "
        "(highest) for the viewer. 40 'don't know' in the dating scenario are ours.",
    )


def _awareness(d: _Draft) -> None:
    """Ratings of public awareness."""
    pub = d.pub
    n_total = d.n_total
    tables = d.tables
    good_exc = pub.n("awareness.rating.good_or_excellent.pct")
    poor = pub.n("awareness.rating.poor.pct")
    excellent = count_for_pct(pub("awareness.rating.excellent.pct"), n_total)
    tables.append(
        TableTarget(
            "public_awareness",
            "country",
            {
                "Poor": poor,
                "Fair": n_total - poor - good_exc,
                "Good": good_exc - excellent,
                "Excellent": excellent,
            },
        )
    )


#: The topic functions, in the order their targets are declared.
TOPICS = (
    _gender,
    _organisation_type,
    _age,
    _education,
    _experience,
    _location,
    _services_by_organisation,
    _other_services,
    _caseloads,
    _who_supported,
    _online_shares,
    _ages_of_children,
    _offenders,
    _offender_nationality_and_relationship,
    _exchange,
    _facilitation,
    _forms_of_abuse,
    _barriers,
    _beliefs,
    _government,
    _scenarios,
    _awareness,
)


def build_spec(reference: pd.DataFrame | None = None) -> Spec:
    """Build the default spec from the published reference table and our assumptions."""
    if reference is None:
        from ..published.reference import load_reference

        reference = load_reference()
    pub = _Published(reference)
    sizes = {c: pub.count(f"sample.completed.count.{slugify(c)}") for c in COUNTRIES}
    draft = _Draft(reference, pub, sizes)
    for topic in TOPICS:
        topic(draft)
    tables, sliders, assume = draft.tables, draft.sliders, draft.assume
    try:
        conflicts = published_conflicts(reference)
    except ConflictReadError as error:
        raise SpecError(str(error)) from None
    structure = default_structure()
    tables, sliders = _vary_countries(tables, sliders, structure, sizes)
    assume(
        "countries on unpublished items",
        "Items the report does not compare by country get country differences of a declared "
        "size (see the structure table: log-odds spread "
        f"{structure.variation.spread:g}, slider means {structure.variation.slider_spread:g} "
        "points), fixed per item, instead of six identical shares.",
    )
    spec = Spec(
        sizes=sizes,
        tables=tuple(tables),
        sliders=tuple(sliders),
        compositions=draft.compositions,
        joint=draft.joint,
        assumptions=tuple(draft.assumptions),
        conflicts=conflicts,
        structure=structure,
    )
    check_spec(spec)
    return spec


def _vary_countries(tables: list, sliders: list, structure: Structure, sizes: dict):
    """Give items without a published country comparison declared country differences."""
    variation = structure.variation
    if variation is None:
        return tables, sliders
    varied = []
    for t in tables:
        if t.by == "country" and t.chi2 is None and not t.pattern and not t.test_id:
            tilts = country_tilts(
                t.column, COUNTRIES, list(t.totals), variation.spread, sizes, t.totals
            )
            t = replace(t, pattern=tilts, strength=1.0)
        varied.append(t)
    varied_sliders = []
    for s in sliders:
        if s.group == "country" and s.f is None and s.kind == "bands" and not s.pattern:
            bands = dict(enumerate(s.band_totals))
            tilts = country_tilts(s.column, COUNTRIES, list(bands), variation.spread, sizes, bands)
            s = replace(s, pattern={c: tuple(v.values()) for c, v in tilts.items()})
        elif s.group == "country" and s.f is None and s.kind == "beta" and s.means:
            offsets = country_offsets(
                s.column, COUNTRIES, variation.slider_spread, [sizes[c] for c in COUNTRIES]
            )
            s = replace(s, means={c: s.means[c] + offsets[c] for c in s.means})
        varied_sliders.append(s)
    return varied, varied_sliders


def _three(total: int, yes: int, share_no: float) -> dict:
    no = round((total - yes) * share_no)
    return {"Yes": yes, "No": no, "Don't know": total - yes - no}


def _gender_split(yes_total: int, gender_totals: dict, target: float) -> dict:
    """Yes-counts by worker gender with the published X2(2), women above men."""
    n_f, n_m, n_o = gender_totals["Female"], gender_totals["Male"], gender_totals["Other"]
    best = None
    for m in range(0, min(n_m, yes_total) + 1):
        f = yes_total - m
        if f > n_f:
            continue
        table = np.array([[f, n_f - f], [m, n_m - m], [0, n_o]])
        if n_o == 0:
            table = table[:2]
        if f / n_f < m / n_m:
            continue
        gap = abs(chi2_statistic(table) - target)
        if best is None or gap < best[0]:
            best = (gap, f, m)
    if best is None:
        raise SpecError(f"counselling by gender: no split of {yes_total} reaches X2 = {target:g}")
    return {"Female": best[1], "Male": best[2], "Other": 0}


def _boys_count_for_chi2(girls_yes: int, target: float, n: int, boys_max: int, what: str) -> int:
    """Boys' yes-count below the girls' whose stacked 2x2 X2(1) is closest to ``target``."""
    best = None
    for b in range(0, min(girls_yes, boys_max) + 1):
        stat = chi2_statistic(np.array([[b, n - b], [girls_yes, n - girls_yes]]))
        if best is None or abs(stat - target) < best[0]:
            best = (abs(stat - target), b)
    if best is None or best[0] > 0.2 * target:
        raise SpecError(f"forms of abuse, {what}: X2(1) = {target:g} unreachable")
    return best[1]


# --------------------------------------------------------------------------------------


def check_spec(spec: Spec) -> None:
    """Raise ``SpecError`` naming the target and the conflict if ``spec`` cannot be met.

    Checks: known countries, non-negative integer counts, totals that add up to the base
    they describe, published cells inside their margins, percentages within 0-100, slider
    means within 0-100, and known columns.
    """
    for country, size in spec.sizes.items():
        if country not in COUNTRIES:
            raise SpecError(
                f"sample size: unknown country {country!r}; expected one of {', '.join(COUNTRIES)}"
            )
        if not isinstance(size, int | np.integer) or size < 0:
            raise SpecError(f"sample size of {country}: {size!r} is not a non-negative integer")
    total = spec.total
    for t in spec.tables:
        what = f"table target {t.column!r} by {t.by!r}"
        if not t.column.startswith("_") and t.column not in COLUMN_BY_NAME:
            raise SpecError(f"{what}: unknown survey column")
        for level, count in t.totals.items():
            if count < 0:
                raise SpecError(f"{what}: negative count {count} for {level!r}")
        if t.column in CATEGORIES:
            unknown = set(t.totals) - set(CATEGORIES[t.column])
            if unknown:
                raise SpecError(f"{what}: unknown answers {sorted(map(str, unknown))}")
        if t.subset == "everyone" and sum(t.totals.values()) != total:
            raise SpecError(
                f"{what}: counts add up to {sum(t.totals.values())}, but the sample has {total}"
            )
        for group, cells in t.fixed.items():
            if t.by == "country" and group not in COUNTRIES:
                raise SpecError(f"{what}: unknown country {group!r}")
            for level, count in cells.items():
                if count < 0:
                    raise SpecError(f"{what}: negative published count {count} for {group}/{level}")
                if level not in t.totals:
                    raise SpecError(f"{what}: fixed cell {group}/{level} is not an answer")
                if count > t.totals[level]:
                    raise SpecError(
                        f"{what}: {group} alone has {count} {level!r}, more than the "
                        f"{t.totals[level]} in the whole sample"
                    )
            too_many = sum(cells.values()) > spec.sizes.get(group, 0)
            if t.by == "country" and t.subset == "everyone" and too_many:
                raise SpecError(
                    f"{what}: {group} has {sum(cells.values())} fixed answers but only "
                    f"{spec.sizes.get(group, 0)} respondents"
                )
        for group in t.pattern:
            if t.by == "country" and group not in COUNTRIES:
                raise SpecError(f"{what}: pattern names unknown country {group!r}")
        if t.chi2 is not None and t.chi2 < 0:
            raise SpecError(f"{what}: negative chi-square target {t.chi2}")
    for s in spec.sliders:
        for group, mean in s.means.items():
            if s.group == "country" and group not in COUNTRIES:
                raise SpecError(f"slider target {s.column!r}: unknown country {group!r}")
            if not 0 <= mean <= 100:
                raise SpecError(
                    f"slider target {s.column!r}: mean {mean:g} for {group} is outside 0-100"
                )
        if any(b < 0 for b in s.band_totals):
            raise SpecError(f"slider target {s.column!r}: negative band count {s.band_totals}")
        if s.subset == "everyone" and s.band_totals and sum(s.band_totals) != total:
            raise SpecError(
                f"slider target {s.column!r}: bands add up to {sum(s.band_totals)}, but the "
                f"sample has {total}"
            )
        if s.missing < 0 or s.missing > total:
            raise SpecError(f"slider target {s.column!r}: {s.missing} missing answers impossible")
    for c in spec.compositions:
        if not np.isclose(sum(c.means), 100) or min(c.means) < 0:
            raise SpecError(
                f"age bands {c.columns}: averages {c.means} must be non-negative and sum to 100"
            )
    for j in spec.joint:
        a, b = sum(j.first_yes.values()), sum(j.second_yes.values())
        if a != b:
            raise SpecError(
                f"{j.column}: yes-counts by {j.first} add up to {a} but by {j.second} to {b}"
            )
    known = set(ASKED_IF) | {"girls_online_positive"}
    for t in (*spec.tables, *spec.sliders):
        if t.subset not in known:
            raise SpecError(f"target {t.column!r}: unknown subset {t.subset!r}")
    if spec.structure is not None:
        check_structure(spec.structure, spec)


def assumptions_table(spec: Spec) -> pd.DataFrame:
    """Return the spec's assumptions as a table (``about``, ``assumption``), for the book."""
    return pd.DataFrame(
        [{"about": a.about, "assumption": a.text} for a in spec.assumptions],
        columns=["about", "assumption"],
    )


def conflicts_table(spec: Spec) -> pd.DataFrame:
    """Return the published figures the spec cannot all meet (``id``, ``reason``)."""
    return pd.DataFrame(
        [{"id": k, "reason": v} for k, v in sorted(spec.conflicts.items())],
        columns=["id", "reason"],
    )
