"""The history as people read it: German labels (English on request) and Europe/Berlin
times on the cooperation's page, in `ikz coop show` and `ikz coop history`; the JSON keeps
ISO times in UTC and codes. Expected values are written out here."""

from __future__ import annotations

from datetime import UTC, datetime

from ikz.review import cooperation_markdown
from ikz.views.cooperation import history, show
from ikz.views.local_time import local_date, local_time
from tests.factories import World, go, open_coop, satisfy_explore


def test_times_are_berlin_time_in_winter_cet_and_in_summer_cest() -> None:
    winter = datetime(2026, 12, 6, 10, 5, tzinfo=UTC)  # CET: UTC+1
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)  # CEST: UTC+2
    assert local_time(winter) == "06.12.2026, 11:05"
    assert local_time(summer) == "01.07.2026, 11:05"
    assert local_time(winter, "en") == "2026-12-06 11:05"
    assert local_time(summer, "en") == "2026-07-01 11:05"
    # As SQLite returns it (naive, UTC), and as the JSON carries it (ISO).
    assert local_time(datetime(2026, 7, 1, 9, 5)) == "01.07.2026, 11:05"
    assert local_time("2026-12-06T10:05:00+00:00") == "06.12.2026, 11:05"
    assert local_time(None) == "–"
    # Past midnight in Berlin is the next day there.
    assert local_date(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "01.07.2026"
    assert local_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "en") == "2027-01-01"


def explored_in_summer(world: World) -> int:
    """Opened on 05.01.2026 at 09:00 UTC (winter), explored 180 days later (summer)."""
    cid = open_coop(world)
    satisfy_explore(world, cid)
    world.clock.advance(days=180)
    go(world, cid, "explore")
    return cid


def test_history_has_labels_and_berlin_times_beside_the_machine_values(world: World) -> None:
    cid = explored_in_summer(world)
    opened, explored = history(world.app, cid)
    assert {k: opened[k] for k in ("at", "trigger", "from_state", "to_state")} == {
        "at": "2026-01-05T09:00:00+00:00",
        "trigger": "open",
        "from_state": None,
        "to_state": "informal_contact",
    }
    assert {k: v for k, v in opened.items() if k.endswith("_text")} == {
        "at_text": "05.01.2026, 10:00",
        "trigger_text": "Eröffnet",
        "from_text": "–",
        "to_text": "Informeller Kontakt",
        "actor_text": "Kora Koordinatorin (#1)",
    }
    assert (explored["at"], explored["trigger"], explored["to_state"]) == (
        "2026-07-04T09:00:00+00:00",
        "explore",
        "exploration",
    )
    assert (explored["at_text"], explored["trigger_text"], explored["from_text"]) == (
        "04.07.2026, 11:00",
        "Sondierung beginnen",
        "Informeller Kontakt",
    )
    [en_opened, en_explored] = history(world.app, cid, "en")
    assert (en_opened["at_text"], en_opened["trigger_text"], en_opened["to_text"]) == (
        "2026-01-05 10:00",
        "Opened",
        "Informal contact",
    )
    assert (en_explored["at_text"], en_explored["trigger_text"], en_explored["to_text"]) == (
        "2026-07-04 11:00",
        "Start exploration",
        "Exploration",
    )
    assert show(world.app, cid)["history"] == [opened, explored]


def test_the_cooperation_page_shows_the_history_in_words_and_berlin_time(world: World) -> None:
    cid = explored_in_summer(world)
    md = cooperation_markdown(world.app, cid)
    assert (
        "| 1 | 05.01.2026, 10:00 | Eröffnet | – | Informeller Kontakt | Kora Koordinatorin (#1) "
        "| Kommandozeile (Administration) | – |"
    ) in md
    assert (
        "| 2 | 04.07.2026, 11:00 | Sondierung beginnen | Informeller Kontakt | Sondierung | "
        "Kora Koordinatorin (#1) | Kommandozeile (Administration) | – |"
    ) in md
    assert "## Checkliste für den nächsten Schritt (Vereinbarung verhandeln)" in md
    verlauf = md.split("## Verlauf", 1)[1].split("## Lebenszyklus", 1)[0]
    for code in ("informal_contact", "exploration", "explore", "2026-01-05T", "+00:00"):
        assert code not in verlauf, code
