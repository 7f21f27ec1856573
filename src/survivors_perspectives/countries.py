"""The study's countries: names as the report writes them, slugs for files and make targets.

The list of chapters comes from the data, not from this module. ``COUNTRIES`` is the study
design, used to check names and to order pages; a dataset holding another country (a
follow-up study, say) declares it when run, ``make book DATA=... EXTRA_COUNTRIES="Kenya"``, and
gets a chapter for it without code changes. Declaring, rather than accepting any name, keeps
the check that catches a misspelt study country.

``python -m survivors_perspectives.countries --makefile SURVEY.csv`` prints the make include
file that names one country chapter per country found in the survey.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shlex
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

#: The six study countries, spelled as in the report, in the report's alphabetical order.
COUNTRIES: tuple[str, ...] = (
    "Albania",
    "Bosnia and Herzegovina",
    "Colombia",
    "Mexico",
    "Moldova",
    "Peru",
)


#: The environment variable (set by ``make EXTRA_COUNTRIES=...``) naming countries outside the
#: study that a dataset may hold, separated by commas.
EXTRA_COUNTRIES_VARIABLE = "SURVIVORS_PERSPECTIVES_EXTRA_COUNTRIES"


#: What a country's name may hold: letters of any script, then letters, spaces, hyphens,
#: apostrophes and full stops ("Côte d'Ivoire", "St. Lucia"). A name is shown on pages, in
#: tables, links and file names; anything else (``<``, quotes, ``$``, backticks) is refused
#: rather than trusted to every place that shows it.
_COUNTRY_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '.-])*")
MAX_COUNTRY_NAME = 60


def country_name_problem(name: str) -> str | None:
    """Return why ``name`` cannot be a country's name, in words, or ``None`` when it can."""
    if len(name) > MAX_COUNTRY_NAME:
        return f"expected a country name of at most {MAX_COUNTRY_NAME} characters, found {name!r}"
    if not _COUNTRY_NAME.fullmatch(name):
        return (
            "expected a country name of letters, spaces, hyphens, apostrophes and full stops, "
            f"starting with a letter, found {name!r}"
        )
    return None


def parse_declared_countries(text: str) -> tuple[str, ...]:
    """Return the countries declared in ``text`` (comma-separated), outside the study's six.

    Raises
    ------
    UnknownCountryError
        Naming every declared name that is not a plausible country name.
    """
    names = dict.fromkeys(n.strip() for n in text.split(",") if n.strip())
    problems = [p for p in map(country_name_problem, names) if p]
    if problems:
        raise UnknownCountryError("; ".join(problems))
    return tuple(n for n in names if n not in COUNTRIES)


def declared_country_problems() -> list[str]:
    """Return one problem per declared country name that is refused (see ``EXTRA_COUNTRIES``)."""
    names = (n.strip() for n in os.environ.get(EXTRA_COUNTRIES_VARIABLE, "").split(","))
    return [
        f"EXTRA_COUNTRIES: {problem}"
        for problem in map(country_name_problem, dict.fromkeys(n for n in names if n))
        if problem
    ]


def extra_countries() -> tuple[str, ...]:
    """Return the declared countries outside the study design, in the order given.

    A refused name (see :func:`country_name_problem`) is left out, so a survey holding it
    fails validation; ``validate`` lists the refusal itself too.
    """
    names = (n.strip() for n in os.environ.get(EXTRA_COUNTRIES_VARIABLE, "").split(","))
    return tuple(
        dict.fromkeys(
            n for n in names if n and n not in COUNTRIES and country_name_problem(n) is None
        )
    )


def allowed_countries() -> tuple[str, ...]:
    """Return the countries a survey may hold: the six of the study, then any declared ones."""
    return COUNTRIES + extra_countries()


class UnknownCountryError(ValueError):
    """A country name that is not among the valid ones."""


def slugify(name: str) -> str:
    """Return a lower-case, file-name-safe slug: ``Peru`` -> ``peru``, spaces -> hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise UnknownCountryError(f"country name {name!r} gives an empty slug")
    return slug


def check_country(name: str, valid: Iterable[str] = COUNTRIES) -> str:
    """Return ``name`` if it is one of ``valid``; otherwise raise, listing the valid names."""
    valid = list(valid)
    if name not in valid:
        raise UnknownCountryError(f"unknown country {name!r}; expected one of: {', '.join(valid)}")
    return name


def countries_in_csv(path: Path | str, column: str = "country") -> list[str]:
    """Return the distinct countries of a survey CSV, study countries first in report order.

    Reads only the one column with the standard library, so make can ask cheaply.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise UnknownCountryError(f"{path}: no column {column!r} (found {reader.fieldnames})")
        found = {row[column].strip() for row in reader if row[column] and row[column].strip()}
    known = [name for name in COUNTRIES if name in found]
    return known + sorted(found - set(COUNTRIES))


def makefile_include(countries: Sequence[str]) -> str:
    """Return make variable definitions for the country chapters."""
    slugs = [slugify(name) for name in countries]
    if len(set(slugs)) != len(slugs):
        raise UnknownCountryError(f"two countries share a slug: {countries}")
    lines = [
        "# Generated by survivors_perspectives.countries from the survey data; do not edit.",
        f"COUNTRY_SLUGS := {' '.join(slugs)}",
    ]
    # Each name as one shell word, with make's `$` doubled: it is pasted into recipes.
    lines += [
        f"COUNTRY_NAME_{slug} := {shlex.quote(name).replace('$', '$$')}"
        for slug, name in zip(slugs, countries, strict=True)
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the make include file (``--makefile``) or the country list for a survey CSV."""
    parser = argparse.ArgumentParser(description="List the countries of a survey CSV.")
    parser.add_argument("survey", type=Path)
    parser.add_argument("--makefile", action="store_true", help="print make variables")
    args = parser.parse_args(argv)
    try:
        countries = countries_in_csv(args.survey)
    except (OSError, UnicodeDecodeError, UnknownCountryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not countries:
        print(f"error: {args.survey}: no country values found", file=sys.stderr)
        return 1
    print(makefile_include(countries) if args.makefile else "\n".join(countries), end="")
    if not args.makefile:
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
