"""One look for every figure in the book: theme, country colours, captions and alt text.

Readers compare countries across chapters, so a country keeps one colour everywhere. The
palette is Okabe-Ito, chosen because its colours stay distinguishable under the common forms
of colour-vision deficiency; several of its colours are too light to stand out from a white
page on their own, so every bar is drawn with a dark outline (WCAG 1.4.11 asks 3:1 for the
parts of a graphic a reader needs). Figures are built on :class:`matplotlib.figure.Figure`
directly, not through pyplot, so the inline backend never shows a second, uncaptioned copy;
they are shown as HTML ``<figure>`` elements holding an SVG (sharp at any zoom and on HiDPI
screens) with alt text and a numbered caption.

Sized for a phone: at most :data:`MAX_WIDTH` inches wide and no text under :data:`FONT_PT`
points, so a figure shrunk to a 390 px screen still has labels of about 11 px; long
category labels are wrapped (:func:`wrap`) rather than left to squeeze the bars.

Deterministic: the SVG's ids come from a fixed ``svg.hashsalt``, glyphs are drawn as paths
(the browser draws exactly the text matplotlib measured, so the layout checks in
tests/test_plots.py hold on screen), and the date and creator are left out of the metadata,
so two builds give identical bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure as MplFigure

from survivors_perspectives.countries import COUNTRIES

#: Okabe-Ito colours (Okabe and Ito 2008), black left out because text is black.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "grey": "#999999",
}

#: The colour of each study country, fixed once for the whole book.
COUNTRY_COLOURS: dict[str, str] = dict(
    zip(
        COUNTRIES,
        [
            OKABE_ITO["orange"],
            OKABE_ITO["sky blue"],
            OKABE_ITO["bluish green"],
            OKABE_ITO["blue"],
            OKABE_ITO["vermillion"],
            OKABE_ITO["reddish purple"],
        ],
        strict=True,
    )
)

#: Colour for "all countries" bars drawn beside one country.
ALL_COUNTRIES_COLOUR = OKABE_ITO["grey"]

#: Colours for the child's gender, used wherever boys and girls are compared.
CHILD_GENDER_COLOURS: dict[str, str] = {"Boys": OKABE_ITO["blue"], "Girls": OKABE_ITO["orange"]}

#: Extra colours for a country outside the study design (real data with another country).
_EXTRA_COLOURS = ("#000000", "#8C510A", "#01665E", "#762A83", "#1B7837", "#B35806")

#: Label drawn in place of a bar whose value is withheld (missing).
WITHHELD = "withheld"

#: Widest figure, in inches: shown at most this wide, a figure shrunk to a 390 px phone keeps
#: three quarters of its size, so text of FONT_PT points stays about 11 px there.
MAX_WIDTH = 5.0
#: Smallest text in any figure, in points (ticks, bar labels, annotations, legends).
FONT_PT = 11.0
#: CSS pixels per inch at which a figure is shown (the CSS inch): 5 inches -> 480 px.
CSS_DPI = 96
#: The outline of every bar: dark enough for 3:1 against the white background whatever the
#: fill (Okabe-Ito's yellow, sky blue and orange are under 2.5:1 on their own).
OUTLINE = "#333333"
#: Width of the bar outlines, in points.
OUTLINE_WIDTH = 0.8
#: The background every figure is drawn on.
BACKGROUND = "#FFFFFF"
#: SVG metadata: no date and no matplotlib version, so the bytes depend on the figure alone.
SVG_METADATA: dict[str, None] = {"Date": None, "Creator": None}
#: Characters per line of a wrapped category label (about 1.8 inches at FONT_PT).
LABEL_CHARACTERS = 20
#: Characters per line of an axis title (about 3.3 inches at FONT_PT).
AXIS_LABEL_CHARACTERS = 36


def country_colour(country: str) -> str:
    """Return the fixed colour of ``country``.

    A country outside the study design gets a colour chosen from its name's SHA-256, so it
    is the same in every figure and every build without a registry of names.
    """
    if country in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[country]
    digest = hashlib.sha256(country.encode("utf-8")).digest()
    return _EXTRA_COLOURS[digest[0] % len(_EXTRA_COLOURS)]


def country_palette(countries: Iterable[str]) -> dict[str, str]:
    """Return ``{country: colour}`` for seaborn's ``palette`` argument."""
    return {country: country_colour(country) for country in countries}


def set_theme() -> None:
    """Apply the book's seaborn theme and deterministic output settings.

    Called on import of this module so every notebook that draws gets the same look;
    calling it again is harmless.
    """
    sns.set_theme(context="notebook", style="whitegrid")
    mpl.rcParams.update(
        {
            "figure.dpi": CSS_DPI,
            "savefig.dpi": CSS_DPI,
            "figure.facecolor": BACKGROUND,
            "axes.facecolor": BACKGROUND,
            "savefig.facecolor": BACKGROUND,
            "svg.hashsalt": "survivors-perspectives",
            "svg.fonttype": "path",
            "font.size": FONT_PT,
            "axes.labelsize": FONT_PT,
            "axes.titlesize": FONT_PT + 1,
            "xtick.labelsize": FONT_PT,
            "ytick.labelsize": FONT_PT,
            "legend.fontsize": FONT_PT,
            "legend.title_fontsize": FONT_PT,
            "figure.titlesize": FONT_PT + 1,
            "axes.titleweight": "bold",
            "axes.spines.right": False,
            "axes.spines.top": False,
        }
    )
    _svg_in_notebooks()


def _svg_in_notebooks() -> None:
    """Make a bare matplotlib figure shown in a notebook an SVG too, like :class:`Figure`.

    The book's figures are :class:`Figure` objects that render themselves; this covers a
    figure a student draws in JupyterLab, with the same deterministic settings (the
    notebooks call no ``%config`` of their own). Does nothing outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg", metadata=SVG_METADATA)


def wrap(label: object, width: int = LABEL_CHARACTERS) -> str:
    """Return ``label`` wrapped at ``width`` characters per line.

    A long category label then takes two or three short lines rather than half the figure's
    width (or runs off its edge). Lines break after a space or a full stop (a dotted id such as
    ``services.counselling_individual`` breaks after its dot); a word longer than ``width``
    is kept whole, on a line of its own, rather than cut.
    """
    lines = [""]
    for piece in re.split(r"(?<=[ .])", " ".join(str(label).split())):
        if lines[-1] and len(lines[-1] + piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(line.rstrip() for line in lines)


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2 relative luminance of a colour (``"#RRGGBB"`` or a matplotlib name)."""
    red, green, blue = mpl.colors.to_rgb(colour)

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: str, second: str = BACKGROUND) -> float:
    """Return the WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def outline_bars(ax) -> None:
    """Draw every bar of ``ax`` with the dark :data:`OUTLINE`, so light fills keep 3:1."""
    for patch in ax.patches:
        patch.set_edgecolor(OUTLINE)
        patch.set_linewidth(OUTLINE_WIDTH)


@dataclass
class Numbering:
    """Numbers figures and tables in the order a chapter shows them.

    Sphinx numbers only directive figures, not notebook outputs, so each chapter keeps
    its own counters; the numbers restart on each page, as chapter-local numbering does.
    """

    figures: int = 0
    tables: int = 0

    def next_figure(self) -> int:
        """Return the next figure number."""
        self.figures += 1
        return self.figures

    def next_table(self) -> int:
        """Return the next table number."""
        self.tables += 1
        return self.tables


@dataclass
class Figure:
    """A drawn figure with the caption and alt text a reader (or screen reader) needs.

    Attributes
    ----------
    fig
        The matplotlib figure.
    caption
        What the figure shows, without its number (added when shown).
    alt
        A text alternative stating what the figure shows and its main numbers.
    number
        The figure number within the chapter, or ``None`` until numbered.
    """

    fig: MplFigure
    caption: str
    alt: str
    number: int | None = None
    _svg: bytes | None = field(default=None, repr=False)

    def svg(self) -> bytes:
        """Return the figure as SVG bytes, identical for identical figures."""
        if self._svg is None:
            buffer = io.BytesIO()
            # No bbox_inches="tight": constrained layout already keeps every label inside the
            # canvas (tests/test_plots.py checks each chapter's figures), and the tight box
            # costs a second draw, a third of a chapter's rendering time.
            self.fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
            self._svg = buffer.getvalue()
        return self._svg

    @property
    def label(self) -> str:
        """Return ``"Figure N: caption"`` (or the caption alone when not numbered)."""
        return self.caption if self.number is None else f"Figure {self.number}: {self.caption}"

    def to_html(self) -> str:
        """Return an HTML ``<figure>`` with the embedded SVG, its alt text and caption.

        An ``<img>`` rather than inline ``<svg>``: the alt text stays an ``alt`` a screen
        reader announces, and the figures' ids (the same salt in every figure) cannot clash
        on a page. Its width and height (CSS pixels) give the figure's space before it loads;
        on a narrow screen the style shrinks it to the column.
        """
        data = base64.b64encode(self.svg()).decode("ascii")
        width, height = (round(v * CSS_DPI) for v in self.fig.get_size_inches())
        return (
            '<figure class="sp-figure">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
            f'width="{width}" height="{height}" style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(self.label)}</figcaption></figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<{self.label}>"


def new_figure(width: float = MAX_WIDTH, height: float = 3.6) -> tuple[MplFigure, object]:
    """Return a figure and its single axes, outside pyplot's state, at most MAX_WIDTH wide."""
    if width > MAX_WIDTH:
        raise ValueError(f"a figure is at most {MAX_WIDTH} inches wide, not {width}")
    fig = MplFigure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def spread_labels(ax, texts: list, pad_px: float = 3.0) -> None:
    """Move a column of labels apart vertically until no two overlap, keeping their order.

    Each label stays as close as it can to the height it was drawn at (the middle of the
    block it names); labels of small blocks side by side, which would sit on top of each
    other, are pushed apart by their drawn heights plus ``pad_px`` pixels. Works on the axes
    as laid out (the figure is drawn once to measure the labels), in either direction of
    the y axis. The figure's layout should be fixed first (``fig.set_layout_engine("none")``
    after a draw): laid out again, the axes would change size and the labels' gaps with it.
    """
    if len(texts) < 2:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(ax.figure)
    canvas.draw()  # lays the figure out, so labels are measured where they will be drawn
    renderer = canvas.get_renderer()
    to_pixels = ax.transData
    from_pixels = to_pixels.inverted()
    items = []
    for text in texts:
        x, y = text.get_position()
        box = text.get_window_extent(renderer)
        items.append((to_pixels.transform((x, y))[1], box.height + 2 * pad_px, text, x))
    items.sort(key=lambda item: item[0])
    centres = [items[0][0]]
    for (_, height, _, _), (wanted, own, _, _) in pairwise(items):
        centres.append(max(wanted, centres[-1] + (height + own) / 2))
    # Pushing apart moves labels one way only; a common shift (which keeps them apart)
    # brings the column back to where its labels were wanted, on average.
    shift = sum(item[0] - centre for item, centre in zip(items, centres, strict=True)) / len(items)
    # ... but never past the axes' bottom or top, where the labels would leave the figure
    # (the column is kept inside whenever it is shorter than the axes).
    bottom, top = ax.get_window_extent(renderer).intervaly
    low = centres[0] - items[0][1] / 2 + shift
    high = centres[-1] + items[-1][1] / 2 + shift
    if low < bottom:
        shift += bottom - low
    elif high > top:
        shift -= high - top
    for centre, (_, _, text, x) in zip(centres, items, strict=True):
        pixel_x = to_pixels.transform((x, 0))[0]
        text.set_position((x, from_pixels.transform((pixel_x, centre + shift))[1]))


def _percent_axis(ax, axis: str = "x") -> None:
    """Label an axis 0-100 in percent."""
    formatter = mpl.ticker.PercentFormatter(xmax=100, decimals=0)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def country_bars(
    values: pd.Series,
    *,
    caption: str,
    alt: str,
    xlabel: str,
    highlight: str | None = None,
    percent: bool = True,
) -> Figure:
    """Draw one horizontal bar per country, in the countries' fixed colours.

    Parameters
    ----------
    values
        Indexed by country name.
    highlight
        A country drawn at full opacity while the others are faded, for a country chapter
        that shows its country against the rest.
    percent
        Whether the values are percentages (the axis then runs 0-100 %).
    """
    names = [wrap(name, 14) for name in values.index.astype(str)]
    frame = pd.DataFrame({"country": names, "value": values.to_numpy()})
    lines = sum(name.count("\n") + 1 for name in names)
    fig, ax = new_figure(MAX_WIDTH, 0.2 * lines + 0.3 * len(frame) + 1.2)
    sns.barplot(
        data=frame,
        y="country",
        x="value",
        hue="country",
        palette=dict(zip(names, country_palette(values.index.astype(str)).values(), strict=True)),
        legend=False,
        saturation=1,
        ax=ax,
    )
    outline_bars(ax)
    if highlight is not None:
        for patch, name in zip(ax.patches, values.index.astype(str), strict=False):
            # Only the fill fades: the outline keeps every bar's 3:1 contrast.
            alpha = 1.0 if name == highlight else 0.35
            patch.set_facecolor(mpl.colors.to_rgba(patch.get_facecolor(), alpha))
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%" if percent else "%.0f", padding=3, fontsize=FONT_PT)
    if percent:
        ax.set_xlim(0, 112)
        _percent_axis(ax, "x")
        ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(wrap(xlabel, AXIS_LABEL_CHARACTERS))
    ax.set_ylabel("")
    return Figure(fig=fig, caption=caption, alt=alt)


def compare_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    group: str,
    palette: dict[str, str],
    caption: str,
    alt: str,
    xlabel: str,
    percent: bool = True,
) -> Figure:
    """Draw grouped horizontal bars: one bar per group within each category.

    Used for a country beside all six countries, or boys beside girls. A missing value (a
    share withheld to protect respondents) draws no bar but the word "withheld", so the gap
    cannot be read as zero.
    """
    # Long answer labels (barriers, beliefs) wrap instead of squeezing the bars.
    frame = frame.assign(**{category: frame[category].map(wrap).astype(str)})
    order = list(dict.fromkeys(frame[category]))  # as given; "withheld" labels use it too
    # Each category needs room for its bars (one per group) and for its wrapped label.
    per_category = [
        max(0.25 * max(1, frame[group].nunique()) + 0.1, 0.2 * (name.count("\n") + 1) + 0.1)
        for name in order
    ]
    legend_rows = -(-len(palette) // 2)
    fig, ax = new_figure(MAX_WIDTH, max(2.4, sum(per_category) + 1.0 + 0.25 * legend_rows))
    sns.barplot(
        data=frame,
        y=category,
        x=value,
        hue=group,
        order=order,
        hue_order=list(palette),
        palette=palette,
        dodge=True,
        saturation=1,
        ax=ax,
    )
    outline_bars(ax)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%" if percent else "%.0f", padding=3, fontsize=FONT_PT)
    _label_withheld(ax, frame, category, value, group, order, list(palette))
    if percent:
        ax.set_xlim(0, 118)
        _percent_axis(ax, "x")
        ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(wrap(xlabel, AXIS_LABEL_CHARACTERS))
    ax.set_ylabel("")
    legend = ax.get_legend()
    if legend is not None:
        # Above the axes, so it never covers a bar or its label.
        # Right-aligned with the axes: centred, a legend wider than the axes (long country
        # names) ran past the figure's right edge.
        sns.move_legend(
            ax,
            "lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncol=min(2, len(palette)),
            title=None,
            frameon=False,
        )
    return Figure(fig=fig, caption=caption, alt=alt)


def _label_withheld(
    ax, frame: pd.DataFrame, category: str, value: str, group: str, order, hues
) -> None:
    """Write "<group>: withheld" where seaborn drew no bar because the value is missing.

    The label names the group (``"Boys: withheld"``), so a reader knows whose bar is missing.

    Bars sit where seaborn's dodge puts them: categories at 0, 1, ... in ``order``, the
    groups (``hues``) sharing 0.8 of each slot.
    """
    position = {name: i for i, name in enumerate(order)}
    height = 0.8 / len(hues)
    for name, hue in frame.loc[frame[value].isna(), [category, group]].itertuples(index=False):
        if hue not in hues:
            continue
        y = position[name] - 0.4 + (hues.index(hue) + 0.5) * height
        ax.annotate(
            f"{hue}: {WITHHELD}",
            (0, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_PT,
        )


def distribution_bars(
    values: pd.Series,
    *,
    colour: str,
    caption: str,
    alt: str,
    xlabel: str,
) -> Figure:
    """Draw percentages of respondents per ordered category in one colour.

    ``values`` is indexed by category in display order.
    """
    names = [wrap(name) for name in values.index.astype(str)]
    frame = pd.DataFrame({"category": names, "value": values.to_numpy()})
    lines = sum(name.count("\n") + 1 for name in names)
    fig, ax = new_figure(MAX_WIDTH, 0.2 * lines + 0.3 * len(frame) + 1.2)
    sns.barplot(
        data=frame,
        y="category",
        x="value",
        hue="category",
        palette=dict.fromkeys(frame["category"], colour),
        legend=False,
        saturation=1,
        ax=ax,
    )
    outline_bars(ax)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%", padding=3, fontsize=FONT_PT)
    ax.set_xlim(0, 112)
    _percent_axis(ax, "x")
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(wrap(xlabel, AXIS_LABEL_CHARACTERS))
    ax.set_ylabel("")
    return Figure(fig=fig, caption=caption, alt=alt)


set_theme()
