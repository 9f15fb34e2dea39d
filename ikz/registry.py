"""Every coordinator action, declared once.

An entry names the action's input model, its use case, the policy action it is checked
against, its German and English label and help, and how it shows in the command line
and in the Prefect UI. The CLI commands (ikz.cli.actions), the Prefect flows
(flows.actions), the served deployments and deployments/prefect.yaml
(deployments.definitions) are all derived from this list; tests/test_surfaces.py fails
when any of them disagrees with it.

Adding an action: its input model (models/commands.py), its use case (ikz/actions/),
one entry here, its tests. See docs/ARCHITECTURE.md, "How to add an action".

Use cases are named as "module:function" and imported only when the action runs: the
CLI reads this list to find a command without paying for every use case's imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models import commands as c
from states.policy import Action

Text = tuple[str, str]  # (German, English)

# Fields that name the object an action is about: a positional argument on the CLI.
SUBJECT_FIELDS = ("cooperation_id", "conflict_id", "meeting_id", "person_id")


@dataclass(frozen=True)
class ActionSpec:
    name: str  # flow, deployment and run name, e.g. "record-goal"
    model: type[c.Command]
    use_case: str  # "module:function", called as function(app, command)
    policy: Action | None  # the policy action the use case checks (None: see use case)
    label: Text
    help: Text  # what it does and what it needs: CLI help and the deployment's description
    cli: tuple[str, str]  # (command group, command), e.g. ("coop", "goal")
    # What the CLI prints when it worked: a template over the result's fields, or a
    # function (result, language) -> text named "module:function".
    done: Text | str
    # CLI shape: fields given positionally (default: the subject id), option spellings
    # that differ from the field name, converters for values typed in a special form.
    args: tuple[str, ...] | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    converters: Mapping[str, str] = field(default_factory=dict)  # field -> "module:function"
    json: str | None = None  # "module:function" shaping the --json output (default: all)
    tags: tuple[str, ...] = ()
    # A hand-written flow ("module:function") for an action that waits for people; the
    # CLI then starts a run of its deployment instead of calling the use case itself.
    flow: str | None = None

    @property
    def flow_function(self) -> str:
        """The attribute of flows.actions (or of `flow`'s module) holding the flow."""
        return (self.flow or self.name).rsplit(":", 1)[-1].replace("-", "_")

    @property
    def entrypoint(self) -> str:
        return self.flow or f"flows.actions:{self.flow_function}"

    @property
    def positional(self) -> tuple[str, ...]:
        if self.args is not None:
            return self.args
        first = next(iter(self.model.model_fields))
        return (first,) if first in SUBJECT_FIELDS else ()

    def call(self) -> Callable[..., Any]:
        use_case: Callable[..., Any] = resolve(self.use_case)
        return use_case


def resolve(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _recorded(de: str, en: str) -> Text:
    return (f"{de} (ID {{id}}).", f"{en} (id {{id}}).")


ACTIONS: tuple[ActionSpec, ...] = (
    # --- the registry of municipalities and people -------------------------------------
    ActionSpec(
        "register-municipality",
        c.RegisterMunicipality,
        "ikz.records:register_municipality",
        Action.REGISTER_MUNICIPALITY,
        ("Kommune registrieren", "Register a municipality"),
        (
            "Kommune mit Name, AGS (8 Ziffern), Einwohnerzahl und Art registrieren.",
            "Register a municipality with its name, AGS (8 digits), population and kind.",
        ),
        ("municipality", "add"),
        (
            "Kommune {id} registriert: {name} ({bundesland}).",
            "Municipality {id} registered: {name} ({bundesland}).",
        ),
        tags=("verzeichnis",),
    ),
    ActionSpec(
        "register-person",
        c.RegisterPerson,
        "ikz.records:register_person",
        Action.REGISTER_PERSON,
        ("Person registrieren", "Register a person"),
        (
            "Person mit E-Mail, Rollen (mayor, contact, staff, moderator, coordinator), "
            "Kommune und Sprache registrieren.",
            "Register a person with email, roles, municipality and language.",
        ),
        ("person", "add"),
        ("Person {id} registriert: {name}.", "Person {id} registered: {name}."),
        options={"roles": "--role"},
        tags=("verzeichnis",),
    ),
    ActionSpec(
        "set-digest",
        c.SetDigest,
        "ikz.digests:set_digest_mode",
        Action.REGISTER_PERSON,
        ("Zustellart wählen", "Choose the delivery mode"),
        (
            "Nachrichten sofort, täglich oder wöchentlich gesammelt erhalten "
            "(für andere Personen nur als Koordination).",
            "Get messages immediately, in a daily or in a weekly digest "
            "(for other people: coordinators only).",
        ),
        ("person", "digest"),
        "ikz.cli.convert:digest_done",
        args=("person_id", "mode"),
        json="ikz.cli.convert:digest_json",
        tags=("verzeichnis",),
    ),
    # --- cooperations and their lifecycle --------------------------------------------
    ActionSpec(
        "open-cooperation",
        c.OpenCooperation,
        "ikz.records:open_cooperation",
        Action.OPEN_COOPERATION,
        ("Kooperation eröffnen", "Open a cooperation"),
        (
            "Neue Kooperation im Zustand 'Informeller Kontakt' eröffnen, mit Titel, "
            "Aufgabenfeld und Partnerkommunen.",
            "Open a new cooperation (informal contact) with title, field of work and partners.",
        ),
        ("coop", "open"),
        ("Kooperation {id} eröffnet: {title}.", "Cooperation {id} opened: {title}."),
        options={"field_of_work": "--field", "partners": "--partner"},
        converters={"partners": "ikz.cli.convert:partner"},
        json="ikz.cli.convert:cooperation_json",
    ),
    ActionSpec(
        "set-partner",
        c.SetPartner,
        "ikz.records:set_partner",
        Action.SET_PARTNER,
        ("Partnerkommune setzen", "Set a partner"),
        (
            "Partnerkommune hinzufügen oder ihre Bürgermeister:in und feste Ansprechperson setzen.",
            "Add a partner municipality or set its mayor and fixed contact person.",
        ),
        ("coop", "partner"),
        ("Partner gespeichert.", "Partner saved."),
    ),
    ActionSpec(
        "advance-cooperation",
        c.Advance,
        "ikz.lifecycle:advance",
        Action.ADVANCE,
        ("Lebenszyklus-Schritt anwenden", "Apply a lifecycle step"),
        (
            "Lebenszyklus-Schritt anwenden (explore, agree, start_pilot, evaluate, "
            "make_permanent, pause, resume, end, rework, extend_pilot, spawn_follow_up), "
            "mit Gate-Prüfung, Prüfpfad und Benachrichtigungen.",
            "Apply a lifecycle step, with its gate, audit record and notifications.",
        ),
        ("coop", "advance"),
        "ikz.cli.convert:advance_done",
        args=("cooperation_id", "trigger"),
        options={"lessons_learned": "--lessons", "overrides": "--override"},
        converters={"trigger": "states.lifecycle:parse_trigger"},
        json="ikz.cli.convert:advance_json",
    ),
    ActionSpec(
        "choose-legal-form",
        c.ChooseLegalForm,
        "ikz.records:choose_legal_form",
        Action.CHOOSE_LEGAL_FORM,
        ("Rechtsform wählen", "Choose the legal form"),
        (
            "Dauerhafte Rechtsform wählen (zweckvereinbarung, zweckverband, aoer, "
            "shared_department, public_law_contract).",
            "Choose the permanent legal form.",
        ),
        ("coop", "legal-form"),
        _recorded("Rechtsform gewählt", "Legal form chosen"),
        args=("cooperation_id", "legal_form"),
        options={"legal_form": "FORM"},
    ),
    # --- facts the gates and the Kooperations-Check read ----------------------------
    ActionSpec(
        "record-goal",
        c.RecordGoal,
        "ikz.records:record_goal",
        Action.RECORD_GOAL,
        ("Gemeinsames Ziel festhalten", "Record a shared goal"),
        (
            "Gemeinsames Ziel festhalten, wenn möglich mit messbarem Ziel.",
            "Record a shared goal, with a measurable target where possible.",
        ),
        ("coop", "goal"),
        _recorded("Ziel erfasst", "Goal recorded"),
    ),
    ActionSpec(
        "record-benefit",
        c.RecordBenefit,
        "ikz.records:record_benefit",
        Action.RECORD_BENEFIT,
        ("Nutzen einer Partnerkommune erfassen", "Record a partner's benefit"),
        (
            "Nutzen einer Partnerkommune benennen oder als eingetreten bestätigen.",
            "Name a partner's benefit, or confirm that it came true.",
        ),
        ("coop", "benefit"),
        _recorded("Nutzen erfasst", "Benefit recorded"),
    ),
    ActionSpec(
        "record-meeting",
        c.RecordMeeting,
        "ikz.records:record_meeting",
        Action.RECORD_MEETING,
        ("Treffen erfassen", "Record a meeting"),
        (
            "Stattgefundenes Treffen erfassen: informeller Austausch, Klausur, "
            "Steuerungsrunde oder Infoveranstaltung.",
            "Record a meeting that took place: informal, retreat, steering round, info event.",
        ),
        ("coop", "meeting"),
        _recorded("Treffen erfasst", "Meeting recorded"),
        options={"held_on": "--date"},
    ),
    ActionSpec(
        "record-agreement",
        c.RecordAgreement,
        "ikz.records:record_agreement",
        Action.RECORD_AGREEMENT,
        ("Vereinbarung erfassen", "Record an agreement"),
        (
            "Vereinbarung erfassen (Absichtserklärung, Kooperationsvereinbarung, "
            "Zweckvereinbarung, ...), mit unterzeichnenden Kommunen.",
            "Record an agreement (letter of intent, cooperation agreement, ...) and who signed.",
        ),
        ("coop", "agreement"),
        _recorded("Vereinbarung erfasst", "Agreement recorded"),
        options={"signed_by": "--signed-by", "effective_on": "--effective"},
    ),
    ActionSpec(
        "record-signoff",
        c.SignOffGate,
        "ikz.records:sign_off",
        Action.SIGN_OFF,
        ("Freigabe erfassen", "Record a sign-off"),
        (
            "Freigabe einer Bürgermeisterin oder eines Bürgermeisters für einen Schritt erfassen.",
            "Record a mayor's sign-off of a step.",
        ),
        ("coop", "signoff"),
        _recorded("Freigabe erfasst", "Sign-off recorded"),
    ),
    ActionSpec(
        "request-signoff",
        c.RequestSignOff,
        "ikz.signoff:open_request",
        Action.REQUEST_SIGNOFF,
        ("Freigabe anfordern", "Request a sign-off"),
        (
            "Freigabe bei der Bürgermeisterin oder dem Bürgermeister einer Partnerkommune "
            "per E-Mail anfordern und auf die Antwort warten.",
            "Ask a partner's mayor for a sign-off by email and wait for the answer.",
        ),
        ("coop", "request-signoff"),
        (
            "Freigabe angefordert: Lauf {id} ({url}).",
            "Sign-off requested: run {id} ({url}).",
        ),
        flow="flows.signoff:request_signoff",
    ),
    ActionSpec(
        "record-staff-involvement",
        c.RecordStaff,
        "ikz.records:record_staff",
        Action.RECORD_STAFF,
        ("Beteiligung der Mitarbeitenden erfassen", "Record staff involvement"),
        (
            "Erfassen, wie Mitarbeitende beteiligt wurden (z. B. Workshop mit dem Bauhof-Team).",
            "Record how staff were involved (e.g. a workshop with the building yard team).",
        ),
        ("coop", "staff"),
        _recorded("Beteiligung erfasst", "Staff involvement recorded"),
        options={"involved_on": "--date"},
    ),
    ActionSpec(
        "record-communication",
        c.RecordCommunication,
        "ikz.records:record_communication",
        Action.RECORD_COMMUNICATION,
        ("Kommunikationsmaßnahme erfassen", "Record a communication"),
        (
            "Pressemitteilung, Infoveranstaltung oder gemeinsamen Auftritt planen oder als "
            "erledigt erfassen.",
            "Plan or record a press release, info event or joint branding.",
        ),
        ("coop", "communication"),
        _recorded("Maßnahme erfasst", "Communication recorded"),
        options={"planned_on": "--date"},
    ),
    ActionSpec(
        "record-success",
        c.RecordSuccess,
        "ikz.records:record_success",
        Action.RECORD_SUCCESS,
        ("Erfolg erfassen", "Record a success"),
        (
            "Erfolg erfassen, mit Kennzahl und wie er für Bürger:innen sichtbar wurde.",
            "Record a success, with a metric and how it was made visible to citizens.",
        ),
        ("coop", "success"),
        _recorded("Erfolg erfasst", "Success recorded"),
        options={"made_visible": "--visible"},
    ),
    ActionSpec(
        "record-decision",
        c.RecordDecision,
        "ikz.records:record_decision",
        Action.RECORD_DECISION,
        ("Entscheidung erfassen", "Record a decision"),
        (
            "Entscheidung im Geben-und-Nehmen-Buch erfassen: wer profitiert, wer verzichtet.",
            "Record a decision in the give-and-take ledger: who benefits, who concedes.",
        ),
        ("coop", "decision"),
        _recorded("Entscheidung erfasst", "Decision recorded"),
        options={
            "decided_on": "--date",
            "benefiting_municipality_id": "--benefits",
            "conceding_municipality_ids": "--concedes",
        },
    ),
    ActionSpec(
        "record-report",
        c.RecordReport,
        "ikz.records:record_report",
        Action.RECORD_REPORT,
        ("Erfolgsbericht erfassen", "Record a success report"),
        (
            "Zusammenfassung eines Erfolgsberichts erfassen.",
            "Record the summary of a success report.",
        ),
        ("coop", "report"),
        _recorded("Bericht erfasst", "Report recorded"),
    ),
    # --- conflicts ----------------------------------------------------------------------
    ActionSpec(
        "raise-conflict",
        c.RaiseConflict,
        "ikz.conflicts:raise_conflict",
        Action.RAISE_CONFLICT,
        ("Konflikt melden", "Raise a conflict"),
        (
            "Konflikt melden; er eskaliert nach Fristen über Ansprechpersonen, "
            "Steuerungsrunde und Moderation bis zu den Bürgermeister:innen.",
            "Raise a conflict; it escalates on deadlines up to the mayors.",
        ),
        ("conflict", "raise"),
        _recorded("Konflikt gemeldet", "Conflict raised"),
    ),
    ActionSpec(
        "escalate-conflict-now",
        c.EscalateConflict,
        "ikz.conflicts:escalate_conflict",
        Action.ESCALATE_CONFLICT,
        ("Konflikt sofort eskalieren", "Escalate a conflict now"),
        (
            "Konflikt sofort eine Stufe höher geben und die Beteiligten der neuen Stufe "
            "benachrichtigen.",
            "Move a conflict one level up now and tell the people of the new level.",
        ),
        ("conflict", "escalate"),
        _recorded("Konflikt eskaliert", "Conflict escalated"),
    ),
    ActionSpec(
        "resolve-conflict",
        c.ResolveConflict,
        "ikz.conflicts:resolve_conflict",
        Action.RESOLVE_CONFLICT,
        ("Konflikt als gelöst erfassen", "Resolve a conflict"),
        (
            "Konflikt auf jeder Stufe als gelöst erfassen, mit Lösung und wer zugestimmt hat.",
            "Resolve a conflict at any level, with the resolution and who agreed.",
        ),
        ("conflict", "resolve"),
        _recorded("Konflikt gelöst", "Conflict resolved"),
        options={"agreed_by": "--agreed-by"},
    ),
    ActionSpec(
        "schedule-conflict-session",
        c.ScheduleConflictSession,
        "ikz.conflicts:schedule_session",
        Action.SCHEDULE_CONFLICT_SESSION,
        ("Konflikttermin planen", "Schedule a conflict session"),
        (
            "Moderationstermin oder Bürgermeisterkonferenz der aktuellen Stufe planen "
            "(mit Einladung); auf der Stufe Moderation die Moderation zuweisen.",
            "Schedule the moderation session or mayors' conference of the current level.",
        ),
        ("conflict", "schedule"),
        _recorded("Konflikttermin geplant", "Conflict session scheduled"),
        options={"starts_at": "--starts-at", "duration_minutes": "--duration"},
    ),
    ActionSpec(
        "close-conflict",
        c.CloseConflict,
        "ikz.conflicts:close_conflict",
        Action.CLOSE_CONFLICT,
        ("Konflikt ungelöst schließen", "Close a conflict unresolved"),
        (
            "Konflikt ohne Lösung schließen, mit Begründung (Koordination).",
            "Close a conflict without a resolution, with a reason (coordinators).",
        ),
        ("conflict", "close"),
        _recorded("Konflikt ungelöst geschlossen", "Conflict closed unresolved"),
    ),
    # --- planned meetings with calendar invitations -------------------------------------
    ActionSpec(
        "schedule-meeting",
        c.ScheduleMeeting,
        "ikz.meetings:schedule_meeting",
        Action.RECORD_MEETING,
        ("Termin planen", "Schedule a meeting"),
        (
            "Termin planen; die Teilnehmenden erhalten eine Kalendereinladung (.ics).",
            "Schedule a meeting; the attendees get a calendar invitation (.ics).",
        ),
        ("meeting", "schedule"),
        ("Termin geplant (ID {id}).", "Meeting scheduled (id {id})."),
        options={"starts_at": "--start", "duration_minutes": "--duration"},
    ),
    ActionSpec(
        "reschedule-meeting",
        c.RescheduleMeeting,
        "ikz.meetings:reschedule_meeting",
        Action.RECORD_MEETING,
        ("Termin verlegen", "Reschedule a meeting"),
        (
            "Termin verlegen; die Einladung wird aktualisiert.",
            "Move a meeting; the invitation is updated.",
        ),
        ("meeting", "reschedule"),
        (
            "Termin {id} verlegt (Version {sequence}).",
            "Meeting {id} rescheduled (sequence {sequence}).",
        ),
        options={"starts_at": "--start", "duration_minutes": "--duration"},
    ),
    ActionSpec(
        "cancel-meeting",
        c.CancelMeeting,
        "ikz.meetings:cancel_meeting",
        Action.RECORD_MEETING,
        ("Termin absagen", "Cancel a meeting"),
        (
            "Termin absagen; die Teilnehmenden erhalten eine Absage.",
            "Cancel a meeting; the attendees get a cancellation.",
        ),
        ("meeting", "cancel"),
        ("Termin {id} abgesagt.", "Meeting {id} cancelled."),
    ),
)

BY_NAME: dict[str, ActionSpec] = {a.name: a for a in ACTIONS}
BY_COMMAND: dict[tuple[str, str], ActionSpec] = {a.cli: a for a in ACTIONS}


def commands_of(group: str) -> list[str]:
    return [a.cli[1] for a in ACTIONS if a.cli[0] == group]
