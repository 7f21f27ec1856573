"""A releasable synthetic twin of the real data, with its utility and disclosure risk measured.

Inside the secure room, ``make twin DATA=... CONVERSATIONS_DATA=...`` fits a twin to the
real files (``synthesise``), measures how useful it is (``utility``: the whole analysis run on
both, plus the propensity-score mean squared error) and how much it could disclose (``risk``:
record matches, distance to the closest record against a held-out part, identity and
attribute disclosure from quasi-identifiers, singling out and linkability), and writes it to
the release folder only if every measure passes the thresholds declared in ``gate``
(``release``). ``standin`` builds the stand-in "real" data the tests and the benchmark use.
"""
