"""Reading funding: the programmes, a cooperation's eligibility, its savings."""

# No `from __future__ import annotations`: see ikz.cli.main.

from decimal import Decimal

import typer

from ikz.cli.context import state
from ikz.cli.groups import funding_app
from ikz.cli.ids import CoopId
from ikz.cli.output import Json, emit_json, listing


@funding_app.command("programmes")
def funding_programmes(as_json: Json = False) -> None:
    """Förderprogramme je Land (jede Datei gegen das Schema geprüft), mit Status heute."""
    from ikz.views.funding import programmes_view

    listing(
        programmes_view(state.open(check_schema=False)),
        [
            ("state", "Land"),
            ("code", "Programm"),
            ("status", "Status"),
            ("valid_until", "gültig bis"),
            ("window", "Antragsfenster"),
            ("max_amount", "höchstens (€)"),
            ("max_quota_percent", "Quote (%)"),
            ("verified", "geprüft"),
        ],
        as_json,
    )


@funding_app.command("check")
def funding_check(cooperation: CoopId, as_json: Json = False) -> None:
    """Förderfähigkeit einer Kooperation je Programm ihres Landes: jede Bedingung erfüllt,
    nicht erfüllt oder unbekannt, mit Grund."""
    from ikz.views.funding import check_view, deadline_lines, euro

    view = check_view(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
        return
    en = state.lang == "en"
    typer.echo(f"#{view['cooperation_id']} {view['title']}")
    if not view["programmes"]:
        typer.echo(
            "  No funding programme for the partners' state."
            if en
            else "  Kein Förderprogramm für das Land der Partner."
        )
    marks = {"met": "+", "unmet": "-", "unknown": "?"}
    for p in view["programmes"]:
        line = f"{p['code']} ({p['state']}): {p['verdict_label']}"
        if p["max_grant"]:
            line += f", {'up to' if en else 'bis'} {euro(Decimal(p['max_grant']), state.lang)}"
        if not p["verified"]:
            line += " [unverified]" if en else " [ungeprüft]"
        if p["application"]:
            line += f"; {'application' if en else 'Antrag'}: {p['application']['status_label']}"
        typer.echo(line)
        for c in p["conditions"]:
            typer.echo(f"  [{marks[c['status']]}] {c['label']}: {c['reason']}")
        for text in deadline_lines(p["application"], state.lang):
            typer.echo(f"  {text}")


@funding_app.command("savings")
def funding_savings(cooperation: CoopId, as_json: Json = False) -> None:
    """Einsparungen je Partner und gesamt, in Euro und Prozent, je Jahr mit Ist-Kosten."""
    from ikz.views.funding import euro, percent, savings_view

    view = savings_view(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
        return
    en = state.lang == "en"
    lang = state.lang
    typer.echo(f"#{view['cooperation_id']} {view['title']}")
    if view["without_baseline"]:
        names = ", ".join(view["without_baseline"])
        typer.echo(f"  {'No baseline' if en else 'Ohne Ausgangskosten'}: {names}")
    if not view["years"]:
        typer.echo("  No actual costs yet." if en else "  Noch keine Ist-Kosten.")

    def row(name: str, r: dict[str, str]) -> str:
        pct = percent(Decimal(r["percent"]), lang) if r["percent"] else "–"
        return (
            f"  {name}: {euro(Decimal(r['before']), lang)} -> {euro(Decimal(r['after']), lang)}, "
            f"{'saved' if en else 'eingespart'} {euro(Decimal(r['saved']), lang)} ({pct})"
        )

    for y in view["years"]:
        typer.echo(str(y["year"]))
        for p in y["partners"]:
            typer.echo(row(p["municipality"], p))
        if y["total"]:
            typer.echo(row("total" if en else "gesamt", y["total"]))
        else:
            missing = ", ".join(y["missing"])
            typer.echo(f"  {'No total, missing' if en else 'Keine Summe, es fehlt'}: {missing}")
