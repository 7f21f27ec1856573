"""The six-country view: sample by country, profiles side by side, key figures by country.

Feeds ``notebooks/chapters/overview.ipynb``. Every country keeps its colour from
:mod:`survivors_perspectives.pages.plots`, so a reader who met Moldova in vermillion in its own
chapter finds it in vermillion here. Country-level shares computed from one to four people
are withheld, as everywhere in the book.
"""

from __future__ import annotations

import pandas as pd

from survivors_perspectives.countries import slugify
from survivors_perspectives.disclosure import ledger, policy
from survivors_perspectives.pages import plots, tables
from survivors_perspectives.pages.country_chapter import mean_or_nan, profile_hidden, rated_share
from survivors_perspectives.pages.kit import ALL, Section, countries_of

#: Profile shares compared across countries: label -> (column, answer).
PROFILE_SHARES: dict[str, tuple[str, str]] = {
    "Women": ("gender", "Female"),
    "Aged 21-30": ("age_band", "21-30"),
    "Master's degree or PhD": ("education", "Master's degree or PhD"),
    "Up to 5 years' experience": ("experience", "0-5 years"),
    "Government organisation": ("organisation_type", "Government"),
    "Urban clients only": ("location", "Urban"),
}


def _share(mask: pd.Series, published: tuple[float, float] | None = None) -> float:
    """Return the percentage true, or NaN when it would reveal one to four people.

    A share reveals its count, and, with the country's size known, the count of everyone
    else; either being 1 to 4 withholds it (:func:`policy.share_allowed`), unless the report
    published this very share of a base of this very size (``published``: value and base;
    80 % of a 10-person country is not the report's 80 % of 50).
    """
    count, base = int(mask.sum()), len(mask)
    if base == 0:
        return float("nan")
    share = 100 * count / base
    same = published is not None and round(share) == round(published[0])
    return (
        share
        if policy.share_allowed(count, base, published=same and published[1] == base)
        else float("nan")
    )


#: Reference ids (before the country slug) of the country shares the report published.
_PUBLISHED_SHARES = {
    "Women": "profile.gender.female.pct",
    "Master's degree or PhD": "profile.education.masters_phd.pct",
    "Up to 5 years' experience": "profile.experience.0_5.pct",
    "Urban clients only": "profile.location.urban.pct",
}


def _record_share(
    where: str, frame: pd.DataFrame, mask: pd.Series, share: float, published: bool = False
) -> None:
    """Record a share the page shows (table, figure, alt text) with whom it counts.

    ``mask`` selects the people counted within ``frame`` (the share's base); the rest of the
    base is recorded as a group to protect, the base as the sum of both.
    """
    chosen = frame[mask.to_numpy(bool)]
    rest = frame[~mask.to_numpy(bool)]
    ledger.record(
        [
            ledger.share_entry(
                where, chosen, frame, tables.format_percent(share), published=published
            ),
            ledger.category_entry(f"{where} (the rest)", rest),
            ledger.partition_entry(f"{where} (its base)", frame, [chosen, rest]),
        ]
    )


def _published_share(
    reference: pd.DataFrame | None, label: str, country: str
) -> tuple[float, float] | None:
    """Return the share the report published for a country, with its base (or None)."""
    if reference is None or label not in _PUBLISHED_SHARES:
        return None
    ref_id = f"{_PUBLISHED_SHARES[label]}.{slugify(country)}"
    found = reference.loc[reference["id"] == ref_id, ["value", "base"]]
    if not len(found):
        return None
    value, base = pd.to_numeric(found.iloc[0], errors="coerce")
    return float(value), float(base)


def sample_by_country(frame: pd.DataFrame, reference: pd.DataFrame | None = None) -> Section:
    """Count respondents per country, as a table and a country-coloured bar chart.

    ``reference`` (the published reference table) marks the country sizes the report
    published (``sample.completed.count.<country>``), so the disclosure audit knows a
    reader had them already.
    """
    countries = countries_of(frame)
    counts = frame["country"].value_counts().reindex(countries, fill_value=0).astype(int)
    column = "Respondents (n)"
    published: set = set()
    for c in countries if reference is not None else []:
        published |= tables.published_cells(
            counts.to_frame(column).loc[[c]],
            reference,
            c,
            {(c, column): f"sample.completed.count.{slugify(c)}"},
        )
    table = tables.count_table(
        counts.to_frame(column),
        exempt=published,
        caption="Frontline support workers who completed the survey, by country",
        add_total="row",
        percent="total",
        index_name="Country",
        members=lambda country, _col: frame[(frame["country"] == country).to_numpy(bool)],
    )
    figure = plots.country_bars(
        counts.astype(float),
        caption="Respondents by country",
        alt="Bar chart of respondents per country: "
        + "; ".join(f"{c} {n}" for c, n in counts.items())
        + ".",
        xlabel="Respondents",
        percent=False,
    )
    largest, smallest = counts.idxmax(), counts.idxmin()
    text = [
        f"The data hold {int(counts.sum())} completed surveys from {len(countries)} "
        f"countries, from {counts[largest]} in {largest} to {counts[smallest]} in "
        f"{smallest} ({{figure[0]}}, {{table[0]}})."
    ]
    numbers = {f"n.{c}": float(v) for c, v in counts.items()}
    numbers["n"] = float(counts.sum())
    return Section("sample", text, [table], [figure], numbers)


def profiles(frame: pd.DataFrame, reference: pd.DataFrame | None = None) -> Section:
    """Compare the respondent profile across countries (percentages per country).

    ``reference`` (the published reference table) lets a share the report printed be
    shown even where its complement counts fewer than five people. A share whose count
    the country's chapter hides is withheld here too: with the country's published size
    and the chapter's other cells it would give the hidden ones back.
    """
    countries = countries_of(frame)
    hidden = {
        (c, col): profile_hidden(frame, c, col, reference)
        for c in countries
        for col in {col for col, _answer in PROFILE_SHARES.values()}
    }
    shares = pd.DataFrame(
        {
            label: [
                *(
                    float("nan")
                    if hidden[(c, col)].get(answer, False)
                    else _share(
                        frame.loc[frame["country"] == c, col] == answer,
                        _published_share(reference, label, c),
                    )
                    for c in countries
                ),
                100 * float((frame[col] == answer).mean()),
            ]
            for label, (col, answer) in PROFILE_SHARES.items()
        },
        index=[*countries, ALL],
    )
    for label, (col, answer) in PROFILE_SHARES.items():
        for c in [*countries, ALL]:
            rows = frame if c == ALL else frame[(frame["country"] == c).to_numpy(bool)]
            known = None if c == ALL else _published_share(reference, label, c)
            _record_share(
                f"table 'Respondent profile by country', row '{c}', column '{label}'",
                rows,
                rows[col] == answer,
                shares.loc[c, label],
                published=known is not None
                and pd.notna(shares.loc[c, label])
                and round(shares.loc[c, label]) == round(known[0])
                and known[1] == len(rows),
            )
    shown = shares.map(tables.format_percent)
    table = tables.value_table(
        shown,
        caption="Respondent profile by country (percentage of each country's respondents)",
        note=f"{tables.WITHHELD}: not shown because it would reveal fewer than five people.",
        index_name="Country",
    )
    long = (
        shares.drop(index=ALL)
        .rename_axis("country")
        .reset_index()
        .melt(id_vars="country", var_name="measure", value_name="value")
    )
    figure = plots.compare_bars(
        long,
        category="measure",
        value="value",
        group="country",
        palette=plots.country_palette(countries),
        caption="Selected respondent characteristics by country",
        alt="Grouped bar chart, one bar per country for each characteristic. "
        + "; ".join(
            f"{m}: "
            + ", ".join(
                f"{c} "
                + ("withheld" if pd.isna(v := shares.loc[c, m]) else tables.format_percent(v))
                for c in countries
            )
            for m in shares.columns
        )
        + "."
        + (
            " Withheld shares protect respondents and are not drawn."
            if shares.loc[countries].isna().any().any()
            else ""
        ),
        xlabel="Share of the country's respondents",
    )
    women = shares["Women"].drop(index=ALL)
    masters = shares["Master's degree or PhD"].drop(index=ALL)
    text = [
        f"Women made up {tables.format_percent(shares.loc[ALL, 'Women'])} of all "
        f"respondents, from {tables.format_percent(women.min())} in {women.idxmin()} to "
        f"{tables.format_percent(women.max())} in {women.idxmax()}. The share holding a "
        f"Master's degree or a doctorate ranged from {tables.format_percent(masters.min())} "
        f"in {masters.idxmin()} to {tables.format_percent(masters.max())} in "
        f"{masters.idxmax()} ({{figure[0]}}, {{table[0]}}).",
    ]
    numbers = {f"{m}.{c}": float(shares.loc[c, m]) for m in shares.columns for c in shares.index}
    return Section("profiles", text, [table], [figure], numbers)


def _alt_bars(values: pd.Series, missing: str) -> str:
    """Return a country bar chart's alt text, a missing bar said in words (``missing``).

    A bar is missing because its share is withheld to protect respondents (``"withheld"``)
    or because nobody answered (``"no answers"``); the alt text says which, never "–".
    """
    said = "; ".join(
        f"{c} {missing if pd.isna(v) else tables.format_percent(v)}" for c, v in values.items()
    )
    why = (
        " Withheld shares protect respondents and are not drawn."
        if missing == "withheld" and values.isna().any()
        else ""
    )
    return f"Bar chart: {said}.{why}"


def key_figures(frame: pd.DataFrame) -> Section:
    """Show three headline measures by country, each in the countries' colours."""
    countries = countries_of(frame)
    by_country = frame.groupby("country", observed=True)
    online = by_country["caseload_online_pct"].apply(mean_or_nan).reindex(countries)
    # The shares the chapters state (of those who rated), withheld where a chapter's
    # table hides part of them.
    funding = pd.Series(
        {c: rated_share(frame, c, "govt_funding", ["None", "Poor"]) for c in countries}
    )
    aware = pd.Series({c: rated_share(frame, c, "public_awareness", ["Poor"]) for c in countries})
    for c in countries:
        rows = frame[(frame["country"] == c).to_numpy(bool)]
        rated = rows[rows["govt_funding"].notna().to_numpy(bool)]
        _record_share(
            f"figure on government funding, bar '{c}'",
            rated,
            rated["govt_funding"].isin(["None", "Poor"]),
            funding[c],
        )
        rated = rows[rows["public_awareness"].notna().to_numpy(bool)]
        _record_share(
            f"figure on public awareness, bar '{c}'",
            rated,
            rated["public_awareness"] == "Poor",
            aware[c],
        )
    figures = [
        plots.country_bars(
            online,
            caption="Average share of sexual exploitation cases involving technology, by country",
            alt=_alt_bars(online, "no answers"),
            xlabel="Average share of a worker's sexual exploitation cases",
        ),
        plots.country_bars(
            funding,
            caption="Share rating government funding for the response poor or none, by country",
            alt=_alt_bars(funding, "withheld"),
            xlabel="Share of respondents",
        ),
        plots.country_bars(
            aware,
            caption="Share rating public awareness of online child sexual exploitation poor",
            alt=_alt_bars(aware, "withheld"),
            xlabel="Share of respondents",
        ),
    ]
    overall_online = mean_or_nan(frame["caseload_online_pct"])
    overall_funding = 100 * float(frame["govt_funding"].dropna().isin(["None", "Poor"]).mean())
    overall_aware = 100 * float((frame["public_awareness"].dropna() == "Poor").mean())
    for column, answers, overall in (
        ("govt_funding", ["None", "Poor"], overall_funding),
        ("public_awareness", ["Poor"], overall_aware),
    ):
        rated = frame[frame[column].notna().to_numpy(bool)]
        _record_share(
            f"sentence on {column}: all respondents", rated, rated[column].isin(answers), overall
        )
    online_text = (
        f"Across all countries, an average of {tables.format_percent(overall_online)} of the "
        "sexual exploitation cases a worker saw involved technology, from "
        f"{tables.format_percent(online.min())} in {online.idxmin()} to "
        f"{tables.format_percent(online.max())} in {online.idxmax()} ({{figure[0]}})."
        if online.notna().any()
        else "No respondent answered the optional question on how many sexual exploitation "
        "cases involved technology ({figure[0]})."
    )
    text = [
        online_text,
        f"{tables.format_percent(overall_funding)} of all respondents rated government funding "
        f"poor or absent ({{figure[1]}}), and {tables.format_percent(overall_aware)} rated "
        "public awareness poor ({figure[2]}).",
    ]
    numbers = {f"online.{c}": float(v) for c, v in online.items()}
    numbers.update({f"funding.{c}": float(v) for c, v in funding.items()})
    numbers.update({f"awareness.{c}": float(v) for c, v in aware.items()})
    numbers.update(
        {"online": overall_online, "funding": overall_funding, "awareness": overall_aware}
    )
    return Section("key_figures", text, [], figures, numbers)
