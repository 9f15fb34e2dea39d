"""Reading cooperations: list, show, check, history."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import coop_app
from ikz.cli.ids import CoopId
from ikz.cli.output import Json, emit_json, listing


@coop_app.command("list")
def coop_list(
    state_filter: Annotated[str | None, typer.Option("--state", help="Nur dieser Zustand.")] = None,
    as_json: Json = False,
) -> None:
    """Kooperationen auflisten."""
    from ikz.views.cooperation import list_cooperations
    from states.errors import InvalidInputError
    from states.lifecycle import State

    valid = [s.value for s in State]
    if state_filter is not None and state_filter not in valid:
        raise InvalidInputError(
            "bad_state",
            f"Unbekannter Zustand '{state_filter}'. Gültig sind: {', '.join(valid)}.",
            f"Unknown state '{state_filter}'. Valid states: {', '.join(valid)}.",
        )
    rows = list_cooperations(state.open(), state_filter)
    listing(
        rows,
        [
            ("id", "ID"),
            ("state", "Zustand"),
            ("field_of_work", "Feld"),
            ("title", "Titel"),
            ("version", "Version"),
        ],
        as_json,
    )


@coop_app.command("show")
def coop_show(cooperation: CoopId, as_json: Json = False) -> None:
    """Zustand, Partner, Gates mit offenen Kriterien und Hinweise einer Kooperation."""
    from ikz.cli.render import print_show
    from ikz.views.cooperation import show

    view = show(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
    else:
        print_show(view, state.lang)


@coop_app.command("check")
def coop_check(
    cooperation: CoopId,
    with_history: Annotated[
        bool, typer.Option("--history", help="Verlauf der gespeicherten Checks (je Review).")
    ] = False,
    as_json: Json = False,
) -> None:
    """Kooperations-Check: Ampel je Erfolgsfaktor mit Gründen, und gesamt."""
    from ikz.cli.render import print_check, print_trend
    from ikz.views.health import check_view, trend

    if with_history:
        data = trend(state.open(), cooperation, state.lang)
        if as_json:
            emit_json(data)
        else:
            print_trend(data, state.lang)
        return
    view = check_view(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
        return
    typer.echo(f"#{view['id']} {view['title']} ({view['state_label']})")
    print_check(view, state.lang)


@coop_app.command("history")
def coop_history(cooperation: CoopId, as_json: Json = False) -> None:
    """Prüfpfad der Zustandswechsel einer Kooperation."""
    from ikz.cli.render import HISTORY_COLUMNS
    from ikz.views.cooperation import history

    rows = history(state.open(), cooperation, state.lang)
    en = state.lang == "en"
    listing(rows, [(key, en_h if en else de_h) for key, de_h, en_h in HISTORY_COLUMNS], as_json)
