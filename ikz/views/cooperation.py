"""The cooperation page: what `ikz coop show/list/history` return.

Views are plain dicts of JSON-ready values so the CLI, flows and artifacts share them.
"""

from __future__ import annotations

from typing import Any

from ikz.app import App
from models.cooperation import Cooperation
from models.portfolio import cooperation_list
from models.queries import load_snapshot, require
from models.transitions import records_of
from states.errors import Language
from states.gates import unmet_criteria
from states.health import as_view, check_health
from states.lifecycle import GATED_TRIGGERS, STATE_LABELS, State, Trigger, available_triggers
from states.signals import advisory_signals


def _label(state: str, lang: Language) -> str:
    de, en = STATE_LABELS[State(state)]
    return en if lang == "en" else de


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
        "check": as_view(check_health(snap, now, app.health_rules), lang),
    }


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


def history(app: App, cooperation_id: int) -> list[dict[str, Any]]:
    with app.db.read() as s:
        require(s, Cooperation, cooperation_id)
        recs = records_of(cooperation_id, session=s)
    return [
        {
            "id": r.id,
            "seq": r.seq,
            "at": r.at.isoformat(timespec="seconds"),
            "trigger": r.trigger,
            "from_state": r.from_state,
            "to_state": r.to_state,
            "actor_id": r.actor_id,
            "reason": r.reason,
            "lessons_learned": r.lessons_learned,
            "hash": r.hash,
        }
        for r in recs
    ]
