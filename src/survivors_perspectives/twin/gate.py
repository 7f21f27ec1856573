"""The release gate: every threshold a twin must meet, declared once, with its reason.

A twin over any threshold is not written to the release folder, and the message names the
measure, its value and the threshold. The data owner may tighten a threshold (``--thresholds
FILE``, a CSV ``measure,limit`` listing every measure), never move it outside the range
declared here: a file that leaves a measure out, names an unknown one, or sets a limit that is
not a number in range stops before any synthesis, so a typo cannot open the gate.

A rare combination (``risk.rare_combinations``) is a combination of 1 to 4 people: the book's
small-count rule, read from ``disclosure.policy`` rather than written again here.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path


class ThresholdError(ValueError):
    """A thresholds file that is missing, incomplete or out of range."""


@dataclass(frozen=True)
class Threshold:
    """One condition of the gate.

    Attributes
    ----------
    measure : str
        Key of the assessment's measures (``assess.Assessment.measures``).
    label : str
        What is measured, in words.
    limit : float
        The default threshold.
    upper : bool
        True when the measure must not exceed ``limit`` (a risk), False when it must not fall
        below it (a utility).
    allowed : tuple of float
        The range a data owner may set the limit in.
    reason : str
        Why the limit is where it is.
    """

    measure: str
    label: str
    limit: float
    upper: bool
    allowed: tuple[float, float]
    reason: str

    def passes(self, value: float, limit: float | None = None) -> bool:
        """Whether ``value`` meets the threshold (a value that is not a number never does)."""
        limit = self.limit if limit is None else limit
        if value is None or math.isnan(value):
            return False
        return value <= limit if self.upper else value >= limit

    @property
    def sign(self) -> str:
        """``<=`` or ``>=``: how a value must compare with the limit."""
        return "<=" if self.upper else ">="


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "exact_matches",
        "twin records identical to a real record (every answer)",
        0,
        True,
        (0, 0),
        "a copied record is a real person's answers published; no number above zero is safe",
    ),
    Threshold(
        "conversation_exact_matches",
        "released conversation records identical to a real one (every coded theme)",
        0,
        True,
        (0, 0),
        "the released conversations come from published figures only, but one that equals a "
        "survivor's coded record by chance is still that survivor's record",
    ),
    Threshold(
        "near_match_share",
        "share of twin records within Gower distance 0.05 of a real record",
        0.01,
        True,
        (0.0, 0.05),
        "a record differing from a real one in about four answers of 85 is that person in "
        "all but name; a sound twin on the stand-in data has none",
    ),
    Threshold(
        "closer_to_train_share",
        "share of a half-fitted twin's records closer to the fitted half than to the held-out one",
        0.70,
        True,
        (0.5, 0.75),
        "0.5 means the twin is as close to people it never saw as to those it learnt from; "
        "tree synthesis with leaves of 30 gives 0.55 to 0.72 on the stand-in data (median 0.63 "
        "over 25 seeds, one half twin of about 207 records each; leaves of 10 gave up to 0.71 on "
        "the earlier stand-in without a joint structure); a copying twin goes to 1",
    ),
    Threshold(
        "repu_share_of_uniques",
        "replicated uniques as a share of the real records unique on the quasi-identifiers",
        0.5,
        True,
        (0.0, 0.6),
        "a twin drawn from a well-fitted model replicates about e^-1 (0.37) of the real "
        "uniques by chance; copying them gives 1",
    ),
    Threshold(
        "disco_share_of_dio",
        "largest DiSCO over the sensitive answers as a share of the same answer's DiO",
        0.75,
        True,
        (0.0, 0.9),
        "a twin that copies the real data reaches DiO itself (1); attribute disclosure from the "
        "twin should stay well below what the real data allow",
    ),
    Threshold(
        "singling_out_risk",
        "singling-out success beyond the attack on held-out people",
        0.10,
        True,
        (0.0, 0.2),
        "0.1 means the attack succeeds on one person in ten more than it does on people the "
        "twin never saw; above that the twin itself gives an attacker a real gain",
    ),
    Threshold(
        "linkability_risk",
        "linkage success beyond the attack on held-out people",
        0.10,
        True,
        (0.0, 0.2),
        "as for singling out: a tenth of people linked beyond chance is a real gain",
    ),
    Threshold(
        "rare_combination_excess",
        "share of fitted people's 1-4 person combinations in a half-fitted twin, less the "
        "same share for held-out people",
        0.15,
        True,
        (0.0, 0.3),
        "rare combinations turn up in any twin by chance (held-out people's too); a twin that "
        "reproduces those of the people it learnt from much more often is copying them",
    ),
    Threshold(
        "test_conclusions_kept",
        "share of the published tests whose conclusion (p < 0.05) is the real data's",
        0.70,
        False,
        (0.5, 1.0),
        "a twin that reverses more than three in ten of the study's tests would mislead; a "
        "test whose real p is near 0.05 flips by sampling error alone (five of the 19 on the "
        "stand-in data have p between 0.01 and 0.07), and tree twins keep 14 to 15 of 19 there",
    ),
    Threshold(
        "figures_agreeing_share",
        "share of replication-table figures within sampling error of the real data's",
        0.70,
        False,
        (0.5, 1.0),
        "a twin is a sample of the same size: about 95% of figures should fall within 95% "
        "intervals, fewer where figures share answers; below 70% it misrepresents the data",
    ),
    Threshold(
        "s_pmse",
        "standardised propensity-score mean squared error (main effects)",
        10.0,
        True,
        (1.0, 30.0),
        "about 1 is what a correct synthesis model gives; well above 10 a simple model tells "
        "twin from real records apart",
    ),
)
"""Every threshold of the release gate, in the order the page shows them."""

BY_MEASURE: dict[str, Threshold] = {t.measure: t for t in THRESHOLDS}


@dataclass(frozen=True)
class Verdict:
    """One measure against its threshold."""

    measure: str
    value: float
    limit: float
    sign: str
    passed: bool

    def message(self) -> str:
        """Say what failed: measure, value and threshold."""
        return f"{self.measure} = {self.value:.4g}, threshold {self.sign} {self.limit:g}"


def load_thresholds(path: Path | str | None = None) -> dict[str, float]:
    """Return the limits in force: the declared defaults, or a data owner's file.

    Raises
    ------
    ThresholdError
        When the file is missing or unreadable, leaves a measure out, names an unknown one,
        repeats one, or sets a limit that is not a number within the declared range; the
        message names the file, the row, the measure, what was expected and what was found.
    """
    if path is None:
        return {t.measure: float(t.limit) for t in THRESHOLDS}
    path = Path(path)
    if not path.is_file():
        raise ThresholdError(f"{path}: thresholds file not found")
    problems = []
    limits: dict[str, float] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or set(reader.fieldnames) < {"measure", "limit"}:
            raise ThresholdError(
                f"{path}: expected the columns measure,limit, found {reader.fieldnames}"
            )
        for line, row in enumerate(reader, start=2):
            measure = (row.get("measure") or "").strip()
            text = (row.get("limit") or "").strip()
            if measure not in BY_MEASURE:
                problems.append(
                    f"{path}: line {line}: expected a measure of the gate "
                    f"({', '.join(BY_MEASURE)}), found {measure!r}"
                )
                continue
            if measure in limits:
                problems.append(f"{path}: line {line}: measure {measure!r} given twice")
                continue
            low, high = BY_MEASURE[measure].allowed
            try:
                limit = float(text)
            except ValueError:
                limit = float("nan")
            if math.isnan(limit) or not low <= limit <= high:
                problems.append(
                    f"{path}: line {line}: {measure}: expected a limit from {low:g} to {high:g}, "
                    f"found {text!r}"
                )
                continue
            limits[measure] = limit
    missing = [t.measure for t in THRESHOLDS if t.measure not in limits]
    problems += [f"{path}: measure {m!r}: expected a limit, found none" for m in missing]
    if problems:
        raise ThresholdError(
            "\n".join([f"{len(problems)} problem(s) with the thresholds", *problems])
        )
    return limits


def judge(measures: dict[str, float], limits: dict[str, float]) -> list[Verdict]:
    """Hold every measure against its limit, in the declared order."""
    verdicts = []
    for threshold in THRESHOLDS:
        value = float(measures.get(threshold.measure, float("nan")))
        limit = limits[threshold.measure]
        verdicts.append(
            Verdict(threshold.measure, value, limit, threshold.sign, threshold.passes(value, limit))
        )
    return verdicts
