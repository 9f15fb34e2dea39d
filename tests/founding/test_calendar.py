"""`ikz municipality calendar`: a council's meetings imported from an iCalendar file or
feed, and the founding's resolution step counting towards the next meeting that can
still take the item. Bad input is one line and writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import func, select

from ikz.actions.council import import_council_calendar
from ikz.actions.lifecycle import advance
from ikz.views.founding import founding_view
from ikz.views.portfolio import portfolio_view
from models import commands as c
from models.commands_council import ImportCouncilCalendar
from models.council import CalendarImport, CouncilMeeting
from models.registry import Municipality
from states.errors import IkzError
from tests.factories import World
from tests.founding.helpers import coop_with, plan


def ics(*events: tuple[str, str, str], cancelled: str = "") -> bytes:
    """A calendar of (uid, DTSTART value, summary); `cancelled` names a cancelled uid."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ratsinfo//DE"]
    for uid, start, summary in events:
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART;{start}", f"SUMMARY:{summary}"]
        if uid == cancelled:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


BIELEFELD = ics(
    ("rat-2026-11", "VALUE=DATE:20261126", "Sitzung des Rates"),
    ("rat-2027-01", "TZID=Europe/Berlin:20270114T170000", "Sitzung des Rates"),
    ("rat-2027-02", "VALUE=DATE:20270211", "Sitzung des Rates"),
    ("rat-2027-03", "VALUE=DATE:20270318", "Sitzung des Rates"),
    cancelled="rat-2027-03",
)


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _import(w: World, mid: int, source: object, **kw: object) -> object:
    return import_council_calendar(
        w.app,
        ImportCouncilCalendar(
            municipality_id=mid, source=str(source), actor_id=w.coordinator_id, **kw
        ),
    )


def _count(w: World, model: type) -> int:
    with w.app.db.read() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def test_a_calendar_file_sets_the_resolution_deadlines(world: World, tmp_path: Path) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    _at(world, date(2026, 12, 28))
    feed = tmp_path / "bielefeld.ics"
    feed.write_bytes(BIELEFELD)
    res = _import(world, mids[0], feed)
    # The January meeting's deadline (24 December) has passed: February is the next.
    assert (res.meetings, res.removed, res.lead_days) == (3, 0, 21)  # type: ignore[attr-defined]
    assert (res.next_meeting, res.submit_by) == (date(2027, 2, 11), date(2027, 1, 21))  # type: ignore[attr-defined]
    step = next(s for s in founding_view(world.app, cid)["steps"] if s["step"] == "resolution")
    assert step["due"] == "2027-02-11"
    assert step["waits_for"] == (
        "Ratsbeschluss fehlt: Stadt Bielefeld (Sitzung 11.02.2027, Vorlage bis 21.01.2027); "
        "Gemeinde Steinhagen (kein Sitzungskalender)."
    )
    row = next(r for r in portfolio_view(world.app).rows if r["ID"] == cid)
    assert row["Nächster Schritt"].endswith(" · Rat Stadt Bielefeld 11.02.2027")
    with world.app.db.read() as s:
        rec = s.exec(select(CalendarImport)).one()
    assert (rec.actor_id, rec.proof["kind"], rec.source) == (
        world.coordinator_id,
        "cli",
        str(feed),
    )


def test_a_longer_lead_time_and_a_new_import_move_the_deadline(
    world: World, tmp_path: Path
) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    _at(world, date(2026, 12, 1))
    feed = tmp_path / "rat.ics"
    feed.write_bytes(BIELEFELD)
    assert _import(world, mids[0], feed).next_meeting == date(2027, 1, 14)  # type: ignore[attr-defined]
    res = _import(world, mids[0], feed, lead_days=49)  # seven weeks: 26 Nov. is past
    assert (res.lead_days, res.next_meeting, res.submit_by) == (  # type: ignore[attr-defined]
        49,
        date(2027, 2, 11),
        date(2026, 12, 24),
    )
    with world.app.db.read() as s:
        assert s.get(Municipality, mids[0]).submission_lead_days == 49  # type: ignore[union-attr]
    # The February meeting moves to March and January's is cancelled.
    feed.write_bytes(
        ics(
            ("rat-2026-11", "VALUE=DATE:20261126", "Sitzung des Rates"),
            ("rat-2027-02", "VALUE=DATE:20270304", "Sitzung des Rates"),
        )
    )
    res = _import(world, mids[0], feed)
    assert (res.meetings, res.removed, res.lead_days) == (2, 1, 49)  # type: ignore[attr-defined]
    with world.app.db.read() as s:
        days = sorted(m.meets_on for m in s.exec(select(CouncilMeeting)))
    assert days == [date(2026, 11, 26), date(2027, 3, 4)]


def test_a_paused_cooperation_rests_its_deadlines(world: World, tmp_path: Path) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    feed = tmp_path / "rat.ics"
    feed.write_bytes(BIELEFELD)
    _at(world, date(2026, 12, 1))
    _import(world, mids[0], feed)
    advance(
        world.app,
        c.Advance(
            cooperation_id=cid, trigger="pause", reason="Haushalt", actor_id=world.coordinator_id
        ),
    )
    step = next(s for s in founding_view(world.app, cid)["steps"] if s["step"] == "resolution")
    assert step["due"] is None
    assert step["waits_for"] == (
        "Ratsbeschluss fehlt: Stadt Bielefeld, Gemeinde Steinhagen. Die Fristen ruhen, "
        "solange die Kooperation pausiert."
    )
    row = next(r for r in portfolio_view(world.app).rows if r["ID"] == cid)
    assert " · Rat" not in row["Nächster Schritt"]


@pytest.fixture
def feed_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving /rat.ics (and 404 for anything else)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/rat.ics":
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.end_headers()
                self.wfile.write(BIELEFELD)
            else:
                self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_feed_is_fetched_over_http(world: World, feed_server: str) -> None:
    _, mids = coop_with(world, "NW")
    _at(world, date(2026, 12, 1))
    res = _import(world, mids[1], f"{feed_server}/rat.ics")
    assert (res.meetings, res.next_meeting) == (3, date(2027, 1, 14))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        ("missing.ics", None, "Sitzungskalender: Datei nicht gefunden: "),
        ("kaputt.ics", b"kein Kalender", "Sitzungskalender: keine gültige iCalendar-Datei (.ics)."),
        ("leer.ics", ics(), "Sitzungskalender: enthält keine Sitzungstermine."),
        (
            "ohne-uid.ics",
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270114\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "Sitzungskalender: ein Termin ohne Beginn (DTSTART) oder UID.",
        ),
        ("ftp://example.org/rat.ics", None, "Sitzungskalender: nur Dateien und http(s)-Adressen, nicht ftp."),
    ],
)  # fmt: skip
def test_bad_calendars_are_refused_in_one_line_and_nothing_is_written(
    world: World, tmp_path: Path, source: str, content: bytes | None, message: str
) -> None:
    _, mids = coop_with(world, "NW")
    path = source if "://" in source else str(tmp_path / source)
    if content is not None:
        Path(path).write_bytes(content)
    with pytest.raises(IkzError) as exc:
        _import(world, mids[0], path)
    assert exc.value.text().startswith(message)
    assert "\n" not in exc.value.text()
    assert (_count(world, CalendarImport), _count(world, CouncilMeeting)) == (0, 0)


def test_a_feed_that_answers_404_is_refused(world: World, feed_server: str) -> None:
    _, mids = coop_with(world, "NW")
    with pytest.raises(IkzError) as exc:
        _import(world, mids[0], f"{feed_server}/fehlt.ics")
    assert exc.value.text() == f"Sitzungskalender: {feed_server}/fehlt.ics antwortet mit HTTP 404."
    assert _count(world, CalendarImport) == 0


def test_only_a_coordinator_imports_a_calendar(world: World, tmp_path: Path) -> None:
    _, mids = coop_with(world, "NW")
    feed = tmp_path / "rat.ics"
    feed.write_bytes(BIELEFELD)
    with pytest.raises(IkzError) as exc:
        import_council_calendar(
            world.app,
            ImportCouncilCalendar(
                municipality_id=mids[0], source=str(feed), actor_id=world.partners[0].mayor_id
            ),
        )
    assert exc.value.code == "policy.import_council_calendar_coordinator_only"
    assert _count(world, CalendarImport) == 0
