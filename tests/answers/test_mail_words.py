"""What the sign-off request and the answers say, on the wire (real aiosmtpd): the request
lists what else the step still misses, or says plainly that nothing else is missing, and
never calls the cooperation ready; the answers name the town ("die Stadt Jena", not
"Kommune #1") and carry the note, which `coop show` and the cooperation's page show too.
Expected texts are written out here."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from ikz.actions.benefits import request_benefit_confirmation
from ikz.answers.record import answer
from ikz.cli.render import print_show
from ikz.mail.dispatch import dispatch_sync
from ikz.review import cooperation_markdown, sweep_portfolio
from ikz.views.cooperation import show
from models import commands as c
from tests.answers.helpers import ask, english_mayor_coop, mail_of, ready_but_for_signoffs
from tests.answers.test_agreement import conflict_with_proposal
from tests.factories import World, coop_in, make_app, make_world, mayor_signs_off
from tests.mail.conftest import Server, make_due, text_of

NOTE = "Erst nach der Ratssitzung am 12. März."
STAFF = "Beteiligung der Mitarbeitenden nicht erfasst."
COMMS = "Keine Kommunikationsmaßnahme geplant (Pressemitteilung, Infoveranstaltung, ...)."
LOI = "Keine Vereinbarung erfasst (eine Absichtserklärung genügt)."
WEIMAR = "Weimar: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt."


def sent_to(server: Server, address: str) -> list[EmailMessage]:
    return [m for m in server.handler.messages() if m["To"].addresses[0].addr_spec == address]


def deliver(w: World, server: Server, address: str) -> tuple[str, str]:
    """Send what is queued through the real SMTP server; the newest mail to `address`
    (subject and plain text)."""
    make_due(w)
    dispatch_sync(w.app)
    mails = sent_to(server, address)
    assert mails, f"nothing sent to {address}"
    # The wire has CRLF line ends; compare lines as written.
    return " ".join(str(mails[-1]["Subject"]).split()), text_of(mails[-1], "plain").replace(
        "\r\n", "\n"
    )


def test_the_request_lists_what_else_the_step_misses(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    cid = coop_in(w, "agreement")  # no agreement, staff or communication recorded yet
    ask(w, cid, w.partners[0].municipality_id, "run-1")
    subject, text = deliver(w, smtp_server, "mayor0@example.org")
    assert subject == "[IKZ] Gemeinsamer Bauhof: Freigabe erbeten (Pilot starten) bis 19.01.2026"
    assert (
        "für den Schritt „Pilot starten“ der Kooperation „Gemeinsamer Bauhof“ wird Ihre "
        "Freigabe als Bürgermeister:in erbeten."
    ) in text
    assert (
        "Außer Ihrer Freigabe fehlen vor diesem Schritt noch 4 Punkte (unten aufgeführt). "
        "Sie können schon jetzt antworten; der Schritt folgt erst, wenn alles erfüllt ist."
    ) in text
    assert f"Außerdem noch offen: ☐ {WEIMAR}\n☐ {STAFF}\n☐ {COMMS}\n☐ {LOI}\n" in text
    # Never the claim the issue found while criteria were unmet, nor Jena's own sign-off.
    assert "bereit" not in text and "Jena: Freigabe" not in text
    assert "nichts mehr" not in text


def test_the_request_says_plainly_when_nothing_else_is_missing(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    cid = ready_but_for_signoffs(w)
    mayor_signs_off(w, cid, w.partners[1])  # Weimar has signed off already
    ask(w, cid, w.partners[0].municipality_id, "run-1")
    _, text = deliver(w, smtp_server, "mayor0@example.org")
    assert "Außer Ihrer Freigabe fehlt für diesen Schritt nichts mehr." in text
    assert "Außerdem noch offen" not in text and "bereit" not in text


def test_the_request_in_english_lists_the_items(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    cid, _, erfurt = english_mayor_coop(w)
    ask(w, cid, erfurt, "run-en")
    _, text = deliver(w, smtp_server, "smith@example.org")
    assert (
        "Apart from your sign-off, 4 items are still missing before this step (listed below)."
    ) in text
    assert "Also still missing: ☐ Jena: the mayor's sign-off is missing.\n" in text
    assert "ready" not in text


def test_the_reminder_says_what_is_missing_then_not_when_the_request_was_opened(
    world: World,
) -> None:
    cid = ready_but_for_signoffs(world)
    jena, weimar = world.partners[0], world.partners[1]
    ask(world, cid, jena.municipality_id, "run-1")
    assert (
        f"Außerdem noch offen: ☐ {WEIMAR}\n"
        in mail_of(world, "signoff_requested", jena.mayor_id).text
    )
    mayor_signs_off(world, cid, weimar)
    world.clock.advance(days=world.app.settings.signoff_reminder_days)
    assert sweep_portfolio(world.app).signoff_reminders == 1
    reminder = mail_of(world, "signoff_reminder", jena.mayor_id).text
    assert "Außer Ihrer Freigabe fehlt für diesen Schritt nichts mehr." in reminder
    assert "Außerdem noch offen" not in reminder


@pytest.mark.parametrize(
    ("approve", "note", "sentence", "note_line"),
    [
        (
            False,
            NOTE,
            "hat die Stadt Jena die Freigabe des Schritts „Pilot starten“ abgelehnt.",
            f"Anmerkung: {NOTE}\n",
        ),
        (True, "", "hat die Stadt Jena den Schritt „Pilot starten“ freigegeben.", None),
    ],
    ids=["no-with-note", "yes-without-note"],
)
def test_the_coordinator_reads_the_town_and_the_note(
    mail_world: World,
    smtp_server: Server,
    approve: bool,
    note: str,
    sentence: str,
    note_line: str | None,
) -> None:
    w = mail_world
    cid = ready_but_for_signoffs(w)
    ask(w, cid, w.partners[0].municipality_id, "run-1")
    token = mail_of(w, "signoff_requested", w.partners[0].mayor_id).token
    answer(w.app, token, approve, note)
    _, text = deliver(w, smtp_server, "kora@example.org")
    assert f"für die Kooperation „Gemeinsamer Bauhof“ {sentence}" in text
    assert "Kommune: Stadt Jena\n" in text and "Kommune #" not in text
    if note_line:
        assert note_line in text
    else:
        assert "Anmerkung" not in text


def test_benefit_and_conflict_answers_name_the_town_and_the_note(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    cid = coop_in(w, "agreement")
    jena = w.partners[0]
    request_benefit_confirmation(
        w.app,
        c.RequestBenefitConfirmation(
            cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=w.coordinator_id
        ),
    )
    token = mail_of(w, "benefit_confirmation_requested", jena.contact_id).token
    answer(w.app, token, False, "Kosten erst 2027 messbar.")
    subject, text = deliver(w, smtp_server, "kora@example.org")
    assert subject == "[IKZ] Gemeinsamer Bauhof: Nutzen nicht bestätigt (Stadt Jena)"
    assert "die Stadt Jena hat nicht bestätigt, dass der Nutzen der Kooperation" in text
    assert "Anmerkung: Kosten erst 2027 messbar.\n" in text

    _, tokens = conflict_with_proposal(w)
    answer(w.app, tokens[1], False, "Die Halle ist zu klein.")
    subject, text = deliver(w, smtp_server, "kora@example.org")
    assert subject == "[IKZ] Gemeinsamer Bauhof: Lösung abgelehnt: Standort der Halle"
    assert (
        "Contact Weimar (Stadt Weimar) hat der vorgeschlagenen Lösung des Konflikts "
        "„Standort der Halle“ in der Kooperation „Gemeinsamer Bauhof“ nicht zugestimmt"
    ) in text
    assert "Abgelehnt von: Contact Weimar (Stadt Weimar)\n" in text
    assert "Anmerkung: Die Halle ist zu klein.\n" in text


def test_coop_show_and_the_page_show_the_answers_with_the_note(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = ready_but_for_signoffs(world)
    jena, weimar = world.partners[0], world.partners[1]
    ask(world, cid, jena.municipality_id, "run-jena")
    answer(world.app, mail_of(world, "signoff_requested", jena.mayor_id).token, False, NOTE)
    world.clock.advance(hours=5)  # 14:00 UTC in January: 15:00 in Berlin
    ask(world, cid, weimar.municipality_id, "run-weimar")
    answer(world.app, mail_of(world, "signoff_requested", weimar.mayor_id).token, True, "")
    view = show(world.app, cid)
    assert view["answers"] == [
        {
            "purpose": "signoff",
            "purpose_text": "Freigabe",
            "about": "start_pilot",
            "about_text": "Pilot starten",
            "answer": "no",
            "answer_text": "Nein",
            "note": NOTE,
            "at": "2026-01-05T09:00:00+00:00",
            "at_text": "05.01.2026, 10:00",
            "person_id": jena.mayor_id,
            "person": "Mayor Jena",
            "municipality_id": jena.municipality_id,
            "municipality": "Stadt Jena",
        },
        {
            "purpose": "signoff",
            "purpose_text": "Freigabe",
            "about": "start_pilot",
            "about_text": "Pilot starten",
            "answer": "yes",
            "answer_text": "Ja",
            "note": "",
            "at": "2026-01-05T14:00:00+00:00",
            "at_text": "05.01.2026, 15:00",
            "person_id": weimar.mayor_id,
            "person": "Mayor Weimar",
            "municipality_id": weimar.municipality_id,
            "municipality": "Stadt Weimar",
        },
    ]
    print_show(view, "de")
    out = capsys.readouterr().out
    assert (
        "Antworten:\n"
        "  05.01.2026, 10:00  Freigabe „Pilot starten“: Nein (Mayor Jena, Stadt Jena)\n"
        f"       Anmerkung: {NOTE}\n"
        "  05.01.2026, 15:00  Freigabe „Pilot starten“: Ja (Mayor Weimar, Stadt Weimar)\n"
        "       Anmerkung: keine\n"
    ) in out
    md = cooperation_markdown(world.app, cid)
    assert (
        f"| 05.01.2026, 10:00 | Freigabe | Pilot starten | Nein | Mayor Jena | Stadt Jena | {NOTE} |"
    ) in md
    assert (
        "| 05.01.2026, 15:00 | Freigabe | Pilot starten | Ja | Mayor Weimar | Stadt Weimar | – |"
        in md
    )
    english = show(world.app, cid, "en")["answers"][0]
    assert (english["purpose_text"], english["answer_text"], english["municipality"]) == (
        "Sign-off",
        "No",
        "Town of Jena",
    )


def test_a_note_cannot_put_markup_on_the_page(world: World) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    ask(world, cid, jena.municipality_id, "run-1")
    hostile = "![x](http://evil.example/p.png) | <b>laut</b>\nzweite Zeile"
    answer(world.app, mail_of(world, "signoff_requested", jena.mayor_id).token, False, hostile)
    md = cooperation_markdown(world.app, cid)
    assert (
        "| Nein | Mayor Jena | Stadt Jena | "
        "\\!\\[x\\](http://evil.example/p.png) \\| \\<b\\>laut\\</b\\> zweite Zeile |"
    ) in md
    assert "![x]" not in md and "<b>" not in md
    # `coop show --json` keeps the note as written.
    assert show(world.app, cid)["answers"][0]["note"] == hostile


@pytest.mark.postgres
def test_the_answers_read_the_same_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    app = make_app(pg_url.replace("postgresql://", "postgresql+psycopg://"), tmp_path)
    try:
        w = make_world(app)
        cid = ready_but_for_signoffs(w)
        jena = w.partners[0]
        ask(w, cid, jena.municipality_id, "run-pg")
        answer(app, mail_of(w, "signoff_requested", jena.mayor_id).token, False, NOTE)
        [row] = show(app, cid)["answers"]
        assert (row["at"], row["at_text"], row["municipality"], row["note"]) == (
            "2026-01-05T09:00:00+00:00",
            "05.01.2026, 10:00",
            "Stadt Jena",
            NOTE,
        )
        assert show(app, cid)["history"][0]["at_text"] == "05.01.2026, 10:00"
    finally:
        app.close()
