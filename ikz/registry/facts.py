"""Registry entries: facts the gates and the Kooperations-Check read."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec, recorded
from models import commands as c
from states.policy import Action

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "record-goal",
        c.RecordGoal,
        "ikz.actions.facts:record_goal",
        Action.RECORD_GOAL,
        ("Gemeinsames Ziel festhalten", "Record a shared goal"),
        (
            "Gemeinsames Ziel festhalten, wenn möglich mit messbarem Ziel.",
            "Record a shared goal, with a measurable target where possible.",
        ),
        ("coop", "goal"),
        recorded("Ziel erfasst", "Goal recorded"),
    ),
    ActionSpec(
        "record-benefit",
        c.RecordBenefit,
        "ikz.actions.facts:record_benefit",
        Action.RECORD_BENEFIT,
        ("Nutzen einer Partnerkommune erfassen", "Record a partner's benefit"),
        (
            "Nutzen einer Partnerkommune benennen oder als eingetreten bestätigen.",
            "Name a partner's benefit, or confirm that it came true.",
        ),
        ("coop", "benefit"),
        recorded("Nutzen erfasst", "Benefit recorded"),
    ),
    ActionSpec(
        "request-benefit-confirmation",
        c.RequestBenefitConfirmation,
        "ikz.actions.benefits:request_benefit_confirmation",
        Action.REQUEST_CONFIRMATION,
        ("Bestätigung des Nutzens anfordern", "Ask a partner to confirm its benefit"),
        (
            "Die Ansprechperson (sonst die Bürgermeister:in) einer Partnerkommune per E-Mail "
            "mit persönlichem Link fragen, ob der genannte Nutzen eingetreten ist.",
            "Ask a partner's contact person (else its mayor) by email, with a personal "
            "link, whether the stated benefit came true.",
        ),
        ("coop", "confirm-benefit"),
        (
            "Bestätigung erbeten bei Person {person_id} (Link gültig bis {expires_at}).",
            "Confirmation asked of person {person_id} (link valid until {expires_at}).",
        ),
    ),
    ActionSpec(
        "record-meeting",
        c.RecordMeeting,
        "ikz.actions.facts:record_meeting",
        Action.RECORD_MEETING,
        ("Treffen erfassen", "Record a meeting"),
        (
            "Stattgefundenes Treffen erfassen: informeller Austausch, Klausur, "
            "Steuerungsrunde oder Infoveranstaltung.",
            "Record a meeting that took place: informal, retreat, steering round, info event.",
        ),
        ("coop", "meeting"),
        recorded("Treffen erfasst", "Meeting recorded"),
        options={"held_on": "--date"},
    ),
    ActionSpec(
        "record-agreement",
        c.RecordAgreement,
        "ikz.actions.facts:record_agreement",
        Action.RECORD_AGREEMENT,
        ("Vereinbarung erfassen", "Record an agreement"),
        (
            "Vereinbarung erfassen (Absichtserklärung, Kooperationsvereinbarung, "
            "Zweckvereinbarung, ...), mit unterzeichnenden Kommunen.",
            "Record an agreement (letter of intent, cooperation agreement, ...) and who signed.",
        ),
        ("coop", "agreement"),
        recorded("Vereinbarung erfasst", "Agreement recorded"),
        options={"signed_by": "--signed-by", "effective_on": "--effective"},
    ),
    ActionSpec(
        "record-signoff",
        c.SignOffGate,
        "ikz.actions.signoff:sign_off",
        Action.SIGN_OFF,
        ("Freigabe erfassen", "Record a sign-off"),
        (
            "Freigabe einer Bürgermeisterin oder eines Bürgermeisters für einen Schritt erfassen.",
            "Record a mayor's sign-off of a step.",
        ),
        ("coop", "signoff"),
        recorded("Freigabe erfasst", "Sign-off recorded"),
    ),
    ActionSpec(
        "request-signoff",
        c.RequestSignOff,
        "ikz.actions.signoff:open_request",
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
        "ikz.actions.facts:record_staff",
        Action.RECORD_STAFF,
        ("Beteiligung der Mitarbeitenden erfassen", "Record staff involvement"),
        (
            "Erfassen, wie Mitarbeitende beteiligt wurden (z. B. Workshop mit dem Bauhof-Team).",
            "Record how staff were involved (e.g. a workshop with the building yard team).",
        ),
        ("coop", "staff"),
        recorded("Beteiligung erfasst", "Staff involvement recorded"),
        options={"involved_on": "--date"},
    ),
    ActionSpec(
        "record-communication",
        c.RecordCommunication,
        "ikz.actions.facts:record_communication",
        Action.RECORD_COMMUNICATION,
        ("Kommunikationsmaßnahme erfassen", "Record a communication"),
        (
            "Pressemitteilung, Infoveranstaltung oder gemeinsamen Auftritt planen oder als "
            "erledigt erfassen.",
            "Plan or record a press release, info event or joint branding.",
        ),
        ("coop", "communication"),
        recorded("Maßnahme erfasst", "Communication recorded"),
        options={"planned_on": "--date"},
    ),
    ActionSpec(
        "record-success",
        c.RecordSuccess,
        "ikz.actions.facts:record_success",
        Action.RECORD_SUCCESS,
        ("Erfolg erfassen", "Record a success"),
        (
            "Erfolg erfassen, mit Kennzahl und wie er für Bürger:innen sichtbar wurde.",
            "Record a success, with a metric and how it was made visible to citizens.",
        ),
        ("coop", "success"),
        recorded("Erfolg erfasst", "Success recorded"),
        options={"made_visible": "--visible"},
    ),
    ActionSpec(
        "record-decision",
        c.RecordDecision,
        "ikz.actions.facts:record_decision",
        Action.RECORD_DECISION,
        ("Entscheidung erfassen", "Record a decision"),
        (
            "Entscheidung im Geben-und-Nehmen-Buch erfassen: wer profitiert, wer verzichtet.",
            "Record a decision in the give-and-take ledger: who benefits, who concedes.",
        ),
        ("coop", "decision"),
        recorded("Entscheidung erfasst", "Decision recorded"),
        options={
            "decided_on": "--date",
            "benefiting_municipality_id": "--benefits",
            "conceding_municipality_ids": "--concedes",
        },
    ),
    ActionSpec(
        "record-report",
        c.RecordReport,
        "ikz.actions.facts:record_report",
        Action.RECORD_REPORT,
        ("Erfolgsbericht erfassen", "Record a success report"),
        (
            "Zusammenfassung eines Erfolgsberichts erfassen.",
            "Record the summary of a success report.",
        ),
        ("coop", "report"),
        recorded("Bericht erfasst", "Report recorded"),
    ),
)
