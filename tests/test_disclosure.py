"""Disclosure control as a whole-book property: the rule, the attack, the ledger, the audit.

Expected intervals are computed here independently, by enumerating every whole-number
table a reader could not tell apart from the one shown (brute force over small ranges),
never with the linear programs under test.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.build import build_book
from survivors_perspectives.disclosure import attack, audit, ledger, policy, suppression
from survivors_perspectives.pages import country_chapter
from survivors_perspectives.survey import load_survey

# --- the rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "small"), [(0, False), (1, True), (4, True), (5, False), (float("nan"), False)]
)
def test_small_means_one_to_four(count, small):
    assert policy.is_small(count) is small


@pytest.mark.parametrize(
    ("count", "base", "allowed"),
    [
        (5, 13, True),
        (8, 13, True),
        (9, 10, False),
        (6, 7, False),
        (2, 10, False),
        (0, 7, True),
        (7, 7, True),
        (3, 3, False),
        (4, 0, False),
    ],
)
def test_a_share_is_shown_only_when_count_and_rest_would_be(count, base, allowed):
    assert policy.share_allowed(count, base) is allowed


def test_sentences_never_state_a_small_count_or_complement():
    assert policy.count_text(9, 10) == "all but fewer than five"
    assert policy.count_text(3, 10) == "fewer than five"
    assert policy.count_text(3, 10, published=True) == "3"
    assert policy.count_text(7, 20) == "7"
    assert policy.share_text(62, 100) == "62%"
    assert policy.share_text(9, 10) == policy.WITHHELD_SHARE


def test_the_rule_has_one_home():
    """No module but the policy writes the threshold or the markers again."""
    offenders = []
    for path in (paths.ROOT / "src" / "survivors_perspectives").rglob("*.py"):
        if path.parent.name == "disclosure":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in ('= "<5"', "<= 4", "< 5", "1 <= count", "SMALL_MIN <="):
            if pattern in text:
                offenders.append(f"{path.name}: {pattern}")
    assert offenders == []


# --- the attack, on hand-made tables -------------------------------------------------------


def _brute_force(shown: list[object], total: int) -> list[tuple[int, int]]:
    """Every completion of one line a reader cannot rule out; the range of each hidden cell."""
    hidden = [i for i, v in enumerate(shown) if v in policy.REVEALED]
    ranges = [range(1, 5) if shown[i] == policy.SUPPRESSED else range(5, total + 1) for i in hidden]
    rest = total - sum(v for v in shown if v not in policy.REVEALED)
    found = [combo for combo in itertools.product(*ranges) if sum(combo) == rest]
    return [(min(c[k] for c in found), max(c[k] for c in found)) for k in range(len(hidden))]


def test_the_colombia_girls_column_pins_both_hidden_cells():
    """24, 10, <5, <5, 26 with total 68: the two hidden cells are both exactly 4."""
    shown = [24, 10, "<5", "<5", 26]
    assert _brute_force(shown, 68) == [(4, 4), (4, 4)]
    system = attack.LinearSystem(5)
    for j, value in enumerate(shown):
        lo, hi = policy.REVEALED.get(value, (value, value))
        system.add({j: 1}, lo, hi)
    system.add({j: 1 for j in range(5)}, 68, 68)
    assert attack.intervals(system, [{2: 1}, {3: 1}]) == [(4.0, 4.0), (4.0, 4.0)]


def test_two_hidden_cells_adding_to_two_are_both_one():
    system = attack.LinearSystem(3)
    system.add({0: 1}, 1, 4)
    system.add({1: 1}, 1, 4)
    system.add({2: 1}, 40, 40)
    system.add({0: 1, 1: 1, 2: 1}, 42, 42)
    assert attack.intervals(system, [{0: 1}, {1: 1}]) == [(1.0, 1.0), (1.0, 1.0)]
    assert _brute_force(["<5", "<5", 40], 42) == [(1, 1), (1, 1)]


def test_a_rounded_share_and_its_count_give_the_base_back():
    """62 % beside 5 who saw online cases: the base is 8 (5/8 = 62.5 %), so 12 - 8 = 4."""
    system = attack.LinearSystem(3)  # 0: online, 1: supported boys, 2: only girls
    system.add({0: 1}, 5, 5)
    system.add({1: 1, 2: 1}, 12, 12)
    system.add({1: 1}, 5, float("inf"))  # "x"
    system.add({0: 100, 1: -61.5}, 0, float("inf"))
    system.add({0: 100, 1: -62.5}, -float("inf"), 0)
    bases = [b for b in range(5, 13) if round(100 * 5 / b) == 62]
    assert bases == [8]
    assert attack.intervals(system, [{2: 1}]) == [(4.0, 4.0)]


def test_contradictory_relations_are_refused():
    system = attack.LinearSystem(1)
    system.add({0: 1}, 5, 5)
    system.add({0: 1}, 1, 4)
    with pytest.raises(ValueError, match="contradict"):
        attack.intervals(system, [{0: 1}])


# --- secondary suppression -----------------------------------------------------------------


def _column(values, total_label="Total"):
    frame = pd.DataFrame({"Girls (n)": values}, index=[f"r{i}" for i in range(len(values))])
    return pd.concat([frame, frame.sum().to_frame(total_label).T])


def test_secondary_suppression_protects_the_colombia_column():
    display, _ = suppression.suppress_counts(_column([24, 10, 4, 4, 26]), total_row="Total")
    shown = [display.loc[f"r{i}", "Girls (n)"] for i in range(5)]
    assert shown == ["24", policy.COMPLEMENTARY, "<5", "<5", "26"]
    values = [24, policy.COMPLEMENTARY, "<5", "<5", 26]
    for lo, hi in _brute_force(values, 68)[1:]:
        assert hi - lo >= policy.PROTECTION_WIDTH


def test_secondary_suppression_protects_cells_adding_to_two():
    counts = pd.DataFrame({"Yes (n)": [40, 30], "No (n)": [1, 9], "DK (n)": [1, 0]}, ["A", "B"])
    counts["Total (n)"] = counts.sum(axis=1)
    display, _ = suppression.suppress_counts(counts, total_col="Total (n)")
    assert list(display.loc["A"]) == [policy.COMPLEMENTARY, "<5", "<5", "42"]
    found = suppression.table_intervals(counts, display, total_col="Total (n)")
    assert found[("A", "No (n)")] == (1.0, 4.0)
    assert found[("A", "DK (n)")] == (1.0, 4.0)


def test_a_line_with_nothing_left_to_hide_says_only_withheld():
    """Albania's twelve: yes 1, no 5, don't know 1 of the 7 who supported boys, a total
    other tables show. "<5, x, <5" of 7 pins both small cells at 1 (x is at least 5), and
    every cell is hidden already, so the markers give way to "withheld"."""
    counts = _column([1, 5, 1])
    display, hidden = suppression.suppress_counts(counts, total_row="Total", totals_known=True)
    assert [display.loc[f"r{i}", "Girls (n)"] for i in range(3)] == [policy.WITHHELD] * 3
    assert display.loc["Total", "Girls (n)"] == "7"
    assert hidden["Girls (n)"].tolist() == [True, True, True, False]
    found = suppression.table_intervals(counts, display, total_row="Total", totals_known=True)
    assert found[("r0", "Girls (n)")] == (0.0, 7.0)
    # Markers stay where they protect: with a total a reader does not know, "<5, x, <5"
    # is safe (the total is hidden too).
    shown, _ = suppression.suppress_counts(counts, total_row="Total")
    assert policy.WITHHELD not in set(shown["Girls (n)"])


def test_a_table_with_both_totals_is_protected():
    counts = pd.DataFrame({"Urban (n)": [20, 3, 30], "Rural (n)": [9, 1, 12]}, ["A", "B", "C"])
    counts["Total (n)"] = counts.sum(axis=1)
    counts = pd.concat([counts, counts.sum().to_frame("Total").T])
    display, _ = suppression.suppress_counts(counts, total_row="Total", total_col="Total (n)")
    found = suppression.table_intervals(counts, display, total_row="Total", total_col="Total (n)")
    assert display.loc["B", "Urban (n)"] == display.loc["B", "Rural (n)"] == "<5"
    assert all(hi - lo >= policy.PROTECTION_WIDTH for lo, hi in found.values())


def test_the_old_rule_would_have_left_the_cells_pinned():
    """One hidden partner per line is not enough: the heuristic alone leaves them pinned."""
    values = _column([24, 10, 4, 4, 26])
    mask = suppression.complementary_cells(
        values, suppression.small_cells(values), total_row="Total"
    )
    display = values.astype(str).mask(mask, policy.SUPPRESSED)
    found = suppression.table_intervals(values, display, total_row="Total")
    assert found[("r2", "Girls (n)")] == (4.0, 4.0)


# --- the ledger and the audit ----------------------------------------------------------------


def _people(n: int, prefix: str = "P") -> pd.DataFrame:
    return pd.DataFrame({"respondent_id": [f"{prefix}{i:02d}" for i in range(n)]})


def _leaking_book() -> list[ledger.Entry]:
    """What pages of a 12-person country showed before the whole-book audit.

    Gender: 10 women, 2 men ("<5") and no one else, total 12, so the men are pinned by
    the complement. Education: 9 with a Master's shown on a course page ("9 of 12") while
    the chapter hides the 3 with a Bachelor's ("<5", partner "x"): the difference pins them.
    Boys: 8 supported boys, hidden as "x"; 5 had online cases, 62 % of those who supported
    boys: the share gives 8 back, so the 4 who supported girls only are pinned. 11 of 12
    answered a slider: the one who did not is pinned.
    """
    people = _people(12)
    chapter, course = "countries/smallland.ipynb", "course/lesson.ipynb"
    women, men = people.iloc[:10], people.iloc[10:]
    masters, bachelors = people.iloc[:9], people.iloc[9:]
    boys, girls_only, online = people.iloc[:8], people.iloc[8:], people.iloc[:5]
    answered, silent = people.iloc[:11], people.iloc[11:]
    entries = [
        ledger.count_entry(_cell("Gender", "Female"), women, "10"),
        ledger.count_entry(_cell("Gender", "Male"), men, "<5"),
        ledger.count_entry(_cell("Gender", "Other"), people.iloc[:0], "0"),
        ledger.count_entry(_cell("Gender", "Total"), people, "12"),
        ledger.partition_entry(
            "table 'Gender', line of 'n'", people, [women, men, people.iloc[:0]]
        ),
        ledger.count_entry(_cell("Education", "Master's"), masters, "x"),
        ledger.count_entry(_cell("Education", "Bachelor's"), bachelors, "<5"),
        ledger.count_entry(_cell("Education", "Total"), people, "12"),
        ledger.partition_entry("table 'Education', line of 'n'", people, [masters, bachelors]),
        ledger.count_entry(_cell("Boys", "Supported boys"), boys, "x"),
        ledger.count_entry(_cell("Boys", "Online cases"), online, "5"),
        ledger.share_entry("boys text: share with online cases", online, boys, "62%"),
        ledger.category_entry("boys text: girls only", girls_only),
        ledger.partition_entry("boys text: boys and girls only", people, [boys, girls_only]),
        ledger.count_entry("caseloads text: answered", answered, "11"),
        ledger.category_entry("caseloads text: did not answer", silent),
        ledger.partition_entry("caseloads text: all", people, [answered, silent]),
    ]
    on_course = [ledger.count_entry("composition: master's, Smallland", masters, "9")]
    return [ledger.Entry(**{**e.__dict__, "page": chapter}) for e in entries] + [
        ledger.Entry(**{**e.__dict__, "page": course}) for e in on_course
    ]


def _cell(table: str, row: str) -> str:
    return f"table '{table}', row '{row}', column 'n'"


C = "countries/smallland.ipynb"
BACHELORS = "Bachelor's"
NEEDS = "(protection needs a range of at least 2 values)"
EXPECTED_LEAKS = [
    f"{C}: boys text: girls only: a count of 4 can be worked out as exactly 4 {NEEDS}, from "
    f"{C}: boys text: share with online cases; {C}: {_cell('Boys', 'Online cases')}; "
    f"{C}: {_cell('Gender', 'Total')}",
    f"{C}: caseloads text: did not answer: a count of 1 can be worked out as exactly 1 "
    f"{NEEDS}, from {C}: caseloads text: answered; {C}: {_cell('Gender', 'Total')}",
    f"{C}: {_cell('Education', BACHELORS)}: a count of 3 can be worked out as exactly 3 "
    f"{NEEDS}, from {C}: {_cell('Gender', 'Total')}; "
    "course/lesson.ipynb: composition: master's, Smallland",
    f"{C}: {_cell('Gender', 'Male')}: a count of 2 can be worked out as exactly 2 {NEEDS}, "
    f"from {C}: {_cell('Gender', 'Female')}; {C}: {_cell('Gender', 'Other')}; "
    f"{C}: {_cell('Gender', 'Total')}",
]


def test_the_audit_names_every_leak_of_the_leaking_book():
    result = audit.audit_entries(_leaking_book())
    assert not result.ok
    assert [leak.describe() for leak in result.leaks] == EXPECTED_LEAKS
    assert result.inconsistent == []


def test_an_entry_that_disagrees_with_the_data_is_reported():
    people = _people(6)
    result = audit.audit_entries([ledger.count_entry("a table, a cell", people, "7")])
    assert result.inconsistent == ["unknown page: a table, a cell: shows count 7.0 but counts 6"]


def test_a_count_the_report_pins_itself_is_not_a_leak():
    """Published total, published women and published 'other': the men follow from the report."""
    people = _people(20)
    women, men = people.iloc[:17], people.iloc[17:]
    entries = [
        ledger.count_entry("gender, Female", women, "17", published=True),
        ledger.count_entry("gender, Male", men, "<5"),
        ledger.count_entry("gender, Total", people, "20", published=True),
        ledger.partition_entry("gender", people, [women, men]),
    ]
    result = audit.audit_entries(entries)
    assert result.ok, result.report()


def _write_book(folder, entries: list[ledger.Entry]) -> None:
    """Executed notebooks carrying the entries in their metadata, as ``execute`` writes them."""
    pages: dict[str, list[ledger.Entry]] = {}
    for entry in entries:
        pages.setdefault(entry.page, []).append(entry)
    for page, found in pages.items():
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["survivors_perspectives"] = {ledger.METADATA_KEY: ledger.pack(found)}
        path = folder / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(notebook), encoding="utf-8")


def test_the_ledger_survives_the_notebook_metadata(tmp_path):
    entries = _leaking_book()
    _write_book(tmp_path, entries)
    assert sorted(audit.read_book(tmp_path), key=audit.place) == sorted(entries, key=audit.place)


def test_the_audit_command_stops_on_the_leaking_book(tmp_path):
    _write_book(tmp_path / "book", _leaking_book())
    out = tmp_path / "disclosure_audit.txt"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "survivors_perspectives.disclosure.audit",
            str(tmp_path / "book"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: Disclosure audit: 18 numbers recorded on the pages, ")
    assert "4 leaking, 0 inconsistent" in lines[0]
    assert lines[1:] == [f"LEAK {leak}" for leak in EXPECTED_LEAKS]
    assert out.read_text(encoding="utf-8").splitlines()[1:] == lines[1:]


def test_the_build_keeps_the_last_good_book_when_the_audit_fails(tmp_path, monkeypatch):
    """build_book: the new HTML is built, the audit fails, the old book stays byte-identical."""
    source, build = tmp_path / "book", tmp_path / "_build"
    _write_book(source, _leaking_book())
    (source / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (build / "html").mkdir(parents=True)
    (build / "html" / "index.html").write_text("the last good book", encoding="utf-8")

    class FinishedBuild:
        def wait(self):
            return 0

    def fake_jupyter_book(source, staging, config):
        html = staging / "jb" / "_build" / "html"
        html.mkdir(parents=True)
        (html / "index.html").write_text("a new book", encoding="utf-8")
        return FinishedBuild()

    monkeypatch.setattr(build_book, "_jupyter_book", fake_jupyter_book)
    with pytest.raises(build_book.BookBuildError) as error:
        build_book.build_book(source, build)
    message = str(error.value)
    for leak in EXPECTED_LEAKS:
        assert f"LEAK {leak}" in message
    assert message.endswith(f"the previous book in {build / 'html'} is unchanged")
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "the last good book"


# --- the page kit on a country of 12 -------------------------------------------------------


@pytest.fixture(scope="module")
def twelve_person_albania() -> pd.DataFrame:
    survey = load_survey(paths.SURVEY)
    albania = survey.index[survey["country"] == "Albania"]
    return survey.drop(index=albania[12:])


SECTIONS = [
    country_chapter.respondents,
    country_chapter.caseloads,
    country_chapter.boys_and_girls,
    country_chapter.offenders,
    country_chapter.exchange,
    country_chapter.facilitation,
    country_chapter.forms_of_abuse,
    country_chapter.barriers,
    country_chapter.beliefs,
    country_chapter.government,
    country_chapter.scenarios,
    country_chapter.awareness,
]


def test_a_country_of_twelve_leaks_nothing_from_its_chapter(twelve_person_albania):
    import matplotlib.pyplot as plt

    with ledger.recording() as book:
        for section in SECTIONS:
            section(twelve_person_albania, "Albania")
            plt.close("all")
    result = audit.audit_entries(book)
    assert result.protected > 20, result.report()
    assert result.ok, result.report()


def test_every_hidden_count_on_the_chapters_is_recorded(twelve_person_albania):
    with ledger.recording() as book:
        table = country_chapter.exchange(twelve_person_albania, "Albania").tables[0]
    hidden = {
        f"table '{table.caption}', row '{r}', column '{c}'"
        for r in table.data.index
        for c in table.data.columns
        if table.data.loc[r, c] in policy.REVEALED
    }
    assert hidden
    assert hidden <= {e.where for e in book if e.kind == ledger.HIDDEN}


def test_the_shipped_chapters_protect_colombia_exchange_and_the_scenarios():
    survey = load_survey(paths.SURVEY)
    exchange = country_chapter.exchange(survey, "Colombia").tables[0]
    girls = exchange.data["Girls (n)"]
    assert list(girls) != ["24", "10", "<5", "<5", "26", "68"]
    for country in ("Colombia", "Albania", "Bosnia and Herzegovina"):
        for section in (country_chapter.exchange, country_chapter.scenarios):
            with ledger.recording() as book:
                section(survey, country)
            assert audit.audit_entries(book).ok


def test_the_shipped_book_passes_the_audit(built_book):
    """After `make book`: the audit's result on the shipped data is kept beside the HTML."""
    report = built_book / "_build" / "disclosure_audit.txt"
    assert report.is_file(), f"{report} is missing: the build writes it beside the HTML"
    first = report.read_text(encoding="utf-8").splitlines()[0]
    assert " 0 leaking, 0 inconsistent" in first
    entries = audit.read_book(paths.ROOT / "book")
    pages = {e.page for e in entries}
    assert {"countries/colombia.ipynb", "course/reading_the_survey.ipynb"} <= pages
    assert audit.audit_entries(entries).ok


def test_packing_is_deterministic():
    entries = _leaking_book()
    assert json.dumps(ledger.pack(entries)) == json.dumps(ledger.pack(list(entries)))


# --- every page records what it shows: conversations, overview, course, figures -------------


def _on(page: str, entries: list[ledger.Entry]) -> list[ledger.Entry]:
    return [dataclasses.replace(entry, page=page) for entry in entries]


def _profile_only(entries: list[ledger.Entry]) -> list[ledger.Entry]:
    """The entries of a chapter's profile without its whole-study counts (as recorded before)."""
    return [e for e in entries if not e.where.startswith("whole-study count of ")]


@pytest.fixture(scope="module")
def conversations() -> pd.DataFrame:
    from survivors_perspectives.conversations import schema

    return schema.load_conversations(paths.CONVERSATIONS)


def test_every_conversation_count_shown_is_recorded_and_the_pages_pass(conversations):
    """The chapter's sentences and matrix and a country's tables: each "n of N" is in the ledger."""
    from survivors_perspectives.conversations import country, narrative, schema, tables

    codebook = schema.load_codebook()
    with ledger.recording() as chapter:
        texts = [
            narrative.sample_paragraph(conversations),
            narrative.arrangements_paragraph(conversations),
            *(narrative.country_synthesis(conversations, codebook, c) for c in ["Peru"]),
        ]
        matrix = tables.theme_country_matrix(conversations, codebook)
    with ledger.recording() as peru:
        found = country.conversation_tables_for_country(conversations, "Peru", codebook)
    recorded = {e.where for e in chapter} | {e.where for e in peru}
    for theme in matrix.data.index:
        for column in matrix.data.columns:
            assert f"table 'Themes by country', row '{theme}', column '{column}'" in recorded
    themes = found["themes"]
    caption = country.caption("themes", "Peru")
    for label in themes["Theme"]:
        assert f"table '{caption}', row '{label}', column 'Participants'" in recorded
    assert any(e.where.startswith("sentence on who took part: young men in ") for e in chapter)
    assert all(texts)
    result = audit.audit_entries(
        _on("chapters/conversations.ipynb", chapter) + _on("countries/peru.ipynb", peru)
    )
    assert result.protected > 50, result.report()
    assert result.ok, result.report()


def test_two_unpublished_young_men_in_albania_are_hidden_in_tables_and_sentences(
    conversations,
):
    """The report gives Albania's seven as young women; two young men are nowhere stated."""
    from survivors_perspectives.conversations import country, narrative

    frame = conversations.copy()
    albania = frame.index[(frame["country"] == "Albania") & (frame["status"] == "participant")]
    frame.loc[albania[:2], "gender"] = "male"
    with ledger.recording() as book:
        text = narrative.sample_paragraph(frame)
        profile = country.conversation_tables_for_country(frame, "Albania")["profile"]
    assert "fewer than five in Albania" in text
    assert "2 in Albania" not in text
    assert profile.loc["Young men", "Value"] == "<5 of 7"
    # Five women of seven would give the two men back.
    assert profile.loc["Young women", "Value"] == "– of 7"
    assert audit.audit_entries(book).ok


def test_a_theme_total_that_pinned_moldova_through_a_derived_theme_is_hidden(conversations):
    """Colombia's 7 who described how they disclosed are the 7 with a believing supporter:
    beside that row's all-countries 9, Moldova's hidden 2 was 9 - 7."""
    from survivors_perspectives.conversations import schema, tables

    with ledger.recording() as book:
        matrix = tables.theme_country_matrix(conversations, schema.load_codebook())
    row = matrix.data.loc["A believing supporter made it possible"]
    assert row["Moldova"] == "<5 of 10"
    assert row[tables.ALL] == "– of 42"
    assert audit.audit_entries(book).ok


def test_the_overview_no_longer_gives_back_peru_hidden_education(survey_and_reference):
    """The Peru / Lesson 5 difference, across pages: the overview's share of Peru's
    Master's degrees (24 % of the published 80 is 19) with the chapter's Bachelor's (57)
    left exactly 4 for the chapter's hidden "No tertiary degree"; the same share shown
    again would pin whatever that hidden count is in the data. The overview follows the
    chapter: under the study-wide plan Peru's chapter hides its Bachelor's degrees and
    shows its Master's (and so does the overview); on its own it hid the Master's (and the
    overview withholds them)."""
    from survivors_perspectives.disclosure import plan
    from survivors_perspectives.pages import overview

    survey, reference = survey_and_reference
    peru = survey[survey["country"] == "Peru"]
    masters = peru[(peru["education"] == "Master's degree or PhD").to_numpy(bool)]
    with ledger.recording() as chapter:
        table = country_chapter.respondents(survey, "Peru", reference).tables[0].data
    with ledger.recording() as page:
        overview.sample_by_country(survey, reference)
        shown = overview.profiles(survey, reference).tables[0].data
    assert table.loc[("Education", "Bachelor's degree"), "Peru (n)"] == policy.COMPLEMENTARY
    assert table.loc[("Education", "Master's degree or PhD"), "Peru (n)"] == str(len(masters))
    share = f"{round(100 * len(masters) / len(peru))}%"
    assert shown.loc["Peru", "Master's degree or PhD"] == share
    both = _on("countries/peru.ipynb", chapter) + _on("chapters/overview.ipynb", page)
    assert audit.audit_entries(both).ok
    with ledger.recording() as alone:
        alone_table = country_chapter.respondents(survey, "Peru", reference, plan.NO_PLAN)
    masters_cell = ("Education", "Master's degree or PhD"), "Peru (n)"
    assert alone_table.tables[0].data.loc[masters_cell] == policy.COMPLEMENTARY
    where = "table 'Respondent profile by country', row 'Peru', column 'Master's degree or PhD'"
    before = _on("chapters/overview.ipynb", [ledger.share_entry(where, masters, peru, share)])
    hidden = int((peru["education"] == "No tertiary degree").sum())
    assert 1 <= hidden <= 4
    result = audit.audit_entries(_on("countries/peru.ipynb", _profile_only(alone)) + before)
    education = "table 'Profile of respondents in Peru: Education'"
    assert [leak.describe() for leak in result.leaks] == [
        f"countries/peru.ipynb: {education}, row 'No tertiary degree', column 'Peru (n)'; "
        f"countries/peru.ipynb: {education}, row 'No tertiary degree', column 'Peru (%)': "
        f"a count of {hidden} can be worked out as exactly {hidden} (protection needs a range "
        "of at least 2 "
        f"values), from chapters/overview.ipynb: {where}; countries/peru.ipynb: {education}, "
        "row 'Bachelor's degree', column 'Peru (n)'; countries/peru.ipynb: table 'Profile of "
        "respondents in Peru: Gender', row 'Total', column 'Peru (n)'"
    ]


def test_the_course_withholds_group_sizes_that_give_non_response_back(survey_and_reference):
    """'48 answered' beside Albania's published 50 says two did not."""
    from survivors_perspectives.pages import course, overview

    survey, reference = survey_and_reference
    with ledger.recording() as sample:
        overview.sample_by_country(survey, reference)
    with ledger.recording() as lesson:
        means = course.group_means(survey, "caseload_online_pct", "country")
    assert (means["n"] == policy.WITHHELD).all()
    pages = _on("chapters/overview.ipynb", sample)
    assert audit.audit_entries(pages + _on("course/tests.ipynb", lesson)).ok
    albania = survey[survey["country"] == "Albania"]
    answered = albania[albania["caseload_online_pct"].notna().to_numpy(bool)]
    where = "group sizes of caseload_online_pct by country: Albania"
    before = [ledger.count_entry(where, answered, str(len(answered)))]
    result = audit.audit_entries(pages + _on("course/tests.ipynb", lesson + before))
    assert [leak.describe() for leak in result.leaks] == [
        f"course/tests.ipynb: {where} (did not answer): a count of 2 can be worked out as "
        "exactly 2 (protection needs a range of at least 2 values), from "
        "chapters/overview.ipynb: table 'Frontline support workers who completed the survey, "
        f"by country', row 'Albania', column 'Respondents (n)'; course/tests.ipynb: {where}"
    ]


def test_figure_and_sentence_shares_of_a_country_of_twelve_are_recorded(twelve_person_albania):
    with ledger.recording() as book:
        country_chapter.forms_of_abuse(twelve_person_albania, "Albania")
        country_chapter.awareness(twelve_person_albania, "Albania")
    places = {e.where for e in book}
    assert any(p.startswith("figure and alt text of forms of abuse: ") for p in places)
    assert "awareness text: rated poor, Albania" in places
    assert audit.audit_entries(book).ok


@pytest.fixture(scope="module")
def survey_and_reference():
    from survivors_perspectives.published.reference import load_reference

    return load_survey(paths.SURVEY), load_reference()


def test_the_conversation_figures_hide_small_all_country_groups(conversations):
    """Flow labels, co-occurrence cells and ranked pairs: groups of one to four across all
    countries are not written, a pair leaving one to four of a theme outside it neither."""
    from survivors_perspectives.conversations import schema, tables

    codebook = schema.load_codebook()
    barriers = codebook.loc[codebook["family"] == "barrier", "theme_id"].tolist()
    stages = {
        "awareness": ["Knew a reporting route beforehand", "Did not know one beforehand"],
        "route": [*tables.ROUTE_LABELS.values(), tables.NO_ROUTE],
    }
    with ledger.recording() as book:
        labels = tables.flow_stage_labels(conversations, stages)
        shown, hidden = tables.shown_cooccurrence(conversations, codebook, barriers)
        pairs = tables.top_theme_pairs(conversations, codebook, k=8)
    people = schema.participants(conversations)
    portal = int(people["route_online_portal"].sum())
    assert 1 <= portal <= 4
    assert labels[("route", "Online reporting portal")] == policy.SUPPRESSED
    fear, shame = int(people["barrier_fear"].sum()), int(people["barrier_shame"].sum())
    both = int(((people["barrier_fear"] == 1) & (people["barrier_shame"] == 1)).sum())
    assert shown.loc["barrier_shame", "barrier_fear"] == str(both)
    assert not hidden.loc["barrier_shame", "barrier_fear"]
    assert (fear, shame) == (24, 19)
    for i, a in enumerate(barriers):
        for b in barriers[:i]:
            text = shown.loc[a, b]
            assert text in (policy.SUPPRESSED, policy.WITHHELD) or not policy.is_small(int(text))
    assert (pairs["Participants"] >= 5).all()
    result = audit.audit_entries(book)
    assert result.protected > 10, result.report()
    assert result.ok, result.report()
