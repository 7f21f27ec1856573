"""The conversations' generated sentences (conversations/narrative.py), word for word.

Two kinds of expectation, both worked out without the module: a small made-up country whose
codes are set here (so every count, and whether the book may show it, is known by hand), and
the shipped synthetic file read with the ``csv`` module, its counts tallied in plain Python.
The rule the sentences follow is the book's: one to four people are "fewer than five" unless
the report published that count, and a count whose rest is one to four is "all but fewer
than five".
"""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.conversations import narrative, schema

# --- the roundtable ----------------------------------------------------------------------------


def test_roundtable_paragraph_orders_kinds_by_count_then_name():
    record = {
        "mode": "virtual",
        "date": "2021-07-26",
        "experts_total": 12,
        "experts_by_kind": [
            {"kind": "university", "count": 2},
            {"kind": "agency", "count": 2},
            {"kind": "<b>NGO</b> & partners", "count": 7},
            {"kind": "funder", "count": 1},
        ],
        "insights": [{"summary": "a"}, {"summary": "b"}, {"summary": "c"}],
    }
    assert narrative.roundtable_paragraph(record) == (
        "The roundtable met virtually on 2021-07-26 with 12 experts (by kind of organisation, "
        "in our classification: <b>NGO</b> & partners 7; agency 2; university 2; funder 1). "
        "It produced 3 insights, summarised below in our own words."
    )


# --- one made-up country, coded by hand -------------------------------------------------------

#: Five themes: three findings, two recommendations (codebook order matters for ties).
CODEBOOK = pd.DataFrame(
    {
        "theme_id": [
            "psych_support_valued",
            "legal_support_received",
            "school_staff_unsupportive",
            "rec_prevention_education",
            "rec_school_role",
        ],
        "family": ["support", "support", "school", "recommendation", "recommendation"],
        "label": [
            "Valued psychological support",
            "Had legal support",
            "School staff not supportive",
            "More prevention education",
            "Schools should lead prevention",
        ],
    }
)
#: Six participants' codes, one list per theme above.
CODES = {
    "psych_support_valued": [1, 1, 1, 1, 1, 0],  # 5 of 6: the rest (1) is hidden
    "legal_support_received": [1, 1, 0, 0, 0, 0],  # 2 of 6: hidden
    "school_staff_unsupportive": [1, 1, 1, 1, 1, 1],  # 6 of 6: shown
    "rec_prevention_education": [1, 0, 0, 0, 0, 0],
    "rec_school_role": [1, 1, 0, 0, 0, 0],
}


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return schema.load_conversations(paths.CONVERSATIONS)


@pytest.fixture(scope="module")
def testland(shipped) -> pd.DataFrame:
    """Six participants of a country the report never mentions, so nothing is published."""
    frame = schema.participants(shipped).head(6).copy().reset_index(drop=True)
    frame["country"] = "Testland"
    for theme, codes in CODES.items():
        frame[theme] = codes
    return frame


def test_country_synthesis_of_a_country_with_no_published_counts(testland):
    assert narrative.country_synthesis(testland, CODEBOOK, "Testland") == (
        "**Testland** (6 synthetic participants). Most often coded overall: "
        "school staff not supportive (six of the 6); "
        "valued psychological support (all but fewer than five of the 6); "
        "had legal support (fewer than five of the 6). "
        "The recommendation raised most often: schools should lead prevention."
    )


def test_country_synthesis_ties_go_to_the_codebook_order(testland):
    frame = testland.copy()
    frame["rec_prevention_education"] = [1, 1, 0, 0, 0, 0]  # now 2 and 2
    text = narrative.country_synthesis(frame, CODEBOOK, "Testland")
    assert text.endswith("The recommendation raised most often: more prevention education.")


def test_a_country_without_conversations_is_said_so(shipped):
    text = narrative.country_synthesis(shipped, CODEBOOK, "Bosnia and Herzegovina")
    assert text == "No conversations are recorded for Bosnia and Herzegovina."


# --- the shipped file, tallied with the csv module ----------------------------------------------


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with paths.CONVERSATIONS.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def published() -> dict[str, str]:
    with (paths.ROOT / "data" / "reference" / "published_conversations.csv").open(
        newline="", encoding="utf-8"
    ) as stream:
        return {row["id"]: row["value"] for row in csv.DictReader(stream)}


def test_sample_paragraph_states_the_file_as_tallied(shipped, rows, published):
    people = [r for r in rows if r["status"] == "participant"]
    by_country = Counter(r["country"] for r in people)
    men = Counter(r["country"] for r in people if r["gender"] == "male")
    women = sum(r["gender"] == "female" for r in people)
    declined = sum(r["status"] == "declined" for r in rows)
    ages = [int(r["age_at_conversation"]) for r in people]
    targeted = [int(r["age_first_targeted"]) for r in people]
    # The shipped file as the sentence below assumes it.
    assert (len(people), women, declined, dict(men)) == (42, 36, 6, {"Colombia": 5, "Mexico": 1})
    # One young man in Mexico may be said: the report published that very count.
    assert published["conversations.participants.men.count.mexico"] == "1"
    listing = ", ".join(f"{c} {by_country[c]}" for c in sorted(by_country))
    assert narrative.sample_paragraph(shipped) == (
        f"The file holds **42 synthetic participants** in {len(by_country)} countries "
        f"({listing}): 36 young women and 6 young men (5 in Colombia and 1 in Mexico). "
        f"They were {min(ages)} to {max(ages)} years old at the conversation and "
        f"{min(targeted)} to {max(targeted)} when first targeted. It also lists 6 invited young "
        "women who declined, for the reasons the report counts."
    )


def test_arrangements_paragraph_states_the_file_as_tallied(shipped, rows):
    people = [r for r in rows if r["status"] == "participant"]
    one_on_one = sum(r["conversation_format"] == "one_on_one" for r in people)
    remote = Counter(r["country"] for r in people if r["pre_meeting"] == "remote")
    size = Counter(r["country"] for r in people)
    hybrid = [r["country"] for r in people if r["conversation_mode"] == "hybrid"]
    albania = [r for r in people if r["country"] == "Albania"]
    family = sum(r["family_present"] == "1" for r in albania)
    explain = sum(r["family_explanation_required"] == "1" for r in albania)
    # Everyone in the two countries with remote pre-meetings had one; one hybrid conversation.
    assert one_on_one == len(people) == 42
    assert remote == {c: size[c] for c in ("Colombia", "Peru")} == {"Colombia": 9, "Peru": 6}
    assert hybrid == ["Peru"]
    assert (len(albania), family, explain) == (7, 5, 2)
    assert narrative.arrangements_paragraph(shipped) == (
        "All 42 participants chose to talk one-on-one rather than in a small group. "
        "Pre-meetings were held remotely for all 9 participants in Colombia and all 6 "
        "participants in Peru; 1 conversation (Peru) was hybrid, with the facilitator connected "
        "remotely and a co-facilitator in the room. In Albania, five of the 7 came with a family "
        "member and two of the 7 asked for the purpose to be explained to their family before "
        "agreeing."
    )


def test_an_unpublished_small_count_in_albania_is_not_stated(shipped):
    # Three of Albania's seven with a family member: not the report's five, so hidden.
    frame = shipped.copy()
    albania = frame.index[(frame["country"] == "Albania") & (frame["status"] == "participant")]
    frame.loc[albania, "family_present"] = [1, 1, 1, 0, 0, 0, 0]
    text = narrative.arrangements_paragraph(frame)
    assert "In Albania, fewer than five of the 7 came with a family member" in text
    assert "three of the 7" not in text and "3 of the 7" not in text
