"""Reviews, the portfolio sweep and success reports, on a real SQLite database."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from ikz.actions.conflicts import raise_conflict
from ikz.actions.signoff import answer_request, open_request
from ikz.reporting.report import generate_success_report
from ikz.review import cooperation_markdown, review_cooperation, sweep_portfolio
from ikz.review import sweep as review_sweep
from ikz.views.portfolio import portfolio_rows
from models import commands as c
from models.cooperation import Cooperation, Report, SignOff
from models.outbox import Notification
from tests.factories import World, coop_in, go, mail_link, open_coop, satisfy_explore


def _outbox(w: World, kind: str) -> list[Notification]:
    with w.app.db.read() as s:
        return list(s.exec(select(Notification).where(col(Notification.kind) == kind)).all())


def test_review_lists_what_the_next_gate_misses_and_sets_the_next_review(world: World) -> None:
    cid = open_coop(world)
    result = review_cooperation(world.app, cid)
    assert result.checklist["gate"] == "explore"
    assert [u["code"] for u in result.checklist["unmet"]] == ["informal_exchange_missing"]
    days = world.app.settings.review_cadence_days["informal_contact"]
    assert result.next_review_at == world.clock() + __import__("datetime").timedelta(days=days)
    mails = _outbox(world, "review_due")
    assert {m.recipient_id for m in mails} == {
        world.coordinator_id,
        world.partners[0].contact_id,
        world.partners[1].contact_id,
    }
    assert mails[0].context["unmet"][0]["code"] == "informal_exchange_missing"
    # A second review on the same day and version mails nobody twice.
    review_cooperation(world.app, cid)
    assert len(_outbox(world, "review_due")) == 3


def test_sweep_reviews_only_what_is_due(world: World) -> None:
    a = open_coop(world, title="A")
    b = open_coop(world, title="B")
    review_cooperation(world.app, a)
    review_cooperation(world.app, b)
    before = len(_outbox(world, "review_due"))
    res = sweep_portfolio(world.app, batch_size=1)
    assert res.cooperations == 2
    assert res.reviews_due == 0
    world.clock.advance(days=31)
    seen: list[tuple[int, int]] = []
    res = sweep_portfolio(world.app, batch_size=1, progress=lambda d, t: seen.append((d, t)))
    assert res.reviews_due == 2
    assert seen == [(1, 2), (2, 2)]
    assert len(_outbox(world, "review_due")) == before + 6


@pytest.mark.parametrize("reviewed_first", [False, True], ids=["review-due", "review-not-due"])
def test_sweep_reminds_silent_cooperations_and_only_them(
    world: World, reviewed_first: bool
) -> None:
    # Both ways, on both of the sweep's paths (with a due review and without one).
    silent = open_coop(world, title="Still")
    talking = open_coop(world, title="Im Gespräch")
    satisfy_explore(world, talking)  # an informal exchange today
    if reviewed_first:
        review_cooperation(world.app, silent)
        review_cooperation(world.app, talking)
    res = sweep_portfolio(world.app)
    assert res.silent == 1
    reminders = _outbox(world, "silence_reminder")
    assert {r.context["cooperation_id"] for r in reminders} == {silent}
    # 60 days after the exchange are not a silence yet, the 61st day is.
    world.clock.advance(days=60)
    assert sweep_portfolio(world.app).silent == 1
    world.clock.advance(days=1)
    assert sweep_portfolio(world.app).silent == 2
    told = {r.context["cooperation_id"] for r in _outbox(world, "silence_reminder")}
    assert told == {silent, talking}


def test_signoff_request_is_reminded_and_expired_when_due_and_not_before(world: World) -> None:
    cid = coop_in(world, "agreement")
    p = world.partners[0]
    cmd = c.RequestSignOff(
        cooperation_id=cid, municipality_id=p.municipality_id, actor_id=world.coordinator_id
    )
    req = open_request(world.app, cmd, "run-1", "u")
    settings = world.app.settings
    assert (settings.signoff_reminder_days, settings.signoff_timeout_days) == (3, 14)
    world.clock.advance(days=2, hours=23)
    res = sweep_portfolio(world.app)
    assert (res.signoff_reminders, res.signoff_expired) == (0, 0)
    world.clock.advance(hours=1)
    res = sweep_portfolio(world.app)
    assert (res.signoff_reminders, res.signoff_expired) == (1, 0)
    world.clock.advance(days=10, hours=23)  # an hour before the deadline
    assert sweep_portfolio(world.app).signoff_expired == 0
    with world.app.db.read() as s:
        assert s.get(type(req), req.id).status == "pending"  # type: ignore[union-attr]
    world.clock.advance(hours=1)
    assert sweep_portfolio(world.app).signoff_expired == 1
    assert sweep_portfolio(world.app).signoff_expired == 0  # expired once
    with world.app.db.read() as s:
        assert s.get(type(req), req.id).status == "expired"  # type: ignore[union-attr]


def test_sweep_reports_overdue_conflicts(world: World) -> None:
    cid = open_coop(world)
    raise_conflict(
        world.app,
        c.RaiseConflict(cooperation_id=cid, subject="Kosten", actor_id=world.coordinator_id),
    )
    assert sweep_portfolio(world.app).overdue_conflicts == 0
    world.clock.advance(days=world.app.settings.conflict_overdue_days + 1)
    res = sweep_portfolio(world.app)
    assert res.overdue_conflicts == 1
    assert _outbox(world, "conflict_overdue")[0].recipient_id == world.coordinator_id


def test_signoff_request_reminds_expires_and_records(world: World) -> None:
    cid = coop_in(world, "agreement")
    p = world.partners[0]
    cmd = c.RequestSignOff(
        cooperation_id=cid, municipality_id=p.municipality_id, actor_id=world.coordinator_id
    )
    req = open_request(world.app, cmd, "run-1", "http://ui/runs/flow-run/run-1")
    again = open_request(world.app, cmd, "run-1", "http://ui/runs/flow-run/run-1")
    assert again.id == req.id  # a resumed flow run does not ask twice
    asked = _outbox(world, "signoff_requested")
    assert [m.recipient_id for m in asked] == [p.mayor_id]
    assert asked[0].context["run_url"].endswith("run-1")
    world.clock.advance(days=world.app.settings.signoff_reminder_days)
    assert sweep_portfolio(world.app).signoff_reminders == 1
    [reminder] = _outbox(world, "signoff_reminder")
    assert reminder.recipient_id == p.mayor_id
    with world.app.db.read() as s:
        title = s.get(Cooperation, cid).title  # type: ignore[union-attr]
    assert reminder.context["title"] == title and reminder.context["gate"] == req.gate
    # The same day again: the request is not reminded twice.
    assert sweep_portfolio(world.app).signoff_reminders == 0
    # The mayor answers through the link in the request mail.
    done = answer_request(
        world.app, req.id or 0, True, "Einverstanden", proof=mail_link(p.mayor_id)
    )
    assert done.status == "signed"
    with world.app.db.read() as s:
        assert s.exec(select(SignOff).where(col(SignOff.cooperation_id) == cid)).all()
    late = open_request(
        world.app,
        cmd.model_copy(update={"municipality_id": world.partners[1].municipality_id}),
        "run-2",
        "u",
    )
    world.clock.advance(days=world.app.settings.signoff_timeout_days + 1)
    assert sweep_portfolio(world.app).signoff_expired == 1
    with world.app.db.read() as s:
        assert s.get(type(late), late.id).status == "expired"  # type: ignore[union-attr]


def test_portfolio_and_cooperation_dashboards(world: World) -> None:
    cid = coop_in(world, "agreement")
    rows = portfolio_rows(world.app)
    assert [r["ID"] for r in rows] == [cid]
    assert rows[0]["Zustand"] == "Vereinbarung"
    assert rows[0]["Nächster Schritt"] == "Pilot starten"
    md = cooperation_markdown(world.app, cid)
    assert "```mermaid" not in md
    assert "![Lebenszyklus, aktueller Zustand: Vereinbarung](data:image/svg+xml;base64," in md
    assert "Checkliste für den nächsten Schritt (Pilot starten)" in md
    assert "Jena" in md and "Weimar" in md


def test_success_report_is_recorded_filed_and_announced(world: World) -> None:
    cid = coop_in(world, "evaluation")
    report = generate_success_report(world.app, cid)
    assert report.path.exists() and report.path.parent.name == str(cid)
    text = report.path.read_text()
    assert "# Erfolgsbericht" in text and "Jena" in text and "Weimar" in text
    with world.app.db.read() as s:
        assert s.exec(select(Report).where(col(Report.cooperation_id) == cid)).all()
        assert s.get(Cooperation, cid) is not None
    assert _outbox(world, "success_report_ready")
    # The generated report counts for the make_permanent gate.
    from ikz.views.cooperation import show

    gate = next(g for g in show(world.app, cid)["gates"] if g["trigger"] == "make_permanent")
    assert "success_report_missing" not in [u["code"] for u in gate["unmet"]]
    go(world, cid, "extend_pilot")


def test_sweep_leaves_a_cooperation_changed_while_it_was_read_alone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sweep reads a batch outside the write lock: a change committed meanwhile (a
    # transition bumps the version) must not be overwritten by a review of the old state.
    a = open_coop(world, title="A")
    b = open_coop(world, title="B")
    world.clock.advance(days=31)
    with world.app.db.read() as s:
        due_at = s.get(Cooperation, a).next_review_at  # type: ignore[union-attr]
    before = {m.dedupe_key for m in _outbox(world, "review_due")}
    load = review_sweep.load_snapshots

    def load_then_change(*args: object, **kwargs: object) -> object:
        snaps = load(*args, **kwargs)  # type: ignore[arg-type]
        with world.app.db.write() as s:
            s.connection().execute(
                update(Cooperation).where(col(Cooperation.id) == a).values(version=7)
            )
        return snaps

    monkeypatch.setattr(review_sweep, "load_snapshots", load_then_change)
    res = sweep_portfolio(world.app)
    assert res.reviews_due == 1
    fresh = {
        m.context["cooperation_id"]
        for m in _outbox(world, "review_due")
        if m.dedupe_key not in before
    }
    assert fresh == {b}
    assert {r.context["cooperation_id"] for r in _outbox(world, "silence_reminder")} == {b}
    with world.app.db.read() as s:
        assert s.get(Cooperation, a).next_review_at == due_at  # type: ignore[union-attr]
        assert s.get(Cooperation, b).next_review_at > world.clock()  # type: ignore[operator,union-attr]
