"""The `ikz` command line. Errors print one clear line (no traceback) and exit non-zero.

The command tree is split by group: ikz.cli.groups (the groups), ikz.cli.actions (the
coordinator actions, derived from the action registry), and one module per group of
reading and operating commands (directory, coop, conflict, notify, admin).
"""

# No `from __future__ import annotations` here: Typer reads every command's signature when
# it builds the command tree, and string annotations would be evaluated anew each time
# (some 15 ms of every start); evaluated once at import they cost next to nothing.

import gc
import os
import sys
from typing import Annotated

# Plain usage errors: one line, no box drawn at 80 columns (and no rich import at start).
os.environ.setdefault("TYPER_USE_RICH", "0")

import typer

from ikz.cli import (  # noqa: F401  (their commands)
    admin,
    conflict,
    coop,
    directory,
    events,
    notify,
)
from ikz.cli.context import state
from ikz.cli.groups import app
from ikz.gcpause import gc_paused
from states.errors import IkzError


@app.callback()
def _root(
    lang: Annotated[
        str | None, typer.Option("--lang", help="Sprache der Ausgabe: de oder en.")
    ] = None,
) -> None:
    from ikz.settings import get_settings

    chosen = lang or get_settings().language
    if chosen not in ("de", "en"):
        raise IkzError(
            "bad_language",
            f"Unbekannte Sprache '{chosen}' (de, en).",
            f"Unknown language '{chosen}' (de, en).",
        )
    state.lang = "en" if chosen == "en" else "de"


def main(argv: list[str] | None = None) -> None:
    """Console entry point: expected errors become one line on stderr and an exit code.

    argv None means the `ikz` process itself (tests pass argv and run in-process)."""
    # Start-up (SQLAlchemy, SQLModel, pydantic, the tables, imported lazily from here on)
    # creates some 10^5 objects that live as long as the process; the cyclic GC would scan
    # them again and again while they are created, and once more at exit: together about a
    # quarter of a cold `ikz coop show`. A command is short, so the GC waits until it ends;
    # a long-running one turns it back on (`ikz.gcpause.resume_gc`).
    with gc_paused():
        try:
            _run(argv)
        finally:
            state.close()
            if argv is None:
                # The process exits next: nothing left is worth a collection, and frozen
                # objects spare the interpreter its full collection at shutdown.
                gc.freeze()


def _run(argv: list[str] | None) -> None:
    """The command; an expected error becomes one line on stderr and its exit code."""
    try:
        try:
            app(args=argv, prog_name="ikz")
        except IkzError:
            raise
        except Exception as exc:
            expected = _as_ikz_error(exc)
            if expected is None:
                raise
            raise expected from exc
    except IkzError as exc:
        typer.echo(
            f"Fehler: {exc.text(state.lang)}" if state.lang == "de" else f"Error: {exc.text('en')}",
            err=True,
        )
        sys.exit(exc.exit_code)


def _as_ikz_error(exc: Exception) -> IkzError | None:
    """Environment problems are expected errors too: a bad IKZ_* setting, an unreachable
    or unusable database. Anything else is a bug and keeps its traceback."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, ValidationError) and exc.title == "Settings":
        parts = [
            f"IKZ_{'_'.join(str(x) for x in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        ]
        return IkzError(
            "bad_setting",
            "Ungültige Einstellung: " + "; ".join(parts),
            "Invalid setting: " + "; ".join(parts),
        )
    if isinstance(exc, OperationalError):
        why = (str(exc.orig or exc).strip().splitlines() or ["?"])[0]
        return IkzError(
            "database_unavailable",
            f"Datenbank nicht erreichbar oder nicht nutzbar: {why}",
            f"Database unreachable or unusable: {why}",
        )
    return None


if __name__ == "__main__":  # `python -m ikz.cli.main` (e.g. with -X importtime) = `ikz`
    main()
