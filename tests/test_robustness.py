"""Robustness runs: per-seed results, the summary, and the cache keyed on the inputs."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from survivors_perspectives import paths, stats
from survivors_perspectives.analyses import robustness

SPECS = [{"id": "fake.answer.by_country.chi2"}, {"id": "fake.score.by_country.anova"}]


def fake_generate(seed: int) -> pd.DataFrame:
    """A tiny survey whose answers depend on the country, more or less strongly by seed."""
    rng = np.random.default_rng(seed)
    country = rng.choice(["A", "B", "C"], 150)
    shift = np.where(country == "A", 0.6, 0.0)
    return pd.DataFrame(
        {
            "country": country,
            "answer": np.where(rng.random(150) < 0.3 + 0.3 * (country == "A"), "yes", "no"),
            "score": rng.normal(shift, 1.0),
        }
    )


def fake_run(frame: pd.DataFrame, spec: dict) -> stats.TestResult:
    if spec["id"].endswith("chi2"):
        return stats.chi2_independence(frame, "answer", "country", small_sample=False)
    return stats.anova_oneway(frame, "score", "country")


def fake_reference() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [s["id"] for s in SPECS],
            "test": ["chi2_independence", "anova_oneway"],
            "statistic": [8.0, 5.0],
            "df": ["2", "2,147"],
            "p_reported": ["0.018", "<0.01"],
        }
    )


def test_replicates_hold_one_row_per_seed_and_test():
    reps = robustness.run_replicates(
        [1, 2, 3], fake_generate, SPECS, fake_run, n_jobs=1, progress=False
    )
    assert len(reps) == 6
    assert list(reps["seed"]) == [1, 1, 2, 2, 3, 3]
    direct = stats.chi2_independence(fake_generate(2), "answer", "country")
    row = reps[(reps.seed == 2) & (reps.id == SPECS[0]["id"])].iloc[0]
    assert row["statistic"] == pytest.approx(direct.statistic)
    assert row["p"] == pytest.approx(direct.p)


def test_parallel_run_equals_serial_run():
    serial = robustness.run_replicates(
        [1, 2, 3, 4], fake_generate, SPECS, fake_run, n_jobs=1, progress=False
    )
    parallel = robustness.run_replicates(
        [1, 2, 3, 4], fake_generate, SPECS, fake_run, n_jobs=2, progress=False
    )
    pd.testing.assert_frame_equal(serial, parallel)


def test_summary_shares_and_percentiles_match_a_direct_computation():
    seeds = robustness.seeds_for(20)
    reps = robustness.run_replicates(
        seeds, fake_generate, SPECS, fake_run, n_jobs=1, progress=False
    )
    summary = robustness.summarise(reps, fake_reference()).set_index("id")
    chi = reps[reps.id == SPECS[0]["id"]]
    assert summary.loc[SPECS[0]["id"], "replicates"] == 20
    assert summary.loc[SPECS[0]["id"], "share_same_conclusion"] == pytest.approx(
        (chi.p < 0.05).mean()
    )
    assert summary.loc[SPECS[0]["id"], "share_close_statistic"] == pytest.approx(
        ((chi.statistic - 8.0).abs() <= 1.6).mean()
    )
    assert summary.loc[SPECS[0]["id"], "statistic_p05"] == pytest.approx(
        np.percentile(chi.statistic, 5)
    )
    assert summary.loc[SPECS[0]["id"], "statistic_median"] == pytest.approx(chi.statistic.median())
    assert bool(summary.loc[SPECS[1]["id"], "published_significant"])


def test_not_significant_published_p_counts_non_significant_replicates():
    reps = pd.DataFrame(
        {
            "seed": [1, 2, 3, 4],
            "id": ["x"] * 4,
            "statistic": [1.0] * 4,
            "df": ["5,407"] * 4,
            "p": [0.2, 0.01, 0.5, 0.07],
            "n": [413] * 4,
        }
    )
    ref = pd.DataFrame(
        {
            "id": ["x"],
            "test": ["anova_oneway"],
            "statistic": [1.978],
            "df": ["5,407"],
            "p_reported": ["0.81"],
        }
    )
    summary = robustness.summarise(reps, ref)
    assert summary.loc[0, "share_same_conclusion"] == pytest.approx(0.75)


def test_unknown_test_id_is_named():
    reps = pd.DataFrame(
        {"seed": [1], "id": ["nope"], "statistic": [1.0], "df": ["1"], "p": [0.5], "n": [10]}
    )
    with pytest.raises(KeyError, match="'nope' is not in the published reference table"):
        robustness.summarise(reps, fake_reference())


def test_cache_is_used_when_the_key_matches_and_redone_when_it_changes(tmp_path):
    calls = []

    def counting_run(frame, spec):
        calls.append(spec["id"])
        return fake_run(frame, spec)

    kwargs = dict(
        generate=fake_generate,
        tests=SPECS,
        run_test=counting_run,
        out_dir=tmp_path,
        n_seeds=3,
        n_jobs=1,
        progress=False,
    )
    first = robustness.robustness(fake_reference(), key="k1", **kwargs)
    assert len(calls) == 6
    assert (tmp_path / "robustness.key").read_text() == "k1\n"
    summary = tmp_path / "robustness.csv"
    os.utime(summary, (1_000_000, 1_000_000))
    again = robustness.robustness(fake_reference(), key="k1", **kwargs)
    assert len(calls) == 6  # nothing recomputed
    assert summary.stat().st_mtime > 1_000_000  # touched, so make sees it as fresh
    pd.testing.assert_frame_equal(first, again)
    robustness.robustness(fake_reference(), key="k2", **kwargs)
    assert len(calls) == 12


def test_outputs_are_byte_identical_across_runs(tmp_path):
    kwargs = dict(
        generate=fake_generate, tests=SPECS, run_test=fake_run, n_seeds=4, n_jobs=1, progress=False
    )
    robustness.robustness(fake_reference(), key="a", out_dir=tmp_path / "a", **kwargs)
    robustness.robustness(fake_reference(), key="a", out_dir=tmp_path / "b", **kwargs)
    for name in ("robustness.csv", "robustness_replicates.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_input_key_changes_with_seeds_and_file_contents(tmp_path):
    source = tmp_path / "gen.py"
    source.write_text("x = 1\n")
    ref = tmp_path / "ref.csv"
    ref.write_text("id\n")
    key = robustness.input_key([1, 2], [ref], [source])
    assert key == robustness.input_key([1, 2], [ref], [source])
    assert key != robustness.input_key([1, 2, 3], [ref], [source])
    source.write_text("x = 2\n")
    assert key != robustness.input_key([1, 2], [ref], [source])


def test_cache_key_covers_every_module_a_replicate_imports():
    files = {paths.relative_to_root(f) for f in robustness.default_source_files()}
    package = "src/survivors_perspectives/"
    # modules the generator and the tests import, which a hand-typed list left out
    for module in (
        "countries.py",
        "published/printed_values.py",
        "published/conflicts.py",
        "published/reference.py",
    ):
        assert package + module in files
    for module in ("synth/generate.py", "synth/allocate.py", "published/significance_tests.py"):
        assert package + module in files
    assert package + "build/derive.py" in files
    # modules no replicate runs through (derive's imports reach the page kit through the
    # plausibility table's tables import: over-inclusion, which only costs a rerun)
    for module in (
        "build/build_book.py",
        "build/reports.py",
        "pages/course.py",
        "pages/overview.py",
        "build/execute.py",
    ):
        assert package + module not in files


def test_cache_key_covers_library_versions(tmp_path, monkeypatch):
    versions = json.loads(robustness.library_versions())
    assert set(versions) == {"python", "numpy", "pandas", "scipy", "joblib"}
    assert versions["numpy"] == np.__version__
    source = tmp_path / "gen.py"
    source.write_text("x = 1\n")
    key = robustness.input_key([1], [], [source], robustness.library_versions())
    monkeypatch.setattr(robustness.metadata, "version", lambda name: "0.0-other")
    assert key != robustness.input_key([1], [], [source], robustness.library_versions())


def test_seed_count_must_be_positive():
    with pytest.raises(ValueError, match="positive number of generator seeds, found 0"):
        robustness.seeds_for(0)


def test_progress_bar_goes_to_stderr(capsys):
    robustness.run_replicates([1, 2], fake_generate, SPECS, fake_run, n_jobs=1, progress=True)
    captured = capsys.readouterr()
    assert "robustness" in captured.err
    assert captured.out == ""


def test_robustness_sentence_names_the_widest_spread_and_the_fixed_tests():
    from survivors_perspectives.pages import prose

    summary = pd.DataFrame(
        {
            "id": ["a.chi2", "b.anova"],
            "test": ["chi2_independence", "anova_oneway"],
            "published_statistic": [10.0, 2.0],
            "published_p": ["0.01", "0.08"],
            "replicates": [50, 50],
            "share_same_conclusion": [1.0, 0.9],
            "statistic_p05": [10.5, 1.5],
            "statistic_p95": [10.5, 2.5],
        }
    )
    text = prose.robustness_summary(summary)
    assert text.startswith("Over 50 generator seeds, 1 of the 2 published tests")
    assert "`b.anova` (published p 0.08), which reaches it in 90%" in text
    assert "For 1 test the statistic is the same on every seed" in text
    assert "the other 1, all ANOVAs" in text
