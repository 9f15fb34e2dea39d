"""Listing municipalities and people."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import muni_app, person_app
from ikz.cli.output import Json, emit_json, listing


@muni_app.command("list")
def municipality_list(as_json: Json = False) -> None:
    """Kommunen auflisten."""
    from ikz.views.directory import municipalities

    rows = [m.model_dump() for m in municipalities(state.open())]
    listing(
        rows,
        [
            ("id", "ID"),
            ("name", "Name"),
            ("ags", "AGS"),
            ("bundesland", "Land"),
            ("population", "Einw."),
            ("kind", "Art"),
        ],
        as_json,
    )


@person_app.command("list")
def person_list(as_json: Json = False) -> None:
    """Personen auflisten."""
    from ikz.views.directory import people

    rows = [p.model_dump() for p in people(state.open())]
    listing(
        rows,
        [
            ("id", "ID"),
            ("name", "Name"),
            ("email", "E-Mail"),
            ("municipality_id", "Kommune"),
            ("roles", "Rollen"),
            ("language", "Spr."),
        ],
        as_json,
    )


@person_app.command("export")
def person_export(
    person: Annotated[int, typer.Argument(help="ID der Person.")],
) -> None:
    """Alles, was über eine Person gespeichert ist, als JSON (Auskunft nach Art. 15 DSGVO)."""
    from ikz.views.personal_data import export_person

    emit_json(export_person(state.open(), person))
