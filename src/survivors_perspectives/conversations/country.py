"""The conversation section of a country chapter: its tables, or why there is none.

The country-chapter template calls :func:`conversation_tables_for_country` for each country
and, when it returns nothing, :func:`no_conversations_reason` for the sentence to show
instead. Cells of one to four people are shown as "<5" unless the report published them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survivors_perspectives.conversations import schema
from survivors_perspectives.conversations.disclosed import is_published, shown_count, shown_size
from survivors_perspectives.conversations.measures import PUBLISHED_CONVERSATIONS
from survivors_perspectives.conversations.tables import (
    ROUTE_LABELS,
    published_theme_cells,
)
from survivors_perspectives.countries import COUNTRIES, check_country

#: Countries of the study without conversations, with the reason in our own words.
_NO_CONVERSATIONS: dict[str, str] = {
    "Bosnia and Herzegovina": (
        "No survivor conversations were held in Bosnia and Herzegovina. Early in the project "
        "the partners could not find young people who met the inclusion criteria while also "
        "meeting the strict conditions set for their psychological safety, so the country "
        "took part through the frontline workers' survey only."
    ),
}


def no_conversations_reason(country: str) -> str | None:
    """Return why a study country had no conversations, or ``None`` if it had some."""
    check_country(country, COUNTRIES)
    return _NO_CONVERSATIONS.get(country)


#: Caption of each table of the section (the country's name follows).
CAPTIONS: dict[str, str] = {
    "profile": "Who took part in the conversations",
    "arrangements": "How the conversations were arranged",
    "themes": "Themes coded in the conversations",
    "disclosure_routes": "How situations came to light",
}


def caption(key: str, country: str) -> str:
    """Return the caption a table of the section carries (also where its ledger says it is)."""
    return f"{CAPTIONS.get(key, key)}, {country} (synthetic records)"


def _cell(where: str, rows: pd.DataFrame, people: pd.DataFrame, published: bool) -> str:
    """Format one count as "n of N", hiding 1-4 unless published, and record it.

    "6 of 7" would say that one participant was not coded so: a count whose complement in
    the group is 1 to 4 is withheld too (the disclosure policy's complement rule).
    """
    size = shown_size(f"{where} (its base)", people, published=_size_published(people))
    return f"{shown_count(where, rows, people, published=published)} of {size}"


def _size_published(people: pd.DataFrame) -> bool:
    country = people["country"].iloc[0] if len(people) else None
    return is_published(people, country=country)


def _where(key: str, country: str, row: str, column: str) -> str:
    return f"table '{caption(key, country)}', row '{row}', column '{column}'"


def _profile(people: pd.DataFrame, country: str) -> pd.DataFrame:
    """Who took part: numbers by gender and age ranges.

    A gender's count is shown when small only where the report published that very count
    (Mexico's one young man), matched by what it counts, not by its value.
    """
    size = shown_size(
        _where("profile", country, "Participants (synthetic records)", "Value"),
        people,
        published=_size_published(people),
    )
    genders = [("Young women", "female"), ("Young men", "male")]
    rows = [("Participants (synthetic records)", str(size))]
    rows += [
        (
            label,
            _cell(
                _where("profile", country, label, "Value"),
                people[people["gender"] == gender],
                people,
                is_published(people, country=country, gender=gender),
            ),
        )
        for label, gender in genders
    ]
    rows += [
        (
            "Age at the conversation",
            f"{people['age_at_conversation'].min()} to {people['age_at_conversation'].max()}",
        ),
        (
            "Age when first targeted",
            f"{people['age_first_targeted'].min()} to {people['age_first_targeted'].max()}",
        ),
    ]
    return pd.DataFrame(rows, columns=["Characteristic", "Value"]).set_index("Characteristic")


def _arrangements(people: pd.DataFrame, published: set[tuple[str, str]], country: str):
    """How the conversations were arranged."""
    rows = [
        ("One-on-one conversation", "conversation_format", "one_on_one"),
        ("Held in hybrid form", "conversation_mode", "hybrid"),
        ("Pre-meeting held remotely", "pre_meeting", "remote"),
        ("At the member organisation's premises", "venue", "member_organisation"),
        ("Accompanied by a family member", "family_present", 1),
        ("Purpose explained to family first", "family_explanation_required", 1),
    ]
    table = [
        (
            label,
            _cell(
                _where("arrangements", country, label, "Participants"),
                people[(people[col] == value).to_numpy(bool)],
                people,
                (col, country) in published
                or is_published(people, column=col, value=value, country=country),
            ),
        )
        for label, col, value in rows
    ]
    return pd.DataFrame(table, columns=["Arrangement", "Participants"]).set_index("Arrangement")


#: The codebook's theme families as a table shows them (the codebook keeps the ids).
FAMILY_LABELS = {
    "anonymity": "Anonymity",
    "awareness": "Awareness",
    "barrier": "Barrier",
    "community": "Community",
    "disclosure": "Disclosure",
    "family": "Family",
    "recommendation": "Recommendation",
    "reporting": "Reporting",
    "school": "School",
    "support": "Support",
}


def family_label(family: str) -> str:
    """Return a theme family's label for a table cell (a family not listed is capitalised)."""
    return FAMILY_LABELS.get(family, str(family).replace("_", " ").capitalize())


def _themes(
    people: pd.DataFrame, codebook: pd.DataFrame, published: set[tuple[str, str]], country: str
) -> pd.DataFrame:
    """Every theme coded at least once in the country, by family."""
    rows = []
    for theme in codebook.itertuples(index=False):
        coded = people[(people[theme.theme_id] == 1).to_numpy(bool)]
        if coded.empty:
            continue
        theme_published = (theme.theme_id, country) in published
        rows.append(
            {
                "Family": family_label(theme.family),
                "Theme": theme.label,
                "Participants": _cell(
                    _where("themes", country, theme.label, "Participants"),
                    coded,
                    people,
                    theme_published,
                ),
                "Published count": "Yes" if theme_published else "No",
            }
        )
    return pd.DataFrame(rows, columns=["Family", "Theme", "Participants", "Published count"])


def _routes(people: pd.DataFrame, published: set[tuple[str, str]], country: str) -> pd.DataFrame:
    """How situations came to light, where participants described it."""
    rows = [
        (
            label,
            _cell(
                _where("disclosure_routes", country, label, "Participants"),
                people[(people[col] == 1).to_numpy(bool)],
                people,
                (col, country) in published,
            ),
        )
        for col, label in ROUTE_LABELS.items()
        if int(people[col].sum()) > 0
    ]
    return pd.DataFrame(rows, columns=["Route to disclosure", "Participants"])


def conversation_tables_for_country(
    frame: pd.DataFrame,
    country: str,
    codebook: pd.DataFrame | None = None,
    published_path: Path | str = PUBLISHED_CONVERSATIONS,
) -> dict[str, pd.DataFrame]:
    """Return the tables of a country's conversation section.

    Parameters
    ----------
    frame
        A validated conversations frame (see :func:`.schema.load_conversations`).
    country
        A study country, spelled as in the report.
    codebook
        The theme codebook; read from the default path when omitted.
    published_path
        The published reference table (decides which small counts may be shown).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``profile``, ``arrangements``, ``themes`` and ``disclosure_routes``; an empty dict
        when the country held no conversations (see :func:`no_conversations_reason`).
    """
    check_country(country, COUNTRIES)
    people = schema.participants(frame)
    people = people[people["country"] == country]
    if people.empty:
        return {}
    codebook = schema.load_codebook() if codebook is None else codebook
    # Themes and arrangement columns alike: (column, country) cells the report published.
    published = published_theme_cells(frame, published_path)
    return {
        "profile": _profile(people, country),
        "arrangements": _arrangements(people, published, country),
        "themes": _themes(people, codebook, published, country),
        "disclosure_routes": _routes(people, published, country),
    }
