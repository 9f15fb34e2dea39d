"""Narrow read functions over one session: lookups that fail clearly and snapshot loading."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

from models.audit import TransitionRecord
from models.cooperation import (
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
    stmt = select(Partnership).where(Partnership.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(Partnership.id))))


def load_snapshot(session: Session, coop: Cooperation) -> CooperationSnapshot:
    """Everything the pure gate, signal and policy functions read, as one immutable value."""
    cid = coop.id
    assert cid is not None
    parts = partnerships(session, cid)
    muni_ids = [p.municipality_id for p in parts]
    munis = {
        m.id: m
        for m in session.exec(select(Municipality).where(col(Municipality.id).in_(muni_ids)))
    }
    partners = tuple(
        PartnerSnap(
            municipality_id=p.municipality_id,
            name=munis[p.municipality_id].name,
            population=munis[p.municipality_id].population,
            mayor_id=p.mayor_id,
            contact_id=p.contact_id,
            stated_benefit=p.stated_benefit,
            confirmed_benefit=p.confirmed_benefit,
        )
        for p in parts
    )
    goals = tuple(session.exec(select(Goal.text).where(Goal.cooperation_id == cid)))
    # A meeting scheduled ahead (starts_at set) is a plan, not evidence: it counts once
    # it is recorded as held.
    meetings = tuple(
        MeetingSnap(kind=k, held_on=d, attendee_ids=tuple(a or ()))
        for k, d, a in session.exec(
            select(col(Meeting.kind), col(Meeting.held_on), col(Meeting.attendee_ids))
            .where(Meeting.cooperation_id == cid, col(Meeting.starts_at).is_(None))
            .order_by(col(Meeting.id))
        )
    )
    agreements = tuple(session.exec(select(Agreement.kind).where(Agreement.cooperation_id == cid)))
    signoffs = frozenset(
        (g, m)
        for g, m in session.exec(
            select(SignOff.gate, SignOff.municipality_id).where(SignOff.cooperation_id == cid)
        )
    )
    staff = session.exec(
        select(func.count())
        .select_from(StaffInvolvement)
        .where(StaffInvolvement.cooperation_id == cid)
    ).one()
    comms = tuple(
        (k, s)
        for k, s in session.exec(
            select(Communication.kind, Communication.status).where(
                Communication.cooperation_id == cid
            )
        )
    )
    successes = list(
        session.exec(select(Success.made_visible).where(Success.cooperation_id == cid))
    )
    conflicts = tuple(
        ConflictSnap(
            id=c.id or 0,
            level=c.level,
            status=c.status,
            opened_at=c.opened_at,
            closed_at=c.closed_at,
        )
        for c in session.exec(select(Conflict).where(Conflict.cooperation_id == cid))
    )
    reports = session.exec(
        select(func.count()).select_from(Report).where(Report.cooperation_id == cid)
    ).one()
    return CooperationSnapshot(
        id=cid,
        title=coop.title,
        state=State(coop.state),
        version=coop.version,
        paused_from=State(coop.paused_from) if coop.paused_from else None,
        coordinator_id=coop.coordinator_id,
        partners=partners,
        goals=goals,
        meetings=meetings,
        agreement_kinds=agreements,
        signoffs=signoffs,
        staff_involvements=int(staff),
        communications=comms,
        visible_successes=sum(1 for v in successes if v),
        successes=len(successes),
        conflicts=conflicts,
        reports=int(reports),
        legal_form=coop.legal_form,
        pilot_started_at=coop.pilot_started_at,
        state_entered_at=coop.state_entered_at,
        parent_id=coop.parent_id,
        **health_extras(session, [cid]).get(cid, {}),
    )


def health_extras(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The snapshot fields only the Kooperations-Check reads, for a batch of cooperations:
    measurable goals, the give-and-take ledger, staff dates, stays in agreement, follow-ups.
    """
    out: dict[int, dict[str, Any]] = {cid: {} for cid in ids}
    if not ids:
        return out
    for cid, n in session.exec(
        select(Goal.cooperation_id, func.count())
        .where(col(Goal.cooperation_id).in_(ids), col(Goal.target).is_not(None), Goal.target != "")
        .group_by(col(Goal.cooperation_id))
    ):
        out[cid]["measurable_goals"] = int(n)
    decisions = _by_coop(
        session.exec(
            select(
                col(Decision.cooperation_id),
                col(Decision.benefiting_municipality_id),
                col(Decision.conceding_municipality_ids),
                col(Decision.decided_on),
            )
            .where(col(Decision.cooperation_id).in_(ids))
            .order_by(col(Decision.cooperation_id), col(Decision.id))
        )
    )
    for cid, ds in decisions.items():
        out[cid]["decisions"] = tuple(
            DecisionSnap(benefiting_id=b, conceding_ids=tuple(c or ()), decided_on=d)
            for b, c, d in ds
        )
    staff = _by_coop(
        session.exec(
            select(col(StaffInvolvement.cooperation_id), col(StaffInvolvement.involved_on))
            .where(col(StaffInvolvement.cooperation_id).in_(ids))
            .order_by(col(StaffInvolvement.cooperation_id), col(StaffInvolvement.id))
        )
    )
    for cid, dates in staff.items():
        out[cid]["staff_involved_on"] = tuple(dates)
    # Entering agreement opens a stay, leaving it (forward, back, pause, end) closes it.
    agreement = State.AGREEMENT.value
    moves = _by_coop(
        session.exec(
            select(
                TransitionRecord.cooperation_id,
                TransitionRecord.from_state,
                TransitionRecord.to_state,
                TransitionRecord.at,
            )
            .where(
                col(TransitionRecord.cooperation_id).in_(ids),
                (col(TransitionRecord.to_state) == agreement)
                | (col(TransitionRecord.from_state) == agreement),
            )
            .order_by(col(TransitionRecord.cooperation_id), col(TransitionRecord.seq))
        )
    )
    for cid, recs in moves.items():
        periods: list[tuple[Any, Any]] = []
        for from_state, to_state, at in recs:
            if from_state == agreement and periods and periods[-1][1] is None:
                periods[-1] = (periods[-1][0], at)
            if to_state == agreement:
                periods.append((at, None))
        out[cid]["agreement_periods"] = tuple(periods)
    for parent, n in session.exec(
        select(Cooperation.parent_id, func.count())
        .where(col(Cooperation.parent_id).in_(ids))
        .group_by(col(Cooperation.parent_id))
    ):
        if parent is not None:
            out[parent]["children"] = int(n)
    return out


def _by_coop(rows: Iterable[Sequence[Any]]) -> dict[int, list[Any]]:
    """Group (cooperation_id, *values) rows by cooperation, keeping their order."""
    out: dict[int, list[Any]] = defaultdict(list)
    for cid, *rest in rows:
        out[cid].append(rest[0] if len(rest) == 1 else tuple(rest))
    return out


def load_snapshots(
    session: Session, coops: Sequence[Cooperation]
) -> dict[int, CooperationSnapshot]:
    """`load_snapshot` for a batch: one IN query per table instead of ten per cooperation.

    Keep the batch to a few hundred ids (SQLite caps bound parameters; the sweep uses 500).
    Rows come in id order within a cooperation, as the per-cooperation queries return them.
    """
    ids = [c.id for c in coops if c.id is not None]
    if not ids:
        return {}

    def rows(*columns: Any, table: Any, where: Any = None, order: bool = True) -> Any:
        stmt = select(table.cooperation_id, *columns).where(col(table.cooperation_id).in_(ids))
        if where is not None:
            stmt = stmt.where(where)
        if order:
            stmt = stmt.order_by(col(table.cooperation_id), col(table.id))
        return _by_coop(session.exec(stmt))

    # Columns, not entities: building ORM objects would cost more than the queries.
    parts = rows(
        Partnership.municipality_id,
        Partnership.mayor_id,
        Partnership.contact_id,
        Partnership.stated_benefit,
        Partnership.confirmed_benefit,
        table=Partnership,
    )
    muni_ids = {p[0] for ps in parts.values() for p in ps}
    munis = {
        mid: (name, population)
        for mid, name, population in session.exec(
            select(Municipality.id, Municipality.name, Municipality.population).where(
                col(Municipality.id).in_(muni_ids)
            )
        )
    }
    goals = rows(Goal.text, table=Goal)
    meetings = rows(
        col(Meeting.kind),
        col(Meeting.held_on),
        col(Meeting.attendee_ids),
        table=Meeting,
        where=col(Meeting.starts_at).is_(None),
    )
    agreements = rows(Agreement.kind, table=Agreement)
    signoffs = rows(SignOff.gate, SignOff.municipality_id, table=SignOff)
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
            .where(col(table.cooperation_id).in_(ids))
            .group_by(table.cooperation_id)
        )
        return {cid: int(n) for cid, n in session.exec(stmt)}

    staff = counts(StaffInvolvement)
    reports = counts(Report)

    out: dict[int, CooperationSnapshot] = {}
    for coop in coops:
        cid = coop.id
        if cid is None:
            continue
        made_visible = successes.get(cid, [])
        out[cid] = CooperationSnapshot(
            id=cid,
            title=coop.title,
            state=State(coop.state),
            version=coop.version,
            paused_from=State(coop.paused_from) if coop.paused_from else None,
            coordinator_id=coop.coordinator_id,
            partners=tuple(
                PartnerSnap(
                    municipality_id=mid,
                    name=munis[mid][0],
                    population=munis[mid][1],
                    mayor_id=mayor,
                    contact_id=contact,
                    stated_benefit=stated,
                    confirmed_benefit=confirmed,
                )
                for mid, mayor, contact, stated, confirmed in parts.get(cid, [])
            ),
            goals=tuple(goals.get(cid, [])),
            meetings=tuple(
                MeetingSnap(kind=k, held_on=d, attendee_ids=tuple(a or ()))
                for k, d, a in meetings.get(cid, [])
            ),
            agreement_kinds=tuple(agreements.get(cid, [])),
            signoffs=frozenset(signoffs.get(cid, [])),
            staff_involvements=staff.get(cid, 0),
            communications=tuple(comms.get(cid, [])),
            visible_successes=sum(1 for v in made_visible if v),
            successes=len(made_visible),
            conflicts=tuple(
                ConflictSnap(
                    id=k or 0, level=level, status=status, opened_at=opened, closed_at=closed
                )
                for k, level, status, opened, closed in conflicts.get(cid, [])
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

_COOP_ROW = core_select(
    _coop_t.c.id,
    _coop_t.c.title,
    _coop_t.c.field_of_work,
    _coop_t.c.state,
    _coop_t.c.version,
    _coop_t.c.paused_from,
    _coop_t.c.coordinator_id,
).where(_coop_t.c.id == bindparam("cid"))
_ACTOR_ROW = core_select(_person_t.c.id, _person_t.c.roles, _person_t.c.municipality_id).where(
    _person_t.c.id == bindparam("pid")
)
_PARTNER_ROWS = (
    core_select(_part_t.c.municipality_id, _part_t.c.mayor_id, _part_t.c.contact_id)
    .where(_part_t.c.cooperation_id == bindparam("cid"))
    .order_by(_part_t.c.id)
)
_LAST_LINK = (
    core_select(_rec_t.c.seq, _rec_t.c.hash)
    .where(_rec_t.c.cooperation_id == bindparam("cid"))
    .order_by(_rec_t.c.seq.desc())
    .limit(1)
)


def cooperation_row(conn: Connection, cooperation_id: int) -> Row[Any]:
    """id, title, field_of_work, state, version, paused_from, coordinator_id."""
    row = conn.execute(_COOP_ROW, {"cid": cooperation_id}).first()
    if row is None:
        raise _not_found(Cooperation, cooperation_id)
    return row


def actor_row(conn: Connection, person_id: int) -> Actor:
    """`actor_of` without loading the person."""
    row = conn.execute(_ACTOR_ROW, {"pid": person_id}).first()
    if row is None:
        raise _not_found(Person, person_id)
    return Actor(
        id=row.id,
        roles=frozenset(Role(r) for r in row.roles),
        municipality_id=row.municipality_id,
    )


def partner_rows(conn: Connection, cooperation_id: int) -> Sequence[Row[Any]]:
    """municipality_id, mayor_id, contact_id per partner, in partnership order."""
    return conn.execute(_PARTNER_ROWS, {"cid": cooperation_id}).all()


def last_link(conn: Connection, cooperation_id: int) -> tuple[int, str] | None:
    """(seq, hash) of a cooperation's latest audit record, the link the next one extends."""
    row = conn.execute(_LAST_LINK, {"cid": cooperation_id}).first()
    return None if row is None else (row.seq, row.hash)
