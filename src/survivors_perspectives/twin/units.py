"""The survey as the twin synthesises it: units in a visit order, each encoded as numbers.

A unit is what one tree models: one column, or columns bound together by the questionnaire
and checked together by the validator, drawn from one donor so that the bond holds by
construction: the two hurdle answers (every worker supported boys or girls), and each set of
three age bands (they sum to 100). Units are visited in file order, which puts every skip-logic
condition (supported boys, a positive online share) before the questions that depend on it,
and the five quasi-identifiers right after the country.

Predictor encoding, the same for the real data and the twin: an unordered category becomes
one indicator per answer (all zero when empty), an ordered category its position, a
true/false answer 1/0, a slider its value; empty (not asked, or no answer) is -1 for the last
three, below every real value, so a tree can split on "was asked" as on anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survivors_perspectives.survey.schema import AGE_BANDS, COLUMNS, Column

#: Quasi-identifiers: what a colleague, employer or directory could know about a respondent.
QUASI_IDENTIFIERS: tuple[str, ...] = (
    "country",
    "gender",
    "age_band",
    "organisation_type",
    "location",
)

#: Value a missing predictor takes (below every real value of a numeric or ordinal column).
MISSING = -1.0


@dataclass(frozen=True)
class Unit:
    """One step of the synthesis: the columns one tree models and one donor fills.

    Attributes
    ----------
    name : str
        The column's name, or ``supported`` / ``<sex>_age_bands`` for a bound group.
    columns : tuple of Column
        The survey columns filled together.
    asked_if : str
        Key of ``survey.schema.ASKED_IF``: who is asked (everyone else stays empty).
    """

    name: str
    columns: tuple[Column, ...]
    asked_if: str

    @property
    def kind(self) -> str:
        """``category``, ``boolean`` or ``integer`` (a bound group: its columns' kind)."""
        return self.columns[0].kind

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of the survey columns this unit fills."""
        return tuple(c.name for c in self.columns)


def _units() -> tuple[Unit, ...]:
    by_name = {c.name: c for c in COLUMNS}
    bound = {
        "supported_boys": ("supported", ("supported_boys", "supported_girls")),
        AGE_BANDS["boys"][0]: ("boys_age_bands", AGE_BANDS["boys"]),
        AGE_BANDS["girls"][0]: ("girls_age_bands", AGE_BANDS["girls"]),
    }
    skip = {name for _, names in bound.values() for name in names[1:]}
    units = []
    for column in COLUMNS:
        if column.kind == "id" or column.name in skip:
            continue
        if column.name in bound:
            name, names = bound[column.name]
            units.append(Unit(name, tuple(by_name[n] for n in names), column.asked_if))
        else:
            units.append(Unit(column.name, (column,), column.asked_if))
    return tuple(units)


UNITS: tuple[Unit, ...] = _units()
"""Every unit of the survey, in visit order (country first)."""


def encode_column(column: Column, values: pd.Series) -> np.ndarray:
    """Encode one column as predictor features, shape (rows, features)."""
    if column.kind == "category" and not column.ordered:
        text = values.astype(object).to_numpy()
        return np.stack([text == c for c in column.categories], axis=1).astype(float)
    if column.kind == "category":
        codes = pd.Categorical(values, categories=list(column.categories)).codes
        return np.where(codes < 0, MISSING, codes).astype(float)[:, None]
    numbers = pd.to_numeric(values.astype("Float64"), errors="coerce").astype(float).to_numpy()
    return np.where(np.isnan(numbers), MISSING, numbers)[:, None]


def encode_unit(unit: Unit, frame: pd.DataFrame) -> np.ndarray:
    """Encode a unit's columns of ``frame`` as predictor features."""
    return np.concatenate([encode_column(c, frame[c.name]) for c in unit.columns], axis=1)


def target_codes(unit: Unit, frame: pd.DataFrame) -> tuple[np.ndarray, int | None]:
    """Return what a unit's tree is grown on: (class codes, number of classes) or (values, None).

    Categories and true/false answers are classes, with an empty answer as a class of its
    own; the hurdle pair is one class per combination; sliders (and each set of age bands)
    are numeric, an empty answer counting as the scale's low end plus a missing indicator.
    """
    if unit.kind == "integer":
        values = frame[list(unit.column_names)].astype("Float64").astype(float).to_numpy()
        missing = np.isnan(values).any(axis=1, keepdims=True).astype(float)
        return np.concatenate([np.nan_to_num(values, nan=0.0), 100 * missing], axis=1), None
    codes = np.zeros(len(frame), dtype=np.int64)
    classes = 1
    for column in unit.columns:
        if column.kind == "boolean":
            levels = 3
            code = frame[column.name].astype("Float64").fillna(2).astype(int).to_numpy()
        else:
            levels = len(column.categories) + 1
            code = pd.Categorical(frame[column.name], categories=list(column.categories)).codes
            code = np.where(code < 0, levels - 1, code)
        codes = codes * levels + code
        classes *= levels
    _, dense = np.unique(codes, return_inverse=True)
    return dense.astype(np.int64), int(dense.max()) + 1 if len(dense) else 1
