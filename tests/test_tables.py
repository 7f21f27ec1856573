"""Disclosure control: small cells hidden, zero and >= 5 shown, published cells exempt."""

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from survivors_perspectives.pages import tables


def _counts():
    return pd.DataFrame(
        {"Women (n)": [0, 3, 12, 40], "Men (n)": [5, 1, 9, 6]},
        index=["a", "b", "c", "d"],
    )


def test_small_cells_hidden_zero_and_five_shown():
    display, hidden = tables.suppress_counts(_counts())
    assert display.loc["b", "Women (n)"] == "<5"
    assert display.loc["b", "Men (n)"] == "<5"
    assert display.loc["a", "Women (n)"] == "0"
    assert display.loc["a", "Men (n)"] == "5"
    assert display.loc["d", "Women (n)"] == "40"
    assert int(hidden.to_numpy().sum()) == 2


@pytest.mark.parametrize("value", [1, 2, 3, 4])
def test_every_value_from_one_to_four_is_hidden(value):
    display, _ = tables.suppress_counts(pd.DataFrame({"n": [value, 10]}, index=["x", "y"]))
    assert display.loc["x", "n"] == "<5"
    assert display.loc["y", "n"] == "10"


def test_published_cell_is_exempt():
    counts = pd.DataFrame({"n": [1, 77, 335]}, index=["Other", "Men", "Women"])
    reference = pd.DataFrame(
        {
            "id": ["profile.gender.other.count.mexico", "profile.gender.male.count.mexico"],
            "scope": ["Mexico", "Mexico"],
            "unit": ["count", "count"],
            "value": [1, 12],
            "n": [None, None],
        }
    )
    ids = {
        ("Other", "n"): "profile.gender.other.count.mexico",
        ("Men", "n"): "profile.gender.male.count.mexico",
    }
    exempt = tables.published_cells(counts, reference, "Mexico", ids)
    assert exempt == {("Other", "n")}
    display, hidden = tables.suppress_counts(counts, exempt=exempt)
    assert display.loc["Other", "n"] == "1"
    assert not hidden.to_numpy().any()
    # the same id under another scope exempts nothing
    assert tables.published_cells(counts, reference, "Peru", ids) == set()
    # a published value that differs from the count exempts nothing
    counts.loc["Other", "n"] = 2
    assert tables.published_cells(counts, reference, "Mexico", ids) == set()


def test_published_n_behind_percentage_is_exempt():
    counts = pd.DataFrame({"n": [3]}, index=["yes"])
    reference = pd.DataFrame(
        {"id": ["x.pct.peru"], "scope": ["Peru"], "unit": ["percent"], "value": [6.0], "n": [3]}
    )
    assert tables.published_cells(counts, reference, "Peru", {("yes", "n"): "x.pct.peru"}) == {
        ("yes", "n")
    }


def test_complementary_suppression_with_total_column():
    counts = pd.DataFrame({"A (n)": [2, 20], "B (n)": [9, 7], "C (n)": [30, 8]}, index=["r1", "r2"])
    counts["Total (n)"] = counts.sum(axis=1)
    display, hidden = tables.suppress_counts(counts, total_col="Total (n)")
    # r1: A hidden (2); the smallest other non-zero inner cell (B = 9) hidden as its partner
    assert display.loc["r1", "A (n)"] == "<5"
    assert display.loc["r1", "B (n)"] == "x"
    assert display.loc["r1", "C (n)"] == "30"
    assert display.loc["r1", "Total (n)"] == "41"
    # r2 untouched
    assert list(display.loc["r2"]) == ["20", "7", "8", "35"]
    # nothing hidden can be recovered: every line with a shown total has 0 or >= 2 hidden cells
    inner = hidden.drop(columns="Total (n)")
    assert all(n != 1 for n in inner.sum(axis=1))


def test_complementary_suppression_with_total_row_and_no_partner_hides_total():
    counts = pd.DataFrame({"n": [3]}, index=["only"])
    counts.loc["Total"] = counts.sum()
    display, _ = tables.suppress_counts(counts, total_row="Total")
    assert display.loc["only", "n"] == "<5"
    assert display.loc["Total", "n"] == "<5"  # the total is itself small


def test_complementary_suppression_skips_zero_partner():
    counts = pd.DataFrame({"n": [2, 0, 11, 6]}, index=["a", "b", "c", "Total"])
    counts.loc["Total", "n"] = 13
    display, _ = tables.suppress_counts(counts, total_row="Total")
    assert display.loc["b", "n"] == "0"
    assert display.loc["c", "n"] == "x"  # the only non-zero partner
    assert display.loc["Total", "n"] == "13"


def test_non_integer_counts_raise_with_cell():
    with pytest.raises(tables.DisclosureError, match=r"row 'b'.*column 'n'.*found 2.5"):
        tables.suppress_counts(pd.DataFrame({"n": [1, 2.5]}, index=["a", "b"]))


def test_count_table_withholds_percentage_of_hidden_count_and_renders_html():
    counts = pd.DataFrame({"Respondents (n)": [3, 47]}, index=["Yes", "No"])
    table = tables.count_table(counts, caption="Example", add_total="row", percent="total")
    table.number = 4
    assert table.data.loc["Yes", "Respondents (n)"] == "<5"
    assert table.data.loc["Yes", "Respondents (%)"] == tables.WITHHELD
    # with the total shown, the only other cell is hidden too, or 50 - 47 would give it away
    assert table.data.loc["No", "Respondents (n)"] == tables.COMPLEMENTARY
    assert table.data.loc["Total", "Respondents (n)"] == "50"
    assert table.data.loc["Total", "Respondents (%)"] == "100%"
    html = table.to_html()
    assert "Table 4: Example" in html
    assert 'class="data row0 col0 suppressed"' in html or "suppressed" in html
    assert "&lt;5" in html
    # deterministic: no random Styler ids
    assert html == table.to_html()
    assert tables.SUPPRESSION_NOTE.split(":")[0] in html or "&lt;5:" in html


def test_count_table_total_row_protects_hidden_cell_and_percent_of_total():
    counts = pd.DataFrame({"Boys (n)": [2, 30, 8], "Girls (n)": [10, 20, 0]}, index=["a", "b", "c"])
    table = tables.count_table(counts, caption="x", add_total="row", percent="total")
    data = table.data
    assert data.loc["Total", "Boys (n)"] == "40"
    assert data.loc["a", "Boys (n)"] == "<5"
    assert data.loc["c", "Boys (n)"] == "x"  # partner: smallest other non-zero cell
    assert data.loc["b", "Boys (n)"] == "30"
    assert data.loc["b", "Boys (%)"] == f"{100 * 30 / 40:.0f}%"
    assert data.loc["c", "Boys (%)"] == tables.WITHHELD
    assert data.loc["c", "Girls (n)"] == "0"
    assert data.loc["a", "Girls (%)"] == f"{100 * 10 / 30:.0f}%"


def test_stack_tables_keeps_masks():
    a = tables.count_table(pd.DataFrame({"n": [3, 9]}, index=["x", "y"]), caption="a")
    b = tables.count_table(pd.DataFrame({"n": [7, 8]}, index=["x", "y"]), caption="b")
    stacked = tables.stack_tables({"A": a, "B": b}, caption="both")
    assert stacked.data.loc[("A", "x"), "n"] == "<5"
    assert bool(stacked.hidden.loc[("A", "x"), "n"])
    assert not bool(stacked.hidden.loc[("B", "x"), "n"])
    assert "suppressed" in stacked.to_html()


def _header_rows(html_text: str) -> list[list[str]]:
    from bs4 import BeautifulSoup

    head = BeautifulSoup(html_text, "html.parser").thead
    return [
        [c.name + ":" + c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in head.find_all("tr")
    ]


def test_index_name_sits_in_the_header_corner_not_in_a_row_of_its_own():
    frame = pd.DataFrame({"A (n)": ["6", "7"]}, index=pd.Index(["x", "y"], name="Answer"))
    html_text = tables.Table(frame, caption="c").to_html()
    assert _header_rows(html_text) == [["th:Answer", "th:A (n)"]]
    # an unnamed index leaves no empty header cell: the corner is a plain cell
    unnamed = tables.Table(frame.rename_axis(None), caption="c").to_html()
    assert _header_rows(unnamed) == [["td:", "th:A (n)"]]


def test_a_stacked_table_has_one_header_row_and_no_empty_header_cell():
    part = pd.DataFrame({"A (n)": ["6", "7"]}, index=pd.Index(["x", "y"], name="Answer"))
    table = tables.stack_tables({"Gender": tables.Table(part, caption="p")}, caption="s")
    html_text = table.to_html()
    assert _header_rows(html_text) == [["td:", "th:Answer", "th:A (n)"]]
    assert not re.search(r"<th[^>]*>(&nbsp;|\s*)</th>", html_text)


def test_frame_table_formats_numbers_and_keeps_text():
    frame = pd.DataFrame(
        {
            "n": [413.0, 50.0, 7.0],
            "share": [12.10, float("nan"), 22.0],
            "p": [0.0351, 0.2, 0.00004],
            "note": ["<5", "a note", "x"],
        },
        index=pd.Index(["all", "Peru", "Mexico"], name="scope"),
    )
    table = tables.frame_table(frame, caption="c")
    # Headers open with a capital, symbols (n, p) excepted; values are kept as formatted.
    assert table.data.to_dict("list") == {
        "n": ["413", "50", "7"],
        "Share": ["12.1", "–", "22.0"],
        "p": ["0.035", "0.200", "0.000"],
        "Note": ["<5", "a note", "x"],
    }
    assert table.data.index.tolist() == ["All", "Peru", "Mexico"]
    assert table.data.index.name == "Scope"
    assert table.caption == "c" and table.show_index
    with pytest.raises(TypeError, match=r"frame_table 'c': expected a pandas frame.*found list"):
        tables.frame_table([1, 2], caption="c")


def test_words_read_from_the_left_and_numbers_line_up_on_the_right():
    """Every cell was right-aligned: the data dictionary's questions and the report's theme
    names ran ragged on the left."""
    data = pd.DataFrame(
        {
            "Theme": ["Needed medical support", "School staff not supportive"],
            "Participants": ["<5 of 6", "6 of 6"],
            "Share": ["12%", "x"],
            "Count": [3.0, float("nan")],
        },
        index=["a", "b"],
    )
    assert tables.numeric_columns(data) == ["Participants", "Share", "Count"]
    page = BeautifulSoup(tables.Table(data=data, caption="Themes").to_html(), "html.parser")
    by_column = {
        column: ["sp-num" in td["class"] for td in page.select(f"td.col{position}")]
        for position, column in enumerate(data.columns)
    }
    assert by_column == {
        "Theme": [False, False],
        "Participants": [True, True],
        "Share": [True, True],
        "Count": [True, True],
    }
    style = page.find("style").get_text()
    assert "td {\n  text-align: left;" in style
    assert "td.sp-num {\n  text-align: right;" in style
