"""Life after founding through its use cases: a change procedure (amendment, join,
termination, dissolution) opens only on a permanent, founded cooperation, its acts are
recorded with the founding's actions and filed under it, its effect is applied by the
act that completes it or by the daily sweep, and a follow-up takes over the legal
context. Refusals are one line and write nothing; the chains verify afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from ikz.actions.founding import apply_deemed_approvals
from ikz.actions.founding_change import apply_due_changes, open_founding_change
from ikz.review import sweep_portfolio
from ikz.views.audit import verify_trail
from ikz.views.founding import founding_view
from ikz.views.founding_page import founding_markdown
from models.audit import TransitionRecord
from models.chain import FactRecord
from models.cooperation import Cooperation, Partnership
from models.founding import FoundingChange, FoundingEvent, FoundingPlan
from models.founding_commands import OpenFoundingChange
from models.queries import load_snapshot, partnerships
from states.errors import InvalidInputError, NotFoundError
from tests.factories import World, coop_in, go, satisfy_make_permanent
from tests.founding.helpers import (
    act,
    agree_clauses,
    assess_all,
    decide,
    plan,
    resolve,
    sign,
)


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _founded(w: World) -> tuple[int, list[int]]:
    """A permanent cooperation of Jena and Weimar, founded as an NRW delegating
    agreement (approval, publication, effective the day after), on 2026-03-02."""
    _at(w, date(2026, 3, 1))
    cid = coop_in(w, "evaluation")
    satisfy_make_permanent(w, cid)
    plan(w, cid, state="NW")
    mids = [p.municipality_id for p in w.partners[:2]]
    today = date(2026, 3, 1)
    act(w, "letter_of_intent", cid, today)
    act(w, "draft", cid, today)
    assess_all(w, cid, today)
    agree_clauses(w, cid, today)
    for m in mids:
        resolve(w, cid, m, today)
        sign(w, cid, m, today)
    act(w, "submission", cid, today)
    decide(w, cid, today, "approved")
    act(w, "publication", cid, today, reference="ABl. Nr. 3")
    _at(w, date(2026, 3, 2))
    go(w, cid, "make_permanent")
    return cid, mids


def _open(w: World, cid: int, kind: str, municipality_id: int | None = None) -> FoundingChange:
    return open_founding_change(
        w.app,
        OpenFoundingChange(
            cooperation_id=cid,
            kind=kind,
            municipality_id=municipality_id,
            description="Neuer Kostenschlüssel ab 2027",
            actor_id=w.coordinator_id,
        ),
    )


def _count(w: World, model: type) -> int:
    with w.app.db.read() as s:
        return len(list(s.exec(select(model))))


def _partners(w: World, cid: int) -> list[int]:
    """The current partners, as every list of them reads them."""
    with w.app.db.read() as s:
        return [p.municipality_id for p in partnerships(s, cid)]


def _state(w: World, cid: int) -> str:
    with w.app.db.read() as s:
        coop = s.get(Cooperation, cid)
        assert coop is not None
        return coop.state


def _refused(w: World, cid: int, kind: str, mid: int | None = None) -> InvalidInputError:
    before = _count(w, FoundingChange)
    with pytest.raises(InvalidInputError) as exc:
        _open(w, cid, kind, mid)
    assert _count(w, FoundingChange) == before
    return exc.value


def _through_publication(w: World, cid: int, mids: list[int], day: date) -> None:
    for m in mids:
        resolve(w, cid, m, day)
        sign(w, cid, m, day)
    act(w, "submission", cid, day)
    decide(w, cid, day, "approved")
    act(w, "publication", cid, day, reference="ABl. Nr. 9")


# --- opening ----------------------------------------------------------------------------


def test_a_change_needs_a_permanent_founded_cooperation(world: World) -> None:
    cid = coop_in(world, "evaluation")
    satisfy_make_permanent(world, cid)
    exc = _refused(world, cid, "amendment")
    assert exc.code == "founding_not_planned"
    plan(world, cid, state="NW")
    exc = _refused(world, cid, "amendment")
    assert exc.code == "change_not_permanent"
    assert exc.de == (
        "Ein Änderungsverfahren gibt es erst für eine dauerhafte Kooperation (Stand: evaluation)."
    )
    assert exc.en == "A change procedure needs a permanent cooperation (state: evaluation)."


def test_one_change_at_a_time_and_join_only_of_a_new_partner(world: World) -> None:
    cid, mids = _founded(world)
    jena, erfurt = mids[0], world.partners[2].municipality_id
    assert _refused(world, cid, "join").code == "change_needs_partner"
    exc = _refused(world, cid, "join", jena)
    assert (exc.code, exc.de) == (
        "join_already_partner",
        "Jena ist schon Partner dieser Kooperation.",
    )
    assert _refused(world, cid, "amendment", erfurt).code == "change_partner_only_join_or_leave"
    assert _refused(world, cid, "join", 999).code == "municipality_unknown"
    change = _open(world, cid, "amendment")
    assert (change.kind, change.opened_on, change.applied_on) == (
        "amendment",
        date(2026, 3, 2),
        None,
    )
    exc = _refused(world, cid, "termination")
    assert exc.code == "change_already_open"
    assert exc.en == (
        f"A change procedure is already running (id {change.id}, amendment); complete it first."
    )


def test_an_unknown_kind_is_refused_by_the_input_model(world: World) -> None:
    with pytest.raises(ValueError, match="kind"):
        OpenFoundingChange(
            cooperation_id=1, kind="merger", description="x", actor_id=world.coordinator_id
        )


# --- a partner joins ----------------------------------------------------------------------


def test_a_join_runs_the_procedure_again_and_adds_the_partner_on_its_day(world: World) -> None:
    cid, mids = _founded(world)
    erfurt = world.partners[2].municipality_id
    change = _open(world, cid, "join", erfurt)
    view = founding_view(world.app, cid)
    assert [st["status"] for st in view["steps"]][-1] == "done"  # the founding stays done
    opened = view["change"]
    assert (opened["kind"], opened["municipality"], opened["source"]) == (
        "join",
        "Erfurt",
        "§ 24 Abs. 4 GkG NRW",
    )
    assert [(st["step"], st["status"]) for st in opened["steps"]] == [
        ("draft", "open"),
        ("resolution", "waiting"),
        ("signature", "waiting"),
        ("authority", "waiting"),
        ("publication", "waiting"),
        ("effective", "waiting"),
    ]
    act(world, "draft", cid, date(2026, 3, 2))
    page = "\n".join(founding_markdown(world.app, cid))
    assert f"**Änderungsverfahren {change.id}:** Beitritt eines Partners" in page
    assert "| Entwurf von Vereinbarung oder Satzung | erledigt | – | 2026-03-02 | – |" in page
    day = date(2026, 3, 2)
    # Erfurt is not a partner yet, but must resolve and sign as the joining one.
    _through_publication(world, cid, [*mids, erfurt], day)
    # Effective the day after publication: nothing applied yet.
    assert _partners(world, cid) == mids
    assert apply_due_changes(world.app) == []
    _at(world, date(2026, 3, 3))
    assert apply_due_changes(world.app) == [(cid, "join", date(2026, 3, 3))]
    assert apply_due_changes(world.app) == []  # once
    assert _partners(world, cid) == [*mids, erfurt]
    with world.app.db.read() as s:
        row = s.get(FoundingChange, change.id)
        assert row is not None and row.applied_on == date(2026, 3, 3)
        events = s.exec(select(FoundingEvent).where(FoundingEvent.change_id == change.id)).all()
        assert len(events) == 10  # draft, 3 resolutions, 3 signatures, receipt, decision, gazette
        kinds = [
            (r.table_name, r.op)
            for r in s.exec(
                select(FactRecord)
                .where(FactRecord.cooperation_id == cid)
                .order_by(col(FactRecord.seq))
            )
        ][-3:]
        assert kinds == [
            ("founding_event", "insert"),
            ("founding_change", "update"),
            ("partnership", "insert"),
        ]
    view = founding_view(world.app, cid)
    assert view["change"] is None
    assert [(c["kind"], c["applied_on"]) for c in view["changes"]] == [("join", "2026-03-03")]
    page = "\n".join(founding_markdown(world.app, cid))
    assert (
        "- Beitritt eines Partners: Neuer Kostenschlüssel ab 2027 (wirksam ab 2026-03-03)" in page
    )
    assert verify_trail(world.app).findings == []


def test_a_change_act_for_a_municipality_outside_it_is_refused(world: World) -> None:
    cid, _ = _founded(world)
    erfurt = world.partners[2].municipality_id
    _open(world, cid, "amendment")
    act(world, "draft", cid, date(2026, 3, 2))
    before = _count(world, FoundingEvent)
    with pytest.raises(NotFoundError) as exc:
        resolve(world, cid, erfurt, date(2026, 3, 2))
    assert exc.value.code == "not_a_partner"
    assert _count(world, FoundingEvent) == before


def test_a_change_s_approval_is_deemed_granted_by_the_sweep(world: World) -> None:
    cid, mids = _founded(world)
    change = _open(world, cid, "amendment")
    day = date(2026, 3, 2)
    act(world, "draft", cid, day)
    for m in mids:
        resolve(world, cid, m, day)
        sign(world, cid, m, day)
    act(world, "submission", cid, day)
    _at(world, date(2026, 3, 30))
    assert apply_deemed_approvals(world.app) == []  # the 28th day is not over
    _at(world, date(2026, 3, 31))
    assert apply_deemed_approvals(world.app) == [(cid, date(2026, 3, 30))]
    with world.app.db.read() as s:
        last = s.exec(select(FoundingEvent).order_by(col(FoundingEvent.id).desc())).first()
        assert last is not None
        assert (last.kind, last.change_id) == ("deemed_approval", change.id)
    steps = {st["step"]: st["status"] for st in founding_view(world.app, cid)["change"]["steps"]}
    assert (steps["authority"], steps["publication"]) == ("done", "open")


# --- a partner leaves ---------------------------------------------------------------------


def _three_partners(w: World) -> tuple[int, list[int]]:
    """The founded cooperation after Erfurt joined (effective 2026-03-03)."""
    cid, mids = _founded(w)
    erfurt = w.partners[2].municipality_id
    _open(w, cid, "join", erfurt)
    act(w, "draft", cid, date(2026, 3, 2))
    _through_publication(w, cid, [*mids, erfurt], date(2026, 3, 2))
    _at(w, date(2026, 3, 3))
    assert apply_due_changes(w.app) == [(cid, "join", date(2026, 3, 3))]
    return cid, [*mids, erfurt]


def test_a_leave_needs_a_partner_and_two_that_remain(world: World) -> None:
    cid, mids = _founded(world)
    erfurt = world.partners[2].municipality_id
    exc = _refused(world, cid, "leave", erfurt)
    assert (exc.code, exc.de) == (
        "leave_not_a_partner",
        "Erfurt ist kein Partner dieser Kooperation.",
    )
    exc = _refused(world, cid, "leave", mids[0])
    assert exc.code == "leave_too_few_partners"
    assert exc.de == (
        "Nach dem Austritt von Jena bliebe weniger als 2 Partner; stattdessen die Auflösung "
        "eröffnen (--kind dissolution)."
    )
    assert _refused(world, cid, "leave").code == "change_needs_partner"


def test_a_partner_leaves_after_resolving_and_is_no_longer_counted(world: World) -> None:
    cid, mids = _three_partners(world)
    jena, weimar, erfurt = mids
    _open(world, cid, "leave", erfurt)
    day = date(2026, 3, 3)
    act(world, "draft", cid, day)
    resolve(world, cid, jena, day)
    # The leaving partner resolves and signs with the others.
    view = founding_view(world.app, cid)["change"]
    waits = next(st for st in view["steps"] if st["step"] == "resolution")["waits_for"]
    assert waits == (
        "Ratsbeschluss fehlt: Weimar (kein Sitzungskalender); Erfurt (kein Sitzungskalender)."
    )
    for m in (weimar, erfurt):
        resolve(world, cid, m, day)
    for m in mids:
        sign(world, cid, m, day)
    act(world, "submission", cid, day)
    decide(world, cid, day, "approved")
    act(world, "publication", cid, day, reference="ABl. Nr. 10")
    assert _partners(world, cid) == mids  # effective only the day after
    _at(world, date(2026, 3, 4))
    assert apply_due_changes(world.app) == [(cid, "leave", date(2026, 3, 4))]
    assert _partners(world, cid) == [jena, weimar]
    with world.app.db.read() as s:
        coop = s.get(Cooperation, cid)
        assert coop is not None
        # The gates' snapshot counts the current partners only.
        assert [p.municipality_id for p in load_snapshot(s, coop).partners] == [jena, weimar]
        rows = s.exec(
            select(Partnership)
            .where(Partnership.cooperation_id == cid)
            .order_by(col(Partnership.id))
        ).all()
        assert [(p.municipality_id, p.left_on) for p in rows] == [
            (jena, None),
            (weimar, None),
            (erfurt, date(2026, 3, 4)),
        ]
    assert founding_view(world.app, cid)["changes"][-1]["applied_on"] == "2026-03-04"
    # Erfurt is no partner any more: no second leave, no act for it, no joining again.
    assert _refused(world, cid, "leave", erfurt).code == "leave_not_a_partner"
    assert _refused(world, cid, "join", erfurt).code == "join_former_partner"
    _open(world, cid, "amendment")
    act(world, "draft", cid, date(2026, 3, 4))
    with pytest.raises(NotFoundError) as exc:
        resolve(world, cid, erfurt, date(2026, 3, 4))
    assert exc.value.code == "not_a_partner"
    assert verify_trail(world.app).findings == []


# --- termination ends the cooperation ----------------------------------------------------


def test_termination_ends_the_cooperation_in_the_act_that_completes_it(world: World) -> None:
    cid, mids = _founded(world)
    _open(world, cid, "termination")
    _at(world, date(2026, 3, 10))
    day = date(2026, 3, 9)
    act(world, "draft", cid, day)
    for m in mids:
        resolve(world, cid, m, day)
        sign(world, cid, m, day)
    act(world, "submission", cid, day)
    decide(world, cid, day, "approved")
    assert _state(world, cid) == "permanent"
    seen: list[tuple[str, dict[str, object]]] = []
    world.app.after_commit.append(lambda kind, payload: seen.append((kind, payload)))
    # Published yesterday: effective today, so the publication itself applies it.
    act(world, "publication", cid, day, reference="ABl. Nr. 11")
    assert _state(world, cid) == "ended"
    # After the commit, the transition's event takes the fast path as a transition's does.
    assert seen == [("transition", {"cooperation_id": cid, "trigger": "end"})]
    with world.app.db.read() as s:
        rec = s.exec(
            select(TransitionRecord)
            .where(TransitionRecord.cooperation_id == cid)
            .order_by(col(TransitionRecord.seq).desc())
        ).first()
        assert rec is not None
        assert (rec.trigger, rec.from_state, rec.to_state, rec.actor_id, rec.reason) == (
            "end",
            "permanent",
            "ended",
            world.coordinator_id,
            "Kündigung wirksam ab 2026-03-10",
        )
    assert verify_trail(world.app).findings == []


def test_dissolution_by_the_sweep_is_recorded_as_the_system(world: World) -> None:
    cid, mids = _founded(world)
    _open(world, cid, "dissolution")
    act(world, "draft", cid, date(2026, 3, 2))
    _through_publication(world, cid, mids, date(2026, 3, 2))
    assert _state(world, cid) == "permanent"
    _at(world, date(2026, 3, 3))
    # The daily sweep applies it and says so.
    assert sweep_portfolio(world.app, workers=1).changes_applied == 1
    assert sweep_portfolio(world.app, workers=1).changes_applied == 0
    assert _state(world, cid) == "ended"
    with world.app.db.read() as s:
        rec = s.exec(
            select(TransitionRecord)
            .where(TransitionRecord.cooperation_id == cid)
            .order_by(col(TransitionRecord.seq).desc())
        ).first()
        assert rec is not None
        assert (rec.trigger, rec.actor_id, rec.proof_kind, rec.reason) == (
            "end",
            None,
            "system",
            "Auflösung wirksam ab 2026-03-03",
        )
    assert verify_trail(world.app).findings == []


# --- a follow-up takes over the legal context -------------------------------------------


def test_a_follow_up_inherits_state_form_and_legal_form(world: World) -> None:
    cid, mids = _founded(world)
    result = go(world, cid, "spawn_follow_up", follow_up_title="Bauhof II")
    child = result.follow_up_id  # type: ignore[attr-defined]
    with world.app.db.read() as s:
        parent_plan = s.exec(select(FoundingPlan).where(FoundingPlan.cooperation_id == cid)).one()
        child_plan = s.exec(select(FoundingPlan).where(FoundingPlan.cooperation_id == child)).one()
        coop = s.get(Cooperation, child)
        assert coop is not None
        assert coop.legal_form == "zweckvereinbarung"
    assert (child_plan.state, child_plan.form, child_plan.inherited_from_id) == (
        "NW",
        "agreement_delegating",
        cid,
    )
    assert child_plan.rules_sha256 == parent_plan.rules_sha256  # the pack is unchanged
    assert _partners(world, child) == mids
    view = founding_view(world.app, child)
    assert view["inherited_from_id"] == cid
    assert [st["status"] for st in view["steps"]][:2] == ["open", "waiting"]
    assert f"Rechtlicher Rahmen übernommen von Kooperation {cid}." in founding_markdown(
        world.app, child
    )
    assert verify_trail(world.app).findings == []


@pytest.mark.postgres
def test_join_leave_and_termination_on_postgresql_verify(pg_url: str, tmp_path: Path) -> None:
    from tests.factories import make_app, make_world

    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        cid, mids = _three_partners(w)
        _open(w, cid, "leave", mids[2])
        day = date(2026, 3, 3)
        act(w, "draft", cid, day)
        _through_publication(w, cid, mids, day)
        _at(w, date(2026, 3, 4))
        assert apply_due_changes(w.app) == [(cid, "leave", date(2026, 3, 4))]
        assert _partners(w, cid) == mids[:2]
        _open(w, cid, "termination")
        _at(w, date(2026, 3, 6))
        act(w, "draft", cid, date(2026, 3, 5))
        _through_publication(w, cid, mids[:2], date(2026, 3, 5))
        assert _state(w, cid) == "ended"
        assert verify_trail(w.app).findings == []
    finally:
        app.close()
