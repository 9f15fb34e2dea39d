"""The SQL of reviews and of the portfolio sweep (ikz.review): the active portfolio in id
ranges, a range's cooperations as plain rows, the versions that changed meanwhile, the
next review dates, overdue conflicts and pending sign-off requests.

Core statements built once, at import: the sweep runs them once per range of 2,000
cooperations, and plain rows cost less than ORM objects it would only read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from models.cooperation import Conflict, Cooperation, SignOffRequest
from models.queries import COOP_ROW_COLUMNS, CoopRow
from states.lifecycle import State
from states.vocab import ConflictStatus

_coop_t = Cooperation.__table__  # type: ignore[attr-defined]
_ACTIVE = _coop_t.c.state != State.ENDED.value
_ACTIVE_IDS = core_select(_coop_t.c.id).where(_ACTIVE).order_by(_coop_t.c.id)
_RANGE = (
    core_select(*COOP_ROW_COLUMNS)
    .where(_ACTIVE, _coop_t.c.id > bindparam("lo"), _coop_t.c.id <= bindparam("hi"))
    .order_by(_coop_t.c.id)
)
_VERSIONS = core_select(_coop_t.c.id, _coop_t.c.version).where(
    _coop_t.c.id > bindparam("lo"), _coop_t.c.id <= bindparam("hi")
)
_NEXT_REVIEW = (
    update(_coop_t).where(_coop_t.c.id == bindparam("cid")).values(next_review_at=bindparam("at"))
)


def active_ids(*, session: Session) -> list[int]:
    """The ids of every cooperation not ended, in order (100,000 of them are a few MB)."""
    return list(session.connection().execute(_ACTIVE_IDS).scalars().all())


def active_rows(lo: int, hi: int, *, session: Session) -> list[CoopRow]:
    """The active cooperations with ids after `lo` up to and including `hi`."""
    rows = session.connection().execute(_RANGE, {"lo": lo, "hi": hi}).all()
    return [CoopRow._make(row) for row in rows]


def changed_versions(seen: Mapping[int, int], lo: int, hi: int, *, session: Session) -> set[int]:
    """Those of `seen` (id: version as read) whose version is not that any more (or gone);
    one query over the id range `lo` (excluded) to `hi`."""
    now = dict(session.connection().execute(_VERSIONS, {"lo": lo, "hi": hi}).tuples().all())
    return {cid for cid, version in seen.items() if now.get(cid) != version}


def set_next_reviews(dates: Sequence[tuple[int, datetime | None]], *, session: Session) -> None:
    """Store each (cooperation id, next review date) in one executemany."""
    if dates:
        session.connection().execute(_NEXT_REVIEW, [{"cid": c, "at": at} for c, at in dates])


def open_conflicts_since(
    limit: datetime, *, session: Session
) -> list[tuple[Conflict, str, int | None]]:
    """Open conflicts opened at or before `limit`, with their cooperation's title and
    coordinator, oldest id first."""
    rows = session.exec(
        select(Conflict, Cooperation.title, Cooperation.coordinator_id)
        .join(Cooperation, col(Cooperation.id) == col(Conflict.cooperation_id))
        .where(col(Conflict.status) == ConflictStatus.OPEN.value, col(Conflict.opened_at) <= limit)
        .order_by(col(Conflict.id))
    ).all()
    return [(c, title, coordinator) for c, title, coordinator in rows]


def pending_signoff_requests(*, session: Session) -> list[tuple[SignOffRequest, str]]:
    """Every pending sign-off request with its cooperation's title, in one query."""
    rows = session.exec(
        select(SignOffRequest, Cooperation.title)
        .join(Cooperation, col(Cooperation.id) == col(SignOffRequest.cooperation_id))
        .where(col(SignOffRequest.status) == "pending")
        .order_by(col(SignOffRequest.id))
    ).all()
    return [(r, title) for r, title in rows]


def expire_signoff_request(request: SignOffRequest, *, session: Session) -> None:
    request.status = "expired"
    session.add(request)


def mark_signoff_reminded(request: SignOffRequest, at: datetime, *, session: Session) -> None:
    request.reminded_at = at
    session.add(request)
