"""Deliver due outbox rows over SMTP: claim a batch, send it on one connection, record.

Delivery is at least once. A row is claimed (pending -> sending) in its own transaction
before it is sent and its outcome is recorded right after; a dispatcher that dies in
between leaves the row 'sending' with a lease (next_attempt_at = claim time + CLAIM_LEASE),
after which the next run claims it again. So a crash between sending and recording may
resend that one message, with the same Message-ID (stable per row), which lets a receiver
drop it. Retry rules: states.delivery, recorded by ikz.mail.outcome; the statements:
models.delivery. Digests (people who chose daily or weekly mail): ikz.mail.digest.

The dispatcher takes a plain SmtpConfig, never Prefect: the CLI builds it from IKZ_SMTP_*,
the dispatch flow from the `ikz-smtp` block when one exists.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from typing import Any

import aiosmtplib

from ikz.app import App
from ikz.gcpause import gc_paused
from ikz.mail.digest import DigestJob, claim_digests, record_digest, render_digest
from ikz.mail.outcome import DispatchResult, Outcome, Verdict, record
from ikz.mail.render import render
from ikz.mail.smtp import SmtpConfig
from ikz.mail.wire import Wire
from models import delivery
from models.db import Writer
from models.delivery import Claimed

__all__ = [
    "Claimed",
    "DispatchResult",
    "claim",
    "dispatch",
    "dispatch_sync",
    "outbox_status",
    "send_due_now",
]

log = logging.getLogger("ikz.mail")

STATUSES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class Job:
    """One claimed mail: how to build it and how to record what became of it."""

    label: str  # for the log, e.g. "outbox #12"
    prepare: Callable[[], tuple[str, EmailMessage]]  # (recipient address, message)
    done: Callable[[Outcome], DispatchResult]


@dataclass(frozen=True)
class Outgoing:
    """One mail ready to send and how to record what became of it."""

    to: str
    msg: EmailMessage
    done: Callable[[Outcome], DispatchResult]


@dataclass(frozen=True)
class Flat:
    """A mail flattened for the wire; `data` None: left to `send_message`, which
    handles what is rare (non-ASCII addresses need SMTPUTF8) and reports it."""

    item: Outgoing
    data: bytes | None


def claim(app: App, limit: int, *, after_id: int = 0) -> list[Claimed]:
    """Take up to `limit` due rows for immediate delivery (digest recipients' rows wait,
    see ikz.mail.digest), only rows queued after row `after_id` if given, in one write
    transaction (models.delivery.claim_due: of two racing dispatchers one gets a row)."""
    now = app.clock()
    with app.db.write() as s:
        return delivery.claim_due(session=s, now=now, limit=limit, after_id=after_id)


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


Step = Callable[[], DispatchResult]  # one outcome to record


def _render_next(jobs: Iterator[Job]) -> tuple[Outgoing | None, list[Step]]:
    """Render jobs until one can be sent. Those that cannot be rendered are to fail at
    once (the returned steps record that)."""
    unrenderable: list[Step] = []
    for job in jobs:
        try:
            to, msg = job.prepare()
        except Exception as exc:
            log.exception("%s cannot be rendered", job.label)
            failed = Outcome("failed", f"render: {type(exc).__name__}: {exc}")
            unrenderable.append(partial(job.done, failed))
            continue
        return Outgoing(to, msg, job.done), unrenderable
    return None, unrenderable


def _record(steps: list[Step]) -> DispatchResult:
    total = DispatchResult()
    for step in steps:
        total += step()
    return total


def _deferrals(done: list[Callable[[Outcome], DispatchResult]], reason: str) -> list[Step]:
    """Mails never offered because the connection is unusable: deferrals, not attempts."""
    return [partial(d, Outcome("retry", reason, offered=False)) for d in done]


def _flat(item: Outgoing, wire: Wire, sender: str) -> Flat:
    try:
        (sender + item.to).encode("ascii")
        return Flat(item, wire.flatten(item.msg))
    except Exception:  # send_message then meets it and reports it, as before
        return Flat(item, None)


async def _offer(
    client: aiosmtplib.SMTP, sender: str, flat: Flat, wire: Wire
) -> tuple[Outcome, bool]:
    """Send one mail from `sender` (the envelope address); the flag says whether the
    connection is still usable."""
    item = flat.item
    try:
        if flat.data is None:
            _errors, reply = await client.send_message(
                item.msg, sender=sender, recipients=[item.to]
            )
        else:
            _errors, reply = await client.sendmail(
                sender, [item.to], flat.data, mail_options=wire.mail_options
            )
    except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
        verdict, text = classify(exc)
        return Outcome(verdict, text), not _breaks_connection(exc) and client.is_connected
    return Outcome("sent", f"250 {reply}"), True


async def _greet(client: aiosmtplib.SMTP) -> None:
    """EHLO (HELO for a relay without ESMTP) unless connect() already did (for STARTTLS
    or a login), as send_message would before the first mail: the relay's extensions
    decide how messages go on the wire (ikz.mail.wire)."""
    if client.is_ehlo_or_helo_needed:
        try:
            await client.ehlo()
        except aiosmtplib.SMTPHeloError:
            await client.helo()


async def _send_all(
    smtp: SmtpConfig, jobs: list[Job], stop: threading.Event
) -> tuple[DispatchResult, bool]:
    """Send `jobs` on one connection; the flag says whether the connection held up.

    Each outcome is committed before the next mail is offered, so a crash resends at
    most one message."""
    pending = iter(jobs)
    ready, unrenderable = _render_next(pending)
    if ready is None:
        return _record(unrenderable), True  # nothing to send, no need to connect
    total = _record(unrenderable)
    client = smtp.client()
    try:
        # Connects, says EHLO, upgrades with STARTTLS and logs in: a failure here is the
        # relay's (or its settings'), never a message's.
        await client.connect()
        await _greet(client)
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        broken = f"connect: {type(exc).__name__}: {exc}"
        unsent = [ready.done, *(job.done for job in pending)]
        log.warning(
            "SMTP %s:%s unusable, %d mails deferred: %s", smtp.host, smtp.port, len(unsent), broken
        )
        return total + _record(_deferrals(unsent, broken)), False
    usable = True
    sender = smtp.sender  # parsed once, not per mail
    wire = Wire.of(client)
    current: Flat | None = _flat(ready, wire, sender)
    try:
        while current is not None and not stop.is_set():
            # Offered as a task: while the relay answers (a mail takes four round trips),
            # the next one is rendered and flattened here, so the relay's time and ours
            # overlap. Its outcome is still committed before the next mail is offered.
            sending = asyncio.ensure_future(_offer(client, sender, current, wire))
            await asyncio.sleep(0)  # let it put MAIL FROM on the wire first
            upcoming, unrenderable = _render_next(pending)
            following = None if upcoming is None else _flat(upcoming, wire, sender)
            outcome, usable = await sending
            total += current.item.done(outcome)
            total += _record(unrenderable)
            if not usable:
                unsent = [] if following is None else [following.item.done]
                unsent += [job.done for job in pending]
                total += _record(_deferrals(unsent, outcome.reply))
                break
            current = following
    finally:
        if usable or client.is_connected:
            await _close(client)
    return total, usable


def _immediate(
    app: App,
    limit: int,
    smtp: SmtpConfig,
    rng: random.Random | None,
    writer: Writer,
    *,
    after_id: int = 0,
) -> list[Job]:
    """Claim a batch of immediate mails; each is rendered when its turn comes."""
    jobs = []
    for c in claim(app, limit, after_id=after_id):

        def prepare(c: Claimed = c) -> tuple[str, EmailMessage]:
            if c.recipient is None:
                raise LookupError(f"recipient #{c.row.recipient_id} not found")
            msg = render(
                c.row, c.recipient, settings=app.settings, now=app.clock(), sender=smtp.mail_from
            )
            return c.recipient.email, msg

        def done(outcome: Outcome, c: Claimed = c) -> DispatchResult:
            return record(app, c.row, c.recipient, outcome, rng, writer)

        jobs.append(Job(f"outbox #{c.row.id}", prepare, done))
    return jobs


def _digests(
    app: App, limit: int, smtp: SmtpConfig, rng: random.Random | None, writer: Writer
) -> list[Job]:
    """Claim a batch of digests. Their outcomes go through a session of their own (they
    also reset the person's digest time), not through `writer`."""
    jobs = []
    for d in claim_digests(app, limit):

        def prepare(d: DigestJob = d) -> tuple[str, EmailMessage]:
            msg = render_digest(d, settings=app.settings, now=app.clock(), sender=smtp.mail_from)
            return d.recipient.email, msg

        def done(outcome: Outcome, d: DigestJob = d) -> DispatchResult:
            return record_digest(app, d, outcome, rng)

        jobs.append(Job(f"digest for person #{d.recipient.id}", prepare, done))
    return jobs


async def dispatch(
    app: App,
    *,
    batch_size: int = 100,
    rng: random.Random | None = None,
    smtp: SmtpConfig | None = None,
) -> DispatchResult:
    """Send every due row, `batch_size` mails per SMTP connection, then the due digests.
    Stops early when the relay cannot be used; the rows stay pending for the next run.

    The run has a thread and an event loop of its own: its database work (claims,
    one commit per mail) then runs inline, without a hand-off between threads per mail,
    and still never blocks the caller's loop (the Prefect flow awaits this). Cancelled,
    it stops after the mail in flight is recorded."""
    config = smtp or SmtpConfig.from_settings(app.settings)
    stop = threading.Event()
    try:
        return await asyncio.to_thread(asyncio.run, _dispatch(app, batch_size, rng, config, stop))
    except asyncio.CancelledError:
        stop.set()
        raise


# A stage claims a batch of jobs: (app, batch_size, smtp, rng, writer) -> jobs.
Stage = Callable[[App, int, SmtpConfig, random.Random | None, Writer], list[Job]]


async def _dispatch(
    app: App,
    batch_size: int,
    rng: random.Random | None,
    smtp: SmtpConfig,
    stop: threading.Event,
    stages: tuple[Stage, ...] = (_immediate, _digests),
    *,
    once: bool = False,
) -> DispatchResult:
    """Each stage's batches in turn, until a batch is not full (`once`: one batch)."""
    total = DispatchResult()
    # The outcomes' connection, held for the run: see ikz.mail.outcome.record.
    with app.db.writer(durable=False) as writer:
        for stage in stages:
            while not stop.is_set():
                jobs = stage(app, batch_size, smtp, rng, writer)
                if jobs:
                    # A batch is bounded (batch_size mails); see ikz.gcpause.
                    with gc_paused():
                        result, healthy = await _send_all(smtp, jobs, stop)
                    total += result
                    if not healthy:
                        return total
                if once or len(jobs) < batch_size:
                    break
    return total


def send_due_now(app: App, *, limit: int, smtp: SmtpConfig, after_id: int = 0) -> DispatchResult:
    """Up to `limit` due immediate mails queued after row `after_id`, on one connection,
    at once, for a synchronous caller: an action's flow run right after its commit, so
    that the action's own mail neither waits for the dispatcher's run nor behind older
    mail. No digests, no second batch: what is left stays for the dispatcher. Runs its
    loop in a thread of its own, so it works whether or not the caller's thread has an
    event loop running."""
    own = partial(_immediate, after_id=after_id)
    run = _dispatch(app, limit, None, smtp, threading.Event(), (own,), once=True)
    with ThreadPoolExecutor(1, thread_name_prefix="ikz-send-now") as pool:
        return pool.submit(asyncio.run, run).result()


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
        found = delivery.outbox_counts(session=s, now=now)
    counts = dict.fromkeys(STATUSES, 0) | found.by_status
    oldest = found.oldest_pending
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else None
    return {
        "counts": counts,
        "due": found.due,
        "held_for_digest": found.held_for_digest,
        "oldest_pending_age_seconds": age,
    }
