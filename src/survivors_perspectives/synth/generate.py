"""Turn a ``Spec`` into respondents: calibrate once, then allocate and assign at any scale.

Two stages. ``build_plan`` is deterministic and seed-free: it turns every target into an
integer table at the published scale (raked to the margins, tilted towards the published
differences and calibrated to the published statistic) and every slider into distribution
parameters. ``generate`` multiplies the tables by ``scale`` and lets a seeded
``numpy.random.Generator`` decide which respondent gets which cell, so the published counts
and statistics hold on every seed and only the pairing of answers varies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..countries import COUNTRIES
from ..survey.schema import COLUMN_BY_NAME, COLUMN_NAMES, ID_PREFIX, dtype_of
from .allocate import AllocationError, assign_counts, controlled_round
from .raking import (
    CalibrationError,
    bisect,
    calibrate_chi2,
    chi2_statistic,
    ipf,
    rake_rows_to_means,
    round_rows,
    tilted_table,
)
from .sliders import (
    anova_f,
    band_values,
    beta_values,
    correlated_key,
    heap_values,
    stratified_positions,
)
from .spec import SliderTarget, Spec, SpecError, TableTarget, build_spec, check_spec
from .structure import ascending_levels, dependence_seed

DEFAULT_SEED = 20220726
"""The seed ``make data`` uses (the date of the experts' roundtable)."""


@dataclass
class Plan:
    """Calibrated, seed-free base tables and slider parameters."""

    spec: Spec
    tables: dict  # column -> DataFrame (group x level), published scale
    sliders: dict  # column -> dict of parameters
    statistics: dict  # test id -> statistic of the calibrated base table
    seeds: dict  # column -> seed table of its declared joint dependence


# --------------------------------------------------------------------------------------
# Group sizes within subsets, at the published scale


def _subset_sizes(plan_tables: dict, spec: Spec, subset: str, by: str) -> pd.Series:
    """Return how many respondents of each ``by`` group are in ``subset`` (base scale)."""
    if subset == "everyone":
        if by == "country":
            return pd.Series(spec.sizes).reindex(COUNTRIES)
        return plan_tables[by].sum(axis=0)
    if by != "country":
        raise SpecError(f"subset {subset!r} is only supported by country, not by {by!r}")
    sup = plan_tables["_supported"]
    if subset == "supported_boys":
        return sup["Both"] + sup["Only boys"]
    if subset == "supported_girls":
        return sup["Both"] + sup["Only girls"]
    if subset == "boys_online":
        return plan_tables["_boys_online"][True]
    if subset in ("girls_online", "girls_online_positive"):
        return plan_tables["_girls_online"][True]
    if subset == "any_online":  # pragma: no cover - not used by the default spec
        raise SpecError("subset 'any_online' cannot be sized before generation")
    raise SpecError(f"unknown subset {subset!r}")


def _matrix(groups, levels, cells: dict, default=0.0) -> np.ndarray:
    out = np.full((len(groups), len(levels)), default, dtype=float)
    for i, g in enumerate(groups):
        for j, lv in enumerate(levels):
            if g in cells and lv in cells[g]:
                out[i, j] = cells[g][lv]
    return out


def _plan_table(target: TableTarget, sizes: pd.Series) -> pd.DataFrame:
    groups = list(sizes.index)
    levels = list(target.totals)
    what = f"table target {target.column!r} by {target.by!r}"
    rows = sizes.to_numpy(dtype=np.int64)
    cols = np.array([target.totals[lv] for lv in levels], dtype=np.int64)
    if rows.sum() != cols.sum():
        raise SpecError(
            f"{what}: answers add up to {cols.sum()} but {target.subset!r} has {rows.sum()} "
            "respondents"
        )
    fixed = _matrix(groups, levels, target.fixed, default=np.nan) if target.fixed else None
    if fixed is not None:
        over = np.nansum(fixed, axis=1) > rows
        if over.any():
            g = groups[int(np.argmax(over))]
            raise SpecError(
                f"{what}: fixed counts for {g} exceed its {rows[groups.index(g)]} respondents"
            )
    pattern = _matrix(groups, levels, target.pattern)
    try:
        if target.chi2 is not None:
            table = calibrate_chi2(rows, cols, pattern, target.chi2, what, fixed)
        else:
            table = tilted_table(rows, cols, pattern, target.strength, fixed)
    except (CalibrationError, AllocationError) as err:
        raise SpecError(f"{what}: {err}") from None
    return pd.DataFrame(table, index=groups, columns=levels)


def _slider_positions_base(sizes: pd.Series) -> np.ndarray:
    return np.repeat(np.arange(len(sizes)), sizes.to_numpy(dtype=np.int64))


def _plan_bands(s: SliderTarget, sizes: pd.Series) -> dict:
    groups = list(sizes.index)
    levels = list(range(len(s.band_edges)))
    pattern = np.zeros((len(groups), len(levels)))
    for i, g in enumerate(groups):
        if g in s.pattern:
            pattern[i] = s.pattern[g]
    rows = sizes.to_numpy(dtype=np.int64)
    cols = np.array(s.band_totals, dtype=np.int64)
    what = f"slider target {s.column!r}"
    if rows.sum() != cols.sum():
        raise SpecError(f"{what}: bands add up to {cols.sum()} but the base has {rows.sum()}")

    def values_for(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        grp = np.repeat(np.repeat(np.arange(len(groups)), len(levels)), table.ravel())
        band = np.repeat(np.tile(levels, len(groups)), table.ravel())
        pos = stratified_positions(None, grp * 100 + band)
        return band_values(pos, band, s.band_edges), grp

    def f_of(c: float) -> float:
        table = tilted_table(rows, cols, pattern, c)
        values, grp = values_for(table)
        return anova_f(values, grp)

    try:
        unpublished = 1.0 if s.pattern else 0.0  # declared country variation, no statistic
        strength = unpublished if s.f is None else bisect(f_of, s.f, 0.0, 6.0, what)
        table = tilted_table(rows, cols, pattern, strength)
    except (CalibrationError, AllocationError) as err:
        raise SpecError(f"{what}: {err}") from None
    values, grp = values_for(table)
    stat = anova_f(values, grp) if len(groups) > 1 else float("nan")
    return {
        "kind": "bands",
        "table": pd.DataFrame(table, index=groups, columns=levels),
        "statistic": stat,
    }


def _positive_means(s: SliderTarget, sizes: pd.Series, positive: pd.Series | None) -> pd.Series:
    means = pd.Series(s.means).reindex(sizes.index)
    if positive is None:
        return means
    share = positive.reindex(sizes.index) / sizes
    return means / share.where(share > 0, 1.0)


def _plan_beta(s: SliderTarget, sizes: pd.Series, positive: pd.Series | None) -> dict:
    what = f"slider target {s.column!r}"
    answered = sizes.copy()
    missing = pd.Series(0, index=sizes.index)
    if s.missing:
        from .allocate import largest_remainder

        missing = pd.Series(largest_remainder(s.missing, sizes.to_numpy()), index=sizes.index)
        answered = sizes - missing
    pos_means = _positive_means(s, answered, positive)
    if (pos_means > 99).any():
        raise SpecError(f"{what}: means {s.means} unreachable with so many zero answers")
    n_pos = answered if positive is None else positive.reindex(sizes.index)
    n_zero = answered - n_pos
    grp_pos = _slider_positions_base(n_pos)
    grp_zero = _slider_positions_base(n_zero)
    pos = stratified_positions(None, grp_pos)
    low = 0 if positive is None else 1

    def f_of(log_phi: float) -> float:
        vals = beta_values(pos, pos_means.to_numpy()[grp_pos], float(np.exp(log_phi)), low)
        allv = np.concatenate([vals, np.zeros(len(grp_zero), dtype=np.int64)])
        return anova_f(allv, np.concatenate([grp_pos, grp_zero]))

    try:
        phi = (
            s.phi
            if s.f is None
            else float(np.exp(bisect(f_of, s.f, np.log(0.05), np.log(200), what)))
        )
    except CalibrationError as err:
        raise SpecError(str(err)) from None
    stat = f_of(np.log(phi)) if s.f is not None else float("nan")
    return {
        "kind": "beta",
        "phi": phi,
        "means": pos_means,
        "missing": missing,
        "low": low,
        "statistic": stat,
    }


def build_plan(spec: Spec) -> Plan:
    """Calibrate every target at the published scale (deterministic, no random numbers)."""
    check_spec(spec)
    tables: dict[str, pd.DataFrame] = {}
    stats: dict[str, float] = {}
    for t in spec.tables:
        sizes = _subset_sizes(tables, spec, t.subset, t.by)
        tables[t.column] = _plan_table(t, sizes)
        if t.test_id:
            stats[t.test_id] = chi2_statistic(tables[t.column].to_numpy())
    sliders = {}
    for s in spec.sliders:
        sizes = _subset_sizes(tables, spec, s.subset, s.group)
        positive = None
        if s.zero_unless and s.kind == "beta":
            positive = tables[s.zero_unless][True]
            sizes = _subset_sizes(
                tables, spec, "supported_boys" if "boys" in s.column else "supported_girls", s.group
            )
        if s.kind == "bands":
            sliders[s.column] = _plan_bands(s, sizes)
        else:
            sliders[s.column] = _plan_beta(s, sizes, positive)
        if s.test_id:
            stats[s.test_id] = sliders[s.column]["statistic"]
    seeds = {}
    structure = spec.structure
    for dep in structure.dependences if structure is not None else ():
        first = {t.column: t for t in spec.tables}[dep.given].totals
        second = {t.column: t for t in spec.tables}[dep.column].totals
        seeds[dep.column] = dependence_seed(dep, first, second)
    return Plan(spec, tables, sliders, stats, seeds)


# --------------------------------------------------------------------------------------
# Generation


def _mask(frame: dict, subset: str, n: int) -> np.ndarray:
    if subset == "everyone":
        return np.ones(n, dtype=bool)
    sup = frame["_supported"]
    if subset == "supported_boys":
        return sup != "Only girls"
    if subset == "supported_girls":
        return sup != "Only boys"
    if subset == "boys_online":
        return frame["_boys_online"] == True  # noqa: E712 - object array of True/False/None
    if subset in ("girls_online", "girls_online_positive"):
        return frame["_girls_online"] == True  # noqa: E712
    raise SpecError(f"unknown subset {subset!r}")


class _Latent:
    """Per-respondent latent factors of the declared structure (a Gaussian copula)."""

    def __init__(self, rng: np.random.Generator, spec: Spec, n: int):
        structure = spec.structure
        self.rng = rng
        self.loadings = structure.loadings() if structure is not None else {}
        names = structure.factors() if structure is not None else []
        self.index = {name: i for i, name in enumerate(names)}
        self.factors = rng.standard_normal((n, len(names))) if names else np.zeros((n, 0))

    def key(self, column: str, mask: np.ndarray | None = None) -> np.ndarray | None:
        """Latent score of ``column`` for the respondents in ``mask`` (None: no structure)."""
        loads = self.loadings.get(column)
        if not loads:
            return None
        rows = self.factors if mask is None else self.factors[mask]
        weights = np.zeros(len(self.index))
        for name, value in loads.items():
            weights[self.index[name]] = value
        unique = np.sqrt(max(0.0, 1.0 - float((weights**2).sum())))
        return rows @ weights + unique * self.rng.standard_normal(len(rows))


def _assign_table(
    rng, frame: dict, column: str, by: str, mask: np.ndarray, table: pd.DataFrame, latent=None
):
    out = np.full(len(mask), None, dtype=object)
    key = latent.key(column, mask) if latent is not None else None
    if key is not None:
        table = table.reindex(columns=ascending_levels(column, table.columns))
    out[mask] = assign_counts(rng, frame[by][mask], table, order_key=key)
    frame[column] = out


def _assign_dependent(rng, frame: dict, t: TableTarget, dep, seed: pd.DataFrame, table, mask):
    """Assign ``t.column`` given ``dep.given``: per group, a raked joint table with zeros."""
    given = frame[dep.given][mask]
    groups = frame[t.by][mask]
    first_levels, second_levels = list(seed.index), list(seed.columns)
    counts = {}
    for g in table.index:
        in_g = groups == g
        realised = pd.Series(given[in_g]).value_counts().reindex(first_levels, fill_value=0)
        rows = realised.to_numpy(dtype=np.int64)
        cols = table.loc[g, second_levels].to_numpy(dtype=np.int64)
        if rows.sum() == 0:
            continue
        where = f"structure assumption '{dep.name}' in {g}"
        try:
            raked = ipf(seed.to_numpy() + 0.0, rows, cols)
            joint = controlled_round(raked, rows, cols, upper=np.where(seed > 0, np.inf, 0))
        except (CalibrationError, AllocationError) as err:
            given_counts = dict(zip(first_levels, rows.tolist(), strict=True))
            published = dict(zip(second_levels, cols.tolist(), strict=True))
            raise SpecError(
                f"{where}: {dep.given} {given_counts} and the published {t.column} "
                f"{published} cannot meet: {err}"
            ) from None
        for i, a in enumerate(first_levels):
            counts[f"{g}|{a}"] = joint[i]
    frame_counts = pd.DataFrame.from_dict(counts, orient="index", columns=second_levels)
    key = np.char.add(np.char.add(groups.astype(str), "|"), given.astype(str))
    out = np.full(len(mask), None, dtype=object)
    out[mask] = assign_counts(rng, key, frame_counts)
    frame[t.column] = out


def _assign_joint(rng, frame: dict, joint, scale: int, latent=None) -> None:
    first, second = frame[joint.first], frame[joint.second]
    f_levels = list(joint.first_yes)
    s_levels = list(joint.second_yes)
    sizes = pd.crosstab(
        pd.Categorical(first, f_levels), pd.Categorical(second, s_levels), dropna=False
    ).to_numpy()
    rows = np.array([joint.first_yes[k] for k in f_levels]) * scale
    cols = np.array([joint.second_yes[k] for k in s_levels]) * scale
    seed = sizes * (rows.sum() / max(sizes.sum(), 1))
    try:
        target = ipf(seed, rows, cols)
        yes = controlled_round(target, rows, cols, upper=sizes)
    except (CalibrationError, AllocationError) as err:
        raise SpecError(f"{joint.column}: by {joint.first} and {joint.second}: {err}") from None
    key = np.char.add(np.char.add(first.astype(str), "|"), second.astype(str))
    index = [f"{a}|{b}" for a in f_levels for b in s_levels]
    counts = pd.DataFrame({True: yes.ravel(), False: (sizes - yes).ravel()}, index=index)
    counts = counts.loc[counts.sum(axis=1) > 0]
    order = latent.key(joint.column) if latent is not None else None
    if order is not None:
        counts = counts.reindex(columns=[False, True])
    frame[joint.column] = assign_counts(rng, key, counts, order_key=order)


def _any_online(frame: dict) -> np.ndarray:
    return (frame["_boys_online"] == True) | (frame["_girls_online"] == True)  # noqa: E712


def _assign_slider(
    rng, frame: dict, s: SliderTarget, params: dict, scale: int, n: int, latent, heaping
):
    values = np.full(n, -1, dtype=np.int64)
    heap = heaping is not None and s.column in heaping.columns
    if s.kind == "bands":
        base = s.subset if s.subset != "girls_online_positive" else "girls_online"
        mask = _mask(frame, base, n)
        table = params["table"] * scale
        key = latent.key(s.column, mask)
        band = np.full(n, -1, dtype=np.int64)
        band[mask] = assign_counts(rng, frame[s.group][mask], table, dtype=np.int64, order_key=key)
        strata = np.where(mask, np.char.add(frame[s.group].astype(str), band.astype(str)), "")
        pos = stratified_positions(rng, strata[mask], key)
        values[mask] = band_values(pos, band[mask], s.band_edges)
        if heap:
            edges = np.asarray(s.band_edges, dtype=np.int64)[band[mask]]
            values[mask] = heap_values(
                rng,
                values[mask],
                strata[mask],
                edges[:, 0],
                edges[:, 1],
                heaping.to_ten,
                heaping.to_five,
            )
        if s.zero_unless:
            zero = _mask(frame, "supported_girls", n) & ~mask
            values[zero] = 0
    else:
        if s.zero_unless:
            asked = _mask(frame, "supported_boys" if "boys" in s.column else "supported_girls", n)
            positive = asked & (frame[s.zero_unless] == True)  # noqa: E712
            values[asked & ~positive] = 0
        else:
            asked = _mask(frame, s.subset, n)
            positive = asked.copy()
        if params["missing"].sum():
            miss_counts = pd.DataFrame(
                {
                    True: params["missing"] * scale,
                    False: (
                        pd.Series(frame[s.group][asked])
                        .value_counts()
                        .reindex(params["missing"].index)
                        .fillna(0)
                        .astype(int)
                        - params["missing"] * scale
                    ),
                }
            )
            miss = np.zeros(n, dtype=bool)
            miss[asked] = assign_counts(rng, frame[s.group][asked], miss_counts, dtype=bool)
            positive &= ~miss
        groups = frame[s.group][positive]
        key = latent.key(s.column, positive)
        if s.pair_with:
            key = correlated_key(rng, frame[s.pair_with][positive].astype(float), s.rho)
        low = np.full(int(positive.sum()), params["low"], dtype=np.int64)
        if s.column == "caseload_online_pct":
            # Rule online_cases_need_online_share: workers with online cases with children
            # rank above every worker without, so the lowest answers (0) go to the latter.
            online = _any_online(frame)[positive]
            key = key + 10.0 * online
            low = np.maximum(low, online.astype(np.int64))
        pos = stratified_positions(rng, groups, key)
        means = params["means"].reindex(groups).to_numpy()
        vals = np.maximum(beta_values(pos, means, params["phi"], params["low"]), low)
        if heap:
            vals = heap_values(rng, vals, groups, low, 100, heaping.to_ten, heaping.to_five)
        values[positive] = vals
    frame[s.column] = np.where(values >= 0, values, None)


def _assign_composition(rng, frame: dict, c, n: int) -> None:
    mask = _mask(frame, c.subset, n)
    k = int(mask.sum())
    alpha = np.asarray(c.means, dtype=float) / 100 * c.concentration
    draws = rng.dirichlet(alpha, size=k) * 100 if k else np.zeros((0, len(alpha)))
    raked = rake_rows_to_means(draws, c.means) if k else draws
    rounded = round_rows(raked)
    for j, col in enumerate(c.columns):
        out = np.full(n, None, dtype=object)
        out[mask] = rounded[:, j]
        frame[col] = out


def _finish(frame: dict, n: int) -> pd.DataFrame:
    sup = frame["_supported"]
    frame["supported_boys"] = sup != "Only girls"
    frame["supported_girls"] = sup != "Only boys"
    width = max(4, len(str(n)))
    frame["respondent_id"] = np.char.add(
        ID_PREFIX, np.char.zfill(np.arange(1, n + 1).astype(str), width)
    )
    data = {}
    for name in COLUMN_NAMES:
        col = COLUMN_BY_NAME[name]
        values = frame[name]
        if col.kind == "integer":
            series = pd.array(
                pd.Series(values, dtype=object).astype("Float64").round(), dtype="Int64"
            )
        elif col.kind == "boolean":
            series = pd.array(pd.Series(values, dtype=object), dtype="boolean")
        else:
            series = pd.Series(values, dtype=object).astype(dtype_of(col))
        data[name] = series
    return pd.DataFrame(data)


_PLAN_CACHE: dict[int, Plan] = {}


def plan_for(spec: Spec | None = None) -> Plan:
    """Return the calibrated plan of ``spec`` (the default spec's plan is cached)."""
    if spec is None:
        if 0 not in _PLAN_CACHE:
            _PLAN_CACHE[0] = build_plan(build_spec())
        return _PLAN_CACHE[0]
    return build_plan(spec)


def generate(spec: Spec | None = None, seed: int = DEFAULT_SEED, scale: int = 1) -> pd.DataFrame:
    """Generate the synthetic survey.

    Parameters
    ----------
    spec : Spec, optional
        Targets and assumptions; by default ``build_spec()`` from the reference table.
    seed : int
        Seed of the ``numpy.random.Generator`` that pairs answers with respondents.
    scale : int
        Multiplies every country's sample (and every count) by this factor.

    Returns
    -------
    pandas.DataFrame
        Typed frame in ``survey.schema`` column order, one row per synthetic respondent.

    Raises
    ------
    SpecError
        If the spec cannot be satisfied (the message names the target and the conflict).
    """
    if not isinstance(scale, int | np.integer) or scale < 1:
        raise SpecError(f"scale: expected a whole number of at least 1, got {scale!r}")
    plan = plan_for(spec)
    spec = plan.spec
    rng = np.random.default_rng(seed)
    counts = np.array([spec.sizes[c] for c in COUNTRIES], dtype=np.int64) * scale
    n = int(counts.sum())
    frame: dict[str, np.ndarray] = {"country": np.repeat(np.array(COUNTRIES, dtype=object), counts)}
    structure = spec.structure
    latent = _Latent(rng, spec, n)
    for t in spec.tables:
        mask = _mask(frame, t.subset, n)
        table = plan.tables[t.column] * scale
        dep = structure.dependence_for(t.column) if structure is not None else None
        if dep is not None:
            _assign_dependent(rng, frame, t, dep, plan.seeds[t.column], table, mask)
        else:
            _assign_table(rng, frame, t.column, t.by, mask, table, latent)
    for j in spec.joint:
        _assign_joint(rng, frame, j, scale, latent)
    heaping = structure.heaping if structure is not None else None
    for s in spec.sliders:
        _assign_slider(rng, frame, s, plan.sliders[s.column], scale, n, latent, heaping)
    for c in spec.compositions:
        _assign_composition(rng, frame, c, n)
    return _finish(frame, n)
