"""The "For students" course: conventions, hidden solutions, helpers, and the auditor's trace.

Three layers. The source notebooks (always checked): conventions, and every exercise
followed by a worked solution that is hidden by default. The executed notebooks and the
built HTML (checked when the book has been built, as ``make test`` does first): solutions
ran and are collapsed on the page. And the auditor's trace: numbers read from the built
pages are followed back to the package function, the data file (by its hash), an
independent recomputation with plain pandas and scipy, and the reference-table row with its
place in the report.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from scipy import stats as sps

from survivors_perspectives import paths, stats
from survivors_perspectives.conversations.schema import ALLOWED, STUDY_COUNTRIES
from survivors_perspectives.pages import course, provenance

COURSE_SOURCES = sorted((paths.NOTEBOOKS / "course").glob("*.ipynb"))
COURSE_IDS = [p.stem for p in COURSE_SOURCES]
AUDITORS_SOURCE = paths.NOTEBOOKS / "chapters" / "auditors.ipynb"
ALLOWED_CODE_TAGS = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
EXERCISE = re.compile(r"^#{2,4} Exercise (\d+)\b", re.MULTILINE)
SOLUTION = re.compile(r"^:::\{dropdown\} Solution (\d+)\s*$", re.MULTILINE)


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Source notebooks


def test_course_has_four_to_six_notebooks_all_in_the_toc(root):
    assert 4 <= len(COURSE_SOURCES) <= 6
    toc = yaml.safe_load((root / "book" / "_toc.yml").read_text(encoding="utf-8"))
    parts = {part["caption"]: part["chapters"] for part in toc["parts"]}
    assert [c["file"] for c in parts["For students"]] == [
        f"course/{name}" for name in _course_order(parts["For students"])
    ]
    assert {c["file"] for c in parts["For students"]} == {f"course/{n}" for n in COURSE_IDS}
    listed = [c.get("file") for chapters in parts.values() for c in chapters]
    assert "chapters/auditors" in listed


def _course_order(chapters) -> list[str]:
    return [c["file"].split("/", 1)[1] for c in chapters]


@pytest.mark.parametrize("path", [*COURSE_SOURCES, AUDITORS_SOURCE], ids=[*COURSE_IDS, "auditors"])
def test_notebook_follows_conventions(path):
    notebook = _read(path)
    assert notebook.metadata.kernelspec.name == "survivors-perspectives"
    assert notebook.metadata.language_info.name == "python"
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert len(re.findall(r"^# ", first.source, re.MULTILINE)) == 1
    parameters = [c for c in notebook.cells if "parameters" in _tags(c)]
    assert len(parameters) == 1
    assert {"parameters", "remove-cell"} <= _tags(parameters[0])
    assigned = {
        target.id
        for node in ast.parse(parameters[0].source).body
        for target in getattr(node, "targets", [])
    }
    assert {"survey_path", "conversations_path"} <= assigned
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        assert not cell.outputs and cell.execution_count is None, f"cell {number} has outputs"
        assert _tags(cell) & ALLOWED_CODE_TAGS, f"cell {number} has no visibility tag"
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef), (
                f"{path.name} cell {number} defines {node.name!r}: move it to the package"
            )
            assert not isinstance(node, ast.Lambda), f"{path.name} cell {number} has a lambda"


@pytest.mark.parametrize("path", COURSE_SOURCES, ids=COURSE_IDS)
def test_every_exercise_has_a_hidden_worked_solution(path):
    cells = _read(path).cells
    exercises = [
        (i, int(m.group(1)))
        for i, c in enumerate(cells)
        if c.cell_type == "markdown"
        for m in EXERCISE.finditer(c.source)
    ]
    assert exercises, f"{path.name} has no exercise"
    assert [n for _, n in exercises] == list(range(1, len(exercises) + 1))
    bounds = [i for i, _ in exercises] + [len(cells)]
    code_solutions = 0
    for (start, number), end in zip(exercises, bounds[1:], strict=True):
        block = cells[start + 1 : end]
        dropdowns = [c for c in block if c.cell_type == "markdown" and SOLUTION.search(c.source)]
        assert len(dropdowns) == 1, f"{path.name}: exercise {number} needs one Solution dropdown"
        text = dropdowns[0].source
        assert int(SOLUTION.search(text).group(1)) == number
        assert not re.search(r"^:open:", text, re.MULTILINE), "solutions start closed"
        assert text.rstrip().endswith(":::"), "dropdown must be closed"
        prose = SOLUTION.sub("", text).replace(":::", "").strip()
        assert len(prose.split()) >= 15, f"exercise {number}: the worked solution explains"
        for cell in block:
            if cell.cell_type == "code":
                assert {"hide-cell", "solution"} <= _tags(cell), (
                    f"{path.name}: code after exercise {number} must be a hidden solution"
                )
                code_solutions += 1
    assert code_solutions >= 1, f"{path.name}: at least one solution computes its answer"


@pytest.mark.parametrize("path", COURSE_SOURCES, ids=COURSE_IDS)
def test_course_calls_the_package_for_its_numbers(path):
    code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
    assert "from survivors_perspectives import" in code
    # The tests are computed by the package, never by hand in the notebook.
    assert "scipy" not in code and "chi2_contingency" not in code and "f_oneway" not in code


# ---------------------------------------------------------------------------------------------
# Executed notebooks and built pages (present after `make book`)


#: The tests below read the built book; a missing book is handled by the shared fixture.
needs_book = pytest.mark.usefixtures("built_html")


def _executed(name: str) -> Path:
    path = paths.BOOK / "course" / f"{name}.ipynb"
    assert path.is_file(), f"{path} is missing from the built book"
    return path


@needs_book
@pytest.mark.parametrize("name", COURSE_IDS)
def test_executed_solutions_ran(name):
    path = _executed(name)
    cells = _read(path).cells
    solutions = [c for c in cells if "solution" in _tags(c) and c.cell_type == "code"]
    assert solutions
    for cell in solutions:
        assert cell.execution_count is not None
        assert cell.outputs, "a worked solution shows its result"
    assert not [
        o for c in cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]


def _page(name: str) -> BeautifulSoup:
    page = paths.BOOK_HTML / "course" / f"{name}.html"
    assert page.is_file(), f"{page} is missing from the built book"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


@needs_book
@pytest.mark.parametrize("name", COURSE_IDS)
def test_built_page_hides_solutions(name):
    soup = _page(name)
    exercises = [h for h in soup.find_all(["h2", "h3", "h4"]) if EXERCISE.match(f"### {h.text}")]
    dropdowns = soup.select("details.sd-dropdown")
    titles = [d.find("summary").get_text(" ", strip=True) for d in dropdowns]
    assert titles == [f"Solution {i}" for i in range(1, len(exercises) + 1)]
    assert not any(d.has_attr("open") for d in dropdowns), "solutions are closed on load"
    code = soup.select("div.cell.tag_solution")
    assert code
    for cell in code:
        assert "tag_hide-cell" in cell["class"]
        toggle = cell.find("details", class_="hide")
        assert toggle is not None and not toggle.has_attr("open")
        assert toggle.find(class_="cell_output") is not None, "the hidden solution has output"


# ---------------------------------------------------------------------------------------------
# The auditor's trace: page -> function -> data file -> recomputation -> reference row


def _output_with(soup: BeautifulSoup, text: str):
    """Return the (table, provenance line) of the first output whose table mentions text."""
    for output in soup.select("div.cell_output"):
        table = output.find("table")
        line = output.find("p", class_=provenance.CSS_CLASS)
        if table is not None and line is not None and text in table.get_text():
            return table, line
    raise AssertionError(f"no table with its provenance line mentions {text!r}")


def _frame(table) -> pd.DataFrame:
    """Read a pandas-rendered HTML table (one header row of column names, one index level).

    The label of a row is its row header, or, in a table of ids, its "Id" cell.
    """
    header = [th.get_text(strip=True) for th in table.find("thead").find("tr").find_all("th")]
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = [td.get_text(strip=True) for td in tr.find_all("td")]
        heading = tr.find("th")
        if heading is None:
            assert header[0] == "Id", header
            label, cells = cells[0], cells[1:]
        else:
            label = heading.get_text(strip=True)
        rows[label] = cells
    return pd.DataFrame.from_dict(rows, orient="index", columns=header[1:])


def _follow_line(line) -> tuple[str, list[Path]]:
    """Check each file a provenance line names against its hash; return function and files."""
    files = line["data-files"].split()
    hashes = line["data-sha256"].split()
    assert len(files) == len(hashes) >= 1
    found = []
    for file, sha in zip(files, hashes, strict=True):
        data = paths.ROOT / file
        assert data.is_file(), f"the page names {file}, which does not exist"
        assert _sha(data) == sha, f"{file} changed since the page was built: rebuild the book"
        assert sha[: provenance.SHORT_HASH] in line.get_text()
        found.append(data)
    return line["data-function"], found


@pytest.fixture(scope="module")
def reference_csv() -> pd.DataFrame:
    """The published reference table, read with plain pandas (not the package loader)."""
    return pd.read_csv(paths.PUBLISHED_STATISTICS, dtype=str, keep_default_na=False).set_index("id")


def _survey_from(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("ref_id", "kind", "columns"),
    [
        ("profile.age.by_org_type.chi2", "chi2_independence", ("organisation_type", "age_band")),
        (
            "caseload.online_share_of_se.by_country.anova",
            "anova_oneway",
            ("caseload_online_pct", "country"),
        ),
    ],
)
@needs_book
def test_auditor_traces_a_test_statistic(ref_id, kind, columns, reference_csv):
    soup = _page("tests_and_effect_sizes")
    table, line = _output_with(soup, ref_id)
    shown = _frame(table).loc[ref_id]
    function, (data, reference_file) = _follow_line(line)
    assert function == "survivors_perspectives.pages.course.beside_published"
    assert reference_file == paths.PUBLISHED_STATISTICS
    # The function the page's table reports on, recomputed independently from the file.
    survey = _survey_from(data)
    if kind == "chi2_independence":
        counts = pd.crosstab(survey[columns[0]], survey[columns[1]])
        expected = sps.chi2_contingency(counts.to_numpy(), correction=False).statistic
        df = f"{(counts.shape[0] - 1) * (counts.shape[1] - 1)}"
    else:
        answered = survey[survey[columns[0]] != ""]
        groups = [
            g[columns[0]].astype(float).to_numpy()
            for _, g in answered.groupby(columns[1], sort=True)
        ]
        expected = sps.f_oneway(*groups).statistic
        df = f"{len(groups) - 1},{len(answered) - len(groups)}"
    assert float(shown["Recomputed statistic"]) == pytest.approx(round(expected, 3), abs=1e-9)
    assert shown["Recomputed df"] == df
    # The published side: the reference row, and its place in the report.
    row = reference_csv.loc[ref_id]
    assert row["test"] == kind
    assert float(shown["Published statistic"]) == pytest.approx(float(row["statistic"]))
    assert shown["Published p"] == row["p_reported"]
    assert shown["Source"] == row["source"]
    assert re.search(r"fn \d+|Figure \d+|Findings", row["source"])


@needs_book
def test_auditor_traces_the_share_of_women(reference_csv):
    soup = _page("reading_the_survey")
    table, line = _output_with(soup, "Female")
    shown = _frame(table).loc["Female"]
    function, (data,) = _follow_line(line)
    assert function == "survivors_perspectives.pages.course.composition"
    gender = _survey_from(data)["gender"]
    women, n = int((gender == "Female").sum()), int((gender != "").sum())
    assert int(shown["n"]) == women
    assert int(shown["Base"]) == n
    assert float(shown["Percent"]) == pytest.approx(round(100 * women / n, 1))
    row = reference_csv.loc["profile.gender.female.pct"]
    assert round(100 * women / n) == float(row["value"])  # published as a whole percent
    assert int(float(row["n"])) == women
    assert row["source"].startswith("Findings / Characteristics of survivors and workers")


@needs_book
def test_auditor_traces_the_country_sample_sizes(reference_csv):
    soup = _page("reading_the_survey")
    table, line = _output_with(soup, "Bosnia and Herzegovina")
    shown = _frame(table)["n"].astype(int)
    function, (data,) = _follow_line(line)
    assert function == "survivors_perspectives.pages.course.composition"
    counts = _survey_from(data)["country"].value_counts()
    for country, n in shown.items():
        assert counts[country] == n
        slug = re.sub(r"[^a-z0-9]+", "-", country.lower()).strip("-")
        row = reference_csv.loc[f"sample.completed.count.{slug}"]
        assert int(float(row["value"])) == n
        assert "fn 20" in row["source"]


@needs_book
def test_auditor_page_lists_the_hashes_of_the_files_it_was_built_from():
    page = paths.BOOK_HTML / "chapters" / "auditors.html"
    assert page.is_file(), f"{page} is missing from the built book"
    text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ")
    for file in (paths.SURVEY, paths.PUBLISHED_STATISTICS):
        assert _sha(file) in text, f"{file.name}: the page shows another hash; rebuild the book"


# ---------------------------------------------------------------------------------------------
# The course helpers, against plain pandas / scipy and textbook formulas


Z_95 = sps.norm.ppf(0.975)


def wilson(count, n, z=Z_95):
    """Wilson's score interval by its formula (Wilson 1927), as a share."""
    centre = (count + z**2 / 2) / (n + z**2)
    half = z / (n + z**2) * np.sqrt(count * (n - count) / n + z**2 / 4)
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("count", "n", "expected"),
    [  # statsmodels 0.15.0, proportion_confint(count, n, method="wilson")
        (7, 40, (8.74541374603592, 31.94999033178772)),
        (0, 40, (0.0, 8.762160119728668)),
        (40, 40, (91.23783988027134, 100.0)),
    ],
)
def test_proportion_interval_gives_the_statsmodels_known_answers(count, n, expected):
    assert course.proportion_interval(count, n) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    countries = np.repeat(["A", "B", "C"], [40, 25, 15])
    return pd.DataFrame(
        {
            "country": countries,
            "gender": pd.Categorical(
                rng.choice(["Female", "Male"], size=80, p=[0.8, 0.2]),
                categories=["Female", "Male", "Other"],
            ),
            "share": rng.integers(0, 101, size=80).astype(float),
        }
    )


def test_proportion_interval_is_wilson():
    low, high = course.proportion_interval(335, 413)
    z = sps.norm.ppf(0.975)
    p, n = 335 / 413, 413
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert low == pytest.approx(100 * (centre - half))
    assert high == pytest.approx(100 * (centre + half))


@pytest.mark.parametrize(("count", "n", "message"), [(1, 0, "n must be positive"), (5, 4, "0..4")])
def test_proportion_interval_rejects_impossible_counts(count, n, message):
    with pytest.raises(ValueError, match=message):
        course.proportion_interval(count, n)


def test_composition_counts_shares_and_keeps_empty_answers(frame):
    table = course.composition(frame, "gender")
    counts = frame["gender"].value_counts()
    assert list(table.index) == ["Female", "Male", "Other"]
    assert table.loc["Other", "n"] == 0
    assert table.loc["Female", "n"] == counts["Female"]
    assert table["base"].unique().tolist() == [80]
    assert table.loc["Male", "percent"] == pytest.approx(100 * counts["Male"] / 80)
    low, high = wilson(counts["Male"], 80)
    assert table.loc["Male", "ci_low"] == pytest.approx(100 * low)
    assert table.loc["Male", "ci_high"] == pytest.approx(100 * high)


def test_composition_by_group_uses_the_group_as_base(frame):
    table = course.composition(frame, "gender", by="country")
    for country, part in frame.groupby("country"):
        women = int((part["gender"] == "Female").sum())
        assert table.loc[(country, "Female"), "n"] == women
        assert table.loc[(country, "Female"), "base"] == len(part)


def test_composition_names_a_missing_column(frame):
    with pytest.raises(KeyError, match=r"composition: column\(s\) \['age'\] not in the data"):
        course.composition(frame, "age")


def test_interval_widths_shrink_with_sample_size():
    widths = course.interval_widths(50, [413, 91, 49])
    assert list(widths.index) == [413, 91, 49]
    assert widths["width"].is_monotonic_increasing
    low, high = wilson(round(0.5 * 49), 49)
    assert widths.loc[49, "width"] == pytest.approx(100 * (high - low))


def test_screening_funnel_from_published_counts(reference_csv):
    from survivors_perspectives.published.reference import load_reference

    funnel = course.screening_funnel(load_reference())
    expected = {
        "completed and analysed": "sample.completed.count",
        "partial, left out": "sample.partial.count",
        "screened out as ineligible": "sample.disqualified.count",
    }
    total = sum(float(reference_csv.loc[i, "value"]) for i in expected.values())
    for label, ref_id in expected.items():
        assert funnel.loc[label, "people"] == float(reference_csv.loc[ref_id, "value"])
        assert funnel.loc[label, "percent of all who started"] == pytest.approx(
            100 * float(reference_csv.loc[ref_id, "value"]) / total
        )


def test_screening_funnel_names_missing_rows():
    reference = pd.DataFrame({"id": ["sample.completed.count"], "value": [413]})
    with pytest.raises(KeyError, match=r"sample\.partial\.count"):
        course.screening_funnel(reference)


def test_observed_expected_adds_up_to_the_chi_square(frame):
    cells = course.observed_expected(frame, "country", "gender")
    table = pd.crosstab(frame["country"], frame["gender"])
    result = sps.chi2_contingency(table.to_numpy(), correction=False)
    assert cells["contribution"].sum() == pytest.approx(result.statistic)
    assert cells["observed"].sum() == 80
    assert cells.loc[("A", "Male"), "expected"] == pytest.approx(
        table.loc["A"].sum() * table["Male"].sum() / 80
    )


def test_group_means_match_pandas(frame):
    means = course.group_means(frame, "share", "country")
    expected = frame.groupby("country")["share"].agg(["size", "mean", "std"])
    assert means["n"].tolist() == expected["size"].tolist()
    assert means["mean"].tolist() == pytest.approx(expected["mean"].tolist())
    assert means["sd"].tolist() == pytest.approx(expected["std"].tolist())


@pytest.mark.parametrize(
    ("test", "effect", "shape", "label"),
    [
        ("anova_oneway", 0.005, None, "negligible"),
        ("anova_oneway", 0.05, None, "small"),
        ("anova_oneway", 0.06, None, "medium"),
        ("anova_oneway", 0.2, None, "large"),
        ("chi2_independence", 0.12, (2, 2), "small"),
        ("chi2_independence", 0.25, (6, 3), "medium"),
        ("chi2_independence", 0.25, (2, 2), "small"),
        ("chi2_independence", 0.40, (6, 3), "large"),
    ],
)
def test_effect_label_follows_cohen(test, effect, shape, label):
    result = stats.TestResult(test, 1.0, (1,), 0.5, 100, effect, (0.0, 1.0))
    assert course.effect_label(result, shape) == label


def test_describe_result_states_the_numbers(frame):
    result = stats.anova_oneway(frame, "share", "country")
    text = course.describe_result(result)
    assert text.startswith(f"F({result.df[0]}, {result.df[1]}) = {result.statistic:.3f}, p = ")
    assert f"η² = {result.effect_size:.3f}" in text
    assert f"95% CI {result.effect_ci[0]:.3f} to {result.effect_ci[1]:.3f}" in text
    small_p = stats.TestResult("chi2_independence", 40.0, (2,), 1e-9, 80, 0.5, (0.3, 0.6))
    assert "p < 0.001" in course.describe_result(small_p, (3, 2))
    with pytest.raises(ValueError, match="welch_anova"):
        course.describe_result(stats.TestResult("welch_anova", 1.0, (1, 2), 0.5, 9, 0.1, (0, 1)))


def test_beside_published_joins_the_reference_row(reference_csv):
    from survivors_perspectives.published.reference import load_reference

    result = stats.TestResult("chi2_independence", 14.38349, (6,), 0.0257, 413, 0.132, (0, 0.2))
    table = course.beside_published({"profile.age.by_org_type.chi2": result}, load_reference())
    row = table.loc["profile.age.by_org_type.chi2"]
    ref = reference_csv.loc["profile.age.by_org_type.chi2"]
    assert row["published statistic"] == float(ref["statistic"])
    assert row["published p"] == ref["p_reported"]
    assert row["recomputed statistic"] == 14.383
    assert row["recomputed p"] == "0.026"
    assert row["source"] == ref["source"]
    with pytest.raises(KeyError, match=r"no\.such\.test"):
        course.beside_published({"no.such.test": result}, load_reference())


def test_recoverable_cells_finds_the_lone_hidden_cell():
    counts = pd.DataFrame(
        {"a (n)": [2, 10, 12], "b (n)": [20, 3, 23], "Total (n)": [22, 13, 35]},
        index=["x", "y", "Total"],
    )
    hidden = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    hidden.loc["x", "a (n)"] = True
    assert course.recoverable_cells(counts, hidden, total_col="Total (n)") == [("x", "a (n)")]
    assert course.recoverable_cells(counts, hidden) == []  # no total shown: nothing to subtract
    hidden.loc["x", "b (n)"] = True
    assert course.recoverable_cells(counts, hidden, total_col="Total (n)") == []
    # ... but the column totals still give both away.
    assert course.recoverable_cells(counts, hidden, total_row="Total") == [
        ("x", "a (n)"),
        ("x", "b (n)"),
    ]


def test_crosstab_with_total_adds_the_margins(frame):
    table = course.crosstab_with_total(frame, "country", "gender", totals="both")
    assert table.loc["Total", "Total (n)"] == 80
    assert table.loc["A", "Total (n)"] == 40
    assert table.loc["Total", "Female (n)"] == int((frame["gender"] == "Female").sum())
    with pytest.raises(ValueError, match="totals must be"):
        course.crosstab_with_total(frame, "country", "gender", totals="diagonal")


def test_arrangements_count_only_participants():
    conversations = pd.DataFrame(
        {
            "status": ["participant", "participant", "declined"],
            "conversation_format": ["one_on_one", "one_on_one", None],
            "pre_meeting": ["remote", "in_person", None],
            "conversation_mode": ["in_person", "hybrid", None],
        }
    )
    table = course.arrangements(conversations)["participants"]
    assert table[("conversation_format", "one_on_one")] == 2
    assert table[("pre_meeting", "remote")] == 1
    assert table.sum() == 6


def test_value_kinds_flags_free_text():
    frame = pd.DataFrame(
        {
            "participant_id": ["SYN-C01", "SYN-C02"],
            "country": ["Peru", "Mexico"],
            "theme": [1, 0],
            "venue": ["shelter", "a quiet room near the market"],
        }
    )
    kinds = course.value_kinds(frame, {**ALLOWED, "country": STUDY_COUNTRIES})["kind"]
    assert kinds.to_dict() == {
        "participant_id": "identifier",
        "country": "closed list",
        "theme": "number",
        "venue": "free text",
    }


def test_conversations_summary_gives_study_level_counts():
    frame = pd.DataFrame(
        {
            "record_type": ["synthetic"] * 4,
            "status": ["participant", "participant", "participant", "declined"],
            "country": ["Peru", "Peru", "Mexico", "Moldova"],
            "gender": ["female", "male", "female", "female"],
            "age_at_conversation": [18, 23, 20, None],
        }
    )
    assert course.conversations_summary(frame) == (
        "The synthetic file holds 4 records: 3 young people who took part (2 young women and "
        "1 young men, aged 18 to 23 at the time of the conversation) in 2 countries, and 1 "
        "invitees who declined."
    )


def test_across_seeds_separates_fixed_from_moving_numbers(frame):
    base = frame.assign(
        gender=frame["gender"].astype(str),
        caseload_online_pct=frame["share"],
        barrier_self_blame=False,
        barrier_fear_not_believed=False,
    )

    def fake_generate(seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        return base.assign(
            caseload_online_pct=rng.integers(0, 101, size=len(base)).astype(float),
            barrier_self_blame=rng.random(len(base)) < 0.4,
            barrier_fear_not_believed=rng.random(len(base)) < 0.3,
        )

    table = course.across_seeds([1, 2], generate=fake_generate)
    assert list(table.columns) == ["what fixes it", "seed 1", "seed 2", "spread"]
    women = int((base["gender"] == "Female").sum())
    assert table.loc["women among respondents (count)", "seed 1"] == women
    assert table.loc["women among respondents (count)", "spread"] == 0
    moved = table.loc["online share of cases by country (F)"]
    first = fake_generate(1)
    groups = [g["caseload_online_pct"].to_numpy() for _, g in first.groupby("country")]
    assert moved["seed 1"] == pytest.approx(sps.f_oneway(*groups).statistic)
    assert moved["spread"] == pytest.approx(abs(moved["seed 1"] - moved["seed 2"]))
    with pytest.raises(ValueError, match="at least one seed"):
        course.across_seeds([])


def test_fidelity_by_topic_totals():
    result = pd.DataFrame(
        {"topic": ["a", "a", "b"], "status": ["reproduced", "conflict", "reproduced"]}
    )
    table = course.fidelity_by_topic(result)
    assert table.loc["All topics", "Reproduced"] == 2
    assert table.loc["A", "Conflict"] == 1
    assert table.columns.name == "Status"
