"""Read model of funding: `ikz funding programmes` (every programme, validated, with its
status today), `ikz funding check ID` (the cooperation against each programme of its
state, condition by condition), `ikz funding savings ID` (the cost comparison) and the
funding section of the cooperation's page.

Money leaves here as text with its exact digits ("1234.50" in JSON, "1.234,50 €" for
people), never as a float.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from ikz.app import App
from ikz.funding import states
from models.cooperation import Cooperation
from models.founding import founding_snap
from models.funding import actuals_of, application_snaps, baselines_of, partners_of
from models.queries import require
from states.clauses import TERM, ClauseFact, latest
from states.errors import Language
from states.founding import adopted
from states.funding import PROOF_SUBMITTED, STEP_LABELS, ApplicationSnap
from states.funding_checks import (
    STATUS_LABELS,
    VERDICT_LABELS,
    FundingFacts,
    ProgrammeCheck,
    check_programme,
)
from states.funding_deadlines import commitment_until, de_date, proof_due
from states.fundingprogramme import Programme, Source
from states.health.factors_funding import commitment_watch
from states.lifecycle import State
from states.savings import Saving, SavingsReport, savings


def _t(pair: tuple[str, str], lang: Language) -> str:
    return pair[1] if lang == "en" else pair[0]


def money(value: Decimal | None) -> str | None:
    """Exact digits for machines: '1234.50'."""
    return None if value is None else str(value)


def euro(value: Decimal | None, lang: Language = "de") -> str:
    """Money for people: '1.234,50 €' (English: '€1,234.50')."""
    if value is None:
        return "–"
    text = f"{value:,.2f}"
    if lang == "en":
        return f"€{text}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " €"


def percent(value: Decimal | None, lang: Language = "de") -> str:
    if value is None:
        return "–"
    text = f"{value} %"
    return text if lang == "en" else text.replace(".", ",")


def _source(src: Source) -> dict[str, Any]:
    return {
        "title": src.title,
        "url": str(src.url) if src.url else None,
        "verified": src.verified,
        "note": src.note or None,
    }


def programmes_view(app: App) -> list[dict[str, Any]]:
    """Every programme (each file validated on load) with its status today."""
    today = app.clock().date()
    out = []
    for f in states(app.settings.funding_programmes_dir).values():
        for p in f.programmes:
            a = p.amounts
            out.append(
                {
                    "state": f.state,
                    "code": p.code,
                    "name": p.name,
                    "status": p.status(today),
                    "valid_from": p.valid_from.isoformat(),
                    "valid_until": p.valid_until.isoformat() if p.valid_until else None,
                    "window": (
                        f"{p.window.opens_on.isoformat()}..{p.window.closes_on.isoformat()}"
                        if p.window
                        else None
                    ),
                    "max_amount": money(a.max_amount),
                    "priority_region_max": money(a.priority_region_max),
                    "per_additional_partner": money(a.per_additional_partner),
                    "max_quota_percent": money(a.max_quota_percent),
                    "verified": p.verified,
                    "source": _source(p.source),
                }
            )
    return out


def _report(s: Session, cooperation_id: int, partner_ids: list[int]) -> SavingsReport:
    return savings(
        partner_ids,
        baselines_of(cooperation_id, session=s),
        actuals_of(cooperation_id, session=s),
    )


def _facts(s: Session, coop: Cooperation) -> tuple[FundingFacts, list[str], ClauseFact | None]:
    """What the records say about the cooperation, its partners' AGS and the agreement's
    recorded term (ikz founding clause term; None: not recorded)."""
    assert coop.id is not None
    parts = partners_of(coop.id, session=s)
    ids = [m for m, _, _ in parts]
    snap = founding_snap(coop.id, session=s)
    term = latest(snap.clauses).get(TERM) if snap is not None else None
    facts = FundingFacts(
        partner_ids=tuple(ids),
        partner_names={m: n for m, n, _ in parts},
        adopted_resolutions=frozenset(adopted(snap)) if snap is not None else None,
        pilot_started_on=coop.pilot_started_at.date() if coop.pilot_started_at else None,
        term_years=term.term_years if term is not None else None,
        open_ended=term.open_ended if term is not None else False,
        savings=_report(s, coop.id, ids),
    )
    return facts, [a for _, _, a in parts], term


def _programmes_for(app: App, ags: list[str]) -> list[tuple[str, Programme]]:
    """The programmes of every state a partner belongs to (by its AGS prefix)."""
    prefixes = {a[:2] for a in ags}
    return [
        (f.state, p)
        for f in states(app.settings.funding_programmes_dir).values()
        if f.ags_prefix in prefixes
        for p in f.programmes
    ]


@dataclass(frozen=True)
class _Watch:
    """What the commitment watch reads besides the application."""

    state: State
    partners: int
    term: ClauseFact | None
    today: date


def _application_json(
    a: ApplicationSnap | None, lang: Language, watch: _Watch
) -> dict[str, Any] | None:
    if a is None:
        return None
    d = a.decision
    due = proof_due(a)
    until = commitment_until(a)
    proof = a.first(PROOF_SUBMITTED)
    return {
        "proof_due": due.isoformat() if due else None,
        "proof_submitted_on": proof.on.isoformat() if proof else None,
        "proof_overdue": bool(due and proof is None and watch.today > due),
        "commitment_until": until.isoformat() if until else None,
        "commitment": [
            {"level": colour.value, "code": m.code, "text": m.text(lang)}
            for colour, m in commitment_watch(
                a, watch.state, watch.partners, watch.term, watch.today
            )
        ],
        "status": a.status,
        "status_label": _t(STEP_LABELS[a.status], lang),
        "prepared_on": a.prepared_on.isoformat(),
        "submitted_on": a.submitted_on.isoformat() if a.submitted_on else None,
        "decision": d.result if d else None,
        "approved_amount": money(d.amount) if d else None,
        "quota": money(d.quota) if d else None,
        "paid": money(a.paid_total),
        "early_start_on": a.of("early_start")[0].on.isoformat() if a.of("early_start") else None,
        "steps": [
            {
                "kind": st.kind,
                "label": _t(STEP_LABELS[st.kind], lang),
                "on": st.on.isoformat(),
                "result": st.result or None,
                "amount": money(st.amount),
            }
            for st in a.steps
        ],
    }


def _check_json(
    state: str,
    chk: ProgrammeCheck,
    application: ApplicationSnap | None,
    lang: Language,
    watch: _Watch,
) -> dict[str, Any]:
    p = chk.programme
    o = p.obligations
    return {
        "state": state,
        "code": p.code,
        "name": p.name,
        "verdict": chk.verdict,
        "verdict_label": _t(VERDICT_LABELS[chk.verdict], lang),
        "valid_until": p.valid_until.isoformat() if p.valid_until else None,
        "authority": p.authority,
        "channel": p.channel,
        "max_grant": money(chk.max_grant),
        "max_quota_percent": money(p.amounts.max_quota_percent),
        "verified": p.verified,
        "conditions": [
            {
                "check": r.condition.check.value,
                "label": r.condition.label,
                "status": r.status,
                "status_label": _t(STATUS_LABELS[r.status], lang),
                "reason": r.why.text(lang),
                "source": _source(r.condition.source),
            }
            for r in chk.results
        ],
        "documents": [{"code": d.code, "label": d.label} for d in p.documents],
        "obligations": {
            "proof_of_use_months": o.proof_of_use_months,
            "commitment_years": o.commitment_years,
            "savings_target_percent": money(o.savings_target_percent),
        },
        "source": _source(p.source),
        "application": _application_json(application, lang, watch),
    }


def check_view(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    today = app.clock().date()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        facts, ags, term = _facts(s, coop)
        snaps = application_snaps([cooperation_id], session=s)
    apps = {a.programme: a for a in snaps.get(cooperation_id, ())}
    watch = _Watch(State(coop.state), len(facts.partner_ids), term, today)
    out = []
    for state, p in _programmes_for(app, ags):
        a = apps.get(p.code)
        # The application's submission is the one the conditions look at.
        mine = replace(facts, applied_on=a.submitted_on if a else None)
        out.append(_check_json(state, check_programme(p, mine, today), a, lang, watch))
    return {
        "cooperation_id": cooperation_id,
        "title": coop.title,
        "on": today.isoformat(),
        "programmes": out,
    }


def _saving_json(sv: Saving) -> dict[str, Any]:
    return {
        "before": money(sv.before),
        "after": money(sv.after),
        "saved": money(sv.saved),
        "percent": money(sv.percent),
    }


def savings_view(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        parts = partners_of(cooperation_id, session=s)
        report = _report(s, cooperation_id, [m for m, _, _ in parts])
    names = {m: n for m, n, _ in parts}
    return {
        "cooperation_id": cooperation_id,
        "title": coop.title,
        "baseline": [
            {
                "municipality_id": m,
                "municipality": names[m],
                "year": b.year,
                "personnel": money(b.costs.personnel),
                "material": money(b.costs.material),
                "one_off": money(b.costs.one_off),
                "total": money(b.costs.total),
            }
            for m, b in report.baseline.items()
        ],
        "without_baseline": [names[m] for m in report.without_baseline],
        "years": [
            {
                "year": y.year,
                "complete": y.complete,
                "missing": [names[m] for m in y.missing],
                "partners": [
                    {"municipality_id": m, "municipality": names[m], **_saving_json(sv)}
                    for m, sv in y.partners.items()
                ],
                "total": _saving_json(y.total) if y.complete else None,
            }
            for y in report.years
        ],
    }


def funding_markdown(app: App, cooperation_id: int) -> list[str]:
    """The funding section of the cooperation's page (German): each programme of its
    state with its verdict and conditions, and the savings per year."""
    check = check_view(app, cooperation_id, "de")
    sav = savings_view(app, cooperation_id, "de")
    if not check["programmes"] and not sav["baseline"]:
        return []
    lines = ["", "## Förderung", ""]
    marks = {"met": "✓", "unmet": "✗", "unknown": "?"}
    for p in check["programmes"]:
        head = f"**{p['name']}** ({p['state']}): {p['verdict_label']}"
        if p["max_grant"]:
            head += f" · bis {euro(Decimal(p['max_grant']))}"
        if p["max_quota_percent"]:
            head += f", höchstens {percent(Decimal(p['max_quota_percent']))}"
        if not p["verified"]:
            head += " · _Angaben ungeprüft_"
        if p["application"]:
            a = p["application"]
            head += f" · Antrag: {a['status_label']}"
            if a["approved_amount"]:
                head += f", bewilligt {euro(Decimal(a['approved_amount']))}"
        lines += [head, ""]
        lines += [f"- {line}" for line in deadline_lines(p["application"], "de")]
        lines += [f"- {marks[c['status']]} {c['label']}: {c['reason']}" for c in p["conditions"]]
        lines.append("")
    if sav["years"]:
        lines += [
            "| Jahr | Kommune | vorher | nachher | eingespart | % |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for y in sav["years"]:
            rows = [(r["municipality"], r) for r in y["partners"]]
            if y["total"]:
                rows.append(("**gesamt**", y["total"]))
            for name, r in rows:
                lines.append(
                    f"| {y['year']} | {name} | {euro(Decimal(r['before']))} | "
                    f"{euro(Decimal(r['after']))} | {euro(Decimal(r['saved']))} | "
                    f"{percent(Decimal(r['percent'])) if r['percent'] else '–'} |"
                )
            if y["missing"]:
                lines.append(f"| {y['year']} | fehlt: {', '.join(y['missing'])} | | | | |")
    elif sav["baseline"]:
        lines.append("Ausgangskosten erfasst, noch keine Ist-Kosten (ikz funding actual).")
    return lines


def deadline_lines(application: dict[str, Any] | None, lang: Language) -> list[str]:
    """An application's proof-of-use deadline and its commitment, for people."""
    if application is None:
        return []
    en = lang == "en"
    out: list[str] = []
    due = application["proof_due"]
    if due and application["proof_submitted_on"]:
        out.append(
            f"Proof of use due {due}, submitted {application['proof_submitted_on']}."
            if en
            else f"Verwendungsnachweis fällig am {de_date(date.fromisoformat(due))}, "
            f"eingereicht am {de_date(date.fromisoformat(application['proof_submitted_on']))}."
        )
    elif due:
        late = application["proof_overdue"]
        out.append(
            f"Proof of use due {due}{' (overdue)' if late else ''}."
            if en
            else f"Verwendungsnachweis fällig am {de_date(date.fromisoformat(due))}"
            f"{' (überfällig)' if late else ''}."
        )
    out += [c["text"] for c in application["commitment"]]
    return out
