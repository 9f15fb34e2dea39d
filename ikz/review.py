"""Reviews: the checklist for the next gate, advisory signals and the next review date,
for one cooperation (on entering a state) or the whole portfolio (the daily sweep).

The sweep reads the portfolio in batches and queues its notifications in one
transaction per batch: at 100,000 cooperations a per-row commit or query would not do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from ikz import sweep_pool
from ikz.app import App
from ikz.gcpause import gc_paused
from ikz.sweep_pool import Range
from ikz.views.health import check_markdown, record_values
from models.cooperation import Conflict, Cooperation, SignOffRequest
from models.health import check_history, record_checks
from models.outbox import Queued, enqueue_many
from models.queries import (
    COOP_ROW_COLUMNS,
    CoopLike,
    CoopRow,
    load_snapshot,
    load_snapshots,
    require,
)
from states.errors import Language
from states.gates import GateRules, unmet_criteria
from states.health import HealthCheck, HealthRules, as_context, check_health
from states.lifecycle import (
    GATED_TRIGGERS,
    STATE_LABELS,
    State,
    Trigger,
    available_triggers,
    mermaid,
)
from states.signals import SILENCE_CODES, SignalRules, advisory_signals, silence_warned
from states.snapshot import CooperationSnapshot
from states.vocab import ConflictStatus


@cache  # a function of the static transition table, asked once per review
def next_gate(state: State) -> str | None:
    for t in available_triggers(state):
        if t in GATED_TRIGGERS:
            return t.value
    return None


@dataclass(frozen=True)
class ReviewRules:
    """The thresholds a review applies, read from the app once: `App` builds its rules
    objects anew on every access, which a sweep of 100,000 cooperations would feel."""

    gate: GateRules
    signal: SignalRules
    health: HealthRules
    cadence_days: dict[str, int]

    @classmethod
    def of(cls, app: App) -> ReviewRules:
        return cls(
            app.gate_rules,
            app.signal_rules,
            app.health_rules,
            dict(app.settings.review_cadence_days),
        )

    def cadence(self, state: str) -> timedelta | None:
        days = self.cadence_days.get(state)
        return timedelta(days=days) if days else None


def checklist(app: App, snap: CooperationSnapshot, now: datetime) -> dict[str, Any]:
    """Unmet criteria of the next forward gate and the advisory signals, in both languages."""
    return checklist_with(ReviewRules.of(app), snap, now)


def checklist_with(rules: ReviewRules, snap: CooperationSnapshot, now: datetime) -> dict[str, Any]:
    gate = next_gate(snap.state)
    unmet = []
    if gate is not None:
        unmet = unmet_criteria(Trigger(gate), snap, now, rules.gate)
    signals = advisory_signals(snap, now, rules.signal)
    return {
        "gate": gate,
        "unmet": [{"code": u.code, "de": u.de, "en": u.en} for u in unmet],
        "signals": [
            {"code": s.message.code, "level": s.level, "de": s.message.de, "en": s.message.en}
            for s in signals
        ],
    }


@dataclass
class ReviewResult:
    cooperation_id: int
    state: str
    checklist: dict[str, Any]
    next_review_at: datetime | None
    notified: list[int] = field(default_factory=list)
    health: HealthCheck | None = None  # the Kooperations-Check, stored as history


def _review_plan(
    rules: ReviewRules, coop: CoopLike, snap: CooperationSnapshot, now: datetime, reason: str
) -> tuple[ReviewResult, Queued | None]:
    """What a review decides (checklist, next date, the mail to queue), without writing."""
    check = checklist_with(rules, snap, now)
    step = rules.cadence(coop.state)
    next_at = now + step if step else None
    health = check_health(snap, now, rules.health)
    result = ReviewResult(coop.id or 0, coop.state, check, next_at, health=health)
    if coop.state == State.ENDED.value:
        return result, None
    mail = Queued(
        recipient_ids=[coop.coordinator_id] + [p.contact_id for p in snap.partners],
        kind="review_due",
        context={
            "cooperation_id": coop.id,
            "title": coop.title,
            "state": coop.state,
            "reason": reason,
            "gate": check["gate"],
            "unmet": check["unmet"],
            "signals": [sig for sig in check["signals"] if sig["level"] == "warn"],
            "next_review_at": next_at.isoformat() if next_at else None,
            "check": as_context(health),
        },
        # One review mail per cooperation, version and day: a repeated event or a
        # sweep on the same day does not mail twice.
        dedupe_prefix=f"review:{coop.id}:v{coop.version}:{now.date().isoformat()}",
    )
    return result, mail


def _store_reviews(
    app: App,
    s: Session,
    reviews: list[tuple[ReviewResult, Queued | None]],
    also: Sequence[Queued] = (),
) -> list[list[int]]:
    """Write the next review dates (one executemany), the checks' history (one bulk
    insert) and queue the mails (one bulk insert).

    `also`: further mails queued in the same bulk insert (the sweep's reminders), after
    the reviews'; returns their recipients as queued."""
    if reviews:
        # An ended cooperation is not assessed any more: nothing to add to its trend.
        record_checks(
            s, [record_values(r.health) for r, _ in reviews if r.health and r.health.verdicts]
        )
        table = Cooperation.__table__  # type: ignore[attr-defined]
        s.connection().execute(
            update(table)
            .where(table.c.id == bindparam("cid"))
            .values(next_review_at=bindparam("at")),
            [{"cid": r.cooperation_id, "at": r.next_review_at} for r, _ in reviews],
        )
    mails = [(r, m) for r, m in reviews if m is not None]
    queued = enqueue_many(s, [m for _, m in mails] + list(also), now=app.clock())
    for (r, _), people in zip(mails, queued, strict=False):
        r.notified = people
    return queued[len(mails) :]


def _review_in_session(
    app: App, s: Session, coop: Cooperation, now: datetime, reason: str
) -> ReviewResult:
    review = _review_plan(ReviewRules.of(app), coop, load_snapshot(s, coop), now, reason)
    _store_reviews(app, s, [review])
    return review[0]


def review_cooperation(app: App, cooperation_id: int, reason: str = "transition") -> ReviewResult:
    now = app.clock()
    with app.db.write() as s:
        coop = require(s, Cooperation, cooperation_id)
        return _review_in_session(app, s, coop, now, reason)


@dataclass
class SweepResult:
    cooperations: int = 0
    reviews_due: int = 0
    silent: int = 0
    overdue_conflicts: int = 0
    signoff_reminders: int = 0
    signoff_expired: int = 0
    notifications: int = 0
    processes: int = 1  # the flow's own and its helpers (ikz.sweep_pool)
    # The helpers' peak memory (VmHWM) added up, MiB; 0 without helpers. The sweep's
    # memory is the flow process's plus this.
    helpers_peak_mib: float = 0.0

    def add_helper(self, counts: dict[str, Any]) -> None:
        """Add what a helper process reported (ikz.sweep_pool)."""
        for name in ("cooperations", "reviews_due", "silent", "notifications"):
            setattr(self, name, getattr(self, name) + int(counts[name]))
        self.processes += 1
        self.helpers_peak_mib += float(counts["helpers_peak_mib"])


# Cooperations per batch of the sweep. Each batch commits once (at 100,000 cooperations,
# batches of 500 spent twice as long in commits) and holds the write lock only for its
# writes, about a tenth of a second at this size; peak memory hardly grows (~106 MiB).
SWEEP_BATCH = 2000

_coop_t = Cooperation.__table__  # type: ignore[attr-defined]
_ACTIVE = _coop_t.c.state != State.ENDED.value
_ACTIVE_IDS = core_select(_coop_t.c.id).where(_ACTIVE).order_by(_coop_t.c.id)
# Plain rows, not ORM objects: the sweep only reads these columns, and building and
# tracking a model instance per cooperation cost more than reading it.
_RANGE = (
    core_select(*COOP_ROW_COLUMNS)
    .where(_ACTIVE, _coop_t.c.id > bindparam("lo"), _coop_t.c.id <= bindparam("hi"))
    .order_by(_coop_t.c.id)
)


def batch_ranges(app: App, batch_size: int) -> tuple[list[Range], int]:
    """The active portfolio cut into id ranges of `batch_size` cooperations each, and
    how many there are. One query for the ids (100,000 of them are a few MB)."""
    with app.db.read() as s:
        ids = s.connection().execute(_ACTIVE_IDS).scalars().all()
    ranges = [
        (ids[i - 1] if i else 0, ids[min(i + batch_size, len(ids)) - 1])
        for i in range(0, len(ids), batch_size)
    ]
    return ranges, len(ids)


def sweep_portfolio(
    app: App, *, batch_size: int = SWEEP_BATCH, progress: Any = None, workers: int | None = None
) -> SweepResult:
    """Find due reviews, long silences, overdue conflicts and stale sign-off requests.

    Walks the portfolio in id ranges of `batch_size` cooperations: their columns as
    plain rows and their snapshots in one query per table, read outside the write
    lock; then, in one write transaction, their review dates in one executemany and
    their mails in one bulk insert. Memory stays at one batch, whatever the portfolio's
    size.

    A big portfolio is swept by up to `workers` processes (default: the setting
    `sweep_workers`, at most one per CPU): this one and helpers, each taking the next
    range when done with one (ikz.sweep_pool).
    """
    now = app.clock()
    rules = ReviewRules.of(app)
    res = SweepResult()
    ranges, total = batch_ranges(app, batch_size)
    todo = sweep_pool.Ranges(ranges)
    helpers = sweep_pool.helpers_for(app, len(ranges), workers)
    with sweep_pool.Helpers(app, now, todo, helpers) as pool:
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
        for counts in pool.results():
            res.add_helper(counts)
    res.overdue_conflicts, n = _overdue_conflicts(app, now)
    res.notifications += n
    res.signoff_reminders, res.signoff_expired, n = _signoff_requests(app, now)
    res.notifications += n
    return res


_SILENT_STATES = (State.INFORMAL_CONTACT.value, State.EXPLORATION.value)


def sweep_range(app: App, rules: ReviewRules, ids: Range, now: datetime, res: SweepResult) -> int:
    """Sweep the active cooperations in the id range `ids`, adding to `res`; returns
    how many there were."""
    # Read and decide outside the write lock: only the writes below hold it, so a
    # coordinator's transition waits for a short write, not for a batch's reading.
    with app.db.read() as s:
        rows = s.connection().execute(_RANGE, {"lo": ids[0], "hi": ids[1]}).all()
        coops = [CoopRow._make(row) for row in rows]
        if not coops:
            return 0
        due = {c.id for c in coops if c.next_review_at is None or c.next_review_at <= now}
        # A cooperation neither due nor in an early state is not looked at (silence is
        # only reminded of in the early states): no snapshot needed for it.
        looked_at = [c for c in coops if c.id in due or c.state in _SILENT_STATES]
        snaps = load_snapshots(s, looked_at)
    week = now.date().isocalendar()[:2]
    reviews: list[tuple[ReviewResult, Queued | None]] = []
    reminders: list[tuple[int, Queued]] = []
    for coop in looked_at:
        snap = snaps[coop.id]
        if coop.id in due:
            review = _review_plan(rules, coop, snap, now, "scheduled")
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
        changed = _changed(s, seen, coops[0].id - 1, coops[-1].id)
        if changed:
            reviews = [r for r in reviews if r[0].cooperation_id not in changed]
            reminders = [r for r in reminders if r[0] not in changed]
        reminded = _store_reviews(app, s, reviews, also=[mail for _, mail in reminders])
    res.cooperations += len(coops)
    res.reviews_due += len(reviews)
    res.silent += len(reminders)
    res.notifications += sum(len(r.notified) for r, _ in reviews)
    res.notifications += sum(len(people) for people in reminded)
    return len(coops)


_VERSIONS = core_select(_coop_t.c.id, _coop_t.c.version).where(
    _coop_t.c.id > bindparam("lo"), _coop_t.c.id <= bindparam("hi")
)


def _changed(s: Session, seen: dict[int, int], lo: int, hi: int) -> set[int]:
    """Those of `seen` (id: version as read) whose version is not that any more (or gone);
    one query over the batch's id range."""
    now = dict(s.connection().execute(_VERSIONS, {"lo": lo, "hi": hi}).tuples().all())
    return {cid for cid, version in seen.items() if now.get(cid) != version}


def _overdue_conflicts(app: App, now: datetime) -> tuple[int, int]:
    limit = now - timedelta(days=app.settings.conflict_overdue_days)
    with app.db.write() as s:
        rows = s.exec(
            select(Conflict, Cooperation.title, Cooperation.coordinator_id)
            .join(Cooperation, col(Cooperation.id) == col(Conflict.cooperation_id))
            .where(
                col(Conflict.status) == ConflictStatus.OPEN.value, col(Conflict.opened_at) <= limit
            )
            .order_by(col(Conflict.id))
        ).all()
        queued = enqueue_many(
            s,
            [
                Queued(
                    recipient_ids=[coordinator_id],
                    kind="conflict_overdue",
                    context={
                        "cooperation_id": c.cooperation_id,
                        "title": title,
                        "conflict_id": c.id,
                        "subject": c.subject,
                        "level": c.level,
                        "days_open": (now - c.opened_at).days,
                    },
                    dedupe_prefix=f"conflict-overdue:{c.id}:{now.date().isoformat()}",
                )
                for c, title, coordinator_id in rows
            ],
            now=app.clock(),
        )
    return len(rows), sum(len(q) for q in queued)


def _signoff_requests(app: App, now: datetime) -> tuple[int, int, int]:
    """Expire overdue sign-off requests and remind the mayors of those waiting long:
    the requests with their cooperations' titles in one query, the reminders in one bulk
    insert."""
    remind_after = timedelta(days=app.settings.signoff_reminder_days)
    expired = 0
    reminders: list[Queued] = []
    with app.db.write() as s:
        rows = s.exec(
            select(SignOffRequest, Cooperation.title)
            .join(Cooperation, col(Cooperation.id) == col(SignOffRequest.cooperation_id))
            .where(col(SignOffRequest.status) == "pending")
            .order_by(col(SignOffRequest.id))
        ).all()
        for r, title in rows:
            if r.due_at <= now:
                r.status = "expired"
                s.add(r)
                expired += 1
                continue
            if now - (r.reminded_at or r.requested_at) >= remind_after:
                r.reminded_at = now
                s.add(r)
                reminders.append(
                    Queued(
                        recipient_ids=[r.mayor_id],
                        kind="signoff_reminder",
                        context={
                            "cooperation_id": r.cooperation_id,
                            "title": title,
                            "gate": r.gate,
                            "due_at": r.due_at.isoformat(),
                            "flow_run_id": r.flow_run_id,
                        },
                        dedupe_prefix=f"signoff-reminder:{r.id}:{now.date().isoformat()}",
                    )
                )
        sent = sum(len(q) for q in enqueue_many(s, reminders, now=app.clock()))
    return len(reminders), expired, sent


def state_label(state: str, lang: Language) -> str:
    de, en = STATE_LABELS[State(state)]
    return en if lang == "en" else de


def cooperation_markdown(app: App, cooperation_id: int) -> str:
    """The per-cooperation dashboard: state, checklist, timeline and the lifecycle diagram."""
    from ikz.views.cooperation import history

    now = app.clock()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
        past = check_history(s, cooperation_id, limit=10)
    check = checklist(app, snap, now)
    health = check_health(snap, now, app.health_rules)
    lines = [
        f"# {coop.title}",
        "",
        f"**Zustand:** {state_label(coop.state, 'de')} · **Version:** {coop.version} · "
        f"**Aufgabenfeld:** {coop.field_of_work}",
        "",
        "## Partner",
        "",
        "| Kommune | Einwohner | Nutzen (benannt) | Nutzen (bestätigt) |",
        "|---|---:|---|---|",
    ]
    for p in snap.partners:
        pop = f"{p.population:,}".replace(",", ".")
        lines.append(
            f"| {p.name} | {pop} | {p.stated_benefit or '-'} | {p.confirmed_benefit or '-'} |"
        )
    lines += ["", *check_markdown(health, past)]
    lines += ["", f"## Checkliste für den nächsten Schritt ({check['gate'] or '-'})", ""]
    if check["unmet"]:
        lines += [f"- [ ] {u['de']}" for u in check["unmet"]]
    elif check["gate"]:
        lines.append("- [x] Alle Kriterien erfüllt")
    lines += ["", "## Hinweise", ""]
    lines += [f"- {'⚠️' if sig['level'] == 'warn' else '✓'} {sig['de']}" for sig in check["signals"]]
    lines += [
        "",
        "## Verlauf",
        "",
        "| # | Zeitpunkt | Schritt | von | nach | Begründung |",
        "|---|---|---|---|---|---|",
    ]
    for h in history(app, cooperation_id):
        lines.append(
            f"| {h['seq']} | {h['at']} | {h['trigger']} | {h['from_state'] or '-'} | {h['to_state']} | {h['reason'] or ''} |"
        )
    lines += ["", "## Lebenszyklus", "", "```mermaid", mermaid(State(coop.state)), "```", ""]
    return "\n".join(lines)
