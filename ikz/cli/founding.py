"""Reading the founding procedure: show (steps, acts, assessments), rules, criteria."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated, Any

import typer

from ikz.cli.context import state
from ikz.cli.groups import founding_app
from ikz.cli.ids import CoopId
from ikz.cli.output import Json, emit_json, listing


@founding_app.command("show")
def founding_show(cooperation: CoopId, as_json: Json = False) -> None:
    """Gründungsverfahren einer Kooperation: Schritte mit Status, Frist und was fehlt."""
    from ikz.views.founding import founding_view

    view = founding_view(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
        return
    en = state.lang == "en"
    typer.echo(f"#{view['cooperation_id']} {view['title']}: {view['form_label']} ({view['state']})")
    _echo_steps(view["steps"], "  ", en)
    outcomes = {
        "missing": ("fehlt", "missing"),
        "positive": ("Ausnahme greift", "exemption applies"),
        "negative": ("Ausnahme greift nicht", "exemption does not apply"),
    }
    clauses = view["clauses"]
    if clauses["missing"]:
        head = "Clauses missing" if en else "Klauseln fehlen"
        typer.echo(f"  {head}: {', '.join(clauses['missing'])}")
    elif clauses["required"]:
        typer.echo(
            "  Every required clause agreed." if en else "  Alle Pflichtklauseln vereinbart."
        )
    for a in view["assessments"]:
        de, en_text = outcomes[a["outcome"]]
        typer.echo(f"  {a['label']}: {en_text if en else de}")
    if view["effective_on"]:
        typer.echo(f"  {'Effective on' if en else 'Wirksam ab'} {view['effective_on']}")
    if view["inherited_from_id"]:
        typer.echo(
            f"  Legal context taken over from cooperation {view['inherited_from_id']}"
            if en
            else f"  Rechtlicher Rahmen übernommen von Kooperation {view['inherited_from_id']}"
        )
    for ch in view["changes"]:
        if ch["applied_on"]:
            head = "Change" if en else "Änderung"
            since = "effective on" if en else "wirksam ab"
            typer.echo(f"  {head} {ch['id']}: {ch['label']}, {since} {ch['applied_on']}")
    change = view["change"]
    if change:
        head = "Change procedure" if en else "Änderungsverfahren"
        typer.echo(f"  {head} {change['id']}: {change['label']} – {change['description']}")
        _echo_steps(change["steps"], "    ", en)


def _echo_steps(steps: list[dict[str, Any]], indent: str, en: bool) -> None:
    """One line per step (the founding's or a change's): status, label, when it was
    done, when it is due and what it waits for."""
    for st in steps:
        line = f"{indent}[{st['status']}] {st['label']}"
        if st["done_on"]:
            line += f" ({'on' if en else 'am'} {st['done_on']})"
        if st["due"] and st["status"] != "done":
            line += f" – {'due' if en else 'fällig'} {st['due']}"
        if st["waits_for"] and st["status"] != "done":
            line += f": {st['waits_for']}"
        typer.echo(line)


@founding_app.command("rules")
def founding_rules(as_json: Json = False) -> None:
    """Regelpakete je Land und Form (jede Datei gegen das Schema geprüft)."""
    from ikz.views.founding import rules_view

    listing(
        rules_view(state.open(check_schema=False)),
        [
            ("state", "Land"),
            ("form", "Form"),
            ("authority", "Aufsicht"),
            ("deemed_after_days", "Fiktion (Tage)"),
            ("publication_by", "Bekanntmachung"),
            ("effective_rule", "Wirksamkeit"),
            ("verified", "geprüft"),
        ],
        as_json,
    )


@founding_app.command("criteria")
def founding_criteria(as_json: Json = False) -> None:
    """Kriterien der Prüfungen (§ 2b UStG, § 108 Abs. 6 GWB, Art. 107 AEUV)."""
    from ikz.views.founding import criteria_view

    listing(
        criteria_view(state.lang),
        [("kind", "Prüfung"), ("criterion", "Kriterium"), ("text", "Text"), ("source", "Quelle")],
        as_json,
    )


@founding_app.command("write-draft")
def founding_write_draft(
    cooperation: CoopId,
    out: Annotated[
        str, typer.Option("--out", help="Datei; ohne: Markdown auf die Standardausgabe.")
    ] = "",
    fmt: Annotated[str, typer.Option("--format", help="md oder docx.")] = "md",
    as_json: Json = False,
) -> None:
    """Entwurf der Vereinbarung oder Satzung schreiben: aus der Vorlage der Form, gefüllt
    mit Partnern, Aufgaben und den erfassten Klauseln; Fehlendes als [FEHLT: ...]."""
    from ikz.views.founding_draft import draft_markdown, write_draft

    app = state.open()
    if not out:
        if fmt != "md":
            from states.errors import InvalidInputError

            raise InvalidInputError(
                "draft_out_missing",
                f"Für das Format {fmt} bitte eine Datei mit --out angeben.",
                f"Give a file with --out for the format {fmt}.",
            )
        typer.echo(draft_markdown(app, cooperation), nl=False)
        return
    done = write_draft(app, cooperation, out, fmt)
    if as_json:
        emit_json(done)
        return
    en = state.lang == "en"
    line = f"{'Draft written' if en else 'Entwurf geschrieben'}: {done['file']} ({done['bytes']} Bytes)"
    if done["placeholders"]:
        line += f"; {'missing' if en else 'fehlt noch'}: {', '.join(done['placeholders'])}"
    typer.echo(line + ".")
