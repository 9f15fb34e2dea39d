"""The founding procedure's rule packs: one YAML file per German state in
ikz/founding/rules/ (and in the directory of the setting IKZ_FOUNDING_RULES_DIR, whose
files add states or replace shipped ones), validated on load against the schema in
states.rulepack. A bad file is refused in one line naming the file and the field."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from states.errors import IkzError, InvalidInputError
from states.rulepack import FormRules, PackForm, RulePack

RULES_DIR = Path(__file__).parent / "rules"


def _bad_file(path: Path, de: str, en: str) -> IkzError:
    return IkzError(
        "rule_pack_invalid", f"Regelpaket {path.name}: {de}", f"Rule pack {path.name}: {en}"
    )


def load_pack(path: Path) -> RulePack:
    """One rule-pack file, validated; a bad one raises the one line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad_file(path, f"nicht lesbar ({exc})", f"not readable ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"Zeile {mark.line + 1}" if mark is not None else "?"
        where_en = f"line {mark.line + 1}" if mark is not None else "?"
        raise _bad_file(
            path, f"kein gültiges YAML ({where}).", f"not valid YAML ({where_en})."
        ) from None
    try:
        return RulePack.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(Datei)"
        msg = first["msg"].replace("\n", " ")
        n = exc.error_count()
        more_de = f" (und {n - 1} weitere)" if n > 1 else ""
        more_en = f" (and {n - 1} more)" if n > 1 else ""
        raise _bad_file(
            path, f"Feld {field}: {msg}{more_de}.", f"field {field}: {msg}{more_en}."
        ) from None


def pack_files(extra_dir: Path | None = None) -> list[Path]:
    files = sorted(RULES_DIR.glob("*.yaml"))
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise InvalidInputError(
                "rules_dir_missing",
                f"Verzeichnis der Regelpakete {str(extra_dir)!r} gibt es nicht.",
                f"Rule pack directory {str(extra_dir)!r} does not exist.",
            )
        files += sorted(extra_dir.glob("*.yaml"))
    return files


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
