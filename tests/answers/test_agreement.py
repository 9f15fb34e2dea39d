"""The parties agree to a conflict's resolution from their mailboxes: the coordinator
proposes (propose-resolution), each party answers through its own link; all Yes
resolves the conflict (in the last answer's transaction), one No leaves it open, tells
the coordinator and ends the proposal; a newer proposal replaces an older one."""

from __future__ import annotations

import pytest
from httpx import Client
from sqlmodel import select

from ikz.actions.agreements import propose_resolution
from ikz.actions.conflicts import raise_conflict
from models import commands as c
from models.cooperation import Conflict
from states.errors import PolicyRefusedError
from tests.answers.helpers import links, mail_of, outbox_kinds, tables
from tests.factories import World, open_coop

RESOLUTION = "Halle in Weimar, Verwaltung in Jena"


def conflict_with_proposal(w: World, resolution: str = RESOLUTION) -> tuple[int, list[str]]:
    """A raised conflict and a proposal to both partners' contacts: (conflict, tokens)."""
    cid = open_coop(w)
    conflict = raise_conflict(
        w.app,
        c.RaiseConflict(
            cooperation_id=cid, subject="Standort der Halle", actor_id=w.coordinator_id
        ),
    )
    assert conflict.id is not None
    return conflict.id, propose(w, conflict.id, resolution)


def propose(w: World, conflict_id: int, resolution: str) -> list[str]:
    done = propose_resolution(
        w.app,
        c.ProposeResolution(
            conflict_id=conflict_id, resolution=resolution, actor_id=w.coordinator_id
        ),
    )
    contacts = [w.partners[0].contact_id, w.partners[1].contact_id]
    assert done["asked"] == contacts
    return [mail_of(w, "conflict_agreement_requested", p).token for p in contacts]


def conflict_row(w: World, conflict_id: int) -> Conflict:
    with w.app.db.read() as s:
        [row] = s.exec(select(Conflict).where(Conflict.id == conflict_id)).all()
        return row


def yes(pages: Client, token: str) -> int:
    return pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "yes"}).status_code


def test_the_page_shows_the_proposed_resolution(world: World, pages: Client) -> None:
    _, tokens = conflict_with_proposal(world)
    r = pages.get(f"/answer/{tokens[0]}")
    assert r.status_code == 200
    assert "<h1>Stimmen Sie dieser Lösung des Konflikts „Standort der Halle“ zu?</h1>" in r.text
    assert f"<dd>{RESOLUTION}</dd>" in r.text
    assert '<label for="answer-yes">Ja, ich stimme zu</label>' in r.text
    assert "checked" not in r.text


def test_everyone_agrees_and_the_conflict_is_resolved(world: World, pages: Client) -> None:
    conflict_id, tokens = conflict_with_proposal(world)
    assert yes(pages, tokens[0]) == 200
    # One of two agreed: still open.
    row = conflict_row(world, conflict_id)
    assert (row.status, row.agreed_by) == ("open", None)
    r = pages.post(f"/answer/{tokens[1]}", data={"step": "confirm", "answer": "yes"})
    assert r.status_code == 200, r.text
    assert "Alle haben zugestimmt: Der Konflikt ist gelöst." in r.text
    row = conflict_row(world, conflict_id)
    assert (row.status, row.resolution, row.agreed_by) == (
        "resolved",
        RESOLUTION,
        [world.partners[0].contact_id, world.partners[1].contact_id],
    )
    assert [(li.answer, li.used_at is not None) for li in links(world)] == [
        ("yes", True),
        ("yes", True),
    ]


def test_one_no_leaves_the_conflict_open_and_ends_the_proposal(world: World, pages: Client) -> None:
    conflict_id, tokens = conflict_with_proposal(world)
    r = pages.post(
        f"/answer/{tokens[0]}", data={"step": "confirm", "answer": "no", "note": "Zu weit"}
    )
    assert r.status_code == 200
    assert "der Konflikt bleibt offen" in r.text
    assert conflict_row(world, conflict_id).status == "open"
    assert outbox_kinds(world, "conflict_agreement_declined") == [world.coordinator_id]
    # The other party's link belongs to a proposal that has failed: it changes nothing.
    before = tables(world)
    assert yes(pages, tokens[1]) == 409
    assert tables(world) == before
    row = conflict_row(world, conflict_id)
    assert (row.status, row.agreed_by) == ("open", None)


def test_a_newer_proposal_replaces_the_older_one(world: World, pages: Client) -> None:
    conflict_id, old = conflict_with_proposal(world)
    world.clock.advance(seconds=1)
    new = propose(world, conflict_id, "Halle in Jena")
    before = tables(world)
    assert yes(pages, old[0]) == 409
    assert tables(world) == before
    assert yes(pages, new[0]) == 200
    assert yes(pages, new[1]) == 200
    row = conflict_row(world, conflict_id)
    assert (row.status, row.resolution) == ("resolved", "Halle in Jena")


def test_only_who_may_resolve_may_propose(world: World) -> None:
    cid = open_coop(world)
    conflict = raise_conflict(
        world.app,
        c.RaiseConflict(cooperation_id=cid, subject="Standort", actor_id=world.coordinator_id),
    )
    before = tables(world)
    with pytest.raises(PolicyRefusedError):
        propose_resolution(
            world.app,
            c.ProposeResolution(
                conflict_id=conflict.id or 0,
                resolution=RESOLUTION,
                actor_id=world.partners[0].contact_id,
            ),
        )
    assert tables(world) == before
