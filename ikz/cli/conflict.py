"""Reading conflicts, and the coordinator's sweep of overdue ones."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import conflict_app
from ikz.cli.ids import ConflictId, in_range
from ikz.cli.output import Json, done, emit_json, listing


@conflict_app.command("escalate-overdue")
def conflict_escalate_overdue(as_json: Json = False) -> None:
    """Alle überfälligen Konflikte eine Stufe höher geben (als Koordination)."""
    from dataclasses import asdict

    from ikz.actions.conflicts import escalate_overdue

    sweep = escalate_overdue(state.open())
    if as_json:
        emit_json(asdict(sweep))
        return
    done(
        f"Eskaliert: {len(sweep.escalated)}, auf höchster Stufe überfällig: {len(sweep.at_top)}, "
        f"nicht möglich: {len(sweep.failed)}.",
        f"Escalated: {len(sweep.escalated)}, overdue at the top level: {len(sweep.at_top)}, "
        f"not possible: {len(sweep.failed)}.",
    )


@conflict_app.command("history")
def conflict_history(
    conflict: ConflictId,
    as_json: Json = False,
) -> None:
    """Prüfpfad eines Konflikts: jeder Schritt mit Stufe, Person und Zeit."""
    from ikz.views.directory import conflict_steps

    rows = [r.model_dump() for r in conflict_steps(state.open(), conflict)]
    listing(
        rows,
        [
            ("seq", "Nr."),
            ("action", "Schritt"),
            ("from_level", "Von"),
            ("to_level", "Nach"),
            ("actor_id", "Person"),
            ("proof_kind", "Nachweis"),
            ("at", "Zeit"),
        ],
        as_json,
    )


@conflict_app.command("list")
def conflict_list(
    cooperation: Annotated[
        int | None, typer.Option("--coop", help="Nur diese Kooperation.", callback=in_range)
    ] = None,
    as_json: Json = False,
) -> None:
    """Konflikte auflisten."""
    from ikz.views.directory import conflicts

    rows = [c.model_dump() for c in conflicts(state.open(), cooperation)]
    listing(
        rows,
        [
            ("id", "ID"),
            ("cooperation_id", "Koop."),
            ("level", "Stufe"),
            ("status", "Status"),
            ("subject", "Gegenstand"),
        ],
        as_json,
    )
