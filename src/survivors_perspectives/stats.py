"""The report's two kinds of test, recomputed, with what the report left out.

The 2022 report tests country (and gender) differences with Pearson chi-square tests of
independence and one-way ANOVAs, and prints only the statistic, its degrees of freedom and p.
An auditor also needs to know how large a difference is (Cramér's V, eta squared, each with a
confidence interval), whether the test's assumptions held (small expected counts, unequal
variances) and which countries differ from which. Every number here comes from scipy (1.16 or
later, which has Welch's ANOVA and the Benjamini-Hochberg adjustment); this module only
prepares the data, chooses the call and collects the answers. The few formulas written out
here (Holm, the Welch degrees of freedom, eta squared from a noncentrality) are checked in
the tests against answers computed by statsmodels.

Rows with a missing value in a column a test involves are dropped before testing: in this
survey a missing answer almost always means the question was skipped by design (skip logic),
so those respondents are outside the item's base, as in the report.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

from survivors_perspectives.published.printed_values import significant

#: Below this expected count the chi-square approximation is doubtful (Cochran's rule).
MIN_EXPECTED = 5.0
#: Monte Carlo resamples for the p-value of a sparse table; 1/(n+1) is the smallest p possible.
MONTE_CARLO_RESAMPLES = 9999
#: Fixed seed so a Monte Carlo p-value is the same on every run.
DEFAULT_SEED = 20220726


@dataclass(frozen=True)
class TestResult:
    """One recomputed test, as a row of a results table.

    Attributes
    ----------
    test : str
        ``chi2_independence``, ``anova_oneway``, ``welch_anova``, ``monte_carlo_chi2``,
        ``fisher_exact`` or ``levene_median`` (Brown-Forsythe).
    statistic : float
        The chi-square or F statistic (for Fisher's exact test, the odds ratio).
    df : tuple of int
        ``(df,)`` for chi-square, ``(df1, df2)`` for F; empty when the test has none.
        Welch's ANOVA has a fractional denominator df; it is rounded here and the exact value
        is kept in ``note``.
    p : float
        The p-value.
    n : int
        Respondents in the test after dropping missing answers.
    effect_size : float
        Cramér's V for a chi-square test, eta squared for an ANOVA; NaN if not defined.
    effect_ci : tuple of float
        Lower and upper limit of the 95% confidence interval of ``effect_size``.
    note : str
        Anything a reader needs to interpret the row (sparse cells, the method used).
    """

    __test__ = False  # not a pytest test class, despite the name

    test: str
    statistic: float
    df: tuple[int, ...]
    p: float
    n: int
    effect_size: float
    effect_ci: tuple[float, float]
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return the result as a flat mapping, ready for a DataFrame row."""
        return {
            "test": self.test,
            "statistic": self.statistic,
            "df": ",".join(str(d) for d in self.df),
            "p": self.p,
            "n": self.n,
            "effect_size": self.effect_size,
            "effect_ci_low": self.effect_ci[0],
            "effect_ci_high": self.effect_ci[1],
            "note": self.note,
        }


class InsufficientDataError(ValueError):
    """A test that valid data cannot support: too few answered groups or categories.

    A valid file may leave an optional question unanswered everywhere, or give every
    respondent the same answer; callers report the test as not computable rather than fail.
    """


def _require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        known = sorted(map(str, frame.columns))
        raise KeyError(f"column(s) {missing} not in the data; expected one of {known}")


def crosstab(frame: pd.DataFrame, row: str, col: str) -> pd.DataFrame:
    """Count respondents by ``row`` and ``col``, leaving out rows missing either answer.

    Empty categories (a declared category nobody chose) are dropped: they carry no
    information and would make expected counts zero.
    """
    _require_columns(frame, [row, col])
    data = frame[[row, col]].dropna()
    table = pd.crosstab(data[row], data[col])
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise InsufficientDataError(
            f"chi-square test of {row!r} by {col!r} needs at least 2 categories of each after "
            f"dropping missing answers; found a {table.shape[0]}x{table.shape[1]} table"
        )
    return table


def cramers_v_ci(
    chi2: float, n: int, shape: tuple[int, int], confidence: float = 0.95
) -> tuple[float, float]:
    """Confidence interval for Cramér's V by inverting the noncentral chi-square.

    The noncentrality limits come from :func:`scipy.special.chndtrinc` (Smithson 2003,
    the method of R's ``effectsize``); each limit ``lambda`` becomes
    ``sqrt(lambda / (n (k - 1)))``, the population V it implies, with ``k`` the smaller
    table dimension. A limit whose root would be negative is 0.

    The sample V is biased upwards (its square estimates ``(lambda + df) / (n (k - 1))``), so
    in small or sparse tables it can lie above the upper limit: the interval is about the
    population association, the point estimate is the one the literature reports.
    """
    dof = (shape[0] - 1) * (shape[1] - 1)
    k = min(shape) - 1
    tail = (1 - confidence) / 2
    limits = []
    for prob in (1 - tail, tail):
        # At lambda = 0 the CDF is largest; if it is already below the target, the limit is 0.
        if sps.chi2.cdf(chi2, dof) <= prob:
            limits.append(0.0)
        else:
            limits.append(float(special.chndtrinc(chi2, dof, prob)))
    return tuple(float(np.sqrt(lam / (n * k))) for lam in limits)  # type: ignore[return-value]


def chi2_independence(
    frame: pd.DataFrame,
    row: str,
    col: str,
    *,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
    small_sample: bool = True,
) -> TestResult:
    """Pearson chi-square test of independence of ``row`` and ``col``, as the report ran it.

    No continuity correction (the report's 1-df tests match the uncorrected statistic).
    When an expected count is under 5 the note gives the share of such cells and an exact
    (2x2: Fisher) or Monte Carlo p-value, see :func:`chi2_small_sample`.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent.
    row, col : str
        The two categorical columns, e.g. an answer and ``country``.
    confidence : float
        Level of the confidence interval of Cramér's V.
    seed : int
        Seed of the Monte Carlo p-value (used only for sparse tables).
    small_sample : bool
        Whether to compute the exact or Monte Carlo p of a sparse table (slow; the
        robustness runs over hundreds of seeds skip it).

    Returns
    -------
    TestResult
    """
    table = crosstab(frame, row, col)
    res = sps.chi2_contingency(table.to_numpy(), correction=False)
    n = int(table.to_numpy().sum())
    v = float(sps.contingency.association(table.to_numpy(), method="cramer", correction=False))
    ci = cramers_v_ci(float(res.statistic), n, table.shape, confidence)
    note = ""
    sparse = res.expected_freq < MIN_EXPECTED
    if sparse.any():
        note = f"{int(sparse.sum())} of {sparse.size} expected counts under {MIN_EXPECTED:g}"
        if small_sample:
            alt = chi2_small_sample(table, seed=seed)
            note += f"; {alt.test} p = {alt.p:.4f}"
    return TestResult(
        test="chi2_independence",
        statistic=float(res.statistic),
        df=(int(res.dof),),
        p=float(res.pvalue),
        n=n,
        effect_size=v,
        effect_ci=ci,
        note=note,
    )


def chi2_small_sample(
    table: pd.DataFrame | np.ndarray,
    *,
    seed: int = DEFAULT_SEED,
    n_resamples: int = MONTE_CARLO_RESAMPLES,
) -> TestResult:
    """P-value for a table whose expected counts are too small for the chi-square curve.

    A 2x2 table gets Fisher's exact test; a larger one a Monte Carlo test that draws tables
    with the observed margins (:func:`scipy.stats.random_table`, through
    ``chi2_contingency(method=MonteCarloMethod)``), with a fixed seed.
    """
    observed = np.asarray(table)
    n = int(observed.sum())
    if observed.shape == (2, 2):
        res = sps.fisher_exact(observed)
        return TestResult(
            "fisher_exact", float(res.statistic), (), float(res.pvalue), n, np.nan, (np.nan, np.nan)
        )
    method = sps.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    res = sps.chi2_contingency(observed, correction=False, method=method)
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    return TestResult(
        "monte_carlo_chi2",
        float(res.statistic),
        (dof,),
        float(res.pvalue),
        n,
        np.nan,
        (np.nan, np.nan),
        f"{n_resamples} tables with the observed margins, seed {seed}",
    )


def _groups(frame: pd.DataFrame, value: str, group: str) -> dict[object, np.ndarray]:
    _require_columns(frame, [value, group])
    data = frame[[value, group]].dropna()
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise TypeError(f"ANOVA needs a numeric {value!r}; found dtype {data[value].dtype}")
    groups = {
        key: sub[value].to_numpy(dtype=float)
        for key, sub in data.groupby(group, sort=True, observed=True)
    }
    groups = {key: vals for key, vals in groups.items() if len(vals) > 0}
    if len(groups) < 2:
        raise InsufficientDataError(
            f"ANOVA of {value!r} by {group!r} needs at least 2 groups with answers; "
            f"found {len(groups)}"
        )
    return groups


def eta_squared_ci(
    f_stat: float, df: tuple[int, int], confidence: float = 0.95
) -> tuple[float, float]:
    """Confidence interval for eta squared by inverting the noncentral F (Steiger 2004).

    The noncentrality limits come from :func:`scipy.special.ncfdtrinc`; each limit
    ``lambda`` becomes ``lambda / (lambda + N)`` with ``N = df1 + df2 + 1`` (statsmodels'
    ``confint_effectsize_oneway``, whose answers the tests hold this to). A limit that
    would be negative (a small F, where no noncentrality reaches the tail) is 0.
    """
    df1, df2 = df
    tail = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        limits = special.ncfdtrinc(df1, df2, [1 - tail, tail], f_stat)
    limits = np.clip(np.nan_to_num(np.asarray(limits, dtype=float), nan=0.0), 0.0, None)
    low, high = (float(x) for x in limits / (limits + (df1 + df2 + 1)))
    return low, high


def anova_oneway(
    frame: pd.DataFrame, value: str, group: str, *, confidence: float = 0.95
) -> TestResult:
    """Classic one-way ANOVA of ``value`` across ``group``, as the report ran it.

    Eta squared is ``SS_between / SS_total``, which for a one-way design equals
    ``F df1 / (F df1 + df2)``. The note reports the Brown-Forsythe test of equal variances
    and, when it rejects at 5%, Welch's ANOVA (see :func:`welch_anova`).
    """
    groups = _groups(frame, value, group)
    samples = list(groups.values())
    res = sps.f_oneway(*samples)
    n = sum(len(s) for s in samples)
    df = (len(samples) - 1, n - len(samples))
    f = float(res.statistic)
    eta2 = f * df[0] / (f * df[0] + df[1])
    spread = levene_median(frame, value, group)
    note = f"Brown-Forsythe p = {spread.p:.4f}"
    if significant(spread.p):
        welch = welch_anova(frame, value, group)
        note += f"; unequal variances, Welch F = {welch.statistic:.3f}, p = {welch.p:.4f}"
    return TestResult(
        test="anova_oneway",
        statistic=f,
        df=df,
        p=float(res.pvalue),
        n=n,
        effect_size=float(eta2),
        effect_ci=eta_squared_ci(f, df, confidence),
        note=note,
    )


def levene_median(frame: pd.DataFrame, value: str, group: str) -> TestResult:
    """Brown-Forsythe test of equal variances (Levene's test centred on the median)."""
    samples = list(_groups(frame, value, group).values())
    res = sps.levene(*samples, center="median")
    n = sum(len(s) for s in samples)
    return TestResult(
        "levene_median",
        float(res.statistic),
        (len(samples) - 1, n - len(samples)),
        float(res.pvalue),
        n,
        np.nan,
        (np.nan, np.nan),
    )


def welch_anova(frame: pd.DataFrame, value: str, group: str) -> TestResult:
    """Welch's ANOVA, which does not assume equal variances.

    F and p from :func:`scipy.stats.f_oneway` with ``equal_var=False``; scipy does not
    return the denominator degrees of freedom, so they are computed here (Welch 1951).
    """
    samples = list(_groups(frame, value, group).values())
    res = sps.f_oneway(*samples, equal_var=False)
    df1, df2 = len(samples) - 1, _welch_denominator_df(samples)
    return TestResult(
        "welch_anova",
        float(res.statistic),
        (round(df1), round(df2)),
        float(res.pvalue),
        sum(len(s) for s in samples),
        np.nan,
        (np.nan, np.nan),
        f"denominator df {df2:.2f}",
    )


def _welch_denominator_df(samples: Sequence[np.ndarray]) -> float:
    """Denominator degrees of freedom of Welch's ANOVA."""
    n = np.array([len(s) for s in samples], dtype=float)
    weights = n / np.array([np.var(s, ddof=1) for s in samples])
    share = weights / weights.sum()
    k = len(samples)
    return float((k**2 - 1) / (3 * np.sum((1 - share) ** 2 / (n - 1))))


def _bonferroni(p: np.ndarray) -> np.ndarray:
    return np.minimum(p * len(p), 1.0)


#: The adjustments :func:`adjust_family` knows, by the names statsmodels gave them.
ADJUSTMENTS = {
    "holm": lambda p: _holm(p),
    "bonferroni": _bonferroni,
    "fdr_bh": lambda p: sps.false_discovery_control(p, method="bh"),
    "fdr_by": lambda p: sps.false_discovery_control(p, method="by"),
}


def adjust_family(p_values: Sequence[float], method: str = "holm") -> np.ndarray:
    """Adjust a family of p-values for multiple comparisons.

    ``method`` is one of :data:`ADJUSTMENTS`: ``holm`` (controls the family-wise error
    rate), ``bonferroni``, ``fdr_bh`` (Benjamini-Hochberg, the false discovery rate, from
    :func:`scipy.stats.false_discovery_control`) or ``fdr_by``. Missing p-values stay
    missing and are not counted in the family.
    """
    if method not in ADJUSTMENTS:
        raise ValueError(
            f"adjust_family: unknown method {method!r}; expected one of {sorted(ADJUSTMENTS)}"
        )
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    present = ~np.isnan(p)
    if present.any():
        adjusted[present] = ADJUSTMENTS[method](p[present])
    return adjusted


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment (the answers of statsmodels' ``multipletests``)."""
    order = np.argsort(p, kind="mergesort")
    steps = p[order] * np.arange(len(p), 0, -1)
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(np.maximum.accumulate(steps), 1.0)
    return adjusted


def pairwise_means(
    frame: pd.DataFrame, value: str, group: str, *, equal_var: bool = False
) -> pd.DataFrame:
    """Compare every pair of groups' means after an ANOVA.

    ``equal_var=False`` gives Games-Howell, which stays valid when group variances and sizes
    differ (as across the six countries); ``True`` gives Tukey-Kramer. Both come from
    :func:`scipy.stats.tukey_hsd` and already control the family-wise error rate.

    Returns
    -------
    DataFrame
        One row per pair: ``group_a, group_b, n_a, n_b, mean_a, mean_b, difference,
        p_adjusted, method``. (No intervals: scipy's studentized-range quantile takes
        about half a second per pair, too slow for a chapter rebuilt on every change.)
    """
    groups = _groups(frame, value, group)
    keys = list(groups)
    res = sps.tukey_hsd(*groups.values(), equal_var=equal_var)
    rows = []
    for i, j in itertools.combinations(range(len(keys)), 2):
        rows.append(
            {
                "group_a": keys[i],
                "group_b": keys[j],
                "n_a": len(groups[keys[i]]),
                "n_b": len(groups[keys[j]]),
                "mean_a": groups[keys[i]].mean(),
                "mean_b": groups[keys[j]].mean(),
                "difference": float(res.statistic[i, j]),
                "p_adjusted": float(res.pvalue[i, j]),
                "method": "tukey_kramer" if equal_var else "games_howell",
            }
        )
    return pd.DataFrame(rows)


def pairwise_chi2(frame: pd.DataFrame, row: str, col: str, *, method: str = "holm") -> pd.DataFrame:
    """Compare every pair of ``col`` groups (e.g. countries) on the distribution of ``row``.

    Each pair gets its own chi-square test on the 2 x k sub-table (uncorrected Pearson, as
    the omnibus test), and the p-values of all pairs are adjusted together with ``method``.

    Returns
    -------
    DataFrame
        One row per pair: ``group_a, group_b, n, statistic, df, p, p_adjusted,
        cramers_v, method``.
    """
    table = crosstab(frame, row, col)
    rows = []
    for a, b in itertools.combinations(table.columns, 2):
        sub = table[[a, b]]
        sub = sub.loc[sub.sum(axis=1) > 0]
        if sub.shape[0] < 2:
            stat, dof, p, v = 0.0, 0, 1.0, 0.0
        else:
            res = sps.chi2_contingency(sub.to_numpy(), correction=False)
            stat, dof, p = float(res.statistic), int(res.dof), float(res.pvalue)
            v = float(sps.contingency.association(sub.to_numpy(), method="cramer"))
        rows.append(
            {
                "group_a": a,
                "group_b": b,
                "n": int(sub.to_numpy().sum()),
                "statistic": stat,
                "df": dof,
                "p": p,
                "cramers_v": v,
            }
        )
    out = pd.DataFrame(rows)
    out["p_adjusted"] = adjust_family(out["p"].to_numpy(), method)
    out["method"] = method
    return out[
        ["group_a", "group_b", "n", "statistic", "df", "p", "p_adjusted", "cramers_v", "method"]
    ]


def results_frame(results: dict[str, TestResult], method: str = "holm") -> pd.DataFrame:
    """Tabulate named results and adjust their p-values as one family.

    Parameters
    ----------
    results : dict of str to TestResult
        Results keyed by an id (e.g. the reference table's id).
    method : str
        Multiple-comparison method for ``p_adjusted`` (see :func:`adjust_family`).
    """
    frame = pd.DataFrame([{"id": key, **res.as_dict()} for key, res in results.items()])
    if frame.empty:
        return frame
    frame["p_adjusted"] = adjust_family(frame["p"].to_numpy(), method)
    frame["adjustment"] = method
    return frame
