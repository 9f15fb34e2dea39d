"""`ikz statistics`: the figures asked in parliamentary questions."""

# No `from __future__ import annotations`: see ikz.cli.main.

import sys
from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import app
from ikz.cli.output import Json, emit_json


@app.command("statistics")
def statistics(
    as_json: Json = False,
    as_csv: Annotated[
        bool,
        typer.Option(
            "--csv",
            help="Ausgabe als CSV für die Tabellenkalkulation (UTF-8 mit BOM; deutsch mit ; "
            "und Dezimalkomma, --lang en mit , und Punkt), eine Tabelle nach der anderen.",
        ),
    ] = False,
) -> None:
    """Statistik: Kooperationen nach Aufgabenfeld, Rechtsform, Land und Phase; Förderung
    (beantragt, bewilligt, ausgezahlt) und Einsparungen (zugesagt, erreicht) je Land."""
    from ikz.views.statistics import (
        german_date,
        statistics_csv_lines,
        statistics_tables,
        statistics_view,
    )

    view = statistics_view(state.open(), state.lang)
    if as_json:
        emit_json(view)
        return
    if as_csv:
        from ikz.views.portfolio_csv import write_lines

        write_lines(statistics_csv_lines(view, state.lang), sys.stdout, state.lang)
        return
    en = state.lang == "en"
    typer.echo(
        f"{view['cooperations']} cooperations, as of {view['on']}"
        if en
        else f"{view['cooperations']} Kooperationen, Stand {german_date(view['on'])}"
    )
    for t in statistics_tables(view, state.lang):
        typer.echo("")
        typer.echo(t.title)
        widths = [max([len(h), *(len(r[i]) for r in t.rows)]) for i, h in enumerate(t.headers)]

        def line(cells: tuple[str, ...], w: list[int] = widths, right: int = t.right) -> str:
            return "  ".join(
                c.rjust(n) if i >= right else c.ljust(n)
                for i, (c, n) in enumerate(zip(cells, w, strict=True))
            ).rstrip()

        typer.echo("  " + line(t.headers))
        for row in t.rows:
            typer.echo("  " + line(row))
