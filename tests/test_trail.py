"""The audit trail catches every edit (issue 13, item 4): each kind of tampering makes
`ikz audit verify` fail naming the cooperation and the row, and the untampered database
passes. On SQLite and PostgreSQL; through the Python API and the `ikz` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from ikz.actions.anchor import read_anchor, write_anchor
from ikz.actions.facts import record_goal
from ikz.views.audit import TrailReport, verify_trail
from models import commands as c
from models.chain import FactRecord
from models.cooperation import Goal, SignOff
from models.outbox import Notification
from states.errors import IkzError
from tests.factories import World, coop_in, make_app, make_world


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = make_app(url, tmp_path)
    try:
        yield make_world(app)
    finally:
        app.close()


IKZ = str(Path(sys.executable).with_name("ikz"))


def sql(w: World, statement: str, **params: Any) -> None:
    """A write behind ikz-flow's back, as someone with a database shell would do it."""
    with w.app.db.write() as s:
        s.execute(text(statement), params)


def one(w: World, statement: str, **params: Any) -> Any:
    with w.app.db.read() as s:
        return s.execute(text(statement), params).scalar_one()


def findings(report: TrailReport) -> list[tuple[str, int | None, str | None, int | None]]:
    return [(f.code, f.cooperation_id, f.table, f.row_id) for f in report.findings]


def piloted(w: World) -> tuple[int, int]:
    """A cooperation in its pilot (two mayors signed off), and its first sign-off's id."""
    cid = coop_in(w, "pilot")
    first = one(w, "SELECT min(id) FROM signoff WHERE cooperation_id = :c", c=cid)
    return cid, int(first)


def test_the_untampered_trail_passes(any_world: World) -> None:
    w = any_world
    piloted(w)
    report = verify_trail(w.app)
    assert findings(report) == []
    assert report.ok
    # open, explore, agree, start_pilot; every fact the gates read is on the fact chain.
    assert report.records == 4
    assert report.facts == one(w, "SELECT count(*) FROM fact_record")
    assert report.facts >= 10


def test_a_deleted_sign_off_is_named(any_world: World) -> None:
    w = any_world
    cid, sid = piloted(w)
    sql(w, "DELETE FROM signoff WHERE id = :id", id=sid)
    assert findings(verify_trail(w.app)) == [("fact_deleted", cid, "signoff", sid)]


def test_a_sign_off_s_mayor_and_date_rewritten_are_named(any_world: World) -> None:
    w = any_world
    cid, sid = piloted(w)
    other_mayor = w.partners[2].mayor_id
    sql(
        w,
        "UPDATE signoff SET mayor_id = :m, signed_at = :at WHERE id = :id",
        m=other_mayor,
        at="2020-01-01 00:00:00",
        id=sid,
    )
    report = verify_trail(w.app)
    assert findings(report) == [("fact_edited", cid, "signoff", sid)]
    assert f"row {sid} of table signoff was edited" in report.findings[0].en
    assert f"Zeile {sid} der Tabelle signoff wurde verändert" in report.findings[0].de


def test_a_state_set_without_an_audit_record_is_named(any_world: World) -> None:
    w = any_world
    cid, _ = piloted(w)
    sql(w, "UPDATE cooperation SET state = 'permanent' WHERE id = :id", id=cid)
    report = verify_trail(w.app)
    assert findings(report) == [("cooperation_disagrees_with_chain", cid, None, None)]
    assert report.findings[0].en == (
        f"cooperation {cid}: state permanent / version 4, but the audit trail's last "
        "record says pilot / #4."
    )


def test_a_version_bumped_without_an_audit_record_is_named(world: World) -> None:
    cid, _ = piloted(world)
    sql(world, "UPDATE cooperation SET version = version + 1 WHERE id = :id", id=cid)
    assert findings(verify_trail(world.app)) == [
        ("cooperation_disagrees_with_chain", cid, None, None)
    ]


def test_a_cut_off_last_record_is_caught_by_the_anchor(any_world: World) -> None:
    w = any_world
    cid, _ = piloted(w)
    anchor = write_anchor(w.app)
    assert findings(verify_trail(w.app, anchor.path)) == []
    # The last record goes, and the cooperation is set back to agree with what remains:
    # the chain that is left links up, only the anchor knows its head.
    last = one(w, "SELECT max(seq) FROM transition_record WHERE cooperation_id = :c", c=cid)
    sql(w, "DELETE FROM transition_record WHERE cooperation_id = :c AND seq = :s", c=cid, s=last)
    sql(w, "UPDATE cooperation SET state = 'agreement', version = 3 WHERE id = :c", c=cid)
    assert findings(verify_trail(w.app)) == []
    report = verify_trail(w.app, anchor.path)
    assert findings(report) == [("anchored_head_missing", cid, None, None)]
    assert report.findings[0].en == (
        f"cooperation {cid}: the anchored record #4 is missing (the chain was cut off)."
    )


def test_a_deleted_last_record_alone_disagrees_with_the_cooperation(world: World) -> None:
    cid, _ = piloted(world)
    sql(
        world,
        "DELETE FROM transition_record WHERE cooperation_id = :c AND seq = 4",
        c=cid,
    )
    assert findings(verify_trail(world.app)) == [
        ("cooperation_disagrees_with_chain", cid, None, None)
    ]


def test_cut_off_facts_are_caught_by_the_anchor(world: World) -> None:
    cid, _ = piloted(world)
    anchor = write_anchor(world.app)
    goal = record_goal(
        world.app, c.RecordGoal(cooperation_id=cid, text="Neu", actor_id=world.coordinator_id)
    )
    assert findings(verify_trail(world.app, anchor.path)) == []  # the chain grew: fine
    second = write_anchor(world.app)
    # The goal and its record go together: no row is missing its record any more.
    sql(world, "DELETE FROM goal WHERE id = :id", id=goal.id)
    sql(
        world,
        "DELETE FROM fact_record WHERE table_name = 'goal' AND row_id = :id",
        id=goal.id,
    )
    assert findings(verify_trail(world.app)) == []
    assert findings(verify_trail(world.app, second.path)) == [
        ("anchored_head_missing", cid, None, None)
    ]


def test_a_rewritten_head_is_caught_by_the_anchor(world: World) -> None:
    from models.audit import TransitionRecord, record_hash

    cid, _ = piloted(world)
    anchor = write_anchor(world.app)
    with world.app.db.write() as s:
        rec = s.exec(
            select(TransitionRecord)
            .where(col(TransitionRecord.cooperation_id) == cid)
            .order_by(col(TransitionRecord.seq).desc())
        ).first()
        assert rec is not None
        rec.reason = "nachträglich umgeschrieben"
        rec.hash = record_hash(rec)
        s.add(rec)
    assert findings(verify_trail(world.app)) == []  # rehashed: the chain links up
    assert findings(verify_trail(world.app, anchor.path)) == [
        ("anchored_head_rewritten", cid, None, None)
    ]


def test_reordered_fact_records_are_named(any_world: World) -> None:
    w = any_world
    cid, _ = piloted(w)
    # Swap the first two records of the cooperation's fact chain.
    sql(w, "UPDATE fact_record SET seq = -1 WHERE cooperation_id = :c AND seq = 1", c=cid)
    sql(w, "UPDATE fact_record SET seq = 1 WHERE cooperation_id = :c AND seq = 2", c=cid)
    sql(w, "UPDATE fact_record SET seq = 2 WHERE cooperation_id = :c AND seq = -1", c=cid)
    report = verify_trail(w.app)
    assert [f[:2] for f in findings(report)] == [("fact_chain_broken", cid)]
    assert "prev_hash does not match" in report.findings[0].en


def test_swapped_fact_rows_are_named(world: World) -> None:
    cid, _ = piloted(world)
    a = record_goal(
        world.app, c.RecordGoal(cooperation_id=cid, text="A", actor_id=world.coordinator_id)
    )
    b = record_goal(
        world.app, c.RecordGoal(cooperation_id=cid, text="B", actor_id=world.coordinator_id)
    )
    sql(world, "UPDATE goal SET text = 'B' WHERE id = :id", id=a.id)
    sql(world, "UPDATE goal SET text = 'A' WHERE id = :id", id=b.id)
    assert findings(verify_trail(world.app)) == [
        ("fact_edited", cid, "goal", a.id),
        ("fact_edited", cid, "goal", b.id),
    ]


def test_an_edited_fact_record_is_named(world: World) -> None:
    cid, sid = piloted(world)
    rid = one(
        world,
        "SELECT id FROM fact_record WHERE table_name = 'signoff' AND row_id = :r",
        r=sid,
    )
    sql(world, "UPDATE fact_record SET proof_kind = 'document' WHERE id = :id", id=rid)
    report = verify_trail(world.app)
    assert findings(report) == [("fact_chain_broken", cid, "signoff", sid)]
    assert report.findings[0].record_id == rid
    assert "hash does not match" in report.findings[0].en


def test_a_row_written_behind_ikz_s_back_is_named(world: World) -> None:
    cid, _ = piloted(world)
    sql(world, "INSERT INTO goal (cooperation_id, text, created_at) VALUES (:c, 'x', :at)",
        c=cid, at="2026-01-01 00:00:00")  # fmt: skip
    gid = one(world, "SELECT max(id) FROM goal")
    assert findings(verify_trail(world.app)) == [("fact_unchained", cid, "goal", gid)]


def test_an_edited_proof_of_a_transition_is_named(world: World) -> None:
    cid, _ = piloted(world)
    sql(
        world,
        "UPDATE transition_record SET proof_kind = 'mail_link' "
        "WHERE cooperation_id = :c AND seq = 2",
        c=cid,
    )
    assert [f[:2] for f in findings(verify_trail(world.app))] == [("transition_chain_broken", cid)]


def test_a_conflict_s_edited_level_is_named(world: World) -> None:
    from ikz.actions.conflicts import raise_conflict

    cid, _ = piloted(world)
    kid = raise_conflict(
        world.app,
        c.RaiseConflict(cooperation_id=cid, subject="Kosten", actor_id=world.coordinator_id),
    ).id
    sql(world, "UPDATE conflict SET level = 'mayors' WHERE id = :id", id=kid)
    assert findings(verify_trail(world.app)) == [("fact_edited", cid, "conflict", kid)]


def test_fact_rows_cannot_be_deleted_through_ikz(world: World) -> None:
    _, sid = piloted(world)
    with pytest.raises(IkzError) as err, world.app.db.write() as s:
        row = s.get(SignOff, sid)
        s.delete(row)
    assert err.value.code == "append_only"
    assert one(world, "SELECT count(*) FROM signoff WHERE id = :id", id=sid) == 1
    assert verify_trail(world.app).ok


def test_every_fact_write_appends_one_record_with_its_proof(world: World) -> None:
    from states.proof import Proof, ProofKind
    from tests.factories import acting_as

    cid, _ = piloted(world)
    before = one(world, "SELECT count(*) FROM fact_record WHERE cooperation_id = :c", c=cid)
    session = Proof(ProofKind.SESSION, world.coordinator_id, "sess-hash")
    with acting_as(world.app, session):
        goal = record_goal(
            world.app, c.RecordGoal(cooperation_id=cid, text="Z", actor_id=world.coordinator_id)
        )
    with world.app.db.read() as s:
        recs = s.exec(
            select(FactRecord)
            .where(col(FactRecord.cooperation_id) == cid)
            .order_by(col(FactRecord.seq))
        ).all()
        stored = s.get(Goal, goal.id)
    assert len(recs) == before + 1
    last = recs[-1]
    assert (last.table_name, last.row_id, last.op, last.actor_id, last.backfilled) == (
        "goal",
        goal.id,
        "insert",
        world.coordinator_id,
        False,
    )
    assert (last.proof_kind, last.proof_person_id, last.proof_detail) == (
        "session",
        world.coordinator_id,
        "sess-hash",
    )
    assert last.prev_hash == recs[-2].hash
    assert stored is not None


# --- the anchor -------------------------------------------------------------------------


def test_the_anchor_is_signed_kept_and_mailed_to_the_coordinators(world: World) -> None:
    cid, _ = piloted(world)
    anchor = write_anchor(world.app)
    assert anchor.path == Path(world.app.settings.data_dir) / "anchors" / (
        world.clock().date().isoformat() + ".json"
    )
    data = json.loads(anchor.path.read_text(encoding="utf-8"))
    assert set(data) == {"format", "created_at", "digest", "heads", "mac"}
    assert data["heads"]["transitions"][str(cid)][0] == 4
    assert set(data["heads"]) == {"transitions", "conflicts", "facts"}
    assert read_anchor(world.app, anchor.path)["transitions"][str(cid)][0] == 4
    with world.app.db.read() as s:
        mails = s.exec(select(Notification).where(col(Notification.kind) == "audit_anchor")).all()
    assert [(m.recipient_id, m.context["digest"]) for m in mails] == [
        (world.coordinator_id, anchor.digest)
    ]


def test_an_altered_anchor_is_refused(world: World) -> None:
    cid, _ = piloted(world)
    anchor = write_anchor(world.app)
    data = json.loads(anchor.path.read_text(encoding="utf-8"))
    data["heads"]["transitions"][str(cid)] = [3, data["heads"]["transitions"][str(cid)][1]]
    anchor.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IkzError) as err:
        verify_trail(world.app, anchor.path)
    assert err.value.code == "anchor_invalid"
    assert err.value.en == (
        f"Anchor {anchor.path} is invalid: its signature does not match (altered, or made "
        "with another key)."
    )


# --- the command ------------------------------------------------------------------------


def ikz(w: World, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The `ikz` command on the world's database and data directory (its secret, its
    anchors), in English."""
    env = {**os.environ, "IKZ_DATABASE_URL": url, "IKZ_DATA_DIR": str(w.app.settings.data_dir)}
    return subprocess.run(
        [IKZ, "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_verify_names_cooperation_and_row_and_checks_the_latest_anchor(
    world: World, sqlite_url: str
) -> None:
    cid, sid = piloted(world)
    env_dir = str(world.app.settings.data_dir)
    ok = ikz(world, sqlite_url, "audit", "anchor", "--json")
    assert ok.returncode == 0, ok.stderr
    made = json.loads(ok.stdout)
    assert made["file"].startswith(env_dir)
    assert made["coordinators_told"] == [world.coordinator_id]
    good = ikz(world, sqlite_url, "audit", "verify")
    assert good.returncode == 0, good.stderr
    assert "4 records checked" in good.stdout
    assert f"chain heads of anchor {made['file']} present" in good.stdout
    sql(
        world,
        "UPDATE signoff SET mayor_id = :m WHERE id = :id",
        m=world.partners[2].mayor_id,
        id=sid,
    )
    bad = ikz(world, sqlite_url, "audit", "verify")
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        f"Error: Audit chain broken: cooperation {cid}: row {sid} of table signoff was edited "
        f"(no longer matches record "
        f"{one(world, 'SELECT max(id) FROM fact_record WHERE row_id = :r AND table_name = :t', r=sid, t='signoff')}, "
        f"#{one(world, 'SELECT max(seq) FROM fact_record WHERE row_id = :r AND table_name = :t', r=sid, t='signoff')})."
    )
    assert "Traceback" not in bad.stderr
    as_json = ikz(world, sqlite_url, "audit", "verify", "--json")
    assert as_json.returncode == 1
    body = json.loads(as_json.stdout)
    assert body["ok"] is False
    assert [
        (f["code"], f["cooperation_id"], f["table"], f["row_id"]) for f in body["findings"]
    ] == [("fact_edited", cid, "signoff", sid)]


@pytest.mark.postgres
def test_concurrent_fact_writers_of_one_cooperation_take_turns(pg_url: str, tmp_path: Path) -> None:
    """Two writers recording facts of the same cooperation at once on PostgreSQL: every
    write lands, each on its own chain position."""
    from concurrent.futures import ThreadPoolExecutor

    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        cid, _ = piloted(w)

        def write(i: int) -> int | None:
            cmd = c.RecordGoal(cooperation_id=cid, text=f"Ziel {i}", actor_id=w.coordinator_id)
            return record_goal(app, cmd).id

        with ThreadPoolExecutor(max_workers=4) as pool:
            ids = list(pool.map(write, range(40)))
        assert len(set(ids)) == 40
        assert verify_trail(app).ok
        # The pilot's own goal and the 40 new ones, each once on the chain.
        assert one(w, "SELECT count(*) FROM fact_record WHERE table_name = 'goal'") == 41
    finally:
        app.close()


def test_cli_verify_with_a_missing_anchor_says_so_in_one_line(
    world: World, sqlite_url: str, tmp_path: Path
) -> None:
    piloted(world)
    missing = tmp_path / "nirgends.json"
    res = ikz(world, sqlite_url, "audit", "verify", "--anchor", str(missing))
    assert res.returncode == 2
    assert res.stderr == f"Error: No anchor file {missing}.\n"
    assert res.stdout == ""
