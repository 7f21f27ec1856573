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
  the start of a sentence or inside one (:func:`count_phrase`);
- a value nobody was asked for (no respondent had online cases with boys) is not withheld:
  it is :data:`NOT_ASKED`, a NaN that knows why, which the list helpers leave out so the
  section says once, in words, who was not asked (:func:`not_asked_sentence`);
- several lists of shares in one sentence say all their withheld shares in one closing
  clause (:func:`share_lists`), never "withheld ... and withheld ..." item by item.

What is withheld is decided elsewhere (``tables`` and the sections' guarded shares); this
module only says it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Why a share is not shown, said once at the end of the clause that withholds it.
WITHHELD_REASON = "to protect respondents"


class _NotAsked(float):
    """A NaN for a value nobody was asked for: it computes as NaN, and says why it is one.

    A float subclass, so plots, tables and arithmetic treat it as any missing value, while
    the sentence helpers tell it from a share withheld to protect respondents.
    """

    def __repr__(self) -> str:
        return "NOT_ASKED"


#: The value of a share or mean that no respondent was asked for (or none answered).
NOT_ASKED = _NotAsked("nan")


def not_asked(value: object) -> bool:
    """Return True for :data:`NOT_ASKED` (not for a withheld NaN)."""
    return isinstance(value, _NotAsked)


def is_withheld(value: object) -> bool:
    """Return True for a share that must not be shown (NaN or None, not :data:`NOT_ASKED`)."""
    if not_asked(value):
        return False
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


def _parallel(whos: Sequence[str]) -> bool:
    """Return True for two or more groups named alike but for the last word.

    ``"with girls"`` and ``"with boys"`` may share one value ("58% with girls and with
    boys"); ``"worked for a government body"`` and ``"for an urban organisation"`` may not,
    nor may single words such as ``"yes"`` and ``"no"``.
    """
    heads = {tuple(who.split()[:-1]) for who in whos}
    return len(whos) > 1 and len(heads) == 1 and heads != {()}


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
    full = [
        (item[0], item[1], item[2] if len(item) > 2 else item[1])
        for item in items
        if not not_asked(item[0])
    ]
    if not full:  # nobody was asked: the caller says so once (not_asked_sentence)
        return ""
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
    values = [v for v, _, _ in full if not is_withheld(v)]
    whos = [who for v, who, _ in full if not is_withheld(v)]
    if _parallel(whos) and len({percent(v, decimals) for v in values}) == 1:
        # "0% of those who supported boys and of those who supported girls"
        shown = [f"{percent(values[0], decimals)} {join(whos)}"]
    text = f"{lead} {join(shown)}".strip()
    if hidden:
        noun = "share" if len(hidden) == 1 else "shares"
        verb = "is" if len(hidden) == 1 else "are"
        text += f", while the {noun} {join(hidden)} {verb} withheld {WITHHELD_REASON}"
    return text


def not_asked_sentence(country: str, groups: Sequence[str], why: str) -> str:
    """Say once that no respondent in ``country`` answered about ``groups`` and why.

    ``why`` completes "no respondent had ...", e.g. ``"online cases with boys"``:
    "No respondent in Peru had online cases with boys, so the questions about boys went
    unanswered." An empty ``groups`` returns "".
    """
    if not groups:
        return ""
    return (
        f"No respondent in {country} had {why}, so the questions about {join(list(groups))} "
        "went unanswered."
    )


def share_lists(
    parts: Sequence[tuple[str, str, Sequence[tuple[float, str]]]],
    *,
    decimals: int = 0,
) -> str:
    """Return several lists of shares as one clause, their withheld shares said once at the end.

    Each part is ``(lead, topic, items)``: ``lead`` opens the shown shares (``"grooming
    had come up for"``), ``topic`` names them when withheld (``"grooming"``) and ``items`` are
    ``(share, who)`` pairs (``(55.0, "with girls")``). Withheld shares of every part are
    gathered into one clause naming them all; :data:`NOT_ASKED` shares are left out (the
    caller says who was not asked). Returns "" when every share is not asked.

    Examples
    --------
    "grooming had come up for 55% with girls; live-streaming for 17% with girls, while the
    shares with boys (grooming and live-streaming) are withheld to protect respondents";
    "the shares about boys and about girls for shelter are withheld to protect respondents".
    """
    said: list[str] = []
    hidden: list[tuple[str, str]] = []  # (topic, who)
    for lead, topic, items in parts:
        kept = [(v, who) for v, who in items if not is_withheld(v) and not not_asked(v)]
        shown = [f"{percent(v, decimals)} {who}".rstrip() for v, who in kept]
        if _parallel([w for _, w in kept]) and len({percent(v, decimals) for v, _ in kept}) == 1:
            shown = [f"{percent(kept[0][0], decimals)} {join([who for _, who in kept])}"]
        hidden += [(topic, who) for v, who in items if is_withheld(v)]
        if shown:
            said.append(f"{lead} {join(shown)}".strip())
    if not hidden:
        return "; ".join(said)
    topics = list(dict.fromkeys(t for t, _ in hidden))
    whos = list(dict.fromkeys(w for _, w in hidden))
    same_topics = len({tuple(t for t, who in hidden if who == w) for w in whos}) == 1
    if len(topics) == 1 or same_topics:
        named = f"{join(whos)} for {join(topics)}"
    else:
        named = join([f"{w} ({join([t for t, who in hidden if who == w])})" for w in whos])
    several = len(hidden) > 1
    clause = (
        f"the {'shares' if several else 'share'} {named} {'are' if several else 'is'} withheld "
        f"{WITHHELD_REASON}"
    )
    if not said:
        return clause
    return "; ".join(said) + f", while {clause}"


def share_clauses(items: Sequence[tuple[float, str, str]], *, joiner: str = "; ") -> str:
    """Return clauses that each state one share, the withheld ones said together at the end.

    Each item is ``(share, shown, hidden)``: ``shown`` is the clause with ``{}`` where the
    share goes (``"{} said the girl was a victim"``), ``hidden`` names the share after "the
    share" when it is withheld (``"saying the girl was a victim"``). Two withheld shares
    read "the shares saying ... and saying ... are withheld to protect respondents", once.
    """
    said = [shown.format(percent(v)) for v, shown, _ in items if not is_withheld(v)]
    hidden = [name for v, _, name in items if is_withheld(v)]
    text = joiner.join(said)
    if hidden:
        several = len(hidden) > 1
        clause = (
            f"the {'shares' if several else 'share'} {join(hidden)} "
            f"{'are' if several else 'is'} withheld {WITHHELD_REASON}"
        )
        text = f"{text}, while {clause}" if text else clause
    return text
