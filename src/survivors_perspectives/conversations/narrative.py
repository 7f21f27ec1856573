"""Sentences for the chapters, written from the data so no number is ever typed by hand.

Each function returns Markdown. Counts follow the same rule as the tables: one to four
people in a country read "fewer than five" unless the report published that count.
"""

from __future__ import annotations

import pandas as pd

from survivors_perspectives.conversations import schema
from survivors_perspectives.conversations.tables import published_theme_cells
from survivors_perspectives.disclosure.policy import count_text
from survivors_perspectives.sentences import join, plural

_WORDS = {
    0: "none",
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


def _lower(label: str) -> str:
    """Lower-case a label's first letter for use inside a sentence (keeps "NGO")."""
    return label[:1].lower() + label[1:]


def _say(count: int, size: int, published: bool = True) -> str:
    """Say "n of N" in words, or "fewer than five of N" for an unpublished small count.

    "All but fewer than five of N" when the rest of the group is the small count.
    """
    text = count_text(count, size, published=published)
    if text[0].isdigit():
        text = _WORDS.get(count, text)
    return f"{text} of the {size}"


def sample_paragraph(frame: pd.DataFrame) -> str:
    """Describe who took part, from the data."""
    people = schema.participants(frame)
    by_country = people["country"].value_counts()
    countries = [c for c in schema.STUDY_COUNTRIES if c in by_country.index]
    listing = ", ".join(f"{c} {by_country[c]}" for c in countries)
    is_man = people["gender"] == "male"
    men = people[is_man]["country"].value_counts()
    men_text = join([f"{men[c]} in {c}" for c in countries if c in men.index])
    women = int((people["gender"] == "female").sum())
    men_total = int(is_man.sum())
    declined = frame[frame["status"] == "declined"]
    return (
        f"The file holds **{plural(len(people), 'synthetic participant')}** in "
        f"{plural(len(countries), 'country', 'countries')} ({listing}): "
        f"{plural(women, 'young woman', 'young women')} and "
        f"{plural(men_total, 'young man', 'young men')}"
        + (f" ({men_text})" if men_total else "")
        + ". They were "
        f"{people['age_at_conversation'].min()} to {people['age_at_conversation'].max()} years "
        f"old at the conversation and {people['age_first_targeted'].min()} to "
        f"{people['age_first_targeted'].max()} when first targeted. It also lists "
        f"{plural(len(declined), 'invited young woman', 'invited young women')} who declined, "
        "for the reasons the report counts."
    )


def arrangements_paragraph(frame: pd.DataFrame) -> str:
    """Describe how the conversations were arranged, from the data."""
    people = schema.participants(frame)
    remote = people[people["pre_meeting"] == "remote"]["country"].value_counts()
    hybrid = people[people["conversation_mode"] == "hybrid"]
    albania = people[people["country"] == "Albania"]
    sizes = people["country"].value_counts()
    alone = int((people["conversation_format"] == "one_on_one").sum())
    chose = (
        f"All {plural(alone, 'participant')} chose"
        if alone == len(people) and alone > 1
        else f"{plural(alone, 'participant').capitalize()} of {len(people)} chose"
    )

    def remote_in(country: str, n: int) -> str:
        everyone = n == sizes[country]
        return f"{'all ' if everyone and n > 1 else ''}{plural(n, 'participant')} in {country}"

    remote_text = join([remote_in(c, n) for c, n in remote.sort_index().items()])
    return (
        f"{chose} to talk one-on-one rather than in a small group. "
        + (
            f"Pre-meetings were held remotely for {remote_text}"
            if remote_text
            else "No pre-meeting was held remotely"
        )
        + f"; {plural(len(hybrid), 'conversation')}"
        + (f" ({join(sorted(hybrid['country'].unique()))})" if len(hybrid) else "")
        + (" was" if len(hybrid) == 1 else " were")
        + " hybrid, with the facilitator connected remotely and a co-facilitator in the "
        f"room. In Albania, {_say(int(albania['family_present'].sum()), len(albania))} came "
        "with a family member and "
        f"{_say(int(albania['family_explanation_required'].sum()), len(albania))} asked for "
        "the purpose to be explained to their family before agreeing."
    )


def country_synthesis(frame: pd.DataFrame, codebook: pd.DataFrame, country: str) -> str:
    """Summarise one country's coded conversations in a paragraph of generated text."""
    people = schema.participants(frame)
    people = people[people["country"] == country]
    size = len(people)
    if size == 0:
        return f"No conversations are recorded for {country}."
    published = published_theme_cells(frame)
    labels = codebook.set_index("theme_id")["label"]
    families = codebook.set_index("theme_id")["family"]
    counts = people[codebook["theme_id"].tolist()].sum()
    reported = [
        f"{_lower(labels[t])} ({_say(int(counts[t]), size)})"
        for t in codebook["theme_id"]
        if (t, country) in published
    ]
    common = (
        counts[[t for t in counts.index if families[t] not in ("recommendation",)]]
        .sort_values(ascending=False, kind="stable")
        .head(3)
    )
    common_text = "; ".join(
        f"{_lower(labels[t])} ({_say(int(n), size, (t, country) in published)})"
        for t, n in common.items()
    )
    recs = counts[[t for t in counts.index if families[t] == "recommendation"]]
    top_rec = recs.sort_values(ascending=False, kind="stable").index[0]
    text = f"**{country}** ({size} synthetic participants). "
    if reported:
        text += "Counts the report gives, reproduced here: " + "; ".join(reported) + ". "
    text += f"Most often coded overall: {common_text}. "
    text += f"The recommendation raised most often: {_lower(labels[top_rec])}."
    return text


def roundtable_paragraph(record: dict) -> str:
    """Describe the roundtable from its record."""
    kinds = sorted(record["experts_by_kind"], key=lambda k: (-k["count"], k["kind"]))
    listing = "; ".join(f"{k['kind']} {k['count']}" for k in kinds)
    return (
        f"The roundtable met {record['mode']}ly on {record['date']} with "
        f"{record['experts_total']} experts (by kind of organisation, in our classification: "
        f"{listing}). It produced {len(record['insights'])} insights, summarised below in our "
        "own words."
    )
