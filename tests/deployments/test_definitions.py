"""Deployments: prefect.yaml and the serve runner agree, and every parameter schema
accepts realistic values and rejects bad ones (as the UI's form and the API do)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from deployments.definitions import SPECS
from deployments.prefect_yaml import render
from deployments.serve import all_deployments, load_flow

ROOT = Path(__file__).resolve().parents[2]

# What a coordinator types into each form: names, titles, emails and AGS where an id is
# asked for, German labels for choices (the CLI and the API send ids and codes instead).
VALID: dict[str, dict[str, Any]] = {
    "register-municipality": {
        "name": "Stadt Jena",
        "ags": "16053000",
        "population": 110700,
        "kind": "Stadt",
    },
    "import-council-calendar": {
        "municipality_id": "Stadt Jena",
        "source": "https://ratsinfo.jena.example/sitzungen.ics",
        "lead_days": 28,
    },
    "register-person": {
        "name": "Anke Petersen",
        "email": "a.petersen@flensburg.example.de",
        "roles": ["Bürgermeister:in"],
        "municipality_id": "Flensburg",
    },
    "open-cooperation": {
        "title": "Gemeinsamer Bauhof Nord",
        "field_of_work": "Bauhof",
        "partners": [{"municipality_id": "Jena", "mayor_id": "Wendt", "contact_id": "5"}],
    },
    "set-partner": {"cooperation_id": "Bauhof", "partner": {"municipality_id": "16055000"}},
    "advance-cooperation": {
        "cooperation_id": "Bauhof Nord",
        "trigger": "Pilot evaluieren",
        "reason": "Pilot abgeschlossen",
    },
    "record-goal": {
        "cooperation_id": "3",
        "text": "Maschinen gemeinsam nutzen",
        "target": "Auslastung > 70 %",
    },
    "record-benefit": {
        "cooperation_id": "Bauhof",
        "municipality_id": "Jena",
        "text": "Kosten gespart",
        "confirmed": True,
    },
    "record-meeting": {
        "cooperation_id": "Bauhof",
        "kind": "Steuerungsrunde",
        "held_on": "2026-10-01",
        "attendee_ids": ["wendt@jena.example.de", "Kessler"],
    },
    "record-agreement": {
        "cooperation_id": "Bauhof",
        "kind": "Absichtserklärung",
        "signed_by": ["Jena", "Weimar"],
    },
    "record-staff-involvement": {
        "cooperation_id": "Bauhof",
        "description": "Personalversammlung",
        "involved_on": "2026-09-01",
    },
    "record-communication": {
        "cooperation_id": "Bauhof",
        "kind": "Pressemitteilung",
        "status": "erledigt",
    },
    "record-success": {
        "cooperation_id": "Bauhof",
        "what": "Winterdienst ohne Ausfall",
        "made_visible": "Amtsblatt",
    },
    "record-decision": {
        "cooperation_id": "Bauhof",
        "subject": "Standort Gerätehof",
        "benefiting_municipality_id": "Weimar",
        "conceding_municipality_ids": ["Jena"],
        "decided_on": "2026-05-04",
    },
    "choose-legal-form": {"cooperation_id": "Bauhof", "legal_form": "Zweckvereinbarung"},
    "record-signoff": {
        "cooperation_id": "Bauhof",
        "municipality_id": "Jena",
        "gate": "Pilot starten",
    },
    "raise-conflict": {"cooperation_id": "Standesamt", "subject": "Trautermine am Wochenende"},
    "escalate-conflict-now": {"conflict_id": 1},
    "resolve-conflict": {
        "conflict_id": 1,
        "resolution": "Wechselnde Wochenenden",
        "agreed_by": ["Wendt", "Kessler"],
    },
    "propose-resolution": {"conflict_id": 2, "resolution": "Halle in Weimar"},
    "schedule-conflict-session": {
        "conflict_id": 1,
        "starts_at": "2026-11-12T10:00:00+01:00",
        "duration_minutes": 120,
        "location": "Rathaus Potsdam, Raum 2",
        "moderator_id": "Max Moderator",
    },
    "close-conflict": {"conflict_id": 1, "reason": "Keine Einigung möglich"},
    "request-signoff": {"cooperation_id": "Standesamt", "municipality_id": "Weimar"},
    "request-benefit-confirmation": {"cooperation_id": "Standesamt", "municipality_id": "Gotha"},
    "record-report": {"cooperation_id": "Bauhof", "summary": "Ein Jahr Bauhof Nord"},
    "set-digest": {"person_id": "wendt@jena.example.de", "mode": "weekly"},
    "erase-person": {"person_id": "Anke Petersen", "reason": "Antrag nach Art. 17 DSGVO"},
    "schedule-meeting": {
        "cooperation_id": "Bauhof",
        "kind": "Steuerungsrunde",
        "starts_at": "2026-11-12T10:00",
        "duration_minutes": 90,
        "attendee_ids": ["Wendt", "Kessler"],
        "notes": "Rathaus Jena, Raum 2",
    },
    "reschedule-meeting": {"meeting_id": 1, "starts_at": "2026-11-19T10:00"},
    "cancel-meeting": {"meeting_id": 1, "reason": "Krankheit"},
    "plan-founding": {"cooperation_id": "Bauhof", "state": "NW", "form": "agreement_delegating"},
    "record-letter-of-intent": {"cooperation_id": "Bauhof", "on": "2026-03-02"},
    "record-founding-draft": {"cooperation_id": "Bauhof", "on": "2026-04-02"},
    "record-founding-clause": {
        "cooperation_id": "Bauhof",
        "clause": "term",
        "text": "Die Vereinbarung läuft zehn Jahre.",
        "term_years": 10,
        "agreed_on": "2026-04-02",
    },
    "record-assessment": {
        "cooperation_id": "Bauhof",
        "kind": "Umsatzsteuer (§ 2b UStG)",
        "criterion": "long_term_agreement",
        "answer": "ja",
        "reason": "unbefristet",
        "answered_on": "2026-04-10",
    },
    "record-council-resolution": {
        "cooperation_id": "Bauhof",
        "municipality_id": "Jena",
        "resolved_on": "2026-05-12",
        "body": "Stadtrat",
        "agenda_item": "TOP 7",
        "result": "beschlossen",
    },
    "record-founding-signature": {
        "cooperation_id": "Bauhof",
        "municipality_id": "Jena",
        "signed_on": "2026-05-20",
    },
    "record-authority-submission": {"cooperation_id": "Bauhof", "on": "2026-06-01"},
    "record-authority-decision": {
        "cooperation_id": "Bauhof",
        "decided_on": "2026-06-20",
        "result": "genehmigt",
    },
    "record-publication": {
        "cooperation_id": "Bauhof",
        "on": "2026-07-01",
        "reference": "Amtsblatt 2026 Nr. 12, S. 34",
    },
    "open-founding-change": {
        "cooperation_id": "Bauhof",
        "kind": "Beitritt eines Partners",
        "municipality_id": "Erfurt",
        "description": "Erfurt tritt dem Bauhof bei",
    },
    "record-cost-baseline": {
        "cooperation_id": "Bauhof",
        "municipality_id": "Jena",
        "year": 2025,
        "personnel": "84000.00",
        "material": "12500.50",
        "one_off": "0",
    },
    "record-actual-costs": {
        "cooperation_id": "Bauhof",
        "municipality_id": "Jena",
        "year": 2026,
        "personnel": "61000.00",
        "material": "9800.10",
        "one_off": "4500.00",
    },
    "prepare-funding-application": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "prepared_on": "2026-03-02",
    },
    "submit-funding-application": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "on": "2026-03-16",
        "reference": "Eingang 2026-0815",
    },
    "record-funding-decision": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "decided_on": "2026-06-01",
        "result": "bewilligt",
        "amount": "42500.00",
        "quota": "85",
        "conditions": "Bericht nach zwölf Monaten",
    },
    "record-funding-payment": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "paid_on": "2026-07-01",
        "amount": "20000.00",
    },
    "record-proof-of-use": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "on": "2027-06-30",
    },
    "accept-proof-of-use": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "on": "2027-09-01",
    },
    "permit-early-start": {
        "cooperation_id": "Bauhof",
        "programme": "by_ikz",
        "on": "2026-04-01",
        "reference": "Schreiben der Regierung vom 2026-04-01",
    },
    "record-cost-key": {
        "cooperation_id": "Bauhof",
        "shares": [
            {"municipality_id": "Jena", "percent": "60"},
            {"municipality_id": "Weimar", "percent": "40"},
        ],
        "note": "nach Einwohnerzahl",
    },
}

# One variant of the wrong JSON type per deployment: what the form refuses before the
# run. A value of the right type that the use case refuses (an empty reason, a bad AGS,
# a line break in a name) passes the lenient form and is the run's to refuse, in German
# (tests/flows/test_form_runs.py).
BAD: dict[str, tuple[str, Any]] = {
    "register-municipality": ("population", "viele"),
    "import-council-calendar": ("lead_days", "vier Wochen"),
    "register-person": ("roles", "mayor"),
    "open-cooperation": ("partners", [{"municipality": "Jena"}]),
    "set-partner": ("partner", None),
    "advance-cooperation": ("trigger", "jump"),
    "record-goal": ("cooperation_id", 0),
    "record-benefit": ("confirmed", "vielleicht"),
    "record-meeting": ("kind", "party"),
    "record-agreement": ("kind", "handshake"),
    "record-staff-involvement": ("description", None),
    "record-communication": ("status", "someday"),
    "record-success": ("what", None),
    "record-decision": ("conceding_municipality_ids", "1"),
    "choose-legal-form": ("legal_form", "verein"),
    "record-signoff": ("gate", "ended"),
    "raise-conflict": ("subject", ["Streit"]),
    "escalate-conflict-now": ("conflict_id", "eins"),
    "resolve-conflict": ("resolution", None),
    "propose-resolution": ("party_ids", "alle"),
    "schedule-conflict-session": ("duration_minutes", "lang"),
    "close-conflict": ("reason", False),
    "request-signoff": ("timeout_days", "zehn"),
    "request-benefit-confirmation": ("municipality_id", ["Jena"]),
    "record-report": ("summary", None),
    "set-digest": ("person_id", 0),
    "erase-person": ("reason", 17),
    "schedule-meeting": ("attendee_ids", "Wendt"),
    "reschedule-meeting": ("duration_minutes", 1.5),
    "cancel-meeting": ("meeting_id", "eins"),
    "plan-founding": ("state", 5),
    "record-letter-of-intent": ("on", 20260302),
    "record-founding-draft": ("on", ["2026-04-02"]),
    "record-founding-clause": ("term_years", "zehn"),
    "record-assessment": ("answer", "vielleicht"),
    "record-council-resolution": ("result", "maybe"),
    "record-founding-signature": ("municipality_id", 0),
    "record-authority-submission": ("on", None),
    "record-authority-decision": ("result", "perhaps"),
    "record-publication": ("reference", 34),
    "open-founding-change": ("kind", "Fusion"),
    "record-cost-baseline": ("personnel", -5),
    "record-actual-costs": ("year", "letztes"),
    "prepare-funding-application": ("programme", ["by_ikz"]),
    "submit-funding-application": ("on", 20260316),
    "record-funding-decision": ("result", 5),
    "record-funding-payment": ("amount", -1),
    "record-proof-of-use": ("programme", None),
    "accept-proof-of-use": ("on", None),
    "permit-early-start": ("reference", 7),
    "record-cost-key": ("shares", {"Jena": "60"}),
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
    """The values as the form sends them."""
    return dict(values)


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
        jsonschema.validate({"eingabe": {**VALID[spec.name], "actor_id": 1}}, schema)
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
        assert d.enforce_parameter_schema == y.get("enforce_parameter_schema", True)


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


def test_every_action_deployment_says_in_german_what_it_does_and_needs() -> None:
    described = {s.name: s.description for s in ACTION_SPECS}
    assert len(described) == 51
    assert len(set(described.values())) == 51
    assert described["advance-cooperation"] == (
        "Lebenszyklus-Schritt anwenden (Sondierung beginnen, Vereinbarung verhandeln, "
        "Pilot starten, Pilot evaluieren, Verstetigen, Pausieren, Fortsetzen, Beenden, "
        "Vereinbarung überarbeiten, Pilot verlängern, Folgekooperation anstoßen), "
        "mit Gate-Prüfung, Prüfpfad und Benachrichtigungen.\n\n"
        "Benötigt: Kooperation, Schritt.\n\n"
        "Wahlweise: Begründung, Lehren (beim Beenden), Erwartete Version, "
        "Idempotenzschlüssel, Übersteuerte Kriterien, Titel der Folgekooperation."
    )
    assert described["request-signoff"] == (
        "Freigabe bei der Bürgermeisterin oder dem Bürgermeister einer Partnerkommune per "
        "E-Mail anfordern und auf die Antwort warten.\n\n"
        "Benötigt: Kooperation, Kommune.\n\n"
        "Wahlweise: Schritt, Frist (Tage)."
    )
    assert described["choose-legal-form"].startswith(
        "Dauerhafte Rechtsform wählen (Zweckvereinbarung, Zweckverband, Gemeinsame Anstalt "
        "des öffentlichen Rechts (AöR), Gemeinsame Dienststelle, "
    )
    german = re.compile(r"\b(und|oder|mit|eine[rns]?|der|die|das|für|wählen|erfassen)\b")
    english = re.compile(r"\b(the|and|with|of|to|for)\b")
    codes = re.compile(r"\b(start_pilot|make_permanent|shared_department|steering_round)\b")
    for name, text in described.items():
        assert german.search(text), name
        assert not english.search(text), name
        assert not codes.search(text), name
        assert "Benötigt: " in text, name
        assert "Aktion der Koordination" not in text, name


def test_action_deployments_leave_checking_their_input_to_the_flow() -> None:
    served = {d.name: d for d in all_deployments()}
    assert served["advance-cooperation"].enforce_parameter_schema is False
    assert served["request-signoff"].enforce_parameter_schema is False
    assert served["review-cooperation"].enforce_parameter_schema is True


@pytest.mark.parametrize(("cores", "limit"), [(1, 6), (2, 6), (3, 9), (5, 15), (6, 16), (64, 16)])
def test_ikz_up_runs_three_runs_per_core_at_least_six_and_at_most_16(
    cores: int, limit: int
) -> None:
    from deployments.serve import default_limit

    assert default_limit(cores) == limit
