"""Every survey figure of the reference table, as a small object that computes and describes it.

``MEASURES`` maps each survey id of the reference table
(``data/reference/published_statistics.csv``) to a measure: a frozen dataclass, in the
manner of seaborn's stat objects, that holds what to compute as data (a column, the levels
counted, who is in the base) and

- computes the figure from a survey frame on the report's scale (percentages as 58, not
  0.58): ``measure(frame)``, or ``measure.compute(frame)``;
- says in words what it computes: ``measure.describe()``, e.g.
  ``share of gender == "Female" among all respondents``. The replication table prints that
  text beside every figure, so a reader goes from a row to the code without reading it.

Every id is written out once, literally, in the topic tables below, so a plain text search
for an id lands on its measure. A per-country figure wraps its measure in :class:`InCountry`,
whose ``by_country`` gives the same figure for any country, so that published orderings
("highest of the six") can be checked. The measures know nothing about the published
values; ``fidelity.compare`` puts the two side by side. :data:`NOT_FROM_THE_ANSWERS` lists
the reference ids no measure can compute (they describe the questionnaire or fieldwork).

Bases follow the report: shares of all respondents unless the reference row names a
subgroup (workers who supported boys, workers with online cases of girls, ...).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from survivors_perspectives.countries import COUNTRIES
from survivors_perspectives.published.printed_values import CHI2
from survivors_perspectives.published.significance_tests import (
    FORM_COLUMNS,
    TESTS_BY_ID,
    frame_for_test,
)
from survivors_perspectives.survey.schema import ASKED_IF, ASKED_IF_TEXT

Frame = pd.DataFrame


def _in(frame: Frame, subset: str = "everyone", country: str | None = None, columns=None) -> Frame:
    """Rows of ``subset`` (in ``country``); only ``columns`` when given.

    Selecting the columns before the rows matters: a row filter copies every one of the
    survey's 86 columns, and a replication table applies some three hundred of them.
    """
    mask = ASKED_IF[subset](frame).to_numpy().copy()
    if country is not None:
        mask &= (frame["country"] == country).to_numpy()
    return frame.loc[mask] if columns is None else frame.loc[mask, columns]


def _levels_text(column: str, levels: tuple) -> str:
    """``gender == "Female"`` or ``govt_funding in ("None", "Poor")``: levels as code shows them."""
    shown = [f'"{v}"' if isinstance(v, str) else repr(v) for v in levels]
    if len(shown) == 1:
        return f"{column} == {shown[0]}"
    return f"{column} in ({', '.join(shown)})"


def _who(subset: str) -> str:
    return ASKED_IF_TEXT[subset]


def _as_levels(levels) -> tuple:
    return tuple(levels) if isinstance(levels, list | tuple | set) else (levels,)


class Measure:
    """What every measure offers: call it, ``compute``, ``by_country`` and ``describe``.

    A subclass holds its parameters as dataclass fields and implements ``_value`` (the
    figure) and ``_text`` (the words); ``PER_COUNTRY`` says whether it can be restricted to
    one country (``InCountry``, ``CountryRank``).
    """

    PER_COUNTRY: ClassVar[bool] = False

    def __call__(self, frame: Frame, country: str | None = None) -> float:
        """Compute the figure from a survey frame, over every country or over ``country``."""
        if country is not None and not self.PER_COUNTRY:
            raise TypeError(f"{type(self).__name__} cannot be computed for one country")
        return self._value(frame, country)

    def compute(self, frame: Frame) -> float:
        """Compute the figure from a survey frame (the whole frame: every country)."""
        return self(frame)

    @property
    def by_country(self):
        """``f(frame, country) -> float`` for a per-country figure; None otherwise."""
        return None

    def describe(self) -> str:
        """Say in words what the measure computes: columns, levels and base, as in the code."""
        return self._text()

    def _value(self, frame: Frame, country: str | None) -> float:  # pragma: no cover
        raise NotImplementedError

    def _text(self) -> str:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Where:
    """A condition narrowing the base: respondents whose ``column`` equals ``value``."""

    column: str
    value: object

    def mask(self, part: Frame):
        """Boolean array over ``part``'s rows."""
        return (part[self.column] == self.value).to_numpy()

    def _text(self) -> str:
        return _levels_text(self.column, (self.value,))


@dataclass(frozen=True)
class Share(Measure):
    """Share (0-100) of ``subset``'s answers to ``column`` that are one of ``levels``.

    Empty answers are left out of the base; ``where`` narrows the base further.
    """

    PER_COUNTRY: ClassVar[bool] = True

    column: str
    levels: tuple
    subset: str = "everyone"
    where: Where | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", _as_levels(self.levels))

    def _value(self, frame: Frame, country: str | None = None) -> float:
        if self.where is None:
            part = _in(frame, self.subset, country, [self.column])
        else:
            part = _in(frame, self.subset, country, [self.column, self.where.column])
            part = part.loc[self.where.mask(part)]
        values = part[self.column].dropna()
        if len(values) == 0:
            return float("nan")
        return float(100 * values.isin(list(self.levels)).mean())

    def _text(self) -> str:
        base = _who(self.subset)
        if self.where is not None:
            base += f" with {self.where._text()}"
        return f"share of {_levels_text(self.column, self.levels)} among {base}"


@dataclass(frozen=True)
class Count(Measure):
    """Number of ``subset`` whose ``column`` is one of ``levels``."""

    PER_COUNTRY: ClassVar[bool] = True

    column: str
    levels: tuple
    subset: str = "everyone"

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", _as_levels(self.levels))

    def _value(self, frame: Frame, country: str | None = None) -> float:
        part = _in(frame, self.subset, country, [self.column])
        return float(part[self.column].isin(list(self.levels)).sum())

    def _text(self) -> str:
        return f"number of {_who(self.subset)} with {_levels_text(self.column, self.levels)}"


@dataclass(frozen=True)
class Respondents(Measure):
    """Number of respondents in ``subset`` (all rows of the frame for ``everyone``)."""

    PER_COUNTRY: ClassVar[bool] = True

    subset: str = "everyone"

    def _value(self, frame: Frame, country: str | None = None) -> float:
        if country is None:
            return float(ASKED_IF[self.subset](frame).sum())
        return float(len(_in(frame, self.subset, country, ["country"])))

    def _text(self) -> str:
        return f"number of {_who(self.subset)} (rows of the survey)"


@dataclass(frozen=True)
class OnlyOne(Measure):
    """Number of respondents for whom flag ``yes`` is true and flag ``no`` is not."""

    yes: str
    no: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        return float((frame[self.yes] & ~frame[self.no]).sum())

    def _text(self) -> str:
        return f"number of all respondents with {self.yes} == True and {self.no} == False"


@dataclass(frozen=True)
class ShareBeyond(Measure):
    """Share (0-100) of ``subset`` whose ``column`` compares to ``threshold`` by ``op``.

    The survey's typed frame holds sliders as nullable integers, so an empty answer compares
    as missing and is left out of the base, as in :class:`Share`.
    """

    column: str
    op: str
    threshold: float
    subset: str = "everyone"

    _OPS: ClassVar[dict] = {
        ">": operator.gt,
        ">=": operator.ge,
        "<=": operator.le,
        "<": operator.lt,
    }

    def _value(self, frame: Frame, country: str | None = None) -> float:
        values = _in(frame, self.subset, columns=[self.column])[self.column]
        return float(100 * self._OPS[self.op](values, self.threshold).mean())

    def _text(self) -> str:
        return f"share of {self.column} {self.op} {self.threshold:g} among {_who(self.subset)}"


@dataclass(frozen=True)
class Mean(Measure):
    """Average of a numeric ``column`` over ``subset``'s answers (empty answers left out).

    ``plus`` adds a second column first; ``times_percent`` multiplies by a second column
    read as a percentage (a share of a share).
    """

    PER_COUNTRY: ClassVar[bool] = True

    column: str
    subset: str = "everyone"
    plus: str | None = None
    times_percent: str | None = None

    def _value(self, frame: Frame, country: str | None = None) -> float:
        columns = [c for c in (self.column, self.plus, self.times_percent) if c is not None]
        part = _in(frame, self.subset, country, columns)
        values = part[self.column]
        if self.plus is not None:
            values = values + part[self.plus]
        if self.times_percent is not None:
            values = values * part[self.times_percent] / 100
        return float(pd.to_numeric(values, errors="coerce").astype(float).mean())

    def _text(self) -> str:
        what = self.column
        if self.plus is not None:
            what = f"{self.column} + {self.plus}"
        if self.times_percent is not None:
            what = f"{self.column} * {self.times_percent} / 100"
        return f"mean of {what} among {_who(self.subset)}"


@dataclass(frozen=True)
class PooledMean(Measure):
    """Average of several numeric columns' answers pooled into one list (boys' and girls')."""

    columns: tuple[str, ...]

    def _value(self, frame: Frame, country: str | None = None) -> float:
        pooled = pd.concat([frame[c] for c in self.columns])
        return float(pooled.dropna().astype(float).mean())

    def _text(self) -> str:
        return f"mean of the answers to {' and '.join(self.columns)} pooled"


@dataclass(frozen=True)
class PooledShare(Measure):
    """Share (0-100) of the answers to several columns, pooled, that equal ``level``."""

    columns: tuple[str, ...]
    level: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        pooled = pd.concat([frame[c].astype(object) for c in self.columns]).dropna()
        return float(100 * pooled.eq(self.level).mean())

    def _text(self) -> str:
        return f'share of "{self.level}" among the answers to {" and ".join(self.columns)} pooled'


@dataclass(frozen=True)
class ModalBandUpper(Measure):
    """Upper end of the quarter band (0-25, 26-50, 51-75, 76-100) most of ``subset`` chose."""

    column: str
    subset: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        values = _in(frame, self.subset, columns=[self.column])[self.column].dropna().astype(float)
        bands = pd.cut(values, [-0.5, 25, 50, 75, 100], labels=[25, 50, 75, 100])
        return float(bands.value_counts().idxmax())

    def _text(self) -> str:
        return (
            f"upper end of the most common quarter band (25, 50, 75 or 100) of {self.column} "
            f"among {_who(self.subset)}"
        )


@dataclass(frozen=True)
class Columns(Measure):
    """Number of the survey's columns whose name starts with ``prefix`` (a listed option)."""

    prefix: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        return float(sum(col.startswith(self.prefix) for col in frame.columns))

    def _text(self) -> str:
        return f"number of survey columns named {self.prefix}*"


@dataclass(frozen=True)
class Distinct(Measure):
    """Number of distinct values of ``column`` (e.g. countries)."""

    column: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        return float(frame[self.column].nunique())

    def _text(self) -> str:
        return f"number of distinct values of {self.column}"


@dataclass(frozen=True)
class InCountry(Measure):
    """A measure restricted to one country's respondents; ``by_country`` gives any country."""

    measure: Share | Count | Mean | Respondents
    country: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        return self.measure(frame, self.country)

    @property
    def by_country(self):
        """The wrapped measure: ``by_country(frame, country)`` for any country."""
        return self.measure

    def _text(self) -> str:
        return f"{self.measure.describe()}, in {self.country}"


@dataclass(frozen=True)
class CountryRank(Measure):
    """Rank (1 = highest) of ``country`` among the frame's countries on a per-country share."""

    measure: Share
    country: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        values = {c: self.measure(frame, c) for c in sorted(frame["country"].dropna().unique())}
        order = sorted(values, key=lambda c: -values[c])
        return float(order.index(self.country) + 1) if self.country in order else float("nan")

    def _text(self) -> str:
        return (
            f"rank of {self.country} (1 = highest) among the countries by {self.measure.describe()}"
        )


@dataclass(frozen=True)
class OptionRank(Measure):
    """Rank (1 = most chosen) of ``option`` among the answers to ``columns``, pooled."""

    columns: tuple[str, ...]
    option: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        pooled = pd.concat([frame[c].astype(object) for c in self.columns]).dropna()
        counts = pooled.value_counts()
        if self.option not in counts.index:
            return float("nan")
        return float((counts > counts[self.option]).sum() + 1)

    def _text(self) -> str:
        return (
            f'rank of "{self.option}" (1 = most chosen) among the answers to '
            f"{' and '.join(self.columns)} pooled"
        )


@dataclass(frozen=True)
class Extreme(Measure):
    """The highest (``how="max"``) or lowest (``"min"``) of several measures."""

    how: str
    parts: tuple

    def _value(self, frame: Frame, country: str | None = None) -> float:
        pick = max if self.how == "max" else min
        return pick(part(frame) for part in self.parts)

    def _text(self) -> str:
        word = "highest" if self.how == "max" else "lowest"
        inner = {part.measure for part in self.parts if isinstance(part, InCountry)}
        if len(inner) == 1 and all(isinstance(part, InCountry) for part in self.parts):
            countries = [part.country for part in self.parts]
            listed = ", ".join(countries[:-1]) + f" and {countries[-1]}"
            return f"{word}, over {listed}, of {inner.pop().describe()}"
        return f"{word} of: " + "; ".join(part.describe() for part in self.parts)


@dataclass(frozen=True)
class TestStatistic(Measure):
    """A published test's statistic (chi-square or F) recomputed with ``stats``.

    The design (columns crossed, who is in the test) is ``published.significance_tests``'s.
    """

    test_id: str

    def _value(self, frame: Frame, country: str | None = None) -> float:
        from survivors_perspectives import stats

        test = TESTS_BY_ID[self.test_id]
        data = frame_for_test(test, frame)
        if test.kind == CHI2:
            return stats.chi2_independence(data, test.row, test.col).statistic
        return stats.anova_oneway(data, test.value, test.group).statistic

    def _text(self) -> str:
        test = TESTS_BY_ID[self.test_id]
        who = _who(test.subset)
        if test.stack:
            suffix = FORM_COLUMNS[test.stack.split(":", 1)[1]]
            who = (
                f"boys_form_{suffix} and girls_form_{suffix} stacked, one row per respondent "
                "and child gender (not asked counts as no)"
            )
        if test.kind == CHI2:
            return f"chi-square statistic of {test.row} by {test.col} among {who}"
        return f"one-way ANOVA F of {test.value} across {test.group} among {who}"


def _countries(measure, *countries: str) -> tuple[InCountry, ...]:
    return tuple(InCountry(measure, c) for c in countries)


# --------------------------------------------------------------------------- the registry
#
# One table per topic of the reference table; every id written out, so that a text search
# for an id finds its measure.

_GOVERNMENT = Where("organisation_type", "Government")
_NGO = Where("organisation_type", "NGO (no religious affiliation)")
_GOV_SHARE = Share("organisation_type", "Government")

SAMPLE = {
    "sample.completed.count": Respondents(),
    "sample.completed.count.exec_summary": Respondents(),
    "sample.completed.count.albania": InCountry(Respondents(), "Albania"),
    "sample.completed.count.bosnia-and-herzegovina": InCountry(
        Respondents(), "Bosnia and Herzegovina"
    ),
    "sample.completed.count.colombia": InCountry(Respondents(), "Colombia"),
    "sample.completed.count.mexico": InCountry(Respondents(), "Mexico"),
    "sample.completed.count.moldova": InCountry(Respondents(), "Moldova"),
    "sample.completed.count.peru": InCountry(Respondents(), "Peru"),
    "sample.countries.count": Distinct("country"),
}

PROFILE = {
    "profile.gender.female.count": Count("gender", "Female"),
    "profile.gender.female.pct": Share("gender", "Female"),
    "profile.gender.female.pct.albania": InCountry(Share("gender", "Female"), "Albania"),
    "profile.gender.female.pct.moldova": InCountry(Share("gender", "Female"), "Moldova"),
    "profile.gender.male.count": Count("gender", "Male"),
    "profile.gender.male.pct": Share("gender", "Male"),
    "profile.gender.other.count": Count("gender", "Other"),
    "profile.gender.other.count.mexico": InCountry(Count("gender", "Other"), "Mexico"),
    "profile.age.21_30.count": Count("age_band", "21-30"),
    "profile.age.21_30.pct": Share("age_band", "21-30"),
    "profile.age.21_30.pct.government": Share("age_band", "21-30", where=_GOVERNMENT),
    "profile.age.21_30.pct.ngo": Share("age_band", "21-30", where=_NGO),
    "profile.age.31_40.count": Count("age_band", "31-40"),
    "profile.age.31_40.pct": Share("age_band", "31-40"),
    "profile.age.41_50.count": Count("age_band", "41-50"),
    "profile.age.41_50.pct": Share("age_band", "41-50"),
    "profile.age.over_50.count": Count("age_band", "Over 50"),
    "profile.age.over_50.pct": Share("age_band", "Over 50"),
    "profile.education.below_tertiary.count": Count("education", "No tertiary degree"),
    "profile.education.below_tertiary.pct": Share("education", "No tertiary degree"),
    "profile.education.bachelor.count": Count("education", "Bachelor's degree"),
    "profile.education.bachelor.pct": Share("education", "Bachelor's degree"),
    "profile.education.masters_phd.count": Count("education", "Master's degree or PhD"),
    "profile.education.masters_phd.pct": Share("education", "Master's degree or PhD"),
    "profile.education.masters_phd.pct.albania": InCountry(
        Share("education", "Master's degree or PhD"), "Albania"
    ),
    "profile.education.masters_phd.pct.bosnia-and-herzegovina": InCountry(
        Share("education", "Master's degree or PhD"), "Bosnia and Herzegovina"
    ),
    "profile.education.masters_phd.pct.colombia": InCountry(
        Share("education", "Master's degree or PhD"), "Colombia"
    ),
    "profile.education.masters_phd.pct.mexico": InCountry(
        Share("education", "Master's degree or PhD"), "Mexico"
    ),
    "profile.education.masters_phd.pct.moldova": InCountry(
        Share("education", "Master's degree or PhD"), "Moldova"
    ),
    "profile.education.masters_phd.pct.peru": InCountry(
        Share("education", "Master's degree or PhD"), "Peru"
    ),
    "profile.experience.0_5.count": Count("experience", "0-5 years"),
    "profile.experience.0_5.pct": Share("experience", "0-5 years"),
    "profile.experience.0_5.pct.mexico": InCountry(Share("experience", "0-5 years"), "Mexico"),
    "profile.experience.6_10.count": Count("experience", "6-10 years"),
    "profile.experience.6_10.pct": Share("experience", "6-10 years"),
    "profile.experience.11_20.count": Count("experience", "11-20 years"),
    "profile.experience.11_20.pct": Share("experience", "11-20 years"),
    "profile.experience.over_20.count": Count("experience", "Over 20 years"),
    "profile.experience.over_20.pct": Share("experience", "Over 20 years"),
    "profile.org_type.government.count": Count("organisation_type", "Government"),
    "profile.org_type.government.pct": Share("organisation_type", "Government"),
    "profile.org_type.ngo.count": Count("organisation_type", "NGO (no religious affiliation)"),
    "profile.org_type.ngo.pct": Share("organisation_type", "NGO (no religious affiliation)"),
    "profile.org_type.other.count": Count("organisation_type", "Other"),
    "profile.org_type.other.pct": Share("organisation_type", "Other"),
    "profile.org_type.government.pct.albania_moldova.min": Extreme(
        "min", _countries(_GOV_SHARE, "Albania", "Moldova")
    ),
    "profile.org_type.government.pct.albania_moldova.max": Extreme(
        "max", _countries(_GOV_SHARE, "Albania", "Moldova")
    ),
    "profile.org_type.government.pct.other_four.min": Extreme(
        "min", _countries(_GOV_SHARE, "Bosnia and Herzegovina", "Colombia", "Mexico", "Peru")
    ),
    "profile.org_type.government.pct.other_four.max": Extreme(
        "max", _countries(_GOV_SHARE, "Bosnia and Herzegovina", "Colombia", "Mexico", "Peru")
    ),
    "profile.location.urban.count": Count("location", "Urban"),
    "profile.location.urban.pct": Share("location", "Urban"),
    "profile.location.urban.pct.bosnia-and-herzegovina": InCountry(
        Share("location", "Urban"), "Bosnia and Herzegovina"
    ),
    "profile.location.urban.pct.moldova": InCountry(Share("location", "Urban"), "Moldova"),
    "profile.location.rural.count": Count("location", "Rural"),
    "profile.location.rural.pct": Share("location", "Rural"),
    "profile.location.urban_and_rural.count": Count("location", "Urban and rural"),
    "profile.location.urban_and_rural.pct": Share("location", "Urban and rural"),
}

SERVICES = {
    "services.counselling_individual.pct": Share("service_individual_counselling", True),
    "services.counselling_individual.pct.government": Share(
        "service_individual_counselling", True, where=_GOVERNMENT
    ),
    "services.counselling_individual.pct.ngo": Share(
        "service_individual_counselling", True, where=_NGO
    ),
    "services.counselling_individual.pct.men": Share(
        "service_individual_counselling", True, where=Where("gender", "Male")
    ),
    "services.counselling_individual.pct.women": Share(
        "service_individual_counselling", True, where=Where("gender", "Female")
    ),
    "services.family_support.pct": Share("service_family_support", True),
    "services.legal.pct": Share("service_legal_support", True),
    "services.sexual_health.pct": Share("service_sexual_health", True),
    "services.sexual_health.pct.government": Share(
        "service_sexual_health", True, where=_GOVERNMENT
    ),
    "services.sexual_health.pct.ngo": Share("service_sexual_health", True, where=_NGO),
    "services.reintegration.pct": Share("service_reintegration", True),
    "services.reintegration.pct.government": Share(
        "service_reintegration", True, where=_GOVERNMENT
    ),
    "services.reintegration.pct.ngo": Share("service_reintegration", True, where=_NGO),
    "services.group_psychosocial.pct": Share("service_group_psychosocial", True),
}

_ONLINE = Mean("caseload_online_pct")

CASELOADS = {
    "caseload.any_se.mean_share": Mean("caseload_exploitation_pct"),
    "caseload.any_se.up_to_quarter.pct": ShareBeyond("caseload_exploitation_pct", "<=", 25),
    "caseload.any_se.three_quarters_plus.pct": ShareBeyond("caseload_exploitation_pct", ">=", 75),
    "caseload.online_share_of_se.mean": Mean("caseload_online_pct"),
    "caseload.online_share_of_se.mean.albania": InCountry(_ONLINE, "Albania"),
    "caseload.online_share_of_se.mean.moldova": InCountry(_ONLINE, "Moldova"),
    "caseload.online_share_of_total.mean": Mean(
        "caseload_exploitation_pct", times_percent="caseload_online_pct"
    ),
    "caseload.online_share_of_total.mean.exec_summary": Mean(
        "caseload_exploitation_pct", times_percent="caseload_online_pct"
    ),
    "caseload.online_share_of_total.one_in_five.exec_summary": Mean(
        "caseload_exploitation_pct", times_percent="caseload_online_pct"
    ),
}

_BOYS_SHARE = Mean("boys_online_pct", "supported_boys")

BOYS_AND_GIRLS = {
    "boys_girls.supported_boys.count": Count("supported_boys", True),
    "boys_girls.supported_girls.count": Count("supported_girls", True),
    "boys_girls.supported_only_boys.count": OnlyOne("supported_boys", "supported_girls"),
    "boys_girls.supported_only_girls.count": OnlyOne("supported_girls", "supported_boys"),
    "boys_girls.supported_boys_online.count": Respondents("boys_online"),
    "boys_girls.supported_boys_online.pct": ShareBeyond(
        "boys_online_pct", ">", 0, "supported_boys"
    ),
    "boys_girls.supported_girls_online.pct": ShareBeyond(
        "girls_online_pct", ">", 0, "supported_girls"
    ),
    "boys_girls.boys_online_share.mean.albania": InCountry(_BOYS_SHARE, "Albania"),
    "boys_girls.boys_online_share.mean.bosnia-and-herzegovina": InCountry(
        _BOYS_SHARE, "Bosnia and Herzegovina"
    ),
    "boys_girls.boys_online_share.modal_band": ModalBandUpper("boys_online_pct", "boys_online"),
    "boys_girls.boys_online_share.modal_band.exec_summary": ModalBandUpper(
        "boys_online_pct", "boys_online"
    ),
    "boys_girls.girls_online_share.more_than_half.pct": ShareBeyond(
        "girls_online_pct", ">", 50, "supported_girls"
    ),
    "boys_girls.girls_online_share.more_than_half.pct.exec_summary": ShareBeyond(
        "girls_online_pct", ">", 50, "supported_girls"
    ),
    "boys_girls.girls_online_share.almost_all.pct": ShareBeyond(
        "girls_online_pct", ">=", 90, "supported_girls"
    ),
    "boys_girls.boys_age.under_11.mean": Mean("boys_age_under_11_pct", "boys_online"),
    "boys_girls.boys_age.11_17.mean": Mean(
        "boys_age_11_15_pct", "boys_online", plus="boys_age_16_17_pct"
    ),
    "boys_girls.girls_age.under_11.mean": Mean("girls_age_under_11_pct", "girls_online"),
    "boys_girls.girls_age.11_15.mean": Mean("girls_age_11_15_pct", "girls_online"),
    "boys_girls.girls_age.16_17.mean": Mean("girls_age_16_17_pct", "girls_online"),
}

_RELATIONSHIP = ("boys_offender_relationship", "girls_offender_relationship")

OFFENDERS = {
    "offenders.female.share": PooledMean(("boys_offender_female_pct", "girls_offender_female_pct")),
    "offenders.female.share.exec_summary": PooledMean(
        ("boys_offender_female_pct", "girls_offender_female_pct")
    ),
    "offenders.female.share.girls.mexico": InCountry(
        Mean("girls_offender_female_pct", "girls_online"), "Mexico"
    ),
    "offenders.foreign_more_common.pct": Share("offender_nationality", "Another country"),
    "offenders.same_country.pct.exec_summary": Share(
        "offender_nationality", "Same country as the child"
    ),
    "offenders.relationship.parents.rank": OptionRank(_RELATIONSHIP, "Parent or step-parent"),
    "offenders.relationship.other_relatives.rank": OptionRank(
        _RELATIONSHIP, "Other relative (18 or older)"
    ),
    "offenders.relationship.family_friends.rank": OptionRank(_RELATIONSHIP, "Family friend"),
}

EXCHANGE_AND_ABUSE = {
    "exchange.money.share.boys": Share("boys_exchange", "Money", "boys_online"),
    "exchange.money.share.girls": Share("girls_exchange", "Money", "girls_online"),
    "exchange.money.share.exec_summary": PooledShare(("boys_exchange", "girls_exchange"), "Money"),
    "exchange.goods_boys.rank.moldova": CountryRank(
        Share("boys_exchange", "Gifts or goods", "boys_online"), "Moldova"
    ),
    "exchange.shelter_boys.rank.peru": CountryRank(
        Share("boys_exchange", "Shelter", "boys_online"), "Peru"
    ),
    "facilitation.facilitator_present.pct.boys": Share("boys_facilitator", "Yes", "boys_online"),
    "facilitation.facilitator_present.pct.girls": Share("girls_facilitator", "Yes", "girls_online"),
    "forms_of_abuse.self_generated.pct.boys": Share(
        "boys_form_self_generated", True, "boys_online"
    ),
    "forms_of_abuse.self_generated.pct.girls": Share(
        "girls_form_self_generated", True, "girls_online"
    ),
}

_FEAR = Share("barrier_fear_of_reactions", True)
_NO_CONFIDENCE = Share("barrier_no_confidence_in_help", True)

BARRIERS_AND_BELIEFS = {
    "barriers.factors.count": Columns("barrier_"),
    "barriers.stigma_shame.pct": Share("barrier_stigma_shame", True),
    "barriers.stigma_shame.pct.exec_summary": Share("barrier_stigma_shame", True),
    "barriers.fear_of_reactions.pct": Share("barrier_fear_of_reactions", True),
    "barriers.fear_of_reactions.pct.exec_summary": Share("barrier_fear_of_reactions", True),
    "barriers.fear_of_reactions.top_k.bosnia-and-herzegovina": CountryRank(
        _FEAR, "Bosnia and Herzegovina"
    ),
    "barriers.fear_of_reactions.top_k.moldova": CountryRank(_FEAR, "Moldova"),
    "barriers.no_confidence_in_help.top_k.colombia": CountryRank(_NO_CONFIDENCE, "Colombia"),
    "barriers.no_confidence_in_help.top_k.peru": CountryRank(_NO_CONFIDENCE, "Peru"),
    "barriers.fear_of_criminalisation.rank.mexico": CountryRank(
        Share("barrier_fear_criminalised", True), "Mexico"
    ),
    "barriers.police_refuse_report.rank.mexico": CountryRank(
        Share("barrier_police_refuse_report", True), "Mexico"
    ),
    "barriers.sex_taboo.rank.bosnia-and-herzegovina": CountryRank(
        Share("barrier_sex_taboo", True), "Bosnia and Herzegovina"
    ),
    "beliefs.culture_of_silence.pct": Share("belief_culture_of_silence", True),
    "beliefs.sex_taboo.pct": Share("belief_sex_taboo", True),
}

_POOR_OR_NONE = ("None", "Poor")
_THREE_AREAS = tuple(
    Share(column, _POOR_OR_NONE)
    for column in ("govt_awareness_raising", "govt_training", "govt_public_advocacy")
)

GOVERNMENT_SCENARIOS_AWARENESS = {
    "government.funding.poor_or_none.pct": Share("govt_funding", _POOR_OR_NONE),
    "government.awareness_training_advocacy.poor_or_none.pct.max": Extreme("max", _THREE_AREAS),
    "government.awareness_training_advocacy.poor_or_none.pct.min": Extreme("min", _THREE_AREAS),
    "scenarios.victim.yes.pct": Share("scenario_paid_video_call_victim", "Yes"),
    "scenarios.offender.yes.pct": Share("scenario_secret_recording_offence", "Yes"),
    "scenarios.gender_flipped.yes.pct": Share("scenario_gender_reversed", "Yes"),
    "scenarios.viewer.no.pct": Share("scenario_viewer_offence", "No"),
    "scenarios.viewer.unsure.pct": Share("scenario_viewer_offence", "Don't know"),
    "scenarios.viewer.yes.pct.colombia": InCountry(
        Share("scenario_viewer_offence", "Yes"), "Colombia"
    ),
    "scenarios.dating.yes.pct": Share("scenario_adolescents_dating", "Yes"),
    "awareness.rating.excellent.pct": Share("public_awareness", "Excellent"),
    "awareness.rating.good.pct": Share("public_awareness", "Good"),
    "awareness.rating.fair.pct": Share("public_awareness", "Fair"),
    "awareness.rating.poor.pct": Share("public_awareness", "Poor"),
    "awareness.rating.poor.pct.exec_summary": Share("public_awareness", "Poor"),
    "awareness.rating.good_or_excellent.pct": Share("public_awareness", ("Good", "Excellent")),
    "awareness.rating.good_or_excellent.pct.exec_summary": Share(
        "public_awareness", ("Good", "Excellent")
    ),
}

#: The 19 published tests, recomputed (their design: ``published.significance_tests``).
PUBLISHED_TEST_STATISTICS = {
    "caseload.any_se.by_country.anova": TestStatistic("caseload.any_se.by_country.anova"),
    "caseload.online_share_of_se.by_country.anova": TestStatistic(
        "caseload.online_share_of_se.by_country.anova"
    ),
    "boys_girls.boys_online_share.by_country.anova": TestStatistic(
        "boys_girls.boys_online_share.by_country.anova"
    ),
    "offenders.female_girls.by_country.anova": TestStatistic(
        "offenders.female_girls.by_country.anova"
    ),
    "exchange.boys.by_country.chi2": TestStatistic("exchange.boys.by_country.chi2"),
    "exchange.girls.by_country.chi2": TestStatistic("exchange.girls.by_country.chi2"),
    "forms_of_abuse.csam.by_child_gender.chi2": TestStatistic(
        "forms_of_abuse.csam.by_child_gender.chi2"
    ),
    "forms_of_abuse.grooming.by_child_gender.chi2": TestStatistic(
        "forms_of_abuse.grooming.by_child_gender.chi2"
    ),
    "forms_of_abuse.live_streaming.by_child_gender.chi2": TestStatistic(
        "forms_of_abuse.live_streaming.by_child_gender.chi2"
    ),
    "forms_of_abuse.self_generated.by_child_gender.chi2": TestStatistic(
        "forms_of_abuse.self_generated.by_child_gender.chi2"
    ),
    "profile.age.by_org_type.chi2": TestStatistic("profile.age.by_org_type.chi2"),
    "profile.gender.by_country.chi2": TestStatistic("profile.gender.by_country.chi2"),
    "profile.location.by_country.chi2": TestStatistic("profile.location.by_country.chi2"),
    "scenarios.gender_flipped.by_country.chi2": TestStatistic(
        "scenarios.gender_flipped.by_country.chi2"
    ),
    "scenarios.viewer.by_country.chi2": TestStatistic("scenarios.viewer.by_country.chi2"),
    "services.counselling_individual.by_gender.chi2": TestStatistic(
        "services.counselling_individual.by_gender.chi2"
    ),
    "services.counselling_individual.by_org_type.chi2": TestStatistic(
        "services.counselling_individual.by_org_type.chi2"
    ),
    "services.reintegration.by_org_type.chi2": TestStatistic(
        "services.reintegration.by_org_type.chi2"
    ),
    "services.sexual_health.by_org_type.chi2": TestStatistic(
        "services.sexual_health.by_org_type.chi2"
    ),
}

_TOPICS = (
    SAMPLE,
    PROFILE,
    SERVICES,
    CASELOADS,
    BOYS_AND_GIRLS,
    OFFENDERS,
    EXCHANGE_AND_ABUSE,
    BARRIERS_AND_BELIEFS,
    GOVERNMENT_SCENARIOS_AWARENESS,
    PUBLISHED_TEST_STATISTICS,
)

#: Reference id -> the measure computing that survey figure.
MEASURES: dict[str, Measure] = {ref_id: m for topic in _TOPICS for ref_id, m in topic.items()}

#: Survey ids of the reference table that describe the questionnaire or the fieldwork (a
#: month, a language count, the questions asked, people screened out before answering): no
#: answer in the data holds them, so the replication table marks them not computable.
NOT_FROM_THE_ANSWERS: tuple[str, ...] = (
    "sample.collection.first_month",
    "sample.collection.last_month",
    "sample.collection.year",
    "sample.disqualified.count",
    "sample.eligibility.min_age",
    "sample.eligibility.months_in_role",
    "sample.languages.count",
    "sample.partial.count",
    "sample.questions.count",
    "sample.questions.count.exec_summary",
    "services.top_services.count",
)

#: What the replication table says for an id of :data:`NOT_FROM_THE_ANSWERS`.
NOT_FROM_THE_ANSWERS_TEXT = (
    "not computed: describes the questionnaire or fieldwork, not the answers"
)


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


def describe(ref_id: str) -> str:
    """Say in words how a survey figure is computed (empty for an id no measure knows)."""
    if ref_id in MEASURES:
        return MEASURES[ref_id].describe()
    if ref_id in NOT_FROM_THE_ANSWERS:
        return NOT_FROM_THE_ANSWERS_TEXT
    return ""
