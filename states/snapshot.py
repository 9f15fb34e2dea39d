"""An immutable picture of one cooperation: everything the gates, signals and policy read.

Built by models/ from the database, consumed by the pure functions in states/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from states.founding import FoundingSnap
from states.funding import ApplicationSnap
from states.lifecycle import State


@dataclass(frozen=True)
class PartnerSnap:
    municipality_id: int
    name: str
    population: int
    mayor_id: int | None
    contact_id: int | None
    stated_benefit: str | None
    confirmed_benefit: str | None


@dataclass(frozen=True)
class MeetingSnap:
    kind: str  # informal, retreat, steering_round, info_event
    held_on: date
    attendee_ids: tuple[int, ...] = ()  # person ids (mayors at steering rounds: factor 4)


@dataclass(frozen=True)
class ConflictSnap:
    id: int
    level: str
    status: str  # open, resolved, closed
    opened_at: datetime
    closed_at: datetime | None = None


@dataclass(frozen=True)
class DecisionSnap:
    """One entry of the give-and-take ledger (factor 3)."""

    benefiting_id: int | None  # municipality id
    conceding_ids: tuple[int, ...]
    decided_on: date


@dataclass(frozen=True)
class CooperationSnapshot:
    id: int
    title: str
    state: State
    version: int
    paused_from: State | None
    coordinator_id: int | None
    partners: tuple[PartnerSnap, ...]
    goals: tuple[str, ...] = ()
    meetings: tuple[MeetingSnap, ...] = ()
    agreement_kinds: tuple[str, ...] = ()
    signoffs: frozenset[tuple[str, int]] = frozenset()  # (gate, municipality_id)
    staff_involvements: int = 0
    communications: tuple[tuple[str, str], ...] = ()  # (kind, status)
    visible_successes: int = 0
    successes: int = 0
    conflicts: tuple[ConflictSnap, ...] = ()
    reports: int = 0
    legal_form: str | None = None
    pilot_started_at: datetime | None = None
    state_entered_at: datetime | None = None
    parent_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Read by the Kooperations-Check (states/health/); defaults keep older callers working.
    measurable_goals: int = 0  # goals with a target
    decisions: tuple[DecisionSnap, ...] = ()
    staff_involved_on: tuple[date, ...] = ()
    # (entered, left or None while still there) per stay in agreement, from the audit trail.
    agreement_periods: tuple[tuple[datetime, datetime | None], ...] = ()
    children: int = 0  # follow-up cooperations spawned from this one
    # The founding procedure, once planned (ikz founding plan); None: no plan.
    founding: FoundingSnap | None = None
    # Funding applications (ikz funding prepare), one per programme.
    funding: tuple[ApplicationSnap, ...] = ()
    # The latest year with every partner's baseline and actual costs, and its total
    # savings in % (loaded only for cooperations with an application); None: none yet.
    savings_latest: tuple[int, Decimal] | None = None
    # The cost-sharing key (ikz funding cost-key): (municipality id, per cent) of each
    # current partner, in the order they joined; () while none is recorded.
    cost_key: tuple[tuple[int, Decimal], ...] = ()

    @property
    def open_conflicts(self) -> tuple[ConflictSnap, ...]:
        return tuple(c for c in self.conflicts if c.status == "open")

    def partner(self, municipality_id: int) -> PartnerSnap | None:
        for p in self.partners:
            if p.municipality_id == municipality_id:
                return p
        return None
