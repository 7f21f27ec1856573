"""How validation errors list problems: every one, up to a limit, then a count of the rest.

Shared by the survey and conversations validators, so that both files' messages read alike.
"""

from __future__ import annotations

#: Problems listed in one message; a file wrong in every row would otherwise print thousands.
MAX_LISTED = 50


def capped(lines: list[str], limit: int = MAX_LISTED) -> list[str]:
    """Return the first ``limit`` lines, then one saying how many were left out."""
    more = len(lines) - limit
    return [*lines[:limit], f"... and {more} more problems"] if more > 0 else list(lines)
