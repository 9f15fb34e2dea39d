"""Rendering without a server: every kind, both languages, headers that cannot be injected."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from ikz.mail import render as render_module
from ikz.mail.content import builders
from ikz.mail.render import message_id, render
from ikz.settings import Settings
from models.outbox import Notification, OutboxContext
from models.registry import Person
from states.lifecycle import EDGES, Edge
from tests.labels import STATE_NAMES, TRANSITION_SUBJECT, TRIGGER_NAMES
from tests.mail.conftest import text_of

SETTINGS = Settings(ui_base_url="https://ikz.example.org/")
CONTEXT: dict[str, Any] = {
    "cooperation_id": 7,
    "title": "Gemeinsamer Bauhof Nord",
    "trigger": "start_pilot",
    "from_state": "agreement",
    "to_state": "pilot",
    "reason": "Absichtserklärung unterschrieben",
    "gate": "start_pilot",
    "municipality_id": 3,
    "conflict_id": 2,
    "subject": "Standort der Halle",
    "level": "steering_round",
    "resolution": "Halle in Weimar, Verwaltung in Jena",
    "state": "pilot",
    "due_on": "2026-03-01",
    "meets_on": "2026-03-12",
    "days_silent": 75,
    "days_open": 21,
    "note": "Erst nach der Ratssitzung",
    "recipient_name": "Bernd Beispiel",
    "recipient_email": "bernd@example.org",
    "reply": "550 5.1.1 No such user",
    "meeting_id": 4,
    "meeting_kind": "steering_round",
    "uid": "meeting-4@ikz-flow",
    "sequence": 0,
    "starts_at": "2026-03-12T09:00:00+00:00",
    "duration_minutes": 90,
    "organizer": {"id": 1, "name": "Kora Koordinatorin", "email": "kora@example.org"},
    "attendees": [{"id": 2, "name": "Anna Müller", "email": "anna@example.org"}],
}


def note(kind: str, context: dict[str, Any] | None = None, key: str = "k:1") -> Notification:
    return Notification(
        recipient_id=1,
        kind=kind,
        payload=OutboxContext(body=CONTEXT if context is None else context),
        dedupe_key=key,
        created_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
    )


def person(lang: str = "de", name: str = "Anna Müller") -> Person:
    return Person(id=1, name=name, email="anna@example.org", language=lang)


def roundtrip(msg: EmailMessage) -> EmailMessage:
    return message_from_bytes(msg.as_bytes(), policy=policy.default)  # type: ignore[return-value]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", [*builders(), "something_new"])
def test_every_kind_renders_in_both_languages(kind: str, lang: str) -> None:
    msg = roundtrip(render(note(kind), person(lang), settings=SETTINGS))
    calendar = kind in ("meeting_invitation", "meeting_cancelled", "conflict_session")
    assert msg.get_content_type() == ("multipart/mixed" if calendar else "multipart/alternative")
    # strip(): CPython may fold a long subject right after "Subject:" and keeps the space.
    assert str(msg["Subject"]).strip().startswith("[IKZ] Gemeinsamer Bauhof Nord: ")
    assert msg["Content-Language"] == lang
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["From"] == "ikz-flow <noreply@ikz-flow.invalid>"
    plain, html = text_of(msg, "plain"), text_of(msg, "html")
    greeting = "Hello Anna Müller," if lang == "en" else "Guten Tag Anna Müller,"
    assert plain.startswith(greeting)
    assert "https://ikz.example.org" in plain
    assert 'href="https://ikz.example.org' in html
    assert "Gemeinsamer Bauhof Nord" in plain


def test_missing_context_keys_still_render() -> None:
    for kind in [*builders(), "something_new"]:
        msg = render(note(kind, {}), person(), settings=SETTINGS)
        assert str(msg["Subject"]).startswith("[IKZ] ")


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: f"{e.trigger}:{e.source}->{e.dest}")
def test_transition_subjects_use_human_labels(edge: Edge) -> None:
    ctx = {**CONTEXT, "trigger": edge.trigger.value, "from_state": edge.source.value}
    ctx["to_state"] = edge.dest.value
    for lang, idx in (("de", 0), ("en", 1)):
        msg = render(note("transition", ctx), person(lang), settings=SETTINGS)
        what = TRANSITION_SUBJECT[edge.trigger][idx]
        assert msg["Subject"] == f"[IKZ] Gemeinsamer Bauhof Nord: {what}"
        plain = text_of(msg, "plain")
        before, now = STATE_NAMES[edge.source][idx], STATE_NAMES[edge.dest][idx]
        step = TRIGGER_NAMES[edge.trigger][idx]
        if edge.source is edge.dest:  # never "from X to X"
            stays = (
                f"der Schritt „{step}“ erfasst; sie bleibt in „{now}“"
                if lang == "de"
                else f"the step “{step}” was recorded"
            )
            assert stays in plain and "gewechselt" not in plain and "moved from" not in plain
        else:
            moved = (
                f"„{before}“ in „{now}“ gewechselt"
                if lang == "de"
                else f"from “{before}” to “{now}”"
            )
            assert moved in plain
        assert step in plain


def test_lang_argument_overrides_recipient_language() -> None:
    msg = render(note("transition"), person("de"), "en", settings=SETTINGS)
    assert msg["Subject"] == "[IKZ] Gemeinsamer Bauhof Nord: Pilot started"


def test_message_id_is_stable_per_dedupe_key() -> None:
    a = render(note("transition", key="transition:7:3:1"), person(), settings=SETTINGS)
    b = render(note("transition", key="transition:7:3:1"), person("en"), settings=SETTINGS)
    c = render(note("transition", key="transition:7:3:2"), person(), settings=SETTINGS)
    # Pinned: a Message-ID that changed between versions would defeat a relay's dedupe.
    assert a["Message-ID"] == b["Message-ID"] == "<5eb9593e9e8594ed6fa0023f7be868b2@ikz-flow>"
    assert message_id("transition:7:3:1") == a["Message-ID"]
    assert a["Message-ID"] != c["Message-ID"]


def test_line_breaks_in_text_cannot_inject_headers() -> None:
    ctx = {**CONTEXT, "title": "Bauhof\r\nBcc: evil@example.org"}
    msg = render(note("transition", ctx), person(name="Eve\nBcc: x@example.org"), settings=SETTINGS)
    back = roundtrip(msg)
    assert back["Bcc"] is None
    assert back["Subject"] == "[IKZ] Bauhof Bcc: evil@example.org: Pilotphase begonnen"
    assert back["To"].addresses[0].addr_spec == "anna@example.org"


def test_conflict_escalation_says_what_to_do() -> None:
    ctx = {**CONTEXT, "level": "mayors"}
    de = render(note("conflict_escalated", ctx), person(), settings=SETTINGS)
    en = render(note("conflict_escalated", ctx), person("en"), settings=SETTINGS)
    assert de["Subject"] == "[IKZ] Gemeinsamer Bauhof Nord: Konflikt eskaliert: Bürgermeister:innen"
    assert "Chefsache" in text_of(de, "plain")
    assert en["Subject"] == "[IKZ] Gemeinsamer Bauhof Nord: Conflict escalated: mayors"


# What each kind's subject says (after "[IKZ] <title>: "): what happened or what to do.
SUBJECTS: dict[str, tuple[str, str]] = {
    "transition": ("Pilotphase begonnen", "Pilot started"),
    "cooperation_opened": ("Kooperation eröffnet", "Cooperation opened"),
    "signoff_recorded": ("Freigabe erteilt (Pilot starten)", "Sign-off recorded (Start pilot)"),
    "conflict_raised": (
        "Konflikt gemeldet: Standort der Halle",
        "Conflict raised: Standort der Halle",
    ),
    "conflict_escalated": (
        "Konflikt eskaliert: Steuerungsrunde",
        "Conflict escalated: steering round",
    ),
    "conflict_resolved": (
        "Konflikt gelöst: Standort der Halle",
        "Conflict resolved: Standort der Halle",
    ),
    "review_due": ("Review fällig", "Review due"),
    "signoff_requested": (
        "Freigabe erbeten (Pilot starten) bis 01.03.2026",
        "Sign-off requested (Start pilot) by 2026-03-01",
    ),
    "signoff_reminder": (
        "Erinnerung: Freigabe ausstehend (Pilot starten) bis 01.03.2026",
        "Reminder: sign-off pending (Start pilot) by 2026-03-01",
    ),
    "success_report_ready": ("Erfolgsbericht liegt vor", "Success report ready"),
    "silence_reminder": ("Zeit für einen informellen Austausch", "Time for an informal exchange"),
    "conflict_overdue": (
        "Konflikt überfällig: bitte eskalieren (Standort der Halle)",
        "Conflict overdue: please escalate (Standort der Halle)",
    ),
    "founding_deadline": (
        "Vorlage bis 01.03.2026: Ratssitzung Kommune #3 am 12.03.2026",
        "Submit by 2026-03-01: council meeting municipality #3 on 2026-03-12",
    ),
    "funding_deadline": (
        "Verwendungsnachweis fällig am 01.03.2026",
        "Proof of use due on 2026-03-01",
    ),
    "signoff_declined": ("Freigabe abgelehnt (Pilot starten)", "Sign-off declined (Start pilot)"),
    "delivery_failed": (
        "Zustellung fehlgeschlagen: Bernd Beispiel",
        "Delivery failed: Bernd Beispiel",
    ),
    "meeting_invitation": (
        "Einladung: Steuerungsrunde am Do., 12.03.2026, 10:00–11:30 Uhr",
        "Invitation: Steering round on Thu 2026-03-12, 10:00–11:30 (German time)",
    ),
    "meeting_cancelled": (
        "Abgesagt: Steuerungsrunde am Do., 12.03.2026, 10:00–11:30 Uhr",
        "Cancelled: Steering round on Thu 2026-03-12, 10:00–11:30 (German time)",
    ),
    "conflict_session": (
        "Einladung: Steuerungsrunde am Do., 12.03.2026, 10:00–11:30 Uhr",
        "Invitation: Steering round on Thu 2026-03-12, 10:00–11:30 (German time)",
    ),
    "conflict_closed": (
        "Konflikt ohne Lösung geschlossen: Standort der Halle",
        "Conflict closed unresolved: Standort der Halle",
    ),
    "login_link": ("Ihr Anmeldelink", "Your login link"),
    "audit_anchor": ("Anker des Prüfpfads", "Audit trail anchor"),
    "benefit_confirmation_requested": (
        "Nutzen bestätigen (Kommune #3)",
        "Please confirm the benefit (municipality #3)",
    ),
    "benefit_confirmed": ("Nutzen bestätigt (Kommune #3)", "Benefit confirmed (municipality #3)"),
    "benefit_not_confirmed": (
        "Nutzen nicht bestätigt (Kommune #3)",
        "Benefit not confirmed (municipality #3)",
    ),
    "conflict_agreement_requested": (
        "Zustimmung erbeten: Standort der Halle",
        "Agreement asked: Standort der Halle",
    ),
    "conflict_agreement_declined": (
        "Lösung abgelehnt: Standort der Halle",
        "Resolution declined: Standort der Halle",
    ),
}


def test_every_kind_has_a_subject_that_says_what_happened() -> None:
    assert set(SUBJECTS) == set(builders())
    for kind, (de, en) in SUBJECTS.items():
        assert render(note(kind), person("de"), settings=SETTINGS)["Subject"] == (
            f"[IKZ] Gemeinsamer Bauhof Nord: {de}"
        )
        assert render(note(kind), person("en"), settings=SETTINGS)["Subject"] == (
            f"[IKZ] Gemeinsamer Bauhof Nord: {en}"
        )


def test_review_due_lists_what_is_missing() -> None:
    ctx = {
        **CONTEXT,
        "gate": "evaluate",
        "unmet": [
            {"code": "no_steering_round", "de": "Keine Steuerungsrunde", "en": "No steering round"},
            {"code": "x", "de": "Kein Bericht", "en": "No report"},
        ],
        "signals": [{"code": "s", "level": "warn", "de": "Lange still", "en": "Long silence"}],
    }
    de = render(note("review_due", ctx), person(), settings=SETTINGS)
    en = render(note("review_due", ctx), person("en"), settings=SETTINGS)
    assert de["Subject"] == "[IKZ] Gemeinsamer Bauhof Nord: Review fällig: 2 Punkte offen"
    assert en["Subject"] == "[IKZ] Gemeinsamer Bauhof Nord: Review due: 2 items missing"
    plain = text_of(de, "plain")
    assert "☐ Keine Steuerungsrunde" in plain and "☐ Kein Bericht" in plain
    assert "⚠ Lange still" in plain
    assert "☐ No steering round" in text_of(en, "plain")


def test_invitation_is_an_ics_attachment_in_the_recipients_language() -> None:
    for lang, name in (("de", "einladung.ics"), ("en", "request.ics")):
        msg = roundtrip(render(note("meeting_invitation"), person(lang), settings=SETTINGS))
        [part] = list(msg.iter_attachments())
        assert part.get_content_type() == "text/calendar"
        assert part.get_filename() == name
        assert part.get_param("method") == "REQUEST"
        body = part.get_payload(decode=True)
        assert isinstance(body, bytes) and b"UID:meeting-4@ikz-flow" in body
    cancel = roundtrip(render(note("meeting_cancelled"), person(), settings=SETTINGS))
    assert next(iter(cancel.iter_attachments())).get_param("method") == "CANCEL"
    # The same row gives the same invitation bytes (DTSTAMP is the row's creation time).
    a = render(note("meeting_invitation"), person(), settings=SETTINGS)
    b = render(note("meeting_invitation"), person(), settings=SETTINGS)
    assert [p.get_content() for p in a.iter_attachments()] == [
        p.get_content() for p in b.iter_attachments()
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_digest_renders_every_kind_in_both_languages(lang: str) -> None:
    from ikz.mail.digest import DigestJob, render_digest

    rows = [note(kind, key=f"k:{i}") for i, kind in enumerate(builders())]
    rows.append(note("conflict_raised", {**CONTEXT, "subject": "<b>Halle</b> & Hof"}, key="x"))
    who = person(lang)
    who.digest = "daily"
    job = DigestJob(who, rows, "2026-02-01", None)
    msg = roundtrip(render_digest(job, settings=SETTINGS, now=rows[0].created_at))
    n = len(rows)
    expected = (
        f"[IKZ] Your daily digest: {n} updates"
        if lang == "en"
        else f"[IKZ] Ihre tägliche Zusammenfassung: {n} Nachrichten"
    )
    assert msg["Subject"] == expected
    assert msg["Content-Language"] == lang
    assert msg["Message-ID"] == "<690f8d41d959f1a06df724df062cda5d@ikz-flow>"
    plain, html = text_of(msg, "plain"), text_of(msg, "html")
    assert plain.count("\n== ") == n and html.count("<h2") == n
    for kind, (de, en) in SUBJECTS.items():
        assert (en if lang == "en" else de) in plain, kind
    assert "&lt;b&gt;Halle&lt;/b&gt; &amp; Hof" in html and "<b>Halle</b>" not in html


def _unbounded(raw: bytes) -> bytes:
    # MIME boundaries are random per flattening.
    return re.sub(rb"=+\d+==", b"BOUNDARY", raw)


@pytest.mark.parametrize("kind", ["transition", "meeting_invitation", "delivery_failed"])
def test_cached_headers_render_the_same_bytes_as_the_stock_policy(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [person("de", "Müller, Anna"), person("en", 'Bob "B." Builder'), person()]
    cached = [render(note(kind, key=f"k:{i}"), p, settings=SETTINGS) for i, p in enumerate(people)]
    # Again, now from the cache: the same headers, shared between messages.
    again = [render(note(kind, key=f"k:{i}"), p, settings=SETTINGS) for i, p in enumerate(people)]
    monkeypatch.setattr(render_module, "new_message", EmailMessage)
    stock = [render(note(kind, key=f"k:{i}"), p, settings=SETTINGS) for i, p in enumerate(people)]
    assert all(m.policy is render_module.POLICY for m in cached)
    assert all(m.policy is policy.default for m in stock)
    for a, b, c in zip(cached, again, stock, strict=True):
        assert _unbounded(a.as_bytes()) == _unbounded(b.as_bytes()) == _unbounded(c.as_bytes())
    assert len({str(m["Message-ID"]) for m in cached}) == 3


_LONG = "Begründung: " + "sehr lange Zeile mit Umlauten äöü und = Zeichen " * 4
BODIES = [
    "",
    "kurz\n",
    "ascii only, short lines\nsecond line\n",
    "Grüße\naus Jena\n",  # 8bit
    "x" * 79 + "\n",  # one long ASCII line: quoted-printable
    _LONG + "\n",
    "\n".join([_LONG, "zwei", "", "trailing space ", "tab\t", "=equals"] * 3),  # > 10 lines
    "\n".join(["kurz"] * 10 + [_LONG]),  # the long line after the sniffed ten
    "\r\n".join(["Zeile\r", _LONG, "--"] * 5),  # CR LF and lone CR
    "日本語のテキスト" * 20,  # base64 wins the sniff
    "€" * 30 + "\n" + "x" * 100,
]


@pytest.mark.parametrize("text", BODIES)
def test_alternative_parts_are_built_as_set_content_builds_them(text: str) -> None:
    html = f"<p>{text}</p>\n" * 3
    built = render_module.new_message()
    built["Subject"] = "s"
    # As render builds a body: on POLICY, whose header factory caches parsed headers.
    built.set_content(text)
    built.add_alternative(html, subtype="html")
    stock = EmailMessage()
    stock["Subject"] = "s"
    stock.set_content(text)
    stock.add_alternative(html, subtype="html")
    stock.set_boundary("b")
    built.set_boundary("b")
    assert built.as_bytes() == stock.as_bytes()
    assert [p.get_content_type() for p in built.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert built.get_body(("plain",)).get_content() == stock.get_body(("plain",)).get_content()  # type: ignore[union-attr]
