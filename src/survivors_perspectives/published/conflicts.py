"""Which published figures contradict other published figures, and why, read from the report.

Some of the report's figures cannot all hold at once: two shares by gender that cannot
average to the published overall share, a count that prints as a different percentage than
the one published. Two parts of the compendium need the list and must agree on it:

- the generator (``synth.spec``) has to choose which of the contradicting figures to meet,
  and records the others;
- the replication table (``fidelity``) labels a figure on the list ``conflict``, with the
  reason, rather than ``off_target``: on any data, including the real data in the secure
  room, where no generator is built.

Both ask :func:`published_conflicts`, which reads only the reference table. A figure
needed to decide a conflict that is missing from the table is an error naming the figure
(:class:`ConflictReadError`), never an empty list: a silent empty list would turn every
conflict into a miss.
"""

from __future__ import annotations

import pandas as pd

#: The services whose shares by organisation type, overall share and X2(2) are published
#: (reference-id key), with the survey column each describes.
SERVICES_BY_ORG_TYPE: tuple[tuple[str, str], ...] = (
    ("service_individual_counselling", "counselling_individual"),
    ("service_sexual_health", "sexual_health"),
    ("service_reintegration", "reintegration"),
)

#: How close the 'Other' organisations' count must bring the overall share (percentage
#: points) and the statistic (share of it) to count as meeting them.
OVERALL_SHARE_TOLERANCE = 1
STATISTIC_SHARE_TOLERANCE = 0.1

#: Conflicts that follow from two printed figures directly, with their reason.
STATED_CONFLICTS: dict[str, str] = {
    "services.counselling_individual.pct.men": (
        "38% of 77 men and 54% of 335 women give about 51% overall, while the overall share "
        "is published as 68% and the shares by organisation type imply 64-68%; we keep the "
        "gender gap of about 16 points and X2(2) = 7.627, not the two levels"
    ),
    "awareness.rating.poor.pct": (
        "291 of 413 is 70.5%, printed as 71%; we keep the count (within one point)"
    ),
    "caseload.online_share_of_total.one_in_five.exec_summary": (
        "the executive summary rounds the 18% of total caseloads up to 'one in five'; the data "
        "follow the 18%"
    ),
}
#: Figures that share a stated conflict's reason (the women's share with the men's).
SAME_REASON: dict[str, str] = {
    "services.counselling_individual.pct.women": "services.counselling_individual.pct.men",
}


class ConflictReadError(ValueError):
    """A figure needed to decide whether published figures conflict is not in the table."""


class _Figures:
    """Look-ups into the reference table that fail with the missing id."""

    def __init__(self, reference: pd.DataFrame):
        self.values = reference.set_index("id")["value"]

    def __contains__(self, ref_id: str) -> bool:
        return ref_id in self.values.index

    def __call__(self, ref_id: str) -> float:
        try:
            return float(self.values.loc[ref_id])
        except KeyError:
            raise ConflictReadError(
                f"reference figure {ref_id!r} is missing from the reference table"
            ) from None

    def count(self, ref_id: str) -> int:
        return round(self(ref_id))

    def count_for_pct(self, ref_id: str, base: int) -> int:
        """Return the count of ``base`` closest to the published percentage ``ref_id``."""
        pct = self(ref_id)
        if not 0 <= pct <= 100:
            raise ConflictReadError(f"{ref_id}: a percentage of {pct:g} is outside 0-100")
        return round(pct / 100 * base)


def organisation_sizes(reference: pd.DataFrame) -> dict[str, int]:
    """Return the published respondents by organisation type (Government, NGO, Other)."""
    pub = _Figures(reference)
    return {
        "Government": pub.count("profile.org_type.government.count"),
        "NGO": pub.count("profile.org_type.ngo.count"),
        "Other": pub.count("profile.org_type.other.count"),
    }


def service_offered_by_org_type(reference: pd.DataFrame, key: str) -> tuple[dict[str, int], str]:
    """Respondents offering a service, by organisation type, and the conflict it leaves.

    The report gives the government and NGO shares, an overall share and X2(2); the 'Other'
    group is the only free cell. Counts meeting both the overall share (within
    :data:`OVERALL_SHARE_TOLERANCE` points) and the statistic (within
    :data:`STATISTIC_SHARE_TOLERANCE` of it) are preferred; otherwise the statistic is kept
    and the overall share is the conflict.

    Returns
    -------
    (dict, str)
        Counts offering the service by ``Government``, ``NGO``, ``Other``; the conflict's
        reason, ``""`` when there is none.

    Raises
    ------
    ConflictReadError
        A figure is missing, or no 'Other' count reaches the statistic.
    """
    # The generator's Pearson statistic, imported here: synth imports this module.
    from survivors_perspectives.synth.raking import chi2_statistic

    pub = _Figures(reference)
    sizes = organisation_sizes(reference)
    gov = pub.count_for_pct(f"services.{key}.pct.government", sizes["Government"])
    ngo = pub.count_for_pct(f"services.{key}.pct.ngo", sizes["NGO"])
    total_pct = pub(f"services.{key}.pct")
    chi2 = pub(f"services.{key}.by_org_type.chi2")
    what = dict((k, c) for c, k in SERVICES_BY_ORG_TYPE)[key]
    n_gov, n_ngo, n_other = sizes["Government"], sizes["NGO"], sizes["Other"]
    total = n_gov + n_ngo + n_other
    best = None
    for x in range(n_other + 1):
        table = [[gov, n_gov - gov], [ngo, n_ngo - ngo], [x, n_other - x]]
        stat = chi2_statistic(table)
        overall = 100 * (gov + ngo + x) / total
        ok_overall = abs(overall - total_pct) <= OVERALL_SHARE_TOLERANCE
        ok_stat = abs(stat / chi2 - 1) <= STATISTIC_SHARE_TOLERANCE
        rank = (not (ok_overall and ok_stat), not ok_stat, abs(stat / chi2 - 1))
        if best is None or rank < best[0]:
            best = (rank, x, overall)
    (_, miss_stat, _), x, overall = best
    if miss_stat:
        raise ConflictReadError(f"{what}: X2(2) = {chi2:g} unreachable with the published shares")
    conflict = ""
    if abs(overall - total_pct) > OVERALL_SHARE_TOLERANCE:
        conflict = (
            f"{what}: the government and NGO shares with X2(2) = {chi2:g} need 'Other' "
            f"organisations at {x}/{n_other}, giving an overall share of {overall:.1f}% "
            f"instead of the published {total_pct:g}%; we keep the shares by type and the test"
        )
    return {"Government": gov, "NGO": ngo, "Other": x}, conflict


def published_conflicts(reference: pd.DataFrame) -> dict[str, str]:
    """Every figure of ``reference`` that contradicts other published figures, with why.

    Only figures present in ``reference`` are listed (a table without the services rows has
    no services conflict to decide); a figure present whose partners are missing raises
    :class:`ConflictReadError` naming the missing one.
    """
    pub = _Figures(reference)
    conflicts: dict[str, str] = {}
    for _, key in SERVICES_BY_ORG_TYPE:
        ref_id = f"services.{key}.pct"
        if ref_id in pub:
            _, conflict = service_offered_by_org_type(reference, key)
            if conflict:
                conflicts[ref_id] = conflict
    for ref_id, source in SAME_REASON.items():
        if ref_id in pub or source in pub:
            conflicts[source] = conflicts[ref_id] = STATED_CONFLICTS[source]
    for ref_id, reason in STATED_CONFLICTS.items():
        if ref_id in pub:
            conflicts.setdefault(ref_id, reason)
    return {k: v for k, v in conflicts.items() if k in pub}
