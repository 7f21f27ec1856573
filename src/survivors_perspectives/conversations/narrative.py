"""Sentences for the chapters, written from the data so no number is ever typed by hand.

Each function returns Markdown. Counts follow the same rule as the tables: one to four
people in a country read "fewer than five" unless the report published that count.
"""

from __future__ import annotations

import pandas as pd

from survivors_perspectives.conversations import schema
from survivors_perspectives.conversations.disclosed import is_published, shown_count, shown_size
from survivors_perspectives.conversations.tables import published_theme_cells
from survivors_perspectives.disclosure.policy import FEW, SUPPRESSED, WITHHELD
from survivors_perspectives.pages.sentences import join, plural

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


def _say(where: str, rows: pd.DataFrame, group: pd.DataFrame, published: bool) -> str:
    """Say "n of the N" in words, or "fewer than five of the N" for an unpublished small count.

    "All but fewer than five of the N" when the rest of the group is the small count. The
    count, its group and the rest are recorded in the disclosure ledger.
    """
    text = shown_count(where, rows, group, published=published)
    if text == SUPPRESSED:
        text = FEW
    elif text == WITHHELD:
        text = f"all but {FEW}"
    else:
        text = _WORDS.get(len(rows), text)
    return f"{text} of the {len(group)}"


def _number(where: str, rows: pd.DataFrame, group: pd.DataFrame, published: bool) -> str:
    """Return a count for a sentence as digits, or "fewer than five" (recorded)."""
    text = shown_count(where, rows, group, published=published)
    if text == SUPPRESSED:
        return FEW
    if text == WITHHELD:
        return f"all but {FEW}"
    return text


def sample_paragraph(frame: pd.DataFrame) -> str:
    """Describe who took part, from the data."""
    where = "sentence on who took part"
    people = schema.participants(frame)
    by_country = people["country"].value_counts()
    countries = [c for c in schema.STUDY_COUNTRIES if c in by_country.index]
    for c in countries:
        shown_size(
            f"{where}: participants in {c}",
            people[people["country"] == c],
            published=is_published(frame, country=c),
        )
    listing = ", ".join(f"{c} {by_country[c]}" for c in countries)
    is_man = (people["gender"] == "male").to_numpy(bool)
    men_text = join(
        [
            _number(
                f"{where}: young men in {c}",
                people[is_man & (people["country"] == c).to_numpy(bool)],
                people[people["country"] == c],
                is_published(frame, country=c, gender="male"),
            )
            + f" in {c}"
            for c in countries
            if (people.loc[is_man, "country"] == c).any()
        ]
    )
    women = people[(people["gender"] == "female").to_numpy(bool)]
    men = people[is_man]
    shown_size(f"{where}: participants", people, published=is_published(frame))
    women_text = _number(
        f"{where}: young women", women, people, is_published(frame, gender="female")
    )
    men_total = _number(f"{where}: young men", men, people, is_published(frame, gender="male"))
    declined = frame[frame["status"] == "declined"]
    declined_text = shown_count(
        f"{where}: invitees who declined",
        declined,
        frame,
        published=is_published(frame, status="declined"),
    )
    if declined_text in (SUPPRESSED, WITHHELD):
        declined_text = FEW
    return (
        f"The file holds **{plural(len(people), 'synthetic participant')}** in "
        f"{plural(len(countries), 'country', 'countries')} ({listing}): "
        f"{_plural_text(women_text, 'young woman', 'young women')} and "
        f"{_plural_text(men_total, 'young man', 'young men')}"
        + (f" ({men_text})" if len(men) else "")
        + ". They were "
        f"{people['age_at_conversation'].min()} to {people['age_at_conversation'].max()} years "
        f"old at the conversation and {people['age_first_targeted'].min()} to "
        f"{people['age_first_targeted'].max()} when first targeted. It also lists "
        f"{_plural_text(declined_text, 'invited young woman', 'invited young women')} who "
        "declined, for the reasons the report counts."
    )


def _plural_text(text: str, one: str, many: str) -> str:
    """Return "1 young man", "6 young men", "no young men" or "fewer than five young men"."""
    return f"{'no' if text == '0' else text} {one if text == '1' else many}"


def arrangements_paragraph(frame: pd.DataFrame) -> str:
    """Describe how the conversations were arranged, from the data."""
    where = "sentence on how the conversations were arranged"
    people = schema.participants(frame)
    alone = people[(people["conversation_format"] == "one_on_one").to_numpy(bool)]
    alone_text = _number(
        f"{where}: one-on-one",
        alone,
        people,
        is_published(frame, column="conversation_format", value="one_on_one"),
    )
    chose = (
        f"All {plural(len(alone), 'participant')} chose"
        if len(alone) == len(people) and len(alone) > 1
        else f"{_plural_text(alone_text, 'participant', 'participants').capitalize()} of "
        f"{len(people)} chose"
    )

    def remote_in(country: str) -> str:
        group = people[people["country"] == country]
        rows = group[(group["pre_meeting"] == "remote").to_numpy(bool)]
        text = _number(
            f"{where}: remote pre-meetings in {country}",
            rows,
            group,
            is_published(frame, column="pre_meeting", value="remote", country=country),
        )
        everyone = len(rows) == len(group)
        return (
            f"{'all ' if everyone and len(rows) > 1 else ''}"
            f"{_plural_text(text, 'participant', 'participants')} in {country}"
        )

    remote = people[people["pre_meeting"] == "remote"]["country"]
    remote_text = join([remote_in(c) for c in sorted(remote.unique())])
    hybrid = people[(people["conversation_mode"] == "hybrid").to_numpy(bool)]
    hybrid_text = _number(
        f"{where}: hybrid conversations",
        hybrid,
        people,
        is_published(frame, column="conversation_mode", value="hybrid"),
    )
    # Naming the countries of a hidden count would say each holds at least one.
    hybrid_countries = (
        f" ({join(sorted(hybrid['country'].unique()))})"
        if len(hybrid) and hybrid_text.isdigit()
        else ""
    )
    albania = people[people["country"] == "Albania"]

    def in_albania(column: str) -> str:
        rows = albania[(albania[column] == 1).to_numpy(bool)]
        return _say(
            f"{where}: {column} in Albania",
            rows,
            albania,
            is_published(frame, column=column, country="Albania"),
        )

    albania_text = (
        f" In Albania, {in_albania('family_present')} came with a family member and "
        f"{in_albania('family_explanation_required')} asked for the purpose to be explained "
        "to their family before agreeing."
        if len(albania)
        else ""
    )
    return (
        f"{chose} to talk one-on-one rather than in a small group. "
        + (
            f"Pre-meetings were held remotely for {remote_text}"
            if remote_text
            else "No pre-meeting was held remotely"
        )
        + f"; {_plural_text(hybrid_text, 'conversation', 'conversations')}"
        + hybrid_countries
        + (" was" if hybrid_text == "1" else " were")
        + " hybrid, with the facilitator connected remotely and a co-facilitator in the "
        "room." + albania_text
    )


def country_synthesis(frame: pd.DataFrame, codebook: pd.DataFrame, country: str) -> str:
    """Summarise one country's coded conversations in a paragraph of generated text."""
    where = f"sentence summarising {country}'s conversations"
    people = schema.participants(frame)
    people = people[people["country"] == country]
    size = len(people)
    if size == 0:
        return f"No conversations are recorded for {country}."
    shown_size(f"{where}: participants", people, published=is_published(frame, country=country))
    published = published_theme_cells(frame)
    labels = codebook.set_index("theme_id")["label"]
    families = codebook.set_index("theme_id")["family"]
    counts = people[codebook["theme_id"].tolist()].sum()

    def coded(theme: str) -> pd.DataFrame:
        return people[(people[theme] == 1).to_numpy(bool)]

    reported = [
        f"{_lower(labels[t])} ({_say(f'{where}: {t}', coded(t), people, True)})"
        for t in codebook["theme_id"]
        if (t, country) in published
    ]
    # Only themes someone raised: a theme coded for nobody is not "most often coded".
    common = (
        counts[[t for t in counts.index if families[t] not in ("recommendation",)]]
        .pipe(lambda c: c[c > 0])
        .sort_values(ascending=False, kind="stable")
        .head(3)
    )
    common_text = "; ".join(
        f"{_lower(labels[t])} "
        f"({_say(f'{where}: {t}', coded(t), people, (t, country) in published)})"
        for t in common.index
    )
    recs = counts[[t for t in counts.index if families[t] == "recommendation"]]
    text = f"**{country}** ({plural(size, 'synthetic participant')}). "
    if reported:
        text += "Counts the report gives, reproduced here: " + "; ".join(reported) + ". "
    if common_text:
        text += f"Most often coded overall: {common_text}. "
    if recs.max() > 0:
        top_rec = recs.sort_values(ascending=False, kind="stable").index[0]
        text += f"The recommendation raised most often: {_lower(labels[top_rec])}."
    else:
        text += "No participant raised a recommendation."
    return text.strip()


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
