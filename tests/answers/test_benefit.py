"""A partner confirms its benefit from the mailbox: the coordinator asks
(request-benefit-confirmation), the partner's contact person answers on the page, both
ways, and the refusals (a used link, a benefit confirmed another way meanwhile, nothing
stated to confirm, an actor who is not a coordinator)."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import Client
from sqlmodel import select

from ikz.actions.benefits import request_benefit_confirmation
from ikz.actions.facts import record_benefit
from models import commands as c
from models.cooperation import Partnership
from models.outbox import Notification
from states.errors import InvalidInputError, PolicyRefusedError
from tests.answers.helpers import links, mail_of, outbox_kinds, tables
from tests.factories import World, coop_in


def ask_jena(w: World) -> tuple[int, str]:
    """A cooperation in agreement (benefits stated); Jena's contact is asked to confirm."""
    cid = coop_in(w, "agreement")
    jena = w.partners[0]
    done = request_benefit_confirmation(
        w.app,
        c.RequestBenefitConfirmation(
            cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=w.coordinator_id
        ),
    )
    assert done == {
        "cooperation_id": cid,
        "municipality_id": jena.municipality_id,
        "person_id": jena.contact_id,
        "expires_at": "2026-01-19T09:00:00+00:00",
    }
    return cid, mail_of(w, "benefit_confirmation_requested", jena.contact_id).token


def benefits(w: World, cid: int) -> list[tuple[int, str | None, str | None]]:
    with w.app.db.read() as s:
        rows = s.exec(select(Partnership).where(Partnership.cooperation_id == cid)).all()
        return [(p.municipality_id, p.stated_benefit, p.confirmed_benefit) for p in rows]


def context_of(w: World, kind: str) -> dict[str, Any]:
    with w.app.db.read() as s:
        [row] = s.exec(select(Notification).where(Notification.kind == kind)).all()
        return dict(row.context)


def test_the_mail_and_page_ask_the_contact_person_with_nothing_preselected(
    world: World, pages: Client
) -> None:
    cid, token = ask_jena(world)
    jena = world.partners[0]
    mail = mail_of(world, "benefit_confirmation_requested", jena.contact_id)
    [link] = links(world)
    assert (link.person_id, link.purpose, link.message_id) == (
        jena.contact_id,
        "benefit",
        mail.message_id,
    )
    assert "Genannter Nutzen: spart Kosten" in mail.text
    r = pages.get(f"/answer/{token}")
    assert r.status_code == 200
    assert "<h1>Ist der genannte Nutzen für Jena eingetreten?</h1>" in r.text
    assert "<dd>spart Kosten</dd>" in r.text
    assert '<label for="answer-yes">Ja, der Nutzen ist eingetreten</label>' in r.text
    assert '<label for="answer-no">Nein, der Nutzen ist nicht eingetreten</label>' in r.text
    assert "checked" not in r.text
    assert benefits(world, cid)[0] == (jena.municipality_id, "spart Kosten", None)


def test_yes_confirms_the_benefit_in_the_contacts_name(world: World, pages: Client) -> None:
    cid, token = ask_jena(world)
    jena, weimar = world.partners[0], world.partners[1]
    r = pages.post(
        f"/answer/{token}",
        data={"step": "confirm", "answer": "yes", "note": "20 % weniger Kosten"},
    )
    assert r.status_code == 200
    assert "Ihre Bestätigung ist erfasst." in r.text
    assert benefits(world, cid) == [
        (jena.municipality_id, "spart Kosten", "20 % weniger Kosten"),
        (weimar.municipality_id, "spart Kosten", None),
    ]
    assert outbox_kinds(world, "benefit_confirmed") == [world.coordinator_id]
    assert outbox_kinds(world, "benefit_not_confirmed") == []
    assert context_of(world, "benefit_confirmed")["benefit"] == "20 % weniger Kosten"
    [link] = links(world)
    assert (link.answer, link.used_at is not None) == ("yes", True)


def test_no_confirms_nothing_and_tells_the_coordinator(world: World, pages: Client) -> None:
    cid, token = ask_jena(world)
    jena, weimar = world.partners[0], world.partners[1]
    r = pages.post(
        f"/answer/{token}",
        data={"step": "confirm", "answer": "no", "note": "Noch keine Einsparung"},
    )
    assert r.status_code == 200
    assert "Der Nutzen gilt nicht als bestätigt." in r.text
    assert benefits(world, cid) == [
        (jena.municipality_id, "spart Kosten", None),
        (weimar.municipality_id, "spart Kosten", None),
    ]
    assert outbox_kinds(world, "benefit_not_confirmed") == [world.coordinator_id]
    assert outbox_kinds(world, "benefit_confirmed") == []
    assert context_of(world, "benefit_not_confirmed")["note"] == "Noch keine Einsparung"


def test_a_used_link_confirms_no_more(world: World, pages: Client) -> None:
    _, token = ask_jena(world)
    pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "no"})
    before = tables(world)
    r = pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "yes"})
    assert r.status_code == 410
    assert tables(world) == before


def test_a_benefit_confirmed_another_way_makes_the_link_foreign(
    world: World, pages: Client
) -> None:
    cid, token = ask_jena(world)
    jena = world.partners[0]
    record_benefit(
        world.app,
        c.RecordBenefit(
            cooperation_id=cid,
            municipality_id=jena.municipality_id,
            text="am Telefon bestätigt",
            confirmed=True,
            actor_id=jena.contact_id,
        ),
    )
    before = tables(world)
    assert pages.get(f"/answer/{token}").status_code == 409
    assert (
        pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "no"}).status_code == 409
    )
    assert tables(world) == before
    assert benefits(world, cid)[0] == (jena.municipality_id, "spart Kosten", "am Telefon bestätigt")


def test_nothing_stated_nothing_to_confirm(world: World) -> None:
    cid = coop_in(world, "exploration")
    before = tables(world)
    with pytest.raises(InvalidInputError) as err:
        request_benefit_confirmation(
            world.app,
            c.RequestBenefitConfirmation(
                cooperation_id=cid,
                municipality_id=world.partners[0].municipality_id,
                actor_id=world.coordinator_id,
            ),
        )
    assert err.value.code == "benefit_missing"
    assert tables(world) == before


def test_only_a_coordinator_asks(world: World) -> None:
    cid = coop_in(world, "agreement")
    jena = world.partners[0]
    before = tables(world)
    with pytest.raises(PolicyRefusedError):
        request_benefit_confirmation(
            world.app,
            c.RequestBenefitConfirmation(
                cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=jena.contact_id
            ),
        )
    assert tables(world) == before
