"""Input models of every coordinator action: shared by the CLI, the Python API and the
Prefect flows (whose "Custom run" form is generated from these titles and descriptions).

Convention: German titles and descriptions, English field names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from models.validation import Ags, Email, HeaderSafe, OptionalText, Text
from states.assessment import AssessmentKind, YesNo
from states.founding import DecisionResult, ResolutionResult
from states.lifecycle import Gate, Trigger
from states.vocab import (
    AgreementKind,
    CommunicationKind,
    CommunicationStatus,
    LegalForm,
    MeetingKind,
    MunicipalityKind,
    Role,
)

# Every id is a row id: SQLite's INTEGER and PostgreSQL's BIGINT hold 1..2**63-1, and a
# bigger one fails in the database driver (OverflowError), not with a message.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(gt=0, le=MAX_ID)]

# Dates the calendar, the mail and the clock's arithmetic can carry: a meeting at
# 9999-12-31T23:00 plus its duration overflows datetime; nothing here is planned or
# recorded beyond 2100 or before 1900.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
Day = Annotated[date, Field(ge=MIN_DATE, le=MAX_DATE)]

ActorId = Field(title="Handelnde Person (ID)", description="ID der Person, die handelt.")
CoopId = Field(title="Kooperation (ID)", description="ID der Kooperation.")
# A document proving an act recorded on someone's behalf (paper sign-off, council minutes).
DocumentPath = Field(
    "",
    title="Dokument (Pfad)",
    description="Papierfreigabe oder Ratsprotokoll als Datei: die Handlung wird im Auftrag "
    "erfasst, das Dokument aufbewahrt und sein SHA-256 im Prüfpfad festgehalten.",
    max_length=1000,
)


class Command(BaseModel):
    # Subclasses explain themselves in comments, not docstrings: pydantic would make a
    # docstring the form's description in the Prefect UI, in English.
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegisterMunicipality(Command):
    name: HeaderSafe = Field(title="Name", description="z. B. Stadt Jena")
    ags: Ags = Field(title="AGS", description="Amtlicher Gemeindeschlüssel, 8 Ziffern")
    population: int = Field(title="Einwohnerzahl", gt=0, le=10_000_000)
    kind: MunicipalityKind = Field(title="Art", description="Gemeinde, Stadt, ... ")
    actor_id: Id | None = Field(
        None,
        title="Handelnde Person (ID)",
        description="Koordinator:in; leer nur beim ersten Start.",
    )


class RegisterPerson(Command):
    name: HeaderSafe = Field(title="Name")
    email: Email = Field(title="E-Mail")
    municipality_id: Id | None = Field(None, title="Kommune (ID)", gt=0)
    roles: list[Role] = Field(title="Rollen", min_length=1)
    language: str = Field("de", title="Sprache", pattern="^(de|en)$")
    actor_id: Id | None = Field(
        None,
        title="Handelnde Person (ID)",
        description="Koordinator:in; leer nur beim ersten Start.",
    )


class PartnerInput(Command):
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    mayor_id: Id | None = Field(None, title="Bürgermeister:in (ID)", gt=0)
    contact_id: Id | None = Field(None, title="Feste Ansprechperson (ID)", gt=0)


class OpenCooperation(Command):
    title: HeaderSafe = Field(title="Titel", description="z. B. Gemeinsamer Bauhof Nord")
    field_of_work: HeaderSafe = Field(
        title="Aufgabenfeld",
        description="Bauhof, IT, Standesamt, Tourismus, Feuerwehr, Wasser, ...",
    )
    description: OptionalText = Field("", title="Beschreibung")
    partners: list[PartnerInput] = Field(default_factory=list, title="Partnerkommunen")
    actor_id: Id = ActorId


class SetPartner(Command):
    cooperation_id: Id = CoopId
    partner: PartnerInput = Field(title="Partner")
    actor_id: Id = ActorId


class Advance(Command):
    cooperation_id: Id = CoopId
    trigger: Trigger = Field(title="Schritt", description="Lebenszyklus-Schritt, z. B. explore")
    actor_id: Id = ActorId
    reason: OptionalText = Field("", title="Begründung")
    lessons_learned: OptionalText = Field("", title="Lehren (beim Beenden)")
    expected_version: Id | None = Field(
        None, title="Erwartete Version", description="Schutz vor gleichzeitigen Änderungen", gt=0
    )
    idempotency_key: HeaderSafe | None = Field(
        None, title="Idempotenzschlüssel", description="Wiederholung liefert das frühere Ergebnis"
    )
    overrides: list[HeaderSafe] = Field(
        default_factory=list,
        title="Übersteuerte Kriterien",
        description="z. B. pilot_min_duration; nur mit Begründung",
    )
    follow_up_title: HeaderSafe | None = Field(
        None, title="Titel der Folgekooperation", description="nur für spawn_follow_up"
    )


class RecordGoal(Command):
    cooperation_id: Id = CoopId
    text: Text = Field(title="Ziel")
    target: OptionalText | None = Field(
        None, title="Messbares Ziel", description="z. B. -15 % Kosten"
    )
    actor_id: Id = ActorId


class RecordBenefit(Command):
    cooperation_id: Id = CoopId
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    text: Text = Field(title="Nutzen")
    confirmed: bool = Field(False, title="Bestätigt", description="Nutzen ist eingetreten")
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordMeeting(Command):
    cooperation_id: Id = CoopId
    kind: MeetingKind = Field(
        title="Art", description="informal, retreat, steering_round, info_event"
    )
    held_on: Day = Field(title="Datum")
    attendee_ids: list[Id] = Field(default_factory=list, title="Teilnehmende (IDs)")
    notes: OptionalText = Field("", title="Notizen")
    actor_id: Id = ActorId


class RecordAgreement(Command):
    cooperation_id: Id = CoopId
    kind: AgreementKind = Field(title="Art der Vereinbarung")
    title: OptionalText = Field("", title="Bezeichnung")
    signed_by: list[Id] = Field(default_factory=list, title="Unterzeichnet von (Kommunen-IDs)")
    effective_on: Day | None = Field(None, title="Wirksam ab")
    actor_id: Id = ActorId


class SignOffGate(Command):
    cooperation_id: Id = CoopId
    gate: Gate = Field(Gate.START_PILOT, title="Schritt", description="z. B. start_pilot")
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    note: OptionalText = Field("", title="Anmerkung")
    document: OptionalText = DocumentPath
    actor_id: Id = Field(
        title="Handelnde Person (ID)",
        description="Die Bürgermeister:in selbst, oder mit Dokument die Koordinator:in, "
        "die im Auftrag erfasst.",
        gt=0,
    )


class RecordStaff(Command):
    cooperation_id: Id = CoopId
    municipality_id: Id | None = Field(None, title="Kommune (ID)", gt=0)
    description: Text = Field(title="Beteiligung", description="z. B. Workshop mit Bauhof-Team")
    involved_on: Day = Field(title="Datum")
    actor_id: Id = ActorId


class RecordCommunication(Command):
    cooperation_id: Id = CoopId
    kind: CommunicationKind = Field(title="Art")
    status: CommunicationStatus = Field(CommunicationStatus.PLANNED, title="Status")
    title: OptionalText = Field("", title="Titel")
    planned_on: Day | None = Field(None, title="Datum")
    actor_id: Id = ActorId


class RecordSuccess(Command):
    cooperation_id: Id = CoopId
    what: Text = Field(title="Erfolg")
    metric: OptionalText | None = Field(None, title="Kennzahl")
    value: OptionalText | None = Field(None, title="Wert")
    made_visible: OptionalText | None = Field(
        None, title="Sichtbar gemacht durch", description="z. B. Pressemitteilung vom 3.5."
    )
    actor_id: Id = ActorId


class RecordDecision(Command):
    cooperation_id: Id = CoopId
    subject: Text = Field(title="Entscheidung", description="z. B. Standort des Bauhofs")
    kind: str = Field("location", title="Art", pattern="^[a-z_]{1,30}$")
    benefiting_municipality_id: Id | None = Field(None, title="Begünstigte Kommune (ID)", gt=0)
    conceding_municipality_ids: list[Id] = Field(
        default_factory=list, title="Verzichtende Kommunen (IDs)"
    )
    concession: OptionalText = Field("", title="Zugeständnis")
    decided_on: Day = Field(title="Datum")
    actor_id: Id = ActorId


class RecordReport(Command):
    cooperation_id: Id = CoopId
    summary: Text = Field(title="Zusammenfassung")
    actor_id: Id = ActorId


class ChooseLegalForm(Command):
    cooperation_id: Id = CoopId
    legal_form: LegalForm = Field(title="Rechtsform")
    actor_id: Id = ActorId


StateCode = Field(
    "",
    title="Land",
    description="Kürzel des Regelpakets (NW, BY, HE, NI, BW); leer: aus dem AGS der Partner",
    pattern="^([A-Za-z]{2})?$",
)
PackFormField = Field(
    "",
    title="Form",
    description="agreement_delegating, agreement_mandating, zweckverband, aoer, "
    "arbeitsgemeinschaft, gmbh; leer: aus der gewählten Rechtsform",
    pattern="^[a-z_]{0,30}$",
)


class PlanFounding(Command):
    cooperation_id: Id = CoopId
    state: str = StateCode
    form: str = PackFormField
    voluntary_tasks: bool = Field(
        False, title="Freiwillige Aufgaben", description="Wo das Land dann weniger verlangt (NI)"
    )
    target_effective_on: Day | None = Field(
        None, title="Späteres Wirksamwerden", description="In der Vereinbarung bestimmt"
    )
    actor_id: Id = ActorId


class RecordFoundingAct(Command):
    # Letter of intent, agreed draft, submission to the authority, publication.
    cooperation_id: Id = CoopId
    on: Day = Field(
        title="Datum", description="Unterzeichnet, abgestimmt, eingegangen, bekanntgemacht"
    )
    reference: OptionalText = Field(
        "", title="Fundstelle / Aktenzeichen", description="z. B. Amtsblatt 2026 Nr. 12, S. 34"
    )
    note: OptionalText = Field("", title="Anmerkung")
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordResolution(Command):
    cooperation_id: Id = CoopId
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    resolved_on: Day = Field(title="Sitzungsdatum")
    body: HeaderSafe = Field(
        "Gemeinderat", title="Gremium", description="z. B. Stadtrat", max_length=200
    )
    agenda_item: HeaderSafe = Field("", title="Tagesordnungspunkt", max_length=100)
    result: ResolutionResult = Field(
        ResolutionResult.ADOPTED,
        title="Ergebnis",
        description="adopted (beschlossen), rejected (abgelehnt), deferred (vertagt)",
    )
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordSignature(Command):
    cooperation_id: Id = CoopId
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    signed_on: Day = Field(title="Unterzeichnet am")
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordAuthorityDecision(Command):
    cooperation_id: Id = CoopId
    decided_on: Day = Field(title="Datum der Entscheidung")
    result: DecisionResult = Field(
        title="Entscheidung",
        description="approved, approved_with_conditions, refused, objection (Einwände), "
        "extension (Behörde braucht vier Wochen mehr)",
    )
    reference: OptionalText = Field("", title="Aktenzeichen")
    note: OptionalText = Field("", title="Auflagen / Begründung")
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RecordAssessment(Command):
    cooperation_id: Id = CoopId
    kind: AssessmentKind = Field(
        title="Prüfung",
        description="vat (§ 2b UStG), procurement (§ 108 Abs. 6 GWB), state_aid (Art. 107 AEUV)",
    )
    criterion: HeaderSafe = Field(
        title="Kriterium", description="siehe ikz founding criteria", max_length=40
    )
    answer: YesNo = Field(title="Erfüllt", description="ja oder nein (yes, no)")
    reason: Text = Field(title="Begründung")
    answered_on: Day = Field(title="Datum")
    document: OptionalText = DocumentPath
    actor_id: Id = ActorId


class RaiseConflict(Command):
    cooperation_id: Id = CoopId
    subject: HeaderSafe = Field(title="Gegenstand")
    actor_id: Id = ActorId


class ResolveConflict(Command):
    conflict_id: Id = Field(title="Konflikt (ID)", gt=0)
    resolution: Text = Field(title="Lösung")
    agreed_by: list[Id] = Field(
        default_factory=list,
        title="Zugestimmt haben (IDs)",
        description="Personen, die der Lösung zugestimmt haben",
    )
    actor_id: Id = ActorId


class ProposeResolution(Command):
    conflict_id: Id = Field(title="Konflikt (ID)", gt=0)
    resolution: Text = Field(title="Vorgeschlagene Lösung")
    party_ids: list[Id] = Field(
        default_factory=list,
        title="Zustimmen sollen (IDs)",
        description="leer: die Ansprechpersonen aller Partner",
    )
    actor_id: Id = ActorId


class EscalateConflict(Command):
    conflict_id: Id = Field(title="Konflikt (ID)", gt=0)
    actor_id: Id = ActorId


class RequestBenefitConfirmation(Command):
    model_config = ConfigDict(title="Bestätigung des Nutzens anfordern")

    cooperation_id: Id = CoopId
    municipality_id: Id = Field(
        title="Kommune (ID)", description="Deren Ansprechperson den Nutzen bestätigt", gt=0
    )
    actor_id: Id = ActorId


class RequestSignOff(Command):
    model_config = ConfigDict(title="Freigabe anfordern")

    cooperation_id: Id = CoopId
    municipality_id: Id = Field(
        title="Kommune (ID)", description="Deren Bürgermeister:in freigibt", gt=0
    )
    gate: Trigger = Field(Trigger.START_PILOT, title="Schritt", description="z. B. start_pilot")
    timeout_days: int | None = Field(
        None, title="Frist (Tage)", description="leer: Standard aus den Einstellungen", gt=0, le=365
    )
    actor_id: Id = ActorId


def _local_if_naive(value: datetime) -> datetime:
    # People write meeting times in German local time; a time without zone means that.
    return value.replace(tzinfo=ZoneInfo("Europe/Berlin")) if value.tzinfo is None else value


def _plannable(value: datetime) -> datetime:
    # Compared as a date: an aware datetime cannot be compared with a naive bound.
    if not MIN_DATE <= value.date() <= MAX_DATE:
        raise PydanticCustomError(
            "less_than_equal" if value.date() > MAX_DATE else "greater_than_equal",
            "Input should be between {ge} and {le}",
            {"ge": MIN_DATE.isoformat(), "le": MAX_DATE.isoformat()},
        )
    return value


StartsAt = Annotated[datetime, AfterValidator(_local_if_naive), AfterValidator(_plannable)]
Duration = Field(90, title="Dauer (Minuten)", ge=15, le=12 * 60)


class ScheduleMeeting(Command):
    # A meeting planned ahead; the attendees get a calendar invitation.

    model_config = ConfigDict(title="Termin planen")

    cooperation_id: Id = CoopId
    kind: MeetingKind = Field(
        title="Art", description="steering_round, review, moderation, retreat, informal, ..."
    )
    starts_at: StartsAt = Field(
        title="Beginn", description="z. B. 2026-03-12T10:00 (deutsche Zeit, wenn ohne Zone)"
    )
    duration_minutes: int = Duration
    attendee_ids: list[Id] = Field(title="Teilnehmende (IDs)", min_length=1)
    notes: OptionalText = Field("", title="Hinweise", description="Ort, Tagesordnung, ...")
    actor_id: Id = ActorId


class RescheduleMeeting(Command):
    model_config = ConfigDict(title="Termin verlegen")

    meeting_id: Id = Field(title="Termin (ID)", gt=0)
    starts_at: StartsAt = Field(title="Neuer Beginn")
    duration_minutes: int | None = Field(
        None, title="Dauer (Minuten)", description="leer: bisherige Dauer", ge=15, le=12 * 60
    )
    actor_id: Id = ActorId


class CancelMeeting(Command):
    model_config = ConfigDict(title="Termin absagen")

    meeting_id: Id = Field(title="Termin (ID)", gt=0)
    reason: OptionalText = Field("", title="Grund")
    actor_id: Id = ActorId


class ScheduleConflictSession(Command):
    # The moderation session or mayors' conference of a conflict's current level.

    model_config = ConfigDict(title="Konflikttermin planen")

    conflict_id: Id = Field(title="Konflikt (ID)", gt=0)
    starts_at: StartsAt = Field(
        title="Beginn", description="z. B. 2026-03-12T10:00 (deutsche Zeit, wenn ohne Zone)"
    )
    duration_minutes: int = Duration
    location: HeaderSafe | None = Field(None, title="Ort")
    moderator_id: Id | None = Field(
        None,
        title="Moderator:in (ID)",
        description="Auf der Stufe Moderation: die neutrale Moderation (Pflicht, solange keine zugewiesen ist)",
        gt=0,
    )
    actor_id: Id = ActorId


class CloseConflict(Command):
    # Close a conflict without a resolution (the coordinator may then end the cooperation).

    model_config = ConfigDict(title="Konflikt ungelöst schließen")

    conflict_id: Id = Field(title="Konflikt (ID)", gt=0)
    reason: Text = Field(title="Begründung")
    actor_id: Id = ActorId


class SetDigest(Command):
    # How a person gets their mail: each message at once, or collected daily or weekly.
    model_config = ConfigDict(title="Zustellart wählen")

    person_id: Id = Field(title="Person (ID)", description="Wessen Zustellart", gt=0)
    mode: HeaderSafe = Field(
        title="Zustellart",
        description="immediate (sofort), daily (täglich) oder weekly (wöchentlich)",
        max_length=20,
    )
    actor_id: Id = ActorId


class ErasePerson(Command):
    # GDPR Art. 17: the person's name and address are removed everywhere; their acts stay
    # on the chains as acts of an erased person.
    model_config = ConfigDict(title="Personendaten löschen")

    person_id: Id = Field(title="Person (ID)", description="Wessen Daten gelöscht werden", gt=0)
    reason: Text = Field(title="Grund", description="z. B. Antrag nach Art. 17 DSGVO vom 2.12.2026")
    actor_id: Id = ActorId
