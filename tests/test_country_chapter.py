"""Country chapter sections: the numbers they state equal plain-pandas computations.

The expectation is computed from the CSV read with ``pandas.read_csv`` (no package code), so
a slip in the package's loading, skip logic or arithmetic shows up as a difference.
"""

import math
import re

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.countries import COUNTRIES, UnknownCountryError
from survivors_perspectives.pages import country_chapter as cr
from survivors_perspectives.pages import tables

SPOT = ["Albania", "Mexico", "Moldova", "Bosnia and Herzegovina"]


@pytest.fixture(scope="module")
def raw():
    if not paths.SURVEY.exists():
        pytest.skip(f"survey data missing: {paths.SURVEY}")
    return pd.read_csv(paths.SURVEY, dtype=str, keep_default_na=False)


def _num(series):
    return pd.to_numeric(series.replace("", None), errors="coerce")


def _close(a, b):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) < 1e-9


def _share_or_nan(count, base):
    return float("nan") if 1 <= count <= 4 else 100 * count / base


def _share_unless_small(count, base, base_hidden=False):
    """A share shown beside its base: withheld when the count or the rest is 1 to 4."""
    if base_hidden or 1 <= count <= 4 or 1 <= base - count <= 4:
        return float("nan")
    return 100 * count / base


def test_unknown_country_lists_valid_ones(survey):
    with pytest.raises(UnknownCountryError) as error:
        cr.respondents(survey, "Atlantis")
    message = str(error.value)
    assert "'Atlantis'" in message
    for country in COUNTRIES:
        assert country in message


@pytest.mark.parametrize("country", SPOT)
def test_respondents_numbers(survey, raw, country):
    rows = raw[raw["country"] == country]
    section = cr.respondents(survey, country)
    n = len(rows)
    assert section.numbers["n"] == n
    female = int((rows["gender"] == "Female").sum())
    assert _close(
        section.numbers["education.Master's degree or PhD.all"],
        100 * (raw["education"] == "Master's degree or PhD").mean(),
    )
    assert f"In {country}, {n} frontline support workers completed the survey" in (
        section.markdown()
    )
    table = section.tables[0].data
    shown = table.loc[("Gender", "Female"), f"{country} (n)"]
    assert shown in {str(female), "<5", tables.COMPLEMENTARY}
    if shown == str(female):
        assert section.numbers["gender.Female"] == pytest.approx(100 * female / n)
    else:  # hidden: the sentence withholds the share too
        assert math.isnan(section.numbers["gender.Female"])
    assert table.loc[("Gender", tables.TOTAL), f"{country} (n)"] == str(n)


def test_mexico_other_gender_is_shown_because_published(survey, raw):
    rows = raw[raw["country"] == "Mexico"]
    other = int((rows["gender"] == "Other").sum())
    assert other == 1, "the report publishes one 'Other' respondent in Mexico"
    table = cr.respondents(survey, "Mexico").tables[0]
    assert table.data.loc[("Gender", "Other"), "Mexico (n)"] == "1"
    assert bool(table.published.loc[("Gender", "Other"), "Mexico (n)"])


def test_small_profile_cell_is_hidden_with_its_partner(survey):
    frame = survey.copy()
    albania = frame.index[frame["country"] == "Albania"]
    frame.loc[albania, "gender"] = "Female"
    frame.loc[albania[:3], "gender"] = "Male"
    table = cr.respondents(frame, "Albania").tables[0].data
    assert table.loc[("Gender", "Male"), "Albania (n)"] == "<5"
    # Other is 0 here, so the partner is the only other non-zero cell: Female
    assert table.loc[("Gender", "Female"), "Albania (n)"] == tables.COMPLEMENTARY
    assert table.loc[("Gender", "Male"), "Albania (%)"] == tables.WITHHELD
    # the sentence must not state the share either: 100% minus it would give the small cell
    section = cr.respondents(frame, "Albania")
    assert math.isnan(section.numbers["gender.Female"])
    text = section.markdown()
    assert "Women made up" not in text
    assert "while the share of women among them (six-country share: " in text
    assert "is withheld to protect respondents" in text


def test_published_percentage_exempts_its_implied_count(survey, raw):
    rows = raw[raw["country"] == "Moldova"]
    female = int((rows["gender"] == "Female").sum())
    if female != round(0.98 * len(rows)):
        pytest.skip("the data do not reproduce the published 98% of Moldovan women")
    table = cr.respondents(survey, "Moldova").tables[0]
    assert table.data.loc[("Gender", "Female"), "Moldova (n)"] == str(female)
    male = int((rows["gender"] == "Male").sum())
    expected = "<5" if 1 <= male <= 4 else str(male)
    assert table.data.loc[("Gender", "Male"), "Moldova (n)"] == expected


@pytest.mark.parametrize("country", SPOT)
def test_caseload_means(survey, raw, country):
    rows = raw[raw["country"] == country]
    section = cr.caseloads(survey, country)
    online = _num(rows["caseload_online_pct"])
    assert section.numbers["online_mean"] == pytest.approx(online.mean())
    assert section.numbers["online_answered"] == online.notna().sum()
    assert section.numbers["exploitation_mean.all"] == pytest.approx(
        _num(raw["caseload_exploitation_pct"]).mean()
    )
    assert f"an average of {online.mean():.0f}% involved digital technology" in section.markdown()


@pytest.mark.parametrize("country", SPOT)
def test_boys_and_girls(survey, raw, country):
    rows = raw[raw["country"] == country]
    section = cr.boys_and_girls(survey, country)
    boys = int((rows["supported_boys"] == "true").sum())
    assert section.numbers["boys.supported"] == boys
    girls = int((rows["supported_girls"] == "true").sum())
    girls_online = int((_num(rows["girls_online_pct"]) > 0).sum())
    girls_hidden = 1 <= len(rows) - girls <= 4
    assert _close(
        section.numbers["girls.any_online_pct"],
        _share_unless_small(girls_online, girls, girls_hidden),
    )
    asked = _num(rows["boys_online_pct"]) > 0
    assert section.numbers["boys.age.under_11"] == pytest.approx(
        _num(rows.loc[asked, "boys_age_under_11_pct"]).mean()
    )


@pytest.mark.parametrize("country", SPOT)
def test_exchange_and_facilitation(survey, raw, country):
    rows = raw[raw["country"] == country]
    answered = rows[rows["girls_exchange"] != ""]
    money = int((answered["girls_exchange"] == "Money").sum())
    section = cr.exchange(survey, country)
    assert _close(section.numbers["girls.Money"], _share_or_nan(money, len(answered)))
    fac = cr.facilitation(survey, country)
    boys = rows[rows["boys_facilitator"] != ""]
    yes = int((boys["boys_facilitator"] == "Yes").sum())
    assert _close(fac.numbers["boys.yes"], _share_or_nan(yes, len(boys)))


@pytest.mark.parametrize("country", SPOT)
def test_forms_of_abuse(survey, raw, country):
    rows = raw[raw["country"] == country]
    asked = rows[_num(rows["girls_online_pct"]) > 0]
    grooming = int((asked["girls_form_grooming"] == "true").sum())
    section = cr.forms_of_abuse(survey, country)
    assert section.numbers["girls.asked"] == len(asked)
    assert _close(section.numbers["girls.grooming"], _share_unless_small(grooming, len(asked)))


@pytest.mark.parametrize("country", SPOT)
def test_barriers_top_factor(survey, raw, country):
    rows = raw[raw["country"] == country]
    columns = [c for c in raw.columns if c.startswith("barrier_")]
    counts = pd.Series({c: int((rows[c] == "true").sum()) for c in columns})
    overall = pd.Series({c: (raw[c] == "true").mean() for c in columns})
    ranked = sorted(columns, key=lambda c: (-counts[c], -overall[c], columns.index(c)))
    section = cr.barriers(survey, country)
    assert section.numbers["top_column"] == ranked[0]
    shown = section.tables[0].data
    assert len(shown) == 5
    top_count = counts[ranked[0]]
    assert shown.iloc[0, 0] == (str(top_count) if top_count > 4 else "<5")


@pytest.mark.parametrize("country", SPOT)
def test_government_scenarios_awareness(survey, raw, country):
    rows = raw[raw["country"] == country]
    funding = rows["govt_funding"]
    low = int(funding.isin(["None", "Poor"]).sum())
    gov = cr.government(survey, country)
    assert _close(gov.numbers["govt_funding"], _share_or_nan(low, int((funding != "").sum())))
    scen = cr.scenarios(survey, country)
    viewer = rows["scenario_viewer_offence"]
    no = int((viewer == "No").sum())
    assert _close(scen.numbers["scenario_viewer_offence.No"], _share_or_nan(no, len(viewer)))
    aware = cr.awareness(survey, country)
    poor = int((rows["public_awareness"] == "Poor").sum())
    assert _close(aware.numbers["poor"], _share_or_nan(poor, len(rows)))
    assert aware.numbers["poor.all"] == pytest.approx(
        100 * (raw["public_awareness"] == "Poor").mean()
    )


def test_no_section_table_shows_small_counts(survey):
    reference_exempt = {("Mexico", "Other")}
    for country in COUNTRIES:
        for name in cr.SURVEY_SECTIONS:
            for table in getattr(cr, name)(survey, country).tables:
                for column in table.data.columns:
                    if not str(column).endswith("(n)"):
                        continue
                    for index, value in table.data[column].items():
                        if value.isdigit() and 1 <= int(value) <= 4:
                            key = (country, index[-1] if isinstance(index, tuple) else index)
                            assert key in reference_exempt, (country, name, column, index, value)


def test_recommendations_reuse_section_numbers(survey):
    sections = {
        name: getattr(cr, name)(survey, "Peru")
        for name in ("barriers", "government", "awareness", "scenarios")
    }
    text = cr.recommendations(sections, "Peru").markdown()
    poor = sections["awareness"].numbers["poor"]
    assert f"With {poor:.0f}% rating public awareness poor" in text


def test_published_beside_ours_shows_the_country_sample_size(survey, raw):
    section = cr.published_beside_ours(survey, None, "Mexico")
    table = section.tables[0].frame.set_index("id")
    assert table.loc["sample.completed.count.mexico", "published"] == "91"
    assert table.loc["sample.completed.count.mexico", "this_data"] == str(
        int((raw["country"] == "Mexico").sum())
    )
    assert (table.index.str.endswith(".mexico")).all()
    assert section.numbers["figures"] == len(table)


def test_published_beside_ours_names_figures_in_words_with_the_id_on_hover(survey):
    from bs4 import BeautifulSoup

    from survivors_perspectives.published.reference import load_reference

    reference = load_reference().set_index("id")
    section = cr.published_beside_ours(survey, None, "Mexico")
    soup = BeautifulSoup(section.tables[0].to_html(), "html.parser")
    assert [th.get_text() for th in soup.thead.find_all("th")] == [
        "Figure",
        "Unit",
        "Published",
        "This data",
        "Status",
    ]
    rows = soup.tbody.find_all("tr")
    assert len(rows) == section.numbers["figures"]
    ids = [row.th["title"] for row in rows]
    assert "barriers.fear_of_criminalisation.rank.mexico" in ids
    for row, ident in zip(rows, ids, strict=True):
        # the reader sees the reference table's words for the figure, never its id
        assert row.th.get_text() == reference.loc[ident, "quantity"], ident
        shown = row.get_text(" ", strip=True)
        assert ident not in shown and not re.search(r"[a-z]_[a-z]", shown), shown
    assert {td.get_text() for td in soup.select("tbody td:nth-of-type(4)")} <= {
        "reproduced",
        "conflict in the report",
        "not reproduced",
        "Off target",
    }


def test_conversation_section_counts_and_bosnia_reason():
    from survivors_perspectives.conversations.country import no_conversations_reason
    from survivors_perspectives.conversations.schema import load_conversations

    if not paths.CONVERSATIONS.exists():
        pytest.skip(f"conversations data missing: {paths.CONVERSATIONS}")
    frame = load_conversations(paths.CONVERSATIONS)
    raw = pd.read_csv(paths.CONVERSATIONS, dtype=str, keep_default_na=False)
    people = raw[(raw["status"] == "participant") & (raw["country"] == "Mexico")]
    section = cr.conversations(frame, "Mexico")
    assert section.numbers["participants"] == len(people)
    assert f"{len(people)} young survivors took part in conversations in Mexico" in (
        section.markdown()
    )
    assert section.tables
    bosnia = cr.conversations(frame, "Bosnia and Herzegovina")
    assert bosnia.numbers["participants"] == 0
    assert bosnia.markdown() == no_conversations_reason("Bosnia and Herzegovina")
    assert not bosnia.tables


def test_guarded_share_withholds_shares_that_split_hidden_cells():
    counts = pd.Series({"a": 2, "b": 10, "c": 30})
    hidden = pd.Series({"a": True, "b": True, "c": False})
    assert math.isnan(cr._guarded_share(counts, hidden, ["b"]))  # 42 - 30 - b would give a
    assert cr._guarded_share(counts, hidden, ["a", "b"]) == pytest.approx(100 * 12 / 42)
    assert cr._guarded_share(counts, hidden, ["c"]) == pytest.approx(100 * 30 / 42)


def test_workers_who_supported_boys_hidden_when_the_rest_is_small(survey):
    frame = survey.copy()
    albania = frame.index[frame["country"] == "Albania"]
    frame.loc[albania, "supported_boys"] = True
    frame.loc[albania[:2], "supported_boys"] = False
    frame.loc[albania[:2], "supported_girls"] = True
    section = cr.boys_and_girls(frame, "Albania")
    table = section.tables[0].data
    assert table.loc["Supported in the past year", "Boys (n)"] == tables.WITHHELD
    assert table.loc["Supported in the past year", "Boys (%)"] == tables.WITHHELD
    assert "all but fewer than five had supported boys" in section.markdown()
    assert str(len(albania) - 2) not in section.markdown().split("respondents in Albania, ")[1][:40]


def test_overview_numbers(survey, raw):
    from survivors_perspectives.pages import overview
    from survivors_perspectives.published.reference import load_reference

    sample = overview.sample_by_country(survey)
    for country in COUNTRIES:
        assert sample.numbers[f"n.{country}"] == (raw["country"] == country).sum()
    profiles = overview.profiles(survey, load_reference())
    albania = raw[raw["country"] == "Albania"]
    masters = int((albania["education"] == "Master's degree or PhD").sum())
    assert profiles.numbers["Master's degree or PhD.Albania"] == pytest.approx(
        100 * masters / len(albania)
    )
    # Moldova's share of women is shown because the report published it, although the
    # rest of Moldova's respondents number fewer than five
    moldova = raw[raw["country"] == "Moldova"]
    women = int((moldova["gender"] == "Female").sum())
    assert round(100 * women / len(moldova)) == 98
    assert profiles.numbers["Women.Moldova"] == pytest.approx(100 * women / len(moldova))
    # without the reference table it is withheld
    assert math.isnan(overview.profiles(survey).numbers["Women.Moldova"])
    key = overview.key_figures(survey)
    online = _num(raw.loc[raw["country"] == "Peru", "caseload_online_pct"]).mean()
    assert key.numbers["online.Peru"] == pytest.approx(online)


def test_a_new_small_country_gets_every_section_with_small_counts_hidden(survey):
    from survivors_perspectives.conversations.schema import load_conversations

    extra = survey[survey["country"] == "Albania"].head(7).assign(country="Atlantis")
    frame = pd.concat([survey.assign(country=survey["country"].astype(str)), extra])
    sections = {}
    for name in (
        "respondents",
        "caseloads",
        "boys_and_girls",
        "offenders",
        "exchange",
        "facilitation",
        "forms_of_abuse",
        "barriers",
        "beliefs",
        "government",
        "scenarios",
        "awareness",
    ):
        sections[name] = getattr(cr, name)(frame, "Atlantis")
        for table in sections[name].tables:
            for column in [c for c in table.data.columns if str(c).endswith("(n)")]:
                shown = table.data[column][table.data[column].str.isdigit()].astype(int)
                assert not shown.between(1, 4).any(), (name, column)
    assert "In Atlantis, 7 frontline support workers" in sections["respondents"].markdown()
    recommendations = cr.recommendations(sections, "Atlantis").markdown()
    # The withheld share is said in words, never as a number (0% here would be false).
    assert "% did not identify" not in recommendations
    assert (
        "the share not identifying the stranger watching a child's video as an offender is "
        "withheld to protect respondents" in recommendations
    )
    conversations = cr.conversations(load_conversations(paths.CONVERSATIONS), "Atlantis")
    assert conversations.numbers["participants"] == 0
    assert cr.published_beside_ours(frame, None, "Atlantis").numbers["figures"] == 0
