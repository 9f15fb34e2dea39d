"""The cooperation page: what `ikz coop show/list/history` return.

Views are plain dicts of JSON-ready values so the CLI, flows and artifacts share them.
"""

from __future__ import annotations

from typing import Any

from ikz.app import App
from ikz.views.answers import answers
from ikz.views.local_time import local_time
from models.audit import proof_label, proof_of, signoff_counts
from models.cooperation import Cooperation
from models.people import people_by_id
from models.portfolio import cooperation_list
from models.queries import load_snapshot, require
from models.signoffs import signoffs_of
from models.transitions import records_of
from states.errors import Language
from states.gates import unmet_criteria
from states.health import as_view, check_health
from states.lifecycle import (
    GATED_TRIGGERS,
    STATE_LABELS,
    TRIGGER_LABELS,
    State,
    Trigger,
    available_triggers,
)
from states.signals import advisory_signals


def _label(state: str, lang: Language) -> str:
    de, en = STATE_LABELS[State(state)]
    return en if lang == "en" else de


# A chain's first record is the opening (no trigger of the lifecycle leads to it).
OPENED: tuple[str, str] = ("Eröffnet", "Opened")


def step_label(code: str, lang: Language) -> str:
    """A history record's step in words: a trigger's label, or the opening."""
    try:
        de, en = TRIGGER_LABELS[Trigger(code)]
    except ValueError:
        de, en = OPENED if code == "open" else (code, code)
    return en if lang == "en" else de


def state_text(code: str | None, lang: Language) -> str:
    """A state's label; a dash for none (before the opening), the code if unknown."""
    if not code:
        return "–"
    try:
        return _label(code, lang)
    except ValueError:
        return code


def show(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    now = app.clock()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
    gates = []
    for trig in available_triggers(snap.state):
        if trig is Trigger.RESUME and snap.paused_from is None:
            continue
        unmet = unmet_criteria(trig, snap, now, app.gate_rules) if trig in GATED_TRIGGERS else []
        gates.append(
            {
                "trigger": trig.value,
                "gated": trig in GATED_TRIGGERS,
                "ready": not unmet,
                "unmet": [{"code": u.code, "message": u.text(lang)} for u in unmet],
            }
        )
    return {
        "id": coop.id,
        "title": coop.title,
        "field_of_work": coop.field_of_work,
        "state": coop.state,
        "state_label": _label(coop.state, lang),
        "version": coop.version,
        "paused_from": coop.paused_from,
        "parent_id": coop.parent_id,
        "legal_form": coop.legal_form,
        "partners": [
            {
                "municipality_id": p.municipality_id,
                "name": p.name,
                "population": p.population,
                "mayor_id": p.mayor_id,
                "contact_id": p.contact_id,
                "stated_benefit": p.stated_benefit,
                "confirmed_benefit": p.confirmed_benefit,
            }
            for p in snap.partners
        ],
        "gates": gates,
        "signals": [
            {"code": sig.message.code, "level": sig.level, "message": sig.message.text(lang)}
            for sig in advisory_signals(snap, now, app.signal_rules)
        ],
        "open_conflicts": [{"id": c.id, "level": c.level} for c in snap.open_conflicts],
        "signoffs": signoffs(app, cooperation_id, lang),
        "answers": answers(app, cooperation_id, lang),
        "history": history(app, cooperation_id, lang),
        "check": as_view(check_health(snap, now, app.health_rules), lang),
    }


def signoffs(app: App, cooperation_id: int, lang: Language = "de") -> list[dict[str, Any]]:
    """The cooperation's sign-offs with their proof, and whether each counts for its gate
    (only the mayor's own proven answer or a documented recording on the mayor's behalf)."""
    with app.db.read() as s:
        rows = signoffs_of(cooperation_id, session=s)
    return [
        {
            "id": r.id,
            "gate": r.gate,
            "municipality_id": r.municipality_id,
            "mayor_id": r.mayor_id,
            "signed_at": r.signed_at.isoformat(timespec="seconds"),
            "signed_at_text": local_time(r.signed_at, lang),
            "note": r.note,
            **proof_fields(r, lang),
            "counts": signoff_counts(r.mayor_id, proof_of(r)),
        }
        for r in rows
    ]


def list_cooperations(app: App, state: str | None = None) -> list[dict[str, Any]]:
    with app.db.read() as s:
        rows = cooperation_list(state, session=s)
    return [
        {
            "id": r[0],
            "title": r[1],
            "field_of_work": r[2],
            "state": r[3],
            "version": r[4],
            "parent_id": r[5],
        }
        for r in rows
    ]


def proof_fields(row: Any, lang: Language = "de") -> dict[str, Any]:
    """How an act's person was proven, as views show it (kind, label, details)."""
    return {
        "proof_kind": row.proof_kind,
        "proof": proof_label(row, lang),
        "proof_person_id": row.proof_person_id,
        "proof_detail": row.proof_detail,
        "on_behalf_of": row.proof_on_behalf_of,
        "document_sha256": row.proof_document_sha256,
    }


def history(app: App, cooperation_id: int, lang: Language = "de") -> list[dict[str, Any]]:
    """The chain of state changes: machine values (ISO time in UTC, codes) for JSON, and
    beside them what people read (`*_text`: labels, Berlin time, the actor's name)."""
    with app.db.read() as s:
        require(s, Cooperation, cooperation_id)
        recs = records_of(cooperation_id, session=s)
        people = people_by_id([r.actor_id for r in recs if r.actor_id is not None], session=s)
    return [
        {
            "id": r.id,
            "seq": r.seq,
            "at": r.at.isoformat(timespec="seconds"),
            "at_text": local_time(r.at, lang),
            "trigger": r.trigger,
            "trigger_text": step_label(r.trigger, lang),
            "from_state": r.from_state,
            "from_text": state_text(r.from_state, lang),
            "to_state": r.to_state,
            "to_text": state_text(r.to_state, lang),
            "actor_id": r.actor_id,
            "actor_text": _person_text(people, r.actor_id),
            "reason": r.reason,
            "lessons_learned": r.lessons_learned,
            **proof_fields(r, lang),
            "hash": r.hash,
        }
        for r in recs
    ]


def _person_text(people: dict[int | None, Any], person_id: int | None) -> str:
    """A person as a reader knows them: name and id (a dash for none)."""
    if person_id is None:
        return "–"
    person = people.get(person_id)
    return f"{person.name} (#{person_id})" if person is not None else f"#{person_id}"
