"""Generated sentences read well whatever is withheld, zero, one or missing.

The grammar (``sentences``) is tested on its own, then each template that uses it is driven
with values that are withheld, zero, one and many, and the whole set of country sections is
checked on every country in the data for the patterns that used to slip through.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.conversations import narrative, schema
from survivors_perspectives.pages import country_chapter as cr
from survivors_perspectives.pages import kit, prose, sentences

NAN = float("nan")


# --- the grammar -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "no young men"), (1, "1 young man"), (2, "2 young men"), (11, "11 young men")],
)
def test_plural_agrees_with_its_count(count, expected):
    assert sentences.plural(count, "young man", "young men") == expected


def test_plural_regular_noun_and_zero_word():
    assert sentences.plural(1, "test") == "1 test"
    assert sentences.plural(3, "test") == "3 tests"
    assert sentences.plural(0, "test", zero="none") == "none tests"


@pytest.mark.parametrize(
    ("items", "expected"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join(items, expected):
    assert sentences.join(items) == expected


def test_share_or_fills_in_a_shown_share_and_words_a_withheld_one():
    shown = sentences.share_or(58.4, "women made up {} of them", "the share of women is withheld")
    assert shown == "women made up 58% of them"
    assert sentences.share_or(0.0, "{} said yes", "x") == "0% said yes"
    withheld = sentences.share_or(NAN, "women made up {} of them", "the share of women is withheld")
    assert withheld == "the share of women is withheld to protect respondents"
    assert sentences.share_or(None, "{}", "the share is withheld").endswith("respondents")


@pytest.mark.parametrize(
    ("lead", "parts", "subject", "expected"),
    [
        pytest.param(
            "shelter for",
            [(12.0, "about boys"), (9.0, "about girls")],
            "naming shelter",
            "shelter for 12% about boys and 9% about girls",
            id="all shown",
        ),
        pytest.param(
            "shelter for",
            [(NAN, "about boys"), (9.0, "about girls")],
            "naming shelter",
            "shelter for 9% about girls, while the share about boys is withheld to protect "
            "respondents",
            id="one withheld is said in words, not as a value",
        ),
        pytest.param(
            "shelter for",
            [(NAN, "about boys"), (NAN, "about girls")],
            "naming shelter",
            "the shares naming shelter, about boys and about girls, are withheld to protect "
            "respondents",
            id="all withheld drops the lead",
        ),
        pytest.param(
            "yes for",
            [(NAN, "")],
            "answering yes",
            "the share answering yes is withheld to protect respondents",
            id="a single withheld share",
        ),
        pytest.param(
            "answered",
            [(0.0, "yes"), (NAN, "no"), (NAN, "don't know")],
            "of answers",
            "answered 0% yes, while the shares no and don't know are withheld to protect "
            "respondents",
            id="zero is a value and two withheld agree in number",
        ),
        pytest.param(
            "",
            [(71.0, "rated it poor"), (NAN, "rated it good", "rating it good")],
            "of ratings",
            "71% rated it poor, while the share rating it good is withheld to protect respondents",
            id="a withheld group named differently",
        ),
    ],
)
def test_shares(lead, parts, subject, expected):
    assert sentences.shares(lead, parts, subject=subject) == expected


def test_capitalise_keeps_the_rest():
    assert sentences.capitalise("the NGO") == "The NGO"
    assert sentences.capitalise("58% said") == "58% said"


# --- the audit summary -------------------------------------------------------------------------


def _findings(yes: int, possibly: int, no: int) -> pd.DataFrame:
    outcomes = ["yes"] * yes + ["possibly"] * possibly + ["no"] * no
    return pd.DataFrame({"changes_conclusion": outcomes, "check": ["p_value"] * len(outcomes)})


CHECKS = pd.DataFrame({"check": ["p_value"], "figures_examined": [19]})


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (
            (0, 5, 15),
            "Of these, none would change a conclusion of the report; 5 might, and the data "
            "would have to say; 15 do not: slips",
        ),
        ((1, 0, 1), "Of these, 1 would change a conclusion of the report; none might"),
        ((0, 0, 1), "none might, and the data would have to say; 1 does not: slips"),
        ((2, 1, 0), "; 1 might, and the data would have to say; none do not."),
    ],
)
def test_audit_summary_never_contradicts_itself(counts, expected):
    text = prose.audit_summary(_findings(*counts), CHECKS)
    assert expected in text
    assert "None would change a conclusion of the report, " not in text


def test_audit_summary_with_no_finding_and_one_finding():
    assert prose.audit_summary(_findings(0, 0, 0), CHECKS) == (
        "The checks made 19 comparisons between published figures and found no inconsistencies."
    )
    one = prose.audit_summary(_findings(0, 0, 1), CHECKS)
    assert one.startswith(
        "The checks made 19 comparisons between published figures and found 1 inconsistency "
        "of 1 kind."
    )


# --- the conversations' paragraphs --------------------------------------------------------------


@pytest.fixture(scope="module")
def conversations():
    return schema.load_conversations(paths.CONVERSATIONS)


def _with_men(frame: pd.DataFrame, men: int) -> pd.DataFrame:
    frame = frame.copy()
    taking_part = frame.index[frame["status"] != "declined"]
    frame.loc[taking_part, "gender"] = "female"
    frame.loc[taking_part[:men], "gender"] = "male"
    return frame


@pytest.mark.parametrize(
    ("men", "words"),
    [
        (0, "no young men."),
        (1, "fewer than five young men (fewer than five in "),
        (6, "6 young men ("),
    ],
)
def test_sample_paragraph_agrees_in_number(conversations, men, words):
    text = narrative.sample_paragraph(_with_men(conversations, men))
    assert words in text
    assert not re.search(r"\b1 young men\b|\b1 synthetic participants\b", text)


def test_arrangements_paragraph_with_one_and_no_hybrid_conversation(conversations):
    people = schema.participants(conversations)
    frame = conversations.copy()
    frame.loc[people.index, "conversation_mode"] = "in_person"
    none = narrative.arrangements_paragraph(frame)
    assert "no conversations were hybrid" in none
    frame.loc[people.index[:1], "conversation_mode"] = "hybrid"
    country = people.iloc[0]["country"]
    one = narrative.arrangements_paragraph(frame)
    assert f"1 conversation ({country}) was hybrid" in one
    # Two is not the report's count: a small count it did not publish is not stated, and
    # naming the countries would say each held at least one.
    frame.loc[people.index[:2], "conversation_mode"] = "hybrid"
    two = narrative.arrangements_paragraph(frame)
    assert "; fewer than five conversations were hybrid, with" in two
    assert "2 conversations" not in two


def test_arrangements_paragraph_does_not_say_all_when_not_all(conversations):
    people = schema.participants(conversations)
    frame = conversations.copy()
    frame.loc[people.index[:1], "conversation_format"] = "small_group"
    text = narrative.arrangements_paragraph(frame)
    # "41 of 42" would say one chose a small group: the rest is protected too.
    assert f"All but fewer than five participants of {len(people)} chose" in text
    assert f"{len(people) - 1} participants" not in text
    assert f"All {len(people)} participants" not in text


# --- the country sections, on every country in the data -----------------------------------------


def _texts(frame: pd.DataFrame, country: str) -> dict[str, str]:
    sections = {name: getattr(cr, name)(frame, country) for name in cr.SURVEY_SECTIONS}
    sections["recommendations"] = cr.recommendations(sections, country)
    return {name: section.markdown() for name, section in sections.items()}


#: A withheld share named as if it were a value, as the sentences used to say it.
GARBLED = re.compile(
    r"a share withheld to protect respondents|\bnan%|\bnan\b|withheld to protect respondents "
    r"and a share|\bfor withheld\b"
)


def test_no_country_section_names_a_withheld_share_as_a_value(survey):
    problems = []
    for country in kit.countries_of(survey):
        for name, text in _texts(survey, country).items():
            for match in GARBLED.finditer(text):
                problems.append(
                    f"{country} {name}: ...{text[max(0, match.start() - 60) : match.end()]}"
                )
            # every mention of withholding says what is withheld: "the share(s) ... is/are withheld"
            for sentence in re.split(r"(?<=[.;])\s+", text):
                if "withheld" in sentence and not re.search(
                    r"\bshares?\b[^.;]*\b(is|are) withheld|[Ww]hatever the share", sentence
                ):
                    problems.append(f"{country} {name}: {sentence}")
    assert problems == []


def test_exchange_sentence_with_shelter_withheld_for_both_and_for_one(survey):
    frame = survey.copy()
    country = kit.countries_of(frame)[0]
    rows = frame.index[frame["country"] == country]
    for sex in ("boys", "girls"):
        answered = frame.loc[rows, f"{sex}_exchange"].notna()
        frame.loc[rows[answered.to_numpy()], f"{sex}_exchange"] = "Money"
        frame.loc[rows[answered.to_numpy()][:2], f"{sex}_exchange"] = "Shelter"
    section = cr.exchange(frame, country)
    assert math.isnan(section.numbers["boys.Shelter"])
    assert math.isnan(section.numbers["girls.Shelter"])
    text = section.markdown()
    assert "the shares about boys and about girls for shelter are withheld" in text
    assert not GARBLED.search(text)


def test_awareness_sentence_with_one_rating_withheld(survey):
    frame = survey.copy()
    country = kit.countries_of(frame)[0]
    rows = frame.index[frame["country"] == country]
    frame.loc[rows, "public_awareness"] = "Poor"
    frame.loc[rows[:2], "public_awareness"] = "Good"
    frame.loc[rows[2:8], "public_awareness"] = "Fair"
    text = cr.awareness(frame, country).markdown()
    assert "while the share rating it good or excellent is withheld to protect respondents" in text
    assert not GARBLED.search(text)


def test_awareness_sentence_with_both_shares_withheld(survey):
    frame = survey.copy()
    country = kit.countries_of(frame)[0]
    rows = frame.index[frame["country"] == country]
    frame.loc[rows, "public_awareness"] = "Poor"
    frame.loc[rows[:2], "public_awareness"] = "Good"
    text = cr.awareness(frame, country).markdown()
    assert text.startswith(
        f"In {country}, the shares rating public awareness of online child sexual exploitation "
        "as poor and rating it good or excellent are withheld to protect respondents"
    )


def test_awareness_sentence_with_zero_good_ratings(survey):
    frame = survey.copy()
    country = kit.countries_of(frame)[0]
    rows = frame.index[frame["country"] == country]
    frame.loc[rows, "public_awareness"] = "Poor"
    text = cr.awareness(frame, country).markdown()
    assert "100% of respondents rated public awareness" in text
    assert "and 0% rated it good or excellent" in text
