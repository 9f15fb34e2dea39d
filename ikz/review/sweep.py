"""The daily sweep of the whole portfolio: due reviews, long silences, overdue conflicts,
stale sign-off requests and near founding and funding deadlines.

The sweep reads the portfolio in id ranges and queues its notifications in one
transaction per range: at 100,000 cooperations a per-row commit or query would not do.
A big portfolio is swept by several processes (ikz.review.pool), each range as here.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ikz.actions.founding import apply_deemed_approvals
from ikz.actions.founding_change import apply_due_changes
from ikz.app import App
from ikz.gcpause import gc_paused
from ikz.review.cooperation import Review, ReviewRules, review_plan, store_reviews
from ikz.review.founding import founding_deadlines
from ikz.review.funding import funding_deadlines
from ikz.review.pool import Helpers, Range, RangeDone, Ranges, helpers_for, peak_mib
from ikz.review.reminders import overdue_conflicts, signoff_requests
from ikz.settings import Settings
from models.db import connect
from models.outbox import Queued
from models.queries import load_snapshots
from models.review import active_ids, active_rows, changed_versions
from states.lifecycle import State
from states.signals import SILENCE_CODES, silence_warned

# What the helpers count (the reminders after the ranges are this process's own).
_HELPER_COUNTS = ("cooperations", "reviews_due", "silent", "notifications")


@dataclass
class SweepResult:
    cooperations: int = 0
    reviews_due: int = 0
    silent: int = 0
    overdue_conflicts: int = 0
    signoff_reminders: int = 0
    signoff_expired: int = 0
    deemed_approvals: int = 0  # founding approvals the sweep recorded as deemed granted
    founding_reminders: int = 0  # submission deadlines and deemed approvals near
    funding_reminders: int = 0  # proofs of use due or overdue, decisions overdue
    changes_applied: int = 0  # change procedures after the founding that took effect
    notifications: int = 0
    processes: int = 1  # the flow's own and its helpers (ikz.review.pool)
    # The helpers' peak memory (VmHWM) added up, MiB; 0 without helpers. The sweep's
    # memory is the flow process's plus this.
    helpers_peak_mib: float = 0.0

    def add_helpers(self, done: list[RangeDone]) -> None:
        """Add what the helper processes returned, one RangeDone per range: their counts,
        and each process's own peak once (its last report is its highest)."""
        peaks: dict[int, float] = {}
        for d in done:
            for name in _HELPER_COUNTS:
                setattr(self, name, getattr(self, name) + d.counts[name])
            peaks[d.pid] = max(peaks.get(d.pid, 0.0), d.peak_mib)
        self.processes += len(peaks)
        self.helpers_peak_mib += sum(peaks.values())


# Cooperations per batch of the sweep. Each batch commits once (at 100,000 cooperations,
# batches of 500 spent twice as long in commits) and holds the write lock only for its
# writes, about a tenth of a second at this size; peak memory hardly grows (~106 MiB).
SWEEP_BATCH = 2000

# Seconds a helper may spend on one range (a few tenths normally) before it is stopped
# and its range swept here: a stuck helper must not hold up the daily sweep for ever.
RANGE_TIMEOUT = 300.0


def batch_ranges(app: App, batch_size: int) -> tuple[list[Range], int]:
    """The active portfolio cut into id ranges of `batch_size` cooperations each, and
    how many there are. One query for the ids."""
    with app.db.read() as s:
        ids = active_ids(session=s)
    ranges = [
        (ids[i - 1] if i else 0, ids[min(i + batch_size, len(ids)) - 1])
        for i in range(0, len(ids), batch_size)
    ]
    return ranges, len(ids)


@dataclass(frozen=True)
class SweepJob:
    """What a helper process needs, pickled once into it: the sweep's own time (not the
    helper's clock: the same `now` for due dates, dedupe keys and the rows' stamps)."""

    database_url: str
    settings: Settings
    rules: ReviewRules
    now: datetime


class _Helper:
    """The helper process's app, set up once by `start_helper`."""

    app: App | None = None
    job: SweepJob | None = None


def start_helper(job: SweepJob) -> None:
    """A helper's set-up (the executor's initializer): its own engine on the database."""
    now = job.now
    app = App(db=connect(job.database_url), settings=job.settings, clock=lambda: now)
    atexit.register(app.close)
    _Helper.app, _Helper.job = app, job


def sweep_in_helper(r: Range) -> RangeDone:
    """One range in a helper process: swept and committed as in the sweeping process."""
    app, job = _Helper.app, _Helper.job
    assert app is not None and job is not None, "start_helper did not run"
    res = SweepResult()
    with gc_paused():
        sweep_range(app, job.rules, r, job.now, res)
    counts = {name: getattr(res, name) for name in _HELPER_COUNTS}
    return RangeDone(counts, os.getpid(), peak_mib())


# What a helper runs: module-level functions, as spawn pickles them by name. A test
# points these at failing ones.
HELPER_START: Callable[[SweepJob], None] = start_helper
HELPER_TASK: Callable[[Range], RangeDone] = sweep_in_helper


def sweep_portfolio(
    app: App, *, batch_size: int = SWEEP_BATCH, progress: Any = None, workers: int | None = None
) -> SweepResult:
    """Find due reviews, long silences, overdue conflicts, stale sign-off requests and
    near founding and funding deadlines (ikz.review.founding, ikz.review.funding).

    Walks the portfolio in id ranges of `batch_size` cooperations: their columns as
    plain rows and their snapshots in one query per table, read outside the write
    lock; then, in one write transaction, their review dates in one executemany and
    their mails in one bulk insert. Memory stays at one batch, whatever the portfolio's
    size.

    A big portfolio is swept by up to `workers` processes (default: the setting
    `sweep_workers`, at most one per CPU): this one and helpers, each taking the next
    range when done with one (ikz.review.pool).
    """
    now = app.clock()
    rules = ReviewRules.of(app)
    res = SweepResult()
    ranges, total = batch_ranges(app, batch_size)
    todo = Ranges(ranges)
    wanted = app.settings.sweep_workers if workers is None else workers
    job = SweepJob(app.db.url, app.settings, rules, now)
    count = helpers_for(wanted, len(ranges))
    with Helpers(todo, count, HELPER_START, (job,), HELPER_TASK, RANGE_TIMEOUT) as pool:
        while True:
            r = todo.next()
            if r is None:
                if pool.wait():  # a helper failed and gave its range back
                    continue
                break
            # The batch's objects die with sweep_range's frame, before the collector
            # is back: it would otherwise scan them all once more (and in older
            # generations).
            with gc_paused():
                sweep_range(app, rules, r, now, res)
            if progress is not None:
                progress(res.cooperations + pool.swept(), total)
        res.add_helpers(pool.results())
    res.overdue_conflicts, n = overdue_conflicts(app, now)
    res.notifications += n
    res.signoff_reminders, res.signoff_expired, n = signoff_requests(app, now)
    res.notifications += n
    # A founding's approval counts as granted when its period passed without objection.
    res.deemed_approvals = len(apply_deemed_approvals(app))
    # A change after the founding takes effect on its day (a joining partner, the end).
    res.changes_applied = len(apply_due_changes(app))
    # After the deemed approvals: one recorded today is not reminded of any more.
    res.founding_reminders, n = founding_deadlines(app, now)
    res.notifications += n
    res.funding_reminders, n = funding_deadlines(app, now)
    res.notifications += n
    return res


_SILENT_STATES = (State.INFORMAL_CONTACT.value, State.EXPLORATION.value)


def sweep_range(app: App, rules: ReviewRules, ids: Range, now: datetime, res: SweepResult) -> int:
    """Sweep the active cooperations in the id range `ids`, adding to `res`; returns
    how many there were."""
    # Read and decide outside the write lock: only the writes below hold it, so a
    # coordinator's transition waits for a short write, not for a batch's reading.
    with app.db.read() as s:
        coops = active_rows(ids[0], ids[1], session=s)
        if not coops:
            return 0
        due = {c.id for c in coops if c.next_review_at is None or c.next_review_at <= now}
        # A cooperation neither due nor in an early state is not looked at (silence is
        # only reminded of in the early states): no snapshot needed for it.
        looked_at = [c for c in coops if c.id in due or c.state in _SILENT_STATES]
        snaps = load_snapshots(s, looked_at)
    week = now.date().isocalendar()[:2]
    reviews: list[Review] = []
    reminders: list[tuple[int, Queued]] = []
    for coop in looked_at:
        snap = snaps[coop.id]
        if coop.id in due:
            review = review_plan(rules, coop, snap, now, "scheduled")
            reviews.append(review)
            silent = any(
                sig["code"] in SILENCE_CODES and sig["level"] == "warn"
                for sig in review[0].checklist["signals"]
            )
        else:
            silent = silence_warned(snap, now, rules.signal)
        if silent and coop.state in _SILENT_STATES:
            mail = Queued(
                recipient_ids=[p.contact_id for p in snap.partners] + [coop.coordinator_id],
                kind="silence_reminder",
                context={"cooperation_id": coop.id, "title": coop.title},
                dedupe_prefix=f"silence:{coop.id}:{week}",
            )
            reminders.append((coop.id, mail))
    # Not durable (see models.db): everything a batch writes is derived and redone by the
    # next sweep, and its mails cannot leave before the dispatcher's claim, a durable
    # commit that makes this one durable too. Saves a disk flush per batch.
    with app.db.write(durable=False) as s:
        # A cooperation changed since it was read (a transition bumps the version, and
        # reviews it itself) is left alone, as if it had been read after the change.
        seen = {c.id: c.version for c in looked_at}
        changed = changed_versions(seen, coops[0].id - 1, coops[-1].id, session=s)
        if changed:
            reviews = [r for r in reviews if r[0].cooperation_id not in changed]
            reminders = [r for r in reminders if r[0] not in changed]
        reminded = store_reviews(app, s, reviews, also=[mail for _, mail in reminders])
    res.cooperations += len(coops)
    res.reviews_due += len(reviews)
    res.silent += len(reminders)
    res.notifications += sum(len(r.notified) for r, _ in reviews)
    res.notifications += sum(len(people) for people in reminded)
    return len(coops)
