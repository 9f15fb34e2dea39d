"""A generated portfolio of `n` cooperations, written with bulk inserts (not the use cases).

Realistic enough for the sweep: 2-4 partners each from a pool of municipalities with a
mayor and a contact, goals, held and scheduled meetings, agreements and sign-offs from the
pilot on, some conflicts, and a spread of states and review dates (about 40 % due). No
transition records: the sweep does not read them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel

from models.db import Database

NOW = datetime.now(UTC).replace(microsecond=0)
STATES = [
    ("informal_contact", 25),
    ("exploration", 20),
    ("agreement", 15),
    ("pilot", 14),
    ("evaluation", 6),
    ("permanent", 12),
    ("paused", 3),
    ("ended", 5),
]
ORDER = ["informal_contact", "exploration", "agreement", "pilot", "evaluation", "permanent"]
MEETING_KINDS = ["informal", "retreat", "steering_round", "info_event"]
CHUNK = 20_000


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def generate(db: Database, n: int, seed: int = 1) -> dict[str, int]:
    """Fill an empty, migrated database; returns row counts per table."""
    rng = random.Random(seed)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    n_munis = min(11_000, max(60, n // 20))
    for m in range(1, n_munis + 1):
        rows["municipality"].append(
            {
                "id": m,
                "name": f"Gemeinde {m}",
                "ags": f"{m:08d}",
                "bundesland": "Thüringen",
                "population": rng.choice([800, 2_500, 6_000, 15_000, 40_000, 110_000]),
                "kind": "gemeinde",
                "created_at": NOW,
            }
        )
    coordinators = list(range(1, 6))
    for pid in coordinators:
        rows["person"].append(_person(pid, None, ["coordinator"]))
    mayor = {m: 5 + 2 * m - 1 for m in range(1, n_munis + 1)}
    contact = {m: 5 + 2 * m for m in range(1, n_munis + 1)}
    for m in range(1, n_munis + 1):
        rows["person"].append(_person(mayor[m], m, ["mayor"]))
        rows["person"].append(_person(contact[m], m, ["contact"]))
    ids = {t: 0 for t in TABLES}

    def add(table: str, **values: Any) -> int:
        ids[table] += 1
        rows[table].append({"id": ids[table], "cooperation_id": cid, **values})
        return ids[table]

    names, weights = zip(*STATES, strict=True)
    for cid in range(1, n + 1):
        state = rng.choices(names, weights)[0]
        paused_from = rng.choice(ORDER[:4]) if state == "paused" else None
        stage = ORDER.index(paused_from or ("informal_contact" if state == "ended" else state))
        entered = NOW - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23))
        review = rng.random()
        rows["cooperation"].append(
            {
                "id": cid,
                "title": f"Kooperation {cid}",
                "field_of_work": rng.choice(["Bauhof", "IT", "Standesamt", "Tourismus"]),
                "description": "",
                "state": state,
                "version": 1 + stage,
                "paused_from": paused_from,
                "parent_id": None,
                "coordinator_id": rng.choice(coordinators),
                "legal_form": "zweckvereinbarung" if state == "permanent" else None,
                "state_entered_at": entered,
                "pilot_started_at": entered if stage >= 3 else None,
                "next_review_at": None
                if review < 0.2
                else NOW + timedelta(days=(-rng.randint(1, 30) if review < 0.4 else 30)),
                "created_at": entered,
                "updated_at": entered,
            }
        )
        partners = rng.sample(range(1, n_munis + 1), rng.randint(2, 4))
        for m in partners:
            add(
                "partnership",
                municipality_id=m,
                mayor_id=mayor[m],
                contact_id=contact[m],
                stated_benefit="spart Kosten" if stage >= 2 else None,
                confirmed_benefit="20 % gespart" if stage >= 5 else None,
            )
        for g in range(rng.randint(1, 3) if stage >= 1 else 0):
            add("goal", text=f"Ziel {g + 1}", target=None, created_at=entered)
        for _ in range(rng.randint(0, 5)):
            add(
                "meeting",
                kind=rng.choice(MEETING_KINDS),
                held_on=(NOW - timedelta(days=rng.randint(0, 200))).date(),
                attendee_ids=[],
                notes="",
                recorded_by=None,
                starts_at=None,
                duration_minutes=None,
                sequence=0,
                cancelled=False,
            )
        if rng.random() < 0.1:
            add(
                "meeting",
                kind="steering_round",
                held_on=(NOW + timedelta(days=14)).date(),
                attendee_ids=[],
                notes="",
                recorded_by=None,
                starts_at=NOW + timedelta(days=14),
                duration_minutes=90,
                sequence=0,
                cancelled=False,
            )
        if stage >= 3:
            add(
                "agreement",
                kind="letter_of_intent",
                title="",
                signed_by=[],
                effective_on=None,
                created_at=entered,
            )
            for m in partners:
                add(
                    "signoff",
                    gate="start_pilot",
                    municipality_id=m,
                    mayor_id=mayor[m],
                    note="",
                    signed_at=entered,
                )
            add(
                "staffinvolvement",
                municipality_id=None,
                description="Workshop",
                involved_on=entered.date(),
            )
            add(
                "communication",
                kind="press_release",
                status="done",
                title="",
                planned_on=None,
            )
        if stage >= 4:
            add("report", kind="success", summary="Zwischenbericht", created_at=entered)
            add(
                "success",
                what="Winterdienst",
                metric=None,
                value=None,
                made_visible="Pressemitteilung" if rng.random() < 0.7 else None,
                recorded_at=entered,
            )
        if rng.random() < 0.06:
            opened = NOW - timedelta(days=rng.randint(1, 90))
            open_ = rng.random() < 0.6
            add(
                "conflict",
                subject="Standort",
                raised_by=contact[partners[0]],
                opened_at=opened,
                level=rng.choice(["raised", "contact_talks", "steering_round"]),
                status="open" if open_ else "resolved",
                resolution=None if open_ else "geeinigt",
                closed_at=None if open_ else opened + timedelta(days=5),
            )
    with db.write_engine.begin() as conn:
        for name in TABLES:
            table = _table(name)
            data = rows[name]
            for i in range(0, len(data), CHUNK):
                conn.execute(table.insert(), data[i : i + CHUNK])
    return {t: len(r) for t, r in rows.items()}


def _person(pid: int, municipality_id: int | None, roles: list[str]) -> dict[str, Any]:
    return {
        "id": pid,
        "name": f"Person {pid}",
        "email": f"p{pid}@example.org",
        "municipality_id": municipality_id,
        "roles": roles,
        "language": "de",
        "digest": "immediate",
        "last_digest_at": None,
        "created_at": NOW,
    }


# Parents before children (foreign keys are on).
TABLES = [
    "municipality",
    "person",
    "cooperation",
    "partnership",
    "goal",
    "meeting",
    "agreement",
    "signoff",
    "staffinvolvement",
    "communication",
    "success",
    "report",
    "conflict",
]
