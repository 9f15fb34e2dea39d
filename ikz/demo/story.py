"""The demo's story: thirteen cooperations in every stage of their lifecycle, founding and
funding, told through the real use-case functions while a simulated clock replays about
two years (the founding and funding cases: ikz.demo.scenes)."""

from __future__ import annotations

from typing import Any

from ikz.actions.conflicts import escalate_conflict, raise_conflict
from ikz.actions.cooperations import choose_legal_form
from ikz.actions.directory import register_municipality, register_person
from ikz.actions.facts import (
    record_benefit,
    record_communication,
    record_decision,
    record_goal,
    record_report,
    record_success,
)
from ikz.app import App
from ikz.demo.agenda import Agenda
from ikz.demo.cast import Cast
from ikz.demo.cities import MUNICIPALITIES, NAMES
from ikz.demo.cities import slug as slug_of
from ikz.demo.clock import SimClock
from ikz.demo.scenes import schedule
from models import commands as c
from models.cooperation import Cooperation
from models.registry import Municipality, Person
from models.store import count_ids


def play(app: App, clock: SimClock) -> dict[str, int]:  # noqa: PLR0915 - a linear script
    """Replay about two years of a portfolio through the real use cases; the row counts."""
    coord = register_person(
        app,
        c.RegisterPerson(
            name="Dr. Miriam Kessler",
            email="kessler@ikz-beratung.example.org",
            roles=["coordinator"],
        ),
    )
    assert coord.id is not None
    k = coord.id
    register_person(
        app,
        c.RegisterPerson(
            name="Rainer Thal",
            email="thal@moderation.example.org",
            roles=["moderator"],
            language="de",
            actor_id=k,
        ),
    )
    register_person(
        app,
        c.RegisterPerson(
            name="Chris Morgan",
            email="morgan@ikz-beratung.example.org",
            roles=["coordinator"],
            language="en",
            actor_id=k,
        ),
    )
    city: dict[str, dict[str, Any]] = {}
    for (name, ags, pop, kind), (mf, ml, cf, cl) in zip(MUNICIPALITIES, NAMES, strict=True):
        m = register_municipality(
            app,
            c.RegisterMunicipality(name=name, ags=ags, population=pop, kind=kind, actor_id=k),
        )
        slug = slug_of(name)
        mayor = register_person(
            app,
            c.RegisterPerson(
                name=f"{mf} {ml}",
                email=f"{mf.lower()}.{ml.lower().replace('ß', 'ss')}@{slug}.example.de",
                municipality_id=m.id,
                roles=["mayor"],
                actor_id=k,
            ),
        )
        contact = register_person(
            app,
            c.RegisterPerson(
                name=f"{cf} {cl}",
                email=f"{cf.lower()}.{cl.lower()}@{slug}.example.de",
                municipality_id=m.id,
                roles=["contact", "staff"],
                actor_id=k,
            ),
        )
        city[name] = {
            "id": m.id,
            "mayor": mayor.id,
            "mayor_name": mayor.name,
            "contact": contact.id,
        }

    cast = Cast(app, clock, k, city)
    coop, go, meet = cast.coop, cast.go, cast.meet
    explore_ready, pilot_ready = cast.explore_ready, cast.pilot_ready

    # 1. Shared IT department, Jena + Weimar: permanent, and grown into a digital strategy.
    names = ["Jena", "Weimar"]
    it = coop(
        "Gemeinsame IT-Abteilung Jena-Weimar", "IT", names, "Gemeinsamer IT-Betrieb und Beschaffung"
    )
    explore_ready(
        it,
        names,
        "Gemeinsamer IT-Betrieb für beide Verwaltungen",
        "IT-Kosten je Arbeitsplatz -15 % bis Ende des Pilots",
        [
            "Geringere Betriebskosten, 24/7-Bereitschaft",
            "Zugang zu Fachpersonal, das allein nicht zu finden ist",
        ],
    )
    pilot_ready(it, names, "Workshop mit beiden IT-Teams zur Aufgabenverteilung")
    record_decision(
        app,
        c.RecordDecision(
            cooperation_id=it,
            subject="Standort des gemeinsamen Rechenzentrums",
            benefiting_municipality_id=city["Jena"]["id"],
            conceding_municipality_ids=[city["Weimar"]["id"]],
            concession="Weimar erhält den Sitz der Servicedesk-Leitung",
            decided_on=clock().date(),
            actor_id=k,
        ),
    )
    clock.days(60)
    meet(it, "steering_round", names, "Steuerungsrunde: Kennzahlen nach 2 Monaten")
    clock.days(45)
    go(it, "evaluate")
    record_success(
        app,
        c.RecordSuccess(
            cooperation_id=it,
            what="Bürgerservice-Portal für beide Städte",
            metric="Online-Anträge pro Monat",
            value="4.200",
            made_visible="Gemeinsame Pressekonferenz und Infostand auf dem Weimarer Zwiebelmarkt",
            actor_id=k,
        ),
    )
    for n in names:
        record_benefit(
            app,
            c.RecordBenefit(
                cooperation_id=it,
                municipality_id=city[n]["id"],
                text="Kosten je Arbeitsplatz um 17 % gesenkt",
                confirmed=True,
                actor_id=city[n]["contact"],
            ),
        )
    record_report(
        app, c.RecordReport(cooperation_id=it, summary="Pilot erreicht alle Ziele.", actor_id=k)
    )
    choose_legal_form(
        app, c.ChooseLegalForm(cooperation_id=it, legal_form="zweckverband", actor_id=k)
    )
    clock.days(30)
    go(it, "make_permanent", "Zweckverband gegründet")
    clock.days(60)
    go(it, "spawn_follow_up", follow_up_title="Digitalstrategie Jena-Weimar")

    # 2. Shared Bauhof, Flensburg + Neumünster: in the pilot, steering round held.
    names = ["Flensburg", "Neumünster"]
    bauhof = coop(
        "Gemeinsamer Bauhof Nord", "Bauhof", names, "Maschinenpark und Winterdienst gemeinsam"
    )
    explore_ready(
        bauhof,
        names,
        "Maschinen gemeinsam nutzen und Winterdienst abstimmen",
        "Auslastung der Großgeräte über 70 %",
        [
            "Teure Spezialgeräte müssen nicht doppelt beschafft werden",
            "Verlässlicher Winterdienst auch bei Personalengpass",
        ],
    )
    record_decision(
        app,
        c.RecordDecision(
            cooperation_id=bauhof,
            subject="Standort des gemeinsamen Gerätehofs",
            benefiting_municipality_id=city["Neumünster"]["id"],
            conceding_municipality_ids=[city["Flensburg"]["id"]],
            concession="Flensburg verzichtet auf den Standort, erhält die Leitung der Disposition",
            decided_on=clock().date(),
            actor_id=k,
        ),
    )
    pilot_ready(bauhof, names, "Personalversammlung in beiden Bauhöfen")
    clock.days(40)
    meet(bauhof, "steering_round", names, "Erste Steuerungsrunde im Pilot")

    # 3. Registry office, Brandenburg an der Havel + Potsdam: agreement, open conflict.
    names = ["Brandenburg an der Havel", "Potsdam"]
    standesamt = coop(
        "Standesamt-Kooperation Havel", "Standesamt", names, "Gemeinsame Vertretung und Trauorte"
    )
    explore_ready(
        standesamt,
        names,
        "Vertretung im Standesamt ohne Schließtage",
        "Keine Schließtage wegen Krankheit",
        ["Keine Schließtage mehr", "Entlastung in der Hochzeitssaison"],
    )
    clock.days(20)
    conflict = raise_conflict(
        app,
        c.RaiseConflict(
            cooperation_id=standesamt,
            subject="Verteilung der Trautermine am Wochenende",
            actor_id=city["Brandenburg an der Havel"]["contact"],
        ),
    )
    assert conflict.id is not None
    escalate_conflict(app, c.EscalateConflict(conflict_id=conflict.id, actor_id=k))
    escalate_conflict(app, c.EscalateConflict(conflict_id=conflict.id, actor_id=k))

    # 4. Tourism marketing, Erlangen + Fürth + Schwabach: in evaluation, visible success.
    names = ["Erlangen", "Fürth", "Schwabach"]
    tourism = coop(
        "Tourismusmarketing Städtedreieck",
        "Tourismus",
        names,
        "Gemeinsame Marke und Buchungsportal",
    )
    explore_ready(
        tourism,
        names,
        "Gemeinsame Marke für Gäste der Region",
        "Übernachtungen +10 % in zwei Jahren",
        [
            "Mehr Tagesgäste in der Innenstadt",
            "Sichtbarkeit neben Nürnberg",
            "Messeauftritte zu geteilten Kosten",
        ],
    )
    pilot_ready(tourism, names, "Workshop mit den Tourist-Informationen")
    clock.days(50)
    meet(tourism, "steering_round", names, "Steuerungsrunde: Buchungszahlen")
    record_communication(
        app,
        c.RecordCommunication(
            cooperation_id=tourism,
            kind="joint_branding",
            status="done",
            title="Gemeinsames Logo 'Städtedreieck'",
            actor_id=k,
        ),
    )
    record_success(
        app,
        c.RecordSuccess(
            cooperation_id=tourism,
            what="Gemeinsamer Stand auf der Freizeitmesse",
            metric="Besucher am Stand",
            value="3.100",
            made_visible="Bericht in den Amtsblättern aller drei Städte",
            actor_id=k,
        ),
    )
    clock.days(60)
    go(tourism, "evaluate")

    # 5. Fire brigade training, Braunschweig + Salzgitter + Wolfsburg: exploration.
    names = ["Braunschweig", "Salzgitter", "Wolfsburg"]
    fire = coop(
        "Feuerwehr-Ausbildungszentrum Südostniedersachsen",
        "Feuerwehr",
        names,
        "Gemeinsames Übungsgelände",
    )
    meet(fire, "informal", names, "Austausch der Wehrleitungen")
    clock.days(30)
    go(fire, "explore")
    record_goal(
        app, c.RecordGoal(cooperation_id=fire, text="Ein gemeinsames Übungsgelände", actor_id=k)
    )
    record_benefit(
        app,
        c.RecordBenefit(
            cooperation_id=fire,
            municipality_id=city["Salzgitter"]["id"],
            text="Realbrandausbildung vor Ort statt Anreise nach Celle",
            actor_id=city["Salzgitter"]["contact"],
        ),
    )

    # 6. Water supply, Cottbus + Frankfurt (Oder): informal contact, gone silent.
    names = ["Cottbus", "Frankfurt (Oder)"]
    water = coop(
        "Wasserversorgung Lausitz-Oder", "Wasser", names, "Notverbund und gemeinsame Labore"
    )
    meet(water, "informal", names, "Gespräch beim Städte- und Gemeindebund")

    # 7. Procurement office, Nürnberg + Schwabach: ended, with lessons learned.
    names = ["Nürnberg", "Schwabach"]
    vergabe = coop(
        "Gemeinsame Vergabestelle", "Vergabe", names, "Zentrale Vergabestelle für beide Städte"
    )
    meet(vergabe, "informal", names)

    # From here on the story runs as a dated agenda, so that the cooperations founded and
    # funded in the last half year (ikz.demo.scenes) interleave with the rest in time.
    agenda = Agenda()
    at = agenda.at
    at(40, lambda: go(vergabe, "pause", "Haushaltssperre in Schwabach"))
    at(
        130,
        lambda: go(
            vergabe,
            "end",
            "Partner zu unterschiedlich in Größe und Vergabevolumen",
            lessons_learned="Früher klären, welchen Nutzen die kleinere Kommune konkret hat.",
        ),
    )

    # The last weeks. The IT department keeps its partners talking (a strategy retreat,
    # an informal round) and tells citizens about the Zweckverband: the Kooperations-Check
    # shows it green. The Bauhof pilot meets again, with both mayors at the steering
    # round, but after well over a year it still has no plan for a permanent form and its
    # press release never went out: yellow. (Standesamt, with an escalated conflict and a
    # year in agreement, and the silent water cooperation stay red.)
    jw, nord = ["Jena", "Weimar"], ["Flensburg", "Neumünster"]
    at(139, lambda: meet(it, "retreat", jw, "Klausur: von der IT-Abteilung zur Digitalstrategie"))
    at(139, lambda: meet(bauhof, "steering_round", nord, "Steuerungsrunde: Winterdienst"))
    at(164, lambda: meet(it, "informal", jw, "Gespräch am Rande des Verbandsausschusses"))
    at(164, lambda: meet(bauhof, "informal", nord, "Treffen der Bauhofleitungen"))
    at(
        164,
        lambda: record_communication(
            app,
            c.RecordCommunication(
                cooperation_id=it,
                kind="press_release",
                status="done",
                title="Gemeinsame Pressemitteilung: Zweckverband IT Jena-Weimar gegründet",
                actor_id=k,
            ),
        ),
    )
    schedule(cast, agenda)
    agenda.run(clock)

    with app.db.read() as s:
        return {
            "municipalities": count_ids(Municipality, session=s),
            "people": count_ids(Person, session=s),
            "cooperations": count_ids(Cooperation, session=s),
        }
