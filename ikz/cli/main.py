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
# Pydantic looks for plugins among the entry points of every installed distribution the
# first time it builds a model (some 3 % of a cold `ikz coop show`); ikz uses none. Set
# PYDANTIC_DISABLE_PLUGINS to something else (e.g. empty) to have them loaded after all.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

# Each module adds its commands to the tree of ikz.cli.groups when imported.
from ikz.cli import (  # noqa: F401
    admin,
    conflict,
    coop,
    db,
    directory,
    events,
    founding,
    funding,
    gateway,
    notify,
    statistics,
)
from ikz.cli.context import state
from ikz.cli.groups import app
from ikz.cli.usage import NoArgsIsHelpError, UsageError, language_of, shown, usage_error
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
        typed = shown(chosen)  # a newline typed here must not break the one line
        raise IkzError(
            "bad_language",
            f"Unbekannte Sprache '{typed}' (de, en).",
            f"Unknown language '{typed}' (de, en).",
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
            # Not standalone: Click's usage errors come here, to be one line like ours.
            code = app(args=argv, prog_name="ikz", standalone_mode=False)
        except NoArgsIsHelpError as exc:  # `ikz coop`: the group's help is the answer
            exc.show()
            sys.exit(exc.exit_code)
        except UsageError as exc:
            state.lang = language_of(sys.argv[1:] if argv is None else argv, state.lang)
            raise usage_error(exc) from None
        except typer.Abort:
            raise IkzError("aborted", "Abgebrochen.", "Aborted.") from None
        except IkzError:
            raise
        except Exception as exc:
            expected = _as_ikz_error(exc)
            if expected is None:
                raise
            raise expected from exc
        # Non-standalone Click returns the code of an exit (`--help`: 0, Ctrl-C: 130);
        # a command itself returns None.
        if isinstance(code, int) and code:
            sys.exit(code)
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
    from pydantic_settings import SettingsError
    from sqlalchemy.exc import DataError, OperationalError

    from ikz.settings import bad_setting

    # Settings built without get_settings (e.g. Settings(data_dir=...)) fail like this.
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return bad_setting(exc)
    if isinstance(exc, SettingsError):  # a JSON setting that does not parse
        return bad_setting(exc)
    if isinstance(exc, DataError):
        # A value the input models let through and the database refuses (PostgreSQL: a
        # NUL in a text): its transaction was rolled back, nothing is written.
        why = shown((str(exc.orig or exc).strip().splitlines() or ["?"])[0])
        return IkzError(
            "database_refused_value",
            f"Die Datenbank hat einen Wert abgelehnt: {why}",
            f"The database refused a value: {why}",
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
