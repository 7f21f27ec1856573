"""Disclosure control as a property of the whole book.

- :mod:`.policy`: the rule (threshold, exemptions, shares, zeros, complements) and why
  suppression was chosen over rounding or perturbation.
- :mod:`.suppression`: primary and secondary suppression of one table, checked by interval.
- :mod:`.ledger`: what every page shows about which people, recorded during the build.
- :mod:`.attack`: the interval an attacker can infer, by linear programming (HiGHS).
- :mod:`.audit`: the whole book's ledger audited before the new book replaces the old.
"""
