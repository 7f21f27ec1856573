"""The disclosure rule: which counts of people may be shown, and what a hidden one reveals.

This module is the one home of the rule. Every table, sentence, figure label, course page
and derived table that shows a number about a country or a group asks it, rather than
writing ``1 <= n <= 4`` again (the rule used to be written six times with three meanings).

The rule
--------
- A count of ``SMALL_MIN`` to ``SMALL_MAX`` (1 to 4) people in a country or a group is not
  shown: tables print ``"<5"``, sentences say "fewer than five". Zero is shown: an empty
  cell points at nobody, so ``"<5"`` means exactly "one to four" (a reader is entitled to
  know that, and the audit assumes the attacker does).
- The exception: a count the report itself published, matched by the reference row's id
  (:func:`survivors_perspectives.disclosure.suppression.published_cells`), is shown;
  repeating it discloses nothing new.
- Complements: a count whose complement within a shown base is 1 to 4 is as revealing as
  the small count itself ("9 of 10 answered" says one did not). Such a count is hidden too
  (:func:`complement_is_small`).
- Shares: a percentage with its base known *is* a count (62% of 13 is 8), so a share is
  shown only when both its count and the complement of its count within the base would be
  shown (:func:`share_allowed`); otherwise it prints ``WITHHELD`` (tables) or
  :data:`WITHHELD_SHARE` (sentences).
- Recomputed country figures beside the report's (the replication table) are printed only
  where they equal the published figure (:func:`country_figure_allowed`).
- Secondary (complementary) suppression: where a hidden cell sits in a line with a shown
  total, further cells are hidden (``"x"``) until no hidden count of 1 to 4 can be narrowed
  below :data:`PROTECTION_WIDTH` by any combination of the numbers shown
  (:func:`survivors_perspectives.disclosure.suppression.suppress_counts`). A partner is
  never zero and never itself small, so ``"x"`` reveals "five or more".

Why secondary suppression rather than rounding or perturbation
--------------------------------------------------------------
The book exists to set the study's published figures beside the same figures computed
from the data (replication, audit, the country chapters' "published beside ours" tables);
every shown number must therefore be the exact count or the exactly rounded share. Rounding
to base 5 (as some census tables do) or a cell-key method (random noise attached to each
record, as the ONS and ABS use for flexible tables) would move every published-figure
comparison by up to a few people in samples of 49 to 91, where one person is one to two
percentage points: the replication table would stop reproducing figures for reasons of
protection rather than data, and sentences could no longer agree with the tables exactly.
Perturbation also protects differencing across *independently* perturbed tables only
statistically, and its parameters would have to stay secret. Suppression keeps every shown
number exact, is what the report itself did, and its protection can be proven for the whole
book by the interval audit (:mod:`survivors_perspectives.disclosure.audit`), in the manner
of tau-Argus and sdcTable (Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 4).
"""

from __future__ import annotations

import math

#: Smallest and largest count of people that must not be shown at country or group level.
SMALL_MIN = 1
SMALL_MAX = 4
#: What a suppressed small count shows.
SUPPRESSED = "<5"
#: What a cell hidden only to protect another shows: it is not small itself (five or
#: more, never zero), so showing it as "<5" would be false.
COMPLEMENTARY = "x"
#: What a percentage or other derived value shows when its count is hidden.
WITHHELD = "–"
#: What a sentence says instead of a share that would reveal a count of one to four.
WITHHELD_SHARE = "a share withheld to protect respondents"
#: What a sentence says instead of a count of one to four.
FEW = "fewer than five"
#: The least width (largest minus smallest value) of the interval an attacker may infer for
#: a hidden count of one to four from everything the book shows: 1, so every hidden count
#: keeps at least two possible values and none is ever pinned. (A width of 2 was tried: a
#: country of 12 then leaves cells narrowed to 1-2 that only hiding the same group in
#: another table of the page could widen; see DEVELOPING.md.) ``"<5"`` alone leaves four
#: values (1 to 4, width 3).
PROTECTION_WIDTH = 1
#: What the display of a hidden cell tells a reader about its value: (least, greatest).
REVEALED = {SUPPRESSED: (SMALL_MIN, SMALL_MAX), COMPLEMENTARY: (SMALL_MAX + 1, math.inf)}


def is_small(count: float) -> bool:
    """Return True when ``count`` people must not be shown (1 to 4; not 0, not 5+).

    Missing values are not small: they are not counts.
    """
    try:
        value = float(count)
    except (TypeError, ValueError):
        return False
    return not math.isnan(value) and SMALL_MIN <= value <= SMALL_MAX


def complement_is_small(count: float, base: float) -> bool:
    """Return True when ``base - count`` is 1 to 4: showing both would reveal it."""
    return is_small(float(base) - float(count))


def count_allowed(count: float, base: float | None = None, *, published: bool = False) -> bool:
    """Return True when a count may be shown (beside ``base``, when the base is shown)."""
    if published:
        return True
    if is_small(count):
        return False
    return base is None or not complement_is_small(count, base)


def share_allowed(count: float, base: float, *, published: bool = False) -> bool:
    """Return True when ``count`` as a share of ``base`` may be shown.

    A share and its base give the count back (and the complement, base minus count), so
    the share is shown only when both would be. A base of zero has no share.
    """
    if float(base) == 0:
        return False
    return count_allowed(count, base, published=published)


def count_text(count: int, base: int | None = None, *, published: bool = False) -> str:
    """Return a count for a sentence: the number, or "fewer than five" when it is hidden.

    Given the ``base`` the sentence also shows, a count whose complement is small says
    "all but fewer than five" instead.
    """
    if count_allowed(count, base, published=published):
        return str(int(count))
    if is_small(count):
        return FEW
    return f"all but {FEW}"


def share_text(count: int, base: int, *, decimals: int = 0, published: bool = False) -> str:
    """Return ``count / base`` as a percentage for a sentence, or the withheld phrase."""
    if not share_allowed(count, base, published=published):
        return WITHHELD_SHARE
    return f"{100 * count / base:.{decimals}f}%"


def country_figure_allowed(
    scope: str, reproduced: float, published: float, data_base: float, published_base: float
) -> bool:
    """Return True when a figure recomputed for one country may be printed beside the report's.

    The replication table compares every published figure with the data. A country's
    percentage with the country's known size is a count, and its complement too (80 % of a
    10-person country is 8 women, so 2 men), whichever cells the country's chapter hides. So
    a country-scoped figure is printed only where the data's country is the report's (same
    size as the published base) and the figure equals the published one to the report's
    whole-number precision: it then says nothing the report did not. Figures about all
    respondents are printed as computed.
    """
    if str(scope) == "all":
        return True
    try:
        same_value = abs(float(reproduced) - float(published)) < 0.5
        return same_value and float(data_base) == float(published_base)
    except (TypeError, ValueError):
        return False


def revealed_bounds(display: str) -> tuple[float, float] | None:
    """Return what a hidden cell's display tells a reader about its value, or None if shown."""
    return REVEALED.get(str(display))
