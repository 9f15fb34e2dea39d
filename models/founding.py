"""The founding procedure's facts: the plan (state, form and the rules it follows, copied
from the rule pack when it was made), every recorded act (letter of intent, draft,
council resolutions, signatures, the authority's receipt and decision, the deemed
approval, publication), the agreement's clauses and the answers of the tax, procurement
and aid assessments.

All four tables are on the cooperation's fact chain (models.chain). A document (council
minutes, the authority's letter, an expert opinion) is stored by content
(ikz.proof.document) and named here by its SHA-256, so the chain covers it.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, func
from sqlmodel import Field, Session, col, select

from models.base import Table
from models.clock import utcnow
from models.cooperation import CURRENT, Cooperation, Goal, Partnership
from models.council import calendar_settings, meetings_from
from models.registry import Municipality
from states.assessment import Answer
from states.clauses import ClauseFact
from states.council import state_of
from states.founding import FoundingSnap
from states.founding_facts import Change, Event
from states.rulepack import FormRules


class FoundingPlan(Table, table=True):
    __tablename__ = "founding_plan"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", unique=True)
    state: str = Field(max_length=2)  # the rule pack's state code, e.g. NW
    form: str = Field(max_length=30)  # states.rulepack.PackForm
    voluntary_tasks: bool = False
    target_effective_on: date | None = None  # a later effective date the agreement sets
    # The form's rules as they stood when the plan was made, and the SHA-256 of the pack
    # file they came from: a later change of the file does not change a running founding.
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rules_sha256: str = Field(max_length=64)
    planned_at: datetime = Field(default_factory=utcnow)
    # A follow-up cooperation's plan: the cooperation whose state, form and voluntary
    # tasks it took over (the rules themselves are read again from the current pack).
    inherited_from_id: int | None = Field(default=None, foreign_key="cooperation.id")


class FoundingEvent(Table, table=True):
    __tablename__ = "founding_event"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    plan_id: int = Field(foreign_key="founding_plan.id")
    kind: str = Field(max_length=30)  # states.founding: letter_of_intent, resolution, ...
    occurred_on: date
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    body: str = Field(default="", max_length=200)  # council, committee, authority
    agenda_item: str = Field(default="", max_length=100)
    result: str = Field(default="", max_length=30)
    reference: str = Field(default="", max_length=300)  # gazette, file number
    note: str = ""
    document_sha256: str | None = Field(default=None, max_length=64)
    document_name: str | None = Field(default=None, max_length=255)
    recorded_at: datetime = Field(default_factory=utcnow)
    # The change procedure (founding_change) the act belongs to; None: the founding.
    change_id: int | None = Field(default=None, foreign_key="founding_change.id")


class FoundingChange(Table, table=True):
    """A change procedure after the founding (states.founding_change): amendment, a
    partner joining, termination or dissolution. Its acts are founding_event rows with
    its id; `applied_on` is set once, when its effect was applied."""

    __tablename__ = "founding_change"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    plan_id: int = Field(foreign_key="founding_plan.id")
    kind: str = Field(max_length=20)  # states.founding_change.ChangeKind
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    description: str
    opened_on: date
    applied_on: date | None = None
    recorded_at: datetime = Field(default_factory=utcnow)


class FoundingClause(Table, table=True):
    """One clause of the agreement or statute as agreed (states.clauses): its text and,
    for the term, the termination and the evaluation, its measure. Append-only: the
    latest record of a code counts."""

    __tablename__ = "founding_clause"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    plan_id: int = Field(foreign_key="founding_plan.id")
    code: str = Field(max_length=40)
    text: str
    term_years: int | None = None
    open_ended: bool = False
    notice_months: int | None = None
    evaluation_on: date | None = None
    agreed_on: date
    recorded_at: datetime = Field(default_factory=utcnow)


class AssessmentAnswer(Table, table=True):
    __tablename__ = "assessment_answer"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    kind: str = Field(max_length=20)  # states.assessment.AssessmentKind
    criterion: str = Field(max_length=40)
    answer: bool
    reason: str
    answered_on: date
    document_sha256: str | None = Field(default=None, max_length=64)
    document_name: str | None = Field(default=None, max_length=255)
    recorded_at: datetime = Field(default_factory=utcnow)


def clauses_of(cooperation_id: int, *, session: Session) -> list[FoundingClause]:
    stmt = select(FoundingClause).where(FoundingClause.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(FoundingClause.id))))


def goals_of(cooperation_id: int, *, session: Session) -> list[str]:
    stmt = select(Goal.text).where(Goal.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(Goal.id))))


def plan_of(cooperation_id: int, *, session: Session) -> FoundingPlan | None:
    stmt = select(FoundingPlan).where(FoundingPlan.cooperation_id == cooperation_id)
    return session.exec(stmt).first()


def change_of(change_id: int, *, session: Session) -> FoundingChange | None:
    return session.get(FoundingChange, change_id)


def left_before(cooperation_id: int, municipality_id: int, *, session: Session) -> bool:
    """Whether the municipality was a partner of the cooperation and left."""
    stmt = (
        select(Partnership.id)
        .where(Partnership.cooperation_id == cooperation_id)
        .where(Partnership.municipality_id == municipality_id)
        .where(col(Partnership.left_on).is_not(None))
    )
    return session.exec(stmt).first() is not None


def municipality_name(municipality_id: int, *, session: Session) -> str | None:
    m = session.get(Municipality, municipality_id)
    return m.name if m is not None else None


def events_of(cooperation_id: int, *, session: Session) -> list[FoundingEvent]:
    stmt = select(FoundingEvent).where(FoundingEvent.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(FoundingEvent.id))))


def answers_of(cooperation_id: int, *, session: Session) -> list[AssessmentAnswer]:
    stmt = select(AssessmentAnswer).where(AssessmentAnswer.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(AssessmentAnswer.id))))


def partner_ags(cooperation_id: int, *, session: Session) -> list[str]:
    """The AGS of each partner (its first two digits name the state)."""
    stmt = (
        select(Municipality.ags)
        .where(col(Municipality.id) == col(Partnership.municipality_id))
        .where(Partnership.cooperation_id == cooperation_id)
        .where(CURRENT)
    )
    return list(session.exec(stmt))


def partners_named(cooperation_id: int, *, session: Session) -> list[tuple[str, str]]:
    """Each partner's name and AGS, in the order they joined."""
    stmt = (
        select(Municipality.name, Municipality.ags)
        .where(col(Municipality.id) == col(Partnership.municipality_id))
        .where(Partnership.cooperation_id == cooperation_id)
        .where(CURRENT)
        .order_by(col(Partnership.id))
    )
    return [(name, ags) for name, ags in session.exec(stmt)]


def planned_cooperations(*, session: Session) -> list[int]:
    """The cooperations with a founding plan (the daily sweep looks at them)."""
    return list(session.exec(select(FoundingPlan.cooperation_id).order_by(col(FoundingPlan.id))))


def founding_reminder_rows(*, session: Session) -> list[tuple[int, str, int | None]]:
    """(id, title, coordinator) of each cooperation with a founding plan that has not
    ended: whose deadlines the daily sweep reminds of."""
    stmt = (
        select(Cooperation.id, Cooperation.title, Cooperation.coordinator_id)
        .where(col(Cooperation.id) == col(FoundingPlan.cooperation_id))
        .where(Cooperation.state != "ended")
        .order_by(col(Cooperation.id))
    )
    return [(int(cid or 0), title, coordinator) for cid, title, coordinator in session.exec(stmt)]


def changing_cooperations(*, session: Session) -> list[int]:
    """The cooperations with a change procedure not yet applied (the daily sweep)."""
    stmt = (
        select(FoundingChange.cooperation_id)
        .where(col(FoundingChange.applied_on).is_(None))
        .order_by(col(FoundingChange.id))
    )
    return list(session.exec(stmt))


def founding_snaps(
    ids: Sequence[int], *, session: Session, today: date | None = None
) -> dict[int, FoundingSnap]:
    """The founding of each cooperation in `ids` that has a plan, as states.founding reads
    it; with `today`, also its partners' council meetings from then on."""
    if not ids:
        return {}
    plans = list(
        session.exec(select(FoundingPlan).where(col(FoundingPlan.cooperation_id).in_(ids)))
    )
    if not plans:
        return {}
    cids = [p.cooperation_id for p in plans]
    events: dict[int, list[Event]] = defaultdict(list)
    change_events: dict[int, list[Event]] = defaultdict(list)
    for e in session.exec(
        select(FoundingEvent)
        .where(col(FoundingEvent.cooperation_id).in_(cids))
        .order_by(col(FoundingEvent.id))
    ):
        assert e.id is not None
        event = Event(e.id, e.kind, e.occurred_on, e.municipality_id, e.result, e.reference)
        if e.change_id is None:
            events[e.cooperation_id].append(event)
        else:
            change_events[e.change_id].append(event)
    changes: dict[int, list[Change]] = defaultdict(list)
    for ch in session.exec(
        select(FoundingChange)
        .where(col(FoundingChange.cooperation_id).in_(cids))
        .order_by(col(FoundingChange.id))
    ):
        assert ch.id is not None
        changes[ch.cooperation_id].append(
            Change(
                ch.id,
                ch.kind,
                ch.opened_on,
                ch.description,
                ch.municipality_id,
                ch.applied_on,
                tuple(change_events[ch.id]),
            )
        )
    answers: dict[int, list[Answer]] = defaultdict(list)
    for a in session.exec(
        select(AssessmentAnswer)
        .where(col(AssessmentAnswer.cooperation_id).in_(cids))
        .order_by(col(AssessmentAnswer.id))
    ):
        answers[a.cooperation_id].append(
            Answer(a.kind, a.criterion, a.answer, a.reason, a.answered_on)
        )
    clauses: dict[int, list[ClauseFact]] = defaultdict(list)
    for k in session.exec(
        select(FoundingClause)
        .where(col(FoundingClause.cooperation_id).in_(cids))
        .order_by(col(FoundingClause.id))
    ):
        clauses[k.cooperation_id].append(
            ClauseFact(
                k.code,
                k.text,
                k.agreed_on,
                k.term_years,
                k.open_ended,
                k.notice_months,
                k.evaluation_on,
            )
        )
    goal_count: dict[int, int] = {
        cid: int(n)
        for cid, n in session.exec(
            select(Goal.cooperation_id, func.count())
            .where(col(Goal.cooperation_id).in_(cids))
            .group_by(col(Goal.cooperation_id))
        )
    }
    # Every partnership, a left one too: the founding's partners are those who founded it
    # (not the ones a change let join), the changes' the current ones.
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    current: dict[int, list[int]] = defaultdict(list)
    for cid, mid, name, left_on in session.exec(
        select(
            Partnership.cooperation_id,
            Partnership.municipality_id,
            Municipality.name,
            col(Partnership.left_on),
        )
        .where(col(Partnership.cooperation_id).in_(cids))
        .where(col(Municipality.id) == col(Partnership.municipality_id))
        .order_by(col(Partnership.id))
    ):
        partners[cid].append((mid, name))
        if left_on is None:
            current[cid].append(mid)
    joined = {
        (ch_cid, ch.municipality_id)
        for ch_cid, found in changes.items()
        for ch in found
        if ch.kind == "join" and ch.applied_on is not None
    }
    everyone = {m for pairs in partners.values() for m, _ in pairs}
    council = meetings_from(everyone, today, session=session) if today else {}
    calendar = calendar_settings(everyone, session=session)
    paused = set(
        session.exec(
            select(Cooperation.id)
            .where(col(Cooperation.id).in_(cids))
            .where(Cooperation.state == "paused")
        )
    )
    out: dict[int, FoundingSnap] = {}
    for p in plans:
        assert p.id is not None
        mine = [m for m, _ in partners[p.cooperation_id]]
        out[p.cooperation_id] = FoundingSnap(
            plan_id=p.id,
            state=p.state,
            form=p.form,
            rules=FormRules.model_validate(p.rules),
            partner_ids=tuple(m for m in mine if (p.cooperation_id, m) not in joined),
            current_partner_ids=tuple(current[p.cooperation_id]),
            voluntary_tasks=p.voluntary_tasks,
            target_effective_on=p.target_effective_on,
            events=tuple(events[p.cooperation_id]),
            answers=tuple(answers[p.cooperation_id]),
            partner_names=dict(partners[p.cooperation_id]),
            council={m: tuple(council.get(m, ())) for m in mine},
            lead_days={m: calendar[m][1] for m in mine if m in calendar},
            partner_states={m: state_of(calendar[m][0]) for m in mine if m in calendar},
            paused=p.cooperation_id in paused,
            clauses=tuple(clauses[p.cooperation_id]),
            goal_count=goal_count.get(p.cooperation_id, 0),
            changes=tuple(changes[p.cooperation_id]),
        )
    return out


def founding_snap(
    cooperation_id: int, *, session: Session, today: date | None = None
) -> FoundingSnap | None:
    return founding_snaps([cooperation_id], session=session, today=today).get(cooperation_id)
