"""One look for every figure in the book: theme, country colours, captions and alt text.

Readers compare countries across chapters, so a country keeps one colour everywhere. The
palette is Okabe-Ito, chosen because its colours stay distinguishable under the common forms
of colour-vision deficiency. Figures are built on :class:`matplotlib.figure.Figure` directly,
not through pyplot, so the inline backend never shows a second, uncaptioned copy; they are
shown as HTML ``<figure>`` elements holding a PNG with alt text and a numbered caption. PNG
files carry no timestamp, and the ``Software`` key is dropped, so two builds give identical
bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import textwrap
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

#: Pixels per inch of the embedded PNGs: sharp on screen, small enough to keep pages light.
DPI = 110
#: Pixels drawn per CSS pixel in the embedded PNG: 2 keeps text and lines sharp on HiDPI
#: screens and phones (a 1x PNG is blurry there); the image is shown at its 1x size.
PIXEL_RATIO = 2


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
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    mpl.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "svg.hashsalt": "survivors-perspectives",
            "axes.titleweight": "bold",
            "axes.spines.right": False,
            "axes.spines.top": False,
        }
    )


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
    _png: bytes | None = field(default=None, repr=False)

    def png(self) -> bytes:
        """Return the figure as PNG bytes with no time or software metadata."""
        if self._png is None:
            buffer = io.BytesIO()
            # No bbox_inches="tight": constrained layout already keeps every label inside the
            # canvas (tests/test_plots.py checks each chapter's figures), and the tight box
            # costs a second draw, a third of a chapter's rendering time.
            self.fig.savefig(
                buffer, format="png", dpi=DPI * PIXEL_RATIO, metadata={"Software": None}
            )
            self._png = buffer.getvalue()
        return self._png

    @property
    def label(self) -> str:
        """Return ``"Figure N: caption"`` (or the caption alone when not numbered)."""
        return self.caption if self.number is None else f"Figure {self.number}: {self.caption}"

    def to_html(self) -> str:
        """Return an HTML ``<figure>`` with the embedded PNG, its alt text and caption."""
        data = base64.b64encode(self.png()).decode("ascii")
        # Drawn at PIXEL_RATIO times the size it is shown at (width/height in CSS pixels).
        width, height = (round(v * DPI) for v in self.fig.get_size_inches())
        return (
            '<figure class="sp-figure">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" '
            f'width="{width}" height="{height}" style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(self.label)}</figcaption></figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<{self.label}>"


def new_figure(width: float = 7.0, height: float = 3.6) -> tuple[MplFigure, object]:
    """Return a figure and its single axes, outside pyplot's state."""
    fig = MplFigure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def spread_labels(ax, texts: list, pad_px: float = 3.0) -> None:
    """Move a column of labels apart vertically until no two overlap, keeping their order.

    Each label stays as close as it can to the height it was drawn at (the middle of the
    block it names); labels of small blocks side by side, which would sit on top of each
    other, are pushed apart by their drawn heights plus ``pad_px`` pixels. Works on the axes
    as laid out (the figure is drawn once to measure the labels), in either direction of
    the y axis.
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
    frame = pd.DataFrame({"country": values.index.astype(str), "value": values.to_numpy()})
    fig, ax = new_figure(7.0, 0.45 * len(frame) + 1.2)
    sns.barplot(
        data=frame,
        y="country",
        x="value",
        hue="country",
        palette=country_palette(frame["country"]),
        legend=False,
        saturation=1,
        ax=ax,
    )
    if highlight is not None:
        for patch, name in zip(ax.patches, frame["country"], strict=False):
            patch.set_alpha(1.0 if name == highlight else 0.35)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%" if percent else "%.0f", padding=3, fontsize=9)
    if percent:
        ax.set_xlim(0, 105)
        _percent_axis(ax, "x")
    ax.set_xlabel(xlabel)
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
    frame = frame.assign(
        **{category: frame[category].map(lambda t: textwrap.fill(str(t), 34)).astype(str)}
    )
    order = list(dict.fromkeys(frame[category]))  # as given; "withheld" labels use it too
    n_categories = len(order)
    fig, ax = new_figure(
        7.0, max(2.4, 0.55 * n_categories * max(1, frame[group].nunique()) / 2 + 1.2)
    )
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
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%" if percent else "%.0f", padding=3, fontsize=8)
    _label_withheld(ax, frame, category, value, group, order, list(palette))
    if percent:
        ax.set_xlim(0, 110)
        _percent_axis(ax, "x")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    legend = ax.get_legend()
    if legend is not None:
        # Above the axes, so it never covers a bar or its label.
        sns.move_legend(
            ax,
            "lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=min(3, len(palette)),
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
            fontsize=8,
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
    frame = pd.DataFrame({"category": values.index.astype(str), "value": values.to_numpy()})
    fig, ax = new_figure(7.0, 0.42 * len(frame) + 1.2)
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
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%", padding=3, fontsize=9)
    ax.set_xlim(0, 105)
    _percent_axis(ax, "x")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    return Figure(fig=fig, caption=caption, alt=alt)


set_theme()
