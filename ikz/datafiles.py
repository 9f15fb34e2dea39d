"""Rules kept as data: YAML files shipped in a package folder, plus those of a directory
a setting names (whose files add to or replace the shipped ones), each validated on load
against a pydantic schema. A bad file is refused in one line naming the file and the
field; the rule packs of the founding procedure and the funding programmes use this."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from states.errors import IkzError, InvalidInputError

M = TypeVar("M", bound=BaseModel)

Words = tuple[str, str]  # (German, English)


def load_data_file(path: Path, model: type[M], code: str, kind: Words) -> M:
    """One file, validated; a bad one raises the one line '<kind> <file>: <why>'."""

    def bad(de: str, en: str) -> IkzError:
        return IkzError(code, f"{kind[0]} {path.name}: {de}", f"{kind[1]} {path.name}: {en}")

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise bad(f"nicht lesbar ({exc})", f"not readable ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"Zeile {mark.line + 1}" if mark is not None else "?"
        where_en = f"line {mark.line + 1}" if mark is not None else "?"
        raise bad(f"kein gültiges YAML ({where}).", f"not valid YAML ({where_en}).") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(Datei)"
        msg = first["msg"].replace("\n", " ")
        n = exc.error_count()
        more_de = f" (und {n - 1} weitere)" if n > 1 else ""
        more_en = f" (and {n - 1} more)" if n > 1 else ""
        raise bad(f"Feld {field}: {msg}{more_de}.", f"field {field}: {msg}{more_en}.") from None


def data_files(shipped: Path, extra_dir: Path | None, code: str, directory: Words) -> list[Path]:
    """The shipped files, then those of `extra_dir` (a missing one is refused)."""
    files = sorted(shipped.glob("*.yaml"))
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise InvalidInputError(
                code,
                f"{directory[0]} {str(extra_dir)!r} gibt es nicht.",
                f"{directory[1]} {str(extra_dir)!r} does not exist.",
            )
        files += sorted(extra_dir.glob("*.yaml"))
    return files
