"""Figures for the cross-country tests: effect sizes with intervals, and robustness spreads.

Built on :mod:`survivors_perspectives.pages.plots` (one theme, captions, alt text, deterministic
PNGs). Each function takes a table made by :mod:`cross_country` or :mod:`robustness` and
returns a :class:`plots.Figure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import MaxNLocator

from survivors_perspectives.pages import plots
from survivors_perspectives.pages.auditor_tables import humanise
from survivors_perspectives.published.printed_values import STATISTIC_TOLERANCE, significant
from survivors_perspectives.published.significance_tests import TESTS_BY_ID

#: Characters per line of a test's label.
_LABEL_CHARACTERS = 26


def _short(test_id: str) -> str:
    """Return a test's axis label: ``profile.gender.by_country.chi2`` -> words.

    The words come from the test's design (:attr:`PublishedTest.label`), the one home of a
    test's name; an id not among the published tests is made readable by
    :func:`survivors_perspectives.pages.auditor_tables.humanise`. The id stays in the
    chapter's tables beside the figure (on hover over each test's name).
    """
    test = TESTS_BY_ID.get(test_id)
    return test.label if test is not None else humanise(test_id)


def _in_sentence(test_id: str) -> str:
    """Return a test's label as it reads inside a sentence (alt text): no capital."""
    label = _short(test_id)
    return label[:1].lower() + label[1:]


def _lines(labels: list[str]) -> int:
    """Return the text lines a column of tick labels needs.

    Rows sit evenly spaced, so every row gets the height of the tallest label (else a
    four-line label runs into its neighbour).
    """
    return max((label.count("\n") + 1 for label in labels), default=1) * len(labels)


def effect_sizes(recomputed: pd.DataFrame) -> plots.Figure:
    """Draw each test's effect size with its 95% interval (Cramér's V and eta squared apart)."""
    plots.set_theme()
    data = recomputed.reset_index(drop=True)
    groups = list(data.groupby("effect_measure", sort=True))
    labels = [plots.wrap(_short(i), _LABEL_CHARACTERS) for i in data["id"]]
    lines = _lines(labels)
    fig = MplFigure(
        figsize=(plots.MAX_WIDTH, 0.19 * lines + 0.12 * len(data) + 1.0 * len(groups)),
        layout="constrained",
    )
    line_counts = [_lines([labels[i] for i in sub.index]) for _, sub in groups]
    axes = fig.subplots(len(groups), 1, height_ratios=line_counts, squeeze=False)[:, 0]
    for ax, (measure, sub) in zip(axes, groups, strict=True):
        y = np.arange(len(sub))
        colours = np.where(
            sub["p_adjusted"].map(significant), plots.OKABE_ITO["blue"], plots.OKABE_ITO["grey"]
        )
        ax.hlines(y, sub["effect_ci_low"], sub["effect_ci_high"], colors=colours, linewidth=2)
        ax.scatter(sub["effect_size"], y, c=colours, zorder=3, s=22)
        ax.set_yticks(y, [labels[i] for i in sub.index])
        ax.set_ylim(len(sub) - 0.5, -0.5)
        ax.set_xlabel(measure)
        # Four ticks at most, none at the right edge where its label would leave the canvas.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, prune="upper"))
        ax.set_xlim(0, 1.1 * float(sub["effect_ci_high"].max()))
    largest = data.loc[data["effect_size"].idxmax()]
    return plots.Figure(
        fig,
        caption="Effect size of each published test on these data, with its 95% confidence "
        "interval; blue where the test stays significant after the Holm adjustment.",
        alt=(
            f"Dot-and-interval plot of {len(data)} effect sizes. The largest is "
            f"{largest['effect_measure']} = {largest['effect_size']:.2f} for "
            f"{_in_sentence(largest['id'])}; "
            f"{int((data['effect_size'] < 0.1).sum())} of the {len(data)} are below 0.1."
        ),
    )


def robustness_spread(replicates: pd.DataFrame, summary: pd.DataFrame) -> plots.Figure:
    """Draw, per test, the replicates' statistic as a share of the published statistic."""
    plots.set_theme()
    published = summary.set_index("id")["published_statistic"]
    data = replicates.assign(ratio=replicates["statistic"] / replicates["id"].map(published))
    order = list(summary.sort_values("share_same_conclusion")["id"])
    labels = [plots.wrap(_short(i), _LABEL_CHARACTERS) for i in order]
    lines = _lines(labels)
    fig, ax = plots.new_figure(plots.MAX_WIDTH, 0.19 * lines + 0.12 * len(order) + 1.6)
    parts = [data.loc[data["id"] == i, "ratio"].to_numpy() for i in order]
    ax.boxplot(
        parts,
        orientation="horizontal",
        widths=0.6,
        showfliers=False,
        medianprops={"color": plots.OKABE_ITO["blue"], "linewidth": 2},
    )
    ax.set_yticks(np.arange(1, len(order) + 1), labels)
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.axvspan(
        1 - STATISTIC_TOLERANCE,
        1 + STATISTIC_TOLERANCE,
        color=plots.OKABE_ITO["sky blue"],
        alpha=0.12,
        linewidth=0,
    )
    ax.set_xlabel(plots.wrap("statistic on a synthetic replicate / published statistic", 36))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, prune="upper"))
    seeds = int(summary["replicates"].max())
    inside = float(
        ((data["ratio"] - 1).abs() <= STATISTIC_TOLERANCE).groupby(data["id"]).mean().median()
    )
    return plots.Figure(
        fig,
        caption=f"Spread of each test's statistic over {seeds} generator seeds, relative to the "
        "published value (dashed line); the shaded band is within 20% of it. Boxes show the "
        "middle half of the replicates and their median, whiskers the rest up to 1.5 times the "
        "box; a single line means the statistic is the same on every seed.",
        alt=(
            f"Box plots for {len(order)} tests of the replicate statistic divided by the published "
            f"one. For the median test, {inside:.0%} of the replicates fall within 20% of the "
            "published statistic."
        ),
    )


def robustness_conclusions(summary: pd.DataFrame) -> plots.Figure:
    """Draw, per test, the share of replicates that reach the published conclusion."""
    plots.set_theme()
    data = summary.sort_values("share_same_conclusion")
    labels = [plots.wrap(_short(i), _LABEL_CHARACTERS) for i in data["id"]]
    lines = _lines(labels)
    fig, ax = plots.new_figure(plots.MAX_WIDTH, 0.19 * lines + 0.12 * len(data) + 1.4)
    y = np.arange(len(data))
    ax.barh(
        y,
        100 * data["share_same_conclusion"],
        color=plots.OKABE_ITO["bluish green"],
        edgecolor=plots.OUTLINE,
        linewidth=plots.OUTLINE_WIDTH,
    )
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 100)
    plots._percent_axis(ax)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(plots.wrap("replicates reaching the published conclusion", 36))
    lowest = data.iloc[0]
    return plots.Figure(
        fig,
        caption=f"Share of {int(data['replicates'].max())} synthetic replicates in which each "
        "test reaches the report's conclusion (significant or not at 5%).",
        alt=(
            f"Horizontal bars for {len(data)} tests. The lowest share is "
            f"{lowest['share_same_conclusion']:.0%} for {_in_sentence(lowest['id'])}; "
            f"{int((data['share_same_conclusion'] >= 0.95).sum())} tests reach it in at least 95% "
            "of replicates."
        ),
    )
