"""The grammar of generated sentences: plurals, lists and shares that may be withheld.

Every chapter writes sentences from data, and the data decide whether a count is one or
many, zero or missing, and whether a share may be shown at all. Written inline, each template
gets one of those cases wrong sooner or later ("1 young men", "None would change a
conclusion, 5 might", "shelter for a share withheld to protect respondents and a share
withheld to protect respondents"). The rules live here, once:

- a count agrees with its noun (:func:`plural`), and zero reads "no";
- a withheld share is never named as if it were a value: the sentence states the shares it
  may show and then says, in words, which ones are withheld (:func:`shares`, :func:`share_or`);
- a summary that counts kinds of outcome says each count in a form that fits its place at
  the start of a sentence or inside one (:func:`count_phrase`).

What is withheld is decided elsewhere (``tables`` and the sections' guarded shares); this
module only says it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Why a share is not shown, said once at the end of the clause that withholds it.
WITHHELD_REASON = "to protect respondents"


def is_withheld(value: object) -> bool:
    """Return True for a share that must not be shown (NaN or None)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def capitalise(text: str) -> str:
    """Give a sentence its capital letter (leaves "58%" and "NGO" alone)."""
    return text[:1].upper() + text[1:]


def join(items: Sequence[str], conjunction: str = "and") -> str:
    """Return ``"a"``, ``"a and b"`` or ``"a, b and c"``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def plural(count: int, one: str, many: str | None = None, *, zero: str = "no") -> str:
    """Return a count with its noun in agreement: ``"1 young man"``, ``"no tests"``.

    ``many`` defaults to ``one + "s"``; give it for irregular nouns (``"young men"``).
    """
    noun = one if count == 1 else (many or f"{one}s")
    return f"{zero if count == 0 else count} {noun}"


def count_phrase(count: int, *, start: bool = False) -> str:
    """Say a count that opens a clause: ``"none"`` for zero (``"None"`` at a sentence start)."""
    if count == 0:
        return "None" if start else "none"
    return str(count)


def percent(value: float, decimals: int = 0) -> str:
    """Return a shown share as ``"58%"``."""
    return f"{float(value):.{decimals}f}%"


def share_or(value: float, shown: str, withheld: str, decimals: int = 0) -> str:
    """Return ``shown`` with the share filled in, or ``withheld`` when it may not be shown.

    ``shown`` holds ``{}`` where the share goes (``"women made up {} of them"``);
    ``withheld`` is the whole clause to say instead (``"the share of women is withheld"``),
    to which :data:`WITHHELD_REASON` is added.
    """
    if is_withheld(value):
        return f"{withheld} {WITHHELD_REASON}"
    return shown.format(percent(value, decimals))


def shares(
    lead: str,
    items: Sequence[tuple[float, str] | tuple[float, str, str]],
    *,
    subject: str,
    decimals: int = 0,
) -> str:
    """Return a clause stating shares for several groups, saying in words which are withheld.

    Parameters
    ----------
    lead
        The words before the shares, e.g. ``"shelter came first for"``.
    items
        ``(share, who)`` pairs, e.g. ``(12.0, "about boys")``, or ``(share, who, hidden)``
        where ``hidden`` is how to name the group after "the share" when it is withheld (by
        default ``who``); a NaN share is withheld.
    subject
        What the shares are of, for the clause said when every one is withheld, e.g.
        ``"naming shelter"`` -> "the shares naming shelter are withheld ..."; empty when the
        groups' withheld names say it on their own.

    Examples
    --------
    ``"shelter came first for 12% about boys and 9% about girls"``;
    ``"shelter came first for 9% about girls, while the share about boys is withheld to
    protect respondents"``; ``"the shares naming shelter, about boys and about girls, are
    withheld to protect respondents"``.
    """
    full = [(item[0], item[1], item[2] if len(item) > 2 else item[1]) for item in items]
    shown = [f"{percent(v, decimals)} {who}".rstrip() for v, who, _ in full if not is_withheld(v)]
    hidden = [name for v, _, name in full if is_withheld(v)]
    if not shown:
        groups = join([w for w in hidden if w])
        noun = "shares" if len(full) > 1 else "share"
        verb = "are" if len(full) > 1 else "is"
        if not subject:  # the groups' own names say what the shares are of
            return f"the {noun} {groups} {verb} withheld {WITHHELD_REASON}"
        which = f", {groups}," if groups and len(full) > 1 else (f" {groups}" if groups else "")
        return f"the {noun} {subject}{which} {verb} withheld {WITHHELD_REASON}"
    text = f"{lead} {join(shown)}".strip()
    if hidden:
        noun = "share" if len(hidden) == 1 else "shares"
        verb = "is" if len(hidden) == 1 else "are"
        text += f", while the {noun} {join(hidden)} {verb} withheld {WITHHELD_REASON}"
    return text
