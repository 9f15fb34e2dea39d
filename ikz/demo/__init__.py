"""A realistic demo portfolio, loaded through the real use-case functions.

Real municipalities (AGS and rounded populations as published by the statistical offices);
the people are fictional. A simulated clock replays about two years of history so that
timelines, pilot durations and silences look like a real portfolio (ikz.demo.story).
"""

from __future__ import annotations

from datetime import timedelta

from ikz.app import App
from ikz.demo.clock import SimClock
from ikz.demo.story import play
from models.delivery import skip_open_mail
from models.event_outbox import skip_open
from models.people import any_municipality
from states.errors import IkzError


def has_data(app: App) -> bool:
    with app.db.read() as s:
        return any_municipality(session=s)


def load_demo(app: App) -> dict[str, int]:
    if has_data(app):
        raise IkzError(
            "demo_not_empty",
            "Die Datenbank enthält schon Daten; die Demo lädt nur in eine leere Datenbank.",
            "The database already holds data; the demo loads only into an empty one.",
        )
    real_clock = app.clock
    # Long enough ago that the whole replayed history lies in the past.
    clock = SimClock(real_clock() - timedelta(days=820))
    app.clock = clock
    try:
        # A demo lost in a power cut is loaded again: no fsync per act (about 400 of
        # them); the durable commit below makes it all durable.
        with app.db.redoable():
            summary = play(app, clock)
    finally:
        app.clock = real_clock
    # Two years of replayed history are not news: posted, their events would start a
    # storm of follow-up runs (reviews, reports) whenever a relay first runs, and their
    # mail would fill every inbox with news of 2024 on the first start.
    with app.db.write() as s:
        skip_open(session=s, now=app.clock())
        skip_open_mail(session=s, now=app.clock())
    return summary
