"""How useful a twin is: the whole analysis run on it beside the real data, and a general score.

Specific utility is what matters here: a twin is useful if a researcher who runs this
compendium on it reaches the real data's numbers and conclusions. So every figure of the
replication table (``fidelity.compare``) and every published test (``cross_country``) is
computed on both and put side by side: whether the twin's figure is judged as the real one is
(the same status against the report), whether it lies within the figure's tolerance of the real
value, and how far the two confidence intervals overlap (Karr et al. 2006: 1 for identical
intervals, 0 or below for disjoint ones). Intervals are Wilson intervals on the figure's base
for percentages and the effect size's interval for tests; counts, ranks and bands have none
and are compared exactly.

General utility is the propensity-score mean squared error (pMSE; Woo et al. 2009, Snoke et
al. 2018): stack the real and twin records, fit a logistic regression telling them apart from
every column's main effect, and measure how far the fitted propensities stray from the share
of twin records. Its standardised ratio (S_pMSE) divides by the pMSE expected when the twin
comes from a correct synthesis model fitted to the real data, ``(k - 1) (1 - c)**2 c / N``
for ``k`` estimable parameters, ``c`` the twin's share and ``N`` all records (Snoke et al.
2018, the value synthpop's ``utility.gen`` uses for a logistic model): about 1 means the
model cannot tell the twin from the real data better than that. The regression is fitted by
iteratively reweighted least squares with a small ridge penalty on standardised columns, so
that a column separating the two sets perfectly does not stop the fit (statsmodels' Logit
fails there; its fit on the stand-in data agrees with ours to three decimals otherwise).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survivors_perspectives.analyses import fidelity
from survivors_perspectives.analyses.cross_country import recompute_published
from survivors_perspectives.published.printed_values import (
    APPROXIMATE_TOLERANCE,
    p_from_statistic,
    significant,
)
from survivors_perspectives.published.significance_tests import TESTS_BY_ID

from .units import UNITS, encode_unit

#: Ridge penalty of the propensity model, on standardised columns.
RIDGE = 1.0
Z95 = 1.959963984540054


def _wilson(share: float, n: float) -> tuple[float, float]:
    """Wilson 95% interval of a share (0-1) on ``n`` people."""
    if not n or np.isnan(share):
        return float("nan"), float("nan")
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(share * (1 - share) / n + Z95**2 / (4 * n**2)) / (1 + Z95**2 / n)
    return centre - half, centre + half


def interval_overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Karr et al.'s interval overlap: the mean of the shared length over each interval's."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    widths = (a[1] - a[0], b[1] - b[0])
    if any(np.isnan(widths)) or min(widths) <= 0:
        return float("nan")
    return 0.5 * (shared / widths[0] + shared / widths[1])


def _base(row, survey: pd.DataFrame) -> float:
    """Return how many people a percentage is of: the published base, else its scope's size."""
    if pd.notna(row.base) and str(row.base).strip():
        return float(row.base)
    if row.scope == "all":
        return float(len(survey))
    return float((survey["country"] == row.scope).sum())


def _agreement(row, real: pd.DataFrame) -> tuple[bool, float]:
    """Whether the twin's figure agrees with the real one, and the intervals' overlap.

    A twin is a sample: its figures differ from the real ones by sampling error, so the
    report's tolerances (one point for a printed percentage) would be the wrong yardstick.
    A percentage agrees when the twin's lies in the real one's 95% Wilson interval, a count
    when it lies within 1.96 binomial standard deviations, an average share within the
    report's band for approximate figures (5 points), a test statistic when its p-value is on
    the same side of 0.05; ranks, bands and dates must be equal.
    """
    if np.isnan(row.twin) or np.isnan(row.real):
        return bool(np.isnan(row.twin) and np.isnan(row.real)), float("nan")
    if row.unit == "percent":
        n = _base(row, real)
        low, high = _wilson(row.real / 100, n)
        overlap = interval_overlap((low, high), _wilson(row.twin / 100, n))
        return bool(low * 100 - 1e-9 <= row.twin <= high * 100 + 1e-9), overlap
    if row.unit == "mean_percent":
        return bool(abs(row.twin - row.real) <= APPROXIMATE_TOLERANCE), float("nan")
    if row.unit == "count" and row.topic != "conversations":
        n = float(len(real)) if row.scope == "all" else float((real["country"] == row.scope).sum())
        spread = Z95 * np.sqrt(max(row.real * (1 - row.real / n), 0.0)) if n else 0.0
        return bool(abs(row.twin - row.real) <= spread + 1e-9), float("nan")
    if row.unit == "statistic":
        test = TESTS_BY_ID[row.id]
        twin_p = p_from_statistic(test.kind, row.twin, test.df)
        real_p = p_from_statistic(test.kind, row.real, test.df)
        return significant(twin_p) == significant(real_p), float("nan")
    return bool(row.twin == row.real), float("nan")


def replication_beside(
    reference: pd.DataFrame,
    real: pd.DataFrame,
    twin: pd.DataFrame,
    real_conversations: pd.DataFrame | None = None,
    twin_conversations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every figure of the replication table on the real data and on the twin.

    Returns
    -------
    DataFrame
        ``id, topic, scope, unit, published, real, twin, real_status, twin_status,
        same_status, agrees, ci_overlap`` for every computable figure (see ``_agreement``).
    """
    on_real = fidelity.compare(reference, real, real_conversations)
    on_twin = fidelity.compare(reference, twin, twin_conversations)
    meta = reference.set_index("id")[["unit", "base"]]
    table = on_real[["id", "topic", "scope", "published", "reproduced", "tolerance", "status"]]
    table = table.rename(columns={"reproduced": "real", "status": "real_status"})
    table = table.join(meta, on="id")
    table["twin"] = on_twin["reproduced"].to_numpy()
    table["twin_status"] = on_twin["status"].to_numpy()
    table = table[table["real_status"] != fidelity.NOT_COMPUTABLE].reset_index(drop=True)
    table["same_status"] = table["real_status"] == table["twin_status"]
    judged = [_agreement(row, real) for row in table.itertuples(index=False)]
    table["agrees"] = [a for a, _ in judged]
    table["ci_overlap"] = [o for _, o in judged]
    columns = [
        "id", "topic", "scope", "unit", "published", "real", "twin", "real_status",
        "twin_status", "same_status", "agrees", "ci_overlap",
    ]  # fmt: skip
    return table[columns]


def tests_beside(reference: pd.DataFrame, real: pd.DataFrame, twin: pd.DataFrame) -> pd.DataFrame:
    """Every published test on the real data and on the twin: statistic, p, effect and its CI.

    ``same_conclusion`` is whether both p-values fall on the same side of 0.05;
    ``ci_overlap`` the overlap of the two effect-size intervals.
    """
    on_real = recompute_published(real, reference).set_index("id")
    on_twin = recompute_published(twin, reference).set_index("id")
    rows = []
    for test_id in on_real.index:
        a, b = on_real.loc[test_id], on_twin.loc[test_id]
        rows.append(
            {
                "id": test_id,
                "description": a["description"],
                "effect_measure": a["effect_measure"],
                "real_statistic": a["statistic"],
                "twin_statistic": b["statistic"],
                "real_p": a["p"],
                "twin_p": b["p"],
                "real_effect": a["effect_size"],
                "twin_effect": b["effect_size"],
                "same_conclusion": significant(a["p"]) == significant(b["p"]),
                "ci_overlap": interval_overlap(
                    (a["effect_ci_low"], a["effect_ci_high"]),
                    (b["effect_ci_low"], b["effect_ci_high"]),
                ),
            }
        )
    return pd.DataFrame(rows)


def _design(frame: pd.DataFrame) -> np.ndarray:
    return np.concatenate([encode_unit(unit, frame) for unit in UNITS], axis=1)


def _fit_propensity(X: np.ndarray, y: np.ndarray, iterations: int = 25) -> np.ndarray:
    """Fitted probabilities of a ridge-penalised logistic regression (IRLS; intercept free)."""
    beta = np.zeros(X.shape[1])
    penalty = np.full(X.shape[1], RIDGE)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(X @ beta, -30, 30)))
        w = np.maximum(p * (1 - p), 1e-9)
        gradient = X.T @ (y - p) - penalty * beta
        hessian = (X * w[:, None]).T @ X + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return 1 / (1 + np.exp(-np.clip(X @ beta, -30, 30)))


def pmse(real: pd.DataFrame, twin: pd.DataFrame) -> dict[str, float]:
    """Return the pMSE, its expectation for a correct synthesis model, and their ratio.

    Returns
    -------
    dict
        ``pmse``, ``expected_pmse``, ``s_pmse`` (their ratio) and ``parameters`` (the
        model's estimable parameters ``k``, intercept included).
    """
    features = np.concatenate([_design(real), _design(twin)])
    spread = features.std(axis=0)
    keep = spread > 0
    standard = (features[:, keep] - features[:, keep].mean(axis=0)) / spread[keep]
    X = np.concatenate([np.ones((len(standard), 1)), standard], axis=1)
    y = np.concatenate([np.zeros(len(real)), np.ones(len(twin))])
    share = len(twin) / len(y)
    score = float(np.mean((_fit_propensity(X, y) - share) ** 2))
    k = int(np.linalg.matrix_rank(X))
    expected = (k - 1) * (1 - share) ** 2 * share / len(y)
    return {
        "pmse": score,
        "expected_pmse": expected,
        "s_pmse": score / expected if expected > 0 else float("inf"),
        "parameters": k,
    }
