"""Rules with one home: slugs from countries.slugify, small counts from the disclosure policy."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from survivors_perspectives.countries import COUNTRIES, slugify
from survivors_perspectives.disclosure import policy
from survivors_perspectives.twin import risk

SRC = Path(__file__).resolve().parents[1] / "src" / "survivors_perspectives"


def _lines(pattern: str) -> list[str]:
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                hits.append(f"{path.relative_to(SRC).as_posix()}:{number}")
    return hits


def test_one_slug_function():
    assert [hit.split(":")[0] for hit in _lines(r"^def\s+_?slug(ify)?\s*\(")] == ["countries.py"]
    assert _lines(r"\.lower\(\)\.replace\(\" \", \"-\"\)") == []


def test_reference_ids_use_the_one_slug():
    assert slugify("Bosnia and Herzegovina") == "bosnia-and-herzegovina"
    assert [slugify(c) for c in COUNTRIES] == [c.lower().replace(" ", "-") for c in COUNTRIES]


def test_the_twin_has_no_small_count_rule_of_its_own():
    assert _lines(r"^\s*RARE\s*=") == []


def _frame(groups: dict[str, int]) -> pd.DataFrame:
    rows = []
    for country, size in groups.items():
        rows += [
            {
                "country": country,
                "gender": "Female",
                "age_band": "31-40",
                "organisation_type": "NGO",
                "location": "Urban",
            }
        ] * size
    return pd.DataFrame(rows)


def test_rare_combinations_follow_the_disclosure_policy(monkeypatch):
    real = _frame({"Peru": 1, "Mexico": 4, "Albania": 5, "Moldova": 3})
    twin = _frame({"Peru": 2, "Mexico": 1, "Albania": 1})
    # 1 to 4 people: Peru, Mexico and Moldova; the twin shows Peru (2 records) and Mexico (1)
    assert risk.rare_combinations(twin, real) == (3, 2, 3)
    monkeypatch.setattr(policy, "SMALL_MAX", 3)
    assert risk.rare_combinations(twin, real) == (2, 1, 2)
