"""Everything a success report shows, read once from the database into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ikz.app import App
from ikz.views.cooperation import history
from models.cooperation import Communication, Cooperation, Success
from models.facts import communications_of, decisions_of, goals_of, successes_of
from models.funding import actuals_of, baselines_of
from models.health import HealthCheckRecord, check_history
from models.people import people_by_id
from models.queries import load_snapshot, require
from states.errors import Language
from states.health import HealthCheck, check_health
from states.lifecycle import STATE_LABELS, State
from states.savings import Saving, YearCosts, savings

TREND_CHECKS = 12  # stored checks shown in the trend (the current one comes on top)


@dataclass(frozen=True)
class PartnerLine:
    municipality_id: int
    name: str
    mayor: str | None
    stated_benefit: str | None
    confirmed_benefit: str | None
    wins: int = 0  # decisions in its favour (give-and-take ledger)
    concessions: int = 0  # decisions where it conceded
    share: Decimal | None = None  # its share in the cost-sharing key, in per cent


@dataclass(frozen=True)
class Stay:
    """One stay in a lifecycle state; `end` is None while the cooperation is still there."""

    state: State
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class DecisionLine:
    subject: str
    decided_on: str
    winner: str
    conceders: list[str]
    concession: str


@dataclass(frozen=True)
class SavingsLine:
    """One partner's costs of the task before the cooperation and in the year compared
    (None: no actual costs of that year yet)."""

    name: str
    before: Decimal
    after: Decimal | None


@dataclass(frozen=True)
class SavingsData:
    """The cost comparison of the report: there only when a cost baseline exists."""

    year: int | None  # the latest year with actual costs (None: none yet)
    partners: list[SavingsLine]
    total_year: int | None  # the latest year with every partner's actual costs
    total: Saving | None


@dataclass(frozen=True)
class ReportData:
    cooperation_id: int
    title: str
    field_of_work: str
    state: State
    lang: Language
    now: datetime
    partners: list[PartnerLine]
    stays: list[Stay]
    goals: list[tuple[str, str | None]]  # (text, target)
    successes: list[Success]
    communications: list[Communication]
    decisions: list[DecisionLine]
    check: HealthCheck
    history: list[HealthCheckRecord] = field(default_factory=list)
    savings: SavingsData | None = None

    def t(self, de: str, en: str) -> str:
        return en if self.lang == "en" else de

    def state_label(self, state: State | str) -> str:
        de, en = STATE_LABELS[State(state)]
        return self.t(de, en)

    @property
    def partners_by_name(self) -> list[PartnerLine]:
        """Alphabetical: the fair order for anything that lists the partners."""
        return sorted(self.partners, key=lambda p: p.name.casefold())


def _stays(app: App, cooperation_id: int, now: datetime) -> list[Stay]:
    recs = history(app, cooperation_id)
    starts = [(State(r["to_state"]), datetime.fromisoformat(r["at"])) for r in recs]
    out = []
    for i, (state, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else None
        out.append(Stay(state, start, end))
    return out


def _savings(
    names: dict[int, str], baselines: dict[int, YearCosts], actuals: list[YearCosts]
) -> SavingsData | None:
    if not baselines:
        return None
    report = savings(list(names), baselines, actuals)
    latest = report.years[-1] if report.years else None
    complete = report.latest_complete()
    lines = [
        SavingsLine(
            name=names[m],
            before=b.costs.total,
            after=latest.partners[m].after if latest and m in latest.partners else None,
        )
        for m, b in report.baseline.items()
    ]
    return SavingsData(
        year=latest.year if latest else None,
        partners=sorted(lines, key=lambda p: p.name.casefold()),
        total_year=complete.year if complete else None,
        total=complete.total if complete else None,
    )


def gather(app: App, cooperation_id: int, lang: Language = "de") -> ReportData:
    now = app.clock()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
        goals = goals_of(cooperation_id, session=s)
        successes = successes_of(cooperation_id, session=s)
        comms = communications_of(cooperation_id, session=s)
        decisions = decisions_of(cooperation_id, session=s)
        mayor_ids = [p.mayor_id for p in snap.partners if p.mayor_id is not None]
        mayors = {pid: p.name for pid, p in people_by_id(mayor_ids, session=s).items()}
        past = check_history(s, cooperation_id, limit=TREND_CHECKS)
        baselines = baselines_of(cooperation_id, session=s)
        actuals = actuals_of(cooperation_id, session=s)
    names = {p.municipality_id: p.name for p in snap.partners}
    wins = {m: 0 for m in names}
    gives = {m: 0 for m in names}
    lines = []
    for d in decisions:
        if d.benefiting_municipality_id in wins:
            wins[d.benefiting_municipality_id] += 1
        for m in d.conceding_municipality_ids:
            if m in gives:
                gives[m] += 1
        lines.append(
            DecisionLine(
                subject=d.subject,
                decided_on=d.decided_on.isoformat(),
                winner=names.get(d.benefiting_municipality_id or 0, "–"),
                conceders=[names.get(m, str(m)) for m in d.conceding_municipality_ids],
                concession=d.concession,
            )
        )
    partners = [
        PartnerLine(
            municipality_id=p.municipality_id,
            name=p.name,
            mayor=mayors.get(p.mayor_id) if p.mayor_id is not None else None,
            stated_benefit=p.stated_benefit,
            confirmed_benefit=p.confirmed_benefit,
            wins=wins[p.municipality_id],
            concessions=gives[p.municipality_id],
            share=dict(snap.cost_key).get(p.municipality_id),
        )
        for p in snap.partners
    ]
    return ReportData(
        cooperation_id=cooperation_id,
        title=coop.title,
        field_of_work=coop.field_of_work,
        state=State(coop.state),
        lang=lang,
        now=now,
        partners=partners,
        stays=_stays(app, cooperation_id, now),
        goals=[(g.text, g.target) for g in goals],
        successes=successes,
        communications=comms,
        decisions=lines,
        check=check_health(snap, now, app.health_rules),
        history=past,
        savings=_savings(names, baselines, actuals),
    )
