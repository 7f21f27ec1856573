"""What a real population of frontline workers would show where the report is silent.

The published tables fix each answer's distribution (within country, organisation type or
location) but say nothing about how the answers of one worker hang together. Dealing every
column independently gives a population in which a 25-year-old has 20 years of experience,
six countries answer every unpublished question identically and no two related answers agree.
This module declares, with a reason for each, the joint structure the generator imposes on
top of the exact published margins:

- ``LogicalRule``: combinations that cannot happen (``experience_within_working_age``) or
  answers that presuppose another (online cases with children need a non-zero online share).
  They are checked on any dataset by :mod:`survivors_perspectives.analyses.plausibility`.
- ``JointDependence``: one categorical answer given another, through a joint table raked to
  both margins with structural zeros for the forbidden cells (age band and experience).
- ``Battery`` and ``Pair``: latent correlations in a Gaussian copula. Every respondent gets
  one standard normal factor per battery and per pair; an item's latent score is
  ``sum(loading * factor) + unique noise`` and, within each group the item is published for
  (country, organisation type ...), respondents are ranked by that score and given the
  group's exact counts in order (rank-based assignment in the manner of Iman and Conover
  1982). Every published margin holds exactly; two items of one battery have latent
  correlation ``correlation``.
- ``CountryVariation``: items whose country comparison the report does not publish get
  country differences of a declared size (log-odds spread), instead of six identical shares.
- ``Heaping``: slider answers pile up on multiples of 10 and 5, as people answering a 0-100
  slider do; the rounding direction keeps every group's mean within a fraction of a point.

``check_structure`` rejects a declaration that no allocation can meet (a correlation outside
[-1, 1], loadings whose variances exceed 1, a structural zero that contradicts a published
margin, an unknown column) with a ``SpecError`` naming the assumption and the target.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..survey.schema import CATEGORIES, COLUMN_BY_NAME


@dataclass(frozen=True)
class LogicalRule:
    """A combination of answers no real respondent can give.

    ``violated(frame)`` returns a boolean mask of the rows that break the rule; it works on
    any frame of the survey's shape (synthetic or real).
    """

    name: str
    text: str
    reason: str
    violated: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class JointDependence:
    """``column`` given ``given``: latent correlation and forbidden pairs of answers.

    The generator rakes a seed table (bivariate normal cell probabilities with correlation
    ``correlation`` and thresholds from the published margins, zero in ``forbidden``) to the
    exact counts of ``column`` within each group and to the realised answers of ``given``.
    """

    name: str
    column: str
    given: str
    correlation: float
    forbidden: tuple = ()
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class Battery:
    """Items answered by one worker from one underlying view: a common latent factor."""

    name: str
    columns: tuple
    correlation: float
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class Pair:
    """Two answers of one worker tied by a latent correlation (may be negative)."""

    name: str
    first: str
    second: str
    correlation: float
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class CountryVariation:
    """Country differences of a declared size on items the report does not compare.

    ``spread`` is the standard deviation of the log-odds tilt given to each country and
    answer (for sliders: of the country means, in points). The tilts are fixed numbers drawn
    from a generator seeded by the column name, so they do not change between seeds.
    """

    spread: float
    slider_spread: float
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class Heaping:
    """Share of slider answers rounded to a multiple of 10, and to a multiple of 5."""

    to_ten: float
    to_five: float
    columns: tuple
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class Structure:
    """The declared joint structure of the synthetic population."""

    rules: tuple = ()
    dependences: tuple = ()
    batteries: tuple = ()
    pairs: tuple = ()
    variation: CountryVariation | None = None
    heaping: Heaping | None = None
    notes: tuple = field(default_factory=tuple)

    def loadings(self) -> dict[str, dict[str, float]]:
        """Column -> factor -> loading, from the batteries and pairs."""
        out: dict[str, dict[str, float]] = {}
        for b in self.batteries:
            for col in b.columns:
                out.setdefault(col, {})[f"battery:{b.name}"] = float(np.sqrt(max(b.correlation, 0)))
        for p in self.pairs:
            root = float(np.sqrt(abs(p.correlation)))
            out.setdefault(p.first, {})[f"pair:{p.name}"] = root
            out.setdefault(p.second, {})[f"pair:{p.name}"] = root * float(np.sign(p.correlation))
        return out

    def factors(self) -> list[str]:
        """Every latent factor, in a fixed order."""
        names = [f"battery:{b.name}" for b in self.batteries]
        return names + [f"pair:{p.name}" for p in self.pairs]

    def dependence_for(self, column: str) -> JointDependence | None:
        """Return the joint dependence declared for ``column`` (or None)."""
        return next((d for d in self.dependences if d.column == column), None)

    def table(self) -> pd.DataFrame:
        """Return every assumption as a row: kind, name, columns, value, reason, source."""
        rows = []
        for r in self.rules:
            rows.append(("logical rule", r.name, "", r.text, r.reason, ""))
        for d in self.dependences:
            forbidden = "; ".join(f"{a} & {b}" for a, b in d.forbidden)
            value = f"latent correlation {d.correlation:g}" + (
                f"; never {forbidden}" if forbidden else ""
            )
            rows.append(("dependence", d.name, f"{d.given}, {d.column}", value, d.reason, d.source))
        for b in self.batteries:
            rows.append(
                (
                    "battery",
                    b.name,
                    ", ".join(b.columns),
                    f"latent inter-item correlation {b.correlation:g}",
                    b.reason,
                    b.source,
                )
            )
        for p in self.pairs:
            rows.append(
                (
                    "pair",
                    p.name,
                    f"{p.first}, {p.second}",
                    f"latent correlation {p.correlation:g}",
                    p.reason,
                    p.source,
                )
            )
        if self.variation is not None:
            v = self.variation
            rows.append(
                (
                    "country variation",
                    "unpublished country differences",
                    "",
                    f"log-odds spread {v.spread:g}; slider means spread {v.slider_spread:g} points",
                    v.reason,
                    v.source,
                )
            )
        if self.heaping is not None:
            h = self.heaping
            rows.append(
                (
                    "slider answering",
                    "heaping on round numbers",
                    ", ".join(h.columns),
                    f"{100 * h.to_ten:g}% rounded to a multiple of 10, "
                    f"{100 * h.to_five:g}% to a multiple of 5",
                    h.reason,
                    h.source,
                )
            )
        return pd.DataFrame(rows, columns=["kind", "name", "columns", "value", "reason", "source"])


# --------------------------------------------------------------------------------------
# The declared structure


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce")


def _any_online(frame: pd.DataFrame) -> pd.Series:
    return (_num(frame, "boys_online_pct").fillna(0) > 0) | (
        _num(frame, "girls_online_pct").fillna(0) > 0
    )


def _age_sum_off(sex: str) -> Callable[[pd.DataFrame], pd.Series]:
    cols = [f"{sex}_age_under_11_pct", f"{sex}_age_11_15_pct", f"{sex}_age_16_17_pct"]

    def violated(frame: pd.DataFrame) -> pd.Series:
        values = frame[cols].apply(pd.to_numeric, errors="coerce")
        answered = values.notna().all(axis=1)
        return answered & (values.sum(axis=1) != 100)

    return violated


RULES = (
    LogicalRule(
        "experience_within_working_age",
        "nobody aged 21-30 has over 20 years of experience with children",
        "over 20 years at 30 at the latest means working with children from the age of 9",
        lambda f: (f["age_band"] == "21-30") & (f["experience"] == "Over 20 years"),
    ),
    LogicalRule(
        "online_cases_need_online_share",
        "a worker with online cases of boys or girls does not say that none of their "
        "sexual exploitation cases involved technology",
        "an online case with a child is a case that involved digital technology",
        lambda f: _any_online(f) & (_num(f, "caseload_online_pct") == 0),
    ),
    LogicalRule(
        "online_cases_need_exploitation_caseload",
        "a worker with online cases of boys or girls has a non-zero share of children "
        "who experienced sexual exploitation",
        "online sexual exploitation or abuse of a child is part of that caseload",
        lambda f: _any_online(f) & (_num(f, "caseload_exploitation_pct") == 0),
    ),
    LogicalRule(
        "boys_age_bands_sum_to_100",
        "the three age bands of boys in a worker's online cases add up to 100",
        "they split the same children",
        _age_sum_off("boys"),
    ),
    LogicalRule(
        "girls_age_bands_sum_to_100",
        "the three age bands of girls in a worker's online cases add up to 100",
        "they split the same children",
        _age_sum_off("girls"),
    ),
)

_SCALE = "Clark and Watson (1995) advise mean inter-item correlations of 0.15-0.50 for a scale"

SLIDERS = (
    "caseload_exploitation_pct",
    "caseload_online_pct",
    "boys_online_pct",
    "girls_online_pct",
    "boys_offender_female_pct",
    "girls_offender_female_pct",
)


def default_structure() -> Structure:
    """Return the joint structure ``make data`` uses, each assumption with its reason."""
    services = tuple(c for c in COLUMN_BY_NAME if c.startswith("service_"))
    barriers = tuple(c for c in COLUMN_BY_NAME if c.startswith("barrier_"))
    beliefs = tuple(c for c in COLUMN_BY_NAME if c.startswith("belief_"))
    government = tuple(c for c in COLUMN_BY_NAME if c.startswith("govt_"))
    scenarios = tuple(c for c in COLUMN_BY_NAME if c.startswith("scenario_"))
    forms = tuple(c for c in COLUMN_BY_NAME if "_form_" in c)
    return Structure(
        rules=RULES,
        dependences=(
            JointDependence(
                "age and experience",
                "experience",
                "age_band",
                0.6,
                forbidden=(("21-30", "Over 20 years"),),
                reason="years of work with children accumulate with age; nobody under 31 has "
                "over 20 years (rule experience_within_working_age)",
                source="our assumption; age and tenure correlate strongly in workforce surveys",
            ),
        ),
        batteries=(
            Battery(
                "government action",
                government,
                0.45,
                "a worker who sees the government as doing little rates most areas low",
                _SCALE,
            ),
            Battery(
                "barriers to disclosure",
                barriers,
                0.15,
                "some workers tick many options of a checklist, others few",
                _SCALE + " (lower end for a checklist)",
            ),
            Battery(
                "traditional beliefs",
                beliefs,
                0.2,
                "workers who see one harmful belief at work tend to name others",
                _SCALE,
            ),
            Battery(
                "services offered",
                (*services, "caseload_exploitation_pct"),
                0.2,
                "larger, specialised organisations offer more services and see more children "
                "who experienced sexual exploitation",
                "our assumption",
            ),
            Battery(
                "scenarios",
                scenarios,
                0.3,
                "the five scenarios test one understanding of what counts as online sexual "
                "exploitation",
                _SCALE,
            ),
            Battery(
                "forms of abuse",
                forms,
                0.25,
                "a worker with a broad online caseload has seen several forms, with boys and girls",
                "our assumption",
            ),
            Battery(
                "online casework",
                ("_boys_online", "_girls_online", "boys_online_pct", "girls_online_pct"),
                0.5,
                "a worker whose cases with boys are often online has online cases with girls too",
                "our assumption",
            ),
        ),
        pairs=(
            Pair(
                "culture of silence",
                "belief_culture_of_silence",
                "barrier_stigma_shame",
                0.4,
                "the belief and the barrier name the same stigma and shame",
                "the report pairs the two in its findings",
            ),
            Pair(
                "sex taboo",
                "belief_sex_taboo",
                "barrier_sex_taboo",
                0.4,
                "the belief and the barrier name the same taboo",
                "the report pairs the two in its findings",
            ),
            Pair(
                "female offenders",
                "boys_offender_female_pct",
                "girls_offender_female_pct",
                0.5,
                "one worker's estimates for boys and girls come from the same caseload",
                "our assumption",
            ),
        ),
        variation=CountryVariation(
            0.15,
            4.0,
            "the report compares only some items by country; real countries differ on the "
            "rest too: a true spread of 0.15 in log-odds (shares a few points apart, a small "
            "effect), plus the sampling noise a sample of this size shows in each cell",
            "Cohen (1988): w = 0.1 is a small effect; sampling noise about 1/sqrt(count)",
        ),
        heaping=Heaping(
            0.4,
            0.15,
            SLIDERS,
            "people answering a 0-100 slider or a percentage favour round numbers",
            "heaping in numeric survey answers (Roberts and Brewer 2001)",
        ),
    )


# --------------------------------------------------------------------------------------
# Country variation: fixed tilts, seeded by the column name


def _column_rng(column: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(column.encode("utf-8")))


def country_tilts(
    column: str, countries, levels, spread: float, sizes: dict | None = None, totals=None
) -> dict:
    """Log-odds tilt per country and answer for an item without a published comparison.

    Two parts, both fixed numbers drawn from a generator seeded by the column name: a true
    difference between countries (standard deviation ``spread``) and the sampling noise a
    sample of this size would show, about ``1 / sqrt(expected count)`` on the log scale of
    each cell (``sizes``: country sample sizes, ``totals``: answer counts). Without the
    noise, small cells would be rounded to their expected counts and a chi-square test would
    find the countries more alike than any real sample is.
    """
    draws = _column_rng(column).standard_normal((len(countries), len(levels)))
    scale = np.full(draws.shape, float(spread))
    if sizes is not None and totals is not None:
        n = np.array([sizes[c] for c in countries], dtype=float)
        t = np.array([totals[lv] for lv in levels], dtype=float)
        expected = np.outer(n / n.sum(), t)
        scale = np.sqrt(spread**2 + 1.0 / np.maximum(expected, 0.5))
    draws = draws * scale
    draws -= draws.mean(axis=0, keepdims=True)
    return {
        c: {lv: float(draws[i, j]) for j, lv in enumerate(levels)} for i, c in enumerate(countries)
    }


def country_offsets(column: str, countries, spread: float, weights) -> dict:
    """Country mean offsets (points) with a weighted mean of zero."""
    draws = _column_rng(column).standard_normal(len(countries)) * spread
    w = np.asarray(weights, dtype=float)
    draws -= (draws * w).sum() / w.sum()
    return {c: float(d) for c, d in zip(countries, draws, strict=True)}


# --------------------------------------------------------------------------------------
# Gaussian copula helpers


def _thresholds(p: np.ndarray) -> np.ndarray:
    cum = np.clip(np.cumsum(p)[:-1], 1e-12, 1 - 1e-12)
    return np.concatenate([[-np.inf], stats.norm.ppf(cum), [np.inf]])


def _bvn_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """Return the standard bivariate normal CDF, through Owen's T function (vectorised)."""
    from scipy.special import owens_t

    h = np.where(h == 0, 1e-12, h)
    k = np.where(k == 0, 1e-12, k)
    root = np.sqrt(max(1.0 - rho**2, 1e-15))
    t_h = owens_t(h, (k - rho * h) / (h * root))
    t_k = owens_t(k, (h - rho * k) / (k * root))
    correction = np.where(h * k < 0, 0.5, 0.0)
    return 0.5 * stats.norm.cdf(h) + 0.5 * stats.norm.cdf(k) - t_h - t_k - correction


def bivariate_cells(rho: float, p_first, p_second) -> np.ndarray:
    """Cell probabilities of two discretised standard normals with correlation ``rho``."""
    a = _thresholds(np.asarray(p_first, dtype=float) / np.sum(p_first))
    b = _thresholds(np.asarray(p_second, dtype=float) / np.sum(p_second))
    a_f, b_f = np.clip(a, -9, 9), np.clip(b, -9, 9)
    x, y = np.meshgrid(a_f, b_f, indexing="ij")
    grid = _bvn_cdf(x, y, rho)
    grid[0, :] = 0.0
    grid[:, 0] = 0.0
    grid[-1, :] = stats.norm.cdf(b_f)
    grid[:, -1] = stats.norm.cdf(a_f)
    grid[-1, -1] = 1.0
    cells = grid[1:, 1:] - grid[:-1, 1:] - grid[1:, :-1] + grid[:-1, :-1]
    return np.clip(cells, 0.0, None)


def implied_rank_correlation(rho: float, p_first, p_second) -> float:
    """Spearman correlation (mid-ranks) two items with these margins show at latent ``rho``.

    What a correctly generated dataset should show: ties on a few answers attenuate the
    latent correlation, so the plausibility report compares observed values with this.
    """
    p1 = np.asarray(p_first, dtype=float) / np.sum(p_first)
    p2 = np.asarray(p_second, dtype=float) / np.sum(p_second)
    if len(p1) < 2 or len(p2) < 2 or rho == 0:
        return 0.0
    cells = bivariate_cells(rho, p1, p2)
    s1 = np.cumsum(p1) - p1 / 2
    s2 = np.cumsum(p2) - p2 / 2
    m1, m2 = (p1 * s1).sum(), (p2 * s2).sum()
    v1, v2 = (p1 * (s1 - m1) ** 2).sum(), (p2 * (s2 - m2) ** 2).sum()
    if v1 <= 0 or v2 <= 0:
        return 0.0
    cov = (cells * np.outer(s1 - m1, s2 - m2)).sum()
    return float(cov / np.sqrt(v1 * v2))


_AGREEMENT = ["No", "Don't know", "Yes"]


def ascending_levels(column: str, levels) -> list:
    """Answers of ``column`` from low to high latent score (False before True)."""
    levels = list(levels)
    if all(isinstance(lv, bool | np.bool_) for lv in levels):
        return sorted(levels)
    if set(levels) <= set(_AGREEMENT):
        return sorted(levels, key=_AGREEMENT.index)
    if column in CATEGORIES and set(levels) <= set(CATEGORIES[column]):
        order = {lv: i for i, lv in enumerate(CATEGORIES[column])}
        return sorted(levels, key=order.__getitem__)
    return levels


# --------------------------------------------------------------------------------------
# Checks before anything is generated


def dependence_seed(dep: JointDependence, first_totals: dict, second_totals: dict) -> pd.DataFrame:
    """Seed table of ``dep`` over the published margins: latent cells, forbidden cells zero."""
    first_levels = ascending_levels(dep.given, first_totals)
    second_levels = ascending_levels(dep.column, second_totals)
    p1 = np.array([first_totals[lv] for lv in first_levels], dtype=float)
    p2 = np.array([second_totals[lv] for lv in second_levels], dtype=float)
    cells = bivariate_cells(dep.correlation, p1, p2)
    seed = pd.DataFrame(cells, index=first_levels, columns=second_levels)
    for a, b in dep.forbidden:
        seed.loc[a, b] = 0.0
    return seed


def _feasible(seed: pd.DataFrame, rows: np.ndarray, cols: np.ndarray) -> bool:
    """Whether a non-negative table with these margins and the seed's zeros exists."""
    from scipy.optimize import linprog

    allowed = (seed.to_numpy() > 0).ravel()
    n_r, n_c = seed.shape
    a_eq = np.zeros((n_r + n_c, n_r * n_c))
    for i in range(n_r):
        a_eq[i, i * n_c : (i + 1) * n_c] = 1
    for j in range(n_c):
        a_eq[n_r + j, j::n_c] = 1
    bounds = [(0, None) if ok else (0, 0) for ok in allowed]
    res = linprog(
        np.zeros(n_r * n_c),
        A_eq=a_eq,
        b_eq=np.concatenate([rows, cols]).astype(float),
        bounds=bounds,
        method="highs",
    )
    return res.status == 0


def check_structure(structure: Structure, spec) -> None:
    """Raise ``SpecError`` naming the assumption and the target it conflicts with.

    Checks: correlations within [-1, 1] (battery correlations within [0, 1]: one common
    factor cannot make every pair negative), known columns, loadings whose shared variance
    stays at most 1, forbidden answers that are real answers, and structural zeros that the
    published margins can still meet.
    """
    from .spec import SpecError

    tables = {t.column: t for t in spec.tables}
    sliders = {s.column for s in spec.sliders}
    known = set(tables) | sliders | set(COLUMN_BY_NAME)
    for b in structure.batteries:
        what = f"structure assumption 'battery {b.name}'"
        if not -1 <= b.correlation <= 1:
            raise SpecError(f"{what}: correlation {b.correlation:g} is outside [-1, 1]")
        if b.correlation < 0:
            raise SpecError(
                f"{what}: correlation {b.correlation:g} is negative; one common factor can only "
                "tie items positively (declare a Pair for a negative link)"
            )
        for col in b.columns:
            if col not in known:
                raise SpecError(f"{what}: unknown column {col!r}")
    for p in structure.pairs:
        what = f"structure assumption 'pair {p.name}'"
        if not -1 <= p.correlation <= 1:
            raise SpecError(
                f"{what}: correlation {p.correlation:g} between {p.first} and {p.second} is "
                "outside [-1, 1]"
            )
        for col in (p.first, p.second):
            if col not in known:
                raise SpecError(f"{what}: unknown column {col!r}")
    for col, loads in structure.loadings().items():
        shared = sum(v**2 for v in loads.values())
        if shared > 1 + 1e-9:
            parts = ", ".join(f"{k.split(':', 1)[1]} {v**2:.2f}" for k, v in loads.items())
            raise SpecError(
                f"structure assumptions for {col!r}: the declared correlations ({parts}) need "
                f"a shared variance of {shared:.2f}, more than 1; lower one of them"
            )
    if structure.variation is not None and structure.variation.spread < 0:
        raise SpecError("structure assumption 'country variation': negative spread")
    if structure.heaping is not None:
        h = structure.heaping
        if not (h.to_ten >= 0 and h.to_five >= 0 and h.to_ten + h.to_five <= 1):
            raise SpecError(
                f"structure assumption 'heaping': shares {h.to_ten:g} and {h.to_five:g} must be "
                "non-negative and add up to at most 1"
            )
    for d in structure.dependences:
        what = f"structure assumption '{d.name}'"
        if not -1 <= d.correlation <= 1:
            raise SpecError(f"{what}: correlation {d.correlation:g} is outside [-1, 1]")
        for col in (d.column, d.given):
            if col not in tables:
                raise SpecError(f"{what}: {col!r} is not a published table target")
        first, second = tables[d.given].totals, tables[d.column].totals
        for a, b in d.forbidden:
            if a not in first or b not in second:
                raise SpecError(
                    f"{what}: forbidden pair ({a!r}, {b!r}) is not a pair of answers of "
                    f"{d.given} and {d.column}"
                )
        seed = dependence_seed(d, first, second)
        rows = np.array([first[lv] for lv in seed.index])
        cols = np.array([second[lv] for lv in seed.columns])
        if not _feasible(seed, rows, cols):
            forbidden = "; ".join(f"{a} & {b}" for a, b in d.forbidden)
            raise SpecError(
                f"{what}: never {forbidden} contradicts the published margins of {d.given} "
                f"({dict(zip(seed.index, rows.tolist(), strict=True))}) and {d.column} "
                f"({dict(zip(seed.columns, cols.tolist(), strict=True))}): no table has both"
            )
