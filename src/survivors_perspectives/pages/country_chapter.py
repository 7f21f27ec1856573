"""The sections of a country findings chapter, computed from the survey frame.

Each public function takes the validated survey frame and a country and returns a
:class:`Section`: Markdown paragraphs whose numbers are computed here (so text and data
cannot disagree), tables with disclosure control applied, captioned figures with alt text,
and the numbers it states in ``numbers`` (so tests can check them against an independent
computation). The notebook ``notebooks/country_findings.ipynb`` only calls these and shows
the result with :func:`show_section`.

Country-level counts of one to four people never appear: tables hide them (see
:mod:`survivors_perspectives.pages.tables`), sentences say "fewer than five", and figures leave out
bars computed from them. Averages of slider answers are not counts and are shown.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping

import pandas as pd

from survivors_perspectives import paths
from survivors_perspectives.countries import COUNTRIES, check_country, slugify
from survivors_perspectives.disclosure import ledger, plan, policy
from survivors_perspectives.disclosure.policy import WITHHELD_SHARE
from survivors_perspectives.disclosure.suppression import published_counts
from survivors_perspectives.pages import auditor_tables, plots, provenance, tables
from survivors_perspectives.pages.kit import ALL, Section, countries_of, country_rows, show
from survivors_perspectives.pages.sentences import (
    NOT_ASKED,
    capitalise,
    is_withheld,
    join,
    not_asked,
    not_asked_sentence,
    share_clauses,
    share_lists,
    share_or,
    shares,
)
from survivors_perspectives.survey import schema

#: The survey sections of a country chapter, in page order: the name of each section function.
SURVEY_SECTIONS = (
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
)
CHILD_GENDERS = {"Boys": "boys", "Girls": "girls"}


#: The function behind each section, where it is not named like the section's key.
_SECTION_FUNCTIONS = {"published": "published_beside_ours"}
#: Which inputs each section reads, where it is not the survey alone.
_SECTION_INPUTS = {
    "conversations": ("conversations",),
    "published": ("survey", "conversations", "reference"),
    "respondents": ("survey", "reference"),
}


def section_provenance(
    section: Section, survey_path: str, conversations_path: str
) -> provenance.Provenance:
    """Return the line saying which function made a section's outputs from which files."""
    files = {
        "survey": survey_path,
        "conversations": conversations_path,
        "reference": paths.PUBLISHED_STATISTICS,
    }
    inputs = _SECTION_INPUTS.get(section.key, ("survey",))
    function = _SECTION_FUNCTIONS.get(section.key, section.key)
    return provenance.line(f"{__name__}.{function}", *(files[name] for name in inputs))


def show_section(
    section: Section, numbering: plots.Numbering, survey_path: str, conversations_path: str
) -> None:
    """Display a chapter section with :func:`~survivors_perspectives.pages.kit.show`.

    Each figure and table is followed by the line naming this module's function that made
    it and the input files, with their SHA-256 (:func:`section_provenance`).
    """
    show(section, numbering, made_by=section_provenance(section, survey_path, conversations_path))


def report_link(country: str):
    """Return the link a country chapter shows to its standalone report (an HTML display).

    The chapter is ``<build>/html/countries/<slug>.html`` and the report is copied to
    ``<build>/html/reports/<slug>.html`` (``build_book --reports``), so the link is relative,
    stays inside the published ``html/`` folder and works offline. Show it from
    a cell tagged ``remove-input`` and ``book-only``: the report should not link to itself.
    """
    from IPython.display import HTML

    slug = html.escape(slugify(country))
    return HTML(
        f'<p class="sp-report-link">This chapter is also a standalone report on '
        f"{html.escape(country)}, a single file that opens offline, to share: "
        f'<a href="../reports/{slug}.html">{slug}.html</a>.</p>'
    )


# --- helpers ---------------------------------------------------------------------------


def _flag(series: pd.Series) -> pd.Series:
    """Nullable booleans as plain booleans (an unasked question counts as "no")."""
    return series.astype("boolean").fillna(False).astype(bool)


def _small(count: float) -> bool:
    return policy.is_small(count)


def _pct(value: float) -> str:
    """Return a share for a sentence (callers leave out :data:`NOT_ASKED` values first)."""
    if not_asked(value):
        raise ValueError("a value nobody was asked for has no share to state")
    return WITHHELD_SHARE if pd.isna(value) else f"{value:.0f}%"


def _alt_pairs(items: list[tuple[str, float, float]], country: str) -> str:
    """Return ``"label: Peru 62%, all countries 58%"`` for each bar pair of a figure.

    A withheld value reads "withheld" (the figure draws no bar for it), and one closing
    sentence says why, once for the whole figure.
    """

    def value(v: float) -> str:
        return "no answers" if not_asked(v) else ("withheld" if pd.isna(v) else _pct(v))

    text = "; ".join(
        f"{label}: {country} {value(here)}, all countries {value(there)}"
        for label, here, there in items
    )
    if any(is_withheld(here) or is_withheld(there) for _, here, there in items):
        text += ". Values withheld to protect respondents are not drawn"
    return text


def _alt_values(records: list[dict], name: str, group: str = "group") -> str:
    """Return the values of a figure's bars for its alt text, withheld and unasked said once.

    Shown values read ``"Girls Money: 50%"``; a group whose every value is withheld reads
    ``"Boys: every share withheld to protect respondents"``; other withheld bars are named
    in one list; a group nobody was asked about reads ``"Boys: not asked (no answers)"``.
    """
    groups = list(dict.fromkeys(r[group] for r in records))
    said, withheld, unasked = [], [], []
    for g in groups:
        mine = [r for r in records if r[group] == g]
        if all(not_asked(r["value"]) for r in mine):
            unasked.append(g)
        elif all(is_withheld(r["value"]) for r in mine):
            withheld.append(f"{g}: every share withheld")
        else:
            said += [f"{g} {r[name]}: {_pct(r['value'])}" for r in mine if pd.notna(r["value"])]
            withheld += [f"{g} {r[name]}" for r in mine if is_withheld(r["value"])]
    text = "; ".join(said)
    if withheld:
        text += (". " if text else "") + f"Withheld to protect respondents: {join(withheld)}"
    if unasked:
        text += (". " if text else "") + f"No answers about {join([u.lower() for u in unasked])}"
    return text


def _count(value: int, base: int | None = None) -> str:
    """Format a country-level count for a sentence, never stating 1 to 4.

    Nor, beside its ``base``, a count whose complement is 1 to 4.
    """
    return policy.count_text(value, base)


def _share(count: int, base: int) -> float:
    """Return ``count`` as a percentage of ``base``; :data:`NOT_ASKED` when nobody answered."""
    return NOT_ASKED if base == 0 else 100 * count / base


def _safe_share(count: int, base: int) -> float:
    """Return a share to draw or state at country level, or NaN if it reveals 1 to 4.

    A count of 1 to 4 is revealed by a share of its own or of its complement in the base.
    """
    if base == 0:
        return NOT_ASKED
    return _share(count, base) if policy.share_allowed(count, base) else float("nan")


def _stated(where: str, part: pd.DataFrame, base: pd.DataFrame, value: float) -> float:
    """Record a share a sentence or figure states (with whom it counts) and return it."""
    # A share nobody was asked for states no number: the ledger holds a category.
    shown = WITHHELD_SHARE if not_asked(value) else _pct(value)
    ledger.record(ledger.share_entry(where, part, base, shown))
    return value


def _stated_count(where: str, part: pd.DataFrame, base: pd.DataFrame) -> str:
    """Return the count of ``part`` for a sentence beside its ``base``, and record it.

    The sentence states the number, "fewer than five" or "all but fewer than five"
    (:func:`policy.count_text`); the ledger gets what that reveals about ``part`` and about
    the rest of ``base``, a group of its own (those who did not answer, say).
    """
    ids = ledger.id_column(base)
    rest = base[~base[ids].isin(part[ids])]
    text = policy.count_text(len(part), len(base))
    if text == policy.FEW:
        shown = [ledger.count_entry(where, part, policy.SUPPRESSED)]
        shown.append(ledger.category_entry(f"{where} (the rest)", rest))
    elif text.startswith("all but"):
        shown = [ledger.count_entry(f"{where} (the rest)", rest, policy.SUPPRESSED)]
        shown.append(ledger.category_entry(where, part))
    else:
        shown = [ledger.count_entry(where, part, text)]
        shown.append(ledger.category_entry(f"{where} (the rest)", rest))
    shown.append(ledger.partition_entry(f"{where} (and the rest)", base, [part, rest]))
    ledger.record(shown)
    return text


def _by_value(rows: pd.DataFrame, columns: Mapping[str, str]) -> tables.Members:
    """Return the rows behind cell (category, label): ``rows[columns[label]] == category``."""
    return lambda category, label: rows[rows[columns[label]] == category]


def _by_flag(rows: pd.DataFrame, flags: Mapping[str, str], column: str | None = None):
    """Return the rows behind cell (label, column): those with ``flags[label]`` set."""
    return lambda label, col: rows[_flag(rows[flags[label]])]


def _guarded_share(
    counts: pd.Series, hidden: pd.Series, members, total_hidden: bool = False
) -> float:
    """Return the share of ``members`` in a line of a table, unless it would undo suppression.

    ``counts`` and ``hidden`` are one line of a table (a row or column, without its total).
    A share that contains some but not all of the line's hidden cells could be combined with
    the shown cells to recover a hidden one, so it is withheld (NaN); so is any share of a
    line whose total the table hides (``total_hidden``): the share and a shown cell give the
    total back (in a country of 12, the three who did not answer about girls).
    """
    if total_hidden:
        return float("nan")
    members = list(members)
    hidden_cells = set(hidden[hidden.astype(bool)].index)
    inside = hidden_cells & set(members)
    if inside and inside != hidden_cells:
        return float("nan")
    return _share(int(counts[members].sum()), int(counts.sum()))


def _palette(country: str) -> dict[str, str]:
    return {country: plots.country_colour(country), ALL: plots.ALL_COUNTRIES_COLOUR}


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _difference(value: float, overall: float, unit: str = "percentage points") -> str:
    """Describe a country value against the six-country value in words."""
    if pd.isna(value) or pd.isna(overall):
        return "not comparable with"
    gap = value - overall
    if abs(gap) < 1:
        return "about the same as"
    return f"{abs(gap):.0f} {unit} {'above' if gap > 0 else 'below'}"


def _reference(reference: pd.DataFrame | None) -> pd.DataFrame:
    if reference is not None:
        return reference
    from survivors_perspectives.published.reference import load_reference

    return load_reference()


# --- who responded ---------------------------------------------------------------------

PROFILE = {
    "Gender": "gender",
    "Age": "age_band",
    "Education": "education",
    "Experience": "experience",
    "Organisation": "organisation_type",
    "Clients' location": "location",
}
_PROFILE_IDS = {"gender": {"Other": "other"}}
#: Published country percentages that imply a count (percentage of the country's sample).
_PROFILE_PCT_IDS = {
    "gender": {"Female": "gender.female"},
    "education": {"Master's degree or PhD": "education.masters_phd"},
    "experience": {"0-5 years": "experience.0_5"},
    "location": {"Urban": "location.urban"},
}


def _profile_counts(
    rows: pd.DataFrame, country: str, column: str, reference: pd.DataFrame | None
) -> tuple[pd.Series, set]:
    """Return one block of a country's profile table: counts per answer, published cells."""
    label = f"{country} (n)"
    counts = rows[column].value_counts().reindex(list(schema.CATEGORIES[column]), fill_value=0)
    slug = slugify(country)
    ids = {(tables.TOTAL, label): f"sample.completed.count.{slug}"}
    for category, key in _PROFILE_IDS.get(column, {}).items():
        ids[(category, label)] = f"profile.{column.split('_')[0]}.{key}.count.{slug}"
    for category, key in _PROFILE_PCT_IDS.get(column, {}).items():
        ids[(category, label)] = f"profile.{key}.pct.{slug}"
    count_frame = pd.concat([counts, pd.Series({tables.TOTAL: len(rows)})]).to_frame(label)
    return counts, tables.published_cells(count_frame, reference, country, ids)


def _profile_table(
    rows: pd.DataFrame,
    country: str,
    column: str,
    reference: pd.DataFrame,
    hide: frozenset = frozenset(),
    counted: tuple[pd.Series, set] | None = None,
    **kwargs,
) -> tables.Table:
    """Return a country's profile block as its chapter shows it (hiding ``hide`` as well).

    ``counted``: the block's counts and published cells, when already known.
    """
    label = f"{country} (n)"
    counts, exempt = counted or _profile_counts(rows, country, column, reference)
    return tables.count_table(
        counts.to_frame(label),
        caption=kwargs.pop("caption", ""),
        exempt=exempt,
        add_total="row",
        percent="total",
        population=len(rows),
        hide={(category, label) for category in hide},
        **kwargs,
    )


_PLANS: dict[str, plan.Plan] = {}


def _plan_key(frame: pd.DataFrame, column: str, reference: pd.DataFrame) -> str:
    """Return a digest of what a profile plan depends on (the plan is cached by it)."""
    digest = hashlib.sha256(column.encode())
    digest.update(frame[["country", column]].astype(str).to_csv(index=False).encode())
    ref = reference[reference["id"].astype(str).str.startswith(("profile.", "sample."))]
    digest.update(ref.astype(str).to_csv(index=False).encode())
    return digest.hexdigest()


def profile_plan(
    frame: pd.DataFrame, reference: pd.DataFrame | None = None, columns=None
) -> plan.Plan:
    """Return the study-wide partner plan of the profile tables (see :mod:`.disclosure.plan`).

    Each chapter's profile block of one question is one column of a table of categories by
    countries whose row totals (the whole-study counts) are public; the plan hides, across
    chapters, what no chapter alone would, so that no whole-study count minus the other
    chapters' cells gives a hidden count back. Computed from the whole frame, so every
    chapter, the overview and the course get the same plan; cached by the data it reads.
    """
    reference = _reference(reference)
    found = plan.NO_PLAN
    countries = countries_of(frame)
    for column in PROFILE.values() if columns is None else columns:
        key = _plan_key(frame, column, reference)
        if key not in _PLANS:
            rows = {c: country_rows(frame, c) for c in countries}
            counted = {c: _profile_counts(rows[c], c, column, reference) for c in countries}
            exempt = {(k, c) for c in countries for k, _label in counted[c][1] if k != tables.TOTAL}
            _PLANS[key] = plan.plan_line(
                column,
                pd.DataFrame({c: counted[c][0] for c in countries}),
                lambda c, hide, column=column, rows=rows, counted=counted: _profile_table(
                    rows[c], c, column, reference, hide, counted[c]
                ).data[f"{c} (n)"],
                exempt,
            )
        found = found.merge(_PLANS[key])
    return found


def profile_hidden(
    frame: pd.DataFrame, country: str, column: str, reference: pd.DataFrame | None = None
) -> pd.Series:
    """Return which answers to ``column`` the country's profile table hides (True: hidden).

    Other pages that state a country's profile (the overview's shares, the course's
    compositions) ask this, so a share never gives back a count the chapter hides (a share
    of 24 % of Peru's published 80 is 19, and 80 minus the chapter's other cells pins the
    hidden one). The chapter applies the study-wide plan (:func:`profile_plan`), so this does.
    """
    reference = _reference(reference)
    rows = country_rows(frame, country)
    hide = profile_plan(frame, reference, [column]).hide(column, country)
    table = _profile_table(rows, country, column, reference, hide)
    return table.hidden[f"{country} (n)"].drop(tables.TOTAL).astype(bool)


def _whole_study_published(frame: pd.DataFrame, column: str, category, reference) -> bool:
    """Return True when the report published the whole study's count of ``category``."""
    from survivors_perspectives.survey.measures import MEASURES, Count, Share

    ids = {
        ref_id
        for ref_id, m in MEASURES.items()
        if isinstance(m, Count | Share)
        and m.column == column
        and tuple(m.levels) == (category,)
        and m.subset == "everyone"
        and getattr(m, "where", None) is None
    }
    rows = reference[reference["id"].isin(ids) & (reference["scope"] == "all")]
    count = int((frame[column] == category).sum())
    return any(count in published_counts(row) for _i, row in rows.iterrows())


def _record_whole_study(frame: pd.DataFrame, column: str, block: str, reference) -> None:
    """Record each category's whole-study count and that it is the countries' cells added up.

    The chapter shows each category's share of all respondents beside their number, and
    the report published the counts: a reader has them. Recorded, the audit sees the line
    the six chapters' cells make with them (:mod:`.disclosure.plan`).
    """
    countries = countries_of(frame)
    for category in schema.CATEGORIES[column]:
        rows = frame[(frame[column] == category).to_numpy(bool)]
        where = f"whole-study count of {block}: {category}"
        ledger.record(
            [
                ledger.count_entry(
                    where,
                    rows,
                    str(len(rows)),
                    published=_whole_study_published(frame, column, category, reference),
                ),
                ledger.partition_entry(
                    f"{where} (the countries' cells)",
                    rows,
                    [rows[(rows["country"] == c).to_numpy(bool)] for c in countries],
                ),
            ]
        )


def respondents(
    frame: pd.DataFrame,
    country: str,
    reference: pd.DataFrame | None = None,
    partners: plan.Plan | None = None,
) -> Section:
    """Who answered in ``country``: its profile beside the six-country profile.

    ``partners``: the study-wide plan (by default :func:`profile_plan` of ``frame``;
    :data:`.disclosure.plan.NO_PLAN` shows what the chapter would hide on its own).
    """
    rows = country_rows(frame, country)
    reference = _reference(reference)
    partners = profile_plan(frame, reference) if partners is None else partners
    n, total = len(rows), len(frame)
    label = f"{country} (n)"
    parts = {}
    for block, column in PROFILE.items():
        categories = list(schema.CATEGORIES[column])
        overall = frame[column].value_counts(normalize=True).reindex(categories, fill_value=0)
        extra = (100 * overall).map(tables.format_percent).to_frame(f"{ALL} (%)")
        extra.loc[tables.TOTAL] = "100%"
        parts[block] = _profile_table(
            rows,
            country,
            column,
            reference,
            partners.hide(column, country),
            caption=f"Profile of respondents in {country}: {block}",
            extra=extra,
            members=_by_value(rows, {label: column}),
        )
        _record_whole_study(frame, column, block, reference)
        parts[block].caption = block
    table = tables.stack_tables(
        parts,
        caption=f"Profile of the frontline support workers who responded in {country}, "
        f"beside all {total} respondents",
    )
    characteristics = {
        "Women": ("gender", "Female"),
        "Master's degree or PhD": ("education", "Master's degree or PhD"),
        "Up to 5 years' experience": ("experience", "0-5 years"),
        "Government organisation": ("organisation_type", "Government"),
        "Urban clients only": ("location", "Urban"),
    }
    records, values = [], {"n": float(n), "share_of_sample": _share(n, total)}
    for name, (column, category) in characteristics.items():
        block = next(b for b, c in PROFILE.items() if c == column)
        hidden = bool(parts[block].hidden.loc[category, label])
        count = int((rows[column] == category).sum())
        here = _stated(
            f"figure and alt text of respondent characteristics: {name}, {country}",
            rows[(rows[column] == category).to_numpy(bool)],
            rows,
            float("nan") if hidden else _share(count, n),
        )
        there = _share(int((frame[column] == category).sum()), total)
        values[f"{column}.{category}"] = here
        values[f"{column}.{category}.all"] = there
        records += [
            {"measure": name, "group": country, "value": here},
            {"measure": name, "group": ALL, "value": there},
        ]
    plot_frame = pd.DataFrame(records)
    alt = _alt_pairs(
        [
            (r.measure, r.value, plot_frame.loc[i + 1, "value"])
            for i, r in plot_frame.iloc[::2].iterrows()
        ],
        country,
    )
    figure = plots.compare_bars(
        plot_frame,
        category="measure",
        value="value",
        group="group",
        palette=_palette(country),
        caption=f"Selected characteristics of respondents in {country} and in all countries",
        alt=f"Bar chart of respondent characteristics. {alt}.",
        xlabel="Share of respondents",
    )
    women = values["gender.Female"]
    masters = values["education.Master's degree or PhD"]
    masters_all = values["education.Master's degree or PhD.all"]
    women_all = _pct(values["gender.Female.all"])
    employers = shares(
        "",
        [
            (
                values["organisation_type.Government"],
                "worked for a government body",
                "working for a government body",
            ),
            (
                values["location.Urban"],
                "for an organisation serving urban clients only",
                "working for organisations serving urban clients only",
            ),
        ],
        subject="",
    )
    text = [
        f"In {country}, {n} frontline support workers completed the survey, "
        f"{_pct(values['share_of_sample'])} of the {total} respondents in the data. "
        + capitalise(
            share_clauses(
                [
                    (
                        women,
                        f"women made up {{}} of them, "
                        f"{_difference(women, values['gender.Female.all'])} the six-country "
                        f"share of {women_all}",
                        f"of women among them (six-country share: {women_all})",
                    ),
                    (
                        masters,
                        f"{{}} held a Master's degree or a doctorate (all countries: "
                        f"{_pct(masters_all)})",
                        "holding a Master's degree or a doctorate (all countries: "
                        f"{_pct(masters_all)})",
                    ),
                ]
            )
        )
        + ". "
        + capitalise(employers)
        + ".",
        "{figure[0]} sets these shares beside the whole sample and {table[0]} gives the "
        "full profile. The sample was one of convenience, so the profile describes who "
        "answered, not the country's workforce.",
    ]
    return Section("respondents", text, [table], [figure], values)


# --- caseloads ---------------------------------------------------------------------------

CASELOAD_BANDS = {
    "Up to a quarter": (0, 25),
    "More than a quarter, up to half": (26, 50),
    "More than half, up to three quarters": (51, 75),
    "More than three quarters": (76, 100),
}


#: The row of respondents who left a slider empty: a group like any band, so a small one is
#: hidden with its partners rather than left to be worked out from the country's total.
NO_ANSWER = "No answer"


def _band_counts(values: pd.Series) -> pd.Series:
    values = pd.to_numeric(values, errors="coerce")
    counts = {name: int(values.between(lo, hi).sum()) for name, (lo, hi) in CASELOAD_BANDS.items()}
    return pd.Series({**counts, NO_ANSWER: int(values.isna().sum())})


def _in_band(values: pd.Series, band: str) -> pd.Series:
    """Return the rows of ``values`` in a band of :data:`CASELOAD_BANDS` (or unanswered)."""
    values = pd.to_numeric(values, errors="coerce")
    if band == NO_ANSWER:
        return values.isna()
    return values.between(*CASELOAD_BANDS[band]).fillna(False)


def mean_or_nan(values: pd.Series) -> float:
    """Return the mean of the answers given, or NaN when nobody answered (an optional item)."""
    mean = values.astype("Float64").mean()
    return NOT_ASKED if pd.isna(mean) else float(mean)


def caseloads(frame: pd.DataFrame, country: str) -> Section:
    """How much of the caseload involved sexual exploitation, and how much of that was online."""
    rows = country_rows(frame, country)
    exploitation = rows["caseload_exploitation_pct"].astype("Float64")
    online = rows["caseload_online_pct"].astype("Float64")
    both = (exploitation * online / 100).dropna()
    values = {
        "exploitation_mean": mean_or_nan(exploitation),
        "exploitation_mean.all": mean_or_nan(frame["caseload_exploitation_pct"]),
        "online_mean": mean_or_nan(online),
        "online_mean.all": mean_or_nan(frame["caseload_online_pct"]),
        "online_answered": float(online.notna().sum()),
        "technology_share_of_caseload": mean_or_nan(both),
    }
    by_country = (
        frame.groupby("country", observed=True)["caseload_online_pct"]
        .apply(mean_or_nan)
        .reindex(countries_of(frame))
    )
    figure = plots.country_bars(
        by_country,
        caption="Average share of sexual exploitation cases involving technology, by country",
        alt="Bar chart, one bar per country: "
        + "; ".join(f"{c} {tables.format_percent(v)}" for c, v in by_country.items())
        + f". {country} is highlighted.",
        xlabel="Average share of a worker's sexual exploitation cases (%)",
        highlight=country,
    )
    counts = pd.DataFrame(
        {
            "Exploitation in caseload (n)": _band_counts(exploitation),
            "Online among exploitation cases (n)": _band_counts(online),
        }
    )
    band_columns = {
        "Exploitation in caseload (n)": exploitation,
        "Online among exploitation cases (n)": online,
    }
    table = tables.count_table(
        counts,
        caption=f"Respondents in {country} by share of cases, in bands of the 0-100 slider",
        add_total="row",
        percent="total",
        index_name="Share of cases",
        population=len(rows),
        members=lambda band, col: rows[_in_band(band_columns[col], band).to_numpy(bool)],
    )
    answered = _stated_count(
        f"caseloads text: respondents in {country} who answered the online share",
        rows[online.notna().to_numpy(bool)],
        rows,
    )
    first = (
        f"On average, respondents in {country} placed {_pct(values['exploitation_mean'])} "
        "of the children they supported as having experienced some form of sexual "
        f"exploitation (all countries: {_pct(values['exploitation_mean.all'])})."
    )
    if values["online_answered"]:
        first += (
            f" Of those cases, an average of {_pct(values['online_mean'])} involved digital "
            f"technology, {_difference(values['online_mean'], values['online_mean.all'])} the "
            f"six-country average of {_pct(values['online_mean.all'])}; "
            f"{answered} respondents answered that question. Taken "
            "together, about "
            f"{_pct(values['technology_share_of_caseload'])} of a typical worker's whole "
            "caseload involved sexual exploitation with a technology element."
        )
    else:  # an optional question: a valid file may hold no answer to it here
        first += (
            f" No respondent in {country} answered the optional question on how many of "
            "those cases involved digital technology."
        )
    if by_country.notna().any():
        highest, lowest = by_country.idxmax(), by_country.idxmin()
        second = (
            f"Across the countries in the data, the average online share ran from "
            f"{_pct(by_country.min())} in {lowest} to {_pct(by_country.max())} in {highest} "
            "({figure[0]})."
        )
    else:
        second = (
            "No respondent in the data answered that question, so the countries cannot be "
            "compared on it ({figure[0]})."
        )
    text = [first, second + " {table[0]} shows how the answers spread over the slider."]
    return Section("caseloads", text, [table], [figure], values)


# --- boys and girls ------------------------------------------------------------------------

AGE_LABELS = {"under_11": "Under 11", "11_15": "11 to 15", "16_17": "16 or 17"}


def boys_and_girls(frame: pd.DataFrame, country: str) -> Section:
    """Who supported boys and girls, how often online abuse arose, and the children's ages."""
    rows = country_rows(frame, country)
    n = len(rows)
    values: dict[str, float] = {}
    counts = {}
    records = []
    groups: dict[str, dict[str, pd.DataFrame]] = {}
    for label, sex in CHILD_GENDERS.items():
        supported = _flag(rows[f"supported_{sex}"])
        online = pd.to_numeric(rows[f"{sex}_online_pct"], errors="coerce")
        any_online = int((online > 0).sum())
        groups[f"{label} (n)"] = {
            "Supported in the past year": rows[supported.to_numpy(bool)],
            "Supported in online cases": rows[(online > 0).fillna(False).to_numpy(bool)],
            "Online in more than half of these cases": rows[
                (online > 50).fillna(False).to_numpy(bool)
            ],
        }
        values[f"{sex}.supported"] = float(supported.sum())
        values[f"{sex}.any_online"] = float(any_online)
        values[f"{sex}.online_mean"] = mean_or_nan(online)
        counts[f"{label} (n)"] = pd.Series(
            {
                "Supported in the past year": int(supported.sum()),
                "Supported in online cases": any_online,
                "Online in more than half of these cases": int((online > 50).sum()),
            }
        )
        asked = online > 0
        for band, band_label in AGE_LABELS.items():
            mean = mean_or_nan(pd.to_numeric(rows.loc[asked, f"{sex}_age_{band}_pct"]))
            values[f"{sex}.age.{band}"] = mean
            records.append({"age": band_label, "group": label, "value": mean})
    only_girls = int((~_flag(rows["supported_boys"])).sum())
    values["only_girls"] = float(only_girls)
    # n minus the workers who supported boys (or girls) is a count too: when it is 1 to 4,
    # the table hides the number who supported them (percent="base" does so).
    table = tables.count_table(
        pd.DataFrame(counts),
        caption=f"Respondents in {country} who supported boys and girls",
        percent="base",
        percent_base=n,
        note=f"Percentages are of all {n} respondents in {country}.",
        population=len(rows),
        members=lambda row, col: groups[col][row],
        base_members=lambda col: rows,
    )
    for label, sex in CHILD_GENDERS.items():
        # A share of those who supported boys (girls) and its count give the base back:
        # withheld when the table hides that base.
        base_hidden = bool(table.hidden.loc["Supported in the past year", f"{label} (n)"])
        base = groups[f"{label} (n)"]["Supported in the past year"]
        for key, row in (
            ("any_online_pct", "Supported in online cases"),
            ("over_half", "Online in more than half of these cases"),
        ):
            part = groups[f"{label} (n)"][row]
            share = float("nan") if base_hidden else _safe_share(len(part), len(base))
            values[f"{sex}.{key}"] = _stated(
                f"boys and girls text: {row.lower()}, share of those who supported "
                f"{label.lower()}, {country}",
                part,
                base,
                share,
            )
    boys_supported = _stated_count(
        f"boys and girls text: respondents in {country} who supported boys",
        groups["Boys (n)"]["Supported in the past year"],
        rows,
    )
    only_girls_text = _stated_count(
        f"boys and girls text: respondents in {country} who supported girls only",
        rows[(~_flag(rows["supported_boys"])).to_numpy(bool)],
        rows,
    )
    # Who was asked the online questions: those who supported boys (girls) at all, and of
    # them those with online cases, asked the age bands. A group nobody was asked about is
    # said once, not as a share withheld or a 0%.
    unsupported = [s for s in CHILD_GENDERS.values() if values[f"{s}.supported"] == 0]
    offline = [
        s
        for s in CHILD_GENDERS.values()
        if s not in unsupported and not_asked(values[f"{s}.age.under_11"])
    ]
    figure = plots.compare_bars(
        pd.DataFrame(records),
        category="age",
        value="value",
        group="group",
        palette=plots.CHILD_GENDER_COLOURS,
        caption=f"Average share of children in online cases by age when first targeted, {country}",
        alt="Grouped bar chart of age when first targeted. " + _alt_values(records, "age") + ".",
        xlabel="Average share of a worker's online cases (%)",
    )
    online = shares(
        "At least one case of online sexual exploitation or abuse had come up for",
        [
            (values[f"{sex}.any_online_pct"], f"of those who supported {sex}")
            for sex in ("boys", "girls")
            if sex not in unsupported
        ],
        subject="of those who had seen a case of online sexual exploitation or abuse",
    )
    over_half = shares(
        "Online abuse made up more than half of the caseload for",
        [
            (values["girls.over_half"], "of those who supported girls"),
            (values["boys.over_half"], "of those who supported boys"),
        ],
        subject="of workers for whom online abuse was more than half the caseload",
    )
    ages = [
        f"{_pct(values[f'{s}.age.under_11'])} of the {s}"
        for s in ("girls", "boys")
        if not not_asked(values[f"{s}.age.under_11"])
    ]
    first = (
        f"Of the {n} respondents in {country}, "
        f"{'none' if boys_supported == '0' else boys_supported} had "
        f"supported boys in the past year and "
        f"{'none' if only_girls_text == '0' else only_girls_text} had supported girls only."
    )
    if online:
        first += " " + capitalise(online) + "."
    if over_half:
        first += " " + capitalise(over_half) + "."
    first = " ".join(
        [
            first,
            not_asked_sentence(
                country, unsupported, f"supported {join(unsupported)} in the past year"
            ),
        ]
    ).strip()
    if ages:
        second = (
            f"Workers placed, on average, {join(ages)} in their online cases under 11 "
            "when first targeted ({figure[0]}; counts in {table[0]})."
        )
    else:
        second = (
            "No respondent answered on the children's ages ({figure[0]}; counts in {table[0]})."
        )
    if ages and offline:  # those who supported nobody of a gender are said above
        second += " " + not_asked_sentence(country, offline, "online cases with " + join(offline))
    text = [first, second]
    return Section("boys_and_girls", text, [table], [figure], values)


# --- offenders ---------------------------------------------------------------------------


def _top_relationship(top: Mapping[str, str]) -> str:
    """Say the relationship named most often, for the groups anyone answered about."""
    if not top:
        return "No respondent named a relationship ({table[0]})."
    if len(set(top.values())) == 1 and len(top) == len(CHILD_GENDERS):
        return (
            f"The relationship named most often was '{next(iter(top.values())).lower()}', for "
            "girls and for boys alike ({table[0]})."
        )
    named = join([f"'{relation.lower()}' for {label.lower()}" for label, relation in top.items()])
    return f"The relationship named most often was {named} ({{table[0]}})."


def offenders(frame: pd.DataFrame, country: str) -> Section:
    """Offenders' sex, nationality and most common relationship to the child."""
    rows = country_rows(frame, country)
    values: dict[str, float] = {}
    for sex in CHILD_GENDERS.values():
        female = pd.to_numeric(rows[f"{sex}_offender_female_pct"], errors="coerce")
        values[f"{sex}.female_mean"] = mean_or_nan(female)
        values[f"{sex}.female_mean.all"] = float(
            pd.to_numeric(frame[f"{sex}_offender_female_pct"], errors="coerce").mean()
        )
    nationality = (
        rows["offender_nationality"].value_counts().reindex(schema.NATIONALITY, fill_value=0)
    )
    answered_rows = rows[rows["offender_nationality"].notna().to_numpy(bool)]
    answered = _stated_count(
        f"offenders text: respondents in {country} who answered on offenders' nationality",
        answered_rows,
        rows,
    )
    values["foreign_share"] = _stated(
        f"offenders text: offenders more often from another country, {country}",
        rows[(rows["offender_nationality"] == "Another country").to_numpy(bool)],
        answered_rows,
        _safe_share(int(nationality["Another country"]), len(answered_rows))
        if answered.isdigit()
        else float("nan"),
    )
    relationship = pd.DataFrame(
        {
            f"{label} (n)": rows[f"{sex}_offender_relationship"]
            .value_counts()
            .reindex(schema.RELATIONSHIPS, fill_value=0)
            for label, sex in CHILD_GENDERS.items()
        }
    )
    table = tables.count_table(
        relationship,
        caption=f"Most common relationship of offender to child in respondents' online cases, "
        f"{country}",
        add_total="row",
        percent="total",
        index_name="Relationship",
        population=len(rows),
        members=_by_value(
            rows,
            {
                f"{label} (n)": f"{sex}_offender_relationship"
                for label, sex in CHILD_GENDERS.items()
            },
        ),
    )
    top = {
        label: relationship[f"{label} (n)"].sort_values(ascending=False, kind="stable").index[0]
        for label in CHILD_GENDERS
        if relationship[f"{label} (n)"].sum() > 0
    }
    female = [
        f"{_pct(values[f'{sex}.female_mean'])} {where} "
        f"(all countries: {_pct(values[f'{sex}.female_mean.all'])})"
        for sex, where in (
            ("girls", "of offenders in their online cases with girls were female"),
            ("boys", "in cases with boys"),
        )
        if not not_asked(values[f"{sex}.female_mean"])
    ]
    unasked = [s for s in ("girls", "boys") if not_asked(values[f"{s}.female_mean"])]
    if female and unasked == ["girls"]:
        female = [
            female[0].replace(
                "in cases with boys", "of offenders in their online cases with boys were female"
            )
        ]
    opening = (
        f"Respondents in {country} estimated that, on average, {join(female)}. " if female else ""
    ) + (
        not_asked_sentence(country, unasked, "online cases with " + join(unasked)) + " "
        if unasked
        else ""
    )
    text = [
        opening
        + capitalise(
            share_or(
                values["foreign_share"],
                f"{{}} of the {answered} who answered said offenders were more often from "
                "another country than the child's own.",
                f"The share of the {answered} who answered saying offenders were more often "
                "from another country than the child's own is withheld",
            )
        )
        + ("" if pd.notna(values["foreign_share"]) else "."),
        _top_relationship(top),
    ]
    return Section("offenders", text, [table], [], values)


# --- exchange and facilitation ---------------------------------------------------------------


def _boys_girls_counts(rows: pd.DataFrame, suffix: str, categories) -> pd.DataFrame:
    return pd.DataFrame(
        {
            f"{label} (n)": rows[f"{sex}_{suffix}"].value_counts().reindex(categories, fill_value=0)
            for label, sex in CHILD_GENDERS.items()
        }
    )


def _boys_girls_columns(suffix: str) -> dict[str, str]:
    return {f"{label} (n)": f"{sex}_{suffix}" for label, sex in CHILD_GENDERS.items()}


def exchange(frame: pd.DataFrame, country: str) -> Section:
    """Summarise what was most commonly exchanged in cases with boys and with girls."""
    rows = country_rows(frame, country)
    counts = _boys_girls_counts(rows, "exchange", schema.EXCHANGES)
    table = tables.count_table(
        counts,
        caption=f"Most common thing exchanged in respondents' cases, {country}",
        add_total="row",
        percent="total",
        index_name="Exchanged",
        population=len(rows),
        members=_by_value(rows, _boys_girls_columns("exchange")),
    )
    values: dict[str, float] = {}
    records = []
    for label, sex in CHILD_GENDERS.items():
        column = counts[f"{label} (n)"]
        hidden = table.hidden[f"{label} (n)"].drop(tables.TOTAL)
        answered = rows[rows[f"{sex}_exchange"].isin(column.index).to_numpy(bool)]
        for option in column.index:
            values[f"{sex}.{option}"] = _stated(
                f"figure and alt text of the most common exchange: {label}, {option}, {country}",
                rows[(rows[f"{sex}_exchange"] == option).to_numpy(bool)],
                answered,
                _guarded_share(
                    column, hidden, [option], bool(table.hidden.loc[tables.TOTAL, f"{label} (n)"])
                ),
            )
            overall = frame[f"{sex}_exchange"].value_counts(normalize=True).get(option, 0)
            values[f"{sex}.{option}.all"] = 100 * float(overall)
        records += [
            {"option": option, "group": label, "value": values[f"{sex}.{option}"]}
            for option in schema.EXCHANGES
        ]
    figure = plots.compare_bars(
        pd.DataFrame(records),
        category="option",
        value="value",
        group="group",
        palette=plots.CHILD_GENDER_COLOURS,
        caption=f"Most common thing exchanged, share of respondents answering, {country}",
        alt="Grouped bar chart of the most common exchange. "
        + _alt_values(records, "option")
        + ". Shares from fewer than five respondents are not drawn.",
        xlabel="Share of respondents answering (%)",
    )

    def about(option: str) -> list[tuple[float, str]]:
        return [
            (values[f"boys.{option}"], "about boys"),
            (values[f"girls.{option}"], "about girls"),
        ]

    unasked = [s for s in ("boys", "girls") if not_asked(values[f"{s}.Money"])]
    money = shares(
        f"Among respondents in {country}, money was named as the most common exchange by",
        [
            (values["girls.Money"], "of those answering about girls"),
            (values["boys.Money"], "of those answering about boys"),
        ],
        subject=f"of respondents in {country} naming money as the most common exchange",
    )
    others = share_lists(
        [
            ("gifts or goods came first for", "gifts or goods", about("Gifts or goods")),
            ("shelter for", "shelter", about("Shelter")),
        ]
    )
    if money:
        text = [
            capitalise(money)
            + f" (all countries: {_pct(values['girls.Money.all'])} about girls and "
            f"{_pct(values['boys.Money.all'])} about boys). "
            + capitalise(others)
            + " ({figure[0]}, {table[0]})."
        ]
    else:
        text = ["No respondent answered this question ({figure[0]}, {table[0]})."]
    if unasked and money:
        text[0] += " " + not_asked_sentence(country, unasked, "online cases with " + join(unasked))
    return Section("exchange", text, [table], [figure], values)


def facilitation(frame: pd.DataFrame, country: str) -> Section:
    """Whether adults facilitated abuse without committing it themselves."""
    rows = country_rows(frame, country)
    counts = _boys_girls_counts(rows, "facilitator", schema.YES_NO_DK)
    table = tables.count_table(
        counts,
        caption=f"Adults who facilitated abuse without committing it, {country}",
        add_total="row",
        percent="total",
        index_name="Facilitator involved",
        population=len(rows),
        members=_by_value(rows, _boys_girls_columns("facilitator")),
    )
    values = {}
    for label, sex in CHILD_GENDERS.items():
        column = counts[f"{label} (n)"]
        hidden = table.hidden[f"{label} (n)"].drop(tables.TOTAL)
        answers = rows[f"{sex}_facilitator"]
        values[f"{sex}.yes"] = _stated(
            f"facilitation text: {label.lower()}, answered yes, {country}",
            rows[(answers == "Yes").to_numpy(bool)],
            rows[answers.isin(column.index).to_numpy(bool)],
            _guarded_share(
                column, hidden, ["Yes"], bool(table.hidden.loc[tables.TOTAL, f"{label} (n)"])
            ),
        )
        all_answers = frame[f"{sex}_facilitator"].dropna()
        values[f"{sex}.yes.all"] = _share(int((all_answers == "Yes").sum()), len(all_answers))
    unasked = [s for s in ("girls", "boys") if not_asked(values[f"{s}.yes"])]
    text = [
        f"In {country}, "
        + shares(
            "adults had facilitated the abuse without committing it themselves according to",
            [
                (values["girls.yes"], "of respondents answering about girls"),
                (values["boys.yes"], "of those answering about boys"),
            ],
            subject="saying adults had facilitated the abuse",
        )
        + f" (all countries: {_pct(values['girls.yes.all'])} about girls and "
        f"{_pct(values['boys.yes.all'])} about boys). "
        "{table[0]} gives the answers.",
    ]
    if len(unasked) == 2:
        text = ["No respondent answered this question about boys or girls ({table[0]})."]
    elif unasked:
        text[0] += " " + not_asked_sentence(country, unasked, "online cases with " + join(unasked))
    return Section("facilitation", text, [table], [], values)


# --- forms of abuse ----------------------------------------------------------------------------

FORMS = {
    "grooming": "Grooming",
    "csam_production": "Production of abuse material",
    "live_streaming": "Live-streaming",
    "self_generated": "Self-generated content",
}


_FORM_KEYS = {name: key for key, name in FORMS.items()}
_FORM_SEX = {f"{label} (n)": sex for label, sex in CHILD_GENDERS.items()}


def forms_of_abuse(frame: pd.DataFrame, country: str) -> Section:
    """Forms of online abuse respondents had supported, for boys and for girls."""
    rows = country_rows(frame, country)
    counts, bases, values, records, asked_rows = {}, {}, {}, [], {}
    for label, sex in CHILD_GENDERS.items():
        asked = pd.to_numeric(rows[f"{sex}_online_pct"], errors="coerce") > 0
        asked_rows[f"{label} (n)"] = rows[asked.fillna(False).to_numpy(bool)]
        base = int(asked.sum())
        bases[f"{label} (n)"] = base
        # A base that is all but 1 to 4 of the country's respondents is itself withheld (the
        # support table hides it), so no share of it may be shown: shares pin their base.
        base_withheld = policy.complement_is_small(base, len(rows))
        counts[f"{label} (n)"] = pd.Series(
            {
                name: int(_flag(rows.loc[asked, f"{sex}_form_{key}"]).sum())
                for key, name in FORMS.items()
            }
        )
        for key, name in FORMS.items():
            share = _stated(
                f"figure and alt text of forms of abuse: {label}, {name}, {country}",
                asked_rows[f"{label} (n)"][
                    _flag(asked_rows[f"{label} (n)"][f"{sex}_form_{key}"]).to_numpy(bool)
                ],
                asked_rows[f"{label} (n)"],
                float("nan")
                if base_withheld
                else _safe_share(int(counts[f"{label} (n)"][name]), base),
            )
            values[f"{sex}.{key}"] = share
            records.append({"form": name, "group": label, "value": share})
        values[f"{sex}.asked"] = float(base)
    table = tables.count_table(
        pd.DataFrame(counts),
        caption=f"Respondents in {country} who had supported each form of online abuse",
        percent="base",
        percent_base=pd.Series(bases),
        note="Percentages are of respondents with online cases: "
        + " and ".join(
            f"{policy.count_text(bases[f'{label} (n)'], len(rows))} for {label.lower()}"
            for label in CHILD_GENDERS
        )
        + ".",
        index_name="Form",
        population=len(rows),
        members=lambda name, col: asked_rows[col][
            _flag(asked_rows[col][f"{_FORM_SEX[col]}_form_{_FORM_KEYS[name]}"]).to_numpy(bool)
        ],
        base_members=lambda col: asked_rows[col],
    )
    figure = plots.compare_bars(
        pd.DataFrame(records),
        category="form",
        value="value",
        group="group",
        palette=plots.CHILD_GENDER_COLOURS,
        caption=f"Forms of online abuse supported, by child's gender, {country}",
        alt="Grouped bar chart of forms of abuse. " + _alt_values(records, "form") + ".",
        xlabel="Share of respondents with online cases (%)",
    )
    gaps = {name: values[f"girls.{key}"] - values[f"boys.{key}"] for key, name in FORMS.items()}
    widest = max(
        (g for g in gaps.items() if not pd.isna(g[1])), key=lambda g: abs(g[1]), default=None
    )

    def by_gender(key: str) -> list[tuple[float, str]]:
        return [(values[f"girls.{key}"], "with girls"), (values[f"boys.{key}"], "with boys")]

    unasked = [s for s in ("girls", "boys") if values[f"{s}.asked"] == 0]
    listed = share_lists(
        [
            ("grooming had come up for", "grooming", by_gender("grooming")),
            ("self-generated content for", "self-generated content", by_gender("self_generated")),
            ("live-streaming for", "live-streaming", by_gender("live_streaming")),
        ]
    )
    if listed:
        text = [
            f"Among respondents in {country} with online cases, {listed} "
            "({figure[0]}, {table[0]})."
        ]
    else:
        text = [f"No respondent in {country} had online cases ({{figure[0]}}, {{table[0]}})."]
    if unasked and listed:
        text[0] += " " + not_asked_sentence(country, unasked, "online cases with " + join(unasked))
    if widest is not None:
        text.append(
            f"The widest gap between girls and boys was for {widest[0].lower()}: "
            f"{abs(widest[1]):.0f} percentage points, "
            f"{'more often for girls' if widest[1] > 0 else 'more often for boys'}."
        )
    return Section("forms_of_abuse", text, [table], [figure], values)


# --- barriers and beliefs ---------------------------------------------------------------------


def _flag_shares(frame: pd.DataFrame, rows: pd.DataFrame, prefix: str) -> pd.DataFrame:
    columns = [c for c in frame.columns if c.startswith(prefix)]
    return pd.DataFrame(
        {
            "column": columns,
            "label": [schema.COLUMN_QUESTIONS[c].split(": ", 1)[-1].rstrip(".") for c in columns],
            "count": [int(_flag(rows[c]).sum()) for c in columns],
            "all": [100 * float(_flag(frame[c]).mean()) for c in columns],
        }
    ).set_index("column")


def barriers(frame: pd.DataFrame, country: str, top: int = 5) -> Section:
    """Rank the factors respondents in ``country`` said limit children's disclosure."""
    rows = country_rows(frame, country)
    n = len(rows)
    shares = _flag_shares(frame, rows, "barrier_")
    shares["rank_all"] = shares["all"].rank(ascending=False, method="min").astype(int)
    ordered = shares.sort_values(["count", "all"], ascending=[False, False], kind="stable")
    head = ordered.head(top)
    counts = head.set_index("label")[["count"]].rename(columns={"count": f"{country} (n)"})
    extra = pd.DataFrame(
        {
            f"{ALL} (%)": head.set_index("label")["all"].map(tables.format_percent),
            f"Rank in {ALL.lower()}": head.set_index("label")["rank_all"].astype(str),
        }
    )
    table = tables.count_table(
        counts,
        caption=f"The {top} factors most often said to limit disclosure in {country}",
        percent="base",
        percent_base=n,
        extra=extra,
        index_name="Factor",
        population=len(rows),
        members=_by_flag(rows, {r.label: c for c, r in head.iterrows()}),
        base_members=lambda col: rows,
    )
    plot = pd.DataFrame(
        [
            {"factor": r.label, "group": group, "value": value}
            for r in head.itertuples()
            for group, value in (
                (
                    country,
                    _stated(
                        f"figure and alt text of barriers: {r.label}, {country}",
                        rows[_flag(rows[r.Index]).to_numpy(bool)],
                        rows,
                        _safe_share(r.count, n),
                    ),
                ),
                (ALL, r.all),
            )
        ]
    )
    figure = plots.compare_bars(
        plot,
        category="factor",
        value="value",
        group="group",
        palette=_palette(country),
        caption=f"Top {top} barriers to disclosure named in {country}, beside all countries",
        alt="Grouped bar chart of barriers. "
        + _alt_pairs(
            [(f, *plot.loc[plot["factor"] == f, "value"]) for f in dict.fromkeys(plot["factor"])],
            country,
        )
        + ".",
        xlabel="Share of respondents selecting the factor (%)",
    )
    first = head.iloc[0]
    values = {f"{c}": _safe_share(int(r["count"]), n) for c, r in shares.iterrows()}
    values["top_column"] = head.index[0]
    text = [
        f"Asked which of {len(shares)} factors limit children's disclosure and reporting, "
        f"respondents in {country} most often chose '{first['label']}' ("
        + share_or(
            _stated(
                f"barriers text: {first['label']}, {country}",
                rows[_flag(rows[head.index[0]]).to_numpy(bool)],
                rows,
                _safe_share(int(first["count"]), n),
            ),
            "{}",
            "the share is withheld",
        )
        + f"; all countries {_pct(first['all'])}). The next were "
        + _list([f"'{label}'" for label in head["label"].iloc[1:]])
        + " ({figure[0]}, {table[0]}).",
    ]
    return Section("barriers", text, [table], [figure], values)


def beliefs(frame: pd.DataFrame, country: str) -> Section:
    """Traditional beliefs and practices respondents said make children more vulnerable."""
    rows = country_rows(frame, country)
    n = len(rows)
    shares = _flag_shares(frame, rows, "belief_").sort_values(
        "count", ascending=False, kind="stable"
    )
    counts = shares.set_index("label")[["count"]].rename(columns={"count": f"{country} (n)"})
    extra = shares.set_index("label")["all"].map(tables.format_percent).to_frame(f"{ALL} (%)")
    table = tables.count_table(
        counts,
        caption=f"Beliefs and practices said to increase children's vulnerability, {country}",
        percent="base",
        percent_base=n,
        extra=extra,
        index_name="Belief or practice",
        population=len(rows),
        members=_by_flag(rows, {r.label: c for c, r in shares.iterrows()}),
        base_members=lambda col: rows,
    )
    values = {c: _safe_share(int(r["count"]), n) for c, r in shares.iterrows()}
    first = shares.iloc[0]
    text = [
        f"The belief or practice respondents in {country} named most often as raising "
        f"children's vulnerability was '{first['label']}' ("
        + share_or(
            _stated(
                f"beliefs text: {first['label']}, {country}",
                rows[_flag(rows[shares.index[0]]).to_numpy(bool)],
                rows,
                _safe_share(int(first["count"]), n),
            ),
            "{}",
            "the share is withheld",
        )
        + f"; all countries {_pct(first['all'])}); "
        "{table[0]} lists them all."
    ]
    return Section("beliefs", text, [table], [], values)


# --- government action -------------------------------------------------------------------------


#: The scenario shares the section's sentences state (besides every answer on the viewer).
_STATED_SCENARIO_SHARES = {
    ("scenario_paid_video_call_victim", "Yes"),
    ("scenario_gender_reversed", "Yes"),
    ("scenario_adolescents_dating", "Yes"),
}


def government(frame: pd.DataFrame, country: str) -> Section:
    """How respondents rated government action, area by area."""
    rows = country_rows(frame, country)
    columns = [c for c in frame.columns if c.startswith("govt_")]
    labels = {c: schema.COLUMN_QUESTIONS[c].split(": ", 1)[-1].rstrip(".") for c in columns}
    counts = pd.DataFrame(
        {
            labels[c].capitalize(): rows[c].value_counts().reindex(schema.RATING, fill_value=0)
            for c in columns
        }
    ).T
    counts.columns = [f"{rating} (n)" for rating in schema.RATING]
    _area_columns = {labels[c].capitalize(): c for c in columns}
    table = tables.count_table(
        counts,
        caption=f"Ratings of government action by area, respondents in {country}",
        add_total="column",
        index_name="Area",
        population=len(rows),
        members=lambda area, col: rows[
            (rows[_area_columns[area]] == col.removesuffix(" (n)")).to_numpy(bool)
        ],
    )
    values, records = {}, []
    low_columns = ["None (n)", "Poor (n)"]
    for c in columns:
        area = labels[c].capitalize()
        values[c] = _stated(
            f"figure and alt text of poor-or-none ratings: {area}, {country}",
            rows[rows[c].isin(["None", "Poor"]).to_numpy(bool)],
            rows[rows[c].isin(schema.RATING).to_numpy(bool)],
            _guarded_share(
                counts.loc[area],
                table.hidden.loc[area, counts.columns],
                low_columns,
                bool(table.hidden.loc[area, f"{tables.TOTAL} (n)"]),
            ),
        )
        values[f"{c}.all"] = _share(
            int(frame[c].isin(["None", "Poor"]).sum()), int(frame[c].notna().sum())
        )
        records += [
            {"area": labels[c].capitalize(), "group": country, "value": values[c]},
            {"area": labels[c].capitalize(), "group": ALL, "value": values[f"{c}.all"]},
        ]
    figure = plots.compare_bars(
        pd.DataFrame(records),
        category="area",
        value="value",
        group="group",
        palette=_palette(country),
        caption=f"Share rating government action poor or none, {country} and all countries",
        alt="Grouped bar chart of poor-or-none ratings. "
        + _alt_pairs(
            [
                (a["area"], a["value"], b["value"])
                for a, b in zip(records[::2], records[1::2], strict=True)
            ],
            country,
        )
        + ".",
        xlabel="Share rating poor or none (%)",
    )
    worst = max(columns, key=lambda c: -1 if pd.isna(values[c]) else values[c])
    funding = (
        ""
        if worst == "govt_funding"
        else " "
        + share_or(
            values["govt_funding"],
            "For funding the share was {}",
            "The share for funding is withheld",
        )
        + f" (all countries {_pct(values['govt_funding.all'])})."
    )
    text = [
        f"Respondents in {country} were most critical of government action on "
        f"{labels[worst]}: "
        + share_or(
            values[worst],
            "{} rated it poor or said there was none",
            "the share rating it poor or saying there was none is withheld",
        )
        + f" (all countries: {_pct(values[worst + '.all'])}).{funding} "
        "{figure[0]} compares each area with all countries; {table[0]} gives the ratings.",
    ]
    values["worst"] = worst
    return Section("government", text, [table], [figure], values)


# --- scenarios and awareness -------------------------------------------------------------------

SCENARIOS = {
    "scenario_paid_video_call_victim": "Paid video call: is the girl a victim?",
    "scenario_secret_recording_offence": "Secret recording posted online: an offence?",
    "scenario_gender_reversed": "Same with a woman and a boy: still exploitation?",
    "scenario_viewer_offence": "Stranger viewing the video: an offence?",
    "scenario_adolescents_dating": "Two dating adolescents: exploitation?",
}


_SCENARIO_COLUMNS = {label: column for column, label in SCENARIOS.items()}


def scenarios(frame: pd.DataFrame, country: str) -> Section:
    """Answers to the hypothetical scenarios that tested knowledge of online abuse."""
    rows = country_rows(frame, country)
    counts = pd.DataFrame(
        {
            answer + " (n)": [int((rows[c] == answer).sum()) for c in SCENARIOS]
            for answer in schema.YES_NO_DK
        },
        index=list(SCENARIOS.values()),
    )
    table = tables.count_table(
        counts,
        caption=f"Answers to the scenario questions, {country}",
        add_total="column",
        index_name="Scenario",
        population=len(rows),
        members=lambda label, col: rows[
            (rows[_SCENARIO_COLUMNS[label]] == col.removesuffix(" (n)")).to_numpy(bool)
        ],
    )
    values = {}
    answer_columns = [f"{answer} (n)" for answer in schema.YES_NO_DK]
    for c, label in SCENARIOS.items():
        line, hidden = counts.loc[label], table.hidden.loc[label, answer_columns]
        answered = rows[rows[c].isin(schema.YES_NO_DK).to_numpy(bool)]
        for answer in schema.YES_NO_DK:
            values[f"{c}.{answer}"] = _guarded_share(
                line,
                hidden,
                [f"{answer} (n)"],
                bool(table.hidden.loc[label, f"{tables.TOTAL} (n)"]),
            )
            if (c, answer) in _STATED_SCENARIO_SHARES or c == "scenario_viewer_offence":
                _stated(
                    f"scenarios text: {label}, {answer}, {country}",
                    rows[(rows[c] == answer).to_numpy(bool)],
                    answered,
                    values[f"{c}.{answer}"],
                )
        all_base = int(frame[c].notna().sum())
        values[f"{c}.Yes.all"] = _share(int((frame[c] == "Yes").sum()), all_base)
    text = [
        "Five short scenarios tested how respondents recognise online sexual exploitation. "
        f"In {country}, "
        + share_clauses(
            [
                (
                    values["scenario_paid_video_call_victim.Yes"],
                    "{} said the girl paid to undress on a video call was a victim "
                    f"(all countries: {_pct(values['scenario_paid_video_call_victim.Yes.all'])})",
                    "saying the girl paid to undress on a video call was a victim (all "
                    f"countries: {_pct(values['scenario_paid_video_call_victim.Yes.all'])})",
                ),
                (
                    values["scenario_gender_reversed.Yes"],
                    "{} said the same situation with a woman and a boy was still exploitation "
                    f"(all countries: {_pct(values['scenario_gender_reversed.Yes.all'])})",
                    "saying the same of a woman and a boy (all countries: "
                    f"{_pct(values['scenario_gender_reversed.Yes.all'])})",
                ),
            ]
        )
        + ".",
        "Asked whether a stranger who watched the video of a child had committed an offence, "
        + shares(
            "respondents answered",
            [
                (values["scenario_viewer_offence.Yes"], "yes"),
                (values["scenario_viewer_offence.No"], "no"),
                (values["scenario_viewer_offence." + schema.YES_NO_DK[2]], "don't know"),
            ],
            subject="of answers",
        )
        + ". "
        + capitalise(
            share_or(
                values["scenario_adolescents_dating.Yes"],
                "{} counted two dating adolescents as a case of online exploitation, which it "
                "is not",
                "The share counting two dating adolescents as a case of online exploitation "
                "(which it is not) is withheld",
            )
        )
        + " ({table[0]}).",
    ]
    return Section("scenarios", text, [table], [], values)


def rated_share(frame: pd.DataFrame, country: str, column: str, answers: list[str]) -> float:
    """Return the share of ``country``'s ratings of ``column`` that are one of ``answers``.

    As the country's chapter states it (:func:`government`, :func:`awareness`): of those
    who rated, and NaN where the chapter's table hides part of it, so another page (the
    overview's key figures) can state the same share and never one that undoes the
    chapter's suppression.
    """
    rows = country_rows(frame, country)
    if column == "public_awareness":
        counts = rows[column].value_counts().reindex(schema.AWARENESS, fill_value=0)
        table = tables.count_table(
            counts.to_frame(f"{country} (n)"),
            caption="",
            add_total="row",
            percent="total",
            population=len(rows),
        )
        hidden = table.hidden[f"{country} (n)"]
        return _guarded_share(
            counts, hidden.drop(tables.TOTAL), answers, bool(hidden.loc[tables.TOTAL])
        )
    counts = rows[column].value_counts().reindex(schema.RATING, fill_value=0)
    line = pd.DataFrame(
        [counts.to_numpy()], index=[column], columns=[f"{r} (n)" for r in schema.RATING]
    )
    table = tables.count_table(line, caption="", add_total="column", population=len(rows))
    hidden = table.hidden.loc[column, line.columns]
    total_hidden = bool(table.hidden.loc[column, f"{tables.TOTAL} (n)"])
    return _guarded_share(line.loc[column], hidden, [f"{a} (n)" for a in answers], total_hidden)


def awareness(frame: pd.DataFrame, country: str) -> Section:
    """How respondents rated public awareness of online child sexual exploitation."""
    rows = country_rows(frame, country)
    counts = rows["public_awareness"].value_counts().reindex(schema.AWARENESS, fill_value=0)
    overall = frame["public_awareness"].value_counts(normalize=True).reindex(schema.AWARENESS)
    extra = (100 * overall).map(tables.format_percent).to_frame(f"{ALL} (%)")
    extra.loc[tables.TOTAL] = "100%"
    table = tables.count_table(
        counts.to_frame(f"{country} (n)"),
        caption=f"Public awareness of online child sexual exploitation as rated in {country}",
        add_total="row",
        percent="total",
        extra=extra,
        index_name="Rating",
        population=len(rows),
        members=_by_value(rows, {f"{country} (n)": "public_awareness"}),
    )
    hidden = table.hidden[f"{country} (n)"].drop(tables.TOTAL)
    total_hidden = bool(table.hidden.loc[tables.TOTAL, f"{country} (n)"])
    rated = rows["public_awareness"]
    values = {
        "poor": _stated(
            f"awareness text: rated poor, {country}",
            rows[(rated == "Poor").to_numpy(bool)],
            rows[rated.isin(schema.AWARENESS).to_numpy(bool)],
            _guarded_share(counts, hidden, ["Poor"], total_hidden),
        ),
        "poor.all": 100 * float(overall["Poor"]),
        "good_or_excellent": _stated(
            f"awareness text: rated good or excellent, {country}",
            rows[rated.isin(["Good", "Excellent"]).to_numpy(bool)],
            rows[rated.isin(schema.AWARENESS).to_numpy(bool)],
            _guarded_share(counts, hidden, ["Good", "Excellent"], total_hidden),
        ),
    }
    text = [
        f"In {country}, "
        + shares(
            "",
            [
                (
                    values["poor"],
                    "of respondents rated public awareness of online child sexual "
                    f"exploitation as poor (all countries: {_pct(values['poor.all'])})",
                    "rating public awareness of online child sexual exploitation as poor",
                ),
                (
                    values["good_or_excellent"],
                    "rated it good or excellent",
                    "rating it good or excellent",
                ),
            ],
            subject="",
        )
        + " ({table[0]}).",
    ]
    return Section("awareness", text, [table], [], values)


# --- survivor conversations --------------------------------------------------------------------


def conversations(conversation_frame: pd.DataFrame, country: str) -> Section:
    """Show the survivor conversations held in ``country``, or say why there were none."""
    from survivors_perspectives.conversations.country import caption as conversation_caption
    from survivors_perspectives.conversations.country import (
        conversation_tables_for_country,
        no_conversations_reason,
    )

    # The conversations module knows only the study's countries; a survey from another
    # country simply has no conversations.
    known = country in COUNTRIES and country in set(conversation_frame["country"].astype(str))
    found = conversation_tables_for_country(conversation_frame, country) if known else {}
    if not found:
        reason = (no_conversations_reason(country) if country in COUNTRIES else None) or (
            "The conversations data hold no participants from this country."
        )
        return Section("conversations", [reason], numbers={"participants": 0.0})
    shown = [
        tables.value_table(table, caption=conversation_caption(key, country))
        for key, table in found.items()
        if not table.empty
    ]
    people = conversation_frame[
        (conversation_frame["country"] == country)
        & (conversation_frame.get("status", "participant") == "participant")
    ]
    n = len(people)
    text = [
        f"{n} young survivors took part in conversations in {country}. The records shown "
        "here are synthetic: themes coded to match the counts the report gives, never "
        "anyone's words. Counts read 'n of N', where N is the number of participants in "
        "the country; counts of one to four are shown only where the report published them."
    ]
    return Section("conversations", text, shown, [], {"participants": float(n)})


# --- published figures beside ours ------------------------------------------------------------


def published_beside_ours(
    survey: pd.DataFrame,
    conversation_frame: pd.DataFrame | None,
    country: str,
    reference: pd.DataFrame | None = None,
) -> Section:
    """Set the report's figures for ``country`` beside the same figures from the data.

    Runs :func:`survivors_perspectives.analyses.fidelity.compare` on the reference rows whose scope
    is ``country`` only (a tenth of the time of the whole table). A reproduced count of one
    to four that differs from the published one would be a new small number, so it is
    hidden.
    """
    from survivors_perspectives.analyses.fidelity import NOT_COMPUTABLE, REPRODUCED, compare

    check_country(country, countries_of(survey))
    reference = _reference(reference)
    comparison = compare(reference[reference["scope"] == country], survey, conversation_frame)
    rows = comparison[
        (comparison["scope"] == country) & (comparison["status"] != NOT_COMPUTABLE)
    ].merge(reference[["id", "quantity", "unit"]], on="id", how="left")
    if rows.empty:
        return Section(
            "published",
            [f"The report published no figure specific to {country} that this data can rerun."],
            numbers={"figures": 0.0},
        )

    def _fmt(value: float, unit: str, published: float) -> str:
        if pd.isna(value):
            return ""
        if unit == "count" and _small(value) and value != published:
            return tables.SUPPRESSED
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"

    shown = pd.DataFrame(
        {
            "id": rows["id"].to_numpy(),
            "figure": rows["quantity"].fillna(rows["id"]).to_numpy(),
            "unit": [auditor_tables.unit_words(u) for u in rows["unit"]],
            "published": [_fmt(v, "", v) for v in rows["published"]],
            "this_data": [
                _fmt(v, u, p)
                for v, u, p in zip(rows["reproduced"], rows["unit"], rows["published"], strict=True)
            ],
            "status": [auditor_tables.status_words(s) for s in rows["status"]],
        }
    )
    ok = int((rows["status"] == REPRODUCED).sum())
    # The figure's name for a reader; its id in the reference table on hover, as in the
    # auditors' tables.
    table = auditor_tables.table(
        shown,
        [
            ("figure", "Figure"),
            ("unit", "Unit"),
            ("published", "Published", "auto"),
            ("this_data", "This data", "auto"),
            ("status", "Status"),
        ],
        caption=f"Figures the report published for {country}, beside the same figures from "
        "the data in use",
        note="Hover over a figure's name for its id in data/reference/published_statistics.csv.",
        hover="id",
        sortable=False,
    )
    text = [
        f"The report published {len(rows)} figures specific to {country} that can be "
        f"recomputed from the data; {ok} of them are reproduced within tolerance by the data "
        "this book was built from ({table[0]}). With the synthetic data this checks the "
        "calibration; with real data, it checks the rerun against the report."
    ]
    return Section("published", text, [table], [], {"figures": float(len(rows)), "ok": float(ok)})


# --- recommendations -----------------------------------------------------------------------


def recommendations(sections: Mapping[str, Section], country: str) -> Section:
    """Relate ``country``'s figures to the report's recommendations.

    Takes the sections already computed for the chapter, so the same numbers feed the text.
    """
    barrier = sections["barriers"].numbers
    gov = sections["government"].numbers
    aware = sections["awareness"].numbers
    scen = sections["scenarios"].numbers
    top_label = schema.COLUMN_QUESTIONS[barrier["top_column"]].split(": ", 1)[-1].rstrip(".")
    unsure = scen["scenario_viewer_offence.No"], scen["scenario_viewer_offence.Don't know"]
    # Withheld when either part is withheld: a sum of a shown and a hidden share would
    # reveal the hidden one.
    wrong = float("nan") if any(pd.isna(v) for v in unsure) else float(sum(unsure))
    text = [
        f"- **Reporting that children can use.** The barrier named most often in {country} "
        f"was '{top_label}' ("
        + share_or(barrier[barrier["top_column"]], "{}", "its share is withheld")
        + "). Reporting routes that "
        "allow anonymity, and responses that do not blame the child, speak to it.",
        "- **Awareness.** "
        + share_or(
            aware["poor"],
            "With {} rating public awareness poor, campaigns",
            "Whatever the share rating public awareness poor (it is withheld",
        )
        + ("" if pd.notna(aware["poor"]) else "), campaigns")
        + " in and out of school about online risks, reporting routes and support "
        f"services have room to work in {country}.",
        "- **Training for frontline workers.** "
        + capitalise(
            share_clauses(
                [
                    (
                        wrong,
                        "{} did not identify the stranger watching a child's video as an "
                        "offender (answering no or not knowing)",
                        "not identifying the stranger watching a child's video as an offender",
                    ),
                    (
                        scen["scenario_adolescents_dating.Yes"],
                        "{} misread consensual adolescent dating as exploitation",
                        "misreading consensual adolescent dating as exploitation",
                    ),
                ],
                joiner=", and ",
            )
        )
        + ": a case for training on online forms of abuse.",
        "- **Government investment.** "
        + capitalise(
            share_or(
                gov["govt_funding"],
                "{} rated government funding poor or absent",
                "the share rating government funding poor or absent is withheld",
            )
        )
        + (
            ", the area of government action rated worst."
            if gov["worst"] == "govt_funding"
            else "; "
            + share_or(
                gov[gov["worst"]],
                "{} said so about the area rated worst.",
                "the share saying so about the area rated worst is withheld",
            )
            + ("" if pd.notna(gov[gov["worst"]]) else ".")
        ),
    ]
    values = {"viewer_not_yes": float(wrong)}
    return Section("recommendations", text, numbers=values)
