"""Times as people in Germany read them: Europe/Berlin, "06.12.2026, 11:05" in German,
"2026-12-06 11:05" in English. The database stores UTC; the JSON outputs keep ISO."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from states.errors import Language

BERLIN = ZoneInfo("Europe/Berlin")


def in_berlin(at: datetime) -> datetime:
    """`at` in Berlin time; a naive value (as SQLite returns it) is UTC."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(BERLIN)


def local_time(at: datetime | str | None, lang: Language = "de") -> str:
    """Date and minute in Berlin time; an ISO string is read first, None is a dash."""
    if at is None or at == "":
        return "–"
    local = in_berlin(datetime.fromisoformat(at) if isinstance(at, str) else at)
    return f"{local:%Y-%m-%d %H:%M}" if lang == "en" else f"{local:%d.%m.%Y, %H:%M}"


def local_date(at: datetime, lang: Language = "de") -> str:
    """The day in Berlin time: 06.12.2026 (de) or 2026-12-06 (en)."""
    day = in_berlin(at).date()
    return day.isoformat() if lang == "en" else f"{day:%d.%m.%Y}"
