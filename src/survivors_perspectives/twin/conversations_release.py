"""What can be released about the 42 survivor conversations, and the evidence for it.

Nothing fitted to the real conversation records is released. Forty-two young people in five
countries (seven to eleven each) were coded on some seventy themes about what happened to
them, whom they told and how services treated them. On country, gender and the two ages
alone nearly every one of them is unique (``uniqueness``), so any record-level model of the
real file would either copy people or, pooled enough to protect them, keep nothing but the
counts the report already printed. A twin of these records adds risk and no knowledge.

What the release folder holds instead is the conversations generator's output
(``conversations.synth``), made from the published figures only: the same schema, every
record labelled synthetic, every published count reproduced, and no joint structure that
the report did not print. The release page says so, and the assessment still checks that no
released record equals a real one.
"""

from __future__ import annotations

import pandas as pd

from survivors_perspectives.conversations import synth as conversations_synth
from survivors_perspectives.conversations.schema import participants

#: What identifies a young person who took part, for the uniqueness evidence.
CONVERSATION_IDENTIFIERS = ("country", "gender", "age_at_conversation", "age_first_targeted")
#: Columns left out when records are compared: the id and the record's label.
_NOT_COMPARED = ("participant_id", "record_type")

DECISION = (
    "No record-level twin of the conversations is released: the released file is generated "
    "from the report's published figures only, not fitted to the real records."
)


def release_conversations(seed: int) -> pd.DataFrame:
    """Return the conversations file for the release: published figures only, labelled synthetic."""
    return conversations_synth.generate(seed)


def uniqueness(real: pd.DataFrame) -> dict[str, float]:
    """How identifiable the real participants are on ``CONVERSATION_IDENTIFIERS``.

    Returns
    -------
    dict
        ``participants``, ``unique_share`` (share alone in their combination) and
        ``smallest_country`` (fewest participants in a country with any).
    """
    people = participants(real)
    keys = people[list(CONVERSATION_IDENTIFIERS)].astype(str).agg("|".join, axis=1)
    counts = keys.map(keys.value_counts())
    by_country = people["country"].value_counts()
    return {
        "participants": len(people),
        "unique_share": float((counts == 1).mean()) if len(people) else float("nan"),
        "smallest_country": int(by_country.min()) if len(by_country) else 0,
    }


def exact_matches(released: pd.DataFrame, real: pd.DataFrame) -> int:
    """Released participant records equal to a real participant's, every coded column."""
    columns = [c for c in real.columns if c not in _NOT_COMPARED]

    def keys(frame: pd.DataFrame) -> set[str]:
        text = participants(frame)[columns].astype(object).where(lambda x: x.notna(), "")
        return set(text.astype(str).agg("|".join, axis=1))

    return len(keys(released) & keys(real))
