"""The replication table: every published figure against the same figure computed from the data.

The per-figure comparison is :func:`survivors_perspectives.analyses.fidelity.compare` (written with
the survey generator, which is calibrated against it). This module puts its result in the
shape the replication chapter and ``data/derived/replication.csv`` use, with the reference
table's topic, scope and note beside each row and, in ``computed_as``, how the figure is
computed in words (:func:`how_computed`, from the measure objects of ``measures`` and
``conversations.measures``: text about the code, the same on every dataset, never a count),
and counts the outcome per topic and per country.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Columns of ``replication.csv``, in order.
REPLICATION_COLUMNS: tuple[str, ...] = (
    "id",
    "topic",
    "scope",
    "quantity",
    "computed_as",
    "unit",
    "published",
    "reproduced",
    "difference",
    "tolerance",
    "status",
    "note",
    "reference_note",
)

#: What ``computed_as`` says for a reference id no measure computes.
NO_MEASURE = "no measure computes this figure"

#: Status of a figure the data reproduce within tolerance (as ``fidelity`` names it).
REPRODUCED = "reproduced"
#: Status of a figure no function computes from the data.
NOT_COMPUTABLE = "not_computable"


def how_computed(ref_id: str) -> str:
    """Say in words how a figure of the reference table is computed from the data.

    Survey figures: ``measures.describe`` (e.g. ``share of gender == "Female" among all
    respondents``); conversation figures: ``conversations.measures.describe`` of the id's
    spec. The text depends on the id alone, never on a dataset.
    """
    from survivors_perspectives.conversations.measures import MEASURE_SPECS, describe
    from survivors_perspectives.survey import measures

    if ref_id in MEASURE_SPECS:
        return describe(MEASURE_SPECS[ref_id])
    return measures.describe(ref_id) or NO_MEASURE


def replication_table(
    reference: pd.DataFrame, survey: pd.DataFrame, conversations: pd.DataFrame
) -> pd.DataFrame:
    """Compare every row of the reference table with the data.

    Parameters
    ----------
    reference : DataFrame
        The published reference table (``reference.load_reference()``).
    survey, conversations : DataFrame
        The validated survey and conversation frames.

    Returns
    -------
    DataFrame
        One row per reference row, columns :data:`REPLICATION_COLUMNS`, sorted by id:
        ``note`` says why a figure has its status (from ``fidelity.compare``),
        ``reference_note`` is the reference table's own note on the figure, ``computed_as``
        how the figure is computed (:func:`how_computed`).
    """
    from survivors_perspectives.analyses.fidelity import compare

    compared = compare(reference, survey, conversations)
    missing = {"id", "published", "reproduced", "status"} - set(compared.columns)
    if missing:
        raise KeyError(
            f"fidelity.compare: expected columns {sorted(missing)} in its result, found "
            f"{sorted(compared.columns)}"
        )
    meta = reference.set_index("id")[["quantity", "unit", "note"]].rename(
        columns={"note": "reference_note"}
    )
    table = compared.drop_duplicates("id").join(meta, on="id")
    for column in ("difference", "tolerance", "note"):
        if column not in table:
            table[column] = pd.NA
    table["status"] = table["status"].fillna(NOT_COMPUTABLE)
    table["computed_as"] = [how_computed(ref_id) for ref_id in table["id"]]
    table = _withhold_unpublished_country_values(table, reference, survey, conversations)
    table = table.sort_values("id", kind="stable")
    return table[list(REPLICATION_COLUMNS)].reset_index(drop=True)


#: The note of a country figure withheld by the disclosure policy.
WITHHELD_NOTE = (
    "value withheld: a country figure that differs from the published one could reveal a "
    "count of one to four people (disclosure control)"
)


def _withhold_unpublished_country_values(
    table: pd.DataFrame, reference: pd.DataFrame, survey: pd.DataFrame, conversations
) -> pd.DataFrame:
    """Blank the recomputed value of each country figure the report did not publish as is.

    See :func:`survivors_perspectives.disclosure.policy.country_figure_allowed`: the data's
    country size (respondents, or participants for the conversations) must be the figure's
    published base. The status (reproduced or not) stays, so the comparison still counts.
    """
    from survivors_perspectives.disclosure.policy import country_figure_allowed

    sizes = {"survey": survey["country"].value_counts().to_dict()}
    if conversations is not None and "country" in conversations:
        sizes["conversations"] = conversations["country"].value_counts().to_dict()
    bases = reference.drop_duplicates("id").set_index("id")["base"]
    data_base = [
        sizes.get("conversations" if topic == "conversations" else "survey", {}).get(scope)
        for topic, scope in zip(table["topic"], table["scope"], strict=True)
    ]
    published_base = pd.to_numeric(table["id"].map(bases), errors="coerce")
    table = table.copy()
    computed = table["reproduced"].notna()
    allowed = [
        country_figure_allowed(scope, value, published, size, base)
        for scope, value, published, size, base in zip(
            table["scope"],
            table["reproduced"],
            table["published"],
            data_base,
            published_base,
            strict=True,
        )
    ]
    withhold = computed & ~pd.Series(allowed, index=table.index)
    table.loc[withhold, ["reproduced", "difference"]] = float("nan")
    notes = table.loc[withhold, "note"].fillna("").astype(str)
    table.loc[withhold, "note"] = [
        f"{note}; {WITHHELD_NOTE}" if note else WITHHELD_NOTE for note in notes
    ]
    return table


def write_replication(
    reference: pd.DataFrame,
    survey: pd.DataFrame,
    conversations: pd.DataFrame,
    path: Path | str,
) -> pd.DataFrame:
    """Write the replication table to ``path`` (CSV, fixed float format) and return it."""
    table = replication_table(reference, survey, conversations)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, float_format="%.4f", lineterminator="\n")
    return table


def load_replication(path: Path | str) -> pd.DataFrame:
    """Read ``replication.csv``, or say how to build it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no replication table yet; run `python -m survivors_perspectives.build.derive`"
        )
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def summary_counts(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Count figures per ``by`` (``topic`` or ``scope``) and status, with a share reproduced."""
    counts = pd.crosstab(table[by], table["status"])
    if REPRODUCED not in counts:
        counts[REPRODUCED] = 0
    ordered = [REPRODUCED, *sorted(c for c in counts.columns if c != REPRODUCED)]
    counts = counts[ordered]
    counts["figures"] = counts.sum(axis=1)
    counts["share reproduced"] = (counts[REPRODUCED] / counts["figures"]).map("{:.0%}".format)
    counts.columns.name = None
    return counts.reset_index()


def not_reproduced(table: pd.DataFrame) -> pd.DataFrame:
    """Return the rows not reproduced, with the reference table's note on each."""
    rows = table[table["status"] != REPRODUCED]
    return rows[["id", "scope", "published", "reproduced", "status", "note"]].reset_index(drop=True)
