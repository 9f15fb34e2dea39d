"""The rule packs: every shipped file validates against the schema and names a source
for each rule; a broken file is refused in one line naming the file and the field; a
coordinator adds a state by adding a file (IKZ_FOUNDING_RULES_DIR)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikz.founding import RULES_DIR, load_pack, packs, rules_for
from states.errors import IkzError, InvalidInputError
from states.rulepack import PackForm, Source
from tests.factories import World, make_app, make_world
from tests.founding.helpers import coop_with

SHIPPED = sorted(RULES_DIR.glob("*.yaml"))


def test_five_states_are_shipped_with_every_form() -> None:
    assert [p.name for p in SHIPPED] == ["bw.yaml", "by.yaml", "he.yaml", "ni.yaml", "nw.yaml"]
    for pack in packs().values():
        assert sorted(pack.forms) == sorted(PackForm)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_file_validates_and_every_rule_names_its_source(path: Path) -> None:
    pack = load_pack(path)
    for form, rules in pack.forms.items():
        sources: list[Source] = [
            rules.authority.source,
            rules.publication.source,
            rules.effect.source,
            *(c.source for c in rules.clauses),
        ]
        if rules.changes_source is not None:
            sources.append(rules.changes_source)
        for src in sources:
            assert src.law.strip() and src.section.strip(), f"{path.name} {form}: {src}"
        assert rules.clauses, f"{path.name} {form}: no required clauses"


def test_the_issue_s_nrw_rules_are_encoded() -> None:
    _, rules = rules_for("NW", "agreement_delegating")
    a = rules.authority
    assert (a.kind, a.deemed_after_days, a.extension_days) == ("approval", 28, 28)
    assert (rules.publication.by, rules.effect.rule) == ("authority", "day_after_publication")
    _, gmbh = rules_for("NW", "gmbh")
    assert (gmbh.authority.kind, gmbh.authority.lead_days) == ("notice", 42)
    assert gmbh.authority.source.cite() == "§ 115 Abs. 1 GO NRW"
    _, zv = rules_for("NW", "zweckverband")
    assert [c.code for c in zv.clauses] == [
        "members",
        "tasks",
        "name_and_seat",
        "publication_form",
        "cost_key",
    ]


def test_no_shipped_rule_claims_to_be_verified() -> None:
    # Nobody has checked these against the official texts yet: the files must say so.
    assert {p.state: p.verified for p in packs().values()} == {
        "BW": False,
        "BY": False,
        "HE": False,
        "NI": False,
        "NW": False,
    }


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_missing_a_field_is_refused_in_one_line(tmp_path: Path) -> None:
    text = (RULES_DIR / "nw.yaml").read_text(encoding="utf-8")
    broken = text.replace("      rule: day_after_publication\n", "", 1)
    with pytest.raises(IkzError) as exc:
        load_pack(_write(tmp_path, "xx.yaml", broken))
    assert exc.value.de == (
        "Regelpaket xx.yaml: Feld forms.agreement_delegating.effect.rule: Field required."
    )
    assert "\n" not in exc.value.de


def test_a_rule_without_its_source_is_refused(tmp_path: Path) -> None:
    text = (RULES_DIR / "by.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        '      source: {law: KommZG, section: "Art. 20", url: "https://www.gesetze-bayern.de/Content/Document/BayKommZG"}\n',
        "",
        1,
    )
    assert broken != text
    with pytest.raises(IkzError) as exc:
        load_pack(_write(tmp_path, "by2.yaml", broken))
    assert exc.value.de == (
        "Regelpaket by2.yaml: Feld forms.zweckverband.authority.source: Field required."
    )


def test_a_wrong_value_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    text = (RULES_DIR / "he.yaml").read_text(encoding="utf-8")
    with pytest.raises(IkzError) as exc:
        load_pack(_write(tmp_path, "a.yaml", text.replace("kind: notice", "kind: maybe", 1)))
    assert exc.value.de.startswith(
        "Regelpaket a.yaml: Feld forms.agreement_mandating.authority.kind: Input should be "
    )
    with pytest.raises(IkzError) as exc:
        load_pack(_write(tmp_path, "b.yaml", "state: [NW\n"))
    assert exc.value.de == "Regelpaket b.yaml: kein gültiges YAML (Zeile 2)."


def test_an_inconsistent_form_is_refused(tmp_path: Path) -> None:
    text = (RULES_DIR / "nw.yaml").read_text(encoding="utf-8")
    # A deemed approval for a notice makes no sense.
    broken = text.replace(
        "    authority:\n      kind: approval\n      deemed_after_days: 28",
        "    authority:\n      kind: notice\n      deemed_after_days: 28",
        1,
    )
    with pytest.raises(IkzError) as exc:
        load_pack(_write(tmp_path, "c.yaml", broken))
    assert exc.value.de == (
        "Regelpaket c.yaml: Feld forms.agreement_delegating.authority: "
        "Value error, deemed_after_days nur bei kind: approval."
    )


def test_a_coordinator_adds_a_state_by_adding_a_file(tmp_path: Path) -> None:
    extra = tmp_path / "rules"
    extra.mkdir()
    text = (RULES_DIR / "bw.yaml").read_text(encoding="utf-8")
    sl = text.replace("state: BW", "state: SL").replace('ags_prefix: "08"', 'ags_prefix: "10"')
    _write(extra, "sl.yaml", sl.replace("name: Baden-Württemberg", "name: Saarland"))
    assert sorted(packs(extra)) == ["BW", "BY", "HE", "NI", "NW", "SL"]
    assert sorted(packs()) == ["BW", "BY", "HE", "NI", "NW"]
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, founding_rules_dir=extra)
    w: World = make_world(app)
    cid, _ = coop_with(w, "NW")
    from tests.founding.helpers import plan

    assert plan(w, cid, state="SL").state == "SL"


def test_a_missing_extra_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as exc:
        packs(tmp_path / "nowhere")
    assert exc.value.code == "rules_dir_missing"


def test_an_unknown_form_in_a_state_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "rules"
    extra.mkdir()
    text = (RULES_DIR / "he.yaml").read_text(encoding="utf-8")
    cut = text.index("  gmbh:")
    _write(extra, "he.yaml", text[:cut])
    with pytest.raises(InvalidInputError) as exc:
        rules_for("HE", "gmbh", extra)
    assert exc.value.de == (
        "Rechtsform 'gmbh' ist im Regelpaket HE nicht beschrieben (bekannt: "
        "agreement_delegating, agreement_mandating, zweckverband, aoer, arbeitsgemeinschaft)."
    )
    with pytest.raises(InvalidInputError):
        rules_for("HE", "verein")
