"""What the statistics (states.statistics) and the portfolio's CSV read about every
cooperation: task area, legal form, stage, the partners' AGS, the funding applications
and the savings. Walked in batches (keyset paging on the id), so memory stays at one
batch however large the portfolio."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from models.cooperation import CURRENT, Cooperation, Partnership
from models.funding import application_snaps, savings_totals
from models.registry import Municipality
from states.statistics import CoopFigures, region_of

BATCH = 500


def _partner_ags(ids: Sequence[int], *, session: Session) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    stmt = (
        select(Partnership.cooperation_id, Municipality.ags)
        .where(col(Partnership.cooperation_id).in_(ids))
        .where(col(Municipality.id) == col(Partnership.municipality_id))
        .where(CURRENT)
        .order_by(col(Partnership.id))
    )
    for cid, ags in session.exec(stmt):
        out[cid].append(ags)
    return out


def _columns() -> Any:
    table = Cooperation.__table__  # type: ignore[attr-defined]
    return table, core_select(
        table.c.id, table.c.field_of_work, table.c.legal_form, table.c.state
    ).order_by(table.c.id)


def _figures(rows: Sequence[Any], *, session: Session) -> list[tuple[int, CoopFigures]]:
    ids = [r.id for r in rows]
    ags = _partner_ags(ids, session=session)
    apps = application_snaps(ids, session=session)
    totals = savings_totals(ids, session=session)
    out = []
    for r in rows:
        base, latest = totals.get(r.id, (None, None))
        out.append(
            (
                r.id,
                CoopFigures(
                    field_of_work=r.field_of_work,
                    legal_form=r.legal_form,
                    stage=r.state,
                    region=region_of(ags.get(r.id, [])),
                    applications=apps.get(r.id, ()),
                    baseline_total=base,
                    achieved=latest,
                ),
            )
        )
    return out


def figures_batches(
    *, session: Session, size: int = BATCH
) -> Iterator[list[tuple[int, CoopFigures]]]:
    """(id, figures) of every cooperation, `size` at a time in id order."""
    table, stmt = _columns()
    stmt = stmt.where(table.c.id > bindparam("last")).limit(size)
    last = 0
    while True:
        rows = session.connection().execute(stmt, {"last": last}).all()
        if not rows:
            return
        yield _figures(rows, session=session)
        last = rows[-1].id


def figures_of(ids: Sequence[int], *, session: Session) -> dict[int, CoopFigures]:
    """The figures of the cooperations `ids` (a batch: at most a few thousand)."""
    if not ids:
        return {}
    table, stmt = _columns()
    rows = session.connection().execute(stmt.where(table.c.id.in_(list(ids)))).all()
    return dict(_figures(rows, session=session))
