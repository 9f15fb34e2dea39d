"""`ikz db backup` and `ikz db restore` as a person runs them: what they print, what they
refuse (one line, exit code, nothing changed), and the outbox after a restore."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ikz.settings import get_settings
from tests.cli.helpers import Cli, DemoWorld, queue_mail
from tests.mail.conftest import ScriptedHandler


def test_backup_then_restore_over_changed_data(
    demo_cli: Cli, world: DemoWorld, tmp_path: Path
) -> None:
    file = tmp_path / "sicherung.zip"
    out = demo_cli.ok("db", "backup", file).out
    assert out.startswith(f"Gesichert in {file}: sqlite, Schema-Revision 0019, ")
    before = demo_cli.ok("municipality", "list").out
    coordinator = world.person_with("coordinator")["id"]
    demo_cli.ok(
        "municipality",
        "add",
        "--name",
        "Gemeinde Nachher",
        "--ags",
        "16099999",
        "--population",
        "1200",
        "--kind",
        "gemeinde",
        "--actor",
        coordinator,
    )
    assert "Gemeinde Nachher" in demo_cli.ok("municipality", "list").out

    refused = demo_cli("db", "restore", file)
    assert refused.code == 2
    assert refused.out == ""
    assert refused.err == (
        f"Fehler: Die Datenbank {demo_cli.db_path} enthält schon Daten, die die "
        "Wiederherstellung ersetzen würde: mit --force ersetzen (vorher am besten sichern); "
        "nichts geändert.\n"
    )

    done = demo_cli.ok("db", "restore", file, "--force").out.splitlines()
    assert re.fullmatch(
        rf"Wiederhergestellt aus {re.escape(str(file))} \(Sicherung vom "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC, Schema-Revision 0019\)\.",
        done[0],
    )
    assert done[1] == (
        "Zustellstatus von 0 E-Mails aus der ersetzten Datenbank übernommen "
        "(sie werden nicht erneut gesendet)."
    )
    assert demo_cli.ok("municipality", "list").out == before
    assert demo_cli.ok("audit", "verify").out.startswith("Prüfpfad in Ordnung: ")


def test_a_file_that_is_no_backup_is_refused_in_one_line(demo_cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "notizen.txt"
    notes.write_text("keine Sicherung\n")
    before = demo_cli.dump()

    res = demo_cli("--lang", "en", "db", "restore", notes, "--force")

    assert (res.code, res.out) == (2, "")
    assert res.err == f"Error: {notes} is not an ikz-flow backup; nothing changed.\n"
    assert demo_cli.dump() == before


def test_an_existing_backup_file_is_kept_without_force(demo_cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "b.zip"
    file.write_text("frühere Sicherung")

    res = demo_cli("db", "backup", file)

    assert res.code == 2
    assert res.err == (
        f"Fehler: {file} existiert bereits: anderen Namen wählen oder --force zum Überschreiben.\n"
    )
    assert file.read_text() == "frühere Sicherung"
    demo_cli.ok("db", "backup", file, "--force")
    assert file.read_bytes().startswith(b"PK\x03\x04")


def test_nothing_to_back_up_before_the_database_exists(bare_cli: Cli, tmp_path: Path) -> None:
    res = bare_cli("db", "backup", tmp_path / "b.zip")
    assert res.code == 1
    assert res.err == (
        "Fehler: Keine ikz-flow-Datenbank zu sichern (noch nie `ikz db upgrade`?).\n"
    )
    assert not (tmp_path / "b.zip").exists()


def test_restore_onto_a_new_machine_needs_no_upgrade_first(
    demo_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "b.zip"
    demo_cli.ok("db", "backup", file)
    listing = demo_cli.ok("coop", "list").out
    new_place = tmp_path / "neu" / "ikz.sqlite3"
    monkeypatch.setenv("IKZ_DATABASE_URL", f"sqlite:///{new_place}")
    get_settings.cache_clear()

    demo_cli.ok("db", "restore", file)

    assert demo_cli.ok("coop", "list").out == listing
    assert new_place.is_file()


def test_mails_sent_after_the_backup_are_not_sent_again_after_the_restore(
    demo_cli: Cli, world: DemoWorld, inbox: ScriptedHandler, tmp_path: Path
) -> None:
    queue_mail(demo_cli, world)
    file = tmp_path / "b.zip"
    demo_cli.ok("db", "backup", file)
    sent = demo_cli.json("notify", "dispatch")["sent"]
    assert sent == 2 and len(inbox.received) == sent

    out = demo_cli.ok("db", "restore", file, "--force").out

    assert f"Zustellstatus von {sent} E-Mails aus der ersetzten Datenbank übernommen" in out
    assert demo_cli.json("notify", "dispatch") == {
        "sent": 0,
        "failed": 0,
        "retried": 0,
        "digests": 0,
    }
    assert len(inbox.received) == sent
