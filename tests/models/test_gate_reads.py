"""A gated transition loads only the snapshot parts its gate reads (models.gate_reads).

Two things must hold for that to be safe: every gate reads only the parts it declares in
`states.gates.GATE_READS` (checked on a snapshot that refuses the others), and the parts
loaded for the write path equal those of the full snapshot the reviews read (checked on
the demo portfolio, every cooperation and every gate, and on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from ikz.app import App
from ikz.demo import load_demo
from models.cooperation import Cooperation
from models.gate_reads import KNOWN, gate_snapshot
from models.queries import load_snapshot, require, transition_rows
from states.gates import GATE_READS, GATES, unmet_criteria
from states.lifecycle import State, Trigger
from states.snapshot import ConflictSnap, CooperationSnapshot, MeetingSnap, PartnerSnap
from tests.factories import make_app, make_world, open_coop, satisfy_agree, satisfy_explore

# Always there: read from the cooperation's own row with the transition.
ROW = {"id", "title", "state", "version", "paused_from", "coordinator_id"}
ROW |= {"state_entered_at", "parent_id"}
PARTS = {f.name for f in fields(CooperationSnapshot)} - ROW


class Refusing:
    """A snapshot that gives only the parts `allowed` (and the row's own columns)."""

    def __init__(self, snap: CooperationSnapshot, allowed: frozenset[str]) -> None:
        self._snap, self._allowed = snap, allowed

    def __getattr__(self, name: str) -> Any:
        part = "conflicts" if name == "open_conflicts" else name
        if part in PARTS and part not in self._allowed:
            raise AssertionError(f"the gate read {part!r} without declaring it")
        return getattr(self._snap, name)


def _rich() -> CooperationSnapshot:
    """Every part filled, so that each gate walks all its branches."""
    when = datetime(2026, 3, 1, tzinfo=UTC)
    return CooperationSnapshot(
        id=1,
        title="Bauhof",
        state=State.PILOT,
        version=3,
        paused_from=None,
        coordinator_id=1,
        partners=(PartnerSnap(5, "Jena", 110_000, 7, None, None, None),),
        goals=(),
        meetings=(MeetingSnap("steering_round", date(2026, 4, 1)),),
        conflicts=(ConflictSnap(9, "moderation", "open", when),),
        pilot_started_at=when,
    )


@pytest.mark.parametrize("trigger", list(GATES))
def test_each_gate_reads_only_what_it_declares(trigger: Trigger) -> None:
    guarded = Refusing(_rich(), GATE_READS[trigger])
    unmet = unmet_criteria(trigger, guarded, datetime(2026, 4, 2, tzinfo=UTC))  # type: ignore[arg-type]
    assert unmet  # the rich snapshot misses something at every gate: the gate really ran


def test_an_undeclared_read_is_caught() -> None:
    # explore reads the meetings; without them declared the refusing snapshot objects.
    guarded = Refusing(_rich(), frozenset({"partners"}))
    with pytest.raises(AssertionError, match="'meetings'"):
        unmet_criteria(Trigger.EXPLORE, guarded, datetime(2026, 6, 1, tzinfo=UTC))  # type: ignore[arg-type]


def test_every_declared_part_has_a_loader() -> None:
    declared = set().union(*GATE_READS.values())
    assert declared <= KNOWN
    assert set(GATE_READS) == set(GATES)


def _same_verdicts(app: App) -> int:
    """Compare, for every cooperation and gate, the criteria from the write path's
    snapshot with those from the full one; returns how many verdicts were compared."""
    now = app.clock()
    compared = 0
    with app.db.read() as s:
        ids = list(s.exec(select(Cooperation.id).order_by(col(Cooperation.id))))
        for cid in ids:
            full = load_snapshot(s, require(s, Cooperation, cid))
            coop = transition_rows(s.connection(), cid, full.coordinator_id or 1).coop
            for trigger, reads in GATE_READS.items():
                part = gate_snapshot(s.connection(), coop, reads)
                for name in reads:
                    assert getattr(part, name) == getattr(full, name), (cid, trigger, name)
                assert unmet_criteria(trigger, part, now) == unmet_criteria(trigger, full, now)
                compared += 1
    return compared


@pytest.mark.slow
def test_the_demo_gets_the_same_verdicts_from_both_snapshots(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path)
    try:
        load_demo(app)
        # 13 demo cooperations (and the follow-ups they spawn) times five gates.
        assert _same_verdicts(app) >= 13 * 5
    finally:
        app.close()


def test_the_write_path_snapshot_names_what_is_missing(app: App) -> None:
    w = make_world(app)
    cid = open_coop(w)
    with app.db.read() as s:
        coop = transition_rows(s.connection(), cid, w.coordinator_id).coop
        snap = gate_snapshot(s.connection(), coop, GATE_READS[Trigger.EXPLORE])
    codes = [c.code for c in unmet_criteria(Trigger.EXPLORE, snap, app.clock())]
    assert codes == ["informal_exchange_missing"]
    satisfy_explore(w, cid)
    with app.db.read() as s:
        snap = gate_snapshot(s.connection(), coop, GATE_READS[Trigger.EXPLORE])
    assert unmet_criteria(Trigger.EXPLORE, snap, app.clock()) == []


def test_postgres_gives_the_same_verdicts(pg_url: str, tmp_path: Path) -> None:
    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        for _ in range(2):
            cid = open_coop(w)
            satisfy_explore(w, cid)
            satisfy_agree(w, cid)
        assert _same_verdicts(app) == 2 * 5
    finally:
        app.close()


def test_an_unknown_part_is_an_error(app: App) -> None:
    w = make_world(app)
    cid = open_coop(w)
    with app.db.read() as s:
        coop = transition_rows(s.connection(), cid, w.coordinator_id).coop
        with pytest.raises(ValueError, match="no loader"):
            gate_snapshot(s.connection(), coop, {"partners", "horoscope"})


def test_a_partner_who_left_is_no_partner_for_a_gate(app: App) -> None:
    w = make_world(app)
    cid = open_coop(w, n_partners=3)
    gone = w.partners[2].municipality_id
    # The applied leave of a change procedure sets this day (ikz.actions.founding_change).
    with app.db.write() as s:
        s.connection().execute(
            text(
                "UPDATE partnership SET left_on = :d WHERE cooperation_id = :c AND municipality_id = :m"
            ),
            {"d": date(2026, 5, 1), "c": cid, "m": gone},
        )
    with app.db.read() as s:
        coop = transition_rows(s.connection(), cid, w.coordinator_id).coop
        part = gate_snapshot(s.connection(), coop, GATE_READS[Trigger.AGREE])
        full = load_snapshot(s, require(s, Cooperation, cid))
    assert [p.municipality_id for p in part.partners] == [
        w.partners[0].municipality_id,
        w.partners[1].municipality_id,
    ]
    assert part.partners == full.partners
