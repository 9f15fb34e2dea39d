"""The founding procedure's rule packs: one YAML file per German state in
ikz/founding/rules/ (and in the directory of the setting IKZ_FOUNDING_RULES_DIR, whose
files add states or replace shipped ones), validated on load against the schema in
states.rulepack. A bad file is refused in one line naming the file and the field."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ikz.datafiles import data_files, load_data_file
from states.errors import InvalidInputError
from states.rulepack import FormRules, PackForm, RulePack

RULES_DIR = Path(__file__).parent / "rules"


def load_pack(path: Path) -> RulePack:
    """One rule-pack file, validated; a bad one raises the one line."""
    return load_data_file(path, RulePack, "rule_pack_invalid", ("Regelpaket", "Rule pack"))


def pack_files(extra_dir: Path | None = None) -> list[Path]:
    return data_files(
        RULES_DIR,
        extra_dir,
        "rules_dir_missing",
        ("Verzeichnis der Regelpakete", "Rule pack directory"),
    )


@cache
def _packs(extra_dir: Path | None) -> dict[str, RulePack]:
    out: dict[str, RulePack] = {}
    for path in pack_files(extra_dir):
        pack = load_pack(path)
        out[pack.state] = pack  # a file of the extra directory replaces a shipped one
    return out


def packs(extra_dir: Path | None = None) -> dict[str, RulePack]:
    """Every state's rule pack by its code (NW, BY, ...)."""
    return _packs(extra_dir)


def state_codes(extra_dir: Path | None = None) -> list[str]:
    return sorted(packs(extra_dir))


def rules_for(state: str, form: str, extra_dir: Path | None = None) -> tuple[RulePack, FormRules]:
    """The rules of `form` in `state`; an unknown state or form is refused in one line."""
    all_packs = packs(extra_dir)
    pack = all_packs.get(state.upper())
    if pack is None:
        known = ", ".join(sorted(all_packs))
        raise InvalidInputError(
            "unknown_state",
            f"Für das Land '{state}' gibt es kein Regelpaket (bekannt: {known}).",
            f"No rule pack for state '{state}' (known: {known}).",
        )
    try:
        pack_form = PackForm(form)
    except ValueError:
        pack_form = None
    rules = pack.rules_for(pack_form) if pack_form is not None else None
    if rules is None:
        known = ", ".join(f.value for f in pack.forms)
        raise InvalidInputError(
            "unknown_form",
            f"Rechtsform '{form}' ist im Regelpaket {pack.state} nicht beschrieben (bekannt: {known}).",
            f"Legal form '{form}' is not in rule pack {pack.state} (known: {known}).",
        )
    return pack, rules
