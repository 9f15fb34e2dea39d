"""The audit trail, reports, the portfolio, the demo and the local stack."""

# No `from __future__ import annotations`: see ikz.cli.main.

import sys
from pathlib import Path
from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import app, audit_app
from ikz.cli.ids import CoopId, in_range
from ikz.cli.output import Json, done, emit_json, table
from states.errors import IkzError

# --- audit, lifecycle, demo -----------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            help="Anker-Datei, gegen die geprüft wird (Standard: der neueste in data_dir/anchors).",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Den Prüfpfad prüfen: alle Hash-Ketten, jede Fakt-Zeile, jede Kooperation gegen
    ihre Kette und die Köpfe des Ankers."""
    from ikz.actions.anchor import latest_anchor
    from ikz.views.audit import verify_trail

    app_ = state.open()
    report = verify_trail(app_, anchor or latest_anchor(app_))
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "records": report.records,
                "facts": report.facts,
                "anchor": report.anchor,
                "anchored_chains": report.anchored_chains,
                "findings": [f.as_dict() for f in report.findings],
            }
        )
        if not report.ok:
            raise typer.Exit(1)
        return
    if not report.ok:
        first, *more = report.findings
        for f in more:
            typer.echo(f.text(state.lang), err=True)
        raise IkzError(
            "audit_broken",
            f"Prüfpfad gebrochen: {first.de}"
            + (f" (und {len(more)} weitere Befunde)" if more else ""),
            f"Audit chain broken: {first.en}"
            + (f" (and {len(more)} more findings)" if more else ""),
        )
    anchored_de = (
        f"; {report.anchored_chains} Kettenköpfe des Ankers {report.anchor} vorhanden"
        if report.anchor
        else "; kein Anker (ikz audit anchor)"
    )
    anchored_en = (
        f"; {report.anchored_chains} chain heads of anchor {report.anchor} present"
        if report.anchor
        else "; no anchor (ikz audit anchor)"
    )
    done(
        f"Prüfpfad in Ordnung: {report.records} Einträge geprüft, {report.facts} Fakten"
        + anchored_de
        + ".",
        f"Audit trail intact: {report.records} records checked, {report.facts} facts"
        + anchored_en
        + ".",
    )


@audit_app.command("anchor")
def audit_anchor(
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Zieldatei (Standard: data_dir/anchors/<Datum>.json)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Die Köpfe aller Hash-Ketten signiert in eine Datei schreiben und ihren Prüfwert
    an die Koordinator:innen mailen."""
    from ikz.actions.anchor import write_anchor

    result = write_anchor(state.open(), file)
    if as_json:
        emit_json(result.as_dict())
        return
    done(
        f"Anker geschrieben: {result.path} ({result.chains} Ketten, Prüfwert {result.digest}); "
        f"an {len(result.told)} Koordinator:innen gemailt.",
        f"Anchor written: {result.path} ({result.chains} chains, digest {result.digest}); "
        f"mailed to {len(result.told)} coordinators.",
    )


@app.command("report")
def report(
    cooperation: CoopId,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Sprache des Berichts: de oder en.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Erfolgsbericht mit Diagrammen und Entwurf einer gemeinsamen Pressemitteilung erzeugen."""
    from ikz.events.artifacts import publish_markdown
    from ikz.reporting.report import generate_success_report
    from states.errors import InvalidInputError

    chosen = lang or state.lang
    if chosen not in ("de", "en"):
        raise InvalidInputError(
            "bad_language",
            f"--lang: unbekannte Sprache '{chosen}' (de, en).",
            f"--lang: unknown language '{chosen}' (de, en).",
        )
    app = state.open()
    result = generate_success_report(app, cooperation, "en" if chosen == "en" else "de")
    # The report's page in the Prefect UI too, where a server is known (as the
    # success-report flow does).
    key = f"ikz-report-{cooperation}"
    published = publish_markdown(
        app.settings, key, result.artifact, f"Erfolgsbericht Kooperation {cooperation}"
    )
    if as_json:
        emit_json(
            {
                "cooperation_id": result.cooperation_id,
                "report_id": result.report_id,
                "lang": chosen,
                "folder": str(result.folder),
                "files": [str(f) for f in result.files],
                "artifact": key if published == "ok" else None,
            }
        )
        return
    typer.echo(
        f"Success report {result.report_id} written to {result.folder}:"
        if chosen == "en"
        else f"Erfolgsbericht {result.report_id} erzeugt in {result.folder}:"
    )
    for f in result.files:
        typer.echo(f"  {f.name}")
    if published == "ok":
        typer.echo(
            f"Published as artifact {key}."
            if chosen == "en"
            else f"Als Artefakt {key} veröffentlicht."
        )
    elif published != "no_server":
        typer.echo(
            f"Warning: artifact {key} not published ({published})."
            if chosen == "en"
            else f"Warnung: Artefakt {key} nicht veröffentlicht ({published}).",
            err=True,
        )


@app.command("portfolio")
def portfolio(
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, callback=in_range, help="Nur die N dringlichsten Kooperationen."
        ),
    ] = None,
    as_csv: Annotated[
        bool,
        typer.Option(
            "--csv",
            help="Ausgabe als CSV für die Tabellenkalkulation (UTF-8 mit BOM; deutsch mit ; "
            "und Dezimalkomma, --lang en mit , und Punkt), mit den Förderzahlen je Kooperation.",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Portfolio: Ampel je Erfolgsfaktor, nächster Schritt, Hinweise, Prüfung, Konflikte."""
    from ikz.views.portfolio import COLUMNS_EN, portfolio_view

    app_ = state.open()
    view = portfolio_view(app_, limit, state.lang)
    if as_json:
        emit_json({"total": view.total, "rows": view.rows})
    elif as_csv:
        from ikz.views.portfolio_csv import with_funding, write_csv

        write_csv(with_funding(app_, view.rows, state.lang), sys.stdout, state.lang)
    else:
        shown = (
            "ID",
            "Kooperation",
            "Zustand",
            "Ampel",
            "Nächster Schritt",
            "Offene Punkte",
            "Nächste Prüfung",
            "Offene Konflikte",
            "Zustellfehler",
        )
        names = [COLUMNS_EN[k] for k in shown] if state.lang == "en" else shown
        table(view.rows, [(k, k) for k in names])
        if view.truncated:
            done(
                f"({len(view.rows)} von {view.total} Kooperationen, die dringlichsten zuerst)",
                f"({len(view.rows)} of {view.total} cooperations, most urgent first)",
            )


@app.command("lifecycle")
def lifecycle(
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Als Mermaid-Zustandsdiagramm.")
    ] = False,
) -> None:
    """Den Lebenszyklus anzeigen."""
    from states.lifecycle import EDGES, STATE_LABELS
    from states.lifecycle import mermaid as to_mermaid

    if mermaid:
        typer.echo(to_mermaid())
        return
    for e in EDGES:
        src = STATE_LABELS[e.source][1 if state.lang == "en" else 0]
        dst = STATE_LABELS[e.dest][1 if state.lang == "en" else 0]
        typer.echo(f"{e.trigger.value:16} {src} -> {dst}")


@app.command("demo")
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Nichts tun, wenn schon Daten da sind.")
    ] = False,
) -> None:
    """Datenbank anlegen und ein realistisches Demo-Portfolio laden."""
    from ikz.demo import has_data, load_demo
    from models.schema import upgrade

    app_ = state.open(check_schema=False)
    upgrade(app_.db)
    if if_empty and has_data(app_):
        done("Daten vorhanden, Demo nicht erneut geladen.", "Data present, demo not loaded again.")
        return
    summary = load_demo(app_)
    done(
        f"Demo geladen: {summary['municipalities']} Kommunen, {summary['people']} Personen, {summary['cooperations']} Kooperationen.",
        f"Demo loaded: {summary['municipalities']} municipalities, {summary['people']} people, {summary['cooperations']} cooperations.",
    )


@app.command("up")
def up(
    port: Annotated[
        int, typer.Option(help="Port des Gateways (Anmeldung, Prefect-UI und -API).")
    ] = 4200,
) -> None:
    """Lokalen Stack starten: Gateway mit Anmeldung vor Prefect-Server und UI, alle
    Deployments, Mail-Sink, Demo-Daten."""
    from deployments.stack import up as run_up
    from ikz.gcpause import resume_gc
    from ikz.settings import get_settings

    resume_gc()  # runs until stopped: main() paused the GC for short commands only
    run_up(get_settings(), port=port, echo=typer.echo)
