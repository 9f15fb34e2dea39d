"""Reading a council's meeting calendar: an iCalendar file or an http(s) feed, each
VEVENT a meeting (its UID, the day it takes place in Europe/Berlin, its SUMMARY).
Anything else is refused in one line and nothing is stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from states.errors import InvalidInputError

BERLIN = ZoneInfo("Europe/Berlin")
MAX_BYTES = 5_000_000  # a council's calendar of several years is a few hundred kB
FETCH_SECONDS = 15.0
MAX_MEETINGS = 5_000


@dataclass(frozen=True)
class Calendar:
    source: str
    sha256: str
    meetings: tuple[tuple[str, date, str], ...]  # (uid, day, body)


def _bad(de: str, en: str) -> InvalidInputError:
    return InvalidInputError("calendar_invalid", de, en)


def read_source(source: str) -> bytes:
    """The calendar's bytes from a file or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        return _fetch(source)
    if "://" in source:
        raise _bad(
            f"Sitzungskalender: nur Dateien und http(s)-Adressen, nicht {source.split(':', maxsplit=1)[0]}.",
            f"Council calendar: files and http(s) addresses only, not {source.split(':', maxsplit=1)[0]}.",
        )
    path = Path(source).expanduser()
    if not path.is_file():
        raise _bad(
            f"Sitzungskalender: Datei nicht gefunden: {source}",
            f"Council calendar: file not found: {source}",
        )
    if path.stat().st_size > MAX_BYTES:
        raise _bad(
            "Sitzungskalender: Datei größer als 5 MB.", "Council calendar: file larger than 5 MB."
        )
    return path.read_bytes()


def _fetch(url: str) -> bytes:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=FETCH_SECONDS, follow_redirects=True) as r:
            if r.status_code != 200:
                raise _bad(
                    f"Sitzungskalender: {url} antwortet mit HTTP {r.status_code}.",
                    f"Council calendar: {url} answers HTTP {r.status_code}.",
                )
            data = b""
            for chunk in r.iter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise _bad(
                        "Sitzungskalender: Feed größer als 5 MB.",
                        "Council calendar: feed larger than 5 MB.",
                    )
            return data
    except httpx.HTTPError as exc:
        raise _bad(
            f"Sitzungskalender: {url} nicht erreichbar ({type(exc).__name__}).",
            f"Council calendar: {url} unreachable ({type(exc).__name__}).",
        ) from None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # a floating time: the council's own, i.e. local
            return value.date()
        return value.astimezone(BERLIN).date()
    if isinstance(value, date):
        return value
    return None


def parse(source: str, data: bytes) -> Calendar:
    """The meetings of an iCalendar text; refused if it is none or holds none."""
    from icalendar import Calendar as ICal

    try:
        cal = ICal.from_ical(data)
    except Exception:  # icalendar raises ValueError and others on any malformed input
        raise _bad(
            "Sitzungskalender: keine gültige iCalendar-Datei (.ics).",
            "Council calendar: not a valid iCalendar file (.ics).",
        ) from None
    meetings: dict[str, tuple[str, date, str]] = {}
    for event in cal.walk("VEVENT"):
        start = event.get("DTSTART")
        day = _day(start.dt) if start is not None else None
        uid = str(event.get("UID") or "").strip()
        if day is None or not uid:
            raise _bad(
                "Sitzungskalender: ein Termin ohne Beginn (DTSTART) oder UID.",
                "Council calendar: an event without a start (DTSTART) or UID.",
            )
        if str(event.get("STATUS") or "").upper() == "CANCELLED":
            continue
        body = " ".join(str(event.get("SUMMARY") or "").split())[:200]
        meetings[uid[:255]] = (uid[:255], day, body)
    if not meetings:
        raise _bad(
            "Sitzungskalender: enthält keine Sitzungstermine.",
            "Council calendar: holds no meetings.",
        )
    if len(meetings) > MAX_MEETINGS:
        raise _bad(
            "Sitzungskalender: mehr als 5000 Termine.", "Council calendar: over 5,000 events."
        )
    digest = hashlib.sha256(data).hexdigest()
    return Calendar(source, digest, tuple(sorted(meetings.values(), key=lambda m: m[1])))
