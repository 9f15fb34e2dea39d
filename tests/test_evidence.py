"""Evidence with every act (issue 13, item 3): each recorded act stores how its person
was proven, and a gate that needs a mayor's sign-off counts only the mayor's own proven
answer or a coordinator's recording from a document on the mayor's behalf."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from ikz.actions import conflicts as cf
from ikz.actions.facts import record_benefit, record_goal
from ikz.actions.signoff import sign_off
from ikz.views.audit import verify_trail
from ikz.views.cooperation import history, show, signoffs
from models import commands as c
from models.audit import ConflictRecord
from models.chain import FactRecord
from models.cooperation import SignOff
from states.errors import InvalidInputError, PolicyRefusedError
from states.proof import Proof, ProofKind
from tests.factories import (
    World,
    acting_as,
    coop_in,
    mail_link,
    mayor_signs_off,
    paper_signoff,
)
from tests.test_signoff import JENA_MISSING, WEIMAR_MISSING, ready_but_for_signoffs

IKZ = str(Path(sys.executable).with_name("ikz"))


def pilot_misses(w: World, cid: int) -> list[str]:
    gates = {g["trigger"]: g for g in show(w.app, cid)["gates"]}
    return [u["message"] for u in gates["start_pilot"]["unmet"]]


def counts(w: World, table: str) -> int:
    with w.app.db.read() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# --- the sign-off: proven own, or documented on the mayor's behalf -------------------


def test_the_mayor_s_own_answer_by_mail_link_counts(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    row = mayor_signs_off(world, cid, jena)
    assert (row.mayor_id, row.proof_kind, row.proof_person_id) == (
        jena.mayor_id,
        "mail_link",
        jena.mayor_id,
    )
    assert row.proof_detail == f"<test-{jena.mayor_id}@ikz-flow.test>"
    assert pilot_misses(world, cid) == [WEIMAR_MISSING]


def test_a_sign_off_on_the_command_line_without_document_is_refused(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    before = (counts(world, "signoff"), counts(world, "fact_record"), counts(world, "outbox"))
    with pytest.raises(PolicyRefusedError) as err:
        sign_off(
            world.app,
            c.SignOffGate(
                cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=jena.mayor_id
            ),
        )
    assert err.value.code == "policy.signoff_needs_personal_proof"
    assert err.value.en == (
        "Not allowed: a sign-off counts only as the mayor's own proven answer (the link in "
        "the sign-off mail, a login, their own token); on the command line record it with "
        "the document (--document FILE)."
    )
    assert "--document DATEI" in err.value.de
    after = (counts(world, "signoff"), counts(world, "fact_record"), counts(world, "outbox"))
    assert after == before
    assert pilot_misses(world, cid) == [JENA_MISSING, WEIMAR_MISSING]


def test_someone_else_s_link_does_not_make_a_sign_off(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena, weimar = world.partners[0], world.partners[1]
    with pytest.raises(PolicyRefusedError) as err, acting_as(world.app, mail_link(weimar.mayor_id)):
        sign_off(
            world.app,
            c.SignOffGate(
                cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=jena.mayor_id
            ),
        )
    assert err.value.code == "policy.signoff_needs_personal_proof"
    assert counts(world, "signoff") == 0


def test_a_paper_sign_off_recorded_from_its_document_counts(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    row = paper_signoff(world, cid, jena, "Freigabe Pilotbetrieb, gez. BM Jena")
    sha = hashlib.sha256(b"Freigabe Pilotbetrieb, gez. BM Jena").hexdigest()
    assert (row.mayor_id, row.proof_kind, row.proof_person_id, row.proof_on_behalf_of) == (
        jena.mayor_id,
        "document",
        world.coordinator_id,
        jena.mayor_id,
    )
    assert (row.proof_detail, row.proof_document_sha256) == (
        f"freigabe-{cid}-{jena.municipality_id}.txt",
        sha,
    )
    stored = Path(world.app.settings.data_dir) / "documents" / sha
    assert stored.read_bytes() == b"Freigabe Pilotbetrieb, gez. BM Jena"
    assert pilot_misses(world, cid) == [WEIMAR_MISSING]
    # The document's hash is on the chain, with the sign-off row.
    with world.app.db.read() as s:
        rec = s.exec(
            select(FactRecord).where(
                col(FactRecord.table_name) == "signoff", col(FactRecord.row_id) == row.id
            )
        ).one()
    assert (rec.proof_kind, rec.proof_document_sha256, rec.proof_on_behalf_of) == (
        "document",
        sha,
        jena.mayor_id,
    )
    assert verify_trail(world.app).ok


def test_only_coordinators_record_on_a_mayor_s_behalf(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    doc = Path(world.app.settings.data_dir) / "zettel.txt"
    doc.write_text("gez.", encoding="utf-8")
    with pytest.raises(PolicyRefusedError) as err:
        sign_off(
            world.app,
            c.SignOffGate(
                cooperation_id=cid,
                municipality_id=jena.municipality_id,
                document=str(doc),
                actor_id=jena.contact_id,
            ),
        )
    assert err.value.code == "policy.signoff_document_coordinator"
    assert counts(world, "signoff") == 0


@pytest.mark.parametrize(
    ("name", "content", "en"),
    [
        ("missing.pdf", None, "file not found"),
        ("empty.pdf", b"", "the file is empty"),
    ],
)
def test_an_unusable_document_is_refused_in_one_line_and_writes_nothing(
    world: World, name: str, content: bytes | None, en: str
) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    path = Path(world.app.settings.data_dir) / name
    if content is not None:
        path.write_bytes(content)
    before = (counts(world, "signoff"), counts(world, "fact_record"))
    with pytest.raises(InvalidInputError) as err:
        sign_off(
            world.app,
            c.SignOffGate(
                cooperation_id=cid,
                municipality_id=jena.municipality_id,
                document=str(path),
                actor_id=world.coordinator_id,
            ),
        )
    assert err.value.code == "document_unusable"
    assert err.value.en == f"Document {str(path)!r}: {en}."
    assert (counts(world, "signoff"), counts(world, "fact_record")) == before


def test_a_sign_off_that_is_not_the_mayor_s_own_leaves_the_gate_unmet(world: World) -> None:
    """A mutant in spirit: a writer that skips the proof check and stores a sign-off
    proven only by an administrator's command line. The gate must not count it."""
    cid = ready_but_for_signoffs(world)
    jena, weimar = world.partners[0], world.partners[1]
    with world.app.db.write() as s:
        s.add(
            SignOff(
                cooperation_id=cid,
                gate="start_pilot",
                municipality_id=jena.municipality_id,
                mayor_id=jena.mayor_id,
                proof_kind="cli",
                proof_person_id=jena.mayor_id,
                proof_detail="os:admin",
            )
        )
        s.add(
            SignOff(
                cooperation_id=cid,
                gate="start_pilot",
                municipality_id=weimar.municipality_id,
                mayor_id=weimar.mayor_id,
                proof_kind="mail_link",
                proof_person_id=jena.mayor_id,  # Jena's mayor used a link for Weimar
                proof_detail="<x@ikz>",
            )
        )
    assert pilot_misses(world, cid) == [JENA_MISSING, WEIMAR_MISSING]
    assert [r["counts"] for r in signoffs(world.app, cid)] == [False, False]
    assert [r["proof"] for r in signoffs(world.app, cid)] == [
        "Kommandozeile (Administration)",
        "Link aus einer E-Mail",
    ]


def test_a_sign_off_from_before_the_evidence_keeps_counting(world: World) -> None:
    """Rows recorded before migration 0010 have no proof; they were taken under the rules
    of their time and keep counting (and are on the chain as back-filled)."""
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    with world.app.db.write() as s:
        s.add(
            SignOff(
                cooperation_id=cid,
                gate="start_pilot",
                municipality_id=jena.municipality_id,
                mayor_id=jena.mayor_id,
            )
        )
    assert pilot_misses(world, cid) == [WEIMAR_MISSING]
    assert signoffs(world.app, cid)[0]["proof"] == "—"


# --- every act carries its proof ---------------------------------------------------------


def test_history_shows_each_transition_s_proof(world: World) -> None:
    cid = coop_in(world, "exploration")
    from tests.factories import go, satisfy_agree

    satisfy_agree(world, cid)  # the partners' benefits, each in its own name
    with acting_as(world.app, Proof(ProofKind.SESSION, world.coordinator_id, "sess-1")):
        go(world, cid, "agree")
    rows = history(world.app, cid)
    assert [(h["trigger"], h["proof_kind"], h["proof"]) for h in rows] == [
        ("open", "cli", "Kommandozeile (Administration)"),
        ("explore", "cli", "Kommandozeile (Administration)"),
        ("agree", "session", "Anmeldung am Gateway"),
    ]
    assert [h["proof"] for h in history(world.app, cid, "en")] == [
        "command line (administrator)",
        "command line (administrator)",
        "gateway login",
    ]
    assert rows[2]["proof_detail"] == "sess-1"
    assert verify_trail(world.app).ok


def test_ikz_s_own_escalations_are_proven_as_system(world: World) -> None:
    cid = coop_in(world, "exploration")
    kid = cf.raise_conflict(
        world.app,
        c.RaiseConflict(cooperation_id=cid, subject="Kosten", actor_id=world.coordinator_id),
    ).id
    world.clock.advance(days=30)
    sweep = cf.escalate_overdue(world.app)
    assert [e["conflict_id"] for e in sweep.escalated] == [kid]
    with world.app.db.read() as s:
        steps = s.exec(
            select(ConflictRecord)
            .where(col(ConflictRecord.conflict_id) == kid)
            .order_by(col(ConflictRecord.seq))
        ).all()
    assert [(r.action, r.actor_id, r.proof_kind) for r in steps] == [
        ("raise", world.coordinator_id, "cli"),
        ("escalate", world.coordinator_id, "system"),
    ]
    assert verify_trail(world.app).ok


def test_a_confirmed_benefit_from_a_document_names_the_mayor(world: World) -> None:
    cid = coop_in(world, "agreement")
    jena = world.partners[0]
    doc = Path(world.app.settings.data_dir) / "ratsbeschluss.pdf"
    doc.write_bytes(b"%PDF Ratsbeschluss Nutzen")
    record_benefit(
        world.app,
        c.RecordBenefit(
            cooperation_id=cid,
            municipality_id=jena.municipality_id,
            text="20 % gespart",
            confirmed=True,
            document=str(doc),
            actor_id=world.coordinator_id,
        ),
    )
    with world.app.db.read() as s:
        rec = s.exec(
            select(FactRecord)
            .where(col(FactRecord.table_name) == "partnership", col(FactRecord.op) == "update")
            .order_by(col(FactRecord.id).desc())
        ).first()
    assert rec is not None
    assert (rec.proof_kind, rec.proof_on_behalf_of, rec.proof_detail) == (
        "document",
        jena.mayor_id,
        "ratsbeschluss.pdf",
    )
    assert rec.proof_document_sha256 == hashlib.sha256(b"%PDF Ratsbeschluss Nutzen").hexdigest()


def test_a_benefit_without_document_carries_the_actor_s_proof(world: World) -> None:
    cid = coop_in(world, "agreement")
    jena = world.partners[0]
    with acting_as(world.app, Proof(ProofKind.TOKEN, jena.contact_id, "tok-7")):
        record_benefit(
            world.app,
            c.RecordBenefit(
                cooperation_id=cid,
                municipality_id=jena.municipality_id,
                text="schneller",
                actor_id=jena.contact_id,
            ),
        )
    with world.app.db.read() as s:
        rec = s.exec(select(FactRecord).order_by(col(FactRecord.id).desc())).first()
    assert rec is not None
    assert (rec.table_name, rec.proof_kind, rec.proof_person_id, rec.proof_on_behalf_of) == (
        "partnership",
        "token",
        jena.contact_id,
        None,
    )


# --- the command line ------------------------------------------------------------------


def ikz(w: World, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IKZ_DATABASE_URL": url, "IKZ_DATA_DIR": str(w.app.settings.data_dir)}
    return subprocess.run(
        [IKZ, "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_sign_off_needs_a_document_and_records_it_with_its_hash(
    world: World, sqlite_url: str, tmp_path: Path
) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    base = ("coop", "signoff", str(cid), "--municipality", str(jena.municipality_id))
    refused = ikz(world, sqlite_url, *base, "--actor", str(jena.mayor_id))
    assert refused.returncode == 7
    assert refused.stderr.strip().splitlines() == [
        "Error: Not allowed: a sign-off counts only as the mayor's own proven answer (the "
        "link in the sign-off mail, a login, their own token); on the command line record "
        "it with the document (--document FILE)."
    ]
    assert counts(world, "signoff") == 0
    scan = tmp_path / "Freigabe Jena.pdf"
    scan.write_bytes(b"%PDF-1.4 unterschrieben")
    done = ikz(
        world,
        sqlite_url,
        *base,
        "--document",
        str(scan),
        "--actor",
        str(world.coordinator_id),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    sha = hashlib.sha256(b"%PDF-1.4 unterschrieben").hexdigest()
    assert {k: row[k] for k in ("mayor_id", "proof_kind", "proof_detail")} == {
        "mayor_id": jena.mayor_id,
        "proof_kind": "document",
        "proof_detail": "Freigabe Jena.pdf",
    }
    assert (row["proof_on_behalf_of"], row["proof_document_sha256"]) == (jena.mayor_id, sha)
    assert pilot_misses(world, cid) == [WEIMAR_MISSING]
    shown = ikz(world, sqlite_url, "coop", "show", str(cid)).stdout
    assert (
        f"  start_pilot: municipality {jena.municipality_id}, mayor {jena.mayor_id}, "
        "proof: on behalf, by document\n"
    ) in shown
    hist = ikz(world, sqlite_url, "coop", "history", str(cid))
    assert hist.stdout.count("command line (administrator)") == len(history(world.app, cid))


def test_the_sign_off_is_mailed_with_its_proof(world: World) -> None:
    from models.outbox import Notification

    cid = ready_but_for_signoffs(world)
    paper_signoff(world, cid, world.partners[0])
    with world.app.db.read() as s:
        [n] = s.exec(select(Notification).where(col(Notification.kind) == "signoff_recorded"))
    assert (n.context["proof"], n.context["proof_en"]) == (
        "im Auftrag, belegt durch Dokument",
        "on behalf, by document",
    )


def test_goal_records_carry_the_clock_order(world: World) -> None:
    cid = coop_in(world, "exploration")
    world.clock.advance(timedelta(days=1).days)
    record_goal(
        world.app, c.RecordGoal(cooperation_id=cid, text="x", actor_id=world.coordinator_id)
    )
    with world.app.db.read() as s:
        seqs = [
            r.seq for r in s.exec(select(FactRecord).where(col(FactRecord.cooperation_id) == cid))
        ]
    assert seqs == list(range(1, len(seqs) + 1))


def test_the_sweep_s_reminder_is_ikz_s_own_act_on_the_chain(world: World) -> None:
    from ikz.review import sweep_portfolio
    from tests.test_signoff import ask

    cid = ready_but_for_signoffs(world)
    req = ask(world, cid, 0, "run-remind")
    world.clock.advance(days=world.app.settings.signoff_reminder_days + 1)
    assert sweep_portfolio(world.app).signoff_reminders == 1
    with world.app.db.read() as s:
        recs = s.exec(
            select(FactRecord)
            .where(
                col(FactRecord.table_name) == "signoff_request", col(FactRecord.row_id) == req.id
            )
            .order_by(col(FactRecord.seq))
        ).all()
    assert [(r.op, r.proof_kind, r.actor_id) for r in recs] == [
        ("insert", "cli", world.coordinator_id),
        ("update", "system", None),
    ]
    assert verify_trail(world.app).ok


def test_an_act_in_another_person_s_name_than_the_proven_one_is_refused(world: World) -> None:
    from ikz.actions.lifecycle import advance

    cid = coop_in(world, "informal_contact")
    contact = world.partners[0].contact_id
    before = (
        counts(world, "goal"),
        counts(world, "fact_record"),
        counts(world, "transition_record"),
    )
    with acting_as(world.app, Proof(ProofKind.SESSION, contact, "sess-contact")):
        with pytest.raises(PolicyRefusedError) as err:
            record_goal(
                world.app, c.RecordGoal(cooperation_id=cid, text="x", actor_id=world.coordinator_id)
            )
        assert err.value.code == "policy.actor_not_proven"
        with pytest.raises(PolicyRefusedError) as err:
            advance(
                world.app,
                c.Advance(
                    cooperation_id=cid, trigger="pause", reason="x", actor_id=world.coordinator_id
                ),
            )
        assert err.value.code == "policy.actor_not_proven"
    after = (
        counts(world, "goal"),
        counts(world, "fact_record"),
        counts(world, "transition_record"),
    )
    assert after == before
    # Proven as the coordinator, the same acts are theirs.
    with acting_as(world.app, Proof(ProofKind.SESSION, world.coordinator_id, "sess-k")):
        record_goal(
            world.app, c.RecordGoal(cooperation_id=cid, text="x", actor_id=world.coordinator_id)
        )
    assert counts(world, "goal") == before[0] + 1
