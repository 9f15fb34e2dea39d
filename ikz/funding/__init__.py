"""The state IKZ funding programmes: one YAML file per German state in
ikz/funding/programmes/ (and in the directory of the setting IKZ_FUNDING_PROGRAMMES_DIR,
whose files add states or replace shipped ones), validated on load against the schema in
states.fundingprogramme. A bad file is refused in one line naming the file and the field."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from states.errors import IkzError, InvalidInputError
from states.fundingprogramme import Programme, ProgrammeFile

PROGRAMMES_DIR = Path(__file__).parent / "programmes"


def _bad_file(path: Path, de: str, en: str) -> IkzError:
    return IkzError(
        "funding_file_invalid",
        f"Förderprogramme {path.name}: {de}",
        f"Funding programmes {path.name}: {en}",
    )


def load_file(path: Path) -> ProgrammeFile:
    """One state's programme file, validated; a bad one raises the one line."""
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
        return ProgrammeFile.model_validate(data)
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


def programme_files(extra_dir: Path | None = None) -> list[Path]:
    files = sorted(PROGRAMMES_DIR.glob("*.yaml"))
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise InvalidInputError(
                "programmes_dir_missing",
                f"Verzeichnis der Förderprogramme {str(extra_dir)!r} gibt es nicht.",
                f"Funding programme directory {str(extra_dir)!r} does not exist.",
            )
        files += sorted(extra_dir.glob("*.yaml"))
    return files


@cache
def _files(extra_dir: Path | None) -> dict[str, ProgrammeFile]:
    out: dict[str, ProgrammeFile] = {}
    for path in programme_files(extra_dir):
        f = load_file(path)
        out[f.state] = f  # a file of the extra directory replaces a shipped one
    return out


def states(extra_dir: Path | None = None) -> dict[str, ProgrammeFile]:
    """Every state's programmes by its code (NW, BY, HE, ...)."""
    return _files(extra_dir)


def state_for_prefix(prefix: str, extra_dir: Path | None = None) -> ProgrammeFile | None:
    """The programme file of the state whose AGS begins with `prefix`."""
    return next((f for f in states(extra_dir).values() if f.ags_prefix == prefix), None)


def programme(code: str, extra_dir: Path | None = None) -> tuple[ProgrammeFile, Programme]:
    """The programme `code`; an unknown one is refused in one line."""
    for f in states(extra_dir).values():
        for p in f.programmes:
            if p.code == code:
                return f, p
    known = ", ".join(p.code for f in states(extra_dir).values() for p in f.programmes)
    raise InvalidInputError(
        "unknown_programme",
        f"Förderprogramm '{code}' gibt es nicht (bekannt: {known}).",
        f"No funding programme '{code}' (known: {known}).",
    )
