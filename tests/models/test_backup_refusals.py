"""What backup and restore refuse, each with one clear line and nothing changed, and how
they behave beside other connections to a live SQLite database."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ikz.app import App
from ikz.views.cooperation import list_cooperations
from models.backup import backup, read_manifest, restore
from models.db import connect
from states.errors import IkzError
from tests.factories import World, make_app, make_world, open_coop


def titles(app: App) -> list[str]:
    return sorted(str(c["title"]) for c in list_cooperations(app))


@pytest.fixture
def saved(world: World, tmp_path: Path) -> Path:
    """A backup of the world's SQLite database holding one cooperation."""
    open_coop(world, title="Gesichert")
    target = tmp_path / "b.zip"
    backup(world.app.db, target, now=world.clock())
    return target


def live_file(world: World) -> Path:
    return Path(str(world.app.db.url).removeprefix("sqlite:///"))


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the database's folder and its content: 'nothing changed' (the log
    checkpointed first; -shm is SQLite's shared index, which every reader touches)."""
    sqlite3.connect(folder / "ikz.sqlite3").execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith((".zip", "-shm"))
    }


def refused(world: World, source: Path, code: str, *, force: bool = True) -> IkzError:
    before = fingerprint(live_file(world).parent)
    with pytest.raises(IkzError) as caught:
        restore(world.app.db, source, force=force)
    assert caught.value.code == code
    assert "\n" not in caught.value.de and "\n" not in caught.value.en
    assert fingerprint(live_file(world).parent) == before
    return caught.value


def rezip(
    source: Path,
    target: Path,
    *,
    manifest: dict[str, object] | None = None,
    payload: bytes | None = None,
) -> Path:
    with zipfile.ZipFile(source) as zf:
        old = json.loads(zf.read("manifest.json"))
        data = zf.read(old["payload"])
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest or old))
        zf.writestr(old["payload"], data if payload is None else payload)
    return target


def test_a_file_that_is_no_zip_is_not_a_backup(world: World, tmp_path: Path) -> None:
    other = tmp_path / "notes.zip"
    other.write_text("Protokoll der Sitzung\n")
    err = refused(world, other, "backup_not_ikz")
    assert err.de == f"{other} ist keine Sicherung von ikz-flow; nichts geändert."
    assert err.en == f"{other} is not an ikz-flow backup; nothing changed."


def test_a_zip_without_our_manifest_is_not_a_backup(world: World, tmp_path: Path) -> None:
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "hallo")
    refused(world, other, "backup_not_ikz")


def test_a_manifest_of_another_format_is_not_a_backup(
    world: World, saved: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(saved) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["format"] = "someone-elses-backup"
    refused(world, rezip(saved, tmp_path / "x.zip", manifest=manifest), "backup_not_ikz")


def test_a_newer_backup_format_asks_for_a_newer_ikz_flow(
    world: World, saved: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(saved) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest.update(format_version=2, encryption="age")
    err = refused(world, rezip(saved, tmp_path / "x.zip", manifest=manifest), "backup_format_newer")
    assert err.en == (
        f"{tmp_path / 'x.zip'} has a newer backup format (2) than this version of ikz-flow "
        "knows: update ikz-flow first; nothing changed."
    )


def test_a_truncated_backup_is_damaged(world: World, saved: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    err = refused(world, cut, "backup_damaged")
    assert err.de == f"{cut} ist beschädigt oder unvollständig; nichts geändert."
    assert err.en == f"{cut} is damaged or truncated; nothing changed."


def test_a_flipped_byte_in_the_payload_is_damaged(
    world: World, saved: Path, tmp_path: Path
) -> None:
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as zf:
        info = zf.getinfo("database.sqlite")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    refused(world, bad, "backup_damaged")


def test_a_payload_that_does_not_match_its_checksum_is_damaged(
    world: World, saved: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(saved) as zf:
        payload = zf.read("database.sqlite")
    changed = rezip(saved, tmp_path / "x.zip", payload=payload[:-4096])
    err = refused(world, changed, "backup_damaged")
    assert "SHA-256" in err.de


def test_a_schema_newer_than_the_code_is_refused(world: World, saved: Path, tmp_path: Path) -> None:
    newer = make_app(f"sqlite:///{tmp_path / 'newer' / 'ikz.sqlite3'}", tmp_path)
    try:
        with newer.db.write() as s:
            s.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
        backup(newer.db, tmp_path / "newer.zip", now=world.clock())
    finally:
        newer.close()
    err = refused(world, tmp_path / "newer.zip", "backup_schema_newer")
    assert "0099" in err.de and "0099" in err.en


def test_a_database_that_holds_data_is_replaced_only_with_force(world: World, saved: Path) -> None:
    open_coop(world, title="Nach der Sicherung")
    err = refused(world, saved, "restore_target_not_empty", force=False)
    assert "--force" in err.de and "--force" in err.en
    assert titles(world.app) == ["Gesichert", "Nach der Sicherung"]

    restore(world.app.db, saved, force=True)

    assert titles(world.app) == ["Gesichert"]


def test_an_existing_file_is_overwritten_only_with_force(world: World, saved: Path) -> None:
    before = saved.read_bytes()
    with pytest.raises(IkzError) as caught:
        backup(world.app.db, saved, now=world.clock())
    assert caught.value.code == "backup_exists"
    assert saved.read_bytes() == before

    world.clock.advance(hours=1)
    backup(world.app.db, saved, now=world.clock(), force=True)

    assert read_manifest(saved).created_at == "2026-01-05T10:00:00+00:00"


def test_a_database_never_created_is_not_backed_up(tmp_path: Path) -> None:
    db = connect(f"sqlite:///{tmp_path / 'none' / 'ikz.sqlite3'}")
    try:
        with pytest.raises(IkzError) as caught:
            backup(db, tmp_path / "b.zip", now=datetime(2026, 3, 1, tzinfo=UTC))
    finally:
        db.dispose()
    assert caught.value.code == "backup_no_database"
    assert not (tmp_path / "b.zip").exists()


def test_a_backup_holds_every_commit_before_it_and_none_in_flight(
    world: World, tmp_path: Path
) -> None:
    open_coop(world, title="Festgeschrieben")
    other = sqlite3.connect(live_file(world), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing, not yet committed
        other.execute("UPDATE cooperation SET title = 'Halb geschrieben'")
        backup(world.app.db, tmp_path / "b.zip", now=world.clock())
        other.execute("COMMIT")
    finally:
        other.close()
    restore(world.app.db, tmp_path / "b.zip", force=True)
    assert titles(world.app) == ["Festgeschrieben"]


def test_a_connection_open_during_the_restore_sees_the_restored_data(
    world: World, saved: Path
) -> None:
    """Why restore copies through the backup API instead of renaming a file over the live
    one: a connection held by another process (the stack) keeps working on the restored
    data, instead of writing on into a replaced, unlinked file."""
    open_coop(world, title="Nach der Sicherung")
    other = sqlite3.connect(live_file(world), isolation_level=None)
    try:
        assert other.execute("SELECT count(*) FROM cooperation").fetchone() == (2,)
        restore(world.app.db, saved, force=True)
        assert other.execute("SELECT count(*) FROM cooperation").fetchone() == (1,)
        other.execute("UPDATE cooperation SET title = 'Von nebenan'")
    finally:
        other.close()
    assert titles(world.app) == ["Von nebenan"]


def test_a_restore_into_a_new_place_renames_the_file_in_and_drops_a_stale_log(
    world: World, saved: Path, tmp_path: Path
) -> None:
    place = tmp_path / "neu" / "ikz.sqlite3"
    place.parent.mkdir()
    Path(f"{place}-wal").write_bytes(b"stale log of a deleted database")
    db = connect(f"sqlite:///{place}")
    try:
        restore(db, saved)
        fresh = App(db=db, settings=world.app.settings)
        assert titles(fresh) == ["Gesichert"]
    finally:
        db.dispose()
    assert sorted(p.name for p in place.parent.iterdir()) == ["ikz.sqlite3"]


def test_a_file_that_is_no_database_is_replaced_only_with_force(
    world: World, saved: Path, tmp_path: Path
) -> None:
    place = tmp_path / "kaputt" / "ikz.sqlite3"
    place.parent.mkdir()
    place.write_bytes(b"kein SQLite" * 100)
    db = connect(f"sqlite:///{place}")
    try:
        with pytest.raises(IkzError) as caught:
            restore(db, saved)
        assert caught.value.code == "restore_target_not_empty"
        assert place.read_bytes() == b"kein SQLite" * 100

        restore(db, saved, force=True)

        assert titles(App(db=db, settings=world.app.settings)) == ["Gesichert"]
    finally:
        db.dispose()


@pytest.mark.postgres
def test_backups_of_the_other_kind_are_refused_both_ways(
    world: World, saved: Path, pg_url: str, tmp_path: Path
) -> None:
    pg = make_app(pg_url, tmp_path)
    try:
        with pytest.raises(IkzError) as caught:
            restore(pg.db, saved, force=True)
        assert caught.value.code == "backup_wrong_kind"
        assert caught.value.de == (
            f"{saved} ist eine Sicherung einer SQLite-Datenbank, konfiguriert ist "
            "PostgreSQL; nichts geändert."
        )
        backup(pg.db, tmp_path / "pg.zip", now=world.clock())
    finally:
        pg.close()
    err = refused(world, tmp_path / "pg.zip", "backup_wrong_kind")
    assert err.en == (
        f"{tmp_path / 'pg.zip'} is a backup of a PostgreSQL database; the configured "
        "database is SQLite; nothing changed."
    )


@pytest.mark.postgres
def test_a_damaged_dump_is_refused_by_pg_restore_before_anything_changes(
    pg_url: str, tmp_path: Path
) -> None:
    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        open_coop(w, title="Bleibt")
        backup(app.db, tmp_path / "pg.zip", now=w.clock())
        with zipfile.ZipFile(tmp_path / "pg.zip") as zf:
            manifest = json.loads(zf.read("manifest.json"))
            dump = zf.read("database.pgdump")
        cut = dump[: len(dump) // 2]
        manifest.update(payload_size=len(cut), payload_sha256=hashlib.sha256(cut).hexdigest())
        bad = rezip(tmp_path / "pg.zip", tmp_path / "bad.zip", manifest=manifest, payload=cut)
        open_coop(w, title="Nach der Sicherung")
        with pytest.raises(IkzError) as caught:
            restore(app.db, bad, force=True)
        assert caught.value.code == "backup_damaged"
        assert titles(app) == ["Bleibt", "Nach der Sicherung"]
    finally:
        app.close()
