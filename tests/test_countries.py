"""Country names, slugs and the make include file generated from the data."""

from __future__ import annotations

import pytest

from survivors_perspectives.countries import (
    COUNTRIES,
    UnknownCountryError,
    check_country,
    countries_in_csv,
    main,
    makefile_include,
    slugify,
)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Albania", "albania"),
        ("Bosnia and Herzegovina", "bosnia-and-herzegovina"),
        ("Côte d'Ivoire", "cote-d-ivoire"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_six_study_countries_in_report_order():
    assert COUNTRIES == (
        "Albania",
        "Bosnia and Herzegovina",
        "Colombia",
        "Mexico",
        "Moldova",
        "Peru",
    )


def test_unknown_country_lists_valid_names():
    with pytest.raises(UnknownCountryError) as caught:
        check_country("Atlantis")
    message = str(caught.value)
    assert "unknown country 'Atlantis'" in message
    assert "Albania, Bosnia and Herzegovina, Colombia, Mexico, Moldova, Peru" in message


def test_countries_come_from_the_data(tmp_path):
    csv = tmp_path / "survey.csv"
    csv.write_text("respondent_id,country\n1,Peru\n2,Atlantis\n3,Albania\n4,Peru\n5,\n")
    assert countries_in_csv(csv) == ["Albania", "Peru", "Atlantis"]


def test_missing_country_column_is_named(tmp_path):
    csv = tmp_path / "survey.csv"
    csv.write_text("respondent_id,nation\n1,Peru\n")
    with pytest.raises(UnknownCountryError, match="no column 'country'"):
        countries_in_csv(csv)


@pytest.mark.parametrize(
    ("names", "lines"),
    [
        pytest.param(
            ["Albania", "Bosnia and Herzegovina"],
            [
                "COUNTRY_SLUGS := albania bosnia-and-herzegovina",
                "COUNTRY_NAME_bosnia-and-herzegovina := 'Bosnia and Herzegovina'",
            ],
            id="spaces",
        ),
        pytest.param(
            ["Côte d'Ivoire"],
            [
                "COUNTRY_SLUGS := cote-d-ivoire",
                "COUNTRY_NAME_cote-d-ivoire := 'Côte d'\"'\"'Ivoire'",
            ],
            id="an apostrophe and an accent",
        ),
    ],
)
def test_country_names_reach_make_as_single_shell_words(names, lines):
    text = makefile_include(names)
    for line in lines:
        assert f"{line}\n" in text


def test_cli_reports_missing_file(tmp_path, capsys):
    assert main([str(tmp_path / "none.csv"), "--makefile"]) == 1
    assert "none.csv" in capsys.readouterr().err


def test_countries_outside_the_study_are_declared_not_guessed(monkeypatch):
    from survivors_perspectives.countries import (
        EXTRA_COUNTRIES_VARIABLE,
        allowed_countries,
        extra_countries,
    )

    assert extra_countries() == ()
    monkeypatch.setenv(EXTRA_COUNTRIES_VARIABLE, " Kenya, Ghana ,Kenya,Peru,")
    assert extra_countries() == ("Kenya", "Ghana")
    assert allowed_countries() == (*COUNTRIES, "Kenya", "Ghana")
