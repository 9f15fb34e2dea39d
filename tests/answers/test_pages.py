"""The answer pages of a sign-off request, both ways, and every refusal: a reused,
expired, forged or foreign link gets its page with a 4xx status and changes nothing,
and too many refused links from one client are rate-limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from httpx import Client
from sqlmodel import col, select

from ikz.actions.signoff import answer_request
from ikz.answers import tokens
from ikz.answers.links import issue
from ikz.mail.render import render
from ikz.proof.secret import server_secret
from ikz.views.cooperation import show
from models.answers import AnswerLink
from models.outbox import Notification
from models.registry import Person
from tests.answers.conftest import Ticks
from tests.answers.helpers import (
    ask,
    english_mayor_coop,
    links,
    mail_of,
    outbox_kinds,
    ready_but_for_signoffs,
    request_row,
    signoffs,
    tables,
)
from tests.factories import World
from tests.mail.conftest import text_of

JENA_MISSING = "Jena: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt."
WEIMAR_MISSING = "Weimar: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt."


def pilot_gate_misses(w: World, cid: int) -> list[str]:
    gates = {g["trigger"]: g for g in show(w.app, cid)["gates"]}
    return [u["message"] for u in gates["start_pilot"]["unmet"]]


def asked(w: World) -> tuple[int, int, str]:
    """Jena's mayor asked: (cooperation, request id, the token from the mail)."""
    cid = ready_but_for_signoffs(w)
    req = ask(w, cid, w.partners[0].municipality_id, "run-1")
    mail = mail_of(w, "signoff_requested", w.partners[0].mayor_id)
    assert req.id is not None
    return cid, req.id, mail.token


def test_the_request_mail_carries_a_single_use_link_bound_to_the_mayor(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    req = ask(world, cid, jena.municipality_id, "run-1")
    mail = mail_of(world, "signoff_requested", jena.mayor_id)
    [link] = links(world)
    assert (link.person_id, link.purpose, link.object_id, link.cooperation_id) == (
        jena.mayor_id,
        "signoff",
        req.id,
        cid,
    )
    # The link's proof names exactly the mail that carries it.
    assert link.message_id == mail.message_id
    assert link.expires_at == req.due_at
    assert (link.used_at, link.answer) == (None, None)
    # Stored hashed: the database holds the SHA-256, never the token (nor the outbox).
    assert link.token_hash == tokens.token_hash(mail.token)
    assert len(link.token_hash) == 64
    assert mail.token not in str(tables(world))
    assert mail.token not in str(mail.row.context)
    assert f"http://127.0.0.1:4200/answer/{mail.token}" in mail.text
    assert f'href="http://127.0.0.1:4200/answer/{mail.token}"' in mail.html
    assert "/runs/flow-run/" not in mail.text
    assert "Jetzt antworten" in mail.text
    assert "Der Link gilt für eine Antwort und bis 19.01.2026" in mail.text


def test_the_question_page_shows_what_is_decided_with_nothing_preselected(
    world: World, pages: Client
) -> None:
    _, _, token = asked(world)
    r = pages.get(f"/answer/{token}")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="de">' in html
    assert "Geben Sie als Bürgermeister:in von Jena den Schritt „Pilot starten“ frei?" in html
    assert "<dd>Gemeinsamer Bauhof</dd>" in html
    assert "<dd>Pilot starten</dd>" in html
    assert "<dd>Jena</dd>" in html
    assert "<dd>19.01.2026</dd>" in html
    assert "<li>Jena: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt.</li>" in html
    assert '<label for="answer-yes">Ja, ich gebe frei</label>' in html
    assert '<label for="answer-no">Nein, ich gebe nicht frei</label>' in html
    assert "<legend>Ihre Antwort</legend>" in html
    assert "checked" not in html
    assert "<script" not in html
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_an_english_speaking_mayor_gets_the_page_in_english(world: World, pages: Client) -> None:
    cid, mayor, town = english_mayor_coop(world)
    ask(world, cid, town, "run-en")
    mail = mail_of(world, "signoff_requested", mayor)
    assert "Answer now" in mail.text
    r = pages.get(f"/answer/{mail.token}")
    assert r.status_code == 200
    assert '<html lang="en">' in r.text
    assert "As mayor of Erfurt, do you sign off the step “Start pilot”?" in r.text
    assert '<label for="answer-yes">Yes, I sign off</label>' in r.text
    assert '<label for="answer-no">No, I do not sign off</label>' in r.text
    assert "checked" not in r.text
    assert "Ja, ich gebe frei" not in r.text


def test_no_choice_is_an_error_linked_to_the_field_and_nothing_is_written(
    world: World, pages: Client
) -> None:
    _, _, token = asked(world)
    before = tables(world)
    r = pages.post(f"/answer/{token}", data={"step": "confirm", "note": "x"})
    assert r.status_code == 422
    assert '<a href="#answer-yes">Bitte wählen Sie Ja oder Nein.</a>' in r.text
    assert 'aria-describedby="answer-error"' in r.text
    assert "checked" not in r.text
    assert tables(world) == before


def test_a_note_with_control_characters_is_refused_and_nothing_is_written(
    world: World, pages: Client
) -> None:
    _, _, token = asked(world)
    before = tables(world)
    r = pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "no", "note": "a\x07b"})
    assert r.status_code == 422
    assert "Die Anmerkung enthält unzulässige Steuerzeichen." in r.text
    # The person's own choice is kept, nothing else is chosen for them.
    assert 'value="no" checked' in r.text
    assert 'value="yes" checked' not in r.text
    assert tables(world) == before


@pytest.mark.parametrize(
    ("choice", "label"), [("yes", "Ja, ich gebe frei"), ("no", "Nein, ich gebe nicht frei")]
)
def test_the_confirmation_page_repeats_the_answer_and_writes_nothing(
    world: World, pages: Client, choice: str, label: str
) -> None:
    _, _, token = asked(world)
    before = tables(world)
    r = pages.post(f"/answer/{token}", data={"step": "review", "answer": choice, "note": "Gut"})
    assert r.status_code == 200
    assert f"<dd><strong>{label}</strong></dd>" in r.text
    assert '<input type="hidden" name="answer" value="' + choice + '">' in r.text
    assert "Verbindlich absenden" in r.text
    assert tables(world) == before
    # "Change answer" goes back to the question with the choice kept.
    back = pages.post(f"/answer/{token}", data={"step": "edit", "answer": choice, "note": "Gut"})
    assert back.status_code == 200
    assert f'value="{choice}" checked' in back.text
    assert tables(world) == before


def test_yes_records_the_signoff_with_the_mail_links_proof(world: World, pages: Client) -> None:
    cid, rid, token = asked(world)
    jena = world.partners[0]
    mail = mail_of(world, "signoff_requested", jena.mayor_id)
    r = pages.post(
        f"/answer/{token}", data={"step": "confirm", "answer": "yes", "note": "Einverstanden"}
    )
    assert r.status_code == 200
    assert "Ihre Freigabe ist erfasst. Die Koordination wird informiert." in r.text
    assert signoffs(world, cid) == [
        ("start_pilot", jena.municipality_id, jena.mayor_id, "Einverstanden")
    ]
    row = request_row(world, rid)
    assert (row.status, row.note) == ("signed", "Einverstanden")
    assert row.answer_proof == {
        "kind": "mail_link",
        "person_id": jena.mayor_id,
        "detail": mail.message_id,
        "on_behalf_of": None,
        "document_sha256": None,
    }
    [link] = links(world)
    assert (link.answer, link.note, link.used_at is not None) == ("yes", "Einverstanden", True)
    assert pilot_gate_misses(world, cid) == [WEIMAR_MISSING]
    assert outbox_kinds(world, "signoff_recorded") == [world.coordinator_id]
    assert outbox_kinds(world, "signoff_declined") == []


def test_no_records_a_refusal_signs_nothing_and_tells_the_coordinator(
    world: World, pages: Client
) -> None:
    cid, rid, token = asked(world)
    jena = world.partners[0]
    mail = mail_of(world, "signoff_requested", jena.mayor_id)
    r = pages.post(
        f"/answer/{token}",
        data={"step": "confirm", "answer": "no", "note": "Erst nach der Ratssitzung"},
    )
    assert r.status_code == 200
    assert "Ihre Ablehnung ist erfasst; es wurde nichts freigegeben." in r.text
    assert signoffs(world, cid) == []
    row = request_row(world, rid)
    assert (row.status, row.note) == ("declined", "Erst nach der Ratssitzung")
    assert row.answer_proof == {
        "kind": "mail_link",
        "person_id": jena.mayor_id,
        "detail": mail.message_id,
        "on_behalf_of": None,
        "document_sha256": None,
    }
    [link] = links(world)
    assert (link.answer, link.used_at is not None) == ("no", True)
    assert pilot_gate_misses(world, cid) == [JENA_MISSING, WEIMAR_MISSING]
    assert outbox_kinds(world, "signoff_declined") == [world.coordinator_id]
    assert outbox_kinds(world, "signoff_recorded") == []
    told = mail_of_coordinator(world)
    assert "Erst nach der Ratssitzung" in told


def mail_of_coordinator(w: World) -> str:
    with w.app.db.read() as s:
        [row] = s.exec(
            select(Notification).where(col(Notification.kind) == "signoff_declined")
        ).all()
        person = s.get(Person, w.coordinator_id)
        assert person is not None
    return text_of(render(row, person, settings=w.app.settings), "plain")


@pytest.mark.parametrize("first", ["yes", "no"])
@pytest.mark.parametrize("second", ["yes", "no"])
def test_a_used_link_answers_no_more(world: World, pages: Client, first: str, second: str) -> None:
    _, _, token = asked(world)
    pages.post(f"/answer/{token}", data={"step": "confirm", "answer": first})
    before = tables(world)
    for r in (
        pages.get(f"/answer/{token}"),
        pages.post(f"/answer/{token}", data={"step": "confirm", "answer": second}),
    ):
        assert r.status_code == 410
        assert "<h1>Link bereits verwendet</h1>" in r.text
        assert "Link already used" in r.text
    assert tables(world) == before


def test_an_expired_link_answers_nothing(world: World, pages: Client) -> None:
    _, rid, token = asked(world)
    world.clock.advance(days=13, hours=23)
    assert pages.get(f"/answer/{token}").status_code == 200
    world.clock.advance(hours=1)
    before = tables(world)
    for r in (
        pages.get(f"/answer/{token}"),
        pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "yes"}),
    ):
        assert r.status_code == 410
        assert "<h1>Link abgelaufen</h1>" in r.text
        assert "Es wurde nichts geändert." in r.text
    assert tables(world) == before
    assert request_row(world, rid).status == "pending"


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: ("A" if t[0] != "A" else "B") + t[1:],  # one character changed
        lambda t: t[:-1],  # cut short
        lambda t: tokens.new_token(),  # well formed, never issued
        lambda t: "not a token <b>",  # not a token at all
    ],
    ids=["altered", "short", "unissued", "garbage"],
)
def test_a_forged_link_answers_nothing(world: World, pages: Client, forge: object) -> None:
    _, _, token = asked(world)
    bad = forge(token)  # type: ignore[operator]
    before = tables(world)
    for r in (
        pages.get(f"/answer/{bad}"),
        pages.post(f"/answer/{bad}", data={"step": "confirm", "answer": "yes"}),
    ):
        assert r.status_code == 404
        assert "<h1>Link ungültig</h1>" in r.text
    assert tables(world) == before
    # The real link still works afterwards.
    assert pages.get(f"/answer/{token}").status_code == 200


def test_a_link_whose_question_was_answered_another_way_is_foreign(
    world: World, pages: Client
) -> None:
    _, rid, token = asked(world)
    answer_request(world.app, rid, False, "am Telefon abgelehnt")
    before = tables(world)
    for r in (
        pages.get(f"/answer/{token}"),
        pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "no"}),
    ):
        assert r.status_code == 409
        assert "<h1>Frage nicht mehr offen</h1>" in r.text
    assert tables(world) == before


def test_a_link_bound_to_another_person_than_the_one_asked_is_foreign(
    world: World, pages: Client
) -> None:
    """Weimar's mayor holding a link for Jena's request (bound to the wrong person)."""
    cid, rid, token = asked(world)
    weimar = world.partners[1]
    with world.app.db.write() as s:
        stray = issue(
            world.app,
            s,
            person_id=weimar.mayor_id,
            purpose="signoff",
            object_id=rid,
            cooperation_id=cid,
            dedupe_key="test:stray",
            expires_at=world.clock() + timedelta(days=3),
        )
        stray_token = tokens.unseal(server_secret(world.app.settings), stray.token_hash, stray.seal)
    assert stray_token is not None
    before = tables(world)
    r = pages.post(f"/answer/{stray_token}", data={"step": "confirm", "answer": "yes"})
    assert r.status_code == 409
    assert tables(world) == before
    assert signoffs(world, cid) == []
    # Jena's own link still answers.
    ok = pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "yes"})
    assert ok.status_code == 200


def test_a_link_of_an_unknown_purpose_is_foreign(world: World, pages: Client) -> None:
    _, _, token = asked(world)
    with world.app.db.write() as s:
        row = s.get(AnswerLink, 1)
        assert row is not None
        row.purpose = "election"
        s.add(row)
    before = tables(world)
    assert pages.get(f"/answer/{token}").status_code == 409
    assert (
        pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "yes"}).status_code == 409
    )
    assert tables(world) == before


def test_too_many_refused_links_from_one_client_are_rate_limited(
    world: World, pages: Client, ticks: Ticks
) -> None:
    _, _, token = asked(world)
    for _ in range(10):
        assert pages.get(f"/answer/{tokens.new_token()}").status_code == 404
    before = tables(world)
    r = pages.get(f"/answer/{token}")
    assert r.status_code == 429
    assert "<h1>Zu viele ungültige Versuche</h1>" in r.text
    assert (
        pages.post(f"/answer/{token}", data={"step": "confirm", "answer": "yes"}).status_code == 429
    )
    assert tables(world) == before
    # Once the failures have left the window (15 minutes), the client may try again.
    ticks.now += 900
    assert pages.get(f"/answer/{token}").status_code == 200


def test_nine_refused_links_are_not_yet_limited(world: World, pages: Client) -> None:
    _, _, token = asked(world)
    for _ in range(9):
        assert pages.get(f"/answer/{tokens.new_token()}").status_code == 404
    assert pages.get(f"/answer/{token}").status_code == 200
