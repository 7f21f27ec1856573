"""Fit a synthetic twin to a real survey: sequential CART, as synthpop does it.

Why this method. The twin must keep what the analysis uses (margins, the cross-tables behind
the published tests, country differences) and what nobody has published yet (the joint
structure of the real answers), without copying people. Three established choices were
weighed:

- the shipped generator refitted to the real data: it reproduces only the margins and tables
  it was told about, so every unpublished dependence would be lost, which is exactly what a
  twin is for;
- a parametric model (log-linear, Gaussian copula): 80 mostly categorical columns, skip logic
  and three-way sums make it large and brittle for 413 rows;
- sequential conditional models by classification and regression trees (Reiter 2005; Drechsler
  and Reiter 2011 found CART the best of the non-parametric synthesisers for utility and risk;
  the default of R's synthpop, Nowok, Raab and Dibben 2016, used by statistical offices): each
  column is drawn given the columns before it, from the real answers of a leaf of at least
  ``MIN_LEAF`` people, so interactions nobody declared are kept where the data show them and
  small groups are pooled with others.

We use the last. Country sizes are kept as in the real data (the report published them);
every other column is a tree in the visit order of ``units.UNITS``. Slider answers are
smoothed (a Gaussian kernel with Silverman's bandwidth, the answer's zero or 100 kept as it
is) so that no real value is copied through exactly; each group of three age bands is drawn
from one donor, smoothed and rounded back to 100. Skip logic holds by construction: a
question is drawn only for twin records that would have been asked it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survivors_perspectives.survey.schema import ASKED_IF, COLUMNS, ID_PREFIX, dtype_of

from .cart import binned, grow
from .units import UNITS, Unit, encode_unit, target_codes

#: Fewest real records in a leaf: a twin record always draws from at least this many people,
#: so a category or combination held by fewer is never the only source of a value. synthpop's
#: default is 5. Chosen on the stand-in data (three half splits each): a twin fitted to one
#: half was closer to that half than to the other for 66-71% of its records with leaves of 10,
#: 61-70% with 20 and 60-65% with 30 (50% is no memorisation), while the planted dependence
#: and country effect were kept at all three sizes.
MIN_LEAF = 30

#: The seed ``make twin`` uses unless told otherwise (the roundtable date, as ``make data``).
DEFAULT_SEED = 20220726


class SynthesisError(ValueError):
    """The real data cannot be synthesised (e.g. a question asked of nobody in them)."""


def _bandwidth(values: np.ndarray) -> float:
    """Silverman's rule of thumb (R's ``bw.nrd0``) for the values of one slider."""
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return 0.0
    spread = np.std(values, ddof=1)
    iqr = np.subtract(*np.percentile(values, [75, 25])) / 1.34
    scale = min(spread, iqr) if iqr > 0 else spread
    return float(0.9 * scale * len(values) ** -0.2)


def _largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Round each row of non-negative ``shares`` to whole numbers summing to ``total``."""
    scaled = shares / shares.sum(axis=1, keepdims=True) * total
    floor = np.floor(scaled)
    short = (total - floor.sum(axis=1)).astype(int)
    order = np.argsort(-(scaled - floor), axis=1, kind="stable")
    bump = np.zeros_like(floor)
    for k in range(shares.shape[1]):
        rows = short > k
        bump[rows, order[rows, k]] += 1
    return (floor + bump).astype(np.int64)


def _smooth(unit: Unit, donors: np.ndarray, bandwidths: np.ndarray, rng) -> np.ndarray:
    """Blur drawn slider values so that no real answer passes through exactly.

    The ends of the scale are kept: 0 decides skip logic (a worker with no online case
    with boys is not asked about them) and 0 and 100 are real answers many people give.
    """
    low, high = unit.columns[0].minimum, unit.columns[0].maximum
    noise = rng.normal(0.0, 1.0, donors.shape) * bandwidths
    inner = (donors > low) & (donors < high)
    smoothed = np.where(inner, np.clip(np.rint(donors + noise), low + 1, high - 1), donors)
    if len(unit.columns) == 1:
        return smoothed
    # Age bands: three shares of one group of children, summing to 100.
    answered = ~np.isnan(smoothed).any(axis=1)
    result = smoothed.copy()
    if answered.any():
        result[answered] = _largest_remainder(smoothed[answered], high)
    return result


def _draw(rng, leaves: np.ndarray, leaf_rows: dict[int, np.ndarray]) -> np.ndarray:
    """Draw one donor (a row of the tree's training data) for each twin row's leaf."""
    donors = np.empty(len(leaves), dtype=np.int64)
    for leaf in np.unique(leaves):
        rows = np.flatnonzero(leaves == leaf)
        pool = leaf_rows[int(leaf)]
        donors[rows] = pool[rng.integers(0, len(pool), size=len(rows))]
    return donors


#: The columns skip logic reads (``survey.schema.ASKED_IF``).
_CONDITIONS = ("supported_boys", "supported_girls", "boys_online_pct", "girls_online_pct")


def _conditions(twin: dict[str, pd.Series], n: int) -> pd.DataFrame:
    """Return the twin's skip-logic columns drawn so far, as the frame ``ASKED_IF`` reads."""
    return pd.DataFrame({c: twin[c] for c in _CONDITIONS if c in twin}, index=pd.RangeIndex(n))


def _countries(real: pd.DataFrame) -> pd.Series:
    categories = list(real["country"].cat.categories)
    sizes = real["country"].value_counts().reindex(categories, fill_value=0)
    return pd.Series(np.repeat(categories, sizes.to_numpy()), name="country")


def synthesise_survey(
    real: pd.DataFrame, seed: int = DEFAULT_SEED, min_leaf: int = MIN_LEAF
) -> pd.DataFrame:
    """Return a synthetic twin of a validated survey frame, the same size and schema.

    Parameters
    ----------
    real : DataFrame
        A typed, validated survey frame (``survey.load_survey``).
    seed : int
        Seed of the only random generator used: the same seed and data give the same twin.
    min_leaf : int
        Fewest real records in a tree's leaf (see ``MIN_LEAF``).

    Returns
    -------
    DataFrame
        The twin, typed like ``real``, respondent ids ``SYN-0001``... (synthetic records).

    Raises
    ------
    SynthesisError
        When the twin would ask a question nobody in the real data was asked.
    """
    rng = np.random.default_rng(seed)
    real = real.reset_index(drop=True)
    country = _countries(real)
    n = len(country)
    twin: dict[str, pd.Series] = {"country": country.astype(real["country"].dtype)}
    real_features = [encode_unit(unit, real) for unit in UNITS]
    widths = np.cumsum([f.shape[1] for f in real_features])
    all_bins = binned(np.concatenate(real_features, axis=1))
    twin_features = [encode_unit(UNITS[0], pd.DataFrame(twin))]
    for i, unit in enumerate(UNITS[1:], start=1):
        X_real = np.concatenate(real_features[:i], axis=1)
        X_twin = np.concatenate(twin_features, axis=1)
        asked_real = ASKED_IF[unit.asked_if](real).to_numpy()
        asked_twin = ASKED_IF[unit.asked_if](_conditions(twin, n)).to_numpy()
        names = list(unit.column_names)
        values = np.full((n, len(names)), np.nan, dtype=object)
        if asked_twin.any():
            if not asked_real.any():
                raise SynthesisError(
                    f"column {names[0]!r}: the twin asks it of {int(asked_twin.sum())} "
                    "records but nobody in the real data was asked it"
                )
            pool = real.loc[asked_real, names].reset_index(drop=True)
            codes, classes = target_codes(unit, pool)
            tree = grow(
                X_real[asked_real],
                codes,
                classes=classes,
                min_leaf=min_leaf,
                bins=all_bins.subset(np.flatnonzero(asked_real), int(widths[i - 1])),
            )
            donors = _draw(rng, tree.apply(X_twin[asked_twin]), tree.leaf_rows)
            drawn = pool.iloc[donors]
            if unit.kind == "integer":
                numbers = drawn.astype("Float64").astype(float).to_numpy()
                spread = np.array(
                    [_bandwidth(pool[c].astype("Float64").astype(float).to_numpy()) for c in names]
                )
                values[asked_twin] = _smooth(unit, numbers, spread, rng)
            else:
                values[asked_twin] = drawn.astype(object).to_numpy()
        for j, column in enumerate(unit.columns):
            series = pd.Series(values[:, j], name=column.name)
            series = series.where(series.notna(), None)
            twin[column.name] = series.astype(dtype_of(column))
        twin_features.append(encode_unit(unit, pd.DataFrame({c: twin[c] for c in names})))
    ids = pd.Series([f"{ID_PREFIX}{i:04d}" for i in range(1, n + 1)], dtype=dtype_of(COLUMNS[0]))
    twin["respondent_id"] = ids
    return pd.DataFrame({c.name: twin[c.name] for c in COLUMNS})
