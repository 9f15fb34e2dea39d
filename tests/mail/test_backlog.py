"""A relay that cannot be reached is said where coordinators look: the backlog of mail
(and of events) and since when, in one line, and in the portfolio summary."""

from __future__ import annotations

from ikz.events.relay import relay_pending
from ikz.mail.backlog import waiting
from ikz.mail.dispatch import dispatch_sync
from ikz.views.portfolio import portfolio_view, summary_markdown
from tests.factories import World, open_coop
from tests.mail.conftest import Server, free_port, make_due, outbox, point_at

# The world's clock starts at 2026-01-05 09:00 UTC: 10:00 in Berlin.
MAIL_DE = "Mailserver nicht erreichbar: 5 E-Mails warten seit 05.01.2026, 10:00 Uhr (connect: "
MAIL_DE_END = (
    "). IKZ_SMTP_* oder den Block ikz-smtp prüfen; sie gehen raus, sobald er erreichbar ist."
)
MAIL_EN = (
    "Mail server not reachable: 5 mails waiting since 2026-01-05 10:00 (Berlin time) (connect: "
)


def test_mail_the_relay_did_not_take_is_told_with_its_count_and_since_when(world: World) -> None:
    w = world
    point_at(w.app, free_port(), smtp_timeout_seconds=2)
    open_coop(w)
    make_due(w)
    dispatch_sync(w.app)

    now = waiting(w.app)
    assert now.mail.count == 5
    de = now.mail_text("de")
    assert de is not None and de.startswith(MAIL_DE) and de.endswith(MAIL_DE_END)
    assert "SMTPConnectError" in de and "\n" not in de
    en = now.mail_text("en")
    assert en is not None and en.startswith(MAIL_EN)
    assert en.endswith("). Check IKZ_SMTP_* or the ikz-smtp block; they are sent once it is back.")
    summary = summary_markdown(portfolio_view(w.app, 500))
    assert f"> ⚠️ {MAIL_DE}" in summary


def test_nothing_is_told_when_the_relay_took_everything(world: World, smtp_server: Server) -> None:
    w = world
    point_at(w.app, free_port(), smtp_timeout_seconds=2)
    open_coop(w)
    make_due(w)
    dispatch_sync(w.app)
    assert waiting(w.app).mail.count == 5
    # The relay is back: the deferred mail goes out after its backoff, and the line goes.
    point_at(w.app, smtp_server.port)
    w.clock.advance(hours=1)
    dispatch_sync(w.app)

    assert {r.status for r in outbox(w.app)} == {"sent"}
    now = waiting(w.app)
    assert now.mail.count == 0 and now.mail_text("de") is None
    assert "Mailserver" not in summary_markdown(portfolio_view(w.app, 500))


def test_mail_that_was_never_tried_is_no_relay_trouble(world: World) -> None:
    w = world
    open_coop(w)  # queued, no dispatcher ran yet
    assert waiting(w.app).mail_text("de") is None


def test_events_are_told_when_late_or_failing_and_not_while_fresh(world: World) -> None:
    w = world
    open_coop(w)  # its event waits in the event outbox (no Prefect API here)
    fresh = waiting(w.app)
    assert fresh.events.pending == 1 and fresh.events_text("de") is None

    w.clock.advance(minutes=2)
    assert waiting(w.app).events_text("de") == (
        "Ereignisse nicht an Prefect übermittelt: 1 warten seit 05.01.2026, 10:00 Uhr; "
        "ihre Folge-Flows starten, sobald `ikz events relay` den Server erreicht."
    )

    relay_pending(w.app, f"http://127.0.0.1:{free_port()}/api")
    failing = waiting(w.app)
    text = failing.events_text("en")
    assert failing.events.failing_since == w.clock()
    assert text is not None
    assert text.startswith(
        "Events not posted to Prefect: 1 waiting since 2026-01-05 10:02 (Berlin time) (URLError"
    )
    assert text.endswith("; their follow-ups start once `ikz events relay` reaches the server.")
    summary = summary_markdown(portfolio_view(w.app, 500))
    assert (
        "> ⚠️ Ereignisse nicht an Prefect übermittelt: 1 warten seit 05.01.2026, 10:02 Uhr"
        in summary
    )
