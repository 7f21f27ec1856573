"""The measure registries as data: every reference id written out, every measure able to say
what it computes, and the replication table's "How it is computed" column made from them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.analyses import replication
from survivors_perspectives.conversations import measures as conversation_measures
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.pages import auditor_tables
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.survey import measures
from survivors_perspectives.survey.load import load_survey

SRC = paths.ROOT / "src" / "survivors_perspectives"
SURVEY_REGISTRY = SRC / "survey" / "measures.py"
CONVERSATION_REGISTRY = SRC / "conversations" / "measures.py"


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return load_reference()


def _registry_lines(path) -> dict[str, list[int]]:
    """Line numbers of each ``"<id>":`` entry in a registry file (a plain text search)."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for ref_id in re.findall(r'^\s*"([a-z0-9_.-]+)":', line):
            found.setdefault(ref_id, []).append(number)
    return found


def test_every_reference_id_is_written_out_once_in_its_registry_and_resolves(reference):
    survey_lines = _registry_lines(SURVEY_REGISTRY)
    conversation_lines = _registry_lines(CONVERSATION_REGISTRY)
    survey_text = SURVEY_REGISTRY.read_text(encoding="utf-8")
    problems = []
    for ref_id, topic in zip(reference["id"], reference["topic"], strict=True):
        if topic == "conversations":
            lines = conversation_lines.get(ref_id, [])
            resolves = ref_id in conversation_measures.MEASURE_SPECS
        elif ref_id in measures.NOT_FROM_THE_ANSWERS:
            lines = [1] if survey_text.count(f'    "{ref_id}",\n') == 1 else []
            resolves = ref_id not in measures.MEASURES
        else:
            lines = survey_lines.get(ref_id, [])
            resolves = isinstance(measures.MEASURES.get(ref_id), measures.Measure)
        if len(lines) != 1 or not resolves:
            problems.append(f"{ref_id}: entries on lines {lines}, resolves: {resolves}")
    assert problems == []


def test_every_reference_id_occurs_literally_in_the_source(reference):
    """The 69 ids that used to be assembled in loops with f-strings are written out now."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    missing = [i for i in reference["id"] if f'"{i}"' not in source]
    assert missing == []
    assert len(reference) == 249


def test_no_registry_entry_without_a_reference_row(reference):
    ids = set(reference["id"])
    assert sorted(set(measures.MEASURES) - ids) == []
    assert sorted(set(measures.NOT_FROM_THE_ANSWERS) - ids) == []
    assert set(measures.MEASURES).isdisjoint(measures.NOT_FROM_THE_ANSWERS)
    survey_ids = set(reference.loc[reference["topic"] != "conversations", "id"])
    assert survey_ids == set(measures.MEASURES) | set(measures.NOT_FROM_THE_ANSWERS)


def test_every_registry_entry_names_its_measure_class_on_its_own_line():
    """A text search for an id lands on a line that says which class computes it."""
    lines = SURVEY_REGISTRY.read_text(encoding="utf-8").splitlines()
    for ref_id, numbers in _registry_lines(SURVEY_REGISTRY).items():
        line = lines[numbers[0] - 1]
        name = re.match(r'^\s*"[^"]+": ([A-Za-z]+)\(', line)
        assert name is not None, line
        cls = getattr(measures, name.group(1))
        assert isinstance(measures.MEASURES[ref_id], cls), (ref_id, cls)


@pytest.mark.parametrize(
    ("ref_id", "text"),
    [
        ("profile.gender.female.pct", 'share of gender == "Female" among all respondents'),
        (
            "profile.gender.female.pct.albania",
            'share of gender == "Female" among all respondents, in Albania',
        ),
        (
            "profile.age.21_30.pct.government",
            'share of age_band == "21-30" among all respondents with '
            'organisation_type == "Government"',
        ),
        (
            "government.funding.poor_or_none.pct",
            'share of govt_funding in ("None", "Poor") among all respondents',
        ),
        (
            "boys_girls.supported_only_girls.count",
            "number of all respondents with supported_girls == True and supported_boys == False",
        ),
        (
            "caseload.online_share_of_total.mean",
            "mean of caseload_exploitation_pct * caseload_online_pct / 100 among all respondents",
        ),
        (
            "profile.org_type.government.pct.albania_moldova.min",
            'lowest, over Albania and Moldova, of share of organisation_type == "Government" '
            "among all respondents",
        ),
        (
            "exchange.shelter_boys.rank.peru",
            'rank of Peru (1 = highest) among the countries by share of boys_exchange == "Shelter" '
            "among workers who supported boys in online cases (boys_online_pct > 0)",
        ),
        (
            "profile.gender.by_country.chi2",
            "chi-square statistic of country by gender among all respondents",
        ),
        ("sample.languages.count", measures.NOT_FROM_THE_ANSWERS_TEXT),
        ("conversations.participants.count.peru", "number of participants, in Peru"),
        (
            "conversations.declined.partner_disclosure.count.moldova",
            'number of people who declined with decline_reason == "partner_disclosure", in Moldova',
        ),
        (
            "conversations.age_targeted.youngest.mexico",
            "lowest age_first_targeted among participants, in Mexico",
        ),
    ],
)
def test_how_computed_says_it_in_the_code_s_words(ref_id, text):
    assert replication.how_computed(ref_id) == text


def test_profile_gender_test_description_follows_its_design():
    from survivors_perspectives.published.significance_tests import TESTS_BY_ID

    test = TESTS_BY_ID["profile.gender.by_country.chi2"]
    assert f"{test.row} by {test.col}" in replication.how_computed(test.id)


def test_an_unknown_id_is_said_to_have_no_measure():
    assert replication.how_computed("no.such.figure") == replication.NO_MEASURE


def test_every_description_names_the_columns_it_reads(reference):
    """No description is empty or generic: each names at least one column of the data."""
    from survivors_perspectives.survey.schema import CATEGORIES

    survey = load_survey(paths.SURVEY)
    conversations = load_conversations(paths.CONVERSATIONS)
    columns = set(survey.columns) | set(conversations.columns) | set(CATEGORIES)
    for ref_id in reference["id"]:
        text = replication.how_computed(ref_id)
        if ref_id in measures.NOT_FROM_THE_ANSWERS:
            continue
        words = set(re.findall(r"[a-z_][a-z0-9_]*", text))
        generic = (  # counts of rows or of columns: no column to name
            "number of all respondents (rows of the survey)",
            "number of participants",
            "number of survey columns named barrier_",
        )
        assert words & columns or text.startswith(generic), (ref_id, text)


def test_the_measures_compute_what_they_say_on_a_small_frame():
    frame = pd.DataFrame(
        {
            "country": ["Peru", "Peru", "Mexico", "Mexico", "Mexico"],
            "gender": pd.Categorical(["Female", "Male", "Female", "Female", "Other"]),
            "organisation_type": pd.Categorical(
                ["Government", "Other", "Government", "Other", "Other"]
            ),
            "supported_boys": pd.array([True, True, False, True, False], dtype="boolean"),
            "supported_girls": pd.array([True, False, True, True, False], dtype="boolean"),
            "boys_online_pct": pd.array([10, 0, None, 60, None], dtype="Int64"),
        }
    )
    female = measures.Share("gender", "Female")
    assert female(frame) == 60.0
    assert female(frame, "Peru") == 50.0
    assert measures.InCountry(female, "Mexico")(frame) == pytest.approx(200 / 3)
    assert measures.Count("gender", ("Female", "Other"))(frame) == 4.0
    within = measures.Share("gender", "Female", where=measures.Where("organisation_type", "Other"))
    assert within(frame) == pytest.approx(100 / 3)
    assert measures.OnlyOne("supported_boys", "supported_girls")(frame) == 1.0
    assert measures.Respondents("boys_online")(frame) == 2.0
    assert measures.ShareBeyond("boys_online_pct", ">", 0, "supported_boys")(frame) == (
        pytest.approx(200 / 3)
    )
    assert measures.Mean("boys_online_pct", "supported_boys")(frame) == pytest.approx(70 / 3)
    assert measures.CountryRank(female, "Peru")(frame) == 2.0
    assert measures.Extreme("max", (measures.InCountry(female, "Peru"),))(frame) == 50.0
    assert measures.Distinct("country")(frame) == 2.0


def test_a_measure_without_countries_refuses_one_by_name():
    frame = pd.DataFrame({"country": ["Peru"], "x": [1.0], "y": [1.0]})
    with pytest.raises(TypeError, match="PooledMean cannot be computed for one country"):
        measures.PooledMean(("x", "y"))(frame, "Peru")
    assert measures.PooledMean(("x", "y")).by_country is None
    assert measures.InCountry(measures.Mean("x"), "Peru").by_country == measures.Mean("x")


def test_replication_table_carries_how_each_figure_is_computed_the_same_on_any_data(reference):
    """The column is text about the code: two different datasets give the same words."""
    from survivors_perspectives.synth import generate

    conversations = load_conversations(paths.CONVERSATIONS)
    survey = load_survey(paths.SURVEY)
    small = generate(seed=5).iloc[::4]
    one = replication.replication_table(reference, survey, conversations).set_index("id")
    two = replication.replication_table(reference, small, conversations).set_index("id")
    assert list(replication.REPLICATION_COLUMNS).index("computed_as") == 4
    pd.testing.assert_series_equal(one["computed_as"], two["computed_as"])
    assert one["computed_as"].to_dict() == {i: replication.how_computed(i) for i in one.index}
    assert (one["computed_as"] != "").all()
    assert (one["computed_as"] != replication.NO_MEASURE).all()


def test_the_chapter_table_shows_the_column_with_a_human_header():
    table = pd.DataFrame(
        {
            "id": ["profile.gender.female.pct"],
            "topic": ["profile"],
            "scope": ["all"],
            "quantity": ["share of respondents who are women"],
            "computed_as": [replication.how_computed("profile.gender.female.pct")],
            "unit": ["percent"],
            "published": [58.0],
            "reproduced": [58.1],
            "difference": [0.1],
            "tolerance": [1.0],
            "status": ["reproduced"],
            "note": [""],
            "reference_note": [""],
        }
    )
    shown = auditor_tables.replication_table(table)
    html = shown.to_html()
    assert '<th scope="col" title="computed_as">How it is computed</th>' in html
    assert "share of gender == &quot;Female&quot; among all respondents" in html


def test_a_written_out_country_id_names_the_country_its_measure_computes(reference):
    """Writing ids out by hand must not pair an id with another country's measure."""
    from survivors_perspectives.countries import slugify

    scopes = reference.set_index("id")["scope"]
    checked = 0
    for ref_id, measure in measures.MEASURES.items():
        if isinstance(measure, measures.InCountry | measures.CountryRank):
            assert ref_id.endswith("." + slugify(measure.country)), ref_id
            assert scopes[ref_id] == measure.country, ref_id
            checked += 1
    for ref_id, spec in conversation_measures.MEASURE_SPECS.items():
        country = getattr(spec, "country", None)
        if country is not None and scopes[ref_id] != "all":
            assert ref_id.endswith("." + slugify(country)), ref_id
            assert scopes[ref_id] == country, ref_id
            checked += 1
    assert checked >= 40
