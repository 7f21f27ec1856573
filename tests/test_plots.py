"""The shared look: a fixed colour per country, captions, alt text, byte-identical SVGs that
fit a phone, text that never overlaps, bars that keep their contrast."""

import re

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.countries import COUNTRIES
from survivors_perspectives.pages import plots


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
    pattern = r'<img src="data:image/svg\+xml;base64,[^"]+" alt="Albania 40%, Peru 55%"'
    assert re.search(pattern, html)
    assert "<figcaption>Figure 2: Share</figcaption>" in html
    assert first.svg() == second.svg()
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
    from survivors_perspectives.conversations.schema import load_conversations
    from survivors_perspectives.pages import country_chapter as cr
    from survivors_perspectives.pages import overview
    from survivors_perspectives.published.reference import load_reference
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


def test_figures_are_svg_without_date_or_version_and_shown_at_their_size():
    import base64

    import matplotlib as mpl

    values = pd.Series([40.0, 55.0], index=["Albania", "Peru"])
    figure = plots.country_bars(values, caption="Share", alt="a", xlabel="x")
    html = figure.to_html()
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    svg = base64.b64decode(data)
    assert svg == figure.svg()
    assert svg.startswith(b"<?xml") and b"<svg " in svg
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    # glyphs drawn as paths: no <text> whose font the browser might swap for another
    assert b"<text" not in svg and b"<use " in svg
    assert mpl.rcParams["svg.hashsalt"] == "survivors-perspectives"
    # shown at 96 CSS px per inch: 5 inches -> 480 px
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', html).groups())
    assert (width, height) == tuple(round(v * 96) for v in figure.fig.get_size_inches())
    assert width == 480
    assert re.search(rb'<svg [^>]*width="360pt"', svg)


def test_same_figure_twice_gives_the_same_bytes_whatever_the_clock(monkeypatch):
    values = pd.Series([40.0, 55.0], index=["Albania", "Peru"])
    first = plots.country_bars(values, caption="c", alt="a", xlabel="x").svg()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    second = plots.country_bars(values, caption="c", alt="a", xlabel="x").svg()
    assert first == second


def test_a_figure_wider_than_a_phone_allows_is_refused():
    with pytest.raises(ValueError, match=r"at most 5\.0 inches wide, not 7\.0"):
        plots.new_figure(7.0, 3.0)


def test_wrap_breaks_at_spaces_and_dots_and_keeps_long_words_whole():
    assert plots.wrap("Did not know one beforehand", 13) == "Did not know\none\nbeforehand"
    assert plots.wrap("services.counselling_individual by org type", 22) == (
        "services.\ncounselling_individual\nby org type"
    )
    assert plots.wrap("short", 20) == "short"
    assert plots.wrap("Bosnia and Herzegovina", 14) == "Bosnia and\nHerzegovina"


def test_contrast_ratio_matches_known_pairs():
    # WCAG's own extremes and a published pair: #767676 on white is 4.54:1
    assert plots.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert plots.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert plots.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    assert plots.contrast_ratio("#F0E442") < 3  # Okabe-Ito yellow alone would fail


def test_every_bar_colour_keeps_3_to_1_against_the_background():
    # WCAG 1.4.11: a bar is told from the page by its fill or by its outline.
    fills = {
        *plots.OKABE_ITO.values(),
        *plots.COUNTRY_COLOURS.values(),
        *plots._EXTRA_COLOURS,
        *plots.CHILD_GENDER_COLOURS.values(),
        plots.ALL_COUNTRIES_COLOUR,
    }
    assert plots.contrast_ratio(plots.OUTLINE, plots.BACKGROUND) >= 3
    weak = sorted(c for c in fills if plots.contrast_ratio(c, plots.BACKGROUND) < 3)
    assert weak == ["#56B4E9", "#999999", "#E69F00", "#F0E442"]  # why the outline is needed


def test_every_bar_is_drawn_with_the_outline(every_figure):
    import matplotlib as mpl

    outline = mpl.colors.to_rgba(plots.OUTLINE)
    bars = {
        name: [p for ax in f.fig.axes for p in ax.patches if isinstance(p, mpl.patches.Rectangle)]
        for name, f in every_figure.items()
        if name.split(".")[0] in {"overview", "Peru", "Bosnia and Herzegovina"}
        or name == "cross_country.robustness_conclusions"
    }
    assert sum(len(b) for b in bars.values()) > 100
    missing = {
        name: len([p for p in patches if p.get_edgecolor() != outline or p.get_linewidth() <= 0])
        for name, patches in bars.items()
    }
    assert {name: n for name, n in missing.items() if n} == {}


def test_a_faded_bar_keeps_its_outline():
    values = pd.Series([40.0, 55.0], index=["Albania", "Peru"])
    figure = plots.country_bars(values, caption="c", alt="a", xlabel="x", highlight="Peru")
    albania, peru = figure.fig.axes[0].patches
    assert albania.get_facecolor()[3] == pytest.approx(0.35)
    assert peru.get_facecolor()[3] == 1.0
    assert albania.get_edgecolor()[3] == 1.0


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


# --- every figure kind the book draws, with the shipped data ----------------------------------


def _robustness_tables(recomputed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replicates and summary shaped as :mod:`robustness` writes them, for the published tests.

    Made here rather than read from data/derived (a build product): three seeds per test, the
    statistic spread around the published one, so both robustness figures have every label.
    """
    rows = []
    for k, row in enumerate(recomputed.itertuples()):
        for seed, factor in enumerate((0.9, 1.0, 1.1 + 0.01 * k)):
            rows.append({"seed": seed, "id": row.id, "statistic": factor * row.published_statistic})
    replicates = pd.DataFrame(rows)
    summary = pd.DataFrame(
        {
            "id": recomputed["id"],
            "published_statistic": recomputed["published_statistic"],
            "share_same_conclusion": [1 - 0.03 * k for k in range(len(recomputed))],
            "replicates": 3,
        }
    )
    return replicates, summary


def _every_figure() -> dict[str, plots.Figure]:
    """Each kind of figure in the book, drawn from the shipped data as its chapter draws it."""
    from survivors_perspectives.analyses import cross_country
    from survivors_perspectives.conversations import plots as conversation_plots
    from survivors_perspectives.conversations import recommendations, schema
    from survivors_perspectives.conversations import tables as conversation_tables
    from survivors_perspectives.pages import country_chapter as cr
    from survivors_perspectives.pages import overview, stats_figures
    from survivors_perspectives.published.reference import load_reference
    from survivors_perspectives.survey import load_survey

    survey, reference = load_survey(paths.SURVEY), load_reference()
    conversations = schema.load_conversations(paths.CONVERSATIONS)
    codebook = schema.load_codebook()
    sections = {
        "overview.sample": overview.sample_by_country(survey),
        "overview.profiles": overview.profiles(survey, reference),
        "overview.key_figures": overview.key_figures(survey),
    }
    for country in ("Peru", "Bosnia and Herzegovina"):
        sections[f"{country}.respondents"] = cr.respondents(survey, country, reference)
        for name in ("caseloads", "boys_and_girls", "offenders", "exchange", "facilitation"):
            sections[f"{country}.{name}"] = getattr(cr, name)(survey, country)
        for name in ("forms_of_abuse", "barriers", "beliefs", "government", "awareness"):
            sections[f"{country}.{name}"] = getattr(cr, name)(survey, country)
        sections[f"{country}.conversations"] = cr.conversations(conversations, country)
    figures = {
        f"{name} {i}": figure
        for name, section in sections.items()
        for i, figure in enumerate(section.figures)
    }
    recomputed = cross_country.recompute_published(survey, reference)
    replicates, summary = _robustness_tables(recomputed)
    figures["cross_country.effect_sizes"] = stats_figures.effect_sizes(recomputed)
    figures["cross_country.robustness_conclusions"] = stats_figures.robustness_conclusions(summary)
    figures["cross_country.robustness_spread"] = stats_figures.robustness_spread(
        replicates, summary
    )
    counts, hidden = conversation_tables.suppressed_theme_counts(
        conversations, codebook, ["barrier", "reporting", "support"]
    )
    figures["conversations.themes"] = conversation_plots.theme_heatmap(
        counts, conversation_tables.group_sizes(conversations), hidden
    )
    barriers = codebook.loc[codebook["family"] == "barrier", "theme_id"].tolist()
    figures["conversations.cooccurrence"] = conversation_plots.cooccurrence_heatmap(
        conversation_tables.theme_cooccurrence(conversations, barriers),
        codebook.set_index("theme_id")["label"],
        *conversation_tables.shown_cooccurrence(conversations, codebook, barriers),
    )
    stages = {
        "awareness": FLOW_STAGES["awareness"],
        "route": [*conversation_tables.ROUTE_LABELS.values(), conversation_tables.NO_ROUTE],
        "referral": FLOW_STAGES["referral"],
    }
    figures["conversations.flow"] = conversation_plots.disclosure_flow(
        conversation_tables.disclosure_pathways(conversations),
        stages,
        conversation_tables.flow_stage_labels(conversations, stages),
    )
    families = dict(zip(codebook["theme_id"], codebook["family"], strict=True))
    figures["recommendations.traceability"] = recommendations.traceability_figure(families)
    return figures


@pytest.fixture(scope="module")
def every_figure() -> dict[str, plots.Figure]:
    return _every_figure()


def _drawn_texts(fig) -> list:
    """Every piece of text the figure draws, as ``(text, box in pixels)`` after a draw.

    Tick labels are taken from the ticks the axis draws (not those outside its limits); a
    text's background box counts as part of it.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if not ax.axison:  # axis("off"): neither ticks nor axis labels are drawn
            continue
        for axis in (ax.xaxis, ax.yaxis):
            texts.append(axis.label)
            for tick in axis._update_ticks():
                texts += [tick.label1, tick.label2]
        legend = ax.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    drawn = []
    for text in texts:
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        patch = text.get_bbox_patch()
        if patch is not None:
            box = box.union([box, patch.get_window_extent(renderer)])
        drawn.append((text, box))
    return drawn


def _text_problems(fig) -> dict[str, list]:
    """Text of ``fig`` that overlaps other text, lies outside the canvas or is under FONT_PT."""
    from itertools import combinations

    drawn = _drawn_texts(fig)
    width, height = fig.get_size_inches() * fig.dpi
    return {
        "overlapping": [
            (a.get_text(), b.get_text())
            for (a, box_a), (b, box_b) in combinations(drawn, 2)
            if box_a.overlaps(box_b)
        ],
        "outside": [
            t.get_text()
            for t, box in drawn
            if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5
        ],
        "small": [
            (t.get_text(), t.get_fontsize()) for t, _ in drawn if t.get_fontsize() < plots.FONT_PT
        ],
    }


def test_text_check_sees_overlap_overflow_and_small_text():
    fig, ax = plots.new_figure(3, 2)
    ax.text(0.5, 0.5, "one", fontsize=plots.FONT_PT)
    ax.text(0.5, 0.5, "two", fontsize=plots.FONT_PT)
    fig.text(1.05, 0.5, "outside", fontsize=plots.FONT_PT)
    ax.text(0.1, 0.1, "tiny", fontsize=8)
    problems = _text_problems(fig)
    assert problems["overlapping"] == [("one", "two")]
    assert problems["outside"] == ["outside"]
    assert problems["small"] == [("tiny", 8)]


def test_every_figure_kind_is_drawn(every_figure):
    # 3 overview, 2 x 12 country sections' figures, 3 cross-country, 3 conversations, 1 matrix
    kinds = {name.split(".")[0] for name in every_figure}
    assert kinds >= {"overview", "Peru", "Bosnia and Herzegovina", "cross_country"}
    assert {"conversations", "recommendations"} <= kinds
    assert len(every_figure) >= 25


def test_every_figure_fits_a_phone(every_figure):
    # At most MAX_WIDTH inches: shrunk to a 390 px screen, 11-point text stays about 11 px.
    too_wide = {
        name: float(f.fig.get_size_inches()[0])
        for name, f in every_figure.items()
        if f.fig.get_size_inches()[0] > plots.MAX_WIDTH
    }
    assert too_wide == {}


@pytest.mark.parametrize("problem", ["overlapping", "outside", "small"])
def test_no_figure_has_overlapping_outside_or_small_text(every_figure, problem):
    found = {name: _text_problems(f.fig)[problem] for name, f in every_figure.items()}
    assert {name: items for name, items in found.items() if items} == {}


def test_set_theme_makes_a_bare_notebook_figure_svg():
    # A figure a student draws with pyplot in JupyterLab is shown as SVG too, with no date.
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure as MplFigure

    shell = InteractiveShell.instance()
    try:
        plots.set_theme()
        formatters = shell.display_formatter.formatters
        svg = formatters["image/svg+xml"].lookup_by_type(MplFigure)
        with pytest.raises(KeyError):
            formatters["image/png"].lookup_by_type(MplFigure)
        fig, ax = plots.new_figure(2, 2)
        ax.plot([0, 1], [1, 0])
        drawn = svg(fig)
        assert drawn.lstrip().startswith("<?xml") and "<dc:date>" not in drawn
    finally:
        InteractiveShell.clear_instance()
