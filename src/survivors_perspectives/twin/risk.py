"""How much a twin could disclose about the people in the real data, each measure beside a baseline.

Three families, as the synthetic-data literature now recommends measuring them together:

- record-level closeness: whole records copied exactly, records nearly identical to a real one
  (Gower distance to the closest real record, ``NEAR_DISTANCE``), and the distance to the
  closest record of a twin fitted to half the real data, compared between that half and the
  held-out other half (Platzer and Reutterer 2021: a twin that learnt the population and not
  the people is as close to people it never saw as to those it was fitted to);
- identity and attribute disclosure from quasi-identifiers (Raab, Nowok and Dibben 2024,
  synthpop's ``disclosure()``): replicated uniques (repU, the share of real records unique on
  the quasi-identifiers whose combination is also unique in the twin) beside the share unique
  in the real data (UiO), and, for each sensitive answer, "disclosive in synthetic, correct in
  original" (DiSCO) beside "disclosive in original" (DiO);
- attacks (Giomi et al. 2023, the anonymeter package): singling out (predicates that pick out
  one twin record, tried on the real half the twin was fitted to and on the held-out half) and
  linkability (joining two partial views of a person through the twin), each as the attack's
  success beyond the same attack on people the twin never saw.

anonymeter itself requires numpy below 1.27 (we pin 2.4), numba, polars, pyarrow and
scikit-learn; the two attacks are a few lines each, so they are written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survivors_perspectives.disclosure.policy import is_small
from survivors_perspectives.survey.schema import COLUMNS

from .distance import encode_pair, nearest
from .units import QUASI_IDENTIFIERS

#: Two records closer than this (Gower distance) are a near match: they agree on all but
#: about four of the 85 answers' worth. The real data's own records are the baseline.
NEAR_DISTANCE = 0.05
#: Sensitive answers for attribute disclosure, and why each is sensitive for a worker who
#: could be recognised by country, gender, age band, organisation type and location.
DISCO_TARGETS: dict[str, str] = {
    "govt_law_enforcement": "a government employee's rating of their own government's policing",
    "govt_funding": "a rating of the government that funds the respondent's organisation",
    "caseload_exploitation_pct": "the share of a worker's own caseload with sexual exploitation",
    "girls_offender_relationship": "what a worker says about offenders in their own cases",
    "scenario_viewer_offence": "a professional judgement a worker may be held to",
    "barrier_police_refuse_report": "an accusation against the police",
}
#: Columns of the two views a linkage attacker holds: a staff directory (quasi-identifiers)
#: and what a worker's organisation publishes about its work.
LINK_VIEWS: tuple[tuple[str, ...], tuple[str, ...]] = (
    QUASI_IDENTIFIERS,
    (
        "education",
        "experience",
        "caseload_exploitation_pct",
        "caseload_online_pct",
        "service_helpline",
        "service_shelter",
    ),
)
#: Columns fixed by a singling-out predicate, and how many predicates are tried.
SINGLING_OUT_COLUMNS = 4
SINGLING_OUT_ATTACKS = 300

ANSWERS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind != "id")
RANGES: dict[str, float] = {
    c.name: float(c.maximum - c.minimum) for c in COLUMNS if c.kind == "integer"
}


@dataclass(frozen=True)
class Split:
    """The real data cut in two halves within each country: the twin fits ``train`` only."""

    train: pd.DataFrame
    holdout: pd.DataFrame


def split_half(real: pd.DataFrame, seed: int) -> Split:
    """Cut the real data in halves within each country (seeded), for the held-out measures."""
    rng = np.random.default_rng(seed)
    train = np.zeros(len(real), dtype=bool)
    countries = real["country"].astype(str).to_numpy()
    for country in sorted(set(countries)):
        rows = rng.permutation(np.flatnonzero(countries == country))
        train[rows[: (len(rows) + 1) // 2]] = True
    real = real.reset_index(drop=True)
    return Split(real[train].reset_index(drop=True), real[~train].reset_index(drop=True))


def _text(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Every cell as text, empty as its own value: what equality of answers means here."""
    return np.stack(
        [
            frame[c].astype(object).where(frame[c].notna(), "").astype(str).to_numpy()
            for c in columns
        ],
        axis=1,
    )


def _keys(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    return pd.Series(["\x1f".join(row) for row in _text(frame, columns)], index=frame.index)


def exact_matches(twin: pd.DataFrame, real: pd.DataFrame) -> tuple[int, int]:
    """Return (twin records equal to a real record, real records equal to another real one)."""
    real_keys = _keys(real, ANSWERS)
    twin_keys = _keys(twin, ANSWERS)
    return int(twin_keys.isin(set(real_keys)).sum()), int(real_keys.duplicated(keep=False).sum())


def closest_distances(twin: pd.DataFrame, real: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the distance to the closest real record, from each twin and each real record.

    A real record's closest is another real record: the baseline of how close two distinct
    people's answers come.
    """
    a, b = encode_pair(twin, real, ANSWERS, RANGES)
    twin_to_real, _ = nearest(a, b)
    real_to_real, _ = nearest(b, b, same=True)
    return twin_to_real, real_to_real


def closer_to_train(holdout_twin: pd.DataFrame, split: Split) -> float:
    """Share of a half-fitted twin's records closer to the fitted half than to the held-out one.

    About 0.5 when the twin is as close to people it never saw as to those it learnt from;
    near 1 when it copies. Ties count one half.
    """
    a, train = encode_pair(holdout_twin, split.train, ANSWERS, RANGES)
    b, held = encode_pair(holdout_twin, split.holdout, ANSWERS, RANGES)
    to_train, _ = nearest(a, train)
    to_held, _ = nearest(b, held)
    return float(np.mean((to_train < to_held) + 0.5 * (to_train == to_held)))


def replicated_uniques(twin: pd.DataFrame, real: pd.DataFrame) -> tuple[float, float]:
    """Return (repU, UiO) in percent of real records (Raab, Nowok and Dibben 2024)."""
    real_keys = _keys(real, QUASI_IDENTIFIERS)
    twin_counts = _keys(twin, QUASI_IDENTIFIERS).value_counts()
    real_counts = real_keys.value_counts()
    unique = real_keys.map(real_counts).to_numpy() == 1
    replicated = unique & (real_keys.map(twin_counts).fillna(0).to_numpy() == 1)
    return 100 * replicated.mean(), 100 * unique.mean()


def disco(twin: pd.DataFrame, real: pd.DataFrame, target: str) -> tuple[float, float]:
    """Return (DiSCO, DiO) in percent of real records for one sensitive answer.

    A real record's quasi-identifiers are *disclosive in synthetic* when every twin record
    with them gives the same answer, and *correct in original* when that answer is the real
    record's own; DiO is the same question asked of the real data.
    """
    keys = {"real": _keys(real, QUASI_IDENTIFIERS), "twin": _keys(twin, QUASI_IDENTIFIERS)}
    answers = {
        "real": _text(real, [target])[:, 0],
        "twin": _text(twin, [target])[:, 0],
    }
    single = {}
    for side in ("real", "twin"):
        table = pd.DataFrame({"key": keys[side].to_numpy(), "answer": answers[side]})
        groups = table.groupby("key")["answer"]
        only = groups.min() == groups.max()
        single[side] = groups.first()[only]
    real_answer = pd.Series(answers["real"])
    real_key = keys["real"].reset_index(drop=True)
    in_twin = real_key.map(single["twin"])
    in_real = real_key.map(single["real"])
    return 100 * float((in_twin == real_answer).mean()), 100 * float(
        (in_real == real_answer).mean()
    )


def rare_combinations(twin: pd.DataFrame, real: pd.DataFrame) -> tuple[int, int, int]:
    """Count the real quasi-identifier combinations of 1 to 4 people the twin shows.

    A combination that few people share is a small count in the disclosure rule's sense
    (``disclosure.policy.is_small``, ``SMALL_MIN`` to ``SMALL_MAX`` people): the book would
    not show it, so a twin must not carry it either.

    Returns (such combinations, how many appear in the twin, twin records carrying one).
    """
    real_counts = _keys(real, QUASI_IDENTIFIERS).value_counts()
    rare = set(real_counts.index[real_counts.map(is_small).to_numpy(dtype=bool)])
    twin_keys = _keys(twin, QUASI_IDENTIFIERS)
    present = rare & set(twin_keys)
    return len(rare), len(present), int(twin_keys.isin(present).sum())


def _banded(frame: pd.DataFrame) -> np.ndarray:
    """Answers as text with sliders in bands of ten, the values a predicate can name."""
    parts = []
    for name in ANSWERS:
        values = frame[name]
        if name in RANGES:
            numbers = values.astype("Float64").astype(float)
            values = (numbers // 10).astype("Int64")
        parts.append(values.astype(object).where(values.notna(), "").astype(str).to_numpy())
    return np.stack(parts, axis=1)


def _attack_risk(main: float, control: float) -> float:
    """Success beyond the control attack, as anonymeter reports it (0: no better than chance)."""
    return (main - control) / (1 - control) if control < 1 else 0.0


def singling_out(holdout_twin: pd.DataFrame, split: Split, seed: int) -> dict[str, float]:
    """Predicates that single out one twin record, tried on the fitted and held-out halves.

    Each predicate fixes ``SINGLING_OUT_COLUMNS`` answers (sliders in bands of ten) of a twin
    record drawn at random and is kept when it picks out that record alone in the twin; it
    succeeds on a half when exactly one person there matches it.
    """
    rng = np.random.default_rng(seed)
    twin = _banded(holdout_twin)
    halves = {"main": _banded(split.train), "control": _banded(split.holdout)}
    hits = {"main": 0, "control": 0}
    kept = 0
    for _ in range(50 * SINGLING_OUT_ATTACKS):
        if kept == SINGLING_OUT_ATTACKS:
            break
        row = int(rng.integers(len(twin)))
        columns = rng.choice(twin.shape[1], size=SINGLING_OUT_COLUMNS, replace=False)
        values = twin[row, columns]
        if int((twin[:, columns] == values).all(axis=1).sum()) != 1:
            continue
        kept += 1
        for side, data in halves.items():
            hits[side] += int((data[:, columns] == values).all(axis=1).sum() == 1)
    main = hits["main"] / max(kept, 1)
    control = hits["control"] / max(kept, 1)
    return {"main": main, "control": control, "risk": _attack_risk(main, control), "attacks": kept}


def linkability(holdout_twin: pd.DataFrame, split: Split, seed: int) -> dict[str, float]:
    """Join two partial views of each person through the twin (same closest twin record).

    Ties between equally close twin records are broken by a seeded shuffle of the twin, the
    same for both halves.
    """
    order = np.random.default_rng(seed).permutation(len(holdout_twin))
    twin = holdout_twin.iloc[order].reset_index(drop=True)
    rates = {}
    for side, people in (("main", split.train), ("control", split.holdout)):
        links = []
        for view in LINK_VIEWS:
            ranges = {c: r for c, r in RANGES.items() if c in view}
            a, b = encode_pair(people, twin, view, ranges)
            links.append(nearest(a, b)[1])
        rates[side] = float(np.mean(links[0] == links[1]))
    return {**rates, "risk": _attack_risk(rates["main"], rates["control"])}
