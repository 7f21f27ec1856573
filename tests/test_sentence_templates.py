"""Every sentence producer, run over small countries at the edges, passes a grammar check.

A template written for the usual case breaks at the edges: a share withheld to protect
respondents, a count of zero or one, a question nobody was asked (no respondent had online
cases with boys), one answer given by everyone (100%). Eight synthetic countries, each
made from the shipped synthetic survey with the schema's own skip rules
(``survey.schema.ASKED_IF``), put every template at one of those edges; every country
section, the recommendations, the figures' alt texts, the overview and the audit summary
are produced for each and checked by :func:`grammar_problems`.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from survivors_perspectives.disclosure import policy
from survivors_perspectives.pages import country_chapter as cr
from survivors_perspectives.pages import overview, prose, sentences
from survivors_perspectives.survey.schema import ASKED_IF, COLUMNS
from survivors_perspectives.validate import MIN_COUNTRY_RESPONDENTS

COUNTRY = "Albania"

# --- the grammar checker ---------------------------------------------------------------------

#: Patterns no generated sentence may hold, each with what it means.
BAD = {
    r"\bnan\b|\bNaN\b": "a missing value printed as nan",
    r"\bNone\b": "a Python None printed (or 'None' opening a count)",
    r"[{}]": "a template brace left over",
    r"\b1 (respondents|workers|participants|tests|countries|answers|people|young men)\b": (
        "a count of one with a plural noun"
    ),
    re.escape(policy.WITHHELD_SHARE): "a withheld share named as if it were a value",
    r"withheld[^.;]*\band (a|the) shares? withheld": "two withheld shares said one by one",
    r"withheld to protect respondents[^.]*withheld to protect respondents": (
        "two withheld clauses in one sentence"
    ),
    r"\s[,.;]": "space before punctuation",
    r"\.\.(?!\.)": "a doubled full stop",
}


#: Words that name groups ("about boys and about girls"), which lists of shares repeat.
GROUP_WORDS = {"about", "with", "of", "those", "who", "supported", "answering", "and"} | {
    "boys",
    "girls",
}


def _sentences(paragraph: str) -> list[str]:
    # "e.g." and decimals do not end sentences; a sentence ends at ". " before a capital,
    # digit or quote.
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9'(])", paragraph) if s]


def grammar_problems(text: str) -> list[str]:
    """Return what is wrong with generated ``text`` (Markdown paragraphs), in words."""
    problems = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        plain = re.sub(r"^\s*-\s+", "", paragraph)  # a bullet
        plain = plain.replace("**", "").replace("*", "").strip()
        if not plain:
            continue
        for pattern, meaning in BAD.items():
            for match in re.finditer(pattern, plain):
                where = plain[max(0, match.start() - 50) : match.end() + 20]
                problems.append(f"{meaning}: ...{where}...")
        if not re.search(r"[.!?]\)?$", plain):
            problems.append(f"does not end with a full stop: ...{plain[-60:]}")
        for sentence in _sentences(plain):
            if not re.match(r"[A-Z0-9'(]", sentence):
                problems.append(f"sentence starts in lower case: {sentence[:60]}...")
            words = re.findall(r"[\w%']+", sentence.lower())
            # Numbers and "fewer than five" may recur; a phrase of five words may not.
            grams = [" ".join(words[i : i + 5]) for i in range(len(words) - 4)]
            grams = [
                g
                for g in grams
                if not re.search(r"\d|fewer", g) and not set(g.split()) <= GROUP_WORDS
            ]
            doubled = {g for g in grams if grams.count(g) > 1}
            if doubled:
                problems.append(f"doubled phrase {sorted(doubled)[0]!r}: {sentence[:80]}...")
    return problems


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Shelter for a share withheld to protect respondents.", "named as if it were a value"),
        ("None would change a conclusion of the report, 5 might.", "Python None"),
        ("Of these, 1 respondents answered.", "count of one with a plural"),
        ("The share was nan%.", "nan"),
        ("the share was 5%.", "lower case"),
        ("The share was 5%", "full stop"),
        ("The share for {figure[0]} is 5%.", "brace"),
        (
            "The share about boys is withheld to protect respondents and the share about girls "
            "is withheld to protect respondents.",
            "two withheld clauses",
        ),
        ("Grooming came first for girls and grooming came first for girls too.", "doubled"),
    ],
)
def test_grammar_checker_catches_each_bad_pattern(text, meaning):
    problems = grammar_problems(text)
    assert any(meaning in p for p in problems), problems


def test_grammar_checker_passes_a_sound_paragraph():
    text = (
        "In Peru, 58% of respondents rated awareness poor (all countries: 70%), while the "
        "share rating it good is withheld to protect respondents.\n\n- **Training.** 42% did "
        "not identify the offender (Table 3)."
    )
    assert grammar_problems(text) == []


# --- eight small countries at the edges --------------------------------------------------------


def _blank_unasked(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty every answer the schema's skip rules say was not asked (as a valid file holds)."""
    for column in COLUMNS:
        if column.asked_if != "everyone":
            frame.loc[~ASKED_IF[column.asked_if](frame), column.name] = pd.NA
    return frame


def _rows(frame: pd.DataFrame) -> pd.Index:
    return frame.index[frame["country"] == COUNTRY]


def _small(frame: pd.DataFrame) -> pd.DataFrame:
    """The country cut to the fewest respondents validation accepts: most shares withheld."""
    rows = _rows(frame)
    return frame.drop(index=rows[MIN_COUNTRY_RESPONDENTS:]).reset_index(drop=True)


def _no_boys(frame: pd.DataFrame) -> pd.DataFrame:
    """Nobody in the country supported boys: every question about boys went unasked."""
    rows = _rows(frame)
    frame.loc[rows, "supported_boys"] = False
    frame.loc[rows, "supported_girls"] = True
    return _blank_unasked(frame)


def _no_online_cases(frame: pd.DataFrame) -> pd.DataFrame:
    """Nobody in the country had online cases with boys or girls."""
    rows = _rows(frame)
    for sex in ("boys", "girls"):
        asked = rows[frame.loc[rows, f"supported_{sex}"].astype("boolean").fillna(False)]
        frame.loc[asked, f"{sex}_online_pct"] = 0
    return _blank_unasked(frame)


def _everyone_the_same(frame: pd.DataFrame) -> pd.DataFrame:
    """One answer from everyone in the country: 100% for it and 0% for every other answer."""
    rows = _rows(frame)
    for column in COLUMNS:
        if column.kind == "category" and column.name != "country":
            answered = rows[frame.loc[rows, column.name].notna().to_numpy(bool)]
            frame.loc[answered, column.name] = column.categories[0]
    return frame


def _all_no(frame: pd.DataFrame) -> pd.DataFrame:
    """Every yes/no item asked of everyone answered "no" in the country: shares of 0%."""
    rows = _rows(frame)
    for column in COLUMNS:
        if (
            column.kind == "boolean"
            and column.asked_if == "everyone"
            and column.name not in {"supported_boys", "supported_girls"}
        ):
            frame.loc[rows, column.name] = False
    return frame


def _all_but_one(frame: pd.DataFrame) -> pd.DataFrame:
    """Everyone gave one answer but one person: counts of one, withheld with their complements."""
    frame = _everyone_the_same(frame)
    first = _rows(frame)[0]
    for column in COLUMNS:
        if (
            column.kind == "category"
            and column.name != "country"
            and pd.notna(frame.loc[first, column.name])
        ):
            frame.loc[first, column.name] = column.categories[1]
    return frame


def _no_optional_answer(frame: pd.DataFrame) -> pd.DataFrame:
    """The optional online share of the caseload left empty by everyone in the country."""
    frame.loc[_rows(frame), "caseload_online_pct"] = pd.NA
    return frame


EDGES = {
    "as shipped": lambda frame: frame,
    "fewest respondents": _small,
    "no boys": _no_boys,
    "no online cases": _no_online_cases,
    "one answer from everyone": _everyone_the_same,
    "all no": _all_no,
    "all but one": _all_but_one,
    "optional question unanswered": _no_optional_answer,
}


@pytest.fixture(scope="module", params=list(EDGES))
def edge(request, survey) -> tuple[str, pd.DataFrame]:
    return request.param, EDGES[request.param](survey.copy())


def _country_texts(frame: pd.DataFrame) -> dict[str, str]:
    sections = {name: getattr(cr, name)(frame, COUNTRY) for name in cr.SURVEY_SECTIONS}
    sections["recommendations"] = cr.recommendations(sections, COUNTRY)
    texts = {name: section.markdown() for name, section in sections.items()}
    for name, section in sections.items():
        for i, figure in enumerate(section.figures):
            texts[f"{name} alt text {i + 1}"] = figure.alt
    return texts


def test_every_country_sentence_reads_well_at_the_edge(edge):
    name, frame = edge
    problems = [
        f"{name} / {where}: {problem}"
        for where, text in _country_texts(frame).items()
        for problem in grammar_problems(text)
        # An alt text lists the bars' labels and values: a label may recur there.
        if not ("alt text" in where and problem.startswith("doubled phrase"))
    ]
    assert problems == []


def test_no_share_about_a_group_nobody_was_asked_about(survey):
    texts = _country_texts(_no_boys(survey.copy()))
    # The six-country figures in parentheses are about everyone, not this country.
    said = re.sub(r"\(all countries[^)]*\)", "", " ".join(texts.values()))
    # A group nobody was asked about gets no share, withheld or 0%, and one sentence says so.
    assert not re.search(
        r"\d+% (of those answering |of those who supported |with )?about boys", said
    )
    assert not re.search(r"withheld[^.]*\bboys\b|\bboys\b[^.]*withheld", texts["exchange"])
    assert (
        "No respondent in Albania had supported boys in the past year, so the questions about "
        "boys went unanswered." in texts["boys_and_girls"]
    )
    assert "No answers about boys." in texts["forms_of_abuse alt text 1"]


def test_nobody_with_online_cases_is_said_once_per_section(survey):
    texts = _country_texts(_no_online_cases(survey.copy()))
    assert texts["forms_of_abuse"].startswith("No respondent in Albania had online cases")
    assert texts["exchange"].startswith("No respondent answered this question")
    assert "No answers about boys and girls." in texts["forms_of_abuse alt text 1"]


def test_withheld_shares_of_several_lists_are_said_in_one_clause():
    text = sentences.share_lists(
        [
            ("gifts or goods came first for", "gifts or goods", [(float("nan"), "about boys")]),
            ("shelter for", "shelter", [(float("nan"), "about boys"), (12.0, "about girls")]),
        ]
    )
    assert text == (
        "shelter for 12% about girls, while the shares about boys for gifts or goods and shelter "
        "are withheld to protect respondents"
    )
    both = sentences.share_lists(
        [("shelter for", "shelter", [(float("nan"), "about boys"), (float("nan"), "about girls")])]
    )
    assert (
        both
        == "the shares about boys and about girls for shelter are withheld to protect respondents"
    )
    asked = [(sentences.NOT_ASKED, "about boys")]
    assert sentences.share_lists([("shelter for", "shelter", asked)]) == ""


def test_not_asked_is_a_nan_that_is_not_withheld():
    assert pd.isna(sentences.NOT_ASKED)
    assert not sentences.is_withheld(sentences.NOT_ASKED)
    assert sentences.is_withheld(float("nan"))
    assert sentences.shares("for", [(sentences.NOT_ASKED, "about boys")], subject="x") == ""


def test_overview_sentences_read_well_at_the_edge(edge, reference):
    name, frame = edge
    texts = {
        "sample": overview.sample_by_country(frame, reference),
        "profiles": overview.profiles(frame, reference),
        "key figures": overview.key_figures(frame),
    }
    said = {where: section.markdown() for where, section in texts.items()}
    said |= {
        f"{where} alt text {i + 1}": figure.alt
        for where, section in texts.items()
        for i, figure in enumerate(section.figures)
    }
    problems = [
        f"{name} / {where}: {problem}"
        for where, text in said.items()
        for problem in grammar_problems(text)
        if not ("alt text" in where and problem.startswith("doubled phrase"))
    ]
    assert problems == []
    assert not any("–" in text for where, text in said.items() if "alt text" in where)


@pytest.mark.parametrize("counts", [(0, 0, 0), (0, 0, 1), (1, 1, 1), (0, 5, 0), (2, 0, 0)])
def test_audit_summary_reads_well_for_every_count(counts):
    outcomes = ["yes"] * counts[0] + ["possibly"] * counts[1] + ["no"] * counts[2]
    findings = pd.DataFrame({"changes_conclusion": outcomes, "check": ["p_value"] * len(outcomes)})
    checks = pd.DataFrame({"check": ["p_value"], "figures_examined": [1]})
    text = prose.audit_summary(findings, checks)
    assert grammar_problems(text) == []
    assert "1 comparison between" in text


# --- table cells a reader sees: labels, not ids ---------------------------------------------------


def _cells_read_as_labels(table: pd.DataFrame) -> list[str]:
    """Return the headers and text cells that are ids or open in lower case (the "Id" column
    and numbers aside)."""
    bad = []
    texts = [str(c) for c in table.columns] + [str(table.index.name or "")]
    texts += [str(i) for i in table.index if isinstance(i, str)]
    for column in table.columns:
        if column != "Id" and table[column].dtype == object:
            texts += [str(v) for v in table[column] if isinstance(v, str)]
    for text in texts:
        if "_" in text or re.match(r"[a-z]", text):
            bad.append(text)
    return bad


def test_course_structure_tables_show_labels_and_keep_ids_in_their_own_column():
    from survivors_perspectives import paths, synth
    from survivors_perspectives.pages import course
    from survivors_perspectives.published.reference import load_reference
    from survivors_perspectives.survey import load_survey

    spec = synth.build_spec(load_reference())
    structure = course.assumed_structure(spec)
    assert structure.loc["Experience within working age", "Id"] == "experience_within_working_age"
    assumptions = course.assumptions_table(spec)
    check = course.structure_check(load_survey(paths.SURVEY), spec)
    fidelity = course.fidelity_by_topic(
        pd.DataFrame({"topic": ["sample"], "status": ["not_computable"]})
    )
    for table in (structure, assumptions, check, fidelity):
        assert _cells_read_as_labels(table) == []
    assert fidelity.loc["All topics", "Not computable"] == 1


def test_conversation_theme_families_open_with_a_capital(conversations_frame):
    from survivors_perspectives.conversations import country

    themes = country.conversation_tables_for_country(conversations_frame, "Peru")["themes"]
    assert "Recommendation" in set(themes["Family"])
    assert _cells_read_as_labels(themes[["Family", "Published count"]]) == []
    assert country.family_label("new_family") == "New family"


@pytest.fixture(scope="module")
def conversations_frame():
    from survivors_perspectives import paths
    from survivors_perspectives.conversations import schema

    return schema.load_conversations(paths.CONVERSATIONS)


def _no_theme_coded(frame: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[frame["country"] == "Peru", codebook["theme_id"].tolist()] = 0
    return frame


@pytest.mark.parametrize("edge_case", ["as shipped", "no theme coded in Peru"])
def test_conversation_paragraphs_read_well(conversations_frame, edge_case):
    from survivors_perspectives.conversations import narrative, schema

    codebook = schema.load_codebook()
    frame = conversations_frame
    if edge_case != "as shipped":
        frame = _no_theme_coded(frame, codebook)
    texts = {
        "sample": narrative.sample_paragraph(frame),
        "arrangements": narrative.arrangements_paragraph(frame),
    }
    for country in sorted(schema.participants(frame)["country"].unique()):
        texts[country] = narrative.country_synthesis(frame, codebook, country)
    problems = [f"{w}: {p}" for w, t in texts.items() for p in grammar_problems(t)]
    assert problems == []
    if edge_case != "as shipped":
        assert texts["Peru"].endswith("No participant raised a recommendation.")
        assert "Most often coded" not in texts["Peru"]


def test_audit_chapter_text_reads_well(reference):
    from survivors_perspectives.analyses import audit

    findings = audit.audit(reference)
    text = prose.audit_summary(findings, audit.checks_run(reference))
    text += "\n\n" + prose.findings_markdown(findings, sorted(findings["check"].unique()))
    assert grammar_problems(text) == []
    assert prose.location_words("fn 42 (all four tests); Figure 14") == (
        "Footnote 42 (all four tests); Figure 14"
    )


def test_equal_shares_are_said_once_only_for_groups_named_alike():
    same = [(58.0, "with girls"), (58.0, "with boys")]
    assert sentences.shares("for", same, subject="x") == "for 58% with girls and with boys"
    unlike = [(55.0, "worked for a government body"), (55.0, "for an urban organisation")]
    assert sentences.shares("", unlike, subject="") == (
        "55% worked for a government body and 55% for an urban organisation"
    )
    answers = [(0.0, "yes"), (0.0, "no")]
    assert sentences.shares("answered", answers, subject="x") == "answered 0% yes and 0% no"
