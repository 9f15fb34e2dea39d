"""Founding test helpers: NRW, Bayern and Hessen partners, and the acts of a founding."""

from __future__ import annotations

from datetime import date
from typing import Any

from ikz.actions import founding as f
from ikz.actions.cooperations import choose_legal_form, open_cooperation
from ikz.actions.directory import register_municipality
from models import commands as c
from states.assessment import CRITERIA, AssessmentKind
from tests.factories import World

AGS = {
    "NW": [("Stadt Bielefeld", "05711000"), ("Gemeinde Steinhagen", "05754036")],
    "BY": [("Stadt Erlangen", "09562000"), ("Markt Heroldsberg", "09572132")],
    "HE": [("Stadt Marburg", "06534014"), ("Gemeinde Lahntal", "06534012")],
}


def coop_with(
    w: World, state: str, legal_form: str | None = "zweckvereinbarung"
) -> tuple[int, list[int]]:
    """A cooperation of two partners of `state` (by AGS), with `legal_form` chosen."""
    mids = []
    for name, ags in AGS[state]:
        m = register_municipality(
            w.app,
            c.RegisterMunicipality(
                name=name, ags=ags, population=20_000, kind="stadt", actor_id=w.coordinator_id
            ),
        )
        assert m.id is not None
        mids.append(m.id)
    coop = open_cooperation(
        w.app,
        c.OpenCooperation(
            title=f"Bauhof {state}",
            field_of_work="Bauhof",
            partners=[c.PartnerInput(municipality_id=m) for m in mids],
            actor_id=w.coordinator_id,
        ),
    )
    assert coop.id is not None
    if legal_form:
        choose_legal_form(
            w.app,
            c.ChooseLegalForm(
                cooperation_id=coop.id, legal_form=legal_form, actor_id=w.coordinator_id
            ),
        )
    return coop.id, mids


def plan(w: World, cid: int, **kw: Any) -> Any:
    return f.plan_founding(
        w.app, c.PlanFounding(cooperation_id=cid, actor_id=w.coordinator_id, **kw)
    )


def act(w: World, which: str, cid: int, on: date, **kw: Any) -> Any:
    use = getattr(f, f"record_{which}")
    return use(
        w.app, c.RecordFoundingAct(cooperation_id=cid, on=on, actor_id=w.coordinator_id, **kw)
    )


def resolve(w: World, cid: int, mid: int, on: date, **kw: Any) -> Any:
    return f.record_resolution(
        w.app,
        c.RecordResolution(
            cooperation_id=cid,
            municipality_id=mid,
            resolved_on=on,
            agenda_item="TOP 7",
            actor_id=w.coordinator_id,
            **kw,
        ),
    )


def sign(w: World, cid: int, mid: int, on: date, **kw: Any) -> Any:
    return f.record_signature(
        w.app,
        c.RecordSignature(
            cooperation_id=cid, municipality_id=mid, signed_on=on, actor_id=w.coordinator_id, **kw
        ),
    )


def answer(w: World, cid: int, kind: str, criterion: str, yes: bool, on: date, **kw: Any) -> Any:
    return f.record_assessment(
        w.app,
        c.RecordAssessment(
            cooperation_id=cid,
            kind=kind,
            criterion=criterion,
            answer="ja" if yes else "nein",
            reason="geprüft",
            answered_on=on,
            actor_id=w.coordinator_id,
            **kw,
        ),
    )


def assess_all(w: World, cid: int, on: date) -> None:
    """Every criterion answered yes (not on a market: no aid question)."""
    for kind in AssessmentKind:
        for crit in CRITERIA[kind]:
            if kind is AssessmentKind.STATE_AID:
                answer(w, cid, kind.value, "acts_on_market", False, on)
                break
            answer(w, cid, kind.value, crit.code, True, on)


def clause(w: World, cid: int, code: str, on: date, text: str = "", **kw: Any) -> Any:
    from ikz.actions.clauses import record_clause
    from models.founding_commands import RecordClause

    return record_clause(
        w.app,
        RecordClause(
            cooperation_id=cid,
            clause=code,
            text=text or f"Wortlaut {code}",
            agreed_on=on,
            actor_id=w.coordinator_id,
            **kw,
        ),
    )


def agree_clauses(w: World, cid: int, on: date) -> None:
    """Every clause the plan's rule pack requires, agreed (the term ten years, notice
    twelve months)."""
    from models.founding import founding_snap
    from states.clauses import COMPOSED, PARTNERS

    with w.app.db.read() as s:
        snap = founding_snap(cid, session=s)
    assert snap is not None
    for req in snap.rules.clauses:
        for code in COMPOSED.get(req.code, (req.code,)):
            if code == "term":
                clause(w, cid, code, on, "zehn Jahre", term_years=10)
            elif code == "termination":
                clause(w, cid, code, on, "zum Jahresende", notice_months=12)
            elif code not in PARTNERS:
                clause(w, cid, code, on)


def decide(w: World, cid: int, on: date, result: str) -> Any:
    return f.record_authority_decision(
        w.app,
        c.RecordAuthorityDecision(
            cooperation_id=cid, decided_on=on, result=result, actor_id=w.coordinator_id
        ),
    )
