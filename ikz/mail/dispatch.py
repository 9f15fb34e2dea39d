"""Deliver due outbox rows over SMTP: claim a batch, send it on one connection, record.

Delivery is at least once. A row is claimed (pending -> sending) in its own transaction
before it is sent and its outcome is recorded right after; a dispatcher that dies in
between leaves the row 'sending' with a lease (next_attempt_at = claim time + CLAIM_LEASE),
after which the next run claims it again. So a crash between sending and recording may
resend that one message, with the same Message-ID (stable per row), which lets a receiver
drop it. Retry rules: ikz.mail.outcome. Digests (people who chose daily or weekly mail):
ikz.mail.digest.

The dispatcher takes a plain SmtpConfig, never Prefect: the CLI builds it from IKZ_SMTP_*,
the dispatch flow from the `ikz-smtp` block when one exists.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from sqlalchemy import func, or_, update
from sqlmodel import col, select

from ikz.app import App
from ikz.digests import IMMEDIATE_KINDS, DigestMode
from ikz.mail.digest import DigestJob, claim_digests, record_digest, render_digest
from ikz.mail.outcome import (
    CLAIM_LEASE,
    DispatchResult,
    Outcome,
    Verdict,
    backoff,
    due,
    record,
)
from ikz.mail.render import render
from ikz.mail.smtp import SmtpConfig
from models.outbox import Notification
from models.registry import Person

__all__ = ["DispatchResult", "backoff", "claim", "dispatch", "dispatch_sync", "outbox_status"]

log = logging.getLogger("ikz.mail")

STATUSES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class Claimed:
    row: Notification
    recipient: Person | None


@dataclass(frozen=True)
class Outgoing:
    """One mail to send and how to record what became of it."""

    to: str
    msg: EmailMessage
    done: Callable[[Outcome], DispatchResult]


def claim(app: App, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows for immediate delivery (digest recipients' rows wait,
    see ikz.mail.digest). The UPDATE re-checks the due condition (compare and set), so of
    two dispatchers racing for a row exactly one gets it back from RETURNING."""
    now = app.clock()
    with app.db.write() as s:
        ids = s.exec(
            select(Notification.id)
            .join(Person, col(Person.id) == col(Notification.recipient_id))
            .where(
                due(now),
                or_(
                    col(Person.digest) == DigestMode.IMMEDIATE.value,
                    col(Notification.kind).in_(IMMEDIATE_KINDS),
                ),
            )
            .order_by(col(Notification.next_attempt_at), col(Notification.id))
            .limit(limit)
            # PostgreSQL: concurrent dispatchers pick different rows instead of queueing
            # on the same ones. SQLite ignores it; its writes are serialized anyway.
            .with_for_update(skip_locked=True, of=Notification)
        ).all()
        if not ids:
            return []
        claimed = (
            s.execute(
                update(Notification)
                .where(col(Notification.id).in_(ids), due(now))
                .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
                .returning(col(Notification.id))
            )
            .scalars()
            .all()
        )
        rows = s.exec(
            select(Notification)
            .where(col(Notification.id).in_(claimed))
            .order_by(col(Notification.id))
        ).all()
        people = {
            p.id: p
            for p in s.exec(
                select(Person).where(col(Person.id).in_({r.recipient_id for r in rows}))
            )
        }
    return [Claimed(r, people.get(r.recipient_id)) for r in rows]


def classify(exc: BaseException) -> tuple[Verdict, str]:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        reply = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return ("failed" if codes and all(500 <= c < 600 for c in codes) else "retry"), reply
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return ("failed" if 500 <= exc.code < 600 else "retry"), f"{exc.code} {exc.message}"
    if isinstance(exc, aiosmtplib.SMTPNotSupported | ValueError):
        return "failed", f"{type(exc).__name__}: {exc}"
    return "retry", f"{type(exc).__name__}: {exc}"


def _breaks_connection(exc: BaseException) -> bool:
    # A reply (even a refusal) leaves the session usable; anything else may not have.
    answered = (
        aiosmtplib.SMTPResponseException,
        aiosmtplib.SMTPRecipientsRefused,
        aiosmtplib.SMTPNotSupported,
        ValueError,
    )
    return not isinstance(exc, answered)


async def _close(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        smtp.close()


async def _send_all(smtp: SmtpConfig, items: list[Outgoing]) -> tuple[DispatchResult, bool]:
    """Send `items` on one connection; the flag says whether the connection held up."""
    total = DispatchResult()

    async def note(item: Outgoing, outcome: Outcome) -> None:
        nonlocal total
        total += await asyncio.to_thread(item.done, outcome)

    client = smtp.client()
    broken: str | None = None
    try:
        # Connects, says EHLO, upgrades with STARTTLS and logs in: a failure here is the
        # relay's (or its settings'), never a message's.
        await client.connect()
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        broken = f"connect: {type(exc).__name__}: {exc}"
        log.warning(
            "SMTP %s:%s unusable, %d mails deferred: %s", smtp.host, smtp.port, len(items), broken
        )
        for item in items:
            await note(item, Outcome("retry", broken, offered=False))
        return total, False
    try:
        for item in items:
            if broken is not None:
                await note(item, Outcome("retry", broken, offered=False))
                continue
            try:
                _errors, reply = await client.send_message(
                    item.msg, sender=smtp.sender, recipients=[item.to]
                )
            except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
                verdict, text = classify(exc)
                if _breaks_connection(exc) or not client.is_connected:
                    broken = text
                await note(item, Outcome(verdict, text))
            else:
                await note(item, Outcome("sent", f"250 {reply}"))
    finally:
        if broken is None or client.is_connected:
            await _close(client)
    return total, broken is None


Batch = tuple[int, list[Outgoing], DispatchResult]  # rows claimed, mails ready, render failures


def _immediate(app: App, limit: int, smtp: SmtpConfig, rng: random.Random | None) -> Batch:
    """Claim and render a batch; a row that cannot be rendered fails at once."""
    jobs = claim(app, limit)
    ready: list[Outgoing] = []
    failed = DispatchResult()
    for job in jobs:

        def done(outcome: Outcome, job: Claimed = job) -> DispatchResult:
            return record(app, job.row, job.recipient, outcome, rng)

        try:
            if job.recipient is None:
                raise LookupError(f"recipient #{job.row.recipient_id} not found")
            msg = render(
                job.row,
                job.recipient,
                settings=app.settings,
                now=app.clock(),
                sender=smtp.mail_from,
            )
        except Exception as exc:
            log.exception("outbox #%s cannot be rendered", job.row.id)
            failed += done(Outcome("failed", f"render: {type(exc).__name__}: {exc}"))
            continue
        ready.append(Outgoing(job.recipient.email, msg, done))
    return len(jobs), ready, failed


def _digests(app: App, limit: int, smtp: SmtpConfig, rng: random.Random | None) -> Batch:
    jobs = claim_digests(app, limit)
    ready: list[Outgoing] = []
    failed = DispatchResult()
    for job in jobs:

        def done(outcome: Outcome, job: DigestJob = job) -> DispatchResult:
            return record_digest(app, job, outcome, rng)

        try:
            msg = render_digest(job, settings=app.settings, now=app.clock(), sender=smtp.mail_from)
        except Exception as exc:
            log.exception("digest for person #%s cannot be rendered", job.recipient.id)
            failed += done(Outcome("failed", f"render: {type(exc).__name__}: {exc}"))
            continue
        ready.append(Outgoing(job.recipient.email, msg, done))
    return len(jobs), ready, failed


async def dispatch(
    app: App,
    *,
    batch_size: int = 100,
    rng: random.Random | None = None,
    smtp: SmtpConfig | None = None,
) -> DispatchResult:
    """Send every due row, `batch_size` mails per SMTP connection, then the due digests.
    Stops early when the relay cannot be used; the rows stay pending for the next run."""
    smtp = smtp or SmtpConfig.from_settings(app.settings)
    total = DispatchResult()
    for stage in (_immediate, _digests):
        while True:
            claimed, ready, failed = await asyncio.to_thread(stage, app, batch_size, smtp, rng)
            total += failed
            if ready:
                result, healthy = await _send_all(smtp, ready)
                total += result
                if not healthy:
                    return total
            if claimed < batch_size:
                break
    return total


def dispatch_sync(
    app: App, *, batch_size: int = 100, smtp: SmtpConfig | None = None
) -> DispatchResult:
    """`dispatch` for synchronous callers (CLI, sync Prefect tasks); not inside a running loop."""
    return asyncio.run(dispatch(app, batch_size=batch_size, smtp=smtp))


def outbox_status(app: App) -> dict[str, Any]:
    """Counts per status, how many pending rows are due, how many wait for a digest, and
    the oldest pending row's age."""
    now = app.clock()
    with app.db.read() as s:
        by_status = s.exec(
            select(Notification.status, func.count()).group_by(col(Notification.status))
        ).all()
        pending = col(Notification.status) == "pending"
        oldest = s.exec(select(func.min(Notification.created_at)).where(pending)).one()
        due_now = s.exec(
            select(func.count())
            .select_from(Notification)
            .where(pending, col(Notification.next_attempt_at) <= now)
        ).one()
        held = s.exec(
            select(func.count())
            .select_from(Notification)
            .join(Person, col(Person.id) == col(Notification.recipient_id))
            .where(
                pending,
                col(Person.digest) != DigestMode.IMMEDIATE.value,
                col(Notification.kind).not_in(IMMEDIATE_KINDS),
            )
        ).one()
    counts = dict.fromkeys(STATUSES, 0) | {status: n for status, n in by_status}
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else None
    return {
        "counts": counts,
        "due": due_now,
        "held_for_digest": held,
        "oldest_pending_age_seconds": age,
    }
