"""The funding programmes: every shipped file validates and names a source for each
condition, amount and obligation; the issue's figures are encoded; a programme past its
validity says so; a broken file is refused in one line naming the file and the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ikz.funding import PROGRAMMES_DIR, load_file, programme, states
from states.errors import IkzError, InvalidInputError
from states.fundingprogramme import ConditionKind

SHIPPED = sorted(PROGRAMMES_DIR.glob("*.yaml"))


def test_hessen_bayern_and_nrw_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == ["by.yaml", "he.yaml", "nw.yaml"]
    assert {s: [p.code for p in f.programmes] for s, f in states().items()} == {
        "BY": ["by_ikz"],
        "HE": ["he_ikz"],
        "NW": ["nw_ikz"],
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_rule_names_its_source_and_none_claims_to_be_verified(path: Path) -> None:
    f = load_file(path)
    for p in f.programmes:
        sources = [
            p.source,
            p.amounts.source,
            p.obligations.source,
            *(c.source for c in p.conditions),
            *(d.source for d in p.documents),
        ]
        if p.window is not None:
            sources.append(p.window.source)
        for src in sources:
            assert src.title.strip() and src.url is not None, f"{path.name} {p.code}"
            assert src.verified is False
        assert p.verified is False
        assert "cost_comparison" in [d.code for d in p.documents]


def test_hessen_as_the_issue_gives_it() -> None:
    _, he = programme("he_ikz")
    assert [(c.check.value, c.value) for c in he.conditions] == [
        ("min_partners", Decimal("3")),
        ("min_term_years", Decimal("5")),
        ("min_savings_percent", Decimal("15")),
        ("council_resolutions", None),
        ("manual", None),
    ]
    assert (he.obligations.commitment_years, he.obligations.savings_target_percent) == (
        5,
        Decimal("15"),
    )
    assert he.decision_weeks == (8, 13)
    assert "Landkreis" in he.channel and "Regierungspräsidium" in he.channel
    # The issue names no amount for Hessen: none is invented.
    assert (he.amounts.max_amount, he.max_grant(3)) == (None, None)


def test_bayern_as_the_issue_gives_it() -> None:
    _, by = programme("by_ikz")
    assert (by.max_grant(2), by.max_grant(2, priority_region=True)) == (
        Decimal("50000"),
        Decimal("90000"),
    )
    assert by.amounts.max_quota_percent == Decimal("85")
    assert by.start_forbidden_before == "decision"
    assert ConditionKind.NO_START_BEFORE_APPLICATION in [c.check for c in by.conditions]


def test_nrw_grants_more_per_additional_partner_within_a_window() -> None:
    _, nw = programme("nw_ikz")
    assert [nw.max_grant(n) for n in (2, 3, 4)] == [
        Decimal("175000"),
        Decimal("210000"),
        Decimal("245000"),
    ]
    assert nw.amounts.max_quota_percent == Decimal("90")
    assert "Online" in nw.channel
    assert [
        nw.window_status(d) for d in (date(2026, 8, 31), date(2026, 9, 1), date(2027, 4, 1))
    ] == [
        "not_open_yet",
        "open",
        "closed",
    ]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_programme_past_its_validity_says_so(tmp_path: Path) -> None:
    _, nw = programme("nw_ikz")
    assert nw.valid_until == date(2027, 12, 31)
    assert [nw.status(d) for d in (date(2020, 12, 31), date(2027, 12, 31), date(2028, 1, 1))] == [
        "not_yet_valid",
        "offered",
        "expired",
    ]
    # A file of the extra directory replaces the shipped one of its state.
    text = (PROGRAMMES_DIR / "he.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "he.yaml", text.replace("valid_until: 2027-12-31", "valid_until: 2025-06-30"))
    _, he = programme("he_ikz", tmp_path)
    assert he.status(date(2026, 1, 5)) == "expired"


def test_a_file_missing_a_field_is_refused_in_one_line(tmp_path: Path) -> None:
    text = (PROGRAMMES_DIR / "nw.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path, "nw.yaml", text.replace("    valid_from: 2021-01-01\n", "", 1))
    with pytest.raises(IkzError) as exc:
        load_file(path)
    assert exc.value.de == "Förderprogramme nw.yaml: Feld programmes.0.valid_from: Field required."
    assert "\n" not in exc.value.de


def test_a_wrong_value_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = (PROGRAMMES_DIR / "by.yaml").read_text(encoding="utf-8")
    path = _write(
        tmp_path, "by.yaml", text.replace("max_quota_percent: 85", "max_quota_percent: 185")
    )
    with pytest.raises(IkzError) as exc:
        load_file(path)
    assert exc.value.de == (
        "Förderprogramme by.yaml: Feld programmes.0.amounts.max_quota_percent: "
        "Input should be less than or equal to 100."
    )


def test_a_condition_without_its_value_is_refused(tmp_path: Path) -> None:
    text = (PROGRAMMES_DIR / "he.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path, "he.yaml", text.replace("        value: 3\n", "", 1))
    with pytest.raises(IkzError) as exc:
        load_file(path)
    assert exc.value.de.startswith(
        "Förderprogramme he.yaml: Feld programmes.0.conditions.0: Value error, value gehört zu "
    )


def test_a_window_condition_without_a_window_is_refused(tmp_path: Path) -> None:
    text = (PROGRAMMES_DIR / "nw.yaml").read_text(encoding="utf-8")
    start = text.index("    window:\n")
    end = text.index("    conditions:\n")
    path = _write(tmp_path, "nw.yaml", text[:start] + text[end:])
    with pytest.raises(IkzError) as exc:
        load_file(path)
    assert exc.value.de == (
        "Förderprogramme nw.yaml: Feld programmes.0: "
        "Value error, Bedingung application_window ohne window."
    )


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "xx.yaml", "state: XX\nprogrammes: [\n")
    with pytest.raises(IkzError) as exc:
        load_file(path)
    assert exc.value.de == "Förderprogramme xx.yaml: kein gültiges YAML (Zeile 3)."


def test_an_unknown_programme_and_a_missing_directory_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as exc:
        programme("sn_ikz")
    assert exc.value.de == (
        "Förderprogramm 'sn_ikz' gibt es nicht (bekannt: by_ikz, he_ikz, nw_ikz)."
    )
    with pytest.raises(InvalidInputError) as exc:
        states(tmp_path / "fehlt")
    assert (
        exc.value.de
        == f"Verzeichnis der Förderprogramme {str(tmp_path / 'fehlt')!r} gibt es nicht."
    )
