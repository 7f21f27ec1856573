"""The shared look: a fixed colour per country, captions, alt text, byte-identical PNGs."""

import re

import pandas as pd

from survivors_perspectives import plots
from survivors_perspectives.countries import COUNTRIES


def test_palette_is_fixed_per_country_and_distinct():
    assert plots.COUNTRY_COLOURS["Albania"] == "#E69F00"
    assert plots.COUNTRY_COLOURS["Peru"] == "#CC79A7"
    colours = [plots.country_colour(c) for c in COUNTRIES]
    assert len(set(colours)) == len(COUNTRIES)
    assert all(c in plots.OKABE_ITO.values() for c in colours)
    # order of the request does not change a country's colour
    assert plots.country_palette(reversed(COUNTRIES)) == plots.country_palette(COUNTRIES)


def test_unknown_country_colour_is_stable():
    assert plots.country_colour("Atlantis") == plots.country_colour("Atlantis")
    assert plots.country_colour("Atlantis") in plots._EXTRA_COLOURS


def test_country_bars_html_has_alt_caption_and_is_deterministic():
    values = pd.Series([40.0, 55.0], index=["Albania", "Peru"])
    first = plots.country_bars(values, caption="Share", alt="Albania 40%, Peru 55%", xlabel="x")
    second = plots.country_bars(values, caption="Share", alt="Albania 40%, Peru 55%", xlabel="x")
    first.number = 2
    html = first.to_html()
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Albania 40%, Peru 55%"', html)
    assert "<figcaption>Figure 2: Share</figcaption>" in html
    assert first.png() == second.png()
    # bars drawn in the countries' colours
    faces = {tuple(round(v, 3) for v in p.get_facecolor()[:3]) for p in first.fig.axes[0].patches}
    expected = {
        tuple(round(int(h[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))
        for h in (plots.COUNTRY_COLOURS["Albania"], plots.COUNTRY_COLOURS["Peru"])
    }
    assert faces == expected


def test_numbering_counts_figures_and_tables_separately():
    numbering = plots.Numbering()
    assert [numbering.next_figure(), numbering.next_figure(), numbering.next_table()] == [1, 2, 1]
