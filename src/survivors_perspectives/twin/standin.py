"""A stand-in for the real data, with structure planted on purpose, to test the twin without them.

The real files never leave the secure room, so the twin is tested on a second synthetic
dataset that plays their part: the generator's survey for another seed, relabelled as a
stand-in (ids ``STD-``, never ``SYN-``, so the twin treats it as data to be twinned), with
three things the shipped generator never puts there, each one a property a good twin must
keep or must not keep:

- a strong unpublished dependence: the barrier "children blame themselves" follows the belief
  "victims are blamed" for 90% of workers (the generator draws the two independently);
- a country effect nobody published: 85% of workers in Moldova say their organisation runs a
  helpline, 15% elsewhere;
- a handful of unique records: one worker per country (five countries) with a profile no one
  else has (gender "Other", over 50, government, rural) and extreme answers, the kind of
  person a twin must not reproduce.

Nothing here is real and nothing is used outside tests, the benchmark and the demonstration of
the method; the conversations stand-in is the conversations generator's output for the same
other seed, still labelled synthetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from survivors_perspectives.survey.schema import COLUMN_BY_NAME, dtype_of

#: Seed of the stand-in (distinct from the shipped data's and the twin's default).
STANDIN_SEED = 7
#: Id prefix of stand-in respondents: not ``SYN-``, so the twin accepts them as "real".
STANDIN_PREFIX = "STD-"
#: The planted dependence: (column copied, column it follows, share that agrees).
PLANTED_DEPENDENCE = ("barrier_self_blame", "belief_victim_blaming", 0.9)
#: The planted country effect: (column, country, share there, share elsewhere).
PLANTED_COUNTRY_EFFECT = ("service_helpline", "Moldova", 0.85, 0.15)
#: The planted unique profile (quasi-identifiers) and the countries that get one such worker.
UNIQUE_PROFILE = {
    "gender": "Other",
    "age_band": "Over 50",
    "organisation_type": "Government",
    "location": "Rural",
}
UNIQUE_COUNTRIES = ("Albania", "Colombia", "Mexico", "Moldova", "Peru")


def _set(frame: pd.DataFrame, name: str, mask: np.ndarray, values) -> None:
    column = frame[name].astype(object).to_numpy().copy()
    column[mask] = values if np.ndim(values) == 0 else np.asarray(values, dtype=object)[mask]
    frame[name] = pd.Series(column, index=frame.index).astype(dtype_of(COLUMN_BY_NAME[name]))


def standin_survey(seed: int = STANDIN_SEED, scale: int = 1) -> pd.DataFrame:
    """Return the stand-in survey: the generator's data for ``seed`` with the planted structure.

    Returns
    -------
    DataFrame
        A typed survey frame that passes the survey schema, ids ``STD-0001``...; the unique
        records are the first worker of each country in ``UNIQUE_COUNTRIES``.
    """
    from survivors_perspectives.synth import generate

    frame = generate(seed=seed, scale=scale).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    n = len(frame)
    copied, source, agree = PLANTED_DEPENDENCE
    keep = rng.random(n) < agree
    follows = frame[source].astype(bool).to_numpy()
    _set(frame, copied, np.ones(n, dtype=bool), np.where(keep, follows, ~follows))
    column, country, there, elsewhere = PLANTED_COUNTRY_EFFECT
    share = np.where(frame["country"].astype(str).to_numpy() == country, there, elsewhere)
    _set(frame, column, np.ones(n, dtype=bool), rng.random(n) < share)
    for place in UNIQUE_COUNTRIES:
        first = np.zeros(n, dtype=bool)
        first[int(np.flatnonzero(frame["country"].astype(str).to_numpy() == place)[0])] = True
        for name, value in UNIQUE_PROFILE.items():
            _set(frame, name, first, value)
        _set(frame, "caseload_exploitation_pct", first, 100)
        _set(frame, "education", first, "No tertiary degree")
        _set(frame, "experience", first, "Over 20 years")
    frame["respondent_id"] = pd.Series(
        [f"{STANDIN_PREFIX}{i:04d}" for i in range(1, n + 1)], dtype=frame["respondent_id"].dtype
    )
    return frame


def unique_rows(frame: pd.DataFrame) -> pd.Index:
    """Return the index of the planted unique records of a stand-in frame."""
    mask = np.ones(len(frame), dtype=bool)
    for name, value in UNIQUE_PROFILE.items():
        mask &= frame[name].astype(str).to_numpy() == value
    return frame.index[mask]


def write_files(
    survey: pd.DataFrame, conversations: pd.DataFrame, out_dir: Path | str
) -> tuple[Path, Path]:
    """Write a survey and a conversations frame as the pipeline reads them; return the paths."""
    from survivors_perspectives.conversations import synth as conversations_synth
    from survivors_perspectives.synth.write import to_text

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    survey_path = out_dir / "standin_survey.csv"
    to_text(survey).to_csv(survey_path, index=False, lineterminator="\n", encoding="utf-8")
    conversations_path = out_dir / "standin_conversations.csv"
    conversations_path.write_text(conversations_synth.to_csv_text(conversations), encoding="utf-8")
    return survey_path, conversations_path


def write_standin(
    out_dir: Path | str, seed: int = STANDIN_SEED, scale: int = 1
) -> tuple[Path, Path]:
    """Write the stand-in survey and conversations files into ``out_dir``; return their paths."""
    from survivors_perspectives.conversations import synth as conversations_synth

    return write_files(standin_survey(seed, scale), conversations_synth.generate(seed), out_dir)
