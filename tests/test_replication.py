"""The replication table and the ``derive`` command that writes the derived tables."""

from __future__ import annotations

import pandas as pd
import pytest

from survivors_perspectives import paths
from survivors_perspectives.analyses import replication
from survivors_perspectives.analyses.fidelity import compare
from survivors_perspectives.build import derive
from survivors_perspectives.conversations.schema import load_conversations
from survivors_perspectives.published.reference import load_reference
from survivors_perspectives.synth import generate


@pytest.fixture(scope="module")
def inputs():
    return load_reference(), generate(seed=3), load_conversations(paths.CONVERSATIONS)


@pytest.fixture(scope="module")
def table(inputs) -> pd.DataFrame:
    return replication.replication_table(*inputs)


def test_one_row_per_published_figure(inputs, table):
    reference = inputs[0]
    assert list(table.columns) == list(replication.REPLICATION_COLUMNS)
    assert sorted(table["id"]) == sorted(reference["id"]) == list(table["id"])
    merged = table.merge(reference, on="id")
    assert (merged["published"] == merged["value"]).all()
    assert (merged["quantity_x"] == merged["quantity_y"]).all()


def test_status_and_values_come_from_fidelity_compare(inputs, table):
    direct = compare(*inputs).set_index("id")
    ours = table.set_index("id")
    assert (ours["status"] == direct.loc[ours.index, "status"]).all()
    # Country figures are printed only where they equal the published one, on a country of
    # the published size (disclosure control).
    country = ours["scope"] != "all"
    equal = (direct.loc[ours.index, "reproduced"] - ours["published"]).abs() < 0.5
    shown = ~country | equal
    assert (
        ours.loc[country & ~equal & direct.loc[ours.index, "reproduced"].notna(), "reproduced"]
        .isna()
        .all()
    )
    shown &= ours["reproduced"].notna() | direct.loc[ours.index, "reproduced"].isna()
    pd.testing.assert_series_equal(
        ours.loc[shown, "reproduced"],
        direct.loc[ours.index[shown], "reproduced"],
        check_names=False,
    )
    assert ours.loc[~shown, "reproduced"].isna().all()
    assert ours.loc[~shown & ours["reproduced"].isna(), "note"].str.contains("value withheld").all()


def test_a_ten_person_country_is_not_given_away_by_the_replication_table(inputs):
    """80 % women of a 10-person Albania would say 2 men: the value is withheld."""
    reference, survey, conversations = inputs
    albania = survey[survey["country"] == "Albania"]
    female = (albania["gender"] == "Female").to_numpy(bool)
    masters = (albania["education"] == "Master's degree or PhD").to_numpy(bool)
    # 8 women (7 with a Master's, 1 without) and 2 men with a Master's: 80 % and 90 %.
    keep = [
        *albania.index[female & masters][:7],
        *albania.index[female & ~masters][:1],
        *albania.index[~female & masters][:2],
    ]
    assert len(keep) == 10
    small = survey.drop(index=albania.index.difference(keep))
    table = replication.replication_table(reference, small, conversations).set_index("id")
    direct = compare(reference, small, conversations).set_index("id")
    for figure in (
        "profile.gender.female.pct.albania",
        "profile.education.masters_phd.pct.albania",
    ):
        assert direct.loc[figure, "reproduced"] in (80.0, 90.0)  # 8 and 9 of 10 people
        assert pd.isna(table.loc[figure, "reproduced"])
        assert pd.isna(table.loc[figure, "difference"])
        assert "value withheld" in table.loc[figure, "note"]


def test_summary_counts_add_up(table):
    by_topic = replication.summary_counts(table, "topic")
    assert by_topic["figures"].sum() == len(table)
    reproduced = table.groupby("topic")["status"].apply(lambda s: (s == "reproduced").sum())
    assert dict(zip(by_topic["topic"], by_topic["reproduced"], strict=True)) == reproduced.to_dict()
    by_scope = replication.summary_counts(table, "scope")
    assert set(by_scope["scope"]) == set(table["scope"])
    assert len(replication.not_reproduced(table)) == int((table["status"] != "reproduced").sum())


def test_a_compare_without_the_expected_columns_is_named(monkeypatch, inputs):
    import survivors_perspectives.analyses.fidelity as fidelity

    monkeypatch.setattr(fidelity, "compare", lambda *a: pd.DataFrame({"id": ["x"]}))
    with pytest.raises(KeyError, match=r"expected columns \['published', 'reproduced', 'status'\]"):
        replication.replication_table(*inputs)


def test_derive_writes_replication_and_audit(tmp_path, capsys):
    code = derive.main(
        [
            "--survey",
            str(paths.SURVEY),
            "--conversations",
            str(paths.CONVERSATIONS),
            "--out",
            str(tmp_path / "derived"),
            "--seeds",
            "0",
        ]
    )
    assert code == 0
    written = pd.read_csv(tmp_path / "derived" / "replication.csv")
    assert len(written) == len(load_reference())
    audit = pd.read_csv(tmp_path / "derived" / "audit.csv")
    assert "p_value.caseload.any_se.by_country.anova" in set(audit["id"])
    assert not (tmp_path / "derived" / "robustness.csv").exists()
    assert "replication:" in capsys.readouterr().out


def test_derive_names_a_missing_input(tmp_path, capsys):
    code = derive.main(["--survey", str(tmp_path / "nope.csv"), "--seeds", "0"])
    assert code == 2
    assert f"input file not found: {tmp_path / 'nope.csv'}" in capsys.readouterr().err
