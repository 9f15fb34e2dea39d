"""Shared by the answer-link tests: a cooperation waiting only for its mayors' sign-offs,
a request with its mail, the link the mayor reads in it, and the tables an answer may
change (to show that a refused one changed nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from ikz.actions import facts
from ikz.actions.cooperations import open_cooperation
from ikz.actions.directory import register_person
from ikz.actions.signoff import open_request
from ikz.mail.render import render
from models import commands as c
from models.answers import AnswerLink
from models.cooperation import SignOff, SignOffRequest
from models.outbox import Notification
from models.registry import Person
from tests.factories import World, coop_in
from tests.mail.conftest import text_of

LINK = re.compile(r"https?://[^\s\"<>]+/answer/([A-Za-z0-9_-]{43})")


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


def english_mayor_coop(w: World) -> tuple[int, int, int]:
    """A cooperation of Erfurt (an English-speaking mayor) and Jena: (coop, mayor, municipality)."""
    erfurt = w.partners[2]
    mayor = register_person(
        w.app,
        c.RegisterPerson(
            name="Mayor Alex Smith",
            email="smith@example.org",
            municipality_id=erfurt.municipality_id,
            roles=["mayor"],
            language="en",
            actor_id=w.coordinator_id,
        ),
    )
    assert mayor.id is not None
    jena = w.partners[0]
    coop = open_cooperation(
        w.app,
        c.OpenCooperation(
            title="Shared IT",
            field_of_work="IT",
            partners=[
                c.PartnerInput(
                    municipality_id=erfurt.municipality_id,
                    mayor_id=mayor.id,
                    contact_id=erfurt.contact_id,
                ),
                c.PartnerInput(
                    municipality_id=jena.municipality_id,
                    mayor_id=jena.mayor_id,
                    contact_id=jena.contact_id,
                ),
            ],
            actor_id=w.coordinator_id,
        ),
    )
    assert coop.id is not None
    return coop.id, mayor.id, erfurt.municipality_id


def ask(w: World, cid: int, municipality_id: int, run: str) -> SignOffRequest:
    cmd = c.RequestSignOff(
        cooperation_id=cid, municipality_id=municipality_id, actor_id=w.coordinator_id
    )
    return open_request(w.app, cmd, run, f"http://ui/runs/flow-run/{run}")


@dataclass
class Mail:
    row: Notification
    message_id: str
    text: str
    html: str
    token: str


def mail_of(w: World, kind: str, recipient_id: int) -> Mail:
    """The newest mail of `kind` to the person, rendered as it goes out."""
    with w.app.db.read() as s:
        rows = s.exec(
            select(Notification).where(
                col(Notification.kind) == kind, col(Notification.recipient_id) == recipient_id
            )
        ).all()
        person = s.get(Person, recipient_id)
        assert rows and person is not None
        row = rows[-1]
    msg = render(row, person, settings=w.app.settings)
    text = text_of(msg, "plain")
    found = LINK.search(text)
    assert found, text
    return Mail(row, str(msg["Message-ID"]), text, text_of(msg, "html"), found.group(1))


def tables(w: World) -> dict[str, Any]:
    """Everything an answer may change, as plain values."""
    with w.app.db.read() as s:
        return {
            "signoffs": [r.model_dump() for r in s.exec(select(SignOff)).all()],
            "requests": [r.model_dump() for r in s.exec(select(SignOffRequest)).all()],
            "links": [r.model_dump() for r in s.exec(select(AnswerLink)).all()],
            "outbox": [(r.id, r.kind, r.recipient_id) for r in s.exec(select(Notification)).all()],
        }


def links(w: World) -> list[AnswerLink]:
    with w.app.db.read() as s:
        return list(s.exec(select(AnswerLink).order_by(col(AnswerLink.id))).all())


def request_row(w: World, request_id: int | None) -> SignOffRequest:
    with w.app.db.read() as s:
        row = s.get(SignOffRequest, request_id)
        assert row is not None
        return row


def signoffs(w: World, cid: int) -> list[tuple[str, int, int, str]]:
    with w.app.db.read() as s:
        rows = s.exec(select(SignOff).where(col(SignOff.cooperation_id) == cid)).all()
        return [(r.gate, r.municipality_id, r.mayor_id, r.note) for r in rows]


def outbox_kinds(w: World, kind: str) -> list[int]:
    with w.app.db.read() as s:
        return [
            r.recipient_id
            for r in s.exec(select(Notification).where(col(Notification.kind) == kind)).all()
        ]
