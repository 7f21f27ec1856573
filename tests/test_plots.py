"""The shared look: a fixed colour per country, captions, alt text, byte-identical PNGs."""

import re

import pandas as pd
import pytest

from survivors_perspectives import paths, plots
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


def _overflow_inches(fig) -> float:
    """How far the drawn content reaches outside the canvas (0 when everything fits)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    content = fig.get_tightbbox(canvas.get_renderer())
    width, height = fig.get_size_inches()
    return max(0.0, -content.x0, -content.y0, content.x1 - width, content.y1 - height)


def test_overflow_check_sees_a_label_outside_the_canvas():
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, 1])
    assert _overflow_inches(fig) == 0.0
    fig.text(1.1, 0.5, "outside")
    assert _overflow_inches(fig) > 0.5


def test_every_chapter_figure_fits_its_canvas():
    # PNGs are saved without a tight bounding box, so a label drawn past the edge would be
    # cut off; constrained layout must keep each one inside.
    from survivors_perspectives import country_report as cr
    from survivors_perspectives import overview
    from survivors_perspectives.conversations.schema import load_conversations
    from survivors_perspectives.reference import load_reference
    from survivors_perspectives.survey import load_survey

    survey, reference = load_survey(paths.SURVEY), load_reference()
    conversations = load_conversations(paths.CONVERSATIONS)
    sections = [
        overview.sample_by_country(survey),
        overview.profiles(survey, reference),
        overview.key_figures(survey),
    ]
    for country in ("Peru", "Bosnia and Herzegovina"):
        sections.append(cr.respondents(survey, country, reference))
        for name in ("caseloads", "boys_and_girls", "offenders", "exchange", "facilitation"):
            sections.append(getattr(cr, name)(survey, country))
        for name in ("forms_of_abuse", "barriers", "beliefs", "government", "awareness"):
            sections.append(getattr(cr, name)(survey, country))
        sections.append(cr.conversations(conversations, country))
    figures = [figure for section in sections for figure in section.figures]
    assert len(figures) >= 15
    overflowing = {f.caption: round(_overflow_inches(f.fig), 3) for f in figures}
    assert {caption: inches for caption, inches in overflowing.items() if inches > 0.01} == {}


def test_a_withheld_share_is_labelled_not_left_blank():
    frame = pd.DataFrame(
        {
            "item": ["Women", "Women", "Doctorate", "Doctorate"],
            "group": ["Peru", "All countries", "Peru", "All countries"],
            "share": [78.0, 81.0, float("nan"), 38.0],
        }
    )
    figure = plots.compare_bars(
        frame,
        category="item",
        value="share",
        group="group",
        palette={"Peru": plots.country_colour("Peru"), "All countries": "#999999"},
        caption="c",
        alt="a",
        xlabel="x",
    )
    texts = figure.fig.axes[0].texts
    assert sorted(t.get_text() for t in texts) == ["38%", "78%", "81%", f"Peru: {plots.WITHHELD}"]
    (withheld,) = [t for t in texts if t.get_text().endswith(f": {plots.WITHHELD}")]
    # says whose bar is missing, where Peru's bar would be: the lower half of the second
    # category's slot (0.6 to 1.0)
    assert withheld.xy == (0, pytest.approx(0.8))


def test_figures_are_drawn_at_twice_the_size_they_are_shown():
    import struct

    values = pd.Series([40.0, 55.0], index=["Albania", "Peru"])
    figure = plots.country_bars(values, caption="Share", alt="a", xlabel="x")
    html = figure.to_html()
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', html).groups())
    png = figure.png()
    # PNG header: width and height are big-endian integers at bytes 16-24
    pixels = struct.unpack(">II", png[16:24])
    assert pixels == (width * plots.PIXEL_RATIO, height * plots.PIXEL_RATIO)
    inches = figure.fig.get_size_inches()
    assert (width, height) == (round(inches[0] * plots.DPI), round(inches[1] * plots.DPI))


# --- labels that never overlap ----------------------------------------------------------------

FLOW_STAGES = {
    "awareness": ["Knew a reporting route beforehand", "Did not know one beforehand"],
    "route": [
        "Family",
        "School professional",
        "Peer",
        "Rescue by law enforcement",
        "Online reporting portal",
        "Route not described",
    ],
    "referral": ["Referred to an NGO by the authorities", "No such referral coded"],
}


def _overlapping_labels(fig) -> list[tuple[str, str]]:
    """Pairs of text labels whose drawn boxes (as rendered, background box included) meet."""
    from itertools import combinations

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            patch = text.get_bbox_patch()
            if patch is not None:
                box = box.union([box, patch.get_window_extent(renderer)])
            boxes.append((text.get_text(), box))
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)]


def test_overlap_check_sees_two_labels_on_top_of_each_other():
    fig, ax = plots.new_figure()
    ax.text(0.5, 0.5, "one")
    ax.text(0.5, 0.5, "two")
    assert _overlapping_labels(fig) == [("one", "two")]


def test_spread_labels_pulls_a_stack_apart_in_order():
    fig, ax = plots.new_figure()
    ax.set_ylim(0, 100)
    texts = [ax.text(0.5, 50 + 0.1 * i, f"label {i}", va="center") for i in range(6)]
    plots.spread_labels(ax, texts)
    assert _overlapping_labels(fig) == []
    heights = [t.get_position()[1] for t in texts]
    assert heights == sorted(heights)  # the order is kept
    assert min(heights) < 50 < max(heights)  # spread around where they were wanted


def _flow(route_counts: dict[str, int]) -> pd.DataFrame:
    rows = []
    for i, (route, n) in enumerate(route_counts.items()):
        rows.append(
            {
                "awareness": FLOW_STAGES["awareness"][i % 2],
                "route": route,
                "referral": FLOW_STAGES["referral"][i % 2],
                "participants": n,
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "route_counts",
    [
        # the chapter's data: the long middle labels used to run into the last stage's
        "chapter",
        # one huge route and five of one participant each: blocks thinner than a line of text
        dict(zip(FLOW_STAGES["route"], [400, 1, 1, 1, 1, 1], strict=True)),
        dict.fromkeys(FLOW_STAGES["route"], 1),
    ],
)
def test_flow_diagram_labels_never_overlap(route_counts):
    from survivors_perspectives.conversations import plots as conversation_plots
    from survivors_perspectives.conversations import tables as conversation_tables
    from survivors_perspectives.conversations.schema import load_conversations

    if route_counts == "chapter":
        flows = conversation_tables.disclosure_pathways(load_conversations(paths.CONVERSATIONS))
        assert set(flows["route"]) <= set(FLOW_STAGES["route"])
    else:
        flows = _flow(route_counts)
    figure = conversation_plots.disclosure_flow(flows, FLOW_STAGES)
    labels = [t.get_text() for t in figure.fig.axes[0].texts]
    assert len(labels) == len(
        set(flows["awareness"]) | set(flows["route"]) | set(flows["referral"])
    )
    assert _overlapping_labels(figure.fig) == []
    if route_counts == "chapter":
        assert _overflow_inches(figure.fig) == 0.0
