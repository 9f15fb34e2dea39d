"""Deployments: prefect.yaml and the serve runner agree, and every parameter schema
accepts realistic values and rejects bad ones (as the UI's form and the API do)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from deployments.definitions import SPECS
from deployments.prefect_yaml import render
from deployments.serve import all_deployments, load_flow

ROOT = Path(__file__).resolve().parents[2]

VALID: dict[str, dict[str, Any]] = {
    "register-municipality": {
        "name": "Stadt Jena",
        "ags": "16053000",
        "population": 110700,
        "kind": "stadt",
        "actor_id": 1,
    },
    "register-person": {
        "name": "Anke Petersen",
        "email": "a.petersen@flensburg.example.de",
        "roles": ["mayor"],
        "municipality_id": 1,
        "actor_id": 1,
    },
    "open-cooperation": {
        "title": "Gemeinsamer Bauhof Nord",
        "field_of_work": "Bauhof",
        "partners": [{"municipality_id": 1, "mayor_id": 4, "contact_id": 5}],
        "actor_id": 1,
    },
    "set-partner": {
        "cooperation_id": 3,
        "partner": {"municipality_id": 2, "contact_id": 7},
        "actor_id": 1,
    },
    "advance-cooperation": {
        "cooperation_id": 3,
        "trigger": "evaluate",
        "actor_id": 1,
        "reason": "Pilot abgeschlossen",
    },
    "record-goal": {
        "cooperation_id": 3,
        "text": "Maschinen gemeinsam nutzen",
        "target": "Auslastung > 70 %",
        "actor_id": 1,
    },
    "record-benefit": {
        "cooperation_id": 3,
        "municipality_id": 1,
        "text": "Kosten gespart",
        "confirmed": True,
        "actor_id": 5,
    },
    "record-meeting": {
        "cooperation_id": 3,
        "kind": "steering_round",
        "held_on": "2026-10-01",
        "attendee_ids": [4, 5],
        "actor_id": 1,
    },
    "record-agreement": {
        "cooperation_id": 3,
        "kind": "letter_of_intent",
        "signed_by": [1, 2],
        "actor_id": 1,
    },
    "record-staff-involvement": {
        "cooperation_id": 3,
        "description": "Personalversammlung",
        "involved_on": "2026-09-01",
        "actor_id": 1,
    },
    "record-communication": {
        "cooperation_id": 3,
        "kind": "press_release",
        "status": "done",
        "actor_id": 1,
    },
    "record-success": {
        "cooperation_id": 3,
        "what": "Winterdienst ohne Ausfall",
        "made_visible": "Amtsblatt",
        "actor_id": 1,
    },
    "record-decision": {
        "cooperation_id": 3,
        "subject": "Standort Gerätehof",
        "benefiting_municipality_id": 2,
        "conceding_municipality_ids": [1],
        "decided_on": "2026-05-04",
        "actor_id": 1,
    },
    "choose-legal-form": {"cooperation_id": 3, "legal_form": "zweckvereinbarung", "actor_id": 1},
    "record-signoff": {
        "cooperation_id": 3,
        "municipality_id": 1,
        "gate": "start_pilot",
        "actor_id": 4,
    },
    "raise-conflict": {"cooperation_id": 4, "subject": "Trautermine am Wochenende", "actor_id": 1},
    "escalate-conflict-now": {"conflict_id": 1, "actor_id": 1},
    "resolve-conflict": {
        "conflict_id": 1,
        "resolution": "Wechselnde Wochenenden",
        "agreed_by": [4, 5],
        "actor_id": 1,
    },
    "propose-resolution": {"conflict_id": 2, "resolution": "Halle in Weimar", "actor_id": 1},
    "schedule-conflict-session": {
        "conflict_id": 1,
        "starts_at": "2026-11-12T10:00:00+01:00",
        "duration_minutes": 120,
        "location": "Rathaus Potsdam, Raum 2",
        "moderator_id": 3,
        "actor_id": 1,
    },
    "close-conflict": {"conflict_id": 1, "reason": "Keine Einigung möglich", "actor_id": 1},
    "request-signoff": {"cooperation_id": 4, "municipality_id": 5, "actor_id": 1},
    "request-benefit-confirmation": {"cooperation_id": 4, "municipality_id": 5, "actor_id": 1},
    "record-report": {"cooperation_id": 3, "summary": "Ein Jahr Bauhof Nord", "actor_id": 1},
    "set-digest": {"person_id": 4, "mode": "weekly", "actor_id": 4},
    "erase-person": {"person_id": 9, "reason": "Antrag nach Art. 17 DSGVO", "actor_id": 1},
    "schedule-meeting": {
        "cooperation_id": 3,
        "kind": "steering_round",
        "starts_at": "2026-11-12T10:00",
        "duration_minutes": 90,
        "attendee_ids": [4, 5],
        "notes": "Rathaus Jena, Raum 2",
        "actor_id": 1,
    },
    "reschedule-meeting": {"meeting_id": 1, "starts_at": "2026-11-19T10:00", "actor_id": 1},
    "cancel-meeting": {"meeting_id": 1, "reason": "Krankheit", "actor_id": 1},
    "plan-founding": {
        "cooperation_id": 3,
        "state": "NW",
        "form": "agreement_delegating",
        "actor_id": 1,
    },
    "record-letter-of-intent": {"cooperation_id": 3, "on": "2026-03-02", "actor_id": 1},
    "record-founding-draft": {"cooperation_id": 3, "on": "2026-04-02", "actor_id": 1},
    "record-assessment": {
        "cooperation_id": 3,
        "kind": "vat",
        "criterion": "long_term_agreement",
        "answer": "ja",
        "reason": "unbefristet",
        "answered_on": "2026-04-10",
        "actor_id": 1,
    },
    "record-council-resolution": {
        "cooperation_id": 3,
        "municipality_id": 1,
        "resolved_on": "2026-05-12",
        "body": "Stadtrat",
        "agenda_item": "TOP 7",
        "result": "adopted",
        "actor_id": 1,
    },
    "record-founding-signature": {
        "cooperation_id": 3,
        "municipality_id": 1,
        "signed_on": "2026-05-20",
        "actor_id": 1,
    },
    "record-authority-submission": {"cooperation_id": 3, "on": "2026-06-01", "actor_id": 1},
    "record-authority-decision": {
        "cooperation_id": 3,
        "decided_on": "2026-06-20",
        "result": "approved",
        "actor_id": 1,
    },
    "record-publication": {
        "cooperation_id": 3,
        "on": "2026-07-01",
        "reference": "Amtsblatt 2026 Nr. 12, S. 34",
        "actor_id": 1,
    },
    "record-cost-baseline": {
        "cooperation_id": 3,
        "municipality_id": 2,
        "year": 2025,
        "personnel": "84000.00",
        "material": "12500.50",
        "one_off": "0",
        "actor_id": 1,
    },
    "record-actual-costs": {
        "cooperation_id": 3,
        "municipality_id": 2,
        "year": 2026,
        "personnel": "61000.00",
        "material": "9800.10",
        "one_off": "4500.00",
        "actor_id": 1,
    },
    "prepare-funding-application": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "prepared_on": "2026-03-02",
        "actor_id": 1,
    },
    "submit-funding-application": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "on": "2026-03-16",
        "reference": "Eingang 2026-0815",
        "actor_id": 1,
    },
    "record-funding-decision": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "decided_on": "2026-06-01",
        "result": "approved",
        "amount": "42500.00",
        "quota": "85",
        "conditions": "Bericht nach zwölf Monaten",
        "actor_id": 1,
    },
    "record-funding-payment": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "paid_on": "2026-07-01",
        "amount": "20000.00",
        "actor_id": 1,
    },
    "record-proof-of-use": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "on": "2027-06-30",
        "actor_id": 1,
    },
    "accept-proof-of-use": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "on": "2027-09-01",
        "actor_id": 1,
    },
    "permit-early-start": {
        "cooperation_id": 3,
        "programme": "by_ikz",
        "on": "2026-04-01",
        "reference": "Schreiben der Regierung vom 2026-04-01",
        "actor_id": 1,
    },
}

# One structurally bad variant per deployment: what the form and the API must refuse.
BAD: dict[str, tuple[str, Any]] = {
    "register-municipality": ("population", "viele"),
    "register-person": ("roles", "mayor"),
    "open-cooperation": ("partners", [{"municipality_id": "eins"}]),
    "set-partner": ("partner", None),
    "advance-cooperation": ("trigger", "jump"),
    "record-goal": ("cooperation_id", 0),
    "record-benefit": ("confirmed", "vielleicht"),
    "record-meeting": ("kind", "party"),
    "record-agreement": ("kind", "handshake"),
    "record-staff-involvement": ("description", ""),
    "record-communication": ("status", "someday"),
    "record-success": ("what", None),
    "record-decision": ("conceding_municipality_ids", "1"),
    "choose-legal-form": ("legal_form", "verein"),
    "record-signoff": ("gate", "ended"),
    "raise-conflict": ("subject", ""),
    "escalate-conflict-now": ("conflict_id", -1),
    "resolve-conflict": ("resolution", ""),
    "propose-resolution": ("party_ids", "alle"),
    "schedule-conflict-session": ("duration_minutes", 5),
    "close-conflict": ("reason", ""),
    "request-signoff": ("timeout_days", 0),
    "request-benefit-confirmation": ("municipality_id", "Jena"),
    "record-report": ("summary", None),
    "set-digest": ("person_id", 0),
    "erase-person": ("reason", ""),
    "schedule-meeting": ("attendee_ids", []),
    "reschedule-meeting": ("duration_minutes", 5),
    "cancel-meeting": ("meeting_id", "eins"),
    "plan-founding": ("state", "Nordrhein-Westfalen"),
    "record-letter-of-intent": ("on", 20260302),
    "record-founding-draft": ("on", ["2026-04-02"]),
    "record-assessment": ("answer", "vielleicht"),
    "record-council-resolution": ("result", "maybe"),
    "record-founding-signature": ("municipality_id", 0),
    "record-authority-submission": ("on", None),
    "record-authority-decision": ("result", "perhaps"),
    "record-publication": ("reference", 34),
    "record-cost-baseline": ("personnel", -5),
    "record-actual-costs": ("year", "letztes"),
    "prepare-funding-application": ("programme", "BY IKZ"),
    "submit-funding-application": ("on", 20260316),
    "record-funding-decision": ("result", "vielleicht"),
    "record-funding-payment": ("amount", -1),
    "record-proof-of-use": ("programme", None),
    "accept-proof-of-use": ("on", None),
    "permit-early-start": ("reference", 7),
}

ACTION_SPECS = [s for s in SPECS if s.name in VALID]


def test_every_action_deployment_has_examples() -> None:
    takes_input = [
        s.name for s in SPECS if "eingabe" in load_flow(s.entrypoint).parameters.properties
    ]
    assert sorted(takes_input) == sorted(VALID)


def _schema(entrypoint: str) -> dict[str, Any]:
    return dict(load_flow(entrypoint).parameters.model_dump())


def _form(values: dict[str, Any]) -> dict[str, Any]:
    """The values as the form sends them: the acting person is not asked (the gateway's
    stamp names them)."""
    return {k: v for k, v in values.items() if k != "actor_id"}


@pytest.mark.parametrize("spec", ACTION_SPECS, ids=lambda s: s.name)
def test_schema_accepts_demo_values(spec: Any) -> None:
    jsonschema.validate({"eingabe": _form(VALID[spec.name])}, _schema(spec.entrypoint))


@pytest.mark.parametrize("spec", ACTION_SPECS, ids=lambda s: s.name)
def test_schema_rejects_bad_values(spec: Any) -> None:
    field, value = BAD[spec.name]
    bad = {**_form(VALID[spec.name]), field: value}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"eingabe": bad}, _schema(spec.entrypoint))


@pytest.mark.parametrize("spec", ACTION_SPECS, ids=lambda s: s.name)
def test_the_form_asks_for_no_acting_person(spec: Any) -> None:
    schema = _schema(spec.entrypoint)
    with pytest.raises(jsonschema.ValidationError, match="'actor_id' was unexpected"):
        jsonschema.validate({"eingabe": VALID[spec.name]}, schema)
    assert schema["properties"]["stamp"]["title"] == "Nachweis (setzt die Anmeldung)"
    assert schema["required"] == ["eingabe"]


@pytest.mark.parametrize("spec", ACTION_SPECS, ids=lambda s: s.name)
def test_form_labels_are_german(spec: Any) -> None:
    schema = _schema(spec.entrypoint)
    model = schema["definitions"][schema["properties"]["eingabe"]["$ref"].rsplit("/", 1)[-1]]
    assert "description" not in model  # an English docstring would show above the form
    titles = [p.get("title", "") for p in model["properties"].values()]
    assert all(titles), titles
    assert "Handelnde Person (ID)" not in titles
    assert "Bürgermeister:in (ID)" not in titles


def test_prefect_yaml_is_generated_from_the_specs() -> None:
    committed = (ROOT / "deployments" / "prefect.yaml").read_text()
    assert committed == render(), (
        "run: python -m deployments.prefect_yaml > deployments/prefect.yaml"
    )


def test_serve_runner_and_prefect_yaml_agree() -> None:
    doc = yaml.safe_load((ROOT / "deployments" / "prefect.yaml").read_text())
    by_name = {d["name"]: d for d in doc["deployments"]}
    served = all_deployments()
    assert sorted(by_name) == sorted(d.name for d in served)
    for d in served:
        y = by_name[d.name]
        assert {t.name for t in d.triggers} == {t["name"] for t in y.get("triggers", [])}
        for t in d.triggers:
            yt = next(x for x in y["triggers"] if x["name"] == t.name)
            assert set(t.expect) == set(yt["expect"])
            assert (t.parameters or {}) == yt["parameters"]
        assert len(d.schedules or []) == len(y.get("schedules", []))
        limit = y.get("concurrency_limit", {})
        assert d.concurrency_limit == limit.get("limit")
        strategy = d.concurrency_options.collision_strategy if d.concurrency_options else None
        assert strategy == limit.get("collision_strategy")
        assert y["entrypoint"].replace("/", ".").replace(".py:", ".") == d.entrypoint


def test_only_the_dispatcher_is_debounced() -> None:
    doc = yaml.safe_load((ROOT / "deployments" / "prefect.yaml").read_text())
    limited = {
        d["name"]: d["concurrency_limit"] for d in doc["deployments"] if "concurrency_limit" in d
    }
    # One dispatcher at a time; a run triggered meanwhile is cancelled before it starts.
    assert limited == {"dispatch-notifications": {"limit": 1, "collision_strategy": "CANCEL_NEW"}}


def test_follow_ups_are_wired_to_the_events_the_core_emits() -> None:
    triggers = {s.name: s.triggers for s in SPECS}
    assert "ikz.cooperation.entered.*" in triggers["review-cooperation"][0].expect
    assert "ikz.conflict.raised" in triggers["escalate-conflict"][0].expect
    assert "ikz.conflict.raised" in triggers["escalate-conflicts"][0].expect
    assert set(triggers["success-report"][0].expect) == {
        "ikz.cooperation.entered.evaluation",
        "ikz.cooperation.entered.permanent",
    }
