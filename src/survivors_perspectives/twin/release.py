"""Write what the twin run produced: always the assessment, the twin only through the gate.

``<out>/assessment/`` holds the tables the release page shows (``figures.csv``, ``tests.csv``,
``risk.csv``, ``disclosure.csv``, ``gate.csv``) and ``summary.json``; it is written whether or
not the twin passes, because a data owner needs to see why a twin was stopped.
``<out>/release/`` holds the twin's survey and conversations files with their data package,
and exists only while its assessment passes every threshold: a twin that fails removes an
earlier release, so the folder never holds a twin its assessment does not vouch for. Both
folders are written beside their place and swapped in by rename, so an interrupted run
leaves the previous state whole.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.survey.datapackage import build_datapackage
from survivors_perspectives.synth.write import to_text

from .assess import Assessment
from .gate import BY_MEASURE, Verdict

SURVEY_NAME = "frontline_survey.csv"
CONVERSATIONS_NAME = "survivor_conversations.csv"

TWIN_NOTE = (
    "SYNTHETIC DATA: a synthetic twin. Every survey record was drawn by "
    "survivors_perspectives.twin (sequential classification and regression trees, leaves of "
    "at least {min_leaf} people, seed {seed}) from a model fitted to the real survey; no "
    "record describes a real person and respondent ids start with 'SYN-'. The conversations "
    "file is generated from the report's published figures only, not from the real records."
)


def _swap_in(staging: Path, target: Path, attempts: int = 5) -> None:
    """Replace ``target`` by ``staging`` with renames (the old folder is removed last).

    Two runs at once may each swap in their folder; a rename that finds the target
    re-created by the other run tries again, so the last run to finish wins whole.
    """
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    for attempt in range(attempts):
        try:
            if target.exists():
                target.rename(old)
            staging.rename(target)
            break
        except OSError:
            if attempt == attempts - 1:
                raise
    shutil.rmtree(old, ignore_errors=True)


def _staging(target: Path) -> Path:
    staging = target.with_name(f".{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def gate_table(verdicts: list[Verdict]) -> pd.DataFrame:
    """Return the gate's verdicts as a table: measure, value, sign, limit, passed, reason."""
    return pd.DataFrame(
        [
            {
                "measure": v.measure,
                "label": BY_MEASURE[v.measure].label,
                "value": v.value,
                "sign": v.sign,
                "limit": v.limit,
                "passed": v.passed,
                "reason": BY_MEASURE[v.measure].reason,
            }
            for v in verdicts
        ]
    )


def write_assessment(
    assessment: Assessment, verdicts: list[Verdict], out: Path, facts: dict
) -> Path:
    """Write the assessment tables and ``summary.json`` into ``out/assessment``."""
    target = out / "assessment"
    staging = _staging(target)
    _csv(assessment.figures, staging / "figures.csv")
    _csv(assessment.tests, staging / "tests.csv")
    _csv(assessment.risk, staging / "risk.csv")
    _csv(assessment.disclosure, staging / "disclosure.csv")
    _csv(gate_table(verdicts), staging / "gate.csv")
    summary = {
        **facts,
        "released": all(v.passed for v in verdicts),
        "general_utility": {k: float(v) for k, v in assessment.general.items()},
        "measures": {k: float(v) for k, v in assessment.measures.items()},
    }
    text = json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (staging / "summary.json").write_text(text, encoding="utf-8")
    _swap_in(staging, target)
    return target


def _datapackage(assessment: Assessment, facts: dict) -> dict:
    note = TWIN_NOTE.format(min_leaf=facts["min_leaf"], seed=facts["seed"])
    package = build_datapackage(rows=len(assessment.twin), seed=facts["seed"])
    package["name"] = "frontline-survey-synthetic-twin"
    package["title"] = "Frontline support worker survey and conversations (synthetic twin)"
    package["description"] = note
    package["generation"] = {
        "generator": "survivors_perspectives.twin",
        "method": "sequential CART (synthpop-style), smoothed sliders",
        "minLeaf": facts["min_leaf"],
        "seed": facts["seed"],
        "rows": len(assessment.twin),
        "idPrefix": "SYN-",
        "fittedTo": facts["inputs"],
    }
    package["resources"][0]["description"] = note
    package["resources"].append(
        {
            "name": "survivor_conversations",
            "path": CONVERSATIONS_NAME,
            "profile": "data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": "SYNTHETIC DATA generated by survivors_perspectives.conversations.synth "
            "from the report's published figures only; record_type is 'synthetic' on every row.",
        }
    )
    return package


def write_release(assessment: Assessment, out: Path, facts: dict) -> Path:
    """Write the twin's files and data package into ``out/release`` (only after the gate)."""
    target = out / "release"
    staging = _staging(target)
    to_text(assessment.twin).to_csv(
        staging / SURVEY_NAME, index=False, lineterminator="\n", encoding="utf-8"
    )
    (staging / CONVERSATIONS_NAME).write_text(
        conversations_synth.to_csv_text(assessment.conversations), encoding="utf-8"
    )
    package = json.dumps(_datapackage(assessment, facts), indent=2, ensure_ascii=False) + "\n"
    (staging / "datapackage.json").write_text(package, encoding="utf-8")
    _swap_in(staging, target)
    return target


def withdraw_release(out: Path) -> bool:
    """Remove an earlier release (the new assessment does not vouch for it); say if one was."""
    target = out / "release"
    if not target.exists():
        return False
    shutil.rmtree(target)
    return True
