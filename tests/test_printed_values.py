"""The report's printed values are read in one place, the same way by every module."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats as sps

from survivors_perspectives import paths
from survivors_perspectives.analyses import audit, cross_country, fidelity, robustness
from survivors_perspectives.published import printed_values
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS, PublishedTest
from survivors_perspectives.survey.load import load_survey

SRC = Path(__file__).resolve().parents[1] / "src" / "survivors_perspectives"


def _definitions(pattern: str) -> list[str]:
    """Package files (relative) with a line matching ``pattern``."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [path.relative_to(SRC).as_posix() for _ in re.finditer(pattern, text, re.M)]
    return found


@pytest.mark.parametrize(
    ("pattern", "homes"),
    [
        (r"^ALPHA\s*[:=]", ["published/printed_values.py"]),
        (r"^\s*(?:def\s+)?p_from_statistic\b\s*[(=:]", ["published/printed_values.py"]),
        (r"^\s*def\s+parse_p\b", ["published/printed_values.py"]),
        (r"^\s*def\s+parse_df\b", ["published/printed_values.py"]),
        (r"^\s*def\s+_?published_significant\b", ["published/printed_values.py"]),
        (r"^\s*APPROXIMATE_TOLERANCE\s*[:=]", ["published/printed_values.py"]),
        (r"^\s*APPROXIMATE_HALF_WIDTH\s*[:=]", ["published/printed_values.py"]),
        (r"^\s*STATISTIC_TOLERANCE\s*[:=]", ["published/printed_values.py"]),
        (r"^\s*PERCENT_TOLERANCE\s*[:=]", ["published/printed_values.py"]),
        (r"^\s*CLOSE\s*=", []),
        (r"^_(P|DF)_PATTERN\s*=", []),
    ],
)
def test_each_reading_rule_is_defined_once_in_printed_values(pattern, homes):
    assert _definitions(pattern) == homes


def test_no_module_reads_a_printed_p_by_stripping_its_comparator():
    stripping = _definitions(r"lstrip\(\s*\"[<>=]+\"|startswith\(\s*\"[<>]\"\s*\)")
    assert stripping == []


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("<0.05", True),
        ("<0.001", True),
        ("=0.03", True),
        ("0.004", True),
        (" 0.024 ", True),
        ("0.05", False),
        ("0.069", False),
        ("0.81", False),
        (">0.05", False),
        (">0.5", False),
    ],
)
def test_printed_p_significance(printed, expected):
    assert printed_values.published_significant(printed) is expected


@pytest.mark.parametrize("printed", ["<0.1", ">0.01", "<0.5"])
def test_a_bound_that_does_not_decide_is_an_error_not_a_guess(printed):
    with pytest.raises(ValueError, match=rf"p_reported: '{re.escape(printed)}' does not say"):
        printed_values.published_significant(printed)


def test_parse_p_reads_comparators():
    assert printed_values.parse_p("<0.001") == ("<", 0.001, 3)
    assert printed_values.parse_p("=0.03") == ("=", 0.03, 2)
    assert printed_values.parse_p(">0.05") == (">", 0.05, 2)
    assert printed_values.parse_p("0.81") == ("=", 0.81, 2)


def test_parse_errors_name_the_column_and_the_value():
    with pytest.raises(ValueError, match=r"p_reported: expected .* found 'p<0.05'"):
        printed_values.parse_p("p<0.05")
    with pytest.raises(ValueError, match=r"p_reported: expected a p-value between 0 and 1"):
        printed_values.parse_p("1.5")
    with pytest.raises(ValueError, match=r"df: expected .* found '5;407'"):
        printed_values.parse_df("5;407")


def test_p_from_statistic_is_the_upper_tail():
    assert printed_values.p_from_statistic("chi2_independence", 25.645, (10,)) == pytest.approx(
        sps.chi2.sf(25.645, 10)
    )
    assert printed_values.p_from_statistic("anova_oneway", 1.978, (5, 407)) == pytest.approx(
        sps.f.sf(1.978, 5, 407)
    )
    with pytest.raises(ValueError, match="test: expected chi2_independence or anova_oneway"):
        printed_values.p_from_statistic("t_test", 2.0, (10,))


def test_the_two_approximate_tolerances_differ_for_their_stated_reason():
    # reading the report against itself: "around 40%" stands for the nearest 5 points
    assert printed_values.APPROXIMATE_HALF_WIDTH == 2.5
    # data against the report: that reading and as much again, as for whole percentages
    assert printed_values.APPROXIMATE_TOLERANCE == 5.0
    assert printed_values.PERCENT_TOLERANCE == 1.0


# --- "<0.05" is significant in every module that reads a printed p -----------------------


def _reference_with(test: PublishedTest, p_reported: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": test.id,
                "test": test.kind,
                "statistic": 25.645,
                "df": ",".join(map(str, test.df)),
                "p_reported": p_reported,
            }
        ]
    )


def test_less_than_alpha_is_significant_in_robustness():
    test = PUBLISHED_TESTS[0]
    replicates = pd.DataFrame(
        {"seed": [1, 2], "id": [test.id] * 2, "statistic": [25.0, 26.0], "p": [0.01, 0.2]}
    )
    table = robustness.summarise(replicates, _reference_with(test, "<0.05"))
    assert table.loc[0, "published_significant"]
    assert table.loc[0, "share_same_conclusion"] == 0.5


def test_less_than_alpha_is_significant_in_cross_country():
    recomputed = pd.DataFrame(
        {
            "published_p": ["<0.05", ">0.05", "0.03"],
            "p": [0.01, 0.5, 0.2],
            "p_adjusted": [0.02, 0.9, 0.6],
            "same_conclusion": [True, True, False],
            "same_conclusion_adjusted": [True, True, False],
            "statistic": [10.0, 1.0, 3.0],
            "published_statistic": [10.0, 1.0, 9.0],
            "note": ["", "", ""],
            "effect_size": [0.2, 0.05, 0.1],
            "test": ["chi2_independence"] * 3,
        }
    )
    counts = cross_country.conclusion_counts(recomputed)
    assert counts["significant_published"] == 2
    assert counts["significant_ours"] == 1
    assert counts["within_20pct"] == 2


def _printed(reference: pd.DataFrame, test_id: str, **values) -> pd.DataFrame:
    changed = reference.copy()
    for column, value in values.items():
        changed.loc[changed["id"] == test_id, column] = value
    return changed


def test_less_than_alpha_is_significant_in_the_audit(reference):
    # X2(10) = 12 gives p = 0.29: inconsistent with a printed "<0.05", and on the other side
    changed = _printed(
        reference, "profile.gender.by_country.chi2", statistic=12.0, p_reported="<0.05"
    )
    findings = audit.audit(changed).set_index("id")
    finding = findings.loc["p_value.profile.gender.by_country.chi2"]
    assert finding["published"] == "chi-square(10) = 12.000, p <0.05"
    assert finding["changes_conclusion"] == "yes"


def test_less_than_alpha_is_significant_in_the_replication_table(reference):
    survey = load_survey(paths.SURVEY)
    test_id = "services.sexual_health.by_org_type.chi2"
    changed = _printed(reference, test_id, p_reported="<0.05")
    row = fidelity.compare(changed, survey).set_index("id").loc[test_id]
    assert (row["status"], row["note"]) == ("reproduced", "")


def test_no_module_decides_approximate_figures_by_itself():
    assert set(_definitions(r"startswith\(\s*\(?\"(approximate|lower bound)")) == {
        "published/printed_values.py"
    }
    assert _definitions(r"about\|around\|roughly") == ["published/printed_values.py"]


@pytest.mark.parametrize(
    ("note", "quantity", "in_words", "inexact", "bound"),
    [
        ("approximate: published as around half", "share (around half)", True, True, False),
        ("", "average share of all cases (about)", True, False, False),
        ("", "share with female offenders (executive summary, roughly)", True, False, False),
        ("implied: 413 respondents", "taboo on talking about sex", False, False, False),
        ("lower bound: published as more than half", "share noting adults", False, True, True),
        ("published as the range 59%-62%", "share (lowest of the three)", False, True, False),
        ("implied: 413 respondents", "share naming the taboo", False, False, False),
    ],
)
def test_which_printed_figures_are_inexact(note, quantity, in_words, inexact, bound):
    assert printed_values.given_in_words(note, quantity) is in_words
    assert printed_values.is_inexact(note) is inexact
    assert printed_values.is_lower_bound(note) is bound


def test_a_topic_named_with_about_is_not_an_approximate_figure(reference):
    rows = fidelity.compare(reference, load_survey(paths.SURVEY)).set_index("id")
    # "the taboo on talking about sex": an exact 63% (260 of 413), judged within one point
    assert rows.loc["beliefs.sex_taboo.pct", "tolerance"] == printed_values.PERCENT_TOLERANCE
    assert rows.loc["caseload.online_share_of_se.mean", "tolerance"] == 5.0
    assert rows.loc["offenders.female.share.exec_summary", "tolerance"] == 5.0
