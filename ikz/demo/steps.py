"""The steps of the demo's founding and funding cases, each put on the agenda (ikz.demo.agenda)
for its day and recorded then through the real use cases (ikz.demo.scenes tells the
story with them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ikz.actions import founding as fo
from ikz.actions import funding as fu
from ikz.actions import funding_application as fa
from ikz.actions.clauses import record_clause
from ikz.actions.cooperations import choose_legal_form
from ikz.actions.facts import record_communication, record_staff
from ikz.actions.signoff import sign_off
from ikz.demo.agenda import Agenda
from ikz.demo.cast import Cast
from models import commands as c
from models import funding_commands as fc
from models.founding import founding_snap
from models.founding_commands import RecordClause
from states.assessment import CRITERIA, AssessmentKind
from states.clauses import EVALUATION, TERM, TERMINATION, label, recordable
from states.funding import GrantResult


@dataclass
class Steps:
    cast: Cast
    agenda: Agenda
    ids: dict[str, int] = field(default_factory=dict)
    baseline_year: dict[str, int] = field(default_factory=dict)
    refused_on: date | None = None

    def at(self, day: int, act: Callable[[], object]) -> None:
        self.agenda.at(day, act)

    def today(self) -> date:
        return self.cast.clock().date()

    def open(self, day: int, key: str, title: str, fow: str, names: list[str], text: str) -> None:
        def act() -> None:
            self.ids[key] = self.cast.coop(title, fow, names, text)
            self.cast.meet(
                self.ids[key], "informal", names, "Erstes Gespräch der Verwaltungsspitzen"
            )

        self.at(day, act)

    def explore_and_agree(
        self, day: int, key: str, names: list[str], goal: str, target: str, benefits: list[str]
    ) -> None:
        def explore() -> None:
            cid = self.ids[key]
            self.cast.explore(cid, names, goal, target)
            self.cast.benefits(cid, names, benefits, confirmed=False)
            self.cast.meet(cid, "retreat", names, "Klausur: Ziele und Nutzen je Partner")

        self.at(day, explore)
        self.at(day + 30, lambda: self.cast.go(self.ids[key], "agree"))

    def found(self, day: int, key: str, legal_form: str) -> None:
        """The legal form chosen, the founding planned and the letter of intent signed."""

        def act() -> None:
            cid = self.ids[key]
            k = self.cast.k
            choose_legal_form(
                self.cast.app,
                c.ChooseLegalForm(cooperation_id=cid, legal_form=legal_form, actor_id=k),
            )
            fo.plan_founding(self.cast.app, c.PlanFounding(cooperation_id=cid, actor_id=k))
            self.founding_act(fo.record_letter_of_intent, key, "Absichtserklärung aller Partner")

        self.at(day, act)

    def founding_act(
        self,
        use: Callable[..., object],
        key: str,
        reference: str,
        note: str = "",
        document: str = "",
    ) -> None:
        use(
            self.cast.app,
            c.RecordFoundingAct(
                cooperation_id=self.ids[key],
                on=self.today(),
                reference=reference,
                note=note,
                document=document,
                actor_id=self.cast.k,
            ),
        )

    def resolve(
        self, day: int, key: str, name: str, agenda_item: str, minutes: bool = False
    ) -> None:
        def act() -> None:
            doc = ""
            if minutes:
                doc = self.cast.paper(
                    f"beschluss-{self.ids[key]}-{name}.txt",
                    f"Auszug aus der Niederschrift des Rats der Stadt {name} vom "
                    f"{self.today():%d.%m.%Y}, {agenda_item}: Der Rat stimmt der Vereinbarung "
                    "zu und ermächtigt die Verwaltungsspitze zur Unterzeichnung.\n",
                )
            fo.record_resolution(
                self.cast.app,
                c.RecordResolution(
                    cooperation_id=self.ids[key],
                    municipality_id=self.cast.mid(name),
                    resolved_on=self.today(),
                    body=f"Rat der Stadt {name}",
                    agenda_item=agenda_item,
                    document=doc,
                    actor_id=self.cast.k,
                ),
            )

        self.at(day, act)

    def clauses(self, day: int, key: str) -> None:
        """Every clause the form's rule pack requires, and the general ones (term,
        termination, escalation, exit, evaluation), agreed in the final draft: the
        signatures need them (states.clauses)."""

        def act() -> None:
            cid = self.ids[key]
            with self.cast.app.db.read() as s:
                snap = founding_snap(cid, session=s)
            assert snap is not None
            today = self.today()
            measures: dict[str, dict[str, object]] = {
                TERM: {"term_years": 10},
                TERMINATION: {"notice_months": 12},
                EVALUATION: {"evaluation_on": today + timedelta(days=3 * 365)},
            }
            for code in recordable(snap.rules):
                record_clause(
                    self.cast.app,
                    RecordClause(
                        cooperation_id=cid,
                        clause=code,
                        text=f"{label(snap.rules, code)}: wie im abgestimmten Entwurf.",
                        agreed_on=today,
                        actor_id=self.cast.k,
                        **measures.get(code, {}),
                    ),
                )

        self.at(day, act)

    def sign(self, day: int, key: str, names: list[str]) -> None:
        def act() -> None:
            for n in names:
                fo.record_signature(
                    self.cast.app,
                    c.RecordSignature(
                        cooperation_id=self.ids[key],
                        municipality_id=self.cast.mid(n),
                        signed_on=self.today(),
                        actor_id=self.cast.k,
                    ),
                )

        self.at(day, act)

    def assess(self, day: int, key: str, delegated: bool) -> None:
        """§ 2b UStG, § 108 (6) GWB and Art. 107 AEUV, each criterion with its reason."""
        reasons = {
            "long_term_agreement": "Vereinbarung unbefristet, Kündigung frühestens nach fünf Jahren",
            "public_interest_task": "Pflichtaufgabe aller Partner",
            "cost_reimbursement_only": "Kostenerstattung nach Fallzahlen, ohne Gewinnaufschlag",
            "public_bodies_only": "Leistungen nur für die Partnerkommunen",
            "task_delegated": "Aufgabe geht über"
            if delegated
            else "Aufgabe bleibt bei den Partnern",
            "below_small_amount": "Umsatz über 17.500 EUR im Jahr",
            "cooperative_concept": "Jeder Partner bringt Personal und Fachwissen ein",
            "public_interest_only": "Ausschließlich öffentliche Zwecke",
            "market_share_below_20": "Keine Tätigkeit am offenen Markt",
            "acts_on_market": "Keine wirtschaftliche Tätigkeit",
        }
        answers = {
            "task_delegated": delegated,
            "below_small_amount": False,
            "acts_on_market": False,
        }

        def act() -> None:
            for kind in AssessmentKind:
                for crit in CRITERIA[kind]:
                    if crit.code not in reasons:
                        continue
                    fo.record_assessment(
                        self.cast.app,
                        c.RecordAssessment(
                            cooperation_id=self.ids[key],
                            kind=kind,
                            criterion=crit.code,
                            answer="ja" if answers.get(crit.code, True) else "nein",
                            reason=reasons[crit.code],
                            answered_on=self.today(),
                            actor_id=self.cast.k,
                        ),
                    )

        self.at(day, act)

    def pilot_prepared(self, day: int, key: str, names: list[str], staff: str) -> None:
        """What start_pilot asks besides the agreement (the founding's letter of intent)."""

        def act() -> None:
            cid, k, app = self.ids[key], self.cast.k, self.cast.app
            record_staff(
                app,
                c.RecordStaff(
                    cooperation_id=cid, description=staff, involved_on=self.today(), actor_id=k
                ),
            )
            record_communication(
                app,
                c.RecordCommunication(
                    cooperation_id=cid,
                    kind="press_release",
                    title="Gemeinsame Pressemitteilung zum Pilotstart",
                    planned_on=self.today() + timedelta(days=14),
                    actor_id=k,
                ),
            )
            for n in names:
                paper = self.cast.paper(
                    f"freigabe-{cid}-{n}.txt",
                    f"Freigabe des Pilotbetriebs (Kooperation {cid}) für {n}, "
                    f"gez. {self.cast.city[n]['mayor_name']}\n",
                )
                sign_off(
                    app,
                    c.SignOffGate(
                        cooperation_id=cid,
                        municipality_id=self.cast.mid(n),
                        document=paper,
                        actor_id=k,
                    ),
                )

        self.at(day, act)

    def talk(self, key: str, names: list[str], started: int, days: tuple[int, ...]) -> None:
        """The press release of the pilot's start goes out a week after it, and the partners
        keep meeting informally (factors 1 and 5)."""

        def released() -> None:
            record_communication(
                self.cast.app,
                c.RecordCommunication(
                    cooperation_id=self.ids[key],
                    kind="press_release",
                    status="done",
                    title="Pressemitteilung zum Pilotstart veröffentlicht",
                    actor_id=self.cast.k,
                ),
            )

        self.at(started + 7, released)
        for day in days:
            self.at(
                day,
                lambda: self.cast.meet(
                    self.ids[key], "informal", names, "Treffen der Amtsleitungen"
                ),
            )

    def costs(self, day: int, key: str, figures: dict[str, tuple[int, int]], after: bool) -> None:
        def act() -> None:
            if not after:
                self.baseline_year[key] = self.today().year - 1
            year = self.baseline_year[key] + (1 if after else 0)
            use = fu.record_actual if after else fu.record_baseline
            for n, (personnel, material) in figures.items():
                use(
                    self.cast.app,
                    fc.RecordCosts(
                        cooperation_id=self.ids[key],
                        municipality_id=self.cast.mid(n),
                        year=year,
                        personnel=Decimal(personnel),
                        material=Decimal(material),
                        one_off=Decimal(6_000 if after else 0),
                        note="Hochrechnung der Kämmerei" if after else "Jahresabschluss",
                        actor_id=self.cast.k,
                    ),
                )

        self.at(day, act)

    def grant(
        self, day: int, key: str, code: str, amount: int, quota: int | None, conditions: str
    ) -> None:
        def act() -> None:
            fa.record_decision(
                self.cast.app,
                fc.RecordFundingDecision(
                    cooperation_id=self.ids[key],
                    programme=code,
                    decided_on=self.today(),
                    result=GrantResult.APPROVED,
                    amount=Decimal(amount),
                    quota=Decimal(quota) if quota is not None else None,
                    conditions=conditions,
                    reference=f"Zuwendungsbescheid {self.today():%Y}-{self.ids[key]:04d}",
                    actor_id=self.cast.k,
                ),
            )

        self.at(day, act)

    def apply(self, day: int, key: str, code: str, submit_after: int, via: str) -> None:
        def prepare() -> None:
            fa.prepare_application(
                self.cast.app,
                fc.PrepareFundingApplication(
                    cooperation_id=self.ids[key],
                    programme=code,
                    prepared_on=self.today(),
                    actor_id=self.cast.k,
                ),
            )

        def submit() -> None:
            fa.submit_application(
                self.cast.app,
                fc.RecordFundingStep(
                    cooperation_id=self.ids[key],
                    programme=code,
                    on=self.today(),
                    reference=f"Eingang {via} {self.today():%Y}-{self.ids[key]:04d}",
                    actor_id=self.cast.k,
                ),
            )

        self.at(day, prepare)
        self.at(day + submit_after, submit)
