"""The study-wide partner plan: no whole-study count minus other chapters' cells gives a count back.

Expectations are computed here without the package's suppression, attack or audit code: a
category's line across the six chapters is read off the chapters' tables as shown, and the
range a reader can infer for a hidden count is an integer program written out here
(scipy's ``milp``) over the six chapters' columns, the countries' sizes and the report's
whole-study counts. The audit (``disclosure.audit``) is then asked the same question and
must name the leak the chapters made on their own and find none under the plan.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from survivors_perspectives.disclosure import audit, ledger, plan
from survivors_perspectives.pages import country_chapter as cr
from survivors_perspectives.survey.measures import MEASURES

EDUCATION = "table 'Profile of respondents in {}: Education'"


def _chapters(frame, reference, partners=None) -> dict[str, pd.DataFrame]:
    """Each chapter's profile table as shown."""
    return {
        country: cr.respondents(frame, country, reference, partners).tables[0].data
        for country in cr.countries_of(frame)
    }


def _grid(frame, reference, column, partners=None, chapters=None) -> pd.DataFrame:
    """The six chapters' cells of one profile question as shown: categories by countries."""
    block = next(b for b, c in cr.PROFILE.items() if c == column)
    chapters = _chapters(frame, reference, partners) if chapters is None else chapters
    return pd.DataFrame(
        {c: data.loc[block, f"{c} (n)"].drop("Total") for c, data in chapters.items()}
    )


def _counts(frame, column) -> pd.DataFrame:
    return (
        pd.crosstab(frame[column], frame["country"])
        .reindex(columns=cr.countries_of(frame))
        .reindex(index=list(frame[column].cat.categories), fill_value=0)
    )


def _reader_range(grid, sizes, totals, cell) -> tuple[int, int]:
    """Least and greatest whole value of ``cell`` consistent with everything shown.

    Unknowns are the hidden cells ("<5": 1 to 4, "x": 5 or more, "–": anything); each
    country's column adds up to its size and each category's line to its whole-study count.
    """
    hidden = [(k, c) for k in grid.index for c in grid.columns if not grid.loc[k, c].isdigit()]
    bounds = {"<5": (1, 4), "x": (5, np.inf), "–": (0, np.inf)}
    lo = np.array([bounds[grid.loc[h]][0] for h in hidden], float)
    hi = np.array([bounds[grid.loc[h]][1] for h in hidden], float)
    rows, rhs = [], []
    for line, target in [(("col", c), sizes[c]) for c in grid.columns] + [
        (("row", k), totals[k]) for k in grid.index
    ]:
        kind, key = line
        cells = [(k, key) for k in grid.index] if kind == "col" else [(key, c) for c in grid]
        known = sum(int(grid.loc[x]) for x in cells if x not in hidden)
        rows.append([1.0 if h in cells else 0.0 for h in hidden])
        rhs.append(target - known)
    constraint = LinearConstraint(np.array(rows), rhs, rhs)
    c = np.array([1.0 if h == cell else 0.0 for h in hidden])
    found = [
        milp(
            sign * c,
            constraints=constraint,
            integrality=np.ones(len(hidden)),
            bounds=Bounds(lo, hi),
        )
        for sign in (1, -1)
    ]
    assert all(f.success for f in found)
    return round(found[0].fun), round(-found[1].fun)


def _published_whole_study(reference) -> list[tuple[str, str, str, int]]:
    """(id, column, category, count) of every whole-study count the report gives a profile
    category: as a count, or as the n behind a percentage."""
    rows = reference[
        (reference["topic"] == "profile")
        & (reference["scope"] == "all")
        & (reference["subgroup"] == "all respondents")
    ]
    found = []
    for row in rows.itertuples():
        measure = MEASURES.get(row.id)
        if row.unit == "count":
            count = row.value
        elif row.unit == "percent" and pd.notna(row.n):
            count = row.n
        else:
            continue
        (category,) = measure.levels
        found.append((row.id, measure.column, category, int(float(count))))
    return found


# --- (a) Moldova's "Other" ---------------------------------------------------------------


@pytest.fixture(scope="module")
def two_others(survey):
    """Moldova with two respondents answering "Other" for gender, Albania with six: Moldova's
    column alone protects its two (1 + 2 = 3 with the man), but the whole study's "Other"
    minus Albania's 6 and Mexico's published 1 gives them back."""
    frame = survey.copy()
    moldova = frame.index[(frame["country"] == "Moldova") & (frame["gender"] == "Female")]
    albania = frame.index[(frame["country"] == "Albania") & (frame["gender"] == "Female")]
    frame.loc[moldova[:2], "gender"] = "Other"
    frame.loc[albania[:6], "gender"] = "Other"
    return frame


def test_moldova_other_gets_its_partner_in_albania(two_others, reference):
    partners = cr.profile_plan(two_others, reference, ["gender"])
    # Moldova's women are all but its 3 others and men: pinned by the women's whole-study count
    # minus five shown cells, they would give that group of 3 back, so Albania's women are a
    # partner too (the plan protects a cell that is all but a few of its country).
    assert partners.hide("gender", "Albania") == {"Female", "Male", "Other"}
    assert partners.cost == 3 and partners.unprotected == ()
    grid = _grid(two_others, reference, "gender")
    assert grid.loc["Other", "Moldova"] == "<5"
    assert grid.loc["Other", "Albania"] == "x"
    sizes = two_others["country"].value_counts()
    totals = two_others["gender"].value_counts()
    assert _reader_range(grid, sizes, totals, ("Other", "Moldova")) == (1, 3)
    low, high = _reader_range(grid, sizes, totals, ("Female", "Moldova"))
    assert high - low >= 1
    alone = _grid(two_others, reference, "gender", plan.NO_PLAN)
    assert alone.loc["Other", "Albania"] == "6"
    assert _reader_range(alone, sizes, totals, ("Other", "Moldova")) == (2, 2)


# --- (b) the report's whole-study counts -------------------------------------------------


@pytest.fixture(scope="module")
def shipped_grids(survey, reference):
    chapters = _chapters(survey, reference)
    return {c: _grid(survey, reference, c, chapters=chapters) for c in cr.PROFILE.values()}


def _moldova_man(reference) -> int:
    """Moldova's men, from the report alone: 54 respondents, 98 % of them women (53), and
    the study's one "Other" was in Mexico. The report's own disclosure, not the book's."""
    ref = reference.set_index("id")
    size = int(ref.loc["sample.completed.count.moldova", "value"])
    women = round(size * float(ref.loc["profile.gender.female.pct.moldova", "value"]) / 100)
    return size - women


def test_no_whole_study_count_gives_back_a_hidden_count(survey, reference, shipped_grids):
    published = _published_whole_study(reference)
    assert len(published) == 39
    sizes = survey["country"].value_counts()
    checked = set()
    for ref_id, column, category, count in published:
        assert int((survey[column] == category).sum()) == count, ref_id
        grid = shipped_grids[column]
        line = grid.loc[category]
        hidden = [c for c, shown in line.items() if not shown.isdigit()]
        # The count minus the shown cells of its line: one hidden cell would be that number.
        if hidden == ["Moldova"] and (column, category) == ("gender", "Male"):
            recovered = count - sum(int(v) for c, v in line.items() if c != "Moldova")
            assert recovered == _moldova_man(reference) == 1
            continue
        assert len(hidden) != 1, (ref_id, line.to_dict())
        totals = survey[column].value_counts()
        for country in hidden:
            if line[country] != "<5":
                continue
            lo, hi = _reader_range(grid, sizes, totals, (category, country))
            assert hi - lo >= 1, (ref_id, country, lo, hi)
            checked.add((column, category, country))
    # Every "<5" of the six chapters' profiles lies in a line with a published count.
    small = {
        (column, k, c)
        for column, grid in shipped_grids.items()
        for k in grid.index
        for c in grid.columns
        if grid.loc[k, c] == "<5"
    }
    assert checked == small - {("gender", "Male", "Moldova")}
    assert len(checked) == 15


def test_the_chapters_alone_left_peru_to_the_published_159(survey, reference):
    """On their own the chapters hid Peru's Master's (19) as the only Master's cell: 159
    minus the other five gave it back and Peru's 80 then its "No tertiary degree"."""
    alone = _grid(survey, reference, "education", plan.NO_PLAN)
    line = alone.loc["Master's degree or PhD"]
    assert [c for c, shown in line.items() if not shown.isdigit()] == ["Peru"]
    assert 159 - sum(int(v) for c, v in line.items() if c != "Peru") == 19
    hidden = int(
        ((survey["country"] == "Peru") & (survey["education"] == "No tertiary degree")).sum()
    )
    sizes, totals = survey["country"].value_counts(), survey["education"].value_counts()
    assert _reader_range(alone, sizes, totals, ("No tertiary degree", "Peru")) == (hidden, hidden)


# --- (c) a hostile dataset: the Peru-style leak ------------------------------------------


@pytest.fixture(scope="module")
def colombia_style(survey):
    """Colombia: 2 without a tertiary degree, 9 with a Master's (its smallest other cell, so
    its chapter's partner), 78 with a Bachelor's; Peru's 3 without a degree moved to
    Bachelor's, so no other chapter hides a Master's count."""
    frame = survey.copy()
    colombia = frame.index[frame["country"] == "Colombia"]
    frame.loc[colombia, "education"] = "Bachelor's degree"
    frame.loc[colombia[:2], "education"] = "No tertiary degree"
    frame.loc[colombia[2:11], "education"] = "Master's degree or PhD"
    peru = frame.index[(frame["country"] == "Peru") & (frame["education"] == "No tertiary degree")]
    frame.loc[peru, "education"] = "Bachelor's degree"
    return frame


def _six_chapters(frame, reference, partners=None) -> list[ledger.Entry]:
    entries = []
    for country in cr.countries_of(frame):
        with ledger.recording() as page:
            cr.respondents(frame, country, reference, partners)
        slug = cr.slugify(country)
        entries += [dataclasses.replace(e, page=f"countries/{slug}.ipynb") for e in page]
    return entries


def test_the_audit_names_the_leak_the_chapters_make_alone(colombia_style, reference):
    grid = _grid(colombia_style, reference, "education", plan.NO_PLAN)
    assert grid["Colombia"].tolist() == ["<5", "78", "x"]
    assert (grid.drop(columns="Colombia").loc["Master's degree or PhD"]).str.isdigit().all()
    result = audit.audit_entries(_six_chapters(colombia_style, reference, plan.NO_PLAN))
    cell = f"countries/colombia.ipynb: {EDUCATION.format('Colombia')}, row 'No tertiary degree'"
    named = [leak for leak in result.leaks if leak.places[0].startswith(cell)]
    assert len(named) == 1
    assert (
        named[0].describe().split(": a count")[1].startswith(" of 2 can be worked out as exactly 2")
    )
    whole = "whole-study count of Education: Master's degree or PhD"
    assert any(place.endswith(f".ipynb: {whole}") for place in named[0].pinned_by), named[0]


def test_the_plan_closes_the_leak_of_the_hostile_dataset(colombia_style, reference):
    partners = cr.profile_plan(colombia_style, reference)
    assert partners.unprotected == ()
    grid = _grid(colombia_style, reference, "education")
    # The plan's partner: Colombia's Bachelor's (78), a line other chapters hide in too.
    assert partners.hide("education", "Colombia") == {"Bachelor's degree"}
    assert grid["Colombia"].tolist() == ["<5", "x", "9"]
    assert (grid.loc["Bachelor's degree"] == "x").sum() >= 2
    sizes = colombia_style["country"].value_counts()
    totals = colombia_style["education"].value_counts()
    lo, hi = _reader_range(grid, sizes, totals, ("No tertiary degree", "Colombia"))
    assert lo <= 2 <= hi and hi - lo >= 1
    result = audit.audit_entries(_six_chapters(colombia_style, reference))
    assert result.leaks == [] and result.inconsistent == []


def test_the_shipped_chapters_pass_the_audit_with_the_plan(survey, reference):
    result = audit.audit_entries(_six_chapters(survey, reference))
    assert result.ok, result.report()
    alone = audit.audit_entries(_six_chapters(survey, reference, plan.NO_PLAN))
    peru = f"countries/peru.ipynb: {EDUCATION.format('Peru')}, row 'No tertiary degree'"
    assert any(leak.places[0].startswith(peru) for leak in alone.leaks)


# --- the partner rule on a table small enough to enumerate -------------------------------


def test_the_partner_rule_hides_the_cheapest_rectangle():
    """G1 hides its 2 in A with its 10 in B; A's whole-study 16 minus G2's 6 and G3's 8
    gives the 2 back. Rectangles through (A, G1): G2's A and B (2 new cells, 13 people),
    G3's A and B (2 new, 17 people), or three new cells through C: the first is hidden."""
    from survivors_perspectives.pages import tables

    counts = pd.DataFrame(
        {"G1": [2, 10, 20], "G2": [6, 7, 30], "G3": [8, 9, 40]}, index=["A", "B", "C"]
    )

    def display(group, hide):
        table = tables.count_table(
            counts[[group]],
            caption="",
            add_total="row",
            population=int(counts[group].sum()),
            hide={(k, group) for k in hide},
        )
        return table.data[group].drop("Total")

    assert display("G1", frozenset()).tolist() == ["<5", "x", "20"]
    partners = plan.plan_line("t", counts, display)
    assert dict(partners.added) == {("t", "G2"): {"A", "B"}}
    assert partners.hidden[("t", "G1")] == {"A", "B"}
    # Every table a reader cannot tell apart: G1's A and B add to 12, G2's to 13, the
    # hidden A's to 16 - 8 and the hidden B's to 26 - 9; "<5" is 1-4 and "x" five or more.
    possible = [
        a1
        for a1 in range(1, 5)
        for a2 in range(5, 14)
        if a1 + a2 == 8 and 12 - a1 >= 5 and 13 - a2 >= 5 and (12 - a1) + (13 - a2) == 17
    ]
    assert possible == [1, 2, 3]


def test_a_hidden_cell_that_is_all_but_a_few_of_its_country_gets_partners_too():
    """The tiny build's leak (a twelve-person Albania beside a Kenya of 20): Albania's
    chapter hid its 8 of 12 with up to 5 years' experience, since the other 4 are a small
    group; the whole-study count minus the other chapters' cells gave the 8 back, and the
    overview's "the rest" then the 4. The plan now protects such a cell like a small one."""
    from survivors_perspectives import paths
    from survivors_perspectives.countries import COUNTRIES, slugify
    from survivors_perspectives.pages import overview
    from survivors_perspectives.published.reference import load_reference
    from survivors_perspectives.survey import load_survey

    survey, reference = load_survey(paths.SURVEY), load_reference()
    country = survey["country"].astype(str)
    country[country.index[country == "Peru"][:20]] = "Kenya"
    survey["country"] = pd.Categorical(country, categories=[*COUNTRIES, "Kenya"])
    survey = survey.drop(index=survey.index[survey["country"] == "Albania"][12:])
    albania = survey[survey["country"] == "Albania"]
    rest = int((albania["experience"] != "0-5 years").sum())
    assert rest == 4

    def book(partners) -> list[ledger.Entry]:
        found = []
        for name in cr.countries_of(survey):
            with ledger.recording() as page:
                cr.respondents(survey, name, reference, partners)
            found += [dataclasses.replace(e, page=f"countries/{slugify(name)}.ipynb") for e in page]
        with ledger.recording() as page:
            overview.profiles(survey, reference)
            overview.sample_by_country(survey, reference)
        return found + [dataclasses.replace(e, page="chapters/overview.ipynb") for e in page]

    planned = cr.profile_plan(survey, reference)
    assert "0-5 years" not in planned.hide("experience", "Albania")
    assert planned.hides("experience", "Albania", "0-5 years")
    assert any(planned.hide("experience", name) for name in cr.countries_of(survey))
    assert audit.audit_entries(book(None)).ok
    # Without a partner for the 8, the overview's "the rest" of Albania is pinned at 4.
    one_line = plan.Plan(
        {k: v for k, v in planned.added.items() if k[0] != "experience"},
        planned.hidden,
    )
    leaks = [
        (leak.places[0], leak.size)
        for leak in audit.audit_entries(book(one_line), explain=False).leaks
    ]
    assert (
        "chapters/overview.ipynb: table 'Respondent profile by country', row 'Albania', "
        "column 'Up to 5 years' experience' (the rest)",
        rest,
    ) in leaks
