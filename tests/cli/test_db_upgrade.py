"""`ikz db upgrade`: a database the migrations cannot bring forward is refused in one
line, and stays as it was; one they can is brought to the newest revision."""

from __future__ import annotations

import sqlite3

from models.schema import HEAD_REVISION
from tests.cli.helpers import Cli


def test_an_upgrade_that_cannot_run_says_so_in_one_line_and_changes_nothing(cli: Cli) -> None:
    # A database written by a newer ikz-flow: its revision is unknown to this code.
    conn = sqlite3.connect(cli.db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = cli.dump()

    res = cli("db", "upgrade")

    assert res.code != 0 and res.out == ""
    assert res.err == (
        "Fehler: Das Upgrade der Datenbank ist gescheitert, sie bleibt auf Revision 9999: "
        "Can't locate revision identified by '9999'\n"
    )
    assert cli.dump() == before


def test_an_upgrade_of_a_current_database_is_a_no_op(cli: Cli) -> None:
    res = cli.ok("db", "upgrade")
    assert res.out == f"Datenbank auf Revision {HEAD_REVISION}.\n"
