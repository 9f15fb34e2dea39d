"""Coordinator actions as Prefect flows: one pydantic parameter `eingabe` each, so the
UI's "Custom run" shows a German form. Every flow calls the same use-case function as
the CLI; parameters are validated by the same models with the same messages.

validate_parameters=False: Prefect would otherwise reject bad input with pydantic's
English report before our clearer message could be given.
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.common import run_action
from ikz import lifecycle, records
from models import commands as c


@flow(
    name="register-municipality",
    description="Kommune registrieren",
    validate_parameters=False,
    log_prints=True,
)
def register_municipality(eingabe: c.RegisterMunicipality) -> Any:
    return run_action(records.register_municipality, c.RegisterMunicipality, eingabe)


@flow(
    name="register-person",
    description="Person registrieren",
    validate_parameters=False,
    log_prints=True,
)
def register_person(eingabe: c.RegisterPerson) -> Any:
    return run_action(records.register_person, c.RegisterPerson, eingabe)


@flow(
    name="open-cooperation",
    description="Kooperation eröffnen",
    validate_parameters=False,
    log_prints=True,
)
def open_cooperation(eingabe: c.OpenCooperation) -> Any:
    return run_action(records.open_cooperation, c.OpenCooperation, eingabe)


@flow(
    name="set-partner",
    description="Partnerkommune hinzufügen oder ändern",
    validate_parameters=False,
    log_prints=True,
)
def set_partner(eingabe: c.SetPartner) -> Any:
    return run_action(records.set_partner, c.SetPartner, eingabe)


@flow(
    name="advance-cooperation",
    description="Lebenszyklus-Schritt anwenden",
    validate_parameters=False,
    log_prints=True,
)
def advance_cooperation(eingabe: c.Advance) -> Any:
    return run_action(lifecycle.advance, c.Advance, eingabe)


@flow(
    name="record-goal",
    description="Gemeinsames Ziel festhalten",
    validate_parameters=False,
    log_prints=True,
)
def record_goal(eingabe: c.RecordGoal) -> Any:
    return run_action(records.record_goal, c.RecordGoal, eingabe)


@flow(
    name="record-benefit",
    description="Nutzen einer Partnerkommune erfassen",
    validate_parameters=False,
    log_prints=True,
)
def record_benefit(eingabe: c.RecordBenefit) -> Any:
    return run_action(records.record_benefit, c.RecordBenefit, eingabe)


@flow(
    name="record-meeting",
    description="Treffen erfassen",
    validate_parameters=False,
    log_prints=True,
)
def record_meeting(eingabe: c.RecordMeeting) -> Any:
    return run_action(records.record_meeting, c.RecordMeeting, eingabe)


@flow(
    name="record-agreement",
    description="Vereinbarung erfassen",
    validate_parameters=False,
    log_prints=True,
)
def record_agreement(eingabe: c.RecordAgreement) -> Any:
    return run_action(records.record_agreement, c.RecordAgreement, eingabe)


@flow(
    name="record-staff-involvement",
    description="Beteiligung der Mitarbeitenden",
    validate_parameters=False,
    log_prints=True,
)
def record_staff(eingabe: c.RecordStaff) -> Any:
    return run_action(records.record_staff, c.RecordStaff, eingabe)


@flow(
    name="record-communication",
    description="Kommunikationsmaßnahme erfassen",
    validate_parameters=False,
    log_prints=True,
)
def record_communication(eingabe: c.RecordCommunication) -> Any:
    return run_action(records.record_communication, c.RecordCommunication, eingabe)


@flow(
    name="record-success", description="Erfolg erfassen", validate_parameters=False, log_prints=True
)
def record_success(eingabe: c.RecordSuccess) -> Any:
    return run_action(records.record_success, c.RecordSuccess, eingabe)


@flow(
    name="record-decision",
    description="Entscheidung (Geben und Nehmen) erfassen",
    validate_parameters=False,
    log_prints=True,
)
def record_decision(eingabe: c.RecordDecision) -> Any:
    return run_action(records.record_decision, c.RecordDecision, eingabe)


@flow(
    name="choose-legal-form",
    description="Dauerhafte Rechtsform wählen",
    validate_parameters=False,
    log_prints=True,
)
def choose_legal_form(eingabe: c.ChooseLegalForm) -> Any:
    return run_action(records.choose_legal_form, c.ChooseLegalForm, eingabe)


@flow(
    name="record-signoff",
    description="Freigabe einer Bürgermeisterin/eines Bürgermeisters",
    validate_parameters=False,
    log_prints=True,
)
def record_signoff(eingabe: c.SignOffGate) -> Any:
    return run_action(records.sign_off, c.SignOffGate, eingabe)


@flow(
    name="raise-conflict", description="Konflikt melden", validate_parameters=False, log_prints=True
)
def raise_conflict(eingabe: c.RaiseConflict) -> Any:
    return run_action(records.raise_conflict, c.RaiseConflict, eingabe)


@flow(
    name="escalate-conflict-now",
    description="Konflikt sofort eine Stufe eskalieren",
    validate_parameters=False,
    log_prints=True,
)
def escalate_conflict_now(eingabe: c.EscalateConflict) -> Any:
    return run_action(records.escalate_conflict, c.EscalateConflict, eingabe)


@flow(
    name="resolve-conflict",
    description="Konflikt als gelöst erfassen",
    validate_parameters=False,
    log_prints=True,
)
def resolve_conflict(eingabe: c.ResolveConflict) -> Any:
    return run_action(records.resolve_conflict, c.ResolveConflict, eingabe)


@flow(
    name="schedule-conflict-session",
    description="Moderationstermin oder Bürgermeisterkonferenz planen",
    validate_parameters=False,
    log_prints=True,
)
def schedule_conflict_session(eingabe: c.ScheduleConflictSession) -> Any:
    return run_action(records.schedule_conflict_session, c.ScheduleConflictSession, eingabe)


@flow(
    name="close-conflict",
    description="Konflikt ungelöst schließen",
    validate_parameters=False,
    log_prints=True,
)
def close_conflict(eingabe: c.CloseConflict) -> Any:
    return run_action(records.close_conflict, c.CloseConflict, eingabe)


ACTION_FLOWS = [
    register_municipality,
    register_person,
    open_cooperation,
    set_partner,
    advance_cooperation,
    record_goal,
    record_benefit,
    record_meeting,
    record_agreement,
    record_staff,
    record_communication,
    record_success,
    record_decision,
    choose_legal_form,
    record_signoff,
    raise_conflict,
    escalate_conflict_now,
    resolve_conflict,
    schedule_conflict_session,
    close_conflict,
]
