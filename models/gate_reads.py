"""What a lifecycle gate reads, and nothing more: the snapshot of one cooperation for the
write path of a gated transition (explore, agree, start_pilot, evaluate, make_permanent).

`models.queries.load_snapshots` builds the whole picture (every table, the
Kooperations-Check's extras, the founding and funding facts) for reviews and the sweep.
A gate reads a few parts of it (`states.gates.GATE_READS`), so the write path loads only
those, each from one statement built at import over an indexed `cooperation_id` and run
straight on the driver (models.driver_sql): measured 8.5 ms per `explore` with the whole
snapshot against about 1 ms with its two parts (benchmarks, `transition_rate_sqlite_gated`).

The parts it does not load keep the snapshot's defaults; tests/models/test_gate_reads.py
runs every gate on a snapshot that refuses to give an undeclared part, and compares the
parts loaded here with `load_snapshot`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import Connection, Text, bindparam, func, type_coerce
from sqlalchemy import select as core_select

from models.audit import PROOF_COLUMNS, proof_from, signoff_counts
from models.cooperation import (
    Agreement,
    Communication,
    Conflict,
    Goal,
    Meeting,
    Partnership,
    Report,
    SignOff,
    StaffInvolvement,
    Success,
)
from models.db import session_in
from models.driver_sql import run
from models.founding import founding_snaps
from models.funding import funding_extras
from models.queries import decode_attendees
from models.registry import Municipality
from states.lifecycle import State
from states.snapshot import ConflictSnap, CooperationSnapshot, MeetingSnap, PartnerSnap

_CID: Any = bindparam("cid")


def _t(model: Any) -> Any:
    return model.__table__


def _of(model: Any, *columns: str, where: Any = None) -> Any:
    """The `columns` of `model`'s rows of one cooperation, in id order."""
    t = _t(model)
    stmt = core_select(*(t.c[name] for name in columns)).where(t.c.cooperation_id == _CID)
    if where is not None:
        stmt = stmt.where(where)
    return stmt.order_by(t.c.id)


def _count(model: Any) -> Any:
    t = _t(model)
    return core_select(func.count()).select_from(t).where(t.c.cooperation_id == _CID)


_part, _mun = _t(Partnership), _t(Municipality)
_meeting = _t(Meeting)

_PARTNERS = (
    core_select(
        _part.c.municipality_id,
        _mun.c.name,
        _mun.c.population,
        _part.c.mayor_id,
        _part.c.contact_id,
        _part.c.stated_benefit,
        _part.c.confirmed_benefit,
    )
    .select_from(_part.join(_mun, _mun.c.id == _part.c.municipality_id))
    # A partner who left (partnership.left_on) is no partner for any gate.
    .where(_part.c.cooperation_id == _CID, _part.c.left_on.is_(None))
    .order_by(_part.c.id)
)
_MEETINGS = (
    core_select(
        _meeting.c.kind,
        _meeting.c.held_on,
        # As stored, decoded by decode_attendees: most meetings have none recorded.
        type_coerce(_meeting.c.attendee_ids, Text).label("attendees"),
    )
    .where(_meeting.c.cooperation_id == _CID, _meeting.c.starts_at.is_(None))
    .order_by(_meeting.c.id)
)
_GOALS = _of(Goal, "text")
_AGREEMENTS = _of(Agreement, "kind")
_SIGNOFFS = _of(SignOff, "gate", "municipality_id", "mayor_id", *PROOF_COLUMNS)
_COMMUNICATIONS = _of(Communication, "kind", "status")
_CONFLICTS = _of(Conflict, "id", "level", "status", "opened_at", "closed_at")
# A success counts as visible once it says how citizens were shown it (non-empty text).
_VISIBLE = _count(Success).where(
    _t(Success).c.made_visible.is_not(None), _t(Success).c.made_visible != ""
)
_STAFF = _count(StaffInvolvement)
_REPORTS = _count(Report)


Rows = list[Any]
# Each part: the statement and how its rows become the snapshot's field.
_Part = tuple[Any, Callable[[Rows], Any]]

PARTS: dict[str, _Part] = {
    "partners": (_PARTNERS, lambda rows: tuple(PartnerSnap(*r) for r in rows)),
    "meetings": (
        _MEETINGS,
        lambda rows: tuple(MeetingSnap(k, d, decode_attendees(a)) for k, d, a in rows),
    ),
    "goals": (_GOALS, lambda rows: tuple(r[0] for r in rows)),
    "agreement_kinds": (_AGREEMENTS, lambda rows: tuple(r[0] for r in rows)),
    # A sign-off counts for its gate only as the mayor's own, proven (models.audit).
    "signoffs": (
        _SIGNOFFS,
        lambda rows: frozenset(
            (g, m) for g, m, mayor, *proof in rows if signoff_counts(mayor, proof_from(*proof))
        ),
    ),
    "communications": (_COMMUNICATIONS, lambda rows: tuple((k, s) for k, s in rows)),
    "conflicts": (_CONFLICTS, lambda rows: tuple(ConflictSnap(*r) for r in rows)),
    "visible_successes": (_VISIBLE, lambda rows: int(rows[0][0])),
    "staff_involvements": (_STAFF, lambda rows: int(rows[0][0])),
    "reports": (_REPORTS, lambda rows: int(rows[0][0])),
}
# Parts read through their own loaders (several tables each), only for the gates that
# name them: the founding procedure (start_pilot's letter of intent, make_permanent) and
# the funding applications (start_pilot's hold).
SESSION_PARTS = frozenset({"founding", "funding"})
# Read from the cooperation's own row, which the transition has already.
ROW_PARTS = frozenset({"legal_form", "pilot_started_at"})
KNOWN = frozenset(PARTS) | SESSION_PARTS | ROW_PARTS


def gate_snapshot(conn: Connection, coop: Any, reads: Collection[str]) -> CooperationSnapshot:
    """The snapshot of `coop` (the transition's row: id, title, state, version,
    paused_from, coordinator_id, legal_form, pilot_started_at, state_entered_at,
    parent_id) with the parts in `reads` loaded, in `conn`'s transaction."""
    unknown = set(reads) - KNOWN
    if unknown:  # a gate that names a part nobody loads would read its default
        raise ValueError(f"no loader for snapshot parts {sorted(unknown)}")
    values: dict[str, Any] = {"partners": ()}
    args = {"cid": coop.id}
    for name in reads:
        part = PARTS.get(name)
        if part is not None:
            stmt, build = part
            values[name] = build(run(conn, stmt, args).rows)
    if SESSION_PARTS & set(reads):
        with session_in(conn) as session:
            if "founding" in reads:
                values["founding"] = founding_snaps([coop.id], session=session).get(coop.id)
            if "funding" in reads:
                values.update(funding_extras([coop.id], session=session).get(coop.id, {}))
    return CooperationSnapshot(
        id=coop.id,
        title=coop.title,
        state=State(coop.state),
        version=coop.version,
        paused_from=State(coop.paused_from) if coop.paused_from else None,
        coordinator_id=coop.coordinator_id,
        legal_form=coop.legal_form,
        pilot_started_at=coop.pilot_started_at,
        state_entered_at=coop.state_entered_at,
        parent_id=coop.parent_id,
        **values,
    )
