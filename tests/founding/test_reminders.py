"""The daily sweep reminds the coordinator, a few working days ahead, of each partner's
submission deadline (Vorlage bis) for the council meeting its missing resolution can
still reach, and of a deemed approval near: once per partner and meeting, not while
paused, not once the council resolved."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from ikz.actions.council import import_council_calendar
from ikz.actions.lifecycle import advance
from ikz.mail.render import render
from ikz.review import sweep_portfolio
from ikz.settings import Settings
from models import commands as c
from models.commands_council import ImportCouncilCalendar
from models.outbox import Notification
from models.people import Person
from tests.factories import World
from tests.founding.helpers import act, agree_clauses, assess_all, coop_with, plan, resolve, sign
from tests.founding.test_calendar import BIELEFELD
from tests.mail.conftest import text_of


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _bielefeld(w: World, tmp_path: Path) -> tuple[int, list[int]]:
    """An NRW founding whose first partner's council meets 14 Jan. 2027 (submission by
    24 Dec. 2026, three weeks ahead) and 11 Feb. 2027 (by 21 Jan.); the second partner
    has no calendar."""
    cid, mids = coop_with(w, "NW")
    plan(w, cid)
    _at(w, date(2026, 12, 1))
    feed = tmp_path / "rat.ics"
    feed.write_bytes(BIELEFELD)
    import_council_calendar(
        w.app,
        ImportCouncilCalendar(municipality_id=mids[0], source=str(feed), actor_id=w.coordinator_id),
    )
    return cid, mids


def _submitted(w: World) -> int:
    """An NRW founding submitted to the authority on 4 Feb. 2026: deemed granted on
    4 March (28 days) unless the authority objects."""
    cid, mids = coop_with(w, "NW")
    plan(w, cid)
    act(w, "letter_of_intent", cid, date(2026, 1, 2))
    act(w, "draft", cid, date(2026, 1, 5))
    _at(w, date(2026, 2, 4))
    for m in mids:
        resolve(w, cid, m, date(2026, 2, 2), body="Rat")
    assess_all(w, cid, date(2026, 2, 3))
    agree_clauses(w, cid, date(2026, 2, 3))
    for m in mids:
        sign(w, cid, m, date(2026, 2, 4))
    act(w, "submission", cid, date(2026, 2, 4), reference="Az. 31.2")
    return cid


def _mails(w: World) -> list[tuple[int | None, dict[str, object], str, str, str]]:
    """Each founding reminder: recipient, context, German subject and text, English subject."""
    out = []
    with w.app.db.read() as s:
        rows = s.exec(
            select(Notification)
            .where(col(Notification.kind) == "founding_deadline")
            .order_by(col(Notification.id))
        ).all()
        coordinator = s.get(Person, w.coordinator_id)
        assert coordinator is not None
        for n in rows:
            de = render(n, coordinator, settings=w.app.settings)
            en = render(n, coordinator, "en", settings=w.app.settings)
            out.append(
                (
                    n.recipient_id,
                    dict(n.context),
                    str(de["Subject"]),
                    text_of(de, "plain"),
                    str(en["Subject"]),
                )
            )
    return out


def test_the_coordinator_is_reminded_five_working_days_before_the_deadline_once(
    world: World, tmp_path: Path
) -> None:
    cid, mids = _bielefeld(world, tmp_path)
    # 16 Dec.: six working days to 24 Dec. (17, 18, 21, 22, 23, 24): not yet.
    _at(world, date(2026, 12, 16))
    assert sweep_portfolio(world.app).founding_reminders == 0
    assert _mails(world) == []
    _at(world, date(2026, 12, 17))
    assert sweep_portfolio(world.app).founding_reminders == 1
    [(to, ctx, subject, text, subject_en)] = _mails(world)
    assert to == world.coordinator_id
    assert (ctx["municipality_id"], ctx["meets_on"], ctx["due_on"]) == (
        mids[0],
        "2027-01-14",
        "2026-12-24",
    )
    assert (
        subject
        == "[IKZ] Bauhof NW: Vorlage bis 24.12.2026: Ratssitzung Stadt Bielefeld am 14.01.2027"
    )
    assert subject_en == (
        "[IKZ] Bauhof NW: Submit by 2026-12-24: council meeting Stadt Bielefeld on 2027-01-14"
    )
    assert f"/seite/kooperation/{cid}" in text
    # The next days: the same partner and meeting, no second mail.
    _at(world, date(2026, 12, 18))
    assert sweep_portfolio(world.app).founding_reminders == 0
    assert len(_mails(world)) == 1
    # The deadline passed without a resolution: the February meeting is the target now,
    # reminded five working days before 21 Jan. (15, 18, 19, 20, 21).
    _at(world, date(2027, 1, 13))
    assert sweep_portfolio(world.app).founding_reminders == 0
    _at(world, date(2027, 1, 14))
    assert sweep_portfolio(world.app).founding_reminders == 1
    assert [m[1]["meets_on"] for m in _mails(world)] == ["2027-01-14", "2027-02-11"]


def test_no_reminder_while_paused(world: World, tmp_path: Path) -> None:
    cid, _ = _bielefeld(world, tmp_path)
    advance(
        world.app,
        c.Advance(
            cooperation_id=cid, trigger="pause", reason="Haushalt", actor_id=world.coordinator_id
        ),
    )
    _at(world, date(2026, 12, 17))
    assert sweep_portfolio(world.app).founding_reminders == 0
    assert _mails(world) == []


def test_no_reminder_once_the_council_resolved(world: World, tmp_path: Path) -> None:
    cid, mids = _bielefeld(world, tmp_path)
    resolve(world, cid, mids[0], date(2026, 11, 26), body="Rat")
    _at(world, date(2026, 12, 17))
    assert sweep_portfolio(world.app).founding_reminders == 0
    # A deferred resolution is still missing: reminded.
    resolve(world, cid, mids[0], date(2026, 12, 17), body="Rat", result="deferred")
    assert sweep_portfolio(world.app).founding_reminders == 1


def test_a_longer_reminder_setting_reminds_earlier(world: World, tmp_path: Path) -> None:
    _bielefeld(world, tmp_path)
    world.app.settings = Settings(
        data_dir=world.app.settings.data_dir, founding_reminder_working_days=6
    )
    _at(world, date(2026, 12, 16))
    assert sweep_portfolio(world.app).founding_reminders == 1


def test_a_negative_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Settings(founding_reminder_working_days=-1)


def test_the_deemed_approval_near_is_reminded_once(world: World) -> None:
    _submitted(world)
    # Deemed granted on 4 March (28 days); 24 Feb. is six working days ahead.
    _at(world, date(2026, 2, 24))
    assert sweep_portfolio(world.app).founding_reminders == 0
    _at(world, date(2026, 2, 25))
    assert sweep_portfolio(world.app).founding_reminders == 1
    _at(world, date(2026, 2, 26))
    assert sweep_portfolio(world.app).founding_reminders == 0
    [(_, ctx, subject, _, subject_en)] = _mails(world)
    assert (ctx["what"], ctx["due_on"]) == ("deemed_approval", "2026-03-04")
    assert subject == "[IKZ] Bauhof NW: Genehmigung gilt am 04.03.2026 als erteilt"
    assert subject_en == "[IKZ] Bauhof NW: Approval counts as granted on 2026-03-04"


def test_a_paused_cooperation_still_hears_of_the_deemed_approval(world: World) -> None:
    cid = _submitted(world)
    advance(
        world.app,
        c.Advance(
            cooperation_id=cid, trigger="pause", reason="Haushalt", actor_id=world.coordinator_id
        ),
    )
    _at(world, date(2026, 2, 25))
    assert sweep_portfolio(world.app).founding_reminders == 1
