"""Ids typed on the command line: refused by Click, in one line, when no row can have them.

SQLite's INTEGER and PostgreSQL's BIGINT hold at most 2**63-1; a bigger number reached
the database driver and failed there (OverflowError) rather than as a message. Zero and
negative ids are left to the commands (not found, or "must be greater than 0").

A callback, not Click's `max=`: that would print "[x<=9223372036854775807]" beside every
option in `--help`.
"""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated, Any

import typer

# = models.commands.MAX_ID (a test checks), not imported from there: `ikz coop show`
# imports no input model.
MAX_ID = 2**63 - 1


def in_range(value: Any) -> Any:
    """Click callback: an integer (or each of a list) at most MAX_ID, else a usage error
    with pydantic's report as its cause (ikz.cli.usage words it like any bad value)."""
    values = value if isinstance(value, list | tuple) else [value]
    for one in values:
        if isinstance(one, int) and one > MAX_ID:
            from pydantic import Field, TypeAdapter, ValidationError

            try:
                TypeAdapter(Annotated[int, Field(le=MAX_ID)]).validate_python(one)
            except ValidationError as exc:
                raise typer.BadParameter(str(exc.errors()[0]["msg"])) from exc
    return value


CoopId = Annotated[int, typer.Argument(help="ID der Kooperation.", callback=in_range)]
ConflictId = Annotated[int, typer.Argument(help="ID des Konflikts.", callback=in_range)]
