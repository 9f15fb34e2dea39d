"""The founding procedure as a tracked process: its steps, their status, due dates and
what each waits for, the checks an act must pass before it is recorded, the deemed
approval and the effective date. Pure functions over the rules of the cooperation's
state and form (states.rulepack, copied into the plan when it was made) and the facts
recorded so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from states.assessment import NEEDED, Answer, Outcome, outcome
from states.clauses import ClauseFact
from states.council import DEFAULT_LEAD_DAYS, Sitting, next_sitting
from states.errors import Message
from states.founding_facts import Change, Event
from states.rulepack import FormRules, Step

# What a recorded founding event is.
LETTER_OF_INTENT = "letter_of_intent"
DRAFT = "draft"
RESOLUTION = "resolution"
SIGNATURE = "signature"
SUBMISSION = "submission"
DECISION = "decision"
DEEMED_APPROVAL = "deemed_approval"
PUBLICATION = "publication"


class ResolutionResult(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class DecisionResult(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REFUSED = "refused"
    OBJECTION = "objection"  # the authority raises concerns: no deemed approval
    EXTENSION = "extension"  # the authority says it needs the extra period


GRANTED = ("approved", "approved_with_conditions", DEEMED_APPROVAL)

STEP_LABELS: dict[Step, tuple[str, str]] = {
    Step.LETTER_OF_INTENT: ("Absichtserklärung", "Letter of intent"),
    Step.DRAFT: ("Entwurf von Vereinbarung oder Satzung", "Draft agreement or statute"),
    Step.ASSESSMENT: (
        "Steuer-, Vergabe- und Beihilfeprüfung",
        "Tax, procurement and aid assessment",
    ),
    Step.RESOLUTION: ("Ratsbeschlüsse aller Partner", "Every partner council's resolution"),
    Step.SIGNATURE: ("Unterschriften aller Partner", "Every partner's signature"),
    Step.AUTHORITY: ("Aufsichtsbehörde", "Supervisory authority"),
    Step.PUBLICATION: ("Bekanntmachung", "Publication"),
    Step.EFFECTIVE: ("Wirksamkeit", "Effective date"),
}


@dataclass(frozen=True)
class FoundingSnap:
    plan_id: int
    state: str
    form: str
    rules: FormRules
    partner_ids: tuple[int, ...]
    voluntary_tasks: bool = False
    target_effective_on: date | None = None
    events: tuple[Event, ...] = ()
    answers: tuple[Answer, ...] = ()
    partner_names: dict[int, str] = field(default_factory=dict)
    # Each partner's council meetings from today on (day, body), its submission lead
    # time and its state (for the holidays): the resolution's deadlines (states.council).
    council: dict[int, tuple[tuple[date, str], ...]] = field(default_factory=dict)
    lead_days: dict[int, int] = field(default_factory=dict)
    partner_states: dict[int, str | None] = field(default_factory=dict)
    paused: bool = False  # a paused cooperation's own deadlines rest
    # The agreement's recorded clauses (states.clauses) and how many goals the
    # cooperation has (the derived `tasks` clause).
    clauses: tuple[ClauseFact, ...] = ()
    goal_count: int = 0
    # The change procedures after the founding (states.founding_change), oldest first;
    # `events` holds the founding's own acts only. `partner_ids` are the partners who
    # founded it (they resolved and signed); the current ones differ after a join or leave.
    changes: tuple[Change, ...] = ()
    current_partner_ids: tuple[int, ...] = ()

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def name(self, municipality_id: int) -> str:
        return self.partner_names.get(municipality_id, f"#{municipality_id}")

    @property
    def authority_kind(self) -> str:
        a = self.rules.authority
        return (a.voluntary_kind or a.kind) if self.voluntary_tasks else a.kind


@dataclass(frozen=True)
class StepStatus:
    step: Step
    status: str  # done, open, waiting (for an earlier step or the authority), refused
    due: date | None = None
    done_on: date | None = None
    waits_for: Message | None = None
    source: str = ""


def _last_per_partner(snap: FoundingSnap, kind: str) -> dict[int, Event]:
    out: dict[int, Event] = {}
    for e in snap.of(kind):
        if e.municipality_id is not None:
            out[e.municipality_id] = e
    return out


def adopted(snap: FoundingSnap) -> dict[int, date]:
    """The partners whose council adopted the resolution (their latest counts), and when."""
    return {
        m: e.on for m, e in _last_per_partner(snap, RESOLUTION).items() if e.result == "adopted"
    }


def signed(snap: FoundingSnap) -> dict[int, date]:
    return {m: e.on for m, e in _last_per_partner(snap, SIGNATURE).items()}


def missing_assessments(snap: FoundingSnap) -> list[str]:
    return [k.value for k in NEEDED if outcome(snap.answers, k) is Outcome.MISSING]


def submission(snap: FoundingSnap) -> Event | None:
    found = snap.of(SUBMISSION)
    return found[-1] if found else None


def deemed_deadline(snap: FoundingSnap) -> date | None:
    """The day the approval counts as granted if the authority raises nothing: receipt
    plus the period, plus the extension if the authority announced it; None without a
    deemed approval, before the submission, or once the authority objected or decided."""
    a = snap.rules.authority
    sub = submission(snap)
    if snap.authority_kind != "approval" or a.deemed_after_days is None or sub is None:
        return None
    decisions = [e for e in snap.of(DECISION) if e.on >= sub.on]
    if any(e.result != "extension" for e in decisions):
        return None
    days = a.deemed_after_days
    if any(e.result == "extension" for e in decisions) and a.extension_days:
        days += a.extension_days
    return sub.on + timedelta(days=days)


def granted_on(snap: FoundingSnap) -> date | None:
    """When the authority step is done: approval (or deemed approval) for an approval,
    the receipt for a notice."""
    sub = submission(snap)
    if sub is None:
        return None
    if snap.authority_kind == "notice":
        return sub.on
    deemed = snap.of(DEEMED_APPROVAL)
    decided = [e for e in snap.of(DECISION) if e.result not in ("objection", "extension")]
    last = sorted([*deemed, *decided], key=lambda e: (e.on, e.id))
    if last and last[-1].result != "refused":
        return last[-1].on
    return None


def refused(snap: FoundingSnap) -> bool:
    decided = [e for e in snap.of(DECISION) if e.result not in ("objection", "extension")]
    return bool(decided) and decided[-1].result == "refused"


def published_on(snap: FoundingSnap) -> date | None:
    found = snap.of(PUBLICATION)
    return found[-1].on if found else None


def effective_on(snap: FoundingSnap) -> date | None:
    """The effective date the rules give, once the facts it depends on are recorded."""
    rule = snap.rules.effect.rule
    later = snap.target_effective_on if snap.rules.effect.later_date_allowed else None
    if rule == "after_resolutions_and_signatures":
        res, sig = adopted(snap), signed(snap)
        if set(res) < set(snap.partner_ids) or set(sig) < set(snap.partner_ids):
            return None
        if not snap.partner_ids:
            return None
        days = [*res.values(), *sig.values()]
        if Step.AUTHORITY in snap.rules.steps:
            got = granted_on(snap)
            if got is None:
                return None
            days.append(got)
        base = max(days)
    else:
        pub = published_on(snap)
        if pub is None:
            return None
        base = pub + timedelta(days=1) if rule == "day_after_publication" else pub
    return max(base, later) if later else base


def _msg(code: str, de: str, en: str) -> Message:
    return Message(code, de, en)


def steps(snap: FoundingSnap, today: date) -> list[StepStatus]:
    """Every step of the form's procedure with its status, due date and what it waits for."""
    out: list[StepStatus] = []
    r = snap.rules
    blocked = False
    for step in r.steps:
        status = _step(snap, step, today)
        if status.status != "done" and blocked and status.status == "open":
            status = StepStatus(step, "waiting", status.due, None, status.waits_for, status.source)
        if status.status != "done":
            blocked = True
        out.append(status)
    return out


def _step(snap: FoundingSnap, step: Step, today: date) -> StepStatus:
    r = snap.rules
    if step is Step.LETTER_OF_INTENT:
        loi = snap.of(LETTER_OF_INTENT)
        if loi:
            return StepStatus(step, "done", done_on=loi[-1].on)
        return StepStatus(
            step,
            "open",
            waits_for=_msg(
                "letter_of_intent_missing",
                "Absichtserklärung erfassen.",
                "Record the letter of intent.",
            ),
        )
    if step is Step.DRAFT:
        draft = snap.of(DRAFT)
        if draft:
            return StepStatus(step, "done", done_on=draft[-1].on)
        return StepStatus(
            step,
            "open",
            waits_for=_msg(
                "draft_missing", "Entwurf abgestimmt erfassen.", "Record the agreed draft."
            ),
        )
    if step is Step.ASSESSMENT:
        missing = missing_assessments(snap)
        if not missing:
            last = max((a.on for a in snap.answers), default=None)
            return StepStatus(step, "done", done_on=last)
        return StepStatus(
            step,
            "open",
            waits_for=_msg(
                "assessment_missing",
                f"Prüfungen fehlen: {', '.join(missing)}.",
                f"Assessments missing: {', '.join(missing)}.",
            ),
        )
    if step is Step.RESOLUTION:
        res = adopted(snap)
        todo = [m for m in snap.partner_ids if m not in res]
        if not todo and snap.partner_ids:
            return StepStatus(step, "done", done_on=max(res.values()))
        return _resolutions_open(snap, todo, today)
    if step is Step.SIGNATURE:
        sig = signed(snap)
        todo = [m for m in snap.partner_ids if m not in sig]
        earliest = signature_earliest(snap)
        if not todo and snap.partner_ids:
            return StepStatus(step, "done", done_on=max(sig.values()))
        names = ", ".join(snap.name(m) for m in todo)
        return StepStatus(
            step,
            "open",
            due=earliest,
            waits_for=_msg(
                "signature_missing", f"Unterschrift fehlt: {names}.", f"Signature missing: {names}."
            ),
        )
    if step is Step.AUTHORITY:
        return _authority(snap, today)
    if step is Step.PUBLICATION:
        pub = published_on(snap)
        if pub is not None:
            return StepStatus(step, "done", done_on=pub, source=r.publication.source.cite())
        where = r.publication.where or r.publication.by
        return StepStatus(
            step,
            "open",
            source=r.publication.source.cite(),
            waits_for=_msg(
                "publication_missing",
                f"Bekanntmachung erfassen ({where}).",
                f"Record the publication ({where}).",
            ),
        )
    eff = effective_on(snap)
    cite = r.effect.source.cite()
    if eff is None:
        return StepStatus(
            step,
            "open",
            source=cite,
            waits_for=_msg(
                "effective_date_unknown",
                "Wirksamkeit ergibt sich aus den offenen Schritten.",
                "The effective date follows from the open steps.",
            ),
        )
    if eff <= today:
        return StepStatus(step, "done", due=eff, done_on=eff, source=cite)
    return StepStatus(
        step,
        "waiting",
        due=eff,
        source=cite,
        waits_for=_msg(
            "effective_date_ahead",
            f"Wirksam ab {eff.isoformat()}.",
            f"Takes effect on {eff.isoformat()}.",
        ),
    )


def sittings(snap: FoundingSnap, today: date) -> dict[int, Sitting | None]:
    """The council meeting each partner's council can still take the item in."""
    return {
        m: next_sitting(
            snap.council.get(m, ()),
            today,
            snap.lead_days.get(m, DEFAULT_LEAD_DAYS),
            snap.partner_states.get(m),
        )
        for m in snap.partner_ids
    }


def _resolutions_open(snap: FoundingSnap, todo: list[int], today: date) -> StepStatus:
    names = ", ".join(snap.name(m) for m in todo)
    if snap.paused:
        return StepStatus(
            Step.RESOLUTION,
            "open",
            waits_for=_msg(
                "resolution_missing_paused",
                f"Ratsbeschluss fehlt: {names}. Die Fristen ruhen, solange die Kooperation "
                "pausiert.",
                f"Council resolution missing: {names}. Deadlines rest while the "
                "cooperation is paused.",
            ),
        )
    next_ = sittings(snap, today)
    de: list[str] = []
    en: list[str] = []
    for m in todo:
        sit = next_[m]
        if sit is not None:
            de.append(
                f"{snap.name(m)} (Sitzung {_de(sit.meets_on)}, Vorlage bis {_de(sit.submit_by)})"
            )
            en.append(f"{snap.name(m)} (meeting {sit.meets_on}, submit by {sit.submit_by})")
        elif snap.council.get(m):
            de.append(f"{snap.name(m)} (keine Sitzung im Kalender mehr erreichbar)")
            en.append(f"{snap.name(m)} (no meeting in the calendar can still be reached)")
        else:
            de.append(f"{snap.name(m)} (kein Sitzungskalender)")
            en.append(f"{snap.name(m)} (no council calendar)")
    known = [sit.meets_on for m in todo if (sit := next_[m]) is not None]
    return StepStatus(
        Step.RESOLUTION,
        "open",
        due=max(known) if known else None,
        waits_for=_msg(
            "resolution_missing",
            f"Ratsbeschluss fehlt: {'; '.join(de)}.",
            f"Council resolution missing: {'; '.join(en)}.",
        ),
    )


def next_council(snap: FoundingSnap, today: date) -> tuple[int, Sitting] | None:
    """The earliest council meeting that matters: of a partner whose resolution is still
    missing, the first it can still take the item in (None while paused)."""
    if Step.RESOLUTION not in snap.rules.steps or snap.paused:
        return None
    res = adopted(snap)
    found = [(sit, m) for m, sit in sittings(snap, today).items() if m not in res and sit]
    if not found:
        return None
    sit, m = min(found, key=lambda f: (f[0].meets_on, f[1]))
    return m, sit


def _de(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _authority(snap: FoundingSnap, today: date) -> StepStatus:
    step = Step.AUTHORITY
    cite = snap.rules.authority.source.cite()
    kind = snap.authority_kind
    sub = submission(snap)
    if sub is None:
        what = (
            ("Antrag auf Genehmigung", "application for approval")
            if kind == "approval"
            else ("Anzeige", "notice")
        )
        return StepStatus(
            step,
            "open",
            source=cite,
            waits_for=_msg(
                "submission_missing",
                f"{what[0]} bei der Aufsichtsbehörde einreichen (Eingangsdatum erfassen).",
                f"Submit the {what[1]} to the authority (record the receipt date).",
            ),
        )
    if refused(snap):
        return StepStatus(
            step,
            "refused",
            source=cite,
            waits_for=_msg(
                "approval_refused",
                "Die Aufsichtsbehörde hat die Genehmigung versagt.",
                "The authority refused approval.",
            ),
        )
    got = granted_on(snap)
    if got is not None:
        return StepStatus(step, "done", done_on=got, source=cite)
    deadline = deemed_deadline(snap)
    if deadline is not None:
        return StepStatus(
            step,
            "waiting",
            due=deadline,
            source=cite,
            waits_for=_msg(
                "approval_pending_deemed",
                f"Genehmigung gilt als erteilt, wenn die Behörde bis {deadline.isoformat()} nichts einwendet.",
                f"Approval counts as granted if the authority raises nothing by {deadline.isoformat()}.",
            ),
        )
    return StepStatus(
        step,
        "waiting",
        source=cite,
        waits_for=_msg(
            "approval_pending",
            "Entscheidung der Aufsichtsbehörde steht aus.",
            "The authority's decision is pending.",
        ),
    )


def signature_earliest(snap: FoundingSnap) -> date | None:
    """A notice that must reach the authority ahead (§ 115 GO NRW): the first day to sign."""
    lead = snap.rules.authority.lead_days
    sub = submission(snap)
    if lead is None or sub is None:
        return None
    return sub.on + timedelta(days=lead)


def deemed_due(snap: FoundingSnap, today: date) -> date | None:
    """The deemed approval the daily sweep records today: the period has passed without
    objection (its last day is over) and nothing is recorded yet."""
    deadline = deemed_deadline(snap)
    if deadline is None or snap.of(DEEMED_APPROVAL) or deadline >= today:
        return None
    return deadline


def complete(snap: FoundingSnap, today: date) -> bool:
    return all(s.status == "done" for s in steps(snap, today))
