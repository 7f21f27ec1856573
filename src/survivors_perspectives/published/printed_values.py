"""How the report's printed values are read: p-values, df, significance and tolerances.

Every module that sets a figure of the report beside a computed one (the audit of the
report's own numbers, the replication table, the cross-country tests, the robustness runs,
the twin's utility) reads the printed text the same way through this module, so a printed
``"<0.05"`` cannot be significant in one chapter and not in the next (it once was: two
modules read it in opposite ways).

The readings
------------
- A printed p-value is a relation and a number: ``"0.004"`` and ``"=0.004"`` mean the
  rounded value, ``"<0.001"`` an upper bound, ``">0.05"`` a lower bound (:func:`parse_p`).
- The report's conclusions are drawn at :data:`ALPHA`. A printed p is significant when the
  value it stands for is below alpha: ``"=0.03"`` and ``"<0.05"`` are (a p below 0.05 is
  below alpha even though the printed number equals it), ``">0.05"`` is not; a bound that
  leaves the answer open (``"<0.1"``, ``">0.01"``) is an error, never a guess
  (:func:`published_significant`).
- Degrees of freedom print as ``10`` or ``5,407`` (:func:`parse_df`); the p-value of a
  statistic is the upper tail of its chi-square or F distribution
  (:func:`p_from_statistic`).
- Tolerances say how far a number may be from a printed one and still be the same figure;
  each constant gives its reason.
"""

from __future__ import annotations

import re

from scipy import stats as sps

#: Significance level the report's conclusions are read at (5%, the field's convention).
ALPHA = 0.05

#: The report prints every test statistic with three decimals; a printed statistic stands
#: for anything within half a unit of its last digit.
STATISTIC_DECIMALS = 3

#: Percentages computed from data match a whole-number percentage of the report within one
#: point: half a point of the report's rounding, and as much again because the data hold
#: whole people, so the nearest attainable share can sit just past the rounding interval.
PERCENT_TOLERANCE = 1.0

#: Half-width of what a figure the report gives only in words ("around half", "about a
#: quarter") can stand for when the report is checked against itself: such words round to
#: the nearest 5 points, so "around 40%" is 37.5% to 42.5%.
APPROXIMATE_HALF_WIDTH = 2.5

#: Computed data match a figure given only in words within 5 points: the 2.5 points the words
#: can stand for (:data:`APPROXIMATE_HALF_WIDTH`) and as much again, as for
#: :data:`PERCENT_TOLERANCE`, since the generator is not calibrated to the words' exact value
#: (on the synthetic survey "roughly half", ``caseload.online_share_of_se.mean``, is 46.7%:
#: the words' 2.5 points alone would call it a miss).
APPROXIMATE_TOLERANCE = 2 * APPROXIMATE_HALF_WIDTH

#: A recomputed test statistic is close to the printed one within 20% of it. The generator
#: calibrates each crossed table to its printed statistic, but one draw of whole people moves
#: a statistic more than its printed digits; a fifth either side is the declared closeness,
#: the same for the replication table and the robustness runs over generator seeds.
STATISTIC_TOLERANCE = 0.20

#: A reference row's quantity marks a figure the report gives only in words in brackets:
#: "(about)", "(roughly half)", "(executive summary, roughly)". Only in brackets: "the taboo on
#: talking about sex" names a topic, not an approximation.
_IN_WORDS = re.compile(r"\([^)]*\b(about|around|roughly)\b[^)]*\)")

CHI2 = "chi2_independence"
ANOVA = "anova_oneway"

_P_TEXT = re.compile(r"\s*([<>=]?)\s*(\d*\.?\d+)\s*")
_DF_TEXT = re.compile(r"\d+(,\d+)?")


def parse_p(text: str) -> tuple[str, float, int]:
    """Split a printed p-value into its relation, value and decimals.

    The relation says what the number is: ``"="`` (also when none is printed) the rounded
    value, ``"<"`` an upper bound, ``">"`` a lower bound; the decimals say how it was rounded.

    >>> parse_p("<0.001")
    ('<', 0.001, 3)
    >>> parse_p("0.81")
    ('=', 0.81, 2)
    >>> parse_p("=0.03")
    ('=', 0.03, 2)
    """
    match = _P_TEXT.fullmatch(str(text))
    if not match:
        raise ValueError(f"p_reported: expected a p-value such as 0.004 or <0.001, found {text!r}")
    relation, number = match.groups()
    decimals = len(number.split(".")[1]) if "." in number else 0
    value = float(number)
    if value > 1:
        raise ValueError(f"p_reported: expected a p-value between 0 and 1, found {text!r}")
    return relation or "=", value, decimals


def parse_df(text: str) -> tuple[int, ...]:
    """Split printed degrees of freedom (``10`` or ``5,407``: one or two) into integers."""
    if not _DF_TEXT.fullmatch(str(text)):
        raise ValueError(f"df: expected degrees of freedom such as 10 or 5,407, found {text!r}")
    return tuple(int(part) for part in str(text).split(","))


def significant(p: float) -> bool:
    """Whether a computed p-value is significant at :data:`ALPHA`."""
    return bool(p < ALPHA)


def published_significant(p_reported: str) -> bool:
    """Whether a printed p-value is significant at :data:`ALPHA`.

    ``"0.03"``, ``"=0.03"``, ``"<0.05"`` and ``"<0.001"`` are; ``"0.08"`` and ``">0.05"``
    are not. A bound on the wrong side of alpha (``"<0.1"``, ``">0.01"``) does not say, and
    raises rather than guess.
    """
    relation, value, _ = parse_p(p_reported)
    if relation == "<" and value <= ALPHA:
        return True
    if relation == ">" and value >= ALPHA:
        return False
    if relation == "=":
        return value < ALPHA
    raise ValueError(
        f"p_reported: {p_reported!r} does not say whether p is below {ALPHA:g}; "
        f"expected a value, a bound below it (<{ALPHA:g}) or above it (>{ALPHA:g})"
    )


def is_lower_bound(note: str) -> bool:
    """Whether the reference row's note says the report printed a bound ("more than half")."""
    return str(note).lower().startswith("lower bound")


def given_in_words(note: str, quantity: str) -> bool:
    """Whether the report gives the figure only in words ("around half", "about a fifth").

    Such a figure is matched by data within :data:`APPROXIMATE_TOLERANCE`, not
    :data:`PERCENT_TOLERANCE`. The reference row says so in its note (``approximate: ...``)
    or in brackets in its quantity (``(about a fifth)``).
    """
    return "approximate" in str(note).lower() or bool(_IN_WORDS.search(str(quantity)))


def is_inexact(note: str) -> bool:
    """Whether a printed figure is not a share rounded from one count: the audit skips it.

    That is a figure given in words (note ``approximate``), a bound (``lower bound``), or
    one end of a printed range whose ends the report does not assign (``published as the
    range ...``): none of them can be checked against a count and base.
    """
    return str(note).lower().startswith(("approximate", "lower bound", "published as"))


def p_from_statistic(test: str, statistic: float, df: tuple[int, ...]) -> float:
    """Upper-tail p of a chi-square or F statistic (scipy ``chi2.sf`` / ``f.sf``)."""
    if test == CHI2:
        return float(sps.chi2.sf(statistic, df[0]))
    if test == ANOVA:
        return float(sps.f.sf(statistic, df[0], df[1]))
    raise ValueError(f"test: expected {CHI2} or {ANOVA}, found {test!r}")
