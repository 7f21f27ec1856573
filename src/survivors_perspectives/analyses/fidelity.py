"""Does a dataset reproduce what the report published? One row per published figure.

``compare`` puts each figure of the reference table beside the same figure computed from a
survey frame (``measures.MEASURES``) or a conversations frame
(``conversations.measures.CONVERSATION_MEASURES``) and judges it with a tolerance that
follows how the figure was printed:

- counts, ranks and bands: exactly;
- percentages and mean percentages: within 1 point (the report rounds to whole numbers);
  figures the report gives only approximately ("around half"): within 5 points; lower
  bounds ("more than half"): above the bound;
- test statistics: the same conclusion at alpha = 0.05 and within 20% of the printed value;
- "highest/lowest of the six": the value and the country's place in the ordering.

A figure that contradicts other published figures (``published_conflicts``, read from the
reference table alone) gets the status ``conflict`` with the reason, not ``off_target``.
``python -m survivors_perspectives.analyses.fidelity`` (also ``sp-fidelity``) prints
``N of M reproduced`` and the misses.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import pandas as pd

from survivors_perspectives.published.conflicts import published_conflicts
from survivors_perspectives.published.printed_values import (
    APPROXIMATE_TOLERANCE,
    PERCENT_TOLERANCE,
    STATISTIC_TOLERANCE,
    given_in_words,
    is_lower_bound,
    p_from_statistic,
    published_significant,
    significant,
)
from survivors_perspectives.published.significance_tests import TESTS_BY_ID
from survivors_perspectives.stats import InsufficientDataError
from survivors_perspectives.survey import measures

COLUMNS = [
    "id",
    "topic",
    "scope",
    "published",
    "reproduced",
    "difference",
    "tolerance",
    "status",
    "note",
]
REPRODUCED, OFF_TARGET, NOT_COMPUTABLE, CONFLICT = (
    "reproduced",
    "off_target",
    "not_computable",
    "conflict",
)
CONVERSATION_CONFLICT = "CONFLICT (not reproduced)"

_ORDINAL = {"highest": 1, "second highest": 2, "third highest": 3}


def _p_value(test_id: str, statistic: float) -> float:
    """Return the p of a statistic with the df as we read them (``significance_tests``)."""
    test = TESTS_BY_ID[test_id]
    return p_from_statistic(test.kind, statistic, test.df)


def _order_check(row, frame: pd.DataFrame) -> str | None:
    """Return a note if a published ordering ('highest of the six') does not hold."""
    quantity = str(row.quantity)
    match = re.search(r"\((second highest|third highest|highest|lowest)", quantity)
    if not match or row.scope == "all":
        return None
    values = measures.country_values(row.id, frame)
    if len(values) < 2 or row.scope not in values:
        return None
    word = match.group(1)
    descending = word != "lowest"
    order = sorted(values, key=lambda c: -values[c] if descending else values[c])
    place = order.index(row.scope) + 1
    wanted = 1 if word == "lowest" else _ORDINAL[word]
    if place != wanted:
        return (
            f"{row.scope} is {'lowest' if not descending else 'ranked'} #{place}, published {word}"
        )
    return None


def _judge(row, value: float, frame: pd.DataFrame | None) -> tuple[float, str, str]:
    """Return (tolerance, status, note) for one computed figure."""
    published = float(row.value)
    unit = str(row.unit)
    note = str(row.note or "")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan"), NOT_COMPUTABLE, "the data hold no answers for this figure"
    if unit == "statistic":
        tol = STATISTIC_TOLERANCE * published
        same = significant(_p_value(row.id, value)) == published_significant(row.p_reported)
        close = abs(value - published) <= tol
        if same and close:
            return tol, REPRODUCED, ""
        why = [] if same else ["conclusion at alpha 0.05 differs"]
        if not close:
            why.append(f"statistic {value:.3f} is {100 * (value / published - 1):+.0f}%")
        return tol, OFF_TARGET, "; ".join(why)
    if unit in ("count", "band_upper_percent", "rank", "years", "month", "year", "months"):
        tol = 0.0
        ok = abs(value - published) <= tol
    elif unit == "top_k":
        tol = 0.0
        ok = value <= published
        if ok:
            return tol, REPRODUCED, f"rank {value:.0f}, within the top {published:.0f}"
    elif is_lower_bound(note):
        tol = 0.0
        ok = value > published
        if ok and (frame is None or _order_check(row, frame) is None):
            return tol, REPRODUCED, "above the published lower bound"
    else:
        in_words = given_in_words(note, row.quantity)
        tol = APPROXIMATE_TOLERANCE if in_words else PERCENT_TOLERANCE
        ok = abs(value - published) <= tol + 1e-9
    if ok and frame is not None:
        order_note = _order_check(row, frame)
        if order_note:
            return tol, OFF_TARGET, order_note
    return tol, REPRODUCED if ok else OFF_TARGET, ""


def _conversation_measures() -> dict:
    try:
        from survivors_perspectives.conversations.measures import CONVERSATION_MEASURES
    except ImportError:
        return {}
    return dict(CONVERSATION_MEASURES)


def compare(
    reference: pd.DataFrame,
    survey: pd.DataFrame | None,
    conversations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare a dataset with every figure of the published reference table.

    Parameters
    ----------
    reference : DataFrame
        The reference table (``reference.load_reference()``).
    survey : DataFrame or None
        A typed survey frame (``survey.load_survey``); None leaves survey figures
        ``not_computable``.
    conversations : DataFrame, optional
        A conversations frame for the ``conversations`` topic.

    Returns
    -------
    DataFrame
        Columns ``id, topic, scope, published, reproduced, difference, tolerance, status,
        note``, in reference order.
    """
    conflicts = published_conflicts(reference)
    conv_measures = _conversation_measures() if conversations is not None else {}
    rows = []
    for row in reference.itertuples(index=False):
        record = {
            "id": row.id,
            "topic": row.topic,
            "scope": row.scope,
            "published": float(row.value),
            "reproduced": float("nan"),
            "difference": float("nan"),
            "tolerance": float("nan"),
        }
        if row.topic == "conversations":
            fn = conv_measures.get(row.id)
            frame = conversations
        else:
            entry = measures.MEASURES.get(row.id)
            fn = entry.compute if entry is not None else None
            frame = survey
        if fn is None or frame is None:
            reason = (
                "no dataset given"
                if frame is None
                else "describes the questionnaire or fieldwork, not the answers"
            )
            rows.append({**record, "status": NOT_COMPUTABLE, "note": reason})
            continue
        try:
            value = float(fn(frame))
        except InsufficientDataError as error:
            rows.append({**record, "status": NOT_COMPUTABLE, "note": f"not on these data: {error}"})
            continue
        tol, status, note = _judge(row, value, frame if row.topic != "conversations" else None)
        conflict = conflicts.get(row.id)
        if row.topic == "conversations" and str(row.note).startswith(CONVERSATION_CONFLICT):
            conflict = str(row.note)
        if conflict and status != REPRODUCED:
            status, note = CONFLICT, conflict
        elif conflict:
            note = f"reproduced despite a recorded conflict: {conflict}"
        rows.append(
            {
                **record,
                "reproduced": value,
                "difference": value - float(row.value),
                "tolerance": tol,
                "status": status,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(result: pd.DataFrame) -> str:
    """``N of M reproduced`` over the computable figures, with the other statuses counted."""
    computable = result[result["status"] != NOT_COMPUTABLE]
    n_ok = int((computable["status"] == REPRODUCED).sum())
    counts = result["status"].value_counts()
    extra = ", ".join(f"{counts.get(s, 0)} {s}" for s in (CONFLICT, OFF_TARGET, NOT_COMPUTABLE))
    return f"{n_ok} of {len(computable)} reproduced ({extra})"


def main(argv: list[str] | None = None) -> int:
    """Print the fidelity summary of a survey (and conversations) file; exit status 0."""
    from survivors_perspectives import paths
    from survivors_perspectives.published.reference import load_reference
    from survivors_perspectives.survey.load import load_survey

    parser = argparse.ArgumentParser(
        prog="sp-fidelity", description="Compare a dataset with the report's published figures."
    )
    parser.add_argument("--survey", type=Path, default=paths.SURVEY)
    parser.add_argument("--conversations", type=Path, default=None)
    args = parser.parse_args(argv)
    reference = load_reference()
    survey = load_survey(args.survey)
    conversations = None
    conv_path = args.conversations or paths.CONVERSATIONS
    if Path(conv_path).is_file():
        try:
            from survivors_perspectives.conversations.schema import load_conversations

            conversations = load_conversations(conv_path)
        except Exception as err:
            print(f"fidelity: conversations not compared ({err})", file=sys.stderr)
    result = compare(reference, survey, conversations)
    print(summary(result))
    misses = result[result["status"].isin([OFF_TARGET, CONFLICT])]
    with pd.option_context(
        "display.width", 160, "display.max_colwidth", 90, "display.max_rows", None
    ):
        if len(misses):
            print("\nNot reproduced:")
            for r in misses.itertuples(index=False):
                print(
                    f"  [{r.status}] {r.id}: published {r.published:g}, data "
                    f"{r.reproduced:.3f}" + (f" ({r.note})" if r.note else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
