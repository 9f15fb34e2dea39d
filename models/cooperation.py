"""The cooperation, its partners and everything recorded along its way."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, col

from models.audit import ProofFields
from models.base import Table
from models.clock import utcnow


class Cooperation(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    field_of_work: str = Field(max_length=60, index=True)
    description: str = ""
    # No index: every transition changes the state, and an index entry moving between
    # states cost its commit two pages; only `coop list --state` filters on it, and a
    # scan of even 100,000 short rows is a few milliseconds beside printing them.
    state: str = Field(max_length=30)
    # Optimistic locking: every lifecycle change is a compare-and-set on this column.
    version: int = 1
    paused_from: str | None = Field(default=None, max_length=30)
    parent_id: int | None = Field(default=None, foreign_key="cooperation.id", index=True)
    coordinator_id: int | None = Field(default=None, foreign_key="person.id")
    legal_form: str | None = Field(default=None, max_length=40)
    state_entered_at: datetime = Field(default_factory=utcnow)
    pilot_started_at: datetime | None = None
    next_review_at: datetime | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Partnership(Table, table=True):
    __table_args__ = (UniqueConstraint("cooperation_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    mayor_id: int | None = Field(default=None, foreign_key="person.id")
    contact_id: int | None = Field(default=None, foreign_key="person.id")
    stated_benefit: str | None = None
    confirmed_benefit: str | None = None
    # The day the partner left by a change procedure (states.founding_change): the row
    # stays (facts are append-only), and every list of current partners skips it.
    left_on: date | None = None


# The current partners: a row without a leaving day (a WHERE clause for every list).
CURRENT = col(Partnership.left_on).is_(None)


class Goal(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    text: str
    target: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Meeting(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    kind: str = Field(max_length=30)
    held_on: date
    attendee_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str = ""
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    # Set for a meeting scheduled ahead (ikz.actions.meetings): it is invited to by calendar mail
    # and counts for gates only once recorded as held, like any other meeting.
    starts_at: datetime | None = None
    duration_minutes: int | None = None
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    cancelled: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class Agreement(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    kind: str = Field(max_length=40)
    title: str = ""
    signed_by: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    effective_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SignOff(ProofFields, table=True):
    """A mayor's sign-off of a gate, with the proof that it is the mayor's (their own
    proven answer, or a coordinator's recording from a document on their behalf)."""

    __table_args__ = (UniqueConstraint("cooperation_id", "gate", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    gate: str = Field(max_length=30)
    municipality_id: int = Field(foreign_key="municipality.id")
    mayor_id: int = Field(foreign_key="person.id")
    note: str = ""
    signed_at: datetime = Field(default_factory=utcnow)


class Decision(Table, table=True):
    """A give-and-take ledger entry: who benefits, who concedes what (factor 3)."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    kind: str = Field(default="location", max_length=30)
    subject: str
    benefiting_municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    conceding_municipality_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    concession: str = ""
    decided_on: date


class StaffInvolvement(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    description: str
    involved_on: date


class Communication(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    kind: str = Field(max_length=30)
    status: str = Field(default="planned", max_length=20)
    title: str = ""
    planned_on: date | None = None


class Success(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    what: str
    metric: str | None = None
    value: str | None = None
    made_visible: str | None = None  # how citizens were shown it; None: not yet
    recorded_at: datetime = Field(default_factory=utcnow)


class Conflict(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    subject: str
    raised_by: int = Field(foreign_key="person.id")
    opened_at: datetime = Field(default_factory=utcnow)
    level: str = Field(default="raised", max_length=30)
    status: str = Field(default="open", max_length=30, index=True)
    resolution: str | None = None
    closed_at: datetime | None = None
    # The ladder (states.conflict): deadlines count from when the current level was entered.
    level_entered_at: datetime = Field(default_factory=utcnow)
    moderator_id: int | None = Field(default=None, foreign_key="person.id")
    # The session of the current level (moderation or mayors' conference), once scheduled;
    # the sequence rises with each rescheduling so calendar clients update the invitation.
    session_starts_at: datetime | None = None
    session_duration_minutes: int | None = None
    session_location: str | None = Field(default=None, max_length=200)
    session_sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Who agreed to the resolution (person ids), or why it was closed unresolved.
    agreed_by: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    close_reason: str | None = None


class Report(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    kind: str = Field(default="success", max_length=30)
    summary: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class SignOffRequest(Table, table=True):
    """A mayor's sign-off asked for through a suspended Prefect flow run."""

    __tablename__ = "signoff_request"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    gate: str = Field(max_length=30)
    mayor_id: int = Field(foreign_key="person.id")
    # The flow run that waits for the answer; unique so a resumed run never asks twice.
    flow_run_id: str = Field(max_length=64, unique=True)
    status: str = Field(default="pending", max_length=20, index=True)
    requested_at: datetime = Field(default_factory=utcnow)
    due_at: datetime
    reminded_at: datetime | None = None
    answered_at: datetime | None = None
    note: str = ""
    # How the answer was proven (states.proof.Proof.as_dict): a mail link's, with the
    # Message-ID of the mail that carried it, or the local CLI's.
    answer_proof: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
