"""Time the study-wide partner plan of the profile tables and say what it costs in cells.

Every kernel that shows a country's profile (six chapters, the overview, the course's
compositions) computes the plan once. Prints the median over repeats, the cells the plan
hides beyond the chapters' own suppression, and the hidden profile cells and the people in
them over the six chapters without and with the plan. Run:
``.venv/bin/python benchmarks/bench_plan.py [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from survivors_perspectives import paths
from survivors_perspectives.disclosure import plan
from survivors_perspectives.pages import country_chapter
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.survey import load_survey


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        country_chapter._PLANS.clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def hidden(frame, reference, partners) -> tuple[int, int]:
    """Hidden profile cells over the six chapters, and the people they count."""
    cells = people = 0
    for country in country_chapter.countries_of(frame):
        table = country_chapter.respondents(frame, country, reference, partners).tables[0]
        rows = frame[frame["country"] == country]
        for (block, category), is_hidden in table.hidden[f"{country} (n)"].items():
            if category != "Total" and is_hidden:
                cells += 1
                people += int((rows[country_chapter.PROFILE[block]] == category).sum())
    return cells, people


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    frame, reference = load_survey(paths.SURVEY), load_reference()
    seconds = median_seconds(lambda: country_chapter.profile_plan(frame, reference), args.repeats)
    partners = country_chapter.profile_plan(frame, reference)
    print(f"plan of the six profile questions: {seconds:.2f} s (median of {args.repeats})")
    print(f"cells the plan adds: {partners.cost}; unprotected: {len(partners.unprotected)}")
    for (line, group), cells in sorted(partners.added.items()):
        print(f"  {group}, {line}: {', '.join(sorted(cells))}")
    for name, chosen in (("chapters alone", plan.NO_PLAN), ("with the plan", partners)):
        cells, people = hidden(frame, reference, chosen)
        print(f"{name}: {cells} hidden profile cells counting {people} people")


if __name__ == "__main__":
    main()
