"""A mayor's answer to a sign-off request (ikz.signoff), both ways, on a real database.

Yes records the sign-off and the gate loses that mayor's missing sign-off; No records
the refusal, signs nothing off, leaves the gate shut and tells the coordinator. Expected
texts are written out here, not taken from the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from ikz.actions import facts
from ikz.actions import signoff as so
from ikz.actions.signoff import open_request
from ikz.app import App
from ikz.mail.render import render
from ikz.views.cooperation import show
from models import commands as c
from models.cooperation import SignOff, SignOffRequest
from models.outbox import Notification
from models.registry import Person
from states.errors import GateRefusedError, InvalidInputError
from tests.factories import World, coop_in, go, mail_link
from tests.mail.conftest import text_of

JENA_MISSING = "Jena: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt."
WEIMAR_MISSING = "Weimar: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt."
NOTE = "Erst nach der Ratssitzung"
# How the coordinator's mails name the first partner (municipality id 1 in the world).
JENA = {
    "municipality_id": 1,
    "municipality_name": "Stadt Jena",
    "municipality_name_en": "Town of Jena",
    "municipality_subject": "die Stadt Jena",
    "municipality_subject_en": "the Town of Jena",
}


def ready_but_for_signoffs(w: World) -> int:
    """A cooperation in agreement whose pilot gate misses only the two mayors' sign-offs."""
    cid = coop_in(w, "agreement")
    actor = w.coordinator_id
    facts.record_agreement(
        w.app, c.RecordAgreement(cooperation_id=cid, kind="letter_of_intent", actor_id=actor)
    )
    facts.record_staff(
        w.app,
        c.RecordStaff(
            cooperation_id=cid, description="Workshop", involved_on=w.clock().date(), actor_id=actor
        ),
    )
    facts.record_communication(
        w.app, c.RecordCommunication(cooperation_id=cid, kind="press_release", actor_id=actor)
    )
    return cid


def answer_request(app: App, request_id: int, approve: bool, note: str = "") -> SignOffRequest:
    """The mayor answers through the link in the request mail (proof: that link)."""
    with app.db.read() as s:
        req = s.get(SignOffRequest, request_id)
        assert req is not None
    return so.answer_request(app, request_id, approve, note, proof=mail_link(req.mayor_id))


def ask(w: World, cid: int, partner: int, run: str) -> SignOffRequest:
    p = w.partners[partner]
    cmd = c.RequestSignOff(
        cooperation_id=cid, municipality_id=p.municipality_id, actor_id=w.coordinator_id
    )
    return open_request(w.app, cmd, run, f"http://ui/runs/flow-run/{run}")


def outbox(w: World, kind: str) -> list[Notification]:
    with w.app.db.read() as s:
        return list(s.exec(select(Notification).where(col(Notification.kind) == kind)).all())


def signoffs(w: World, cid: int) -> list[tuple[str, int, int, str]]:
    with w.app.db.read() as s:
        rows = s.exec(select(SignOff).where(col(SignOff.cooperation_id) == cid)).all()
        return [(r.gate, r.municipality_id, r.mayor_id, r.note) for r in rows]


def pilot_gate_misses(w: World, cid: int) -> list[str]:
    gates = {g["trigger"]: g for g in show(w.app, cid)["gates"]}
    return [u["message"] for u in gates["start_pilot"]["unmet"]]


def request_row(w: World, request_id: int | None) -> SignOffRequest:
    with w.app.db.read() as s:
        row = s.get(SignOffRequest, request_id)
        assert row is not None
        return row


def as_the_coordinator_reads_it(w: World, n: Notification) -> tuple[str, str]:
    """The mail's subject and plain text."""
    with w.app.db.read() as s:
        coordinator = s.get(Person, w.coordinator_id)
        assert coordinator is not None
    msg = render(n, coordinator, settings=w.app.settings)
    return str(msg["Subject"]), text_of(msg, "plain")


def test_no_declines_signs_nothing_keeps_the_gate_shut_and_tells_the_coordinator(
    world: World,
) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    req = ask(world, cid, 0, "run-no")
    assert pilot_gate_misses(world, cid) == [JENA_MISSING, WEIMAR_MISSING]

    done = answer_request(world.app, req.id or 0, False, NOTE)

    assert (done.status, done.note) == ("declined", NOTE)
    row = request_row(world, req.id)
    assert (row.status, row.note, row.answered_at is not None) == ("declined", NOTE, True)
    assert signoffs(world, cid) == []
    assert pilot_gate_misses(world, cid) == [JENA_MISSING, WEIMAR_MISSING]
    with pytest.raises(GateRefusedError) as refused:
        go(world, cid, "start_pilot")
    assert [d.text("de") for d in refused.value.details] == [JENA_MISSING, WEIMAR_MISSING]
    assert show(world.app, cid)["state"] == "agreement"
    # The coordinator hears of the refusal, with the mayor's note; nobody hears of a
    # sign-off, and the mayor is not mailed about their own answer.
    [told] = outbox(world, "signoff_declined")
    assert told.recipient_id == world.coordinator_id
    assert told.context == {
        "cooperation_id": cid,
        "title": "Gemeinsamer Bauhof",
        "gate": "start_pilot",
        **JENA,
        "mayor_id": jena.mayor_id,
        "note": NOTE,
    }
    subject, text = as_the_coordinator_reads_it(world, told)
    assert subject == "[IKZ] Gemeinsamer Bauhof: Freigabe abgelehnt (Pilot starten)"
    # The town by name, not "Kommune #1", and the mayor's note.
    assert (
        "für die Kooperation „Gemeinsamer Bauhof“ hat die Stadt Jena die Freigabe des "
        "Schritts „Pilot starten“ abgelehnt."
    ) in text
    assert "Kommune: Stadt Jena\n" in text and f"Anmerkung: {NOTE}\n" in text
    assert "Kommune #" not in text
    assert outbox(world, "signoff_recorded") == []
    assert [m.recipient_id for m in outbox(world, "signoff_requested")] == [jena.mayor_id]


def test_yes_signs_off_opens_that_part_of_the_gate_and_tells_the_coordinator(
    world: World,
) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    req = ask(world, cid, 0, "run-yes")

    done = answer_request(world.app, req.id or 0, True, "Einverstanden")

    assert (done.status, done.note) == ("signed", "Einverstanden")
    row = request_row(world, req.id)
    assert (row.status, row.answered_at is not None) == ("signed", True)
    assert signoffs(world, cid) == [
        ("start_pilot", jena.municipality_id, jena.mayor_id, "Einverstanden")
    ]
    assert pilot_gate_misses(world, cid) == [WEIMAR_MISSING]
    [told] = outbox(world, "signoff_recorded")
    assert told.recipient_id == world.coordinator_id
    assert told.context == {
        "cooperation_id": cid,
        "title": "Gemeinsamer Bauhof",
        "gate": "start_pilot",
        **JENA,
        "mayor_id": jena.mayor_id,
        "note": "Einverstanden",
        "proof": "Link aus einer E-Mail",
        "proof_en": "link from an email",
    }
    subject, text = as_the_coordinator_reads_it(world, told)
    assert subject == "[IKZ] Gemeinsamer Bauhof: Freigabe erteilt (Pilot starten)"
    assert (
        "für die Kooperation „Gemeinsamer Bauhof“ hat die Stadt Jena den Schritt "
        "„Pilot starten“ freigegeben."
    ) in text
    assert "Kommune: Stadt Jena\n" in text and "Anmerkung: Einverstanden\n" in text
    assert outbox(world, "signoff_declined") == []


@pytest.mark.parametrize(
    ("weimar_says", "state", "misses"),
    [(True, "pilot", []), (False, "agreement", [WEIMAR_MISSING])],
    ids=["both-yes-gate-met", "one-no-gate-unmet"],
)
def test_the_pilot_starts_only_when_every_mayor_says_yes(
    world: World, weimar_says: bool, state: str, misses: list[str]
) -> None:
    cid = ready_but_for_signoffs(world)
    answer_request(world.app, ask(world, cid, 0, "run-jena").id or 0, True)
    answer_request(world.app, ask(world, cid, 1, "run-weimar").id or 0, weimar_says)
    assert pilot_gate_misses(world, cid) == misses
    if misses:
        with pytest.raises(GateRefusedError):
            go(world, cid, "start_pilot")
    else:
        go(world, cid, "start_pilot")
    assert show(world.app, cid)["state"] == state


def test_a_mayor_asked_again_after_no_can_say_yes(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    answer_request(world.app, ask(world, cid, 0, "run-1").id or 0, False, NOTE)
    again = ask(world, cid, 0, "run-2")
    assert answer_request(world.app, again.id or 0, True).status == "signed"
    assert signoffs(world, cid) == [("start_pilot", jena.municipality_id, jena.mayor_id, "")]
    assert pilot_gate_misses(world, cid) == [WEIMAR_MISSING]


@pytest.mark.parametrize(
    ("first", "status"), [(True, "signed"), (False, "declined")], ids=["after-yes", "after-no"]
)
@pytest.mark.parametrize("second", [True, False], ids=["then-yes", "then-no"])
def test_an_answered_request_takes_no_second_answer(
    world: World, first: bool, status: str, second: bool
) -> None:
    cid = ready_but_for_signoffs(world)
    req = ask(world, cid, 0, "run-1")
    answer_request(world.app, req.id or 0, first, "erste Antwort")
    before: dict[str, Any] = {
        "signoffs": signoffs(world, cid),
        "recorded": len(outbox(world, "signoff_recorded")),
        "declined": len(outbox(world, "signoff_declined")),
    }
    with pytest.raises(InvalidInputError) as err:
        answer_request(world.app, req.id or 0, second, "zweite Antwort")
    assert err.value.code == "signoff_request_closed"
    assert err.value.en == f"Sign-off request {req.id} is already closed ({status})."
    row = request_row(world, req.id)
    assert (row.status, row.note) == (status, "erste Antwort")
    assert before == {
        "signoffs": signoffs(world, cid),
        "recorded": len(outbox(world, "signoff_recorded")),
        "declined": len(outbox(world, "signoff_declined")),
    }
    assert before["recorded"] + before["declined"] == 1
