"""Human-readable rendering of `ikz coop show`."""

from __future__ import annotations

from typing import Any

import typer

from states.errors import Language


def print_show(view: dict[str, Any], lang: Language) -> None:
    en = lang == "en"
    typer.echo(f"#{view['id']} {view['title']} [{view['field_of_work']}]")
    typer.echo(
        f"{'State' if en else 'Zustand'}: {view['state_label']} ({view['state']}), Version {view['version']}"
    )
    if view["paused_from"]:
        typer.echo(f"{'Paused from' if en else 'Pausiert aus'}: {view['paused_from']}")
    if view["parent_id"]:
        typer.echo(f"{'Follow-up of' if en else 'Folgekooperation von'} #{view['parent_id']}")
    typer.echo("Partners:" if en else "Partner:")
    for p in view["partners"]:
        benefit = p["confirmed_benefit"] or p["stated_benefit"] or "-"
        pop = f"{p['population']:,}".replace(",", ".")
        typer.echo(
            f"  {p['name']} (ID {p['municipality_id']}, {pop} {'inh.' if en else 'Einw.'})"
            f"  mayor={p['mayor_id'] or '-'} contact={p['contact_id'] or '-'}"
            f"  {'benefit' if en else 'Nutzen'}: {benefit}"
        )
    typer.echo("Next steps:" if en else "Nächste Schritte:")
    for g in view["gates"]:
        mark = "ok " if g["ready"] else "-- "
        typer.echo(f"  {mark}{g['trigger']}")
        for u in g["unmet"]:
            typer.echo(f"       - [{u['code']}] {u['message']}")
    typer.echo("Signals:" if en else "Hinweise:")
    for s in view["signals"]:
        mark = "!" if s["level"] == "warn" else " "
        typer.echo(f"  {mark} {s['message']}")
    if view["open_conflicts"]:
        typer.echo(
            ("Open conflicts: " if en else "Offene Konflikte: ")
            + ", ".join(f"#{c['id']} ({c['level']})" for c in view["open_conflicts"])
        )
