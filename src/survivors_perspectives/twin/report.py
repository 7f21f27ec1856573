"""The release page of the real-data book: the twin's gate, utility and risk tables, a checklist.

The page reads what ``python -m survivors_perspectives.twin`` wrote (``<twin_dir>/assessment``)
and never fits a twin itself, so building the book costs nothing extra. It has three states:
the book's data are synthetic (they need no twin, and the page says so plainly), the data are
real but no twin has been assessed yet (the page says how to make one), or an assessment
exists (the page shows it). Each function returns what one notebook cell displays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from survivors_perspectives.pages import auditor_tables, provenance
from survivors_perspectives.pages.auditor_tables import AuditorTable
from survivors_perspectives.pages.plots import Numbering
from survivors_perspectives.pages.provenance import Sourced

from . import conversations_release, gate
from .gate import THRESHOLDS
from .inputs import synthetic_reason

SYNTHETIC, NOT_ASSESSED, ASSESSED = "synthetic", "not_assessed", "assessed"

CHECKLIST: tuple[str, ...] = (
    "Every line of the gate table passed, and every threshold that differs from the declared "
    "default was changed on purpose, with the reason written down.",
    "The release folder validates as the book's inputs do (`make validate DATA=.../release/"
    "frontline_survey.csv CONVERSATIONS_DATA=.../release/survivor_conversations.csv`), and "
    "every respondent id starts with `SYN-` and every conversation row says `synthetic`.",
    "The conversations file is the published-figures generator's output and nothing else: no "
    "coded real record was copied into the release folder.",
    "A person shown the twin could not take a record for themself or a colleague: look at "
    "the rarest profiles (a country's only government worker over 50 in a rural area, say) "
    "even though every record is drawn, because being believed to be in the data harms too.",
    "Sensitive answers beyond the six the DiSCO table checks, and any country declared with "
    "EXTRA_COUNTRIES that holds few respondents, have been considered.",
    "The assessment folder stays inside the secure room: it holds the real data's figures "
    "beside the twin's and is evidence for the data owner, not part of the release.",
    "The release has been approved by whoever holds the data (ECPAT International and the "
    "national partners) under the consent and ethics terms the study was run on, with a "
    "licence that forbids attempts to re-identify anyone.",
    "The seed, the thresholds and the SHA-256 of the real files (in `summary.json`) are "
    "recorded with the release, so the same twin can be made again and audited.",
)
"""What a human must still review before a twin that passed the gate is published."""


@dataclass
class ReleasePage:
    """What the release page shows, read from a twin's folder."""

    state: str
    survey_path: str
    twin_dir: str
    summary: dict = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def load_page(survey_path: str, twin_dir: str) -> ReleasePage:
    """Read the page's state and, when there is one, the assessment in ``twin_dir``."""
    if synthetic_reason(Path(survey_path)):
        return ReleasePage(SYNTHETIC, survey_path, twin_dir)
    folder = Path(twin_dir) / "assessment" if twin_dir else None
    if folder is None or not (folder / "summary.json").is_file():
        return ReleasePage(NOT_ASSESSED, survey_path, twin_dir)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    tables = {
        name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])
        for name in ("gate", "risk", "tests", "figures", "disclosure")
    }
    return ReleasePage(ASSESSED, survey_path, twin_dir, summary, tables)


def status(page: ReleasePage) -> Markdown:
    """Say in one paragraph what this page is about for these data."""
    if page.state == SYNTHETIC:
        return Markdown(
            "**The data of this book are synthetic: they need no twin.** A synthetic twin is "
            "how the holders of the real, confidential data could share something close to "
            "them; the synthetic files shipped here can be shared as they are. This page "
            "shows what a data owner will see: the thresholds a twin must meet before it is "
            "released and the checklist a person works through before publishing it. "
            "`make twin` on these files stops with the same message."
        )
    if page.state == NOT_ASSESSED:
        return Markdown(
            "**No twin has been assessed for these data yet.** Run "
            "`make twin DATA=<survey.csv> CONVERSATIONS_DATA=<conversations.csv>` (with the "
            "files this book was built from), then build the book again: this page will "
            "show the twin's utility and risk tables and whether it passed the gate."
        )
    released = page.summary.get("released", False)
    gate = page.tables["gate"]
    failed = gate[~gate["passed"].astype(bool)]
    verdict = (
        f"**The twin passed all {len(gate)} thresholds and was written to the release folder**"
        if released
        else f"**The twin was stopped by the gate: {len(failed)} of {len(gate)} measures are "
        "over their threshold, and nothing was written to the release folder**"
    )
    return Markdown(
        f"{verdict} (`{Path(page.twin_dir) / 'release'}`). It has "
        f"{int(page.summary.get('rows', 0)) or 'the real data’s number of'} records, seed "
        f"{page.summary.get('seed')}, leaves of at least {page.summary.get('min_leaf')} people. "
        "A human still reviews the checklist at the end of this page before anything is "
        "published."
    )


def _number(value: float) -> str:
    if pd.isna(value):
        return "–"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def _pending(page: ReleasePage, what: str) -> Markdown:
    """Say where a section's tables will be, instead of an empty output."""
    if page.state == SYNTHETIC:
        return Markdown(f"*On real data, {what} appear here once a twin has been assessed.*")
    return Markdown(f"*{what[0].upper()}{what[1:]} appear here once `make twin` has run.*")


def _sourced(
    shown: list[AuditorTable], func, page: ReleasePage, names: tuple[str, ...], numbering
) -> list[Sourced]:
    """Each table with its number and its Made-by line (the assessment files it was read from)."""
    folder = Path(page.twin_dir) / "assessment"
    files = [folder / f"{name}.csv" for name in names]
    return [provenance.attach(table, func, *files, numbering=numbering) for table in shown]


_LABEL = {t.measure: t.label for t in THRESHOLDS}
_HOVER_NOTE = "Hover over a measure for its name in survivors_perspectives.twin.gate."


def thresholds_table(numbering: Numbering | None = None) -> Sourced:
    """Show the gate's declared thresholds with their reasons (in every state)."""
    frame = pd.DataFrame(
        [
            {
                "measure": t.measure,
                "label": t.label,
                "threshold": f"{t.sign} {t.limit:g}",
                "reason": t.reason,
            }
            for t in THRESHOLDS
        ]
    )
    shown = auditor_tables.table(
        frame,
        [("label", "What is measured"), ("threshold", "Threshold"), ("reason", "Why")],
        caption="The release gate: thresholds and reasons",
        note=_HOVER_NOTE,
        hover="measure",
        sortable=False,
    )
    return provenance.attach(shown, thresholds_table, gate.__file__, numbering=numbering)


def gate_tables(page: ReleasePage, numbering: Numbering | None = None) -> list:
    """Show the twin's value of every gated measure beside its threshold."""
    if page.state != ASSESSED:
        return [_pending(page, "the twin's value on every gated measure")]
    gate_ = page.tables["gate"]
    frame = pd.DataFrame(
        {
            "measure": gate_["measure"],
            "label": gate_["measure"].map(_LABEL).fillna(gate_["measure"]),
            "value": gate_["value"].map(_number),
            "threshold": gate_["sign"] + " " + gate_["limit"].map("{:g}".format),
            "verdict": gate_["passed"].astype(bool).map({True: "passed", False: "OVER THRESHOLD"}),
        }
    )
    shown = auditor_tables.table(
        frame,
        [
            ("label", "Measure"),
            ("value", "Twin", "auto"),
            ("threshold", "Threshold"),
            ("verdict", "Verdict"),
        ],
        caption="The twin against the release gate",
        note=_HOVER_NOTE,
        hover="measure",
        sortable=False,
    )
    return _sourced([shown], gate_tables, page, ("gate",), numbering)


def risk_tables(page: ReleasePage, numbering: Numbering | None = None) -> list:
    """Every disclosure-risk measure on the twin beside the same measure on the real data."""
    if page.state != ASSESSED:
        return [_pending(page, "the twin's disclosure-risk measures beside the real data's")]
    risk = page.tables["risk"]
    frame = pd.DataFrame(
        {
            "measure": risk["measure"],
            "label": risk["label"],
            "twin": risk["twin"].map(_number),
            "real": risk["real"].map(_number),
            "baseline": risk["baseline"],
        }
    )
    disclosure = page.tables["disclosure"]
    answers = pd.DataFrame(
        {
            "answer": disclosure["answer"],
            "why": disclosure["why_sensitive"],
            "disco": disclosure["disco"].map(_number),
            "dio": disclosure["dio"].map(_number),
        }
    )
    shown = [
        auditor_tables.table(
            frame,
            [
                ("label", "Measure"),
                ("twin", "Twin", "auto"),
                ("real", "Real data (baseline)", "auto"),
                ("baseline", "Baseline is"),
            ],
            caption="Disclosure risk: twin beside the real data",
            hover="measure",
            sortable=False,
        ),
        auditor_tables.table(
            answers,
            [
                ("answer", "Sensitive answer"),
                ("why", "Why sensitive"),
                ("disco", "DiSCO (twin), %", "auto"),
                ("dio", "DiO (real data), %", "auto"),
            ],
            caption="Attribute disclosure per sensitive answer",
            sortable=False,
        ),
    ]
    return _sourced(shown, risk_tables, page, ("risk", "disclosure"), numbering)


def utility_summary(page: ReleasePage) -> Markdown:
    """Say the utility in sentences: figures agreeing, tests keeping their conclusion, S_pMSE."""
    if page.state != ASSESSED:
        return _pending(page, "the twin's utility, in figures and tests,")
    figures = page.tables["figures"]
    tests = page.tables["tests"]
    survey = figures[figures["topic"] != "conversations"]
    agrees = survey["agrees"].astype(bool)
    overlap = survey["ci_overlap"].dropna()
    general = page.summary.get("general_utility", {})
    return Markdown(
        f"Of the {len(survey)} survey figures of the replication table computed on both, "
        f"{int(agrees.sum())} agree within sampling error ({agrees.mean():.0%}); "
        f"{int(survey['same_status'].astype(bool).sum())} get the same verdict against the "
        f"report as the real data. The {len(overlap)} percentages have a median "
        f"confidence-interval overlap of {overlap.median():.2f} (1 = identical intervals). "
        f"{int(tests['same_conclusion'].astype(bool).sum())} of the {len(tests)} published "
        f"tests reach the real data's conclusion at p < 0.05, with a median effect-size "
        f"interval overlap of {tests['ci_overlap'].median():.2f}. The propensity-score mean "
        f"squared error is {general.get('pmse', float('nan')):.4f} against "
        f"{general.get('expected_pmse', float('nan')):.4f} expected from a correct synthesis "
        f"model: a standardised ratio of {general.get('s_pmse', float('nan')):.2f} (about 1: "
        "a logistic model of every column cannot tell twin from real records better than "
        "that)."
    )


def tests_tables(page: ReleasePage, numbering: Numbering | None = None) -> list:
    """Every published test on the real data and on the twin."""
    if page.state != ASSESSED:
        return []
    tests = page.tables["tests"]
    frame = pd.DataFrame(
        {
            "test": tests["description"],
            "statistic": tests["real_statistic"].map(_number)
            + " / "
            + tests["twin_statistic"].map(_number),
            "p": tests["real_p"].map("{:.3f}".format)
            + " / "
            + tests["twin_p"].map("{:.3f}".format),
            "effect": tests["real_effect"].map("{:.2f}".format)
            + " / "
            + tests["twin_effect"].map("{:.2f}".format),
            "same": tests["same_conclusion"].astype(bool).map({True: "yes", False: "no"}),
            "overlap": tests["ci_overlap"].map("{:.2f}".format),
        }
    )
    shown = auditor_tables.table(
        frame,
        [
            ("test", "Test"),
            ("statistic", "Statistic (real / twin)"),
            ("p", "p (real / twin)"),
            ("effect", "Effect (real / twin)"),
            ("same", "Same conclusion"),
            ("overlap", "CI overlap", "auto"),
        ],
        caption="The published tests, real data and twin",
        sortable=False,
    )
    return _sourced([shown], tests_tables, page, ("tests",), numbering)


def figures_tables(page: ReleasePage, numbering: Numbering | None = None) -> list:
    """Replication figures per topic: how many agree, and those that do not."""
    if page.state != ASSESSED:
        return []
    figures = page.tables["figures"]
    by_topic = (
        figures.groupby("topic")
        .agg(figures=("id", "size"), agree=("agrees", "sum"), same=("same_status", "sum"))
        .astype(int)
        .reset_index()
    )
    differing = figures[~figures["agrees"].astype(bool)].reset_index(drop=True)
    detail = pd.DataFrame(
        {
            "id": differing["id"],
            "real": differing["real"].map(_number),
            "twin": differing["twin"].map(_number),
        }
    )
    shown = [
        auditor_tables.table(
            by_topic,
            [
                ("topic", "Topic"),
                ("figures", "Figures", "auto"),
                ("agree", "Within sampling error", "auto"),
                ("same", "Same verdict against the report", "auto"),
            ],
            caption="Replication figures agreeing, by topic",
            sortable=False,
        ),
        auditor_tables.table(
            detail,
            [("id", "Figure", "id"), ("real", "Real data", "auto"), ("twin", "Twin", "auto")],
            caption="Figures whose twin value is outside sampling error",
        ),
    ]
    return _sourced(shown, figures_tables, page, ("figures",), numbering)


def conversations_text(page: ReleasePage) -> Markdown:
    """Say what is and is not released of the conversations, with the evidence when assessed."""
    text = (
        f"{conversations_release.DECISION} Forty-two young people in five countries took "
        "part; on country, gender and two ages nearly every one is alone in their "
        "combination, so a record-level model of their coded conversations would either copy "
        "them or keep nothing the report did not already print. The released conversations "
        "file has the schema of the real one, every record is labelled synthetic and every "
        "published count holds; it carries no structure the report did not publish."
    )
    if page.state == ASSESSED:
        risk = page.tables["risk"].set_index("measure")
        row = risk.loc["conversation_exact_matches"]
        text += (
            f" In these data, {float(row['real']):.0%} of participants are unique on those "
            f"four answers; {int(row['twin'])} released record(s) equal a real one."
        )
    return Markdown(text)


def checklist() -> Markdown:
    """Show the data owner's checklist, as a list of boxes to tick."""
    return Markdown("\n".join(f"1. ☐ {item}" for item in CHECKLIST))
