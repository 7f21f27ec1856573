"""The course lessons and the cross-country chapter in the whole-book disclosure audit (#14).

Each hostile case is a leak the extended ledger found: the table as the page used to show
it leaks beside the chapters (the exact cell and interval asserted), the table as it is
shown now does not. The pages are recorded in memory, each under its page's name, as the
build's ledger would hold them.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from survivors_perspectives import paths, stats
from survivors_perspectives.analyses import cross_country
from survivors_perspectives.countries import COUNTRIES, slugify
from survivors_perspectives.disclosure import audit, ledger, plan, policy, suppression
from survivors_perspectives.pages import country_chapter, course, overview
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.published.significance_tests import TESTS_BY_ID, frame_for_test
from survivors_perspectives.survey import load_survey

PAIRWISE = f"table '{cross_country.PAIRWISE_CAPTION}'"
GIRLS = "most common form of exchange for girls, by country (fn 39)"


def _on(page: str, entries: list[ledger.Entry]) -> list[ledger.Entry]:
    return [dataclasses.replace(entry, page=page) for entry in entries]


def _cells(result: audit.AuditResult) -> list[tuple[str, int, float, float]]:
    return [(leak.places[0], leak.size, leak.low, leak.high) for leak in result.leaks]


@pytest.fixture(scope="module")
def survey_and_reference():
    return load_survey(paths.SURVEY), load_reference()


def _chapters(survey: pd.DataFrame, reference: pd.DataFrame, partners=None) -> list[ledger.Entry]:
    found = []
    for country in country_chapter.countries_of(survey):
        with ledger.recording() as page:
            country_chapter.respondents(survey, country, reference, partners)
        found += _on(f"countries/{slugify(country)}.ipynb", page)
    with ledger.recording() as page:
        overview.profiles(survey, reference)
        overview.sample_by_country(survey, reference)
    return found + _on("chapters/overview.ipynb", page)


@pytest.fixture(scope="module")
def chapters(survey_and_reference) -> list[ledger.Entry]:
    """Every country chapter's profile and the overview, as the book records them."""
    return _chapters(*survey_and_reference)


@pytest.fixture(scope="module")
def chapters_alone(survey_and_reference) -> list[ledger.Entry]:
    """The chapters as each would hide its profile on its own, without the study-wide plan
    (``disclosure.plan``), which hides partners that also cover some of the lessons' leaks."""
    return _chapters(*survey_and_reference, partners=plan.NO_PLAN)


@pytest.fixture(scope="module")
def tiny_survey(survey_and_reference) -> pd.DataFrame:
    """The hostile data-mode survey (``tests/data_mode_build.py``), made in memory: a
    twelve-person Albania, and 20 of Peru's respondents in Kenya."""
    survey = survey_and_reference[0].copy()
    country = survey["country"].astype(str)
    country[country.index[country == "Peru"][:20]] = "Kenya"
    survey["country"] = pd.Categorical(country, categories=[*COUNTRIES, "Kenya"])
    albania = survey.index[survey["country"] == "Albania"]
    return survey.drop(index=albania[12:])


# --- the course: education by country ------------------------------------------------------

LESSON = "course/disclosure_control.ipynb"


def test_the_education_lesson_no_longer_gives_back_the_chapters_hidden_counts(
    survey_and_reference, chapters
):
    """The lesson's own partners differed from the chapters': Bosnia and Herzegovina's,
    Colombia's and Peru's "No tertiary degree" followed from the two pages together."""
    survey, reference = survey_and_reference
    education = course.crosstab_with_total(survey, "country", "education", totals="both")
    caption = "Respondents by country and education, small cells and their partners hidden"
    before, _ = suppression.suppress_counts(
        education, total_row=course.TOTAL_ROW, total_col=course.TOTAL_COLUMN
    )
    with ledger.recording() as old:
        course.record_crosstab(caption, survey, "country", "education", before)
    result = audit.audit_entries(chapters + _on(LESSON, old), explain=False)
    tertiary = survey[survey["education"] == "No tertiary degree"]["country"].value_counts()
    assert _cells(result) == [
        (
            f"countries/{slugify(country)}.ipynb: table 'Profile of respondents in {country}: "
            f"Education', row 'No tertiary degree', column '{country} (n)'",
            int(tertiary[country]),
            float(tertiary[country]),
            float(tertiary[country]),
        )
        for country in ("Bosnia and Herzegovina", "Colombia", "Peru")
    ]
    with ledger.recording() as new:
        shown, hidden = course.chapter_crosstab(
            survey, "education", education, caption=caption, reference=reference
        )
    assert audit.audit_entries(chapters + _on(LESSON, new)).ok
    for country in ("Bosnia and Herzegovina", "Colombia", "Peru"):
        chapter = country_chapter.profile_hidden(survey, country, "education", reference)
        assert list(hidden.loc[country].drop(course.TOTAL_COLUMN)) == list(chapter)
        assert shown.loc[country, "No tertiary degree (n)"] == policy.SUPPRESSED
    # One hidden all-country total would follow from the sample's size and the others.
    assert (shown.loc[course.TOTAL_ROW].drop(course.TOTAL_COLUMN) == policy.WITHHELD).all()
    assert shown.loc[course.TOTAL_ROW, course.TOTAL_COLUMN] == str(len(survey))


# --- the course: age band by experience -----------------------------------------------------


def test_the_age_by_experience_lesson_no_longer_gives_back_moldovas_experience(
    survey_and_reference, chapters, chapters_alone
):
    """All-country counts of each experience band, minus five chapters, left Moldova's."""
    survey, reference = survey_and_reference
    ages = course.crosstab_with_total(survey, "age_band", "experience")
    caption = "Age band by years of experience (1 to 4 people shown as <5)"
    before, _ = suppression.suppress_counts(ages, total_row=course.TOTAL_ROW)
    page = "course/synthetic_data.ipynb"
    with ledger.recording() as old:
        course.record_crosstab(caption, survey, "age_band", "experience", before)
    moldova = survey[survey["country"] == "Moldova"]
    over_20 = int((moldova["experience"] == "Over 20 years").sum())
    assert policy.is_small(over_20)
    # The chapters as they stood before the study-wide plan: no whole-study counts recorded.
    before_plan = [e for e in chapters_alone if not e.where.startswith("whole-study count")]
    alone = set(_cells(audit.audit_entries(before_plan, explain=False)))
    result = audit.audit_entries(before_plan + _on(page, old), explain=False)
    assert set(_cells(result)) - alone == {
        (
            "countries/moldova.ipynb: table 'Profile of respondents in Moldova: Experience', "
            "row 'Over 20 years', column 'Moldova (n)'",
            over_20,
            float(over_20),
            float(over_20),
        )
    }
    with ledger.recording() as new:
        shown, _ = course.chapter_safe_columns(
            survey, "age_band", "experience", ages, caption=caption, reference=reference
        )
    assert audit.audit_entries(chapters + _on(page, new)).ok
    hidden = course.chapter_hidden_answers(survey, "experience", reference)
    assert "Over 20 years" in hidden
    for answer in hidden:
        assert (shown[f"{answer} (n)"] == policy.WITHHELD).all()
    assert shown.loc[course.TOTAL_ROW, "0-5 years (n)"] == str(
        int((survey["experience"] == "0-5 years").sum())
    )


def test_observed_and_expected_counts_withhold_the_answers_chapters_hide(
    survey_and_reference, chapters
):
    """Expected counts add up to each age band's all-country count (a margin shown)."""
    survey, reference = survey_and_reference
    with ledger.recording() as lesson:
        cells = course.observed_expected(
            survey, "organisation_type", "age_band", reference=reference
        )
    assert audit.audit_entries(chapters + _on("course/tests.ipynb", lesson)).ok
    hidden = course.chapter_hidden_answers(survey, "age_band", reference)
    assert "Over 50" in hidden
    withheld = cells[cells.index.get_level_values("age_band").isin(hidden)]
    assert withheld[["observed", "expected", "contribution"]].isna().all().all()


def test_every_course_table_records_whom_it_counts(survey_and_reference):
    survey, _reference = survey_and_reference
    location = course.crosstab_with_total(survey, "country", "location", totals="both")
    with ledger.recording() as book:
        course.composition(survey, "gender")
        course.suppressed_crosstab(survey, "country", "location", location, caption="Location")
        result = stats.chi2_independence(survey, "country", "location")
        answered = course.respondents_in_test(survey, ["country", "location"])
        course.describe_result(result, respondents=answered)
    places = {entry.where for entry in book}
    assert "composition of gender: Female" in places
    assert "table 'Location', row 'Peru', column 'Rural (n)'" in places
    assert "table 'Location', line of 'Total, Total (n)'" in places
    assert "table 'Location', row 'Total', column 'Rural (n)', by country" in places
    assert any(p.startswith("test sentence: χ²(10) = ") for p in places)
    women = next(e for e in book if e.where == "composition of gender: Female")
    assert women.value == int((survey["gender"] == "Female").sum())
    consistent = audit.audit_entries(book)
    assert consistent.inconsistent == []


# --- the cross-country chapter: pairwise respondents ----------------------------------------


def test_pairwise_respondents_of_a_tiny_albania_and_kenya_are_withheld(tiny_survey):
    """Albania's "supported girls online" base is 2 short of its 12, Kenya's 1 of its 20:
    three pair sizes give a country's answers back, the country's size the rest."""
    survey = tiny_survey
    reference = load_reference()
    test = TESTS_BY_ID["exchange.girls.by_country.chi2"]
    frame = frame_for_test(test, survey)
    group, answer = cross_country.grouping(test)
    with ledger.recording() as sizes:
        overview.sample_by_country(survey, reference)
    pages = _on("chapters/overview.ipynb", sizes)
    with ledger.recording() as old:
        shown = stats.pairwise_chi2(frame, answer, group)
        cross_country._record_pairs(test, survey, frame, group, answer, shown)
    result = audit.audit_entries(pages + _on("chapters/cross_country.ipynb", old), explain=False)
    assert _cells(result) == [
        (f"chapters/cross_country.ipynb: {PAIRWISE}, {GIRLS}: Albania (not asked)", 2, 2.0, 2.0),
        (f"chapters/cross_country.ipynb: {PAIRWISE}, {GIRLS}: Kenya (not asked)", 1, 1.0, 1.0),
    ]
    assert cross_country.pair_sizes_withheld(survey, frame, group, answer) == {"Albania", "Kenya"}
    with ledger.recording() as new:
        pairs = cross_country.posthoc(survey, test)
    assert audit.audit_entries(pages + _on("chapters/cross_country.ipynb", new)).ok
    involved = pairs["group_a"].isin(["Albania", "Kenya"]) | pairs["group_b"].isin(
        ["Albania", "Kenya"]
    )
    assert pairs.loc[involved, "n"].isna().all()
    assert pairs.loc[~involved, "n"].notna().all()
    withheld = [
        e
        for e in new
        if e.where == f"{PAIRWISE}, row '{GIRLS}: Albania vs Kenya', column 'Respondents'"
    ]
    assert [e.kind for e in withheld] == [ledger.CATEGORY]


def test_pairwise_sizes_check_the_chain_of_bases():
    """Answers within the asked, the asked within everyone: anything else is a bug upstream."""
    survey = pd.DataFrame({"country": ["A"] * 6, "x": [1, 2, 3, 4, 5, 6]})
    frame = pd.concat([survey, survey.iloc[:1]])
    with pytest.raises(ValueError, match=r"A has 7 answers of 7 asked of 6 \(each must hold"):
        cross_country.pair_sizes_withheld(survey, frame, "country", "x")


@pytest.mark.parametrize(
    ("everyone", "asked", "answered", "withheld"),
    [(30, 30, 30, False), (30, 28, 28, True), (30, 30, 27, True), (30, 4, 4, True)],
)
def test_a_country_is_withheld_when_a_step_of_its_chain_is_small(
    everyone, asked, answered, withheld
):
    survey = pd.DataFrame(
        {"country": ["A"] * everyone, "x": [1.0] * answered + [None] * (everyone - answered)}
    )
    frame = survey.iloc[:asked]
    found = cross_country.pair_sizes_withheld(survey, frame, "country", "x")
    assert found == ({"A"} if withheld else set())


def test_a_tests_respondents_are_withheld_where_a_countrys_base_would_follow(tiny_survey):
    """The boys ANOVA's n, split by country, minus the chapters' supported-boys counts
    left the twelve-person Albania's and Kenya's hidden ones (the tiny build's leak)."""
    survey = tiny_survey
    reference = load_reference()
    test = TESTS_BY_ID["boys_girls.boys_online_share.by_country.anova"]
    pages = []
    for country in country_chapter.countries_of(survey):
        with ledger.recording() as page:
            country_chapter.boys_and_girls(survey, country)
        pages += _on(f"countries/{slugify(country)}.ipynb", page)
    with ledger.recording() as page:
        overview.sample_by_country(survey, reference)
    pages += _on("chapters/overview.ipynb", page)
    recomputed = cross_country.recompute_published(survey, reference, [test])
    counted = frame_for_test(test, survey).dropna(subset=list(test.variables))
    where = f"table '{cross_country.TESTS_CAPTION}', row '{test.description}', column 'Respondents'"
    before = [
        ledger.count_entry(where, counted, len(counted)),
        *ledger.split_entries(where, counted),
    ]
    result = audit.audit_entries(pages + _on("chapters/cross_country.ipynb", before))
    assert not result.ok
    boys = "row 'Supported in the past year', column 'Boys (%)' (the rest of its base)"
    assert _cells(result) == [
        (
            f"countries/{slugify(country)}.ipynb: table 'Respondents in {country} who supported "
            f"boys and girls', {boys}",
            4,
            4.0,
            4.0,
        )
        for country in ("Albania", "Kenya")
    ]
    assert cross_country.test_size_withheld(survey, test, reference)
    with ledger.recording() as new:
        shown = cross_country.shown_tests(recomputed, survey, reference, [test])
    assert shown["n"].isna().all()
    assert shown.loc[0, "df"] == f"{len(survey['country'].unique()) - 1},{policy.WITHHELD}"
    assert audit.audit_entries(pages + _on("chapters/cross_country.ipynb", new)).ok
    # On the shipped data the same test's 309 is the report's own number: shown.
    shipped = load_survey(paths.SURVEY)
    assert not cross_country.test_size_withheld(shipped, test, reference)


def test_the_location_lesson_no_longer_shows_what_the_overview_withholds(tiny_survey):
    """Albania's urban 9 of 12 (the rest, 3, withheld by the overview) was in the lesson."""
    survey = tiny_survey
    reference = load_reference()
    with ledger.recording() as page:
        overview.profiles(survey, reference)
        overview.sample_by_country(survey, reference)
    pages = _on("chapters/overview.ipynb", page)
    location = course.crosstab_with_total(survey, "country", "location", totals="both")
    caption = "Respondents by country and location, small cells and their partners hidden"
    with ledger.recording() as old:
        course.suppressed_crosstab(survey, "country", "location", location, caption=caption)
    result = audit.audit_entries(pages + _on(LESSON, old), explain=False)
    albania = survey[survey["country"] == "Albania"]
    rest = int((albania["location"] != "Urban").sum())
    assert _cells(result) == [
        (
            "chapters/overview.ipynb: table 'Respondent profile by country', row 'Albania', "
            "column 'Urban clients only' (the rest)",
            rest,
            float(rest),
            float(rest),
        )
    ]
    with ledger.recording() as new:
        shown, _ = course.chapter_crosstab(
            survey, "location", location, caption=caption, reference=reference, own_partners=True
        )
    assert audit.audit_entries(pages + _on(LESSON, new)).ok
    assert shown.loc["Albania", "Urban (n)"] == policy.WITHHELD
