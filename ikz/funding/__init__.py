"""The state IKZ funding programmes: one YAML file per German state in
ikz/funding/programmes/ (and in the directory of the setting IKZ_FUNDING_PROGRAMMES_DIR,
whose files add states or replace shipped ones), validated on load against the schema in
states.fundingprogramme. A bad file is refused in one line naming the file and the field."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ikz.datafiles import data_files, load_data_file
from states.errors import InvalidInputError
from states.fundingprogramme import Programme, ProgrammeFile

PROGRAMMES_DIR = Path(__file__).parent / "programmes"


def load_file(path: Path) -> ProgrammeFile:
    """One state's programme file, validated; a bad one raises the one line."""
    return load_data_file(
        path, ProgrammeFile, "funding_file_invalid", ("Förderprogramme", "Funding programmes")
    )


def programme_files(extra_dir: Path | None = None) -> list[Path]:
    return data_files(
        PROGRAMMES_DIR,
        extra_dir,
        "programmes_dir_missing",
        ("Verzeichnis der Förderprogramme", "Funding programme directory"),
    )


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
