"""Narrow read functions over one session: lookups that fail clearly and snapshot loading."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import Connection, Text, bindparam, func, type_coerce
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

from models.audit import PROOF_COLUMNS, TransitionRecord, proof_from, signoff_counts
from models.cooperation import (
    CURRENT,
    Agreement,
    Communication,
    Conflict,
    Cooperation,
    Decision,
    Goal,
    Meeting,
    Partnership,
    Report,
    SignOff,
    StaffInvolvement,
    Success,
)
from models.driver_sql import run
from models.founding import founding_snaps
from models.funding import funding_extras
from models.registry import Municipality, Person
from states.errors import NotFoundError
from states.lifecycle import State
from states.policy import Actor
from states.snapshot import (
    ConflictSnap,
    CooperationSnapshot,
    DecisionSnap,
    MeetingSnap,
    PartnerSnap,
)
from states.vocab import Role

T = TypeVar("T", bound=SQLModel)
PROOF = tuple(getattr(SignOff, name) for name in PROOF_COLUMNS)

LABELS: dict[str, tuple[str, str]] = {
    "Cooperation": ("Kooperation", "cooperation"),
    "Person": ("Person", "person"),
    "Municipality": ("Kommune", "municipality"),
    "Conflict": ("Konflikt", "conflict"),
}


def _not_found(model: type[SQLModel], id_: int) -> NotFoundError:
    de, en = LABELS.get(model.__name__, (model.__name__, model.__name__.lower()))
    return NotFoundError(
        f"{en}_not_found", f"{de} mit ID {id_} gibt es nicht.", f"No {en} with id {id_}."
    )


def require(session: Session, model: type[T], id_: int) -> T:
    row = session.get(model, id_)
    if row is None:
        raise _not_found(model, id_)
    return row


def actor_of(session: Session, person_id: int) -> Actor:
    p = require(session, Person, person_id)
    assert p.id is not None
    return Actor(
        id=p.id,
        roles=frozenset(Role(r) for r in p.roles),
        municipality_id=p.municipality_id,
    )


def has_coordinator(session: Session) -> bool:
    return any(Role.COORDINATOR.value in roles for roles in session.exec(select(Person.roles)))


def partnerships(session: Session, cooperation_id: int) -> list[Partnership]:
    """The current partners (a partner that left stays as a fact, but not here)."""
    stmt = select(Partnership).where(Partnership.cooperation_id == cooperation_id).where(CURRENT)
    return list(session.exec(stmt.order_by(col(Partnership.id))))


def load_snapshot(session: Session, coop: CoopLike) -> CooperationSnapshot:
    """Everything the pure gate, signal and policy functions read, as one immutable value:
    `load_snapshots` for one cooperation, so that a single review and the sweep can never
    see a cooperation differently."""
    assert coop.id is not None
    return load_snapshots(session, [coop])[coop.id]


# Builds the WHERE clause that picks a batch's rows from a table's cooperation_id column.
_Member = Callable[[Any], Any]


def _member(ids: Sequence[int]) -> _Member:
    """How to select the rows of the cooperations `ids`.

    Dense ids (the sweep walks the portfolio in id order, so its batches are) get a range,
    `lo < column <= hi`: two parameters, so the statement is compiled once and cached and
    SQLite walks one stretch of the index. Sparse ids get an IN list (one parameter per
    id, expanded at each execution), so that a range does not drag in many rows of other
    cooperations. Rows of cooperations in the range but not in `ids` are dropped by the
    callers.
    """
    lo, hi = min(ids) - 1, max(ids)
    if hi - lo <= 2 * len(ids):
        return lambda column: (column > lo) & (column <= hi)
    return lambda column: column.in_(ids)


def _rows(session: Session, stmt: Any) -> Any:
    """Plain rows through the session's connection: the columns are all the snapshots
    need, and the ORM's per-statement bookkeeping adds nothing for them. Pending changes
    are flushed first, as `session.exec` would, so that the rows include them."""
    if session.autoflush:
        session.flush()
    # all(): one fetchall, not a fetchone per row as iterating the cursor would.
    return session.connection().execute(stmt).all()


def health_extras(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The snapshot fields only the Kooperations-Check reads, for a batch of cooperations:
    measurable goals, the give-and-take ledger, staff dates, stays in agreement, follow-ups.
    """
    out: dict[int, dict[str, Any]] = {cid: {} for cid in ids}
    if not ids:
        return out
    member = _member(ids)
    for cid, n in _rows(
        session,
        select(Goal.cooperation_id, func.count())
        .where(member(Goal.cooperation_id), col(Goal.target).is_not(None), Goal.target != "")
        .group_by(col(Goal.cooperation_id)),
    ):
        if cid in out:
            out[cid]["measurable_goals"] = int(n)
    decisions = _by_coop(
        _rows(
            session,
            select(
                col(Decision.cooperation_id),
                col(Decision.benefiting_municipality_id),
                col(Decision.conceding_municipality_ids),
                col(Decision.decided_on),
            )
            .where(member(Decision.cooperation_id))
            .order_by(col(Decision.cooperation_id), col(Decision.id)),
        ),
        out,
    )
    for cid, ds in decisions.items():
        out[cid]["decisions"] = tuple(
            DecisionSnap(benefiting_id=b, conceding_ids=tuple(c or ()), decided_on=d)
            for b, c, d in ds
        )
    staff = _by_coop(
        _rows(
            session,
            select(col(StaffInvolvement.cooperation_id), col(StaffInvolvement.involved_on))
            .where(member(StaffInvolvement.cooperation_id))
            .order_by(col(StaffInvolvement.cooperation_id), col(StaffInvolvement.id)),
        ),
        out,
    )
    for cid, dates in staff.items():
        out[cid]["staff_involved_on"] = tuple(dates)
    # Entering agreement opens a stay, leaving it (forward, back, pause, end) closes it.
    agreement = State.AGREEMENT.value
    moves = _by_coop(
        _rows(
            session,
            select(
                TransitionRecord.cooperation_id,
                TransitionRecord.from_state,
                TransitionRecord.to_state,
                TransitionRecord.at,
            )
            .where(
                member(TransitionRecord.cooperation_id),
                (col(TransitionRecord.to_state) == agreement)
                | (col(TransitionRecord.from_state) == agreement),
            )
            .order_by(col(TransitionRecord.cooperation_id), col(TransitionRecord.seq)),
        ),
        out,
    )
    for cid, recs in moves.items():
        periods: list[tuple[Any, Any]] = []
        for from_state, to_state, at in recs:
            if from_state == agreement and periods and periods[-1][1] is None:
                periods[-1] = (periods[-1][0], at)
            if to_state == agreement:
                periods.append((at, None))
        out[cid]["agreement_periods"] = tuple(periods)
    for parent, n in _rows(
        session,
        select(Cooperation.parent_id, func.count())
        .where(member(Cooperation.parent_id))
        .group_by(col(Cooperation.parent_id)),
    ):
        if parent in out:
            out[parent]["children"] = int(n)
    for cid, founding in founding_snaps(list(out), session=session).items():
        out[cid]["founding"] = founding
    for cid, values in funding_extras(list(out), session=session).items():
        out[cid].update(values)
    return out


def _by_coop(rows: Iterable[Sequence[Any]], keep: Container[int]) -> dict[int, list[Any]]:
    """Group (cooperation_id, *values) rows by cooperation, keeping their order; rows of
    cooperations not in `keep` are dropped."""
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        cid = row[0]
        if cid in keep:
            out[cid].append(row[1] if len(row) == 2 else row[1:])
    return out


def decode_attendees(stored: Any) -> tuple[int, ...]:
    """A meeting's attendee_ids as read without the JSON column type: SQLite gives the
    JSON text, PostgreSQL's driver the decoded list. The column type's decoding cost the
    sweep more than the rest of a meeting's row, and most lists are empty."""
    if isinstance(stored, str):
        stored = None if stored == "[]" else json.loads(stored)
    return tuple(stored or ())


class CoopLike(Protocol):
    """The cooperation columns a snapshot is built from: an ORM `Cooperation` or a
    `CoopRow` read as plain columns (cheaper by far for a whole batch)."""

    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def paused_from(self) -> str | None: ...
    @property
    def coordinator_id(self) -> int | None: ...
    @property
    def legal_form(self) -> str | None: ...
    @property
    def pilot_started_at(self) -> datetime | None: ...
    @property
    def state_entered_at(self) -> datetime: ...
    @property
    def parent_id(self) -> int | None: ...


class CoopRow(NamedTuple):
    """The columns of a cooperation the sweep reads: `COOP_ROW_COLUMNS` in this order."""

    id: int
    title: str
    state: str
    version: int
    paused_from: str | None
    coordinator_id: int | None
    legal_form: str | None
    pilot_started_at: datetime | None
    state_entered_at: datetime
    parent_id: int | None
    next_review_at: datetime | None


COOP_ROW_COLUMNS: tuple[Any, ...] = tuple(
    getattr(Cooperation.__table__.c, name)  # type: ignore[attr-defined]
    for name in CoopRow._fields
)


def load_snapshots(session: Session, coops: Sequence[CoopLike]) -> dict[int, CooperationSnapshot]:
    """`load_snapshot` for a batch: one query per table instead of ten per cooperation.

    Keep the batch to a few thousand cooperations: sparse ids are selected by an IN list
    (SQLite caps bound parameters, at 32,766 since 3.32), and the batch's rows are all
    held in memory.
    Rows come in id order within a cooperation, as the per-cooperation queries return them.
    """
    ids = [c.id for c in coops if c.id is not None]
    if not ids:
        return {}
    member = _member(ids)
    keep = set(ids)

    def rows(*columns: Any, table: Any, where: Any = None) -> dict[int, list[Any]]:
        stmt = select(table.cooperation_id, *columns).where(member(table.cooperation_id))
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(col(table.cooperation_id), col(table.id))
        return _by_coop(_rows(session, stmt), keep)

    # Columns, not entities: building ORM objects would cost more than the queries.
    # The municipality's name and population come by a join: no second IN query.
    parts = rows(
        Partnership.municipality_id,
        Municipality.name,
        Municipality.population,
        Partnership.mayor_id,
        Partnership.contact_id,
        Partnership.stated_benefit,
        Partnership.confirmed_benefit,
        table=Partnership,
        where=(col(Municipality.id) == col(Partnership.municipality_id)) & CURRENT,
    )
    goals = rows(Goal.text, table=Goal)
    meetings = rows(
        col(Meeting.kind),
        col(Meeting.held_on),
        # As stored, decoded by decode_attendees: most meetings have none recorded.
        type_coerce(col(Meeting.attendee_ids), Text),
        table=Meeting,
        where=col(Meeting.starts_at).is_(None),
    )
    agreements = rows(Agreement.kind, table=Agreement)
    # A sign-off counts for its gate only as the mayor's own, proven (models.audit).
    proven = rows(SignOff.gate, SignOff.municipality_id, SignOff.mayor_id, *PROOF, table=SignOff)
    signoffs = {
        cid: [(g, m) for g, m, mayor, *proof in found if signoff_counts(mayor, proof_from(*proof))]
        for cid, found in proven.items()
    }
    comms = rows(Communication.kind, Communication.status, table=Communication)
    successes = rows(Success.made_visible, table=Success)
    conflicts = rows(
        Conflict.id,
        Conflict.level,
        Conflict.status,
        Conflict.opened_at,
        Conflict.closed_at,
        table=Conflict,
    )
    extras = health_extras(session, ids)

    def counts(table: Any) -> dict[int, int]:
        stmt = (
            select(table.cooperation_id, func.count())
            .where(member(table.cooperation_id))
            .group_by(table.cooperation_id)
        )
        return {cid: int(n) for cid, n in _rows(session, stmt)}

    staff = counts(StaffInvolvement)
    reports = counts(Report)

    out: dict[int, CooperationSnapshot] = {}
    no_rows: list[Any] = []
    for coop in coops:
        cid = coop.id
        if cid is None:
            continue
        made_visible = successes.get(cid, no_rows)
        out[cid] = CooperationSnapshot(
            id=cid,
            title=coop.title,
            state=State(coop.state),
            version=coop.version,
            paused_from=State(coop.paused_from) if coop.paused_from else None,
            coordinator_id=coop.coordinator_id,
            # Positional: `parts` selects PartnerSnap's fields in their order.
            partners=tuple([PartnerSnap(*p) for p in parts.get(cid, no_rows)]),
            goals=tuple(goals.get(cid, no_rows)),
            meetings=tuple(
                [MeetingSnap(k, d, decode_attendees(a)) for k, d, a in meetings.get(cid, no_rows)]
            ),
            agreement_kinds=tuple(agreements.get(cid, no_rows)),
            signoffs=frozenset(signoffs.get(cid, no_rows)),
            staff_involvements=staff.get(cid, 0),
            communications=tuple(comms.get(cid, no_rows)),
            visible_successes=sum(1 for v in made_visible if v),
            successes=len(made_visible),
            conflicts=tuple(
                ConflictSnap(
                    id=k or 0, level=level, status=status, opened_at=opened, closed_at=closed
                )
                for k, level, status, opened, closed in conflicts.get(cid, no_rows)
            ),
            reports=reports.get(cid, 0),
            legal_form=coop.legal_form,
            pilot_started_at=coop.pilot_started_at,
            state_entered_at=coop.state_entered_at,
            parent_id=coop.parent_id,
            **extras.get(cid, {}),
        )
    return out


# --- Core reads for the lifecycle's write path ---------------------------------------
# A transition is the hottest write: these read only the columns it needs, as plain rows
# through the session's connection (no ORM identity map, no autoflush), with statements
# built once so that SQLAlchemy's compiled cache is hit every time.

_coop_t = Cooperation.__table__  # type: ignore[attr-defined]
_person_t = Person.__table__  # type: ignore[attr-defined]
_part_t = Partnership.__table__  # type: ignore[attr-defined]
_rec_t = TransitionRecord.__table__  # type: ignore[attr-defined]

# The transition's own columns, then what a gate reads from the row (models.gate_reads).
_COOP_COLUMNS = tuple(
    _coop_t.c[name]
    for name in (
        *("id", "title", "field_of_work", "state", "version", "paused_from", "coordinator_id"),
        *("legal_form", "pilot_started_at", "state_entered_at", "parent_id"),
    )
)
_LAST_LINK = (
    core_select(_rec_t.c.seq, _rec_t.c.hash)
    .where(_rec_t.c.cooperation_id == bindparam("cid"))
    .order_by(_rec_t.c.seq.desc())
    .limit(1)
)


_actor_t = _person_t.alias("actor")
# The chain's last record, joined by its seq (the chain is unique per (cooperation, seq)).
_last_t = _rec_t.alias("last")
_LAST_SEQ = (
    core_select(func.max(_rec_t.c.seq))
    .where(_rec_t.c.cooperation_id == _coop_t.c.id)
    .scalar_subquery()
)
_TRANSITION_ROWS = (
    core_select(
        *_COOP_COLUMNS,
        _part_t.c.municipality_id,
        _part_t.c.mayor_id,
        _part_t.c.contact_id,
        _last_t.c.seq.label("last_seq"),
        _last_t.c.hash.label("last_hash"),
        _actor_t.c.id.label("actor_id"),
        _actor_t.c.roles.label("actor_roles"),
        _actor_t.c.municipality_id.label("actor_municipality_id"),
    )
    .select_from(
        _coop_t.outerjoin(
            _part_t, (_part_t.c.cooperation_id == _coop_t.c.id) & _part_t.c.left_on.is_(None)
        )
        .outerjoin(
            _last_t, (_last_t.c.cooperation_id == _coop_t.c.id) & (_last_t.c.seq == _LAST_SEQ)
        )
        .outerjoin(_actor_t, _actor_t.c.id == bindparam("pid"))
    )
    .where(_coop_t.c.id == bindparam("cid"))
    .order_by(_part_t.c.id)
)


class TransitionRows(NamedTuple):
    """What a lifecycle transition reads before it writes, from one query."""

    coop: Any  # id, title, field_of_work, state, version, paused_from, coordinator_id
    partners: list[Any]  # municipality_id, mayor_id, contact_id, in partnership order
    last: tuple[int, str] | None  # (seq, hash) of the latest audit record
    actor: Actor


def transition_rows(conn: Connection, cooperation_id: int, actor_id: int) -> TransitionRows:
    """The cooperation, its partners, its chain's last link and the acting person in one
    round trip, straight on the driver (models.driver_sql): a transition is the hottest
    write, and each statement costs more in SQLAlchemy than in the database."""
    rows = run(conn, _TRANSITION_ROWS, {"cid": cooperation_id, "pid": actor_id}).rows
    if not rows:
        raise _not_found(Cooperation, cooperation_id)
    first = rows[0]
    if first.actor_id is None:
        raise _not_found(Person, actor_id)
    return TransitionRows(
        coop=first,
        partners=[r for r in rows if r.municipality_id is not None],
        last=None if first.last_seq is None else (first.last_seq, first.last_hash),
        actor=Actor(
            id=first.actor_id,
            roles=frozenset(Role(r) for r in first.actor_roles),
            municipality_id=first.actor_municipality_id,
        ),
    )


def last_link(conn: Connection, cooperation_id: int) -> tuple[int, str] | None:
    """(seq, hash) of a cooperation's latest audit record, the link the next one extends."""
    row = conn.execute(_LAST_LINK, {"cid": cooperation_id}).first()
    return None if row is None else (row.seq, row.hash)
