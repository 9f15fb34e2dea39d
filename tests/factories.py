"""Test data in one place: an app on a fresh database and a small world of people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ikz.actions.cooperations import choose_legal_form, open_cooperation
from ikz.actions.directory import register_municipality, register_person
from ikz.actions.facts import (
    record_agreement,
    record_benefit,
    record_communication,
    record_goal,
    record_meeting,
    record_report,
    record_staff,
    record_success,
)
from ikz.actions.lifecycle import advance
from ikz.actions.signoff import sign_off
from ikz.app import App
from ikz.settings import Settings
from models import commands as c
from models.cooperation import SignOff
from models.db import connect
from models.schema import upgrade
from states.proof import Proof, ProofKind


class FakeClock:
    """A controllable clock: tests move time instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int = 0, **kw: float) -> None:
        self.now += timedelta(days=days, **kw)


def make_app(url: str, data_dir: Path, **settings: object) -> App:
    s = Settings(data_dir=data_dir, database_url=url, **settings)  # type: ignore[arg-type]
    db = connect(s.resolved_database_url())
    upgrade(db)
    return App(db=db, settings=s, clock=FakeClock())


@dataclass
class Partner:
    municipality_id: int
    mayor_id: int
    contact_id: int
    staff_id: int


@dataclass
class World:
    """A coordinator, a moderator and three municipalities with mayor, contact and staff."""

    app: App
    coordinator_id: int
    moderator_id: int
    partners: list[Partner] = field(default_factory=list)

    @property
    def clock(self) -> FakeClock:
        assert isinstance(self.app.clock, FakeClock)
        return self.app.clock


MUNIS = [
    ("Jena", "16053000", 110_700),
    ("Weimar", "16055000", 65_600),
    ("Erfurt", "16051000", 214_000),
]


def make_world(app: App) -> World:
    coord = register_person(
        app,
        c.RegisterPerson(
            name="Kora Koordinatorin", email="kora@example.org", roles=["coordinator"]
        ),
    )
    assert coord.id is not None
    mod = register_person(
        app,
        c.RegisterPerson(
            name="Max Moderator", email="max@example.org", roles=["moderator"], actor_id=coord.id
        ),
    )
    assert mod.id is not None
    w = World(app=app, coordinator_id=coord.id, moderator_id=mod.id)
    for i, (name, ags, pop) in enumerate(MUNIS):
        m = register_municipality(
            app,
            c.RegisterMunicipality(
                name=name, ags=ags, population=pop, kind="stadt", actor_id=coord.id
            ),
        )
        ids = []
        for role in ("mayor", "contact", "staff"):
            p = register_person(
                app,
                c.RegisterPerson(
                    name=f"{role.title()} {name}",
                    email=f"{role}{i}@example.org",
                    municipality_id=m.id,
                    roles=[role],
                    actor_id=coord.id,
                ),
            )
            ids.append(p.id)
        assert m.id is not None
        w.partners.append(Partner(m.id, ids[0], ids[1], ids[2]))  # type: ignore[arg-type]
    return w


def open_coop(w: World, n_partners: int = 2, title: str = "Gemeinsamer Bauhof") -> int:
    coop = open_cooperation(
        w.app,
        c.OpenCooperation(
            title=title,
            field_of_work="Bauhof",
            partners=[
                c.PartnerInput(
                    municipality_id=p.municipality_id, mayor_id=p.mayor_id, contact_id=p.contact_id
                )
                for p in w.partners[:n_partners]
            ],
            actor_id=w.coordinator_id,
        ),
    )
    assert coop.id is not None
    return coop.id


def go(w: World, cid: int, trigger: str, **kw: object) -> object:
    return advance(
        w.app, c.Advance(cooperation_id=cid, trigger=trigger, actor_id=w.coordinator_id, **kw)
    )  # type: ignore[arg-type]


# Fulfil each gate's criteria (for the partners of `cid`: the first `n` of the world).
def satisfy_explore(w: World, cid: int) -> None:
    record_meeting(
        w.app,
        c.RecordMeeting(
            cooperation_id=cid, kind="informal", held_on=w.clock().date(), actor_id=w.coordinator_id
        ),
    )


def satisfy_agree(w: World, cid: int, n: int = 2) -> None:
    record_goal(
        w.app,
        c.RecordGoal(cooperation_id=cid, text="Gemeinsam Geräte nutzen", actor_id=w.coordinator_id),
    )
    for p in w.partners[:n]:
        record_benefit(
            w.app,
            c.RecordBenefit(
                cooperation_id=cid,
                municipality_id=p.municipality_id,
                text="spart Kosten",
                actor_id=p.contact_id,
            ),
        )


def satisfy_start_pilot(w: World, cid: int, n: int = 2) -> None:
    record_agreement(
        w.app,
        c.RecordAgreement(cooperation_id=cid, kind="letter_of_intent", actor_id=w.coordinator_id),
    )
    record_staff(
        w.app,
        c.RecordStaff(
            cooperation_id=cid,
            description="Workshop",
            involved_on=w.clock().date(),
            actor_id=w.coordinator_id,
        ),
    )
    record_communication(
        w.app,
        c.RecordCommunication(cooperation_id=cid, kind="press_release", actor_id=w.coordinator_id),
    )
    for p in w.partners[:n]:
        mayor_signs_off(w, cid, p)


@contextmanager
def acting_as(app: App, proof: Proof) -> Iterator[App]:
    """Acts through `app` proven by `proof`, as a surface (gateway, mail link) sets it."""
    before = app.proof
    app.proof = proof
    try:
        yield app
    finally:
        app.proof = before


def mail_link(person_id: int) -> Proof:
    """The proof of a person who answered through the link in a mail."""
    return Proof(ProofKind.MAIL_LINK, person_id, f"<test-{person_id}@ikz-flow.test>")


def mayor_signs_off(w: World, cid: int, p: Partner, gate: str = "start_pilot") -> SignOff:
    """The mayor's own sign-off, answered through the link in the request mail."""
    with acting_as(w.app, mail_link(p.mayor_id)):
        return sign_off(
            w.app,
            c.SignOffGate(
                cooperation_id=cid,
                municipality_id=p.municipality_id,
                gate=gate,  # type: ignore[arg-type]
                actor_id=p.mayor_id,
            ),
        )


def paper_signoff(w: World, cid: int, p: Partner, text: str = "Freigabe, gez. BM") -> SignOff:
    """The coordinator records the mayor's sign-off from a scanned paper (a document)."""
    doc = Path(w.app.settings.data_dir) / f"freigabe-{cid}-{p.municipality_id}.txt"
    doc.write_text(text, encoding="utf-8")
    return sign_off(
        w.app,
        c.SignOffGate(
            cooperation_id=cid,
            municipality_id=p.municipality_id,
            document=str(doc),
            actor_id=w.coordinator_id,
        ),
    )


def satisfy_evaluate(w: World, cid: int) -> None:
    w.clock.advance(days=1)
    record_meeting(
        w.app,
        c.RecordMeeting(
            cooperation_id=cid,
            kind="steering_round",
            held_on=w.clock().date(),
            actor_id=w.coordinator_id,
        ),
    )
    w.clock.advance(days=w.app.settings.pilot_min_days)


def satisfy_make_permanent(w: World, cid: int, n: int = 2) -> None:
    record_report(
        w.app,
        c.RecordReport(cooperation_id=cid, summary="Ziele erreicht", actor_id=w.coordinator_id),
    )
    record_success(
        w.app,
        c.RecordSuccess(
            cooperation_id=cid,
            what="Winterdienst",
            made_visible="Pressemitteilung",
            actor_id=w.coordinator_id,
        ),
    )
    for p in w.partners[:n]:
        record_benefit(
            w.app,
            c.RecordBenefit(
                cooperation_id=cid,
                municipality_id=p.municipality_id,
                text="20 % gespart",
                confirmed=True,
                actor_id=p.contact_id,
            ),
        )
    choose_legal_form(
        w.app,
        c.ChooseLegalForm(
            cooperation_id=cid, legal_form="zweckvereinbarung", actor_id=w.coordinator_id
        ),
    )


SATISFY = {
    "explore": satisfy_explore,
    "agree": satisfy_agree,
    "start_pilot": satisfy_start_pilot,
    "evaluate": satisfy_evaluate,
    "make_permanent": satisfy_make_permanent,
}
FORWARD = ["explore", "agree", "start_pilot", "evaluate", "make_permanent"]


def coop_in(w: World, state: str) -> int:
    """Open a cooperation and walk it forward until it is in `state` (an active state)."""
    order = ["informal_contact", "exploration", "agreement", "pilot", "evaluation", "permanent"]
    cid = open_coop(w)
    for trig in FORWARD[: order.index(state)]:
        SATISFY[trig](w, cid)
        go(w, cid, trig)
    return cid
