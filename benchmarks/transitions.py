"""Transition throughput through the real use case (ikz.actions.lifecycle.advance) against a
one-row insert + commit loop with the same durability settings.

The headline loop pauses and resumes (no entry criteria, so the gate is a lookup);
`transition_rate_sqlite_gated` times forward steps whose gate reads the cooperation's
whole snapshot (partners, meetings, goals, sign-offs, conflicts, ...)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import date
from pathlib import Path
from statistics import median

from benchmarks.common import ROUNDS, Figure, make_app, scratch_dir
from ikz.actions.cooperations import open_cooperation
from ikz.actions.directory import register_municipality, register_person
from ikz.actions.facts import record_meeting
from ikz.actions.lifecycle import advance
from ikz.app import App
from models import commands as c

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
COOPS = 10


def _setup(app: App, coops_wanted: int = COOPS) -> tuple[int, list[int]]:
    """A coordinator, three municipalities with mayor and contact, and cooperations."""
    coord = register_person(
        app, c.RegisterPerson(name="Kora", email="kora@example.org", roles=["coordinator"])
    )
    assert coord.id is not None
    partners = []
    for i in range(3):
        m = register_municipality(
            app,
            c.RegisterMunicipality(
                name=f"Stadt {i}",
                ags=f"1605{i:04d}",
                population=50_000,
                kind="stadt",
                actor_id=coord.id,
            ),
        )
        ids = [
            register_person(
                app,
                c.RegisterPerson(
                    name=f"{role} {i}",
                    email=f"{role}{i}@example.org",
                    municipality_id=m.id,
                    roles=[role],
                    actor_id=coord.id,
                ),
            ).id
            for role in ("mayor", "contact")
        ]
        assert m.id is not None
        partners.append(c.PartnerInput(municipality_id=m.id, mayor_id=ids[0], contact_id=ids[1]))
    coops = []
    for k in range(coops_wanted):
        coop = open_cooperation(
            app,
            c.OpenCooperation(
                title=f"Bauhof {k}",
                field_of_work="Bauhof",
                partners=partners[:2],
                actor_id=coord.id,
            ),
        )
        assert coop.id is not None
        coops.append(coop.id)
    return coord.id, coops


def _explore_loop(app: App, n: int) -> float:
    """Seconds for n gated transitions: `explore` on n cooperations that meet its gate
    (two partners with contacts, an informal meeting held)."""
    actor, coops = _setup(app, n)
    for cid in coops:
        record_meeting(
            app,
            c.RecordMeeting(
                cooperation_id=cid, kind="informal", held_on=date(2026, 1, 15), actor_id=actor
            ),
        )
    cmds = [
        c.Advance(cooperation_id=cid, trigger="explore", actor_id=actor, reason="Benchmark")
        for cid in coops
    ]
    t0 = time.perf_counter()
    for cmd in cmds:
        advance(app, cmd)
    return time.perf_counter() - t0


def _advance_loop(app: App, actor: int, coops: list[int], n: int, start: int = 0) -> float:
    """Seconds for n transitions: pause and resume, round-robin over the cooperations
    (`start`: transitions already made, so that a later round continues the pattern)."""
    cmds = []
    for i in range(start, start + n):
        trigger = "pause" if (i // COOPS) % 2 == 0 else "resume"
        cmds.append(
            c.Advance(
                cooperation_id=coops[i % COOPS], trigger=trigger, actor_id=actor, reason="Benchmark"
            )
        )
    t0 = time.perf_counter()
    for cmd in cmds:
        advance(app, cmd)
    return time.perf_counter() - t0


def _sqlite_baseline(path: Path, n: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    t0 = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (payload) VALUES (?)", (f"row {i}",))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def sqlite_figures(n: int, rounds: int = ROUNDS) -> list[Figure]:
    """The transition loop and the baseline loop take turns, `rounds` times; the figures
    are the medians. This machine's speed drifts within a minute (a shared 2-vCPU VM),
    so one long loop of each would compare different moments."""
    with scratch_dir("transitions") as d:
        app = make_app(f"sqlite:///{d / 'ikz.sqlite3'}", d)
        ts, bs = [], []
        try:
            actor, coops = _setup(app)
            for r in range(rounds):
                ts.append(_advance_loop(app, actor, coops, n, start=r * n))
                bs.append(_sqlite_baseline(d / f"baseline{r}.sqlite3", n))
        finally:
            app.close()
        gated_n = max(n // 4, 50)
        app = make_app(f"sqlite:///{d / 'gated.sqlite3'}", d)
        try:
            g = _explore_loop(app, gated_n)
        finally:
            app.close()
    t, b = median(ts), median(bs)
    ratio = median(x / y for x, y in zip(ts, bs, strict=True))
    rate, base_rate = n / t, n / b
    return [
        Figure(
            "transition_rate_sqlite_gated",
            gated_n / g,
            "transitions/s",
            base_rate,
            "commits/s",
            f"{gated_n} explore transitions, gate checked on the full snapshot; "
            f"{g / gated_n * 1000:.2f} ms each",
        ),
        Figure(
            "transition_rate_sqlite",
            rate,
            "transitions/s",
            base_rate,
            "commits/s",
            f"{n} pause/resume transitions, median of {rounds} rounds",
        ),
        Figure(
            "transition_ratio_sqlite",
            ratio,
            "x baseline commit",
            1.0,
            "baseline commit",
            f"{t / n * 1000:.2f} ms vs {b / n * 1000:.3f} ms; median of {rounds} rounds' ratios "
            f"({', '.join(f'{x / y:.2f}' for x, y in zip(ts, bs, strict=True))})",
        ),
    ]


def postgres_figures(n: int) -> list[Figure]:
    import psycopg

    name = f"ikz_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        with scratch_dir("pg") as d:
            app = make_app(url, d)
            try:
                t = _advance_loop(app, *_setup(app), n)
            finally:
                app.close()
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE t (id serial PRIMARY KEY, payload text NOT NULL)")
            conn.commit()
            t0 = time.perf_counter()
            for i in range(n):
                conn.execute("INSERT INTO t (payload) VALUES (%s)", (f"row {i}",))
                conn.commit()
            b = time.perf_counter() - t0
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return [
        Figure(
            "transition_rate_postgres",
            n / t,
            "transitions/s",
            n / b,
            "commits/s",
            f"{n} transitions; {t / n * 1000:.2f} ms vs {b / n * 1000:.3f} ms",
        ),
    ]
