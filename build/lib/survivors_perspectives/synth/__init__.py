"""The synthetic frontline-worker survey: declared targets in, calibrated respondents out.

``spec`` declares the targets (from the published reference table) and the assumptions,
``allocate`` and ``raking`` turn them into exact integer tables, ``sliders`` draws slider
answers, ``generate`` assigns everything to respondents with a seeded numpy Generator, and
``write`` saves the CSV and its data package. ``python -m survivors_perspectives.synth``
runs it all.
"""

from .generate import DEFAULT_SEED, generate
from .spec import SpecError, assumptions_table, build_spec, conflicts_table

__all__ = [
    "DEFAULT_SEED",
    "SpecError",
    "assumptions_table",
    "build_spec",
    "conflicts_table",
    "generate",
]
