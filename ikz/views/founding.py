"""Read model of the founding procedure: `ikz founding show ID [--json]` (each step with
its status, due date and what it waits for, the acts recorded, the assessments) and
`ikz founding rules` (the rule packs, each validated)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ikz.actions.founding_change import current_change
from ikz.app import App
from ikz.founding import packs
from ikz.views.founding_draft import clause_check
from models.cooperation import Cooperation
from models.founding import answers_of, events_of, founding_snap, plan_of
from models.queries import require
from states.assessment import CRITERIA, LABELS, AssessmentKind, outcome, vat_applies
from states.errors import InvalidInputError, Language
from states.founding import STEP_LABELS, FoundingSnap, deemed_deadline, effective_on, steps
from states.founding_change import KIND_LABELS, ChangeKind
from states.founding_checks import permanent_criteria


def _t(pair: tuple[str, str], lang: Language) -> str:
    return pair[1] if lang == "en" else pair[0]


def founding_view(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    today = app.clock().date()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = founding_snap(cooperation_id, session=s, today=today)
        rows = events_of(cooperation_id, session=s)
        answers = answers_of(cooperation_id, session=s)
        plan = plan_of(cooperation_id, session=s)
        inherited_from = plan.inherited_from_id if plan else None
    if snap is None:
        raise InvalidInputError(
            "founding_not_planned",
            f"Für Kooperation {cooperation_id} gibt es noch keinen Gründungsplan "
            "(ikz founding plan).",
            f"Cooperation {cooperation_id} has no founding plan yet (ikz founding plan).",
        )
    r = snap.rules
    eff = effective_on(snap)
    deadline = deemed_deadline(snap)
    return {
        "cooperation_id": cooperation_id,
        "title": coop.title,
        "state": snap.state,
        "form": snap.form,
        "form_label": r.label,
        "authority": snap.authority_kind,
        "authority_source": r.authority.source.cite(),
        "deemed_approval_by": deadline.isoformat() if deadline else None,
        "publication_by": r.publication.by,
        "effective_rule": r.effect.rule,
        "effective_on": eff.isoformat() if eff else None,
        "complete": not permanent_criteria(snap, today),
        "inherited_from_id": inherited_from,
        "steps": _steps(snap, today, lang),
        "change": _open_change(app, snap, today, lang),
        "changes": [
            {
                "id": ch.id,
                "kind": ch.kind,
                "label": _t(KIND_LABELS[ChangeKind(ch.kind)], lang),
                "description": ch.description,
                "municipality_id": ch.municipality_id,
                "opened_on": ch.opened_on.isoformat(),
                "applied_on": ch.applied_on.isoformat() if ch.applied_on else None,
            }
            for ch in snap.changes
        ],
        "acts": [
            {
                "id": e.id,
                "kind": e.kind,
                "on": e.occurred_on.isoformat(),
                "municipality_id": e.municipality_id,
                "municipality": snap.name(e.municipality_id) if e.municipality_id else None,
                "body": e.body or None,
                "agenda_item": e.agenda_item or None,
                "result": e.result or None,
                "reference": e.reference or None,
                "note": e.note or None,
                "document_sha256": e.document_sha256,
                "change_id": e.change_id,
            }
            for e in rows
        ],
        "assessments": [
            {
                "kind": kind.value,
                "label": _t(LABELS[kind], lang),
                "outcome": outcome(snap.answers, kind).value,
                "answers": [
                    {
                        "criterion": a.criterion,
                        "answer": a.answer,
                        "reason": a.reason,
                        "on": a.answered_on.isoformat(),
                        "document_sha256": a.document_sha256,
                    }
                    for a in answers
                    if a.kind == kind.value
                ],
            }
            for kind in AssessmentKind
        ],
        "clauses": clause_check(snap, lang),
        "vat_cutoff": app.settings.vat_cutoff.isoformat(),
        "vat_applies": vat_applies(app.settings.vat_cutoff, today),
    }


def _steps(snap: FoundingSnap, today: date, lang: Language) -> list[dict[str, Any]]:
    return [
        {
            "step": st.step.value,
            "label": _t(STEP_LABELS[st.step], lang),
            "status": st.status,
            "due": st.due.isoformat() if st.due else None,
            "done_on": st.done_on.isoformat() if st.done_on else None,
            "waits_for": st.waits_for.text(lang) if st.waits_for else None,
            "source": st.source,
        }
        for st in steps(snap, today)
    ]


def _open_change(
    app: App, snap: FoundingSnap, today: date, lang: Language
) -> dict[str, Any] | None:
    """The running change procedure with its steps, read like the founding's."""
    with app.db.read() as s:
        found = current_change(s, snap)
    if found is None:
        return None
    change, csnap = found
    changes_source = snap.rules.changes_source
    return {
        "id": change.id,
        "kind": change.kind,
        "label": _t(KIND_LABELS[ChangeKind(change.kind)], lang),
        "description": change.description,
        "municipality_id": change.municipality_id,
        "municipality": csnap.name(change.municipality_id) if change.municipality_id else None,
        "opened_on": change.opened_on.isoformat(),
        "source": changes_source.cite() if changes_source else None,
        "steps": _steps(csnap, today, lang),
    }


def criteria_view(lang: Language = "de") -> list[dict[str, str]]:
    return [
        {
            "kind": kind.value,
            "criterion": c.code,
            "text": c.en if lang == "en" else c.de,
            "source": c.source,
        }
        for kind in AssessmentKind
        for c in CRITERIA[kind]
    ]


def rules_view(app: App) -> list[dict[str, Any]]:
    """Every rule pack and form (validated on load): what `ikz founding rules` lists."""
    return [
        {
            "state": pack.state,
            "name": pack.name,
            "form": form.value,
            "authority": rules.authority.kind,
            "deemed_after_days": rules.authority.deemed_after_days,
            "publication_by": rules.publication.by,
            "effective_rule": rules.effect.rule,
            "steps": len(rules.steps),
            "verified": pack.verified,
        }
        for pack in packs(app.settings.founding_rules_dir).values()
        for form, rules in pack.forms.items()
    ]
