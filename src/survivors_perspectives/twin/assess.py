"""Fit a twin and measure it: the utility and risk tables the gate and the release page read.

Two twins are made from the same method and seed. The *release twin* is fitted to all the
real data; it is what would be published, so record matches, replicated uniques, DiSCO and
the whole analysis are measured on it. The *half twin* is fitted to one half of the real data
(cut within countries), so that what it reveals about the people it learnt from can be set
against the same measure on the held-out half, people it never saw: distance to the closest
record, singling out, linkability and rare combinations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survivors_perspectives.disclosure.policy import SMALL_MAX, SMALL_MIN

from . import conversations_release, risk, utility
from .synthesise import DEFAULT_SEED, MIN_LEAF, synthesise_survey

Synthesiser = Callable[[pd.DataFrame, int], pd.DataFrame]
"""How a twin is made from a real survey frame and a seed (``synthesise_survey`` by default)."""


def tree_synthesiser(min_leaf: int = MIN_LEAF) -> Synthesiser:
    """Return the method of ``synthesise``: sequential CART with leaves of ``min_leaf`` people."""
    return lambda real, seed: synthesise_survey(real, seed=seed, min_leaf=min_leaf)


@dataclass
class Assessment:
    """A twin and everything measured about it.

    Attributes
    ----------
    twin, conversations : DataFrame
        The release twin of the survey and the conversations file that goes with it.
    figures, tests : DataFrame
        The replication table's figures and the published tests, real beside twin
        (``utility.replication_beside``, ``utility.tests_beside``).
    general : dict
        The propensity-score measures (``utility.pmse``).
    risk : DataFrame
        One row per risk measure: ``measure, label, twin, real, baseline``.
    disclosure : DataFrame
        DiSCO beside DiO for each sensitive answer.
    measures : dict
        The numbers the gate judges, by measure name (``gate.THRESHOLDS``).
    """

    twin: pd.DataFrame
    conversations: pd.DataFrame
    figures: pd.DataFrame
    tests: pd.DataFrame
    general: dict
    risk: pd.DataFrame
    disclosure: pd.DataFrame
    measures: dict[str, float] = field(default_factory=dict)


def _rare_excess(half_twin: pd.DataFrame, split: risk.Split) -> tuple[float, float]:
    """Share of the fitted half's rare combinations in the half twin, and the held-out half's."""
    shares = []
    for people in (split.train, split.holdout):
        rare, present, _ = risk.rare_combinations(half_twin, people)
        shares.append(present / rare if rare else 0.0)
    return shares[0], shares[1]


def _risk_rows(
    twin: pd.DataFrame, half_twin: pd.DataFrame, real: pd.DataFrame, split: risk.Split, seed: int
) -> tuple[list[dict], pd.DataFrame, dict[str, float]]:
    rows: list[dict] = []
    measures: dict[str, float] = {}

    def add(measure, label, twin_value, real_value, baseline):
        rows.append(
            {
                "measure": measure,
                "label": label,
                "twin": twin_value,
                "real": real_value,
                "baseline": baseline,
            }
        )

    copied, duplicated = risk.exact_matches(twin, real)
    measures["exact_matches"] = copied
    add(
        "exact_matches",
        "records identical to a real record",
        copied,
        duplicated,
        "real records identical to another real record",
    )
    to_real, real_to_real = risk.closest_distances(twin, real)
    near = float(np.mean(to_real <= risk.NEAR_DISTANCE))
    measures["near_match_share"] = near
    add(
        "near_match_share",
        f"share within Gower distance {risk.NEAR_DISTANCE} of a real record",
        near,
        float(np.mean(real_to_real <= risk.NEAR_DISTANCE)),
        "real records that close to another real record",
    )
    add(
        "median_closest_distance",
        "median distance to the closest real record",
        float(np.median(to_real)),
        float(np.median(real_to_real)),
        "median distance from a real record to the closest other one",
    )
    closer = risk.closer_to_train(half_twin, split)
    measures["closer_to_train_share"] = closer
    add(
        "closer_to_train_share",
        "half twin: share closer to the fitted half than the held-out",
        closer,
        0.5,
        "expected when the twin learnt the population, not the people",
    )
    rep_u, ui_o = risk.replicated_uniques(twin, real)
    measures["repu_share_of_uniques"] = rep_u / ui_o if ui_o else 0.0
    add(
        "repu_percent",
        "replicated uniques, % of real records (repU)",
        rep_u,
        ui_o,
        "real records unique on the quasi-identifiers, % (UiO)",
    )
    disclosure = []
    for target, why in risk.DISCO_TARGETS.items():
        d_s, d_o = risk.disco(twin, real, target)
        disclosure.append({"answer": target, "why_sensitive": why, "disco": d_s, "dio": d_o})
    disclosure = pd.DataFrame(disclosure)
    ratio = (disclosure["disco"] / disclosure["dio"].where(disclosure["dio"] > 0)).fillna(0)
    measures["disco_share_of_dio"] = float(ratio.max())
    worst = int(ratio.to_numpy().argmax())
    add(
        "disco_percent",
        f"largest DiSCO, % of real records ({disclosure['answer'][worst]})",
        float(disclosure["disco"][worst]),
        float(disclosure["dio"][worst]),
        "the same answer's DiO in the real data, %",
    )
    single = risk.singling_out(half_twin, split, seed)
    measures["singling_out_risk"] = single["risk"]
    add(
        "singling_out_risk",
        f"singling out: success on fitted people ({single['attacks']} "
        "predicates), risk beyond held-out",
        single["main"],
        single["control"],
        f"success on held-out people; risk {single['risk']:.3f}",
    )
    link = risk.linkability(half_twin, split, seed)
    measures["linkability_risk"] = link["risk"]
    add(
        "linkability_risk",
        "linkability: fitted people linked through the twin",
        link["main"],
        link["control"],
        f"held-out people linked; risk {link['risk']:.3f}",
    )
    rare, present, records = risk.rare_combinations(twin, real)
    add(
        "rare_combinations_present",
        f"real combinations of {SMALL_MIN}-{SMALL_MAX} people found in the twin "
        f"({records} twin records)",
        present,
        rare,
        f"real combinations of {SMALL_MIN}-{SMALL_MAX} people",
    )
    main, control = _rare_excess(half_twin, split)
    measures["rare_combination_excess"] = main - control
    add(
        "rare_combination_excess",
        "half twin: share of fitted people's rare combinations present",
        main,
        control,
        "the same share for held-out people",
    )
    return rows, disclosure, measures


def assess(
    real: pd.DataFrame,
    real_conversations: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    synthesiser: Synthesiser | None = None,
) -> Assessment:
    """Make the release twin and the half twin of ``real`` and measure both.

    Parameters
    ----------
    real, real_conversations : DataFrame
        The validated real files.
    reference : DataFrame
        The published reference table (``reference.load_reference()``).
    seed : int
        Seed of the twins, the split and the attacks (each gets its own offset).
    synthesiser : callable, optional
        ``(real, seed) -> twin``; the tree method by default. Tests pass a leaky one.
    """
    make = synthesiser or tree_synthesiser()
    real = real.reset_index(drop=True)
    twin = make(real, seed)
    split = risk.split_half(real, seed + 1)
    half_twin = make(split.train, seed + 2)
    conversations = conversations_release.release_conversations(seed)
    figures = utility.replication_beside(reference, real, twin, real_conversations, conversations)
    tests = utility.tests_beside(reference, real, twin)
    general = utility.pmse(real, twin)
    rows, disclosure, measures = _risk_rows(twin, half_twin, real, split, seed + 3)
    measures["conversation_exact_matches"] = conversations_release.exact_matches(
        conversations, real_conversations
    )
    evidence = conversations_release.uniqueness(real_conversations)
    rows.append(
        {
            "measure": "conversation_exact_matches",
            "label": "released conversation records identical to a real one",
            "twin": measures["conversation_exact_matches"],
            "real": evidence["unique_share"],
            "baseline": f"share of the {evidence['participants']} real participants unique on "
            f"{', '.join(conversations_release.CONVERSATION_IDENTIFIERS)}",
        }
    )
    measures["test_conclusions_kept"] = float(tests["same_conclusion"].mean())
    measures["figures_agreeing_share"] = float(
        figures.loc[figures["topic"] != "conversations", "agrees"].mean()
    )
    measures["s_pmse"] = general["s_pmse"]
    return Assessment(
        twin, conversations, figures, tests, general, pd.DataFrame(rows), disclosure, measures
    )
