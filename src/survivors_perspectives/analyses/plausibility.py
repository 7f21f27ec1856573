"""Does a dataset look like a population, where the report is silent? Measured, not assumed.

The generator's joint structure (:mod:`survivors_perspectives.synth.structure`) claims
things the report never printed: nobody breaks a logical rule, countries differ a little on
every item, the items of a battery hang together, slider answers heap on round numbers.
This module measures each claim on any frame of the survey's shape, synthetic or real:

- ``rule_violations``: how many rows break each logical rule. Examples (respondent ids) are
  listed only for synthetic rows (ids starting ``SYN-``); on real data only the count and the
  rule are shown, never a record;
- ``country_comparisons`` and ``p_value_summary``: a chi-square or ANOVA by country for every
  item the report does not compare, and how their p-values spread against what chance gives
  (under no differences, 1% of p-values exceed 0.99; a block of near-1 p-values means six
  identical countries);
- ``correlations``: the observed mean inter-item rank correlation of each battery, pair and
  dependence beside the declared latent value and the rank correlation it implies for the
  observed margins (ties on two- to five-answer items attenuate it);
- ``heaping``: the share of slider answers on multiples of 10 and of 5 (a uniform draw gives
  10% and 20%);
- ``across_seeds``: the headline of each, over many generator seeds.

On the real data this tells the researcher how far our assumptions were from reality.
``write_plausibility`` writes ``plausibility.csv`` (and ``plausibility_seeds.csv``) beside the
replication table.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from survivors_perspectives.disclosure.policy import SUPPRESSED, is_small
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS
from survivors_perspectives.survey.schema import ASKED_IF, COLUMN_BY_NAME, ID_PREFIX
from survivors_perspectives.synth.structure import (
    SLIDERS,
    Structure,
    ascending_levels,
    default_structure,
    implied_rank_correlation,
)

PLAUSIBILITY_FILE = "plausibility.csv"
SEEDS_FILE = "plausibility_seeds.csv"
SEEDS_KEY_FILE = "plausibility_seeds.key"
DEFAULT_SEEDS = 20
NEAR_ONE = 0.99
MAX_EXAMPLES = 3

COLUMNS = ("section", "item", "measure", "value", "expected", "note")


# --------------------------------------------------------------------------------------
# Logical rules


def is_synthetic(frame: pd.DataFrame) -> bool:
    """Return whether every respondent id marks a synthetic record."""
    ids = frame.get("respondent_id")
    return ids is not None and len(ids) > 0 and ids.astype(str).str.startswith(ID_PREFIX).all()


def rule_violations(frame: pd.DataFrame, structure: Structure | None = None) -> pd.DataFrame:
    """Count the rows that break each declared logical rule.

    Returns one row per rule: ``rule``, ``text``, ``violations`` and ``examples`` (up to three
    synthetic respondent ids; on real data the examples are withheld, so no record is shown).
    """
    structure = structure or default_structure()
    synthetic = is_synthetic(frame)
    rows = []
    for rule in structure.rules:
        mask = rule.violated(frame).fillna(False).astype(bool)
        count = int(mask.sum())
        if count == 0:
            examples = ""
        elif synthetic:
            examples = ", ".join(frame.loc[mask, "respondent_id"].astype(str).head(MAX_EXAMPLES))
        else:
            examples = "withheld: real records are never listed"
        rows.append(
            {"rule": rule.name, "text": rule.text, "violations": count, "examples": examples}
        )
    return pd.DataFrame(rows, columns=["rule", "text", "violations", "examples"])


# --------------------------------------------------------------------------------------
# Country comparisons of unpublished items


def published_country_items() -> set[str]:
    """Columns whose comparison by country the report publishes (a test by country)."""
    items = set()
    for test in PUBLISHED_TESTS:
        if test.group == "country":
            items.add(test.value)
        elif test.col == "country":
            items.add(test.row)
        elif test.row == "country":
            items.add(test.col)
    return items


def _asked(frame: pd.DataFrame, column: str) -> pd.Series:
    return ASKED_IF[COLUMN_BY_NAME[column].asked_if](frame)


def country_comparisons(frame: pd.DataFrame) -> pd.DataFrame:
    """Chi-square (answers) or one-way ANOVA (sliders) by country for every item.

    Among the respondents asked the item and answering it; items with fewer than two
    countries or answers give no test. ``published`` says whether the report compares it.
    """
    published = published_country_items()
    rows = []
    for name, col in COLUMN_BY_NAME.items():
        if col.kind == "id" or name == "country":
            continue
        asked = _asked(frame, name) & frame[name].notna()
        sub = frame.loc[asked, ["country", name]]
        if sub["country"].nunique() < 2:
            continue
        if col.kind == "integer":
            groups = [
                g[name].astype(float).to_numpy() for _, g in sub.groupby("country", observed=True)
            ]
            groups = [g for g in groups if len(g) > 0]
            if len(groups) < 2 or all(np.var(g) == 0 for g in groups):
                continue
            result = sps.f_oneway(*groups)
            test, stat, df = "anova_oneway", result.statistic, len(groups) - 1
            p = result.pvalue
        else:
            _, rows_i = np.unique(sub["country"].astype(str).to_numpy(), return_inverse=True)
            _, cols_i = np.unique(sub[name].astype(str).to_numpy(), return_inverse=True)
            table = np.zeros((rows_i.max() + 1, cols_i.max() + 1))
            np.add.at(table, (rows_i, cols_i), 1)
            if table.shape[1] < 2:
                continue
            stat, p, df, _ = sps.chi2_contingency(table, correction=False)
            test = "chi2_independence"
        rows.append(
            {
                "item": name,
                "test": test,
                "statistic": float(stat),
                "df": int(df),
                "p": float(p),
                "published": name in published,
            }
        )
    return pd.DataFrame(rows, columns=["item", "test", "statistic", "df", "p", "published"])


def p_value_summary(comparisons: pd.DataFrame) -> dict[str, float]:
    """Spread of the p-values of the unpublished comparisons against chance.

    Chance (no country differences at all) gives p uniform on [0, 1]: 1% above 0.99, 5%
    below 0.05. Identical countries push p-values to 1; real differences push them to 0.
    """
    p = comparisons.loc[~comparisons["published"], "p"]
    return {
        "items": len(p),
        "share_p_above_099": float((p > NEAR_ONE).mean()) if len(p) else float("nan"),
        "share_p_below_005": float((p < 0.05).mean()) if len(p) else float("nan"),
        "median_p": float(p.median()) if len(p) else float("nan"),
    }


# --------------------------------------------------------------------------------------
# Correlations against the declared values


def _scores(frame: pd.DataFrame, column: str) -> pd.Series:
    """Numeric scores of one item, low to high as the structure orders its answers."""
    if column == "_boys_online":
        return (pd.to_numeric(frame["boys_online_pct"], errors="coerce") > 0).where(
            frame["boys_online_pct"].notna()
        )
    if column == "_girls_online":
        return (pd.to_numeric(frame["girls_online_pct"], errors="coerce") > 0).where(
            frame["girls_online_pct"].notna()
        )
    series = frame[column]
    kind = COLUMN_BY_NAME[column].kind
    if kind == "integer":
        return pd.to_numeric(series, errors="coerce")
    if kind == "boolean":
        return series.astype("boolean").astype("Float64").astype(float)
    levels = ascending_levels(column, [c for c in series.cat.categories])
    return series.astype(object).map({lv: i for i, lv in enumerate(levels)}).astype(float)


_GATES = {"_boys_online": "boys_online_pct", "_girls_online": "girls_online_pct"}
"""Helper flags of the generator and the slider each gates (flag = slider above 0)."""


def _margin(values: np.ndarray, bins: int = 10) -> np.ndarray:
    """Probabilities of the ordered answers (sliders coarsened to at most ``bins`` groups)."""
    uniq, counts = np.unique(values, return_counts=True)
    if len(uniq) <= bins:
        return counts / counts.sum()
    ranks = sps.rankdata(values, method="average") / len(values)
    group = np.minimum((ranks * bins).astype(int), bins - 1)
    return np.bincount(group, minlength=bins) / len(values)


def _pair_values(
    scores: dict, a: str, b: str, latent: float, implied: bool = True
) -> tuple[float, float, int]:
    x, y = scores[a], scores[b]
    both = ~np.isnan(x) & ~np.isnan(y)
    xb, yb = x[both], y[both]
    if both.sum() < 10 or np.ptp(xb) == 0 or np.ptp(yb) == 0:
        return float("nan"), float("nan"), int(both.sum())
    observed = float(np.corrcoef(sps.rankdata(xb), sps.rankdata(yb))[0, 1])
    expected = (
        implied_rank_correlation(latent, _margin(xb), _margin(yb)) if implied else float("nan")
    )
    return observed, expected, int(both.sum())


def correlations(
    frame: pd.DataFrame, structure: Structure | None = None, implied: bool = True
) -> pd.DataFrame:
    """Observed and declared correlations of every battery, pair and dependence.

    Columns: ``kind``, ``name``, ``pairs``, ``declared`` (latent), ``implied`` (mean rank
    correlation the declared value gives with the observed margins), ``observed`` (mean
    Spearman over the item pairs, each on the respondents asked both) and ``respondents``
    (the fewest asked both items of a pair: the latent factors are drawn per respondent, so
    ``observed`` differs from ``implied`` by sampling error of that size, as in a real survey).
    """
    structure = structure or default_structure()
    loadings = structure.loadings()

    def latent(a: str, b: str) -> float:
        la, lb = loadings.get(a, {}), loadings.get(b, {})
        return float(sum(la[k] * lb[k] for k in la.keys() & lb.keys()))

    rows = []
    groups = [("battery", b.name, b.columns, b.correlation) for b in structure.batteries]
    groups += [("pair", p.name, (p.first, p.second), p.correlation) for p in structure.pairs]
    groups += [
        ("dependence", d.name, (d.given, d.column), d.correlation) for d in structure.dependences
    ]
    needed = {c for _, _, columns, _ in groups for c in columns}
    scores = {c: _scores(frame, c).to_numpy(dtype=float, na_value=np.nan) for c in needed}
    for kind, name, columns, declared in groups:
        obs, imp, asked = [], [], []
        for a, b in itertools.combinations(columns, 2):
            if _GATES.get(a) == b or _GATES.get(b) == a:
                continue  # the flag is the slider's being above 0: tied by definition
            rho = declared if kind == "dependence" else latent(a, b)
            o, i, n = _pair_values(scores, a, b, rho, implied)
            if not np.isnan(o):
                obs.append(o)
                imp.append(i)
                asked.append(n)
        rows.append(
            {
                "kind": kind,
                "name": name,
                "pairs": len(obs),
                "declared": float(declared),
                "implied": float(np.mean(imp)) if imp else float("nan"),
                "observed": float(np.mean(obs)) if obs else float("nan"),
                "respondents": min(asked) if asked else 0,
            }
        )
    return pd.DataFrame(
        rows, columns=["kind", "name", "pairs", "declared", "implied", "observed", "respondents"]
    )


# --------------------------------------------------------------------------------------
# Heaping


def heaping(frame: pd.DataFrame, columns=SLIDERS) -> pd.DataFrame:
    """Share of non-zero slider answers on multiples of 10 and of 5 (uniform: 10% and 20%)."""
    rows = []
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce").dropna()
        values = values[values > 0]
        n = len(values)
        rows.append(
            {
                "slider": col,
                "answers": n,
                "share_multiple_of_10": float((values % 10 == 0).mean()) if n else float("nan"),
                "share_multiple_of_5": float((values % 5 == 0).mean()) if n else float("nan"),
            }
        )
    return pd.DataFrame(
        rows, columns=["slider", "answers", "share_multiple_of_10", "share_multiple_of_5"]
    )


# --------------------------------------------------------------------------------------
# One table, and the same across generator seeds


def plausibility_table(frame: pd.DataFrame, structure: Structure | None = None) -> pd.DataFrame:
    """Every measure of this module as one long table (``section, item, measure, ...``)."""
    structure = structure or default_structure()
    rows = []
    synthetic = is_synthetic(frame)
    for r in rule_violations(frame, structure).itertuples():
        value, note = r.violations, r.examples
        if not synthetic and is_small(value):
            value, note = float("nan"), f"{SUPPRESSED} (1 to 4 people are never shown)"
        rows.append(("logical rules", r.rule, "violations", value, 0, note))
    comparisons = country_comparisons(frame)
    summary = p_value_summary(comparisons)
    chance = {"share_p_above_099": 0.01, "share_p_below_005": 0.05, "median_p": 0.5}
    for key, value in summary.items():
        rows.append(
            (
                "country comparisons",
                "items the report does not compare",
                key,
                value,
                chance.get(key, float("nan")),
                "expected: what chance gives with no country differences",
            )
        )
    for c in comparisons.itertuples():
        note = "published comparison" if c.published else ""
        rows.append(("country comparisons", c.item, f"p ({c.test})", c.p, float("nan"), note))
    for c in correlations(frame, structure).itertuples():
        rows.append(
            (
                f"correlations ({c.kind})",
                c.name,
                "mean rank correlation",
                c.observed,
                c.implied,
                f"declared latent correlation {c.declared:g}; expected: implied by it "
                f"for the observed answers ({c.pairs} pairs)",
            )
        )
    for h in heaping(frame).itertuples():
        rows.append(
            (
                "heaping",
                h.slider,
                "share on multiples of 10",
                h.share_multiple_of_10,
                0.1,
                "expected: a uniform draw",
            )
        )
        rows.append(
            (
                "heaping",
                h.slider,
                "share on multiples of 5",
                h.share_multiple_of_5,
                0.2,
                "expected: a uniform draw",
            )
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def seed_headline(frame: pd.DataFrame, structure: Structure | None = None) -> dict[str, float]:
    """Return the headline numbers of one dataset (one row of ``across_seeds``)."""
    structure = structure or default_structure()
    out: dict[str, float] = {
        "violations": float(rule_violations(frame, structure)["violations"].sum())
    }
    summary = p_value_summary(country_comparisons(frame))
    out["share_p_above_099"] = summary["share_p_above_099"]
    out["share_p_below_005"] = summary["share_p_below_005"]
    for c in correlations(frame, structure, implied=False).itertuples():
        out[f"r: {c.name}"] = c.observed
    for h in heaping(frame).itertuples():
        out[f"x10: {h.slider}"] = h.share_multiple_of_10
    return out


def _headline_for_seed(seed: int) -> dict[str, float]:
    from survivors_perspectives.synth import generate

    return {"seed": seed, **seed_headline(generate(seed=seed))}


def across_seeds(seeds, n_jobs: int = 2) -> pd.DataFrame:
    """Return the headline numbers over generator seeds (one row per seed), in parallel."""
    from joblib import Parallel, delayed

    rows = Parallel(n_jobs=n_jobs)(delayed(_headline_for_seed)(s) for s in seeds)
    return pd.DataFrame(rows).sort_values("seed").reset_index(drop=True)


def _write(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_csv(tmp, index=False, float_format="%.6f", lineterminator="\n")
    tmp.replace(path)


def write_plausibility(
    frame: pd.DataFrame,
    out_dir: Path | str,
    *,
    seeds: int = DEFAULT_SEEDS,
    jobs: int = 2,
    seeds_dir: Path | str | None = None,
) -> dict[str, Path]:
    """Write ``plausibility.csv`` for ``frame`` and the headline over generator seeds.

    ``plausibility_seeds.csv`` holds one row per seed; it is reused while the generator's
    sources, the reference table and the seeds are unchanged (``plausibility_seeds.key``),
    in ``seeds_dir`` (default ``out_dir``).
    """
    from survivors_perspectives.analyses import robustness
    from survivors_perspectives.published.reference import reference_paths

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"plausibility": out_dir / PLAUSIBILITY_FILE}
    _write(plausibility_table(frame), written["plausibility"])
    if seeds > 0:
        seed_list = robustness.seeds_for(seeds)
        here = Path(__file__)
        key = robustness.input_key(
            seed_list, reference_paths(), [*robustness.default_source_files(), here], "plaus"
        )
        key = hashlib.sha256(key.encode()).hexdigest()
        cache = Path(seeds_dir) if seeds_dir is not None else out_dir
        cache.mkdir(parents=True, exist_ok=True)
        path, key_path = cache / SEEDS_FILE, cache / SEEDS_KEY_FILE
        if not (path.is_file() and key_path.is_file() and key_path.read_text().strip() == key):
            _write(across_seeds(seed_list, n_jobs=jobs), path)
            key_path.write_text(key + "\n")
        written["plausibility_seeds"] = path
    return written


def load_plausibility(out_dir: Path | str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read the tables ``write_plausibility`` wrote (the seeds table may be absent)."""
    out_dir = Path(out_dir)
    table = pd.read_csv(out_dir / PLAUSIBILITY_FILE, keep_default_na=False, na_values=[""])
    seeds_path = out_dir / SEEDS_FILE
    seeds = pd.read_csv(seeds_path) if seeds_path.is_file() else None
    return table, seeds


# --------------------------------------------------------------------------------------
# The data chapter's section


def _fmt(value: float, digits: int = 2) -> str:
    return "" if pd.isna(value) else f"{value:.{digits}f}"


def section(frame: pd.DataFrame, seeds: pd.DataFrame | None = None, structure=None):
    """Return the data chapter's plausibility section: text, tables, numbers.

    Violation counts of 1 to 4 on real data are shown as ``<5`` and no record is listed;
    on synthetic data up to three synthetic ids are given as examples.
    """
    from survivors_perspectives.pages.kit import Section
    from survivors_perspectives.pages.tables import value_table

    structure = structure or default_structure()
    synthetic = is_synthetic(frame)
    rules = rule_violations(frame, structure)
    shown = rules["violations"].map(
        lambda v: SUPPRESSED if (not synthetic and is_small(v)) else str(v)
    )
    rule_table = pd.DataFrame(
        {
            "Rule": rules["text"].to_numpy(),
            "Rows breaking it": shown.to_numpy(),
            "Examples": rules["examples"].to_numpy(),
        },
        index=pd.Index(rules["rule"], name="Rule id"),
    )
    comparisons = country_comparisons(frame)
    summary = p_value_summary(comparisons)
    p_table = pd.DataFrame(
        {
            "These data": [
                f"{100 * summary['share_p_above_099']:.1f}%",
                f"{100 * summary['share_p_below_005']:.1f}%",
                _fmt(summary["median_p"]),
            ],
            "Chance (no differences)": ["1%", "5%", "0.50"],
        },
        index=pd.Index(
            ["p above 0.99", "p below 0.05", "median p"], name="Unpublished comparisons"
        ),
    )
    corr = correlations(frame, structure)
    corr_table = pd.DataFrame(
        {
            "Kind": corr["kind"].to_numpy(),
            "Item pairs": corr["pairs"].astype(str).to_numpy(),
            "Declared (latent)": corr["declared"].map(_fmt).to_numpy(),
            "Expected (rank)": corr["implied"].map(_fmt).to_numpy(),
            "Observed (rank)": corr["observed"].map(_fmt).to_numpy(),
        },
        index=pd.Index(corr["name"], name="Assumption"),
    )
    heap = heaping(frame)
    heap_table = pd.DataFrame(
        {
            "Non-zero answers": heap["answers"].astype(str).to_numpy(),
            "On multiples of 10": heap["share_multiple_of_10"]
            .map(lambda v: "" if pd.isna(v) else f"{100 * v:.0f}%")
            .to_numpy(),
            "On multiples of 5": heap["share_multiple_of_5"]
            .map(lambda v: "" if pd.isna(v) else f"{100 * v:.0f}%")
            .to_numpy(),
        },
        index=pd.Index(heap["slider"], name="Slider"),
    )
    total = int(rules["violations"].sum())
    text = [
        "The report fixes each answer's distribution, not how one person's answers fit "
        "together. {table[0]} lists every assumption about that joint structure with its "
        "reason; the tables after it measure, on the data this book was built from, what "
        "each assumption claims. The same measures run unchanged on the real data in the "
        "secure room, where they show how far our assumptions were from reality.",
        (
            f"Logical rules ({table_ref(1)}): {total} row(s) break one"
            if synthetic or not is_small(total)
            else f"Logical rules ({table_ref(1)}): fewer than 5 rows break one"
        )
        + ". Countries on items the report does not compare "
        f"({table_ref(2)}): of {summary['items']} comparisons, "
        f"{100 * summary['share_p_above_099']:.1f}% have p above 0.99, where chance alone "
        "gives 1%; a block of p-values near 1 would mean six identical countries. "
        f"{table_ref(3)} sets the observed mean rank correlation of each battery and pair "
        "beside the declared latent value and the rank correlation that value implies for "
        f"these answers (ties on yes/no items lower it). {table_ref(4)} shows heaping on "
        "round numbers: a uniform draw puts 10% of answers on multiples of 10.",
    ]
    tables_ = [
        value_table(
            structure.table().set_index("name"),
            caption="Declared joint structure: each assumption, its value, reason and source",
            index_name="Assumption",
        ),
        value_table(
            rule_table, caption="Logical rules and the rows breaking them", index_name="Rule id"
        ),
        value_table(
            p_table,
            caption="Country comparisons of the items the report does not compare",
            index_name="Unpublished comparisons",
        ),
        value_table(
            corr_table,
            caption="Correlations within batteries and pairs: declared, expected and observed",
            index_name="Assumption",
        ),
        value_table(
            heap_table, caption="Heaping of slider answers on round numbers", index_name="Slider"
        ),
    ]
    numbers = {
        "violations": float(total),
        "share_p_above_099": summary["share_p_above_099"],
    }
    if seeds is not None and len(seeds):
        cols = [c for c in seeds.columns if c != "seed"]
        spread = pd.DataFrame(
            {
                "Median": [_fmt(seeds[c].median(), 3) for c in cols],
                "Lowest": [_fmt(seeds[c].min(), 3) for c in cols],
                "Highest": [_fmt(seeds[c].max(), 3) for c in cols],
            },
            index=pd.Index(cols, name="Measure"),
        )
        tables_.append(
            value_table(
                spread,
                caption=f"The same measures over {len(seeds)} generator seeds",
                index_name="Measure",
            )
        )
        text.append(
            f"{table_ref(5)} repeats the headline over {len(seeds)} generator seeds "
            f"(logical violations: at most {int(seeds['violations'].max())} on any seed), so "
            "a reader can see which numbers belong to the generator and which to one draw."
        )
    return Section("plausibility", text, tables_, [], numbers)


def table_ref(i: int) -> str:
    """Return the placeholder :func:`kit.show` fills with table ``i``'s number."""
    return "{table[" + str(i) + "]}"
