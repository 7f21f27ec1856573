"""Figures for the conversations chapter: theme heatmap, co-occurrence, disclosure flow.

Built on matplotlib and seaborn only, through the book-wide :class:`~survivors_perspectives.
plots.Figure` so each figure carries a caption and alt text and renders to identical bytes.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Rectangle

from survivors_perspectives.disclosure.policy import SUPPRESSED, WITHHELD, is_small
from survivors_perspectives.plots import OKABE_ITO, Figure, new_figure, spread_labels

#: Characters per line of a label between two stages of the flow figure.
INNER_LABEL_CHARACTERS = 22


def theme_heatmap(counts: pd.DataFrame, sizes: pd.Series, hidden: pd.DataFrame) -> Figure:
    """Shade each theme x country cell by the share of that country's participants.

    Hidden cells (see :func:`..tables.theme_country_matrix`) are left blank and marked, so
    the colour never reveals a suppressed count.
    """
    share = counts.div(sizes[counts.columns], axis=1).astype(float)
    mask = hidden.to_numpy()
    # A hidden cell is marked as the table marks it: "<5" only when it is small.
    markers = counts.map(lambda n: SUPPRESSED if is_small(n) else WITHHELD)
    notes = counts.astype(str)
    height = 1.2 + 0.28 * len(counts)
    fig, ax = new_figure(width=7.5, height=height)
    sns.heatmap(
        share,
        ax=ax,
        mask=mask,
        cmap="Blues",
        vmin=0,
        vmax=1,
        annot=notes.where(~hidden, ""),
        fmt="",
        cbar_kws={"label": "Share of the country's participants"},
        linewidths=0.5,
        linecolor="white",
    )
    for row, col in zip(*np.nonzero(mask), strict=True):
        marker = markers.iloc[row, col]
        ax.text(col + 0.5, row + 0.5, marker, ha="center", va="center", fontsize=8, color="#555555")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    ax.tick_params(axis="y", labelsize=8)
    return Figure(
        fig,
        caption="Themes coded in each country's conversations (synthetic records)",
        alt=(
            f"Heatmap of {len(counts)} themes by {len(counts.columns)} columns; darker cells "
            "mean a larger share of that country's participants; cells of one to four people "
            f"that the report did not publish are blank and marked {SUPPRESSED}; cells withheld "
            f"to protect them are blank and marked {WITHHELD}."
        ),
    )


def cooccurrence_heatmap(
    matrix: pd.DataFrame,
    labels: pd.Series,
    shown: pd.DataFrame | None = None,
    hidden: pd.DataFrame | None = None,
) -> Figure:
    """Show how often two themes were coded for the same participant (lower triangle).

    ``shown`` and ``hidden`` (from :func:`..tables.shown_cooccurrence`) give each cell's
    text and the cells to leave uncoloured, so neither the number nor the colour reveals a
    hidden count; without them every count is written.
    """
    named = matrix.rename(index=labels, columns=labels)
    upper = np.triu(np.ones_like(named.to_numpy(), dtype=bool), k=1)
    if hidden is not None:
        upper = upper | hidden.to_numpy(bool)
    annot = True if shown is None else shown.rename(index=labels, columns=labels)
    size = 1.5 + 0.38 * len(named)
    fig, ax = new_figure(width=size + 1.5, height=size)
    sns.heatmap(
        named,
        ax=ax,
        mask=upper,
        cmap="Purples",
        annot=annot,
        fmt="d" if shown is None else "",
        cbar_kws={"label": "Participants coded with both"},
        linewidths=0.5,
        linecolor="white",
    )
    if hidden is not None:
        for row, col in zip(*np.nonzero(np.tril(hidden.to_numpy(bool))), strict=True):
            ax.text(
                col + 0.5,
                row + 0.5,
                shown.iloc[row, col],
                ha="center",
                va="center",
                fontsize=8,
                color="#555555",
            )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    ax.tick_params(labelsize=8)
    return Figure(
        fig,
        caption="How often barriers to disclosure were coded together (all countries, synthetic)",
        alt=(
            f"Lower-triangle heatmap of {len(named)} themes; each cell counts participants "
            "coded with both themes, the diagonal counts each theme alone"
            + (
                ""
                if hidden is None
                else f"; cells of one to four people are blank and marked {SUPPRESSED}, "
                f"cells withheld to protect them blank and marked {WITHHELD}"
            )
            + "."
        ),
    )


def _stage_blocks(flows: pd.DataFrame, column: str, order: list[str], gap: float) -> dict:
    """Return the vertical span (bottom, top) of each category of one stage."""
    totals = flows.groupby(column)["participants"].sum()
    spans, y = {}, 0.0
    for label in [o for o in order if o in totals.index]:
        spans[label] = (y, y + float(totals[label]))
        y += float(totals[label]) + gap
    return spans


def _band(ax, x0, x1, y0, y1, height, colour) -> None:
    """Draw one smooth band of ``height`` from (x0, y0) to (x1, y1)."""
    xs = np.linspace(x0, x1, 60)
    t = (1 - np.cos(np.pi * (xs - x0) / (x1 - x0))) / 2
    bottom = y0 + (y1 - y0) * t
    ax.fill_between(xs, bottom, bottom + height, color=colour, alpha=0.45, linewidth=0)


def disclosure_flow(
    flows: pd.DataFrame, stages: dict[str, list[str]], labels: dict | None = None
) -> Figure:
    """Draw an alluvial diagram of the pathways in :func:`..tables.disclosure_pathways`.

    Parameters
    ----------
    flows
        One row per combination of stages with a ``participants`` count.
    stages
        Stage column -> category order, left to right.
    labels
        ``(stage, category) -> count as shown`` (:func:`..tables.flow_stage_labels`, which
        hides counts of one to four); the exact count when omitted.
    """
    columns = list(stages)
    gap = 1.5
    spans = {c: _stage_blocks(flows, c, stages[c], gap) for c in columns}
    palette = [OKABE_ITO[k] for k in ("blue", "orange", "bluish green", "reddish purple")]
    palette += [OKABE_ITO["vermillion"], OKABE_ITO["grey"]]
    route_colour = {label: palette[i % len(palette)] for i, label in enumerate(stages[columns[1]])}
    fig, ax = new_figure(width=8.0, height=4.8)
    width = 0.12
    for stage_index in range(len(columns) - 1):
        left, right = columns[stage_index], columns[stage_index + 1]
        cursor_left = {k: v[0] for k, v in spans[left].items()}
        cursor_right = {k: v[0] for k, v in spans[right].items()}
        ordered = flows.groupby([left, right, columns[1]], sort=False)["participants"].sum()
        for (a, b, route), n in ordered.items():
            _band(
                ax,
                stage_index + width / 2,
                stage_index + 1 - width / 2,
                cursor_left[a],
                cursor_right[b],
                float(n),
                route_colour.get(route, OKABE_ITO["grey"]),
            )
            cursor_left[a] += n
            cursor_right[b] += n
    placed = []
    for stage_index, column in enumerate(columns):
        stage_labels = []
        for label, (bottom, top) in spans[column].items():
            ax.add_patch(
                Rectangle((stage_index - width / 2, bottom), width, top - bottom, color="#333333")
            )
            align = "right" if stage_index == 0 else "left"
            offset = -width if stage_index == 0 else width
            # Inner stages' labels sit between two bars: wrapped so they end before the next.
            shown = (labels or {}).get((column, label), int(top - bottom))
            text = f"{label} ({shown})"
            if 0 < stage_index < len(columns) - 1:
                text = textwrap.fill(text, INNER_LABEL_CHARACTERS)
            stage_labels.append(
                ax.text(
                    stage_index + offset,
                    (bottom + top) / 2,
                    text,
                    ha=align,
                    va="center",
                    fontsize=8,
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
                )
            )
        placed.append(stage_labels)
    ax.set_xlim(-1.3, len(columns) - 1 + 1.3)
    ax.invert_yaxis()
    ax.axis("off")
    # Small blocks side by side would put their labels on top of each other.
    for stage_labels in placed:
        spread_labels(ax, stage_labels)
    return Figure(
        fig,
        caption=(
            "From awareness of reporting routes, to how the situation came to light, to referral "
            "by the authorities (all countries, synthetic records)"
        ),
        alt=(
            f"Alluvial diagram over {int(flows['participants'].sum())} participants in three "
            "stages: prior awareness, route of disclosure, and referral to an NGO; band "
            "widths are numbers of participants, coloured by route."
        ),
    )
