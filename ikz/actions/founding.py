"""The founding procedure's use cases: plan it from the rule pack of the cooperation's
state and form, record each act (letter of intent, draft, council resolutions,
signatures, submission, the authority's decision, publication) and each assessment
answer, and let the daily sweep apply a deemed approval when the period has passed.

Each act: the rules (states.founding_checks) say whether it may be recorded now; a
refused one is one line and nothing is written. A document (council minutes, the
authority's letter) is stored by content and its SHA-256 goes into the row, on the
cooperation's fact chain, and into the act's proof.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlmodel import Session

from ikz.actions.founding_change import announce, apply_if_due, current_change
from ikz.actions.guard import authorize, coop_for_write, duplicate, prove, require_partners
from ikz.app import App
from ikz.founding import packs, rules_for
from ikz.proof.document import store_document
from models import commands as c
from models.cooperation import Cooperation, Partnership
from models.founding import (
    AssessmentAnswer,
    FoundingEvent,
    FoundingPlan,
    founding_snap,
    partner_ags,
    plan_of,
    planned_cooperations,
)
from models.queries import require
from models.store import save
from states.assessment import AssessmentKind, criterion
from states.errors import InvalidInputError
from states.founding import (
    DECISION,
    DEEMED_APPROVAL,
    DRAFT,
    LETTER_OF_INTENT,
    PUBLICATION,
    RESOLUTION,
    SIGNATURE,
    SUBMISSION,
    FoundingSnap,
    deemed_due,
)
from states.founding_checks import refusal
from states.policy import Action
from states.proof import Proof, ProofKind
from states.rulepack import PACK_FORMS, FormRules
from states.vocab import LegalForm


def _refused(code: str, de: str, en: str) -> InvalidInputError:
    return InvalidInputError(code, de, en)


def _state_of(app: App, s: Session, parts: list[Partnership], given: str) -> str:
    if given:
        return given.upper()
    prefixes = (
        {ags[:2] for ags in partner_ags(parts[0].cooperation_id, session=s)} if parts else set()
    )
    by_prefix = {p.ags_prefix: code for code, p in packs(app.settings.founding_rules_dir).items()}
    if len(prefixes) == 1:
        found = by_prefix.get(next(iter(prefixes)))
        if found:
            return found
    raise _refused(
        "state_unknown",
        "Das Land lässt sich nicht aus den Partnern ableiten (verschiedene Länder oder ohne "
        "Regelpaket); bitte --state angeben.",
        "The state cannot be derived from the partners (several states or no rule pack); "
        "give --state.",
    )


def _form_of(coop: Cooperation, given: str) -> str:
    if coop.legal_form is None:
        raise _refused(
            "legal_form_first",
            "Zuerst die Rechtsform wählen (ikz coop legal-form).",
            "Choose the legal form first (ikz coop legal-form).",
        )
    allowed = PACK_FORMS[LegalForm(coop.legal_form)]
    if not given:
        return allowed[0].value
    if given not in {f.value for f in allowed}:
        names = ", ".join(f.value for f in allowed)
        raise _refused(
            "form_mismatch",
            f"Die Form '{given}' passt nicht zur gewählten Rechtsform {coop.legal_form} "
            f"(möglich: {names}).",
            f"Form '{given}' does not fit the chosen legal form {coop.legal_form} "
            f"(possible: {names}).",
        )
    return given


def plan_founding(app: App, cmd: c.PlanFounding) -> FoundingPlan:
    with app.db.write() as s:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.PLAN_FOUNDING, parts)
        state = _state_of(app, s, parts, cmd.state)
        form = _form_of(coop, cmd.form)
        pack, rules = rules_for(state, form, app.settings.founding_rules_dir)
        if plan_of(cmd.cooperation_id, session=s) is not None:
            raise duplicate("Der Gründungsplan", "The founding plan")
        prove(app, s, cmd.actor_id)
        return save(
            _plan_row(
                app,
                cmd.cooperation_id,
                pack.state,
                form,
                rules,
                voluntary_tasks=cmd.voluntary_tasks,
                target_effective_on=cmd.target_effective_on,
            ),
            session=s,
        )


def _plan_row(
    app: App,
    cooperation_id: int,
    state: str,
    form: str,
    rules: FormRules,
    *,
    voluntary_tasks: bool,
    target_effective_on: date | None = None,
    inherited_from_id: int | None = None,
) -> FoundingPlan:
    data = rules.model_dump(mode="json")
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return FoundingPlan(
        cooperation_id=cooperation_id,
        state=state,
        form=form,
        voluntary_tasks=voluntary_tasks,
        target_effective_on=target_effective_on,
        rules=data,
        rules_sha256=hashlib.sha256(blob).hexdigest(),
        planned_at=app.clock(),
        inherited_from_id=inherited_from_id,
    )


def inherit_legal_context(app: App, s: Session, parent_id: int, child_id: int) -> None:
    """A follow-up cooperation takes over its parent's legal context: the legal form and
    a founding plan of the same state, form and voluntary tasks, its rules read again
    from the current pack (the follow-up is founded under today's law). Inside the
    spawning transition's transaction; nothing without a parent plan."""
    plan = plan_of(parent_id, session=s)
    if plan is None:
        return
    _, rules = rules_for(plan.state, plan.form, app.settings.founding_rules_dir)
    child = require(s, Cooperation, child_id)
    child.legal_form = require(s, Cooperation, parent_id).legal_form
    save(child, session=s)
    save(
        _plan_row(
            app,
            child_id,
            plan.state,
            plan.form,
            rules,
            voluntary_tasks=plan.voluntary_tasks,
            inherited_from_id=parent_id,
        ),
        session=s,
    )


def _snap(s: Session, cooperation_id: int) -> FoundingSnap:
    snap = founding_snap(cooperation_id, session=s)
    if snap is None:
        raise _refused(
            "founding_not_planned",
            f"Für Kooperation {cooperation_id} gibt es noch keinen Gründungsplan "
            "(ikz founding plan).",
            f"Cooperation {cooperation_id} has no founding plan yet (ikz founding plan).",
        )
    return snap


def _record(
    app: App,
    *,
    cooperation_id: int,
    actor_id: int,
    kind: str,
    on: date,
    document: str,
    municipality_id: int | None = None,
    body: str = "",
    agenda_item: str = "",
    result: str = "",
    reference: str = "",
    note: str = "",
) -> FoundingEvent:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cooperation_id)
        authorize(s, actor_id, Action.RECORD_FOUNDING, parts)
        snap = _snap(s, cooperation_id)
        # Once a change procedure is open, every act belongs to it (at most one runs).
        found = current_change(s, snap)
        target = found[1] if found else snap
        # A joining municipality acts in its change before it is a partner.
        joining = found[0].municipality_id if found and found[0].kind == "join" else None
        if municipality_id is not None and municipality_id != joining:
            require_partners(parts, [municipality_id])
        why = refusal(target, kind, on, app.clock().date(), municipality_id)
        if why is not None:
            raise _refused(why.code, why.de, why.en)
        stored = store_document(app.settings, document) if document else None
        part = next((p for p in parts if p.municipality_id == municipality_id), None)
        behalf = (part.mayor_id or part.contact_id) if part is not None else None
        proof = prove(app, s, actor_id, stored.proof(actor_id, behalf) if stored else None)
        row = FoundingEvent(
            cooperation_id=cooperation_id,
            plan_id=snap.plan_id,
            change_id=found[0].id if found else None,
            kind=kind,
            occurred_on=on,
            municipality_id=municipality_id,
            document_sha256=stored.sha256 if stored else None,
            document_name=stored.name if stored else None,
            body=body,
            agenda_item=agenda_item,
            result=result,
            reference=reference,
            note=note,
            recorded_at=app.clock(),
        )
        save(row, session=s)
        applied = apply_if_due(app, s, cooperation_id, actor_id, proof) if found else None
    announce(app, cooperation_id, applied)
    return row


def _act(app: App, cmd: c.RecordFoundingAct, kind: str) -> FoundingEvent:
    return _record(
        app,
        cooperation_id=cmd.cooperation_id,
        actor_id=cmd.actor_id,
        kind=kind,
        on=cmd.on,
        document=cmd.document,
        reference=cmd.reference,
        note=cmd.note,
    )


def record_letter_of_intent(app: App, cmd: c.RecordFoundingAct) -> FoundingEvent:
    return _act(app, cmd, LETTER_OF_INTENT)


def record_draft(app: App, cmd: c.RecordFoundingAct) -> FoundingEvent:
    return _act(app, cmd, DRAFT)


def record_submission(app: App, cmd: c.RecordFoundingAct) -> FoundingEvent:
    return _act(app, cmd, SUBMISSION)


def record_publication(app: App, cmd: c.RecordFoundingAct) -> FoundingEvent:
    return _act(app, cmd, PUBLICATION)


def record_resolution(app: App, cmd: c.RecordResolution) -> FoundingEvent:
    return _record(
        app,
        cooperation_id=cmd.cooperation_id,
        actor_id=cmd.actor_id,
        kind=RESOLUTION,
        on=cmd.resolved_on,
        document=cmd.document,
        municipality_id=cmd.municipality_id,
        body=cmd.body,
        agenda_item=cmd.agenda_item,
        result=cmd.result.value,
    )


def record_signature(app: App, cmd: c.RecordSignature) -> FoundingEvent:
    return _record(
        app,
        cooperation_id=cmd.cooperation_id,
        actor_id=cmd.actor_id,
        kind=SIGNATURE,
        on=cmd.signed_on,
        document=cmd.document,
        municipality_id=cmd.municipality_id,
    )


def record_authority_decision(app: App, cmd: c.RecordAuthorityDecision) -> FoundingEvent:
    return _record(
        app,
        cooperation_id=cmd.cooperation_id,
        actor_id=cmd.actor_id,
        kind=DECISION,
        on=cmd.decided_on,
        document=cmd.document,
        result=cmd.result.value,
        reference=cmd.reference,
        note=cmd.note,
    )


def record_assessment(app: App, cmd: c.RecordAssessment) -> AssessmentAnswer:
    kind = AssessmentKind(cmd.kind)
    if criterion(kind, cmd.criterion) is None:
        from states.assessment import CRITERIA

        names = ", ".join(x.code for x in CRITERIA[kind])
        raise _refused(
            "unknown_criterion",
            f"Prüfung {kind.value} kennt das Kriterium '{cmd.criterion}' nicht ({names}).",
            f"Assessment {kind.value} has no criterion '{cmd.criterion}' ({names}).",
        )
    if cmd.answered_on > app.clock().date():
        raise _refused(
            "date_in_future",
            f"Das Datum {cmd.answered_on.isoformat()} liegt in der Zukunft.",
            f"The date {cmd.answered_on.isoformat()} is in the future.",
        )
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_FOUNDING, parts)
        _snap(s, cmd.cooperation_id)
        stored = store_document(app.settings, cmd.document) if cmd.document else None
        prove(app, s, cmd.actor_id, stored.proof(cmd.actor_id) if stored else None)
        return save(
            AssessmentAnswer(
                cooperation_id=cmd.cooperation_id,
                kind=kind.value,
                criterion=cmd.criterion,
                answer=cmd.answer.yes,
                reason=cmd.reason,
                answered_on=cmd.answered_on,
                document_sha256=stored.sha256 if stored else None,
                document_name=stored.name if stored else None,
                recorded_at=app.clock(),
            ),
            session=s,
        )


DEEMED_NOTE = (
    "Genehmigungsfiktion: die Frist ist ohne Einwände der Aufsichtsbehörde abgelaufen "
    "(vom täglichen Review eingetragen)."
)


def apply_deemed_approvals(app: App) -> list[tuple[int, date]]:
    """The daily sweep's part: record a deemed approval for every founding whose period
    passed without objection; returns (cooperation id, approval date) per one recorded."""
    today = app.clock().date()
    with app.db.read() as s:
        ids = planned_cooperations(session=s)
    done: list[tuple[int, date]] = []
    for cid in ids:
        with app.db.write() as s:
            snap = founding_snap(cid, session=s)
            # An open change procedure's approval is deemed granted the same way.
            found = current_change(s, snap) if snap is not None else None
            target = found[1] if found else snap
            due = deemed_due(target, today) if target is not None else None
            if snap is None or due is None:
                continue
            proof = prove(app, s, None, Proof(ProofKind.SYSTEM, None, "daily-review"))
            save(
                FoundingEvent(
                    cooperation_id=cid,
                    plan_id=snap.plan_id,
                    change_id=found[0].id if found else None,
                    kind=DEEMED_APPROVAL,
                    occurred_on=due,
                    result=DEEMED_APPROVAL,
                    note=DEEMED_NOTE,
                    recorded_at=app.clock(),
                ),
                session=s,
            )
            applied = apply_if_due(app, s, cid, None, proof) if found else None
        announce(app, cid, applied)
        done.append((cid, due))
    return done
