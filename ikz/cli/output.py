"""Printing for the CLI: JSON for machines, aligned plain text for people."""

# No `from __future__ import annotations`: `Json` is read by Typer at import.

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

import typer

from ikz.cli.context import state

Json = Annotated[bool, typer.Option("--json", help="Ausgabe als JSON.")]


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def listing(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], as_json: bool
) -> None:
    """A listing command's output: all fields as JSON, or the columns as a table."""
    if as_json:
        emit_json(rows)
    else:
        table(rows, columns)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> None:
    """Print `rows` under headers; columns are (key, header) pairs."""
    if not rows:
        typer.echo("(keine Einträge)")
        return
    cells = [[_cell(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
    typer.echo("  ".join(h.ljust(w) for (_, h), w in zip(columns, widths, strict=True)).rstrip())
    for c in cells:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())


def done(de: str, en: str) -> None:
    """What worked, in the chosen language."""
    typer.echo(en if state.lang == "en" else de)
