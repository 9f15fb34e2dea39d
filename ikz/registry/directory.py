"""Registry entries: the registry of municipalities and people."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec
from models import commands as c
from models.commands_council import ImportCouncilCalendar
from states.policy import Action

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "register-municipality",
        c.RegisterMunicipality,
        "ikz.actions.directory:register_municipality",
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
        "import-council-calendar",
        ImportCouncilCalendar,
        "ikz.actions.council:import_council_calendar",
        Action.IMPORT_COUNCIL_CALENDAR,
        ("Sitzungskalender importieren", "Import a council calendar"),
        (
            "Ratssitzungen einer Kommune aus einer iCalendar-Datei oder einem Feed "
            "übernehmen (erneuter Import aktualisiert, abgesagte künftige Sitzungen "
            "entfallen), optional mit ihrer Vorlagefrist; die Fristen der Gründung "
            "richten sich danach.",
            "Import a municipality's council meetings from an iCalendar file or feed "
            "(importing again updates them, cancelled future ones go), optionally with its "
            "submission lead time; the founding's deadlines follow them.",
        ),
        ("municipality", "calendar"),
        "ikz.cli.convert:calendar_done",
        args=("municipality_id",),
        options={"source": "--ics", "lead_days": "--lead-days"},
        tags=("verzeichnis", "gruendung"),
    ),
    ActionSpec(
        "register-person",
        c.RegisterPerson,
        "ikz.actions.directory:register_person",
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
        "ikz.actions.digests:set_digest_mode",
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
    ActionSpec(
        "erase-person",
        c.ErasePerson,
        "ikz.actions.erasure:erase_person",
        Action.ERASE_PERSON,
        ("Personendaten löschen", "Erase a person's data"),
        (
            "Name und E-Mail-Adresse einer Person überall löschen (DSGVO Art. 17): "
            "Datensätze, wartende und versandte E-Mails, Berichte, Prefect-Artefakte. "
            "Ihre Handlungen bleiben als Handlungen einer gelöschten Person nachweisbar.",
            "Erase a person's name and email address everywhere (GDPR Art. 17): records, "
            "queued and sent mail, reports, Prefect artifacts. Their acts remain on record "
            "as acts of an erased person.",
        ),
        ("person", "erase"),
        "ikz.actions.erasure:erase_done",
        tags=("verzeichnis",),
    ),
)
