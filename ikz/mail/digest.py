"""Digest mails: one mail per person and period gathering their held notifications.

Claiming is exclusive per person: inside one write transaction the person is read (row
lock on PostgreSQL, the single writer on SQLite), the digest is checked to be due,
their due rows go to 'sending' and `last_digest_at` moves to now. So two dispatchers
never send the same period's digest twice, and a row is gathered into one digest only.
A digest the relay refused for now puts its rows back and `last_digest_at` back, so it
is due again once the rows are.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from ikz.app import App
from ikz.mail import safe
from ikz.mail.content import content_for
from ikz.mail.outcome import DispatchResult, Outcome, apply, delay_for, tally
from ikz.mail.render import (
    SUBJECT_PREFIX,
    language_of,
    message_id,
    new_message,
    one_line,
    subject_line,
    template_env,
)
from ikz.settings import Settings
from models import delivery
from models.outbox import Notification
from models.registry import Person
from states.delivery import DigestMode, digest_due, period_key


@dataclass(frozen=True)
class DigestJob:
    recipient: Person
    rows: list[Notification]
    period: str
    previous_digest_at: datetime | None


def _candidates(app: App, now: datetime, limit: int) -> dict[int, list[int]]:
    """The held rows of people whose digest is due, by person (at most `limit` people)."""
    with app.db.read() as s:
        rows = delivery.held_rows(session=s, now=now)
    held: dict[int, list[int]] = {}
    for pid, nid, mode, last in rows:
        if nid is None:  # pragma: no cover - a stored row always has its id
            continue
        if pid in held:
            held[pid].append(nid)
        elif len(held) < limit and digest_due(mode, last, now):
            held[pid] = [nid]
    return held


def claim_digests(app: App, limit: int) -> list[DigestJob]:
    now = app.clock()
    jobs = []
    for pid, held in _candidates(app, now, limit).items():
        # One short transaction per person: a slow batch never blocks the immediate mail.
        with app.db.write() as s:
            person = delivery.lock_person(session=s, person_id=pid)
            if not digest_due(person.digest, person.last_digest_at, now):
                continue  # another dispatcher was first
            # The rows read above that are still held: a row another dispatcher took
            # meanwhile is not gathered twice. A row queued since waits for the next digest.
            ids = delivery.claim_held(session=s, ids=held, now=now)
            if not ids:
                continue
            previous = delivery.start_digest_period(session=s, person=person, now=now)
            rows = delivery.rows_by_id(session=s, ids=ids)
        jobs.append(DigestJob(person, rows, period_key(person.digest, now), previous))
    return jobs


def _capitalized(text: str) -> str:
    # Notification texts continue a greeting ("Guten Tag X, die Kooperation ..."); in a
    # digest each one stands on its own.
    return text[:1].upper() + text[1:]


def render_digest(
    job: DigestJob, *, settings: Settings, now: datetime, sender: str | None = None
) -> EmailMessage:
    """One mail with a section per gathered notification, in the recipient's language."""
    person = job.recipient
    lang = language_of(person)
    items = []
    for n in job.rows:
        content = safe.content(content_for(n.kind, n.context, lang))
        paragraphs = list(content.paragraphs)
        if paragraphs:
            paragraphs[0] = _capitalized(paragraphs[0])
        headline = subject_line(content, n.context).removeprefix(SUBJECT_PREFIX).strip()
        items.append(
            {
                "headline": headline,
                "paragraphs": paragraphs,
                "facts": content.facts,
                "action": content.action,
            }
        )
    count, weekly = len(items), person.digest == DigestMode.WEEKLY
    name = one_line(person.name)
    if lang == "en":
        subject = f"{SUBJECT_PREFIX} Your {'weekly' if weekly else 'daily'} digest: {count} update{'s' * (count != 1)}"
        intro = f"here is what happened in ikz-flow since your last digest ({count})."
    else:
        subject = (
            f"{SUBJECT_PREFIX} Ihre {'wöchentliche' if weekly else 'tägliche'} Zusammenfassung: "
            f"{count} {'Nachricht' if count == 1 else 'Nachrichten'}"
        )
        intro = (
            f"hier ist, was seit Ihrer letzten Zusammenfassung in ikz-flow geschehen ist ({count})."
        )
    values = {
        "lang": lang,
        "subject": subject,
        "greeting": f"Hello {name}," if lang == "en" else f"Guten Tag {name},",
        "intro": intro,
        "items": items,
        "link": settings.ui_base_url or None,
        "link_label": "Open ikz-flow" if lang == "en" else "Zu ikz-flow",
        "footer": (
            "You get this digest instead of single messages; reply-free, sent by ikz-flow."
            if lang == "en"
            else "Sie erhalten diese Zusammenfassung statt einzelner Nachrichten; "
            "automatisch versandt von ikz-flow."
        ),
    }
    msg = new_message()
    msg["Subject"] = one_line(subject)
    msg["From"] = one_line(sender or settings.mail_from)
    msg["To"] = Address(display_name=name, addr_spec=safe.address(person.email))
    msg["Date"] = format_datetime(now)
    # Stable per person and period, so a resend after a crash can be deduplicated.
    msg["Message-ID"] = message_id(f"digest:{person.id}:{job.period}")
    msg["Auto-Submitted"] = "auto-generated"
    env = template_env()
    msg.set_content(env.get_template("digest.txt").render(values))
    msg.add_alternative(env.get_template("digest.html").render(values), subtype="html")
    msg["Content-Language"] = lang
    return msg


def record_digest(
    app: App, job: DigestJob, outcome: Outcome, rng: random.Random | None = None
) -> DispatchResult:
    """Store one digest's outcome for all its rows in one transaction; not durably, like
    ikz.mail.outcome.record (a lost commit means the digest is sent once more)."""
    delay = delay_for(app, job.rows, outcome, rng)
    with app.db.write(durable=False) as s:
        # Held rows are old by design: only the attempt cap applies to them, not max age.
        statuses = [
            apply(s, app, row, job.recipient, outcome, delay, age_limit=False) for row in job.rows
        ]
        if "pending" in statuses:
            # Not delivered: the digest is due again when its rows are (same period, same
            # Message-ID), unless someone changed the preference meanwhile.
            delivery.restore_digest_time(
                session=s,
                person_id=job.recipient.id,
                mode=job.recipient.digest,
                previous=job.previous_digest_at,
            )
    result = tally(statuses)
    if outcome.verdict == "sent" and result.sent:
        result += DispatchResult(digests=1)
    return result
