"""The `ikz` command line. Errors print one clear line (no traceback) and exit non-zero."""

# No `from __future__ import annotations` here: Typer reads every command's signature when
# it builds the command tree, and string annotations would be evaluated anew each time
# (some 15 ms of every start); evaluated once at import they cost next to nothing.

import gc
import os
import sys
from typing import Annotated, Any

# Plain usage errors: one line, no box drawn at 80 columns (and no rich import at start).
os.environ.setdefault("TYPER_USE_RICH", "0")

import typer

from ikz.cli.context import state
from ikz.cli.output import emit_json, table
from ikz.gcpause import gc_paused
from states.errors import IkzError

app = typer.Typer(
    name="ikz",
    help="ikz-flow: interkommunale Zusammenarbeit steuern.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Datenbank.", no_args_is_help=True)
muni_app = typer.Typer(help="Kommunen.", no_args_is_help=True)
person_app = typer.Typer(help="Personen.", no_args_is_help=True)
coop_app = typer.Typer(help="Kooperationen.", no_args_is_help=True)
conflict_app = typer.Typer(help="Konflikte.", no_args_is_help=True)
audit_app = typer.Typer(help="Prüfpfad.", no_args_is_help=True)
notify_app = typer.Typer(help="E-Mail-Benachrichtigungen.", no_args_is_help=True)
meeting_app = typer.Typer(help="Geplante Termine mit Kalendereinladung.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(muni_app, name="municipality")
app.add_typer(person_app, name="person")
app.add_typer(coop_app, name="coop")
app.add_typer(conflict_app, name="conflict")
app.add_typer(audit_app, name="audit")
app.add_typer(notify_app, name="notify")
app.add_typer(meeting_app, name="meeting")

Json = Annotated[bool, typer.Option("--json", help="Ausgabe als JSON.")]
Actor = Annotated[int, typer.Option("--actor", help="ID der handelnden Person.")]
CoopId = Annotated[int, typer.Argument(help="ID der Kooperation.")]


@app.callback()
def _root(
    lang: Annotated[
        str | None, typer.Option("--lang", help="Sprache der Ausgabe: de oder en.")
    ] = None,
) -> None:
    from ikz.settings import get_settings

    chosen = lang or get_settings().language
    if chosen not in ("de", "en"):
        raise IkzError(
            "bad_language",
            f"Unbekannte Sprache '{chosen}' (de, en).",
            f"Unknown language '{chosen}' (de, en).",
        )
    state.lang = "en" if chosen == "en" else "de"


# Input fields whose CLI spelling differs: messages name what the user typed.
_OPTION_OF = {
    "held_on": "--date",
    "involved_on": "--date",
    "decided_on": "--date",
    "planned_on": "--date",
    "effective_on": "--effective",
    "field_of_work": "--field",
    "follow_up_title": "--follow-up-title",
    "attendee_ids": "--attendee",
    "signed_by": "--signed-by",
    "conceding_municipality_ids": "--concedes",
    "benefiting_municipality_id": "--benefits",
    "municipality_id": "--municipality",
    "actor_id": "--actor",
    "made_visible": "--visible",
    "lessons_learned": "--lessons",
    "idempotency_key": "--idempotency-key",
    "expected_version": "--expected-version",
    "roles": "--role",
    "partners": "--partner",
    "overrides": "--override",
    "cooperation_id": "ID",
    "conflict_id": "ID",
    "moderator_id": "--moderator",
    "duration_minutes": "--duration",
    "legal_form": "FORM",
}


def _option_names(text: str) -> str:
    import re

    def swap(m: re.Match[str]) -> str:
        # "partners.0.municipality_id" -> "--partner": the option is what the user typed.
        head = m.group(2).split(".", 1)[0]
        return f"{m.group(1)}{_OPTION_OF.get(head, '--' + head.replace('_', '-'))}:"

    return re.sub(r"((?:^|: |; ))([a-z_]+(?:\.[a-z0-9_]+)*):", swap, text)


def _parse(model: Any, **data: Any) -> Any:
    from models.validation import parse
    from states.errors import InvalidInputError

    try:
        return parse(model, {k: v for k, v in data.items() if v is not None})
    except InvalidInputError as exc:
        raise InvalidInputError(exc.code, _option_names(exc.de), _option_names(exc.en)) from None


def _done(de: str, en: str) -> None:
    typer.echo(en if state.lang == "en" else de)


# --- db -------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Datenbank anlegen oder auf den neuesten Stand bringen."""
    from models.schema import upgrade

    rev = upgrade(state.open(check_schema=False).db)
    _done(f"Datenbank auf Revision {rev}.", f"Database at revision {rev}.")


# --- registry -------------------------------------------------------------------------


@muni_app.command("add")
def municipality_add(
    name: Annotated[str, typer.Option(help="Name, z. B. 'Stadt Jena'.")],
    ags: Annotated[str, typer.Option(help="Amtlicher Gemeindeschlüssel (8 Ziffern).")],
    population: Annotated[int, typer.Option(help="Einwohnerzahl.")],
    kind: Annotated[str, typer.Option(help="gemeinde, stadt, verbandsgemeinde, landkreis.")],
    actor: Annotated[int | None, typer.Option(help="ID der Koordinator:in.")] = None,
    as_json: Json = False,
) -> None:
    """Kommune registrieren."""
    from ikz.records import register_municipality
    from models.commands import RegisterMunicipality

    cmd = _parse(
        RegisterMunicipality, name=name, ags=ags, population=population, kind=kind, actor_id=actor
    )
    m = register_municipality(state.open(), cmd)
    if as_json:
        emit_json(m.model_dump())
    else:
        _done(
            f"Kommune {m.id} registriert: {m.name} ({m.bundesland}).",
            f"Municipality {m.id} registered: {m.name} ({m.bundesland}).",
        )


@muni_app.command("list")
def municipality_list(as_json: Json = False) -> None:
    """Kommunen auflisten."""
    from ikz.records import municipalities

    rows = [m.model_dump() for m in municipalities(state.open())]
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [
                ("id", "ID"),
                ("name", "Name"),
                ("ags", "AGS"),
                ("bundesland", "Land"),
                ("population", "Einw."),
                ("kind", "Art"),
            ],
        )


@person_app.command("add")
def person_add(
    name: Annotated[str, typer.Option(help="Name.")],
    email: Annotated[str, typer.Option(help="E-Mail-Adresse.")],
    role: Annotated[
        list[str],
        typer.Option(help="Rolle (mehrfach): mayor, contact, staff, moderator, coordinator."),
    ],
    municipality: Annotated[int | None, typer.Option(help="ID der Kommune.")] = None,
    language: Annotated[str, typer.Option(help="Bevorzugte Sprache: de oder en.")] = "de",
    actor: Annotated[int | None, typer.Option(help="ID der Koordinator:in.")] = None,
    as_json: Json = False,
) -> None:
    """Person registrieren."""
    from ikz.records import register_person
    from models.commands import RegisterPerson

    cmd = _parse(
        RegisterPerson,
        name=name,
        email=email,
        roles=role,
        municipality_id=municipality,
        language=language,
        actor_id=actor,
    )
    p = register_person(state.open(), cmd)
    if as_json:
        emit_json(p.model_dump())
    else:
        _done(f"Person {p.id} registriert: {p.name}.", f"Person {p.id} registered: {p.name}.")


@person_app.command("list")
def person_list(as_json: Json = False) -> None:
    """Personen auflisten."""
    from ikz.records import people

    rows = [p.model_dump() for p in people(state.open())]
    if as_json:
        emit_json(rows)
    else:
        for r in rows:
            r["roles"] = ",".join(r["roles"])
        table(
            rows,
            [
                ("id", "ID"),
                ("name", "Name"),
                ("email", "E-Mail"),
                ("municipality_id", "Kommune"),
                ("roles", "Rollen"),
                ("language", "Spr."),
            ],
        )


@person_app.command("digest")
def person_digest(
    person: Annotated[int, typer.Argument(help="ID der Person.")],
    mode: Annotated[str, typer.Argument(help="immediate, daily oder weekly.")],
    actor: Actor,
    as_json: Json = False,
) -> None:
    """Zustellart wählen: jede Nachricht sofort, täglich oder wöchentlich gesammelt."""
    from ikz.digests import parse_mode, set_digest

    p = set_digest(state.open(), person, parse_mode(mode), actor_id=actor)
    if as_json:
        emit_json({"id": p.id, "digest": p.digest, "last_digest_at": p.last_digest_at})
        return
    labels = {
        "immediate": ("sofort", "immediately"),
        "daily": ("täglich gesammelt", "in a daily digest"),
        "weekly": ("wöchentlich gesammelt", "in a weekly digest"),
    }
    de, en = labels[p.digest]
    _done(f"Person {p.id} erhält Nachrichten {de}.", f"Person {p.id} gets messages {en}.")


# --- cooperations ---------------------------------------------------------------------


def _partner(spec: str) -> dict[str, Any]:
    """MUNICIPALITY[:MAYOR[:CONTACT]] -> PartnerInput data."""
    from states.errors import InvalidInputError

    parts = spec.split(":")
    try:
        nums = [int(p) if p else None for p in parts]
    except ValueError:
        raise InvalidInputError(
            "bad_partner",
            f"Partner '{spec}' hat nicht die Form KOMMUNE[:BÜRGERMEISTER[:ANSPRECHPERSON]] (IDs).",
            f"Partner '{spec}' is not of the form MUNICIPALITY[:MAYOR[:CONTACT]] (ids).",
        ) from None
    if len(nums) > 3 or nums[0] is None:
        raise InvalidInputError(
            "bad_partner",
            f"Partner '{spec}' hat nicht die Form KOMMUNE[:BÜRGERMEISTER[:ANSPRECHPERSON]].",
            f"Partner '{spec}' is not of the form MUNICIPALITY[:MAYOR[:CONTACT]].",
        )
    nums += [None] * (3 - len(nums))
    return {"municipality_id": nums[0], "mayor_id": nums[1], "contact_id": nums[2]}


@coop_app.command("open")
def coop_open(
    title: Annotated[str, typer.Option(help="Titel.")],
    field: Annotated[str, typer.Option(help="Aufgabenfeld: Bauhof, IT, Standesamt, ...")],
    actor: Actor,
    partner: Annotated[
        list[str] | None, typer.Option(help="KOMMUNE[:BÜRGERMEISTER[:ANSPRECHPERSON]] (mehrfach).")
    ] = None,
    description: Annotated[str, typer.Option(help="Beschreibung.")] = "",
    as_json: Json = False,
) -> None:
    """Neue Kooperation eröffnen (Zustand: informeller Kontakt)."""
    from ikz.records import open_cooperation
    from models.commands import OpenCooperation

    partners = [_partner(p) for p in partner or []]
    cmd = _parse(
        OpenCooperation,
        title=title,
        field_of_work=field,
        description=description,
        partners=partners,
        actor_id=actor,
    )
    coop = open_cooperation(state.open(), cmd)
    if as_json:
        emit_json(
            {"id": coop.id, "state": coop.state, "version": coop.version, "title": coop.title}
        )
    else:
        _done(
            f"Kooperation {coop.id} eröffnet: {coop.title}.",
            f"Cooperation {coop.id} opened: {coop.title}.",
        )


@coop_app.command("partner")
def coop_partner(
    cooperation: CoopId,
    municipality: Annotated[int, typer.Option(help="ID der Kommune.")],
    actor: Actor,
    mayor: Annotated[int | None, typer.Option(help="ID der Bürgermeister:in.")] = None,
    contact: Annotated[int | None, typer.Option(help="ID der festen Ansprechperson.")] = None,
) -> None:
    """Partnerkommune hinzufügen oder Bürgermeister:in/Ansprechperson setzen."""
    from ikz.records import set_partner
    from models.commands import SetPartner

    cmd = _parse(
        SetPartner,
        cooperation_id=cooperation,
        partner={"municipality_id": municipality, "mayor_id": mayor, "contact_id": contact},
        actor_id=actor,
    )
    set_partner(state.open(), cmd)
    _done("Partner gespeichert.", "Partner saved.")


@coop_app.command("list")
def coop_list(
    state_filter: Annotated[str | None, typer.Option("--state", help="Nur dieser Zustand.")] = None,
    as_json: Json = False,
) -> None:
    """Kooperationen auflisten."""
    from ikz.views import list_cooperations
    from states.errors import InvalidInputError
    from states.lifecycle import State

    valid = [s.value for s in State]
    if state_filter is not None and state_filter not in valid:
        raise InvalidInputError(
            "bad_state",
            f"Unbekannter Zustand '{state_filter}'. Gültig sind: {', '.join(valid)}.",
            f"Unknown state '{state_filter}'. Valid states: {', '.join(valid)}.",
        )
    rows = list_cooperations(state.open(), state_filter)
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [
                ("id", "ID"),
                ("state", "Zustand"),
                ("field_of_work", "Feld"),
                ("title", "Titel"),
                ("version", "Version"),
            ],
        )


@coop_app.command("show")
def coop_show(cooperation: CoopId, as_json: Json = False) -> None:
    """Zustand, Partner, Gates mit offenen Kriterien und Hinweise einer Kooperation."""
    from ikz.cli.render import print_show
    from ikz.views import show

    view = show(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
    else:
        print_show(view, state.lang)


@coop_app.command("check")
def coop_check(
    cooperation: CoopId,
    with_history: Annotated[
        bool, typer.Option("--history", help="Verlauf der gespeicherten Checks (je Review).")
    ] = False,
    as_json: Json = False,
) -> None:
    """Kooperations-Check: Ampel je Erfolgsfaktor mit Gründen, und gesamt."""
    from ikz.cli.render import print_check, print_trend
    from ikz.health import check_view, trend

    if with_history:
        data = trend(state.open(), cooperation, state.lang)
        if as_json:
            emit_json(data)
        else:
            print_trend(data, state.lang)
        return
    view = check_view(state.open(), cooperation, state.lang)
    if as_json:
        emit_json(view)
        return
    typer.echo(f"#{view['id']} {view['title']} ({view['state_label']})")
    print_check(view, state.lang)


@coop_app.command("advance")
def coop_advance(
    cooperation: CoopId,
    trigger: Annotated[
        str,
        typer.Argument(
            help="explore, agree, start_pilot, evaluate, make_permanent, pause, resume, end, rework, extend_pilot, spawn_follow_up"
        ),
    ],
    actor: Actor,
    reason: Annotated[str, typer.Option(help="Begründung.")] = "",
    lessons: Annotated[str, typer.Option(help="Lehren (beim Beenden).")] = "",
    idempotency_key: Annotated[
        str | None, typer.Option(help="Wiederholung liefert das frühere Ergebnis.")
    ] = None,
    expected_version: Annotated[
        int | None, typer.Option(help="Nur anwenden, wenn die Version passt.")
    ] = None,
    override: Annotated[
        list[str] | None, typer.Option(help="Kriterium übersteuern, z. B. pilot_min_duration.")
    ] = None,
    follow_up_title: Annotated[str | None, typer.Option(help="Titel der Folgekooperation.")] = None,
    as_json: Json = False,
) -> None:
    """Lebenszyklus-Schritt anwenden (mit Gate-Prüfung, Prüfpfad und Benachrichtigungen)."""
    from ikz.lifecycle import advance
    from models.commands import Advance
    from states.lifecycle import parse_trigger

    trig = parse_trigger(trigger)
    cmd = _parse(
        Advance,
        cooperation_id=cooperation,
        trigger=trig,
        actor_id=actor,
        reason=reason,
        lessons_learned=lessons,
        idempotency_key=idempotency_key,
        expected_version=expected_version,
        overrides=override or [],
        follow_up_title=follow_up_title,
    )
    res = advance(state.open(), cmd)
    if as_json:
        emit_json({"id": res.cooperation_id, "state": res.to_state, **res.__dict__})
        return
    again = " (bereits angewendet)" if res.replayed else ""
    again_en = " (already applied)" if res.replayed else ""
    _done(
        f"Kooperation {res.cooperation_id}: {res.from_state} -> {res.to_state} (Version {res.version}){again}.",
        f"Cooperation {res.cooperation_id}: {res.from_state} -> {res.to_state} (version {res.version}){again_en}.",
    )
    if res.follow_up_id:
        _done(
            f"Folgekooperation {res.follow_up_id} eröffnet.",
            f"Follow-up cooperation {res.follow_up_id} opened.",
        )


@coop_app.command("history")
def coop_history(cooperation: CoopId, as_json: Json = False) -> None:
    """Prüfpfad der Zustandswechsel einer Kooperation."""
    from ikz.views import history

    rows = history(state.open(), cooperation)
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [
                ("seq", "#"),
                ("at", "Zeitpunkt"),
                ("trigger", "Schritt"),
                ("from_state", "von"),
                ("to_state", "nach"),
                ("actor_id", "Person"),
                ("reason", "Begründung"),
            ],
        )


def _record(fn_name: str, model_name: str, de: str, en: str, **data: Any) -> None:
    from ikz import records
    from models import commands

    cmd = _parse(getattr(commands, model_name), **data)
    row = getattr(records, fn_name)(state.open(), cmd)
    _done(f"{de} (ID {row.id}).", f"{en} (id {row.id}).")


@coop_app.command("goal")
def coop_goal(
    cooperation: CoopId,
    text: Annotated[str, typer.Option(help="Gemeinsames Ziel.")],
    actor: Actor,
    target: Annotated[str | None, typer.Option(help="Messbares Ziel.")] = None,
) -> None:
    """Gemeinsames Ziel festhalten."""
    _record(
        "record_goal",
        "RecordGoal",
        "Ziel erfasst",
        "Goal recorded",
        cooperation_id=cooperation,
        text=text,
        target=target,
        actor_id=actor,
    )


@coop_app.command("benefit")
def coop_benefit(
    cooperation: CoopId,
    municipality: Annotated[int, typer.Option(help="ID der Partnerkommune.")],
    text: Annotated[str, typer.Option(help="Nutzen für die Kommune.")],
    actor: Actor,
    confirmed: Annotated[bool, typer.Option("--confirmed", help="Nutzen ist eingetreten.")] = False,
) -> None:
    """Nutzen einer Partnerkommune benennen oder bestätigen."""
    _record(
        "record_benefit",
        "RecordBenefit",
        "Nutzen erfasst",
        "Benefit recorded",
        cooperation_id=cooperation,
        municipality_id=municipality,
        text=text,
        confirmed=confirmed,
        actor_id=actor,
    )


@coop_app.command("meeting")
def coop_meeting(
    cooperation: CoopId,
    kind: Annotated[str, typer.Option(help="informal, retreat, steering_round, info_event.")],
    date: Annotated[str, typer.Option(help="Datum JJJJ-MM-TT.")],
    actor: Actor,
    attendee: Annotated[
        list[int] | None, typer.Option(help="ID einer teilnehmenden Person (mehrfach).")
    ] = None,
    notes: Annotated[str, typer.Option(help="Notizen.")] = "",
) -> None:
    """Treffen erfassen (informeller Austausch, Klausur, Steuerungsrunde, Infoveranstaltung)."""
    _record(
        "record_meeting",
        "RecordMeeting",
        "Treffen erfasst",
        "Meeting recorded",
        cooperation_id=cooperation,
        kind=kind,
        held_on=date,
        attendee_ids=attendee or [],
        notes=notes,
        actor_id=actor,
    )


@coop_app.command("agreement")
def coop_agreement(
    cooperation: CoopId,
    kind: Annotated[
        str,
        typer.Option(
            help="letter_of_intent, cooperation_agreement, zweckvereinbarung, zweckverband_statutes, public_law_contract."
        ),
    ],
    actor: Actor,
    title: Annotated[str, typer.Option(help="Bezeichnung.")] = "",
    signed_by: Annotated[
        list[int] | None, typer.Option(help="ID einer unterzeichnenden Kommune (mehrfach).")
    ] = None,
    effective: Annotated[str | None, typer.Option(help="Wirksam ab JJJJ-MM-TT.")] = None,
) -> None:
    """Vereinbarung erfassen."""
    _record(
        "record_agreement",
        "RecordAgreement",
        "Vereinbarung erfasst",
        "Agreement recorded",
        cooperation_id=cooperation,
        kind=kind,
        title=title,
        signed_by=signed_by or [],
        effective_on=effective,
        actor_id=actor,
    )


@coop_app.command("signoff")
def coop_signoff(
    cooperation: CoopId,
    municipality: Annotated[int, typer.Option(help="ID der eigenen Kommune.")],
    actor: Annotated[int, typer.Option("--actor", help="ID der Bürgermeister:in.")],
    gate: Annotated[str, typer.Option(help="Schritt, der freigegeben wird.")] = "start_pilot",
    note: Annotated[str, typer.Option(help="Anmerkung.")] = "",
) -> None:
    """Freigabe einer Bürgermeisterin / eines Bürgermeisters erfassen."""
    _record(
        "sign_off",
        "SignOffGate",
        "Freigabe erfasst",
        "Sign-off recorded",
        cooperation_id=cooperation,
        municipality_id=municipality,
        gate=gate,
        note=note,
        actor_id=actor,
    )


@coop_app.command("staff")
def coop_staff(
    cooperation: CoopId,
    description: Annotated[str, typer.Option(help="Wie wurden Mitarbeitende beteiligt?")],
    date: Annotated[str, typer.Option(help="Datum JJJJ-MM-TT.")],
    actor: Actor,
    municipality: Annotated[int | None, typer.Option(help="ID der Kommune.")] = None,
) -> None:
    """Beteiligung der Mitarbeitenden erfassen."""
    _record(
        "record_staff",
        "RecordStaff",
        "Beteiligung erfasst",
        "Staff involvement recorded",
        cooperation_id=cooperation,
        municipality_id=municipality,
        description=description,
        involved_on=date,
        actor_id=actor,
    )


@coop_app.command("communication")
def coop_communication(
    cooperation: CoopId,
    kind: Annotated[str, typer.Option(help="press_release, info_event, joint_branding.")],
    actor: Actor,
    status: Annotated[str, typer.Option(help="planned oder done.")] = "planned",
    title: Annotated[str, typer.Option(help="Titel.")] = "",
    date: Annotated[str | None, typer.Option(help="Datum JJJJ-MM-TT.")] = None,
) -> None:
    """Kommunikationsmaßnahme erfassen."""
    _record(
        "record_communication",
        "RecordCommunication",
        "Maßnahme erfasst",
        "Communication recorded",
        cooperation_id=cooperation,
        kind=kind,
        status=status,
        title=title,
        planned_on=date,
        actor_id=actor,
    )


@coop_app.command("success")
def coop_success(
    cooperation: CoopId,
    what: Annotated[str, typer.Option(help="Was wurde erreicht?")],
    actor: Actor,
    metric: Annotated[str | None, typer.Option(help="Kennzahl.")] = None,
    value: Annotated[str | None, typer.Option(help="Wert.")] = None,
    visible: Annotated[
        str | None, typer.Option(help="Wie wurde es für Bürger:innen sichtbar?")
    ] = None,
) -> None:
    """Erfolg erfassen."""
    _record(
        "record_success",
        "RecordSuccess",
        "Erfolg erfasst",
        "Success recorded",
        cooperation_id=cooperation,
        what=what,
        metric=metric,
        value=value,
        made_visible=visible,
        actor_id=actor,
    )


@coop_app.command("decision")
def coop_decision(
    cooperation: CoopId,
    subject: Annotated[str, typer.Option(help="Entscheidung, z. B. Standort des Bauhofs.")],
    date: Annotated[str, typer.Option(help="Datum JJJJ-MM-TT.")],
    actor: Actor,
    kind: Annotated[str, typer.Option(help="Art, z. B. location.")] = "location",
    benefits: Annotated[int | None, typer.Option(help="ID der begünstigten Kommune.")] = None,
    concedes: Annotated[
        list[int] | None, typer.Option(help="ID einer verzichtenden Kommune (mehrfach).")
    ] = None,
    concession: Annotated[str, typer.Option(help="Was wird zugestanden?")] = "",
) -> None:
    """Entscheidung im Geben-und-Nehmen-Buch erfassen."""
    _record(
        "record_decision",
        "RecordDecision",
        "Entscheidung erfasst",
        "Decision recorded",
        cooperation_id=cooperation,
        subject=subject,
        kind=kind,
        benefiting_municipality_id=benefits,
        conceding_municipality_ids=concedes or [],
        concession=concession,
        decided_on=date,
        actor_id=actor,
    )


@coop_app.command("report")
def coop_report(
    cooperation: CoopId,
    summary: Annotated[str, typer.Option(help="Zusammenfassung des Erfolgsberichts.")],
    actor: Actor,
) -> None:
    """Erfolgsbericht erfassen."""
    _record(
        "record_report",
        "RecordReport",
        "Bericht erfasst",
        "Report recorded",
        cooperation_id=cooperation,
        summary=summary,
        actor_id=actor,
    )


@coop_app.command("legal-form")
def coop_legal_form(
    cooperation: CoopId,
    form: Annotated[
        str,
        typer.Argument(
            help="zweckvereinbarung, zweckverband, aoer, shared_department, public_law_contract"
        ),
    ],
    actor: Actor,
) -> None:
    """Dauerhafte Rechtsform wählen."""
    _record(
        "choose_legal_form",
        "ChooseLegalForm",
        "Rechtsform gewählt",
        "Legal form chosen",
        cooperation_id=cooperation,
        legal_form=form,
        actor_id=actor,
    )


# --- conflicts ------------------------------------------------------------------------


@conflict_app.command("raise")
def conflict_raise(
    cooperation: CoopId,
    subject: Annotated[str, typer.Option(help="Worum geht es?")],
    actor: Actor,
) -> None:
    """Konflikt melden."""
    _record(
        "raise_conflict",
        "RaiseConflict",
        "Konflikt gemeldet",
        "Conflict raised",
        cooperation_id=cooperation,
        subject=subject,
        actor_id=actor,
    )


@conflict_app.command("escalate")
def conflict_escalate(
    conflict: Annotated[int, typer.Argument(help="ID des Konflikts.")],
    actor: Actor,
) -> None:
    """Konflikt eine Stufe höher eskalieren."""
    _record(
        "escalate_conflict",
        "EscalateConflict",
        "Konflikt eskaliert",
        "Conflict escalated",
        conflict_id=conflict,
        actor_id=actor,
    )


@conflict_app.command("resolve")
def conflict_resolve(
    conflict: Annotated[int, typer.Argument(help="ID des Konflikts.")],
    resolution: Annotated[str, typer.Option(help="Wie wurde der Konflikt gelöst?")],
    actor: Actor,
    agreed_by: Annotated[
        list[int] | None,
        typer.Option("--agreed-by", help="ID einer Person, die zugestimmt hat (mehrfach)."),
    ] = None,
) -> None:
    """Konflikt auf jeder Stufe als gelöst erfassen, mit Lösung und wer zugestimmt hat."""
    _record(
        "resolve_conflict",
        "ResolveConflict",
        "Konflikt gelöst",
        "Conflict resolved",
        conflict_id=conflict,
        resolution=resolution,
        agreed_by=agreed_by,
        actor_id=actor,
    )


@conflict_app.command("schedule")
def conflict_schedule(
    conflict: Annotated[int, typer.Argument(help="ID des Konflikts.")],
    starts_at: Annotated[
        str,
        typer.Option("--starts-at", help="Beginn, z. B. 2026-03-12T10:00 (deutsche Zeit)."),
    ],
    actor: Actor,
    duration: Annotated[int, typer.Option(help="Dauer in Minuten.")] = 90,
    location: Annotated[str | None, typer.Option(help="Ort.")] = None,
    moderator: Annotated[
        int | None, typer.Option(help="ID der neutralen Moderation (Stufe Moderation).")
    ] = None,
) -> None:
    """Moderationstermin oder Bürgermeisterkonferenz planen (mit Einladung)."""
    _record(
        "schedule_conflict_session",
        "ScheduleConflictSession",
        "Konflikttermin geplant",
        "Conflict session scheduled",
        conflict_id=conflict,
        starts_at=starts_at,
        duration_minutes=duration,
        location=location,
        moderator_id=moderator,
        actor_id=actor,
    )


@conflict_app.command("close")
def conflict_close(
    conflict: Annotated[int, typer.Argument(help="ID des Konflikts.")],
    reason: Annotated[str, typer.Option(help="Warum wird er ungelöst geschlossen?")],
    actor: Actor,
) -> None:
    """Konflikt ungelöst schließen (Koordination)."""
    _record(
        "close_conflict",
        "CloseConflict",
        "Konflikt ungelöst geschlossen",
        "Conflict closed unresolved",
        conflict_id=conflict,
        reason=reason,
        actor_id=actor,
    )


@conflict_app.command("escalate-overdue")
def conflict_escalate_overdue(as_json: Json = False) -> None:
    """Alle überfälligen Konflikte eine Stufe höher geben (als Koordination)."""
    from dataclasses import asdict

    from ikz.conflicts import escalate_overdue

    sweep = escalate_overdue(state.open())
    if as_json:
        emit_json(asdict(sweep))
        return
    _done(
        f"Eskaliert: {len(sweep.escalated)}, auf höchster Stufe überfällig: {len(sweep.at_top)}, "
        f"nicht möglich: {len(sweep.failed)}.",
        f"Escalated: {len(sweep.escalated)}, overdue at the top level: {len(sweep.at_top)}, "
        f"not possible: {len(sweep.failed)}.",
    )


@conflict_app.command("history")
def conflict_history(
    conflict: Annotated[int, typer.Argument(help="ID des Konflikts.")],
    as_json: Json = False,
) -> None:
    """Prüfpfad eines Konflikts: jeder Schritt mit Stufe, Person und Zeit."""
    from ikz.conflicts import conflict_steps

    rows = [r.model_dump() for r in conflict_steps(state.open(), conflict)]
    if as_json:
        emit_json(rows)
        return
    table(
        rows,
        [
            ("seq", "Nr."),
            ("action", "Schritt"),
            ("from_level", "Von"),
            ("to_level", "Nach"),
            ("actor_id", "Person"),
            ("at", "Zeit"),
        ],
    )


@conflict_app.command("list")
def conflict_list(
    cooperation: Annotated[
        int | None, typer.Option("--coop", help="Nur diese Kooperation.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Konflikte auflisten."""
    from ikz.records import conflicts

    app_ = state.open()
    if cooperation is not None:  # an unknown id is an error, not an empty list
        from models.cooperation import Cooperation
        from models.queries import require

        with app_.db.read() as s:
            require(s, Cooperation, cooperation)
    rows = [c.model_dump() for c in conflicts(app_, cooperation)]
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [
                ("id", "ID"),
                ("cooperation_id", "Koop."),
                ("level", "Stufe"),
                ("status", "Status"),
                ("subject", "Gegenstand"),
            ],
        )


# --- meetings and notifications ------------------------------------------------------


Start = Annotated[
    str, typer.Option("--start", help="Beginn, z. B. 2026-03-12T10:00 (deutsche Zeit).")
]
MeetingId = Annotated[int, typer.Argument(help="ID des Termins.")]


@meeting_app.command("schedule")
def meeting_schedule(
    cooperation: CoopId,
    kind: Annotated[str, typer.Option(help="steering_round, review, moderation, retreat, ...")],
    start: Start,
    attendee: Annotated[list[int], typer.Option(help="ID einer teilnehmenden Person (mehrfach).")],
    actor: Actor,
    duration: Annotated[int, typer.Option(help="Dauer in Minuten.")] = 90,
    notes: Annotated[str, typer.Option(help="Ort, Tagesordnung, ...")] = "",
) -> None:
    """Termin planen; die Teilnehmenden erhalten eine Kalendereinladung (.ics)."""
    from ikz.meetings import schedule_meeting
    from models.commands import ScheduleMeeting

    cmd = _parse(
        ScheduleMeeting,
        cooperation_id=cooperation,
        kind=kind,
        starts_at=start,
        duration_minutes=duration,
        attendee_ids=attendee,
        notes=notes,
        actor_id=actor,
    )
    row = schedule_meeting(state.open(), cmd)
    _done(f"Termin geplant (ID {row.id}).", f"Meeting scheduled (id {row.id}).")


@meeting_app.command("reschedule")
def meeting_reschedule(
    meeting: MeetingId,
    start: Start,
    actor: Actor,
    duration: Annotated[int | None, typer.Option(help="Neue Dauer in Minuten.")] = None,
) -> None:
    """Termin verlegen; die Einladung wird aktualisiert (gleiche UID, höhere SEQUENCE)."""
    from ikz.meetings import reschedule_meeting
    from models.commands import RescheduleMeeting

    cmd = _parse(
        RescheduleMeeting,
        meeting_id=meeting,
        starts_at=start,
        duration_minutes=duration,
        actor_id=actor,
    )
    row = reschedule_meeting(state.open(), cmd)
    _done(
        f"Termin {row.id} verlegt (Version {row.sequence}).",
        f"Meeting {row.id} rescheduled (sequence {row.sequence}).",
    )


@meeting_app.command("cancel")
def meeting_cancel(
    meeting: MeetingId,
    actor: Actor,
    reason: Annotated[str, typer.Option(help="Grund der Absage.")] = "",
) -> None:
    """Termin absagen; die Teilnehmenden erhalten eine Absage (METHOD:CANCEL)."""
    from ikz.meetings import cancel_meeting
    from models.commands import CancelMeeting

    row = cancel_meeting(
        state.open(), _parse(CancelMeeting, meeting_id=meeting, reason=reason, actor_id=actor)
    )
    _done(f"Termin {row.id} abgesagt.", f"Meeting {row.id} cancelled.")


@notify_app.command("dispatch")
def notify_dispatch(
    batch_size: Annotated[
        int, typer.Option(help="E-Mails je SMTP-Verbindung.", min=1, max=10_000)
    ] = 100,
    as_json: Json = False,
) -> None:
    """Fällige E-Mails einmal versenden (SMTP aus IKZ_SMTP_*), dann die Zählung ausgeben."""
    from dataclasses import asdict

    from ikz.mail.dispatch import dispatch_sync

    result = dispatch_sync(state.open(), batch_size=batch_size)
    if as_json:
        emit_json(asdict(result))
        return
    _done(
        f"Versendet: {result.sent} (davon in {result.digests} Zusammenfassungen), "
        f"später erneut: {result.retried}, fehlgeschlagen: {result.failed}.",
        f"Sent: {result.sent} (in {result.digests} digests), "
        f"retry later: {result.retried}, failed: {result.failed}.",
    )


@notify_app.command("status")
def notify_status(as_json: Json = False) -> None:
    """Benachrichtigungen je Status und das Alter der ältesten wartenden."""
    from ikz.mail.dispatch import outbox_status

    status = outbox_status(state.open())
    if as_json:
        emit_json(status)
        return
    counts = status["counts"]
    de_names = {
        "pending": "wartend",
        "sending": "im Versand",
        "sent": "versandt",
        "failed": "fehlgeschlagen",
    }
    for key, n in counts.items():
        typer.echo(f"{key if state.lang == 'en' else de_names.get(key, key):16} {n}")
    age = status["oldest_pending_age_seconds"]
    if age is not None:
        minutes = round(age / 60)
        _done(
            f"Älteste wartende: seit {minutes} min; fällig: {status['due']}, für Zusammenfassungen zurückgehalten: {status['held_for_digest']}.",
            f"Oldest pending: {minutes} min; due: {status['due']}, held for digests: {status['held_for_digest']}.",
        )


# --- audit, lifecycle, demo -----------------------------------------------------------


@audit_app.command("verify")
def audit_verify() -> None:
    """Alle Hash-Ketten des Prüfpfads prüfen."""
    from ikz.views import verify_audit
    from models.audit import ConflictRecord

    checked, broken, why = verify_audit(state.open())
    if isinstance(broken, ConflictRecord):
        raise IkzError(
            "audit_broken",
            f"Prüfpfad gebrochen bei Eintrag {broken.id} (Konflikt {broken.conflict_id}, Nr. {broken.seq}): {why}.",
            f"Audit chain broken at record {broken.id} (conflict {broken.conflict_id}, #{broken.seq}): {why}.",
        )
    if broken is not None:
        raise IkzError(
            "audit_broken",
            f"Prüfpfad gebrochen bei Eintrag {broken.id} (Kooperation {broken.cooperation_id}, Nr. {broken.seq}): {why}.",
            f"Audit chain broken at record {broken.id} (cooperation {broken.cooperation_id}, #{broken.seq}): {why}.",
        )
    _done(
        f"Prüfpfad in Ordnung: {checked} Einträge geprüft.",
        f"Audit trail intact: {checked} records checked.",
    )


@app.command("report")
def report(
    cooperation: CoopId,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Sprache des Berichts: de oder en.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Erfolgsbericht mit Diagrammen und Entwurf einer gemeinsamen Pressemitteilung erzeugen."""
    from ikz.report import generate_success_report
    from states.errors import InvalidInputError

    chosen = lang or state.lang
    if chosen not in ("de", "en"):
        raise InvalidInputError(
            "bad_language",
            f"--lang: unbekannte Sprache '{chosen}' (de, en).",
            f"--lang: unknown language '{chosen}' (de, en).",
        )
    result = generate_success_report(state.open(), cooperation, "en" if chosen == "en" else "de")
    if as_json:
        emit_json(
            {
                "cooperation_id": result.cooperation_id,
                "report_id": result.report_id,
                "lang": chosen,
                "folder": str(result.folder),
                "files": [str(f) for f in result.files],
            }
        )
        return
    typer.echo(
        f"Success report {result.report_id} written to {result.folder}:"
        if chosen == "en"
        else f"Erfolgsbericht {result.report_id} erzeugt in {result.folder}:"
    )
    for f in result.files:
        typer.echo(f"  {f.name}")


@app.command("portfolio")
def portfolio(
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="Nur die N dringlichsten Kooperationen."),
    ] = None,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Ausgabe als CSV (Tabellenkalkulation).")
    ] = False,
    as_json: Json = False,
) -> None:
    """Portfolio: Ampel je Erfolgsfaktor, nächster Schritt, Hinweise, Prüfung, Konflikte."""
    from ikz.portfolio import COLUMNS_EN, portfolio_view

    view = portfolio_view(state.open(), limit, state.lang)
    if as_json:
        emit_json({"total": view.total, "rows": view.rows})
    elif as_csv:
        import csv

        if view.rows:
            out = csv.DictWriter(sys.stdout, fieldnames=list(view.rows[0]), lineterminator="\n")
            out.writeheader()
            out.writerows(view.rows)
    else:
        shown = (
            "ID",
            "Kooperation",
            "Zustand",
            "Ampel",
            "Nächster Schritt",
            "Offene Punkte",
            "Nächste Prüfung",
            "Offene Konflikte",
            "Zustellfehler",
        )
        names = [COLUMNS_EN[k] for k in shown] if state.lang == "en" else shown
        table(view.rows, [(k, k) for k in names])
        if view.truncated:
            _done(
                f"({len(view.rows)} von {view.total} Kooperationen, die dringlichsten zuerst)",
                f"({len(view.rows)} of {view.total} cooperations, most urgent first)",
            )


@app.command("lifecycle")
def lifecycle(
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Als Mermaid-Zustandsdiagramm.")
    ] = False,
) -> None:
    """Den Lebenszyklus anzeigen."""
    from states.lifecycle import EDGES, STATE_LABELS
    from states.lifecycle import mermaid as to_mermaid

    if mermaid:
        typer.echo(to_mermaid())
        return
    for e in EDGES:
        src = STATE_LABELS[e.source][1 if state.lang == "en" else 0]
        dst = STATE_LABELS[e.dest][1 if state.lang == "en" else 0]
        typer.echo(f"{e.trigger.value:16} {src} -> {dst}")


@app.command("demo")
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Nichts tun, wenn schon Daten da sind.")
    ] = False,
) -> None:
    """Datenbank anlegen und ein realistisches Demo-Portfolio laden."""
    from ikz.demo import has_data, load_demo
    from models.schema import upgrade

    app_ = state.open(check_schema=False)
    upgrade(app_.db)
    if if_empty and has_data(app_):
        _done("Daten vorhanden, Demo nicht erneut geladen.", "Data present, demo not loaded again.")
        return
    summary = load_demo(app_)
    _done(
        f"Demo geladen: {summary['municipalities']} Kommunen, {summary['people']} Personen, {summary['cooperations']} Kooperationen.",
        f"Demo loaded: {summary['municipalities']} municipalities, {summary['people']} people, {summary['cooperations']} cooperations.",
    )


@app.command("up")
def up(
    port: Annotated[int, typer.Option(help="Port des Prefect-Servers und der UI.")] = 4200,
) -> None:
    """Lokalen Stack starten: Prefect-Server, alle Deployments, Mail-Sink, Demo-Daten."""
    from deployments.stack import up as run_up
    from ikz.settings import get_settings

    _resume_gc()  # runs until stopped: main() paused the GC for short commands only
    run_up(get_settings(), port=port, echo=typer.echo)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: expected errors become one line on stderr and an exit code.

    argv None means the `ikz` process itself (tests pass argv and run in-process)."""
    # Start-up (SQLAlchemy, SQLModel, pydantic, the tables, imported lazily from here on)
    # creates some 10^5 objects that live as long as the process; the cyclic GC would scan
    # them again and again while they are created, and once more at exit: together about a
    # quarter of a cold `ikz coop show`. A command is short, so the GC waits until it ends;
    # a long-running one turns it back on (`_resume_gc`).
    with gc_paused():
        try:
            _run(argv)
        finally:
            state.close()
            if argv is None:
                # The process exits next: nothing left is worth a collection, and frozen
                # objects spare the interpreter its full collection at shutdown.
                gc.freeze()


def _run(argv: list[str] | None) -> None:
    """The command; an expected error becomes one line on stderr and its exit code."""
    try:
        try:
            app(args=argv, prog_name="ikz")
        except IkzError:
            raise
        except Exception as exc:
            expected = _as_ikz_error(exc)
            if expected is None:
                raise
            raise expected from exc
    except IkzError as exc:
        typer.echo(
            f"Fehler: {exc.text(state.lang)}" if state.lang == "de" else f"Error: {exc.text('en')}",
            err=True,
        )
        sys.exit(exc.exit_code)


def _resume_gc() -> None:
    """For a long-running command: collect garbage again, leaving the start-up objects
    (frozen, they are never garbage) out of every collection."""
    gc.freeze()
    gc.enable()


def _as_ikz_error(exc: Exception) -> IkzError | None:
    """Environment problems are expected errors too: a bad IKZ_* setting, an unreachable
    or unusable database. Anything else is a bug and keeps its traceback."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, ValidationError) and exc.title == "Settings":
        parts = [
            f"IKZ_{'_'.join(str(x) for x in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        ]
        return IkzError(
            "bad_setting",
            "Ungültige Einstellung: " + "; ".join(parts),
            "Invalid setting: " + "; ".join(parts),
        )
    if isinstance(exc, OperationalError):
        why = (str(exc.orig or exc).strip().splitlines() or ["?"])[0]
        return IkzError(
            "database_unavailable",
            f"Datenbank nicht erreichbar oder nicht nutzbar: {why}",
            f"Database unreachable or unusable: {why}",
        )
    return None


if __name__ == "__main__":  # `python -m ikz.cli.main` (e.g. with -X importtime) = `ikz`
    main()
