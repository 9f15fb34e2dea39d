"""Registry entries: cooperations and their lifecycle."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec, recorded
from models import commands as c
from states.policy import Action

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "open-cooperation",
        c.OpenCooperation,
        "ikz.actions.cooperations:open_cooperation",
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
        "ikz.actions.cooperations:set_partner",
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
        "ikz.actions.lifecycle:advance",
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
        "ikz.actions.cooperations:choose_legal_form",
        Action.CHOOSE_LEGAL_FORM,
        ("Rechtsform wählen", "Choose the legal form"),
        (
            "Dauerhafte Rechtsform wählen (zweckvereinbarung, zweckverband, aoer, "
            "shared_department, public_law_contract, arbeitsgemeinschaft, gmbh).",
            "Choose the permanent legal form.",
        ),
        ("coop", "legal-form"),
        recorded("Rechtsform gewählt", "Legal form chosen"),
        args=("cooperation_id", "legal_form"),
        options={"legal_form": "FORM"},
    ),
)
