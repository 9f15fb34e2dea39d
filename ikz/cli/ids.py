"""Ids typed on the command line: refused by Click, in one line, when no row can have them.

SQLite's INTEGER and PostgreSQL's BIGINT hold at most 2**63-1; a bigger number reached
the database driver and failed there (OverflowError) rather than as a message. Zero and
negative ids are left to the commands (not found, or "must be greater than 0").
"""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

# = models.commands.MAX_ID (a test checks), not imported from there: `ikz coop show`
# imports no input model.
MAX_ID = 2**63 - 1

CoopId = Annotated[int, typer.Argument(help="ID der Kooperation.", max=MAX_ID)]
ConflictId = Annotated[int, typer.Argument(help="ID des Konflikts.", max=MAX_ID)]
