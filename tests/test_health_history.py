"""Reviews store the Kooperations-Check; artifacts, mails and the portfolio show it."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from ikz.mail.text_lifecycle import review_due
from ikz.review import cooperation_markdown, review_cooperation, sweep_portfolio
from ikz.settings import Settings
from ikz.views.health import current_check, trend
from ikz.views.portfolio import portfolio_rows
from models.health import HealthCheckRecord
from models.outbox import Notification
from states.health import HealthRules
from tests.factories import World, coop_in, go, open_coop


def _rows(w: World) -> list[HealthCheckRecord]:
    with w.app.db.read() as s:
        return list(s.exec(select(HealthCheckRecord).order_by(col(HealthCheckRecord.id))).all())


def test_each_review_stores_the_check(world: World) -> None:
    cid = open_coop(world)
    result = review_cooperation(world.app, cid)
    assert result.health is not None
    [row] = _rows(world)
    assert (row.cooperation_id, row.at, row.overall) == (cid, world.clock(), "yellow")
    assert row.colours == {str(v.factor): v.colour.value for v in result.health.verdicts}
    world.clock.advance(days=200)  # no first talk for half a year: red
    review_cooperation(world.app, cid)
    t = trend(world.app, cid)
    assert [c["overall"] for c in t["checks"]] == ["yellow", "red"]
    assert t["direction"] == "worse"


def test_the_sweep_stores_the_check_of_every_review_it_runs(world: World) -> None:
    a = open_coop(world, title="A")
    b = open_coop(world, title="B")
    sweep_portfolio(world.app, batch_size=1)
    assert sorted(r.cooperation_id for r in _rows(world)) == [a, b]
    sweep_portfolio(world.app)  # nothing due: no new rows
    assert len(_rows(world)) == 2


def test_an_ended_cooperation_adds_nothing_to_its_trend(world: World) -> None:
    cid = open_coop(world)
    go(world, cid, "end", reason="Partner abgesprungen")
    review_cooperation(world.app, cid)
    assert _rows(world) == []


def test_review_mail_carries_the_check_and_renders_it(world: World) -> None:
    cid = open_coop(world)
    review_cooperation(world.app, cid)
    with world.app.db.read() as s:
        mail = s.exec(select(Notification).where(col(Notification.kind) == "review_due")).first()
    assert mail is not None
    check = mail.context["check"]
    assert check["overall"] == "yellow"
    assert {c["code"] for c in check["concerns"]} == {
        "no_informal_exchange",
        "communication_not_planned",
    }
    de = dict(review_due(mail.context, "de").facts)["Kooperations-Check"]
    assert de.splitlines()[0] == "🟡 gelb"
    assert "🟡 Engen Austausch pflegen: Noch kein informelles Gespräch" in de
    en = dict(review_due(mail.context, "en").facts)["Cooperation check"]
    assert "🟡 Make joint successes visible: No communication measure planned" in en
    # A row queued before the check existed still renders.
    old = {k: v for k, v in mail.context.items() if k != "check"}
    assert "Kooperations-Check" not in dict(review_due(old, "de").facts)


def test_portfolio_has_the_light_as_a_word_and_the_factors_in_one_column(world: World) -> None:
    cid = coop_in(world, "pilot")
    [row] = portfolio_rows(world.app)
    assert row["ID"] == cid
    assert not [k for k in row if k[:1].isdigit()]  # no column per factor any more
    check = current_check(world.app, cid)
    assert row["Ampel"] == {"green": "grün", "yellow": "gelb", "red": "rot"}[check.overall.value]
    off = {n: c.value for n, c in check.colours().items() if c.value != "green"}
    if not off:
        assert row["Erfolgsfaktoren"] == "alle grün"
    for n in off:
        assert f"{n} " in row["Erfolgsfaktoren"]


def test_the_factors_column_names_what_is_red_and_yellow() -> None:
    from datetime import UTC, datetime

    from ikz.views.health import portfolio_marks
    from states.errors import Message
    from states.health import Colour, HealthCheck, Verdict

    def verdict(n: int, colour: Colour) -> Verdict:
        return Verdict(n, colour, (), ())

    colours = [Colour.GREEN] * 8
    colours[1], colours[4], colours[6] = Colour.RED, Colour.YELLOW, Colour.RED
    check = HealthCheck(
        1,
        datetime(2026, 1, 1, tzinfo=UTC),
        tuple(verdict(i + 1, c) for i, c in enumerate(colours)),
        Colour.RED,
        Message("x", "x", "x"),
    )
    assert portfolio_marks(check) == {
        "Ampel": "rot",
        "Erfolgsfaktoren": "rot: 2 Gemeinsamkeiten, 7 Langfristigkeit · gelb: 5 Sichtbarkeit",
    }
    assert portfolio_marks(check, "en")["Ampel"] == "red"


def test_cooperation_artifact_has_the_check_and_its_trend(world: World) -> None:
    cid = coop_in(world, "agreement")
    md = cooperation_markdown(world.app, cid)
    assert "## Kooperations-Check: " in md
    assert re.search(
        r"\| 6\. Nicht in Formalien verstricken \| !\[grün\]\(data:image/svg\+xml;base64,"
        r"[A-Za-z0-9+/=]+\) grün \|",
        md,
    )
    assert "🟢" not in md and "🔴" not in md and "🟡" not in md
    assert "Trend der letzten" not in md
    review_cooperation(world.app, cid)
    assert "Trend der letzten 1 Reviews: " in cooperation_markdown(world.app, cid)


def test_thresholds_come_from_settings(world: World) -> None:
    s = Settings(health={"agreement_warn_days": 10, "heavy_agreements": []}, silence_warn_days=7)  # type: ignore[arg-type]
    assert s.health == HealthRules(agreement_warn_days=10, heavy_agreements=frozenset())
    world.app.settings = s
    # The silence threshold is the one setting the signals use too.
    assert world.app.health_rules.silence_warn_days == 7
    assert world.app.health_rules.agreement_warn_days == 10


@pytest.mark.parametrize(
    "bad",
    [{"silence_red_dayz": 3}, {"silence_warn_days": 3}, {"conflict_red_level": "panic"}],
)
def test_bad_health_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(health=bad)  # type: ignore[arg-type]


def test_success_report_has_the_check_and_its_trend(world: World) -> None:
    from ikz.reporting.report import render_markdown

    cid = coop_in(world, "evaluation")
    review_cooperation(world.app, cid)
    md = render_markdown(world.app, cid)
    assert "## Kooperations-Check: " in md and "Trend der letzten 1 Reviews: " in md


def test_readme_documents_every_threshold_with_its_default() -> None:
    import json
    from dataclasses import fields
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Kooperations-Check", 1)[1].split("\n## ", 1)[0]
    # Documented as IKZ_* settings (IKZ_VAT_CUTOFF in the configuration table).
    shared = {"silence_warn_days", "size_ratio_warn", "vat_cutoff"}
    for f in fields(HealthRules):
        if f.name in shared:
            continue
        default = getattr(HealthRules(), f.name)
        shown = (
            json.dumps(sorted(default)) if isinstance(default, frozenset) else json.dumps(default)
        )
        assert f"`{f.name}` = {shown}" in section or f"`{f.name}` = `{shown}`" in section, f.name
