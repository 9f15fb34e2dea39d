"""The SQL behind the Prefect events of committed changes (ikz.events): what an event
names and relates, read after the commit."""

from __future__ import annotations

from typing import NamedTuple

from sqlmodel import Session, col, select

from models.cooperation import Conflict, Cooperation, Partnership


class CooperationRef(NamedTuple):
    title: str
    version: int
    municipality_ids: list[int]  # its partners


class ConflictRef(NamedTuple):
    conflict: Conflict
    cooperation_title: str  # "" when the cooperation is gone


def cooperation_ref(cooperation_id: int, *, session: Session) -> CooperationRef | None:
    coop = session.get(Cooperation, cooperation_id)
    if coop is None:
        return None
    munis = session.exec(
        select(Partnership.municipality_id).where(col(Partnership.cooperation_id) == cooperation_id)
    ).all()
    return CooperationRef(coop.title, coop.version, list(munis))


def conflict_ref(conflict_id: int, *, session: Session) -> ConflictRef | None:
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        return None
    coop = session.get(Cooperation, conflict.cooperation_id)
    return ConflictRef(conflict, coop.title if coop else "")
