"""The demo's cast and its helpers: the coordinator, the cities with their mayors and
contacts, and the steps every cooperation of the story takes through the real use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ikz.actions.cooperations import open_cooperation
from ikz.actions.facts import (
    record_agreement,
    record_benefit,
    record_communication,
    record_goal,
    record_meeting,
    record_staff,
)
from ikz.actions.lifecycle import advance
from ikz.actions.signoff import sign_off
from ikz.app import App
from ikz.demo.clock import SimClock
from models import commands as c


@dataclass
class Cast:
    app: App
    clock: SimClock
    k: int  # the coordinator who records the story
    city: dict[str, dict[str, Any]] = field(default_factory=dict)

    def mid(self, name: str) -> int:
        return int(self.city[name]["id"])

    def paper(self, name: str, text: str) -> str:
        """A scanned paper of the story (minutes, a letter), as a file in the data dir."""
        path = Path(self.app.settings.data_dir) / "demo-papers" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def coop(self, title: str, field_of_work: str, names: list[str], description: str) -> int:
        row = open_cooperation(
            self.app,
            c.OpenCooperation(
                title=title,
                field_of_work=field_of_work,
                description=description,
                partners=[
                    c.PartnerInput(
                        municipality_id=self.city[n]["id"],
                        mayor_id=self.city[n]["mayor"],
                        contact_id=self.city[n]["contact"],
                    )
                    for n in names
                ],
                actor_id=self.k,
            ),
        )
        assert row.id is not None
        return row.id

    def go(self, cid: int, trigger: str, reason: str = "", **kw: Any) -> int | None:
        res = advance(
            self.app,
            c.Advance(cooperation_id=cid, trigger=trigger, actor_id=self.k, reason=reason, **kw),
        )
        return res.follow_up_id

    def meet(self, cid: int, kind: str, names: list[str], notes: str = "") -> None:
        record_meeting(
            self.app,
            c.RecordMeeting(
                cooperation_id=cid,
                kind=kind,
                held_on=self.clock().date(),
                attendee_ids=[self.city[n]["mayor"] for n in names]
                + [self.city[n]["contact"] for n in names],
                notes=notes,
                actor_id=self.k,
            ),
        )

    def explore(self, cid: int, names: list[str], goal: str, target: str) -> None:
        self.go(cid, "explore")
        record_goal(
            self.app, c.RecordGoal(cooperation_id=cid, text=goal, target=target, actor_id=self.k)
        )

    def benefits(self, cid: int, names: list[str], benefits: list[str], confirmed: bool) -> None:
        for n, b in zip(names, benefits, strict=True):
            record_benefit(
                self.app,
                c.RecordBenefit(
                    cooperation_id=cid,
                    municipality_id=self.city[n]["id"],
                    text=b,
                    confirmed=confirmed,
                    actor_id=self.city[n]["contact"],
                ),
            )

    def explore_ready(
        self, cid: int, names: list[str], goal: str, target: str, benefits: list[str]
    ) -> None:
        self.meet(cid, "informal", names, "Erstes Gespräch am Rande des Städtetags")
        self.clock.days(21)
        self.explore(cid, names, goal, target)
        self.benefits(cid, names, benefits, confirmed=False)
        self.meet(cid, "retreat", names, "Klausur: Ziele und Nutzen je Partner")
        self.clock.days(30)
        self.go(cid, "agree")

    def pilot_prepared(self, cid: int, names: list[str], staff: str) -> None:
        """Everything the start_pilot gate asks of the partners."""
        record_agreement(
            self.app,
            c.RecordAgreement(
                cooperation_id=cid,
                kind="letter_of_intent",
                title="Absichtserklärung",
                signed_by=[self.city[n]["id"] for n in names],
                effective_on=self.clock().date(),
                actor_id=self.k,
            ),
        )
        record_staff(
            self.app,
            c.RecordStaff(
                cooperation_id=cid,
                description=staff,
                involved_on=self.clock().date(),
                actor_id=self.k,
            ),
        )
        record_communication(
            self.app,
            c.RecordCommunication(
                cooperation_id=cid,
                kind="press_release",
                title="Gemeinsame Pressemitteilung zum Pilotstart",
                planned_on=(self.clock() + timedelta(days=7)).date(),
                actor_id=self.k,
            ),
        )
        for n in names:
            # The mayors signed on paper; the coordinator records each sign-off from
            # its scan, on the mayor's behalf (proof: the document).
            paper = self.paper(
                f"freigabe-{cid}-{n}.txt",
                f"Freigabe des Pilotbetriebs (Kooperation {cid}) für {n}, "
                f"gez. {self.city[n]['mayor_name']}\n",
            )
            sign_off(
                self.app,
                c.SignOffGate(
                    cooperation_id=cid,
                    municipality_id=self.city[n]["id"],
                    document=paper,
                    actor_id=self.k,
                ),
            )

    def pilot_ready(self, cid: int, names: list[str], staff: str) -> None:
        self.pilot_prepared(cid, names, staff)
        self.clock.days(14)
        self.go(cid, "start_pilot")
