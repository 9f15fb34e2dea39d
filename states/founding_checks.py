"""What a founding act must satisfy before it is recorded, and what the `make_permanent`
gate needs from the founding. Pure, over states.founding's picture of the procedure."""

from __future__ import annotations

from datetime import date

from states.clauses import missing as missing_clauses
from states.errors import Message
from states.founding import (
    DECISION,
    PUBLICATION,
    SIGNATURE,
    STEP_LABELS,
    SUBMISSION,
    FoundingSnap,
    adopted,
    effective_on,
    granted_on,
    missing_assessments,
    signature_earliest,
    signed,
    steps,
    submission,
)
from states.rulepack import Clause, FormRules, Step


def _msg(code: str, de: str, en: str) -> Message:
    return Message(code, de, en)


def clauses_missing(snap: FoundingSnap) -> list[Clause]:
    """The required clauses the agreement still lacks (states.clauses)."""
    return missing_clauses(snap.rules, snap.clauses, len(snap.partner_ids), snap.goal_count)


# --- refusals before an act is recorded ------------------------------------------------


def _before(step: Step, other: Step, rules: FormRules) -> bool:
    return other in rules.steps and rules.steps.index(other) < rules.steps.index(step)


def refusal(
    snap: FoundingSnap, kind: str, on: date, today: date, municipality_id: int | None = None
) -> Message | None:
    """Why an act of `kind` dated `on` cannot be recorded now (None: it can)."""
    if on > today:
        return _msg(
            "date_in_future",
            f"Das Datum {on.isoformat()} liegt in der Zukunft.",
            f"The date {on.isoformat()} is in the future.",
        )
    r = snap.rules
    if kind == SIGNATURE:
        assert municipality_id is not None
        res = adopted(snap).get(municipality_id)
        if res is None or res > on:
            return _msg(
                "resolution_first",
                f"{snap.name(municipality_id)}: erst der Ratsbeschluss, dann die Unterschrift.",
                f"{snap.name(municipality_id)}: the council resolution comes before the signature.",
            )
        missing = missing_assessments(snap)
        if missing:
            return _msg(
                "assessments_first",
                f"Vor den Unterschriften fehlen die Prüfungen: {', '.join(missing)}.",
                f"Assessments missing before the signatures: {', '.join(missing)}.",
            )
        clauses = clauses_missing(snap)
        if clauses:
            return _msg(
                "clauses_first",
                f"Vor den Unterschriften fehlen Klauseln: {', '.join(c.label for c in clauses)}.",
                f"Clauses missing before the signatures: {', '.join(c.code for c in clauses)}.",
            )
        if _before(Step.SIGNATURE, Step.AUTHORITY, r):
            earliest = signature_earliest(snap)
            if submission(snap) is None or (earliest is not None and on < earliest):
                when = earliest.isoformat() if earliest else "?"
                return _msg(
                    "notice_lead_time",
                    f"Unterschrift erst nach der Anzeige bei der Aufsichtsbehörde (frühestens {when}).",
                    f"Sign only after the notice to the authority (on {when} at the earliest).",
                )
    if kind == SUBMISSION:
        todo = [m for m in snap.partner_ids if m not in adopted(snap)]
        if _before(Step.AUTHORITY, Step.SIGNATURE, r):
            todo += [m for m in snap.partner_ids if m not in signed(snap) and m not in todo]
        if todo:
            names = ", ".join(snap.name(m) for m in todo)
            return _msg(
                "submission_too_early",
                f"Einreichen erst nach Beschluss und Unterschrift aller Partner (fehlt: {names}).",
                f"Submit only after every partner resolved and signed (missing: {names}).",
            )
    if kind == DECISION:
        sub = submission(snap)
        if snap.authority_kind != "approval":
            return _msg(
                "no_approval_needed",
                "Für diese Rechtsform genügt eine Anzeige; es gibt keine Entscheidung.",
                "This form needs only a notice; there is no decision.",
            )
        if sub is None or on < sub.on:
            return _msg(
                "decision_before_submission",
                "Entscheidung vor dem Eingang des Antrags.",
                "Decision before the application was received.",
            )
    if kind == PUBLICATION:
        if Step.AUTHORITY in r.steps and _before(Step.PUBLICATION, Step.AUTHORITY, r):
            got = granted_on(snap)
            if got is None:
                return _msg(
                    "publication_before_approval",
                    "Bekanntmachung erst nach Genehmigung oder Anzeige.",
                    "Publication only after approval or notice.",
                )
            if on < got:
                return _msg(
                    "gazette_before_approval",
                    f"Das Datum der Bekanntmachung ({on.isoformat()}) liegt vor der Genehmigung ({got.isoformat()}).",
                    f"The publication date ({on.isoformat()}) is before the approval ({got.isoformat()}).",
                )
        todo = [m for m in snap.partner_ids if m not in signed(snap)]
        if todo and _before(Step.PUBLICATION, Step.SIGNATURE, r):
            names = ", ".join(snap.name(m) for m in todo)
            return _msg(
                "publication_before_signatures",
                f"Unterschriften fehlen: {names}.",
                f"Signatures missing: {names}.",
            )
    if kind == PUBLICATION and Step.PUBLICATION not in r.steps:
        return _msg(
            "no_publication",
            "Diese Rechtsform wird nicht bekanntgemacht.",
            "This form is not published.",
        )
    return None


def permanent_criteria(snap: FoundingSnap | None, today: date) -> list[Message]:
    """What `make_permanent` still needs from the founding (nothing without a plan)."""
    if snap is None:
        return []
    open_steps = [s for s in steps(snap, today) if s.status != "done"]
    if not open_steps:
        return []
    eff = effective_on(snap)
    if [s.step for s in open_steps] == [Step.EFFECTIVE] and eff is not None:
        return [
            _msg(
                "founding_not_effective",
                f"{snap.rules.label}: wirksam erst ab {eff.isoformat()}.",
                f"{snap.rules.label}: takes effect only on {eff.isoformat()}.",
            )
        ]
    names_de = ", ".join(STEP_LABELS[s.step][0] for s in open_steps)
    names_en = ", ".join(STEP_LABELS[s.step][1] for s in open_steps)
    return [
        _msg(
            "founding_incomplete",
            f"Gründung ({snap.rules.label}, {snap.state}) nicht abgeschlossen: {names_de}.",
            f"Founding ({snap.rules.label}, {snap.state}) not complete: {names_en}.",
        )
    ]
