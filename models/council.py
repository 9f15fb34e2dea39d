"""Council calendars: each municipality's council meetings, imported from an iCalendar
feed or file, and each import with who made it and how that person was proven.

A meeting is keyed by the feed's UID per municipality, so importing the same feed again
updates moved meetings instead of doubling them; a future meeting that the new feed no
longer holds (cancelled) is removed. Past meetings stay, as the record of what was.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, delete
from sqlmodel import Field, Session, col, select

from models.base import Table
from models.clock import utcnow
from models.registry import Municipality


class CalendarImport(Table, table=True):
    __tablename__ = "calendar_import"

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    source: str = Field(max_length=1000)  # the file's name or the feed's URL
    sha256: str = Field(max_length=64)  # of the calendar as read
    meetings: int = 0  # meetings in the calendar
    removed: int = 0  # future meetings no longer in it
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    proof: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)


class CouncilMeeting(Table, table=True):
    __tablename__ = "council_meeting"
    __table_args__ = (UniqueConstraint("municipality_id", "uid"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    uid: str = Field(max_length=255)
    meets_on: date = Field(index=True)
    body: str = Field(default="", max_length=200)  # the SUMMARY, e.g. "Sitzung des Stadtrats"
    import_id: int = Field(foreign_key="calendar_import.id")


def replace_calendar(
    s: Session,
    record: CalendarImport,
    meetings: Sequence[tuple[str, date, str]],
    today: date,
) -> CalendarImport:
    """Store an import and its meetings (uid, day, body): new ones added, known ones
    moved, future ones missing from the calendar removed."""
    s.add(record)
    s.flush()
    assert record.id is not None
    mid = record.municipality_id
    known = {
        m.uid: m
        for m in s.exec(select(CouncilMeeting).where(CouncilMeeting.municipality_id == mid))
    }
    uids = {uid for uid, _, _ in meetings}
    gone = [m.id for uid, m in known.items() if uid not in uids and m.meets_on >= today]
    if gone:
        s.execute(delete(CouncilMeeting).where(col(CouncilMeeting.id).in_(gone)))
    for uid, day, body in meetings:
        row = known.get(uid) or CouncilMeeting(
            municipality_id=mid, uid=uid, meets_on=day, import_id=record.id
        )
        row.meets_on, row.body, row.import_id = day, body, record.id
        s.add(row)
    record.removed = len(gone)
    s.add(record)
    s.flush()
    return record


def set_lead_days(s: Session, municipality_id: int, days: int) -> None:
    m = s.get(Municipality, municipality_id)
    assert m is not None
    m.submission_lead_days = days
    s.add(m)


def meetings_from(
    municipality_ids: Iterable[int], today: date, *, session: Session
) -> dict[int, list[tuple[date, str]]]:
    """Each municipality's meetings from `today` on, as (day, body)."""
    ids = sorted(set(municipality_ids))
    out: dict[int, list[tuple[date, str]]] = defaultdict(list)
    if not ids:
        return out
    stmt = (
        select(
            col(CouncilMeeting.municipality_id),
            col(CouncilMeeting.meets_on),
            col(CouncilMeeting.body),
        )
        .where(col(CouncilMeeting.municipality_id).in_(ids))
        .where(CouncilMeeting.meets_on >= today)
        .order_by(col(CouncilMeeting.meets_on))
    )
    for mid, day, body in session.exec(stmt):
        out[mid].append((day, body))
    return out


def calendar_settings(
    municipality_ids: Iterable[int], *, session: Session
) -> dict[int, tuple[str, int]]:
    """Each municipality's AGS and submission lead time (days)."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return {}
    stmt = select(Municipality.id, Municipality.ags, Municipality.submission_lead_days).where(
        col(Municipality.id).in_(ids)
    )
    return {int(mid): (ags, lead) for mid, ags, lead in session.exec(stmt) if mid is not None}
