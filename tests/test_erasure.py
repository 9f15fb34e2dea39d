"""`ikz person erase`: a person's name and address gone from every table but the chains,
from queued mail and report files; their acts stay as acts of an erased person, the
audit trail still verifies, and what must be refused is refused with nothing changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import col, select

from ikz.actions.conflicts import raise_conflict
from ikz.actions.erasure import erase_person
from ikz.actions.facts import record_goal, record_meeting
from ikz.actions.signoff import open_request
from ikz.app import App
from ikz.mail.dispatch import claim
from ikz.views.audit import verify_audit
from models import commands as c
from models.cooperation import Conflict
from models.erasure import Erasure
from models.outbox import Notification, enqueue
from models.registry import Person
from states.errors import IkzError, PolicyRefusedError
from tests.factories import World, make_app, make_world, open_coop

CHAINS = {"transition_record", "conflict_record", "fact_record", "erasure", "alembic_version"}


@pytest.fixture(params=["sqlite", "postgres"])
def w(request: pytest.FixtureRequest, tmp_path: Path) -> World:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = make_app(url, tmp_path)
    request.addfinalizer(app.close)
    return make_world(app)


def _story(w: World) -> int:
    """Jena's contact ("Contact Jena", contact0@example.org) named in a goal, a meeting's
    notes and a conflict's subject, in a report file, and with mail waiting."""
    cid = open_coop(w)
    jena = w.partners[0]
    record_goal(
        w.app,
        c.RecordGoal(
            cooperation_id=cid,
            text="Bauhof gemeinsam; Ansprechperson Contact Jena (contact0@example.org)",
            actor_id=w.coordinator_id,
        ),
    )
    record_meeting(
        w.app,
        c.RecordMeeting(
            cooperation_id=cid,
            kind="informal",
            held_on=date(2026, 1, 5),
            attendee_ids=[jena.contact_id],
            notes="Contact Jena stellt den Bauhof vor",
            actor_id=w.coordinator_id,
        ),
    )
    raise_conflict(
        w.app,
        c.RaiseConflict(
            cooperation_id=cid, subject="Zuständigkeit CONTACT JENA", actor_id=jena.contact_id
        ),
    )
    report = Path(w.app.settings.data_dir) / "reports" / str(cid) / "bericht.md"
    report.parent.mkdir(parents=True)
    report.write_text("# Bericht\n\nDank an Contact Jena für die Vorbereitung.\n")
    return cid


def _text_everywhere(app: App, *, skip: set[str]) -> str:
    """Every table's rows as text (the chains skipped)."""
    parts = []
    with app.db.read() as s:
        for table in inspect(s.connection()).get_table_names():
            if table in skip:
                continue
            for row in s.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def _dump(app: App) -> str:
    return _text_everywhere(app, skip={"alembic_version"})


def test_erasure_removes_name_and_address_everywhere_and_keeps_the_acts(w: World) -> None:
    cid = _story(w)
    contact = w.partners[0].contact_id
    before = _text_everywhere(w.app, skip=CHAINS)
    assert "Contact Jena" in before and "contact0@example.org" in before

    done = erase_person(
        w.app,
        c.ErasePerson(person_id=contact, reason="Antrag vom 1.12.", actor_id=w.coordinator_id),
    )

    after = _text_everywhere(w.app, skip=CHAINS)
    assert "contact jena" not in after.lower() and "contact0@example.org" not in after
    assert f"Gelöschte Person {contact}" in after
    # goal, meeting, conflict, the conflict mail's context, the conflict's Prefect event
    assert (done.rows_changed, done.files_changed, done.artifacts_deleted) == (5, 1, None)
    report = Path(w.app.settings.data_dir) / "reports" / str(cid) / "bericht.md"
    assert (
        report.read_text()
        == f"# Bericht\n\nDank an Gelöschte Person {contact} für die Vorbereitung.\n"
    )
    with w.app.db.read() as s:
        person = s.get(Person, contact)
        assert person is not None
        assert (person.name, person.email, person.roles) == (
            f"Gelöschte Person {contact}",
            f"geloescht-{contact}@erased.invalid",
            [],
        )
        # The act stays: the conflict was raised by the (now erased) person.
        conflict = s.exec(select(Conflict).where(col(Conflict.cooperation_id) == cid)).one()
        assert conflict.raised_by == contact
        log = s.exec(select(Erasure)).one()
        assert (log.person_id, log.actor_id, log.reason, log.proof["kind"]) == (
            contact,
            w.coordinator_id,
            "Antrag vom 1.12.",
            "cli",
        )
        waiting = s.exec(
            select(Notification.status).where(col(Notification.recipient_id) == contact)
        ).all()
    assert set(waiting) == {"erased"} and done.mails_withdrawn == len(waiting) == 2
    ok, bad, _ = verify_audit(w.app)
    assert ok > 0 and bad is None


def test_mail_queued_after_the_erasure_is_never_sent_and_others_are(w: World) -> None:
    open_coop(w)
    contact, mayor = w.partners[0].contact_id, w.partners[0].mayor_id
    erase_person(
        w.app, c.ErasePerson(person_id=contact, reason="Antrag", actor_id=w.coordinator_id)
    )
    with w.app.db.write() as s:
        enqueue(
            s,
            recipient_ids=[contact, mayor],
            kind="k",
            context={"x": 1},
            dedupe_prefix="late",
            now=w.app.clock(),
        )
    claimed = claim(w.app, 100)
    assert [x.row.recipient_id for x in claimed if x.row.kind == "k"] == [mayor]
    with w.app.db.read() as s:
        late = s.exec(
            select(Notification.status).where(
                col(Notification.kind) == "k", col(Notification.recipient_id) == contact
            )
        ).one()
    assert late == "erased"


def test_a_mayor_with_an_open_sign_off_request_is_not_erased(w: World) -> None:
    cid = open_coop(w)
    jena = w.partners[0]
    open_request(
        w.app,
        c.RequestSignOff(
            cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=w.coordinator_id
        ),
        "run-1",
        "http://ui/runs/flow-run/run-1",
    )
    before = _dump(w.app)
    with pytest.raises(IkzError) as exc:
        erase_person(
            w.app,
            c.ErasePerson(person_id=jena.mayor_id, reason="Antrag", actor_id=w.coordinator_id),
        )
    assert exc.value.code == "open_signoff"
    assert exc.value.de == (
        f"Person {jena.mayor_id} hat eine offene Freigabe-Anfrage (Kooperation {cid}); "
        "erst nach Antwort oder Fristablauf löschen."
    )
    assert _dump(w.app) == before


def test_only_a_coordinator_erases_and_not_themself_nor_twice(w: World) -> None:
    open_coop(w)
    contact, mayor = w.partners[0].contact_id, w.partners[0].mayor_id
    before = _dump(w.app)
    with pytest.raises(PolicyRefusedError):
        erase_person(w.app, c.ErasePerson(person_id=contact, reason="x", actor_id=mayor))
    with pytest.raises(IkzError) as own:
        erase_person(
            w.app, c.ErasePerson(person_id=w.coordinator_id, reason="x", actor_id=w.coordinator_id)
        )
    assert own.value.code == "erase_self"
    assert _dump(w.app) == before
    erase_person(w.app, c.ErasePerson(person_id=contact, reason="x", actor_id=w.coordinator_id))
    after = _dump(w.app)
    with pytest.raises(IkzError) as twice:
        erase_person(w.app, c.ErasePerson(person_id=contact, reason="x", actor_id=w.coordinator_id))
    assert twice.value.de == f"Die Daten von Person {contact} sind bereits gelöscht."
    assert _dump(w.app) == after
