"""Figures for the conversations chapter: theme heatmap, co-occurrence, disclosure flow.

Built on matplotlib and seaborn only, through the book-wide :class:`~survivors_perspectives.
plots.Figure` so each figure carries a caption and alt text and renders to identical bytes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from survivors_perspectives.disclosure.policy import SUPPRESSED, WITHHELD, is_small
from survivors_perspectives.pages.plots import (
    FONT_PT,
    MAX_WIDTH,
    OKABE_ITO,
    Figure,
    new_figure,
    spread_labels,
    wrap,
)

#: Characters per line of a label of the flow figure (about 1.2 inches at FONT_PT): three
#: columns of labels and two of bands share MAX_WIDTH.
FLOW_LABEL_CHARACTERS = 13
#: Characters per line of a theme label beside a heatmap.
THEME_LABEL_CHARACTERS = 24
#: Grey of the markers written in hidden cells: 7.5:1 on white.
MARKER_COLOUR = "#555555"


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
    names = [wrap(name, THEME_LABEL_CHARACTERS) for name in counts.index]
    row_inches = 0.2 * max(name.count("\n") + 1 for name in names) + 0.06
    fig, ax = new_figure(width=MAX_WIDTH, height=2.4 + row_inches * len(counts))
    share = share.set_axis(names, axis=0)
    sns.heatmap(
        share,
        ax=ax,
        mask=mask,
        cmap="Blues",
        vmin=0,
        vmax=1,
        annot=notes.where(~hidden, "").to_numpy(),
        annot_kws={"fontsize": FONT_PT},
        fmt="",
        cbar_kws={"label": "Share of the country's participants"},
        linewidths=0.5,
        linecolor="white",
    )
    for row, col in zip(*np.nonzero(mask), strict=True):
        marker = markers.iloc[row, col]
        ax.text(
            col + 0.5,
            row + 0.5,
            marker,
            ha="center",
            va="center",
            fontsize=FONT_PT,
            color=MARKER_COLOUR,
        )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    ax.tick_params(axis="x", rotation=90, labelsize=FONT_PT, labeltop=True, labelbottom=False)
    ax.tick_params(axis="y", rotation=0, labelsize=FONT_PT)
    # A wider margin: the colour bar's turned title otherwise ends a pixel past the edge.
    fig.get_layout_engine().set(w_pad=6 / 72)
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
    # Rows are named in full and numbered; columns carry the same numbers, which fit above
    # narrow columns where ten names, even turned on end, would not.
    named = matrix.rename(index=labels, columns=labels)
    names = [
        wrap(f"{i}. {name}", THEME_LABEL_CHARACTERS) for i, name in enumerate(named.index, start=1)
    ]
    numbered = named.set_axis(names, axis=0).set_axis(
        [str(i) for i in range(1, len(named) + 1)], axis=1
    )
    upper = np.triu(np.ones_like(named.to_numpy(), dtype=bool), k=1)
    if hidden is not None:
        upper = upper | hidden.to_numpy(bool)
    annot = True if shown is None else shown.to_numpy()
    row_inches = 0.2 * max(name.count("\n") + 1 for name in names) + 0.06
    fig, ax = new_figure(width=MAX_WIDTH, height=2.3 + row_inches * len(named))
    sns.heatmap(
        numbered,
        ax=ax,
        mask=upper,
        cmap="Purples",
        annot=annot,
        annot_kws={"fontsize": FONT_PT},
        fmt="d" if shown is None else "",
        cbar_kws={
            "label": "Participants coded with both",
            "orientation": "horizontal",
            "location": "bottom",
            "shrink": 0.8,
        },
        linewidths=0.5,
        linecolor="white",
    )
    ax.collections[0].colorbar.ax.xaxis.set_label_position("top")
    if hidden is not None:
        for row, col in zip(*np.nonzero(np.tril(hidden.to_numpy(bool))), strict=True):
            ax.text(
                col + 0.5,
                row + 0.5,
                shown.iloc[row, col],
                ha="center",
                va="center",
                fontsize=FONT_PT,
                color=MARKER_COLOUR,
            )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    ax.tick_params(labelsize=FONT_PT)
    ax.tick_params(axis="x", rotation=0, labeltop=True, labelbottom=False)
    ax.tick_params(axis="y", rotation=0)
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
    texts = {
        (column, label): wrap(
            f"{label} ({(labels or {}).get((column, label), int(top - bottom))})",
            FLOW_LABEL_CHARACTERS,
        )
        for column in columns
        for label, (bottom, top) in spans[column].items()
    }
    # Tall enough for the longest column of wrapped labels, stacked without touching.
    lines = max(
        sum(texts[column, label].count("\n") + 1.6 for label in spans[column]) for column in columns
    )
    fig, ax = new_figure(width=MAX_WIDTH, height=max(4.0, 0.2 * lines + 0.6))
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
            # Every label is wrapped, so the inner ones end before the next stage's bar.
            stage_labels.append(
                ax.text(
                    stage_index + offset,
                    (bottom + top) / 2,
                    texts[column, label],
                    ha=align,
                    va="center",
                    fontsize=FONT_PT,
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
                )
            )
        placed.append(stage_labels)
    # Room for a column of wrapped labels on each side (a stage is about 1.3 inches apart).
    ax.set_xlim(-0.95, len(columns) - 1 + 0.95)
    ax.invert_yaxis()
    ax.axis("off")
    # Small blocks side by side would put their labels on top of each other. Laid out once
    # and then fixed: laid out again after labels move, the axes would change size and bring
    # the labels of a column spread earlier back together.
    FigureCanvasAgg(fig).draw()
    fig.set_layout_engine("none")
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
