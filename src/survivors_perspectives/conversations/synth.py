"""Generate the synthetic survivor-conversations file from declared targets.

The targets are the published figures (``data/reference/published_conversations.csv`` read
through the specs in :mod:`.measures`) and, where the report gives no count, the documented
assumptions in :mod:`.assumptions`. Nothing is typed in here: change a published value or an
assumption and the data follow. After generating, the module validates the result against
the schema and checks that every published figure is reproduced (apart from the figures the
report itself contradicts, which are marked in the reference table); otherwise it stops.

Every record is synthetic: ids are ``SYN-C01``... for participants and ``SYN-D01``... for
declined invitations (never the report's participant numbering), and ``record_type`` says
``synthetic`` on every row. No words of any survivor are stored; only themes.

Command line::

    python -m survivors_perspectives.conversations.synth --seed SEED --out data/synthetic
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from survivors_perspectives import paths
from survivors_perspectives.conversations import schema
from survivors_perspectives.conversations.assumptions import ASSUMED_COUNTS, GROUP_FACTS
from survivors_perspectives.conversations.measures import (
    PUBLISHED_CONVERSATIONS,
    Count,
    published_figures,
    reproduction,
)

DEFAULT_SEED = 20220726  # the Makefile's SEED, so `make data` and the default agree
OUTPUT_NAME = "survivor_conversations.csv"
_FEMALE, _MALE = "female", "male"


class GenerationError(ValueError):
    """Targets that cannot all be met, named with the conflict."""


@dataclass
class _Targets:
    """The published targets, sorted by what they constrain."""

    sizes: dict[str, int]
    gender: dict[tuple[str, str], int]
    coded: dict[tuple[str, object, str, str | None], int]
    declined: dict[tuple[str, str], int]
    figures: dict[str, float]


def _collect_targets(path: Path | str) -> _Targets:
    """Sort the published figures into targets the generator can act on."""
    targets = _Targets({}, {}, {}, {}, {})
    for figure in published_figures(path):
        targets.figures[figure.figure_id] = figure.value
        spec = figure.spec
        if not isinstance(spec, Count) or spec.country is None or spec.targeted_between:
            continue
        count = int(figure.value)
        if spec.status == "declined":
            targets.declined[(spec.country, str(spec.value))] = count
        elif spec.column is None and spec.gender is None:
            targets.sizes[spec.country] = count
        elif spec.column is None:
            targets.gender[(spec.country, spec.gender)] = count
        else:
            targets.coded[(spec.column, spec.value, spec.country, spec.gender)] = count
    return targets


def _pick(rng: np.random.Generator, candidates: list[int], k: int, what: str) -> list[int]:
    """Choose ``k`` of ``candidates`` at random, or stop naming the target."""
    if k < 0 or k > len(candidates):
        raise GenerationError(f"target {what}: needs {k} people but {len(candidates)} are eligible")
    order = rng.permutation(len(candidates))[:k]
    return sorted(candidates[i] for i in order)


def _people(targets: _Targets, rng: np.random.Generator) -> pd.DataFrame:
    """Create the participants per country with their gender."""
    rows = []
    for country in schema.STUDY_COUNTRIES:
        size = targets.sizes.get(country)
        if size is None:
            raise GenerationError(f"target participants in {country}: no published count")
        men = targets.gender.get((country, _MALE))
        women = targets.gender.get((country, _FEMALE))
        if men is None:
            men = size - women if women is not None else 0
        if women is not None and women + men != size:
            raise GenerationError(
                f"targets for {country}: {women} women + {men} men != {size} participants"
            )
        genders = np.array([_FEMALE] * (size - men) + [_MALE] * men)[rng.permutation(size)]
        rows += [{"country": country, "gender": str(g)} for g in genders]
    people = pd.DataFrame(rows)
    people.insert(0, "participant_id", [f"SYN-C{i + 1:02d}" for i in range(len(people))])
    return people


def _ages(people: pd.DataFrame, targets: _Targets, rng: np.random.Generator) -> None:
    """Draw ages within the published ranges, hitting the published extremes."""
    figures = targets.figures
    low, high = int(figures["conversations.age.min"]), int(figures["conversations.age.max"])
    ages = rng.integers(low, high + 1, size=len(people))
    ends = rng.permutation(len(people))[:2]
    ages[ends[0]], ages[ends[1]] = low, high
    people["age_at_conversation"] = ages

    # Women: the report's general range; men: the range it gives for the young men.
    women_low = int(figures["conversations.age_targeted.min"])
    top = int(figures["conversations.age_targeted.max"])
    men_low, men_high = _spec_range("conversations.age_targeted.14_17.men.count")
    is_man = (people["gender"] == _MALE).to_numpy()
    targeted = np.where(
        is_man,
        rng.integers(men_low, men_high + 1, size=len(people)),
        rng.integers(women_low, top + 1, size=len(people)),
    )
    targeted[int(rng.integers(len(people)))] = top
    # The specific account: women in Mexico first targeted before 12, at the published age.
    youngest = int(figures["conversations.age_targeted.youngest.mexico"])
    under = int(figures["conversations.age_targeted.under_12.women.count.mexico"])
    mexican_women = people.index[(people["country"] == "Mexico") & ~is_man].tolist()
    chosen = _pick(rng, mexican_women, under, "young women in Mexico first targeted under 12")
    targeted[chosen] = youngest
    if top not in targeted:
        others = [i for i in range(len(people)) if i not in chosen]
        targeted[others[int(rng.integers(len(others)))]] = top
    people["age_first_targeted"] = targeted


def _spec_range(figure_id: str) -> tuple[int, int]:
    """Return the inclusive age range a published count is about."""
    from survivors_perspectives.conversations.measures import MEASURE_SPECS

    spec = MEASURE_SPECS[figure_id]
    assert isinstance(spec, Count) and spec.targeted_between is not None
    return spec.targeted_between


def _arrangements(people: pd.DataFrame, targets: _Targets, rng: np.random.Generator) -> None:
    """Set format, mode, pre-meeting and venue from the targets and the assumptions."""
    total = len(people)
    one_on_one = int(targets.figures["conversations.format.one_on_one.count"])
    if one_on_one != total:
        raise GenerationError(
            f"target one-on-one conversations: {one_on_one} of {total}; "
            "small groups are not modelled"
        )
    people["conversation_format"] = "one_on_one"
    defaults = {"conversation_mode": "in_person", "pre_meeting": "in_person", "venue": None}
    for column, default in defaults.items():
        values = np.array([default] * total, dtype=object)
        for (target_column, value, country, _gender), count in targets.coded.items():
            if target_column != column:
                continue
            members = people.index[people["country"] == country].tolist()
            values[_pick(rng, members, count, f"{column}={value} in {country}")] = value
        if column == "venue":
            others = [v for v in schema.ALLOWED["venue"] if v != "member_organisation"]
            empty = [i for i in range(total) if values[i] is None]
            values[empty] = rng.choice(others, size=len(empty))
        people[column] = values
    hybrid = int(targets.figures["conversations.mode.hybrid.count"])
    if int((people["conversation_mode"] == "hybrid").sum()) != hybrid:
        raise GenerationError("target hybrid conversations: country targets do not add up")


def _plan(themes: list[str]) -> list[tuple[str, ...]]:
    """Order the coding steps: exclusive groups and plain themes, then nested children."""
    grouped = {m for members in schema.EXCLUSIVE_GROUPS.values() for m in members}
    nested = set(schema.NESTED_THEMES)
    derived = set(schema.DERIVED_THEMES)
    steps: list[tuple[str, ...]] = [
        members for members in schema.EXCLUSIVE_GROUPS.values() if set(members) <= set(themes)
    ]
    steps += [(t,) for t in themes if t not in grouped | nested | derived]
    depth = {}
    for child in nested:
        level, parent = 1, schema.NESTED_THEMES[child]
        while parent in schema.NESTED_THEMES:
            level, parent = level + 1, schema.NESTED_THEMES[parent]
        depth[child] = level
    steps += [(t,) for t in sorted(nested & set(themes), key=lambda t: (depth[t], t))]
    return steps


def _target_for(targets: _Targets, theme: str, country: str) -> tuple[int, dict[str, int]]:
    """Return (total, per-gender) targets for one theme in one country."""
    by_gender = {
        gender: count
        for (column, _value, place, gender), count in targets.coded.items()
        if column == theme and place == country and gender is not None
    }
    total = targets.coded.get((theme, 1, country, None))
    if total is None and by_gender:
        total = sum(by_gender.values())
    if total is None:
        assumption = ASSUMED_COUNTS.get(theme)
        total = assumption.counts.get(country, 0) if assumption else 0
    fact = next((f for f in GROUP_FACTS if f.theme == theme and f.country == country), None)
    if fact is not None and not by_gender:
        by_gender = {fact.gender: total}
    elif fact is not None and set(by_gender) != {fact.gender}:
        raise GenerationError(
            f"group fact for {theme} in {country} ({fact.gender}) contradicts the published "
            f"counts by gender {dict(sorted(by_gender.items()))}"
        )
    return total, by_gender


def _code_themes(
    people: pd.DataFrame, themes: list[str], targets: _Targets, rng: np.random.Generator
) -> None:
    """Code every theme and arrangement flag, 0/1 per participant, meeting the targets."""
    flags = [*schema.ARRANGEMENT_FLAGS, *themes]
    for column in flags:
        people[column] = 0
    gender_of = people["gender"].to_dict()
    for step in _plan(flags):
        for country in schema.STUDY_COUNTRIES:
            used: set[int] = set()
            in_country = people["country"] == country
            pool = people.index[in_country]
            parent = schema.NESTED_THEMES.get(step[0])
            if parent is not None:
                if parent in schema.DERIVED_THEMES:
                    _derive(people, parent)
                pool = people.index[in_country & (people[parent] == 1)]
            # Gender-specific targets of the whole step first, so a theme without one cannot
            # use up the people another theme of the same exclusive group needs.
            wanted = {theme: _target_for(targets, theme, country) for theme in step}
            chosen: dict[str, list[int]] = {theme: [] for theme in step}
            for theme, (total, by_gender) in wanted.items():
                if sum(by_gender.values()) > total:
                    raise GenerationError(
                        f"targets for {theme} in {country} contradict each other: by gender "
                        f"{dict(sorted(by_gender.items()))} add up to more than the total {total}"
                    )
                for gender, count in sorted(by_gender.items()):
                    candidates = [i for i in pool if gender_of[i] == gender and i not in used]
                    picked = _pick(rng, candidates, count, f"{theme} ({gender}) in {country}")
                    chosen[theme] += picked
                    used.update(picked)
            for theme, (total, _by_gender) in wanted.items():
                rest = [i for i in pool if i not in used]
                picked = _pick(rng, rest, total - len(chosen[theme]), f"{theme} in {country}")
                chosen[theme] += picked
                used.update(picked)
                people.loc[chosen[theme], theme] = 1
    for derived in schema.DERIVED_THEMES:
        if derived in themes:
            _derive(people, derived)


def _derive(people: pd.DataFrame, derived: str) -> None:
    """Set a derived theme to 1 where any of its member themes is 1."""
    members = list(schema.DERIVED_THEMES[derived])
    people[derived] = (people[members].sum(axis=1) > 0).astype(int)


def _declined(targets: _Targets) -> pd.DataFrame:
    """List the invitees who declined, as many per reason as the report counts."""
    rows = []
    for (country, reason), count in sorted(targets.declined.items()):
        rows += [{"country": country, "gender": _FEMALE, "decline_reason": reason}] * count
    frame = pd.DataFrame(rows, columns=["country", "gender", "decline_reason"])
    frame.insert(0, "participant_id", [f"SYN-D{i + 1:02d}" for i in range(len(frame))])
    return frame


def generate(
    seed: int = DEFAULT_SEED,
    published_path: Path | str = PUBLISHED_CONVERSATIONS,
    codebook_path: Path | str = schema.CODEBOOK,
) -> pd.DataFrame:
    """Return a synthetic conversations frame that meets every published target.

    Parameters
    ----------
    seed
        Seed for ``numpy.random.default_rng``; the same seed gives the same frame.
    published_path, codebook_path
        The reference table and codebook to follow.

    Raises
    ------
    GenerationError
        When targets contradict each other or a published figure is not reproduced.
    """
    rng = np.random.default_rng(seed)
    codebook = schema.load_codebook(codebook_path)
    themes = schema.theme_columns(codebook)
    targets = _collect_targets(published_path)
    people = _people(targets, rng)
    _ages(people, targets, rng)
    _arrangements(people, targets, rng)
    _code_themes(people, themes, targets, rng)
    people["record_type"] = "synthetic"
    people["status"] = "participant"
    declined = _declined(targets)
    declined["record_type"] = "synthetic"
    declined["status"] = "declined"
    frame = pd.concat([people, declined], ignore_index=True)
    frame = frame.reindex(columns=[*schema.BASE_COLUMNS, *themes])
    typed = schema.validate_conversations(_as_text_cells(frame), codebook, "<generated>")
    check = reproduction(typed, published_path)
    missed = check[~check["reproduced"] & ~check["documented_conflict"]]
    if not missed.empty:
        raise GenerationError(f"published figures not reproduced:\n{missed.to_string(index=False)}")
    return typed


def _as_text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Render a frame as the text cells a CSV reader would see."""
    from io import StringIO

    return pd.read_csv(StringIO(to_csv_text(frame)), dtype=str, keep_default_na=False)


def to_csv_text(frame: pd.DataFrame) -> str:
    """Serialise a conversations frame the same way every time (integers, empty for missing)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("Int64")
    return out.to_csv(index=False, lineterminator="\n")


def write(frame: pd.DataFrame, out_dir: Path | str) -> Path:
    """Write the frame as ``survivor_conversations.csv`` in ``out_dir`` and return the path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAME
    target.write_text(to_csv_text(frame), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: generate and write the synthetic conversations file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=paths.SYNTHETIC)
    parser.add_argument("--published", type=Path, default=PUBLISHED_CONVERSATIONS)
    parser.add_argument("--codebook", type=Path, default=schema.CODEBOOK)
    args = parser.parse_args(argv)
    try:
        frame = generate(args.seed, args.published, args.codebook)
    except (GenerationError, schema.ConversationsError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    target = write(frame, args.out)
    n = int((frame["status"] == "participant").sum())
    print(f"wrote {target} ({n} synthetic participants, {len(frame) - n} declined invitations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
