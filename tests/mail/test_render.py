"""Rendering without a server: every kind, both languages, headers that cannot be injected."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from ikz.mail.content import BUILDERS, TRANSITION_SUBJECTS
from ikz.mail.render import message_id, render
from ikz.settings import Settings
from models.outbox import Notification
from models.registry import Person
from states.lifecycle import EDGES, STATE_LABELS, Edge
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
    "days_silent": 75,
}


def note(kind: str, context: dict[str, Any] | None = None, key: str = "k:1") -> Notification:
    return Notification(
        recipient_id=1,
        kind=kind,
        context=CONTEXT if context is None else context,
        dedupe_key=key,
        created_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
    )


def person(lang: str = "de", name: str = "Anna Müller") -> Person:
    return Person(id=1, name=name, email="anna@example.org", language=lang)


def roundtrip(msg: EmailMessage) -> EmailMessage:
    return message_from_bytes(msg.as_bytes(), policy=policy.default)  # type: ignore[return-value]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", [*BUILDERS, "something_new"])
def test_every_kind_renders_in_both_languages(kind: str, lang: str) -> None:
    msg = roundtrip(render(note(kind), person(lang), settings=SETTINGS))
    assert msg.get_content_type() == "multipart/alternative"
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
    for kind in [*BUILDERS, "something_new"]:
        msg = render(note(kind, {}), person(), settings=SETTINGS)
        assert str(msg["Subject"]).startswith("[IKZ] ")


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: f"{e.trigger}:{e.source}->{e.dest}")
def test_transition_subjects_use_human_labels(edge: Edge) -> None:
    ctx = {**CONTEXT, "trigger": edge.trigger.value, "from_state": edge.source.value}
    ctx["to_state"] = edge.dest.value
    for lang, idx in (("de", 0), ("en", 1)):
        msg = render(note("transition", ctx), person(lang), settings=SETTINGS)
        what = TRANSITION_SUBJECTS[edge.trigger.value][idx]
        assert msg["Subject"] == f"[IKZ] Gemeinsamer Bauhof Nord: {what}"
        plain = text_of(msg, "plain")
        assert STATE_LABELS[edge.source][idx] in plain
        assert STATE_LABELS[edge.dest][idx] in plain


def test_lang_argument_overrides_recipient_language() -> None:
    msg = render(note("transition"), person("de"), "en", settings=SETTINGS)
    assert msg["Subject"] == "[IKZ] Gemeinsamer Bauhof Nord: Pilot started"


def test_message_id_is_stable_per_dedupe_key() -> None:
    a = render(note("transition", key="transition:7:3:1"), person(), settings=SETTINGS)
    b = render(note("transition", key="transition:7:3:1"), person("en"), settings=SETTINGS)
    c = render(note("transition", key="transition:7:3:2"), person(), settings=SETTINGS)
    assert a["Message-ID"] == b["Message-ID"] == message_id("transition:7:3:1")
    assert a["Message-ID"] != c["Message-ID"]
    assert str(a["Message-ID"]).endswith("@ikz-flow>")


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
