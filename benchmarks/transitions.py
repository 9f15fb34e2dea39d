"""Transition throughput through the real use case (ikz.actions.lifecycle.advance) against a
one-row insert + commit loop with the same durability settings.

The headline loop pauses and resumes (no entry criteria, so the gate is a lookup);
`transition_rate_sqlite_gated` times forward steps (explore) whose gate reads its part of
the snapshot (models.gate_reads), on cooperations that also carry the founding and funding
facts (a legal form, a founding plan with its letter of intent, a funding application), so
that those facts cannot make the gated step slower unnoticed. Each loop reports its CPU
time per step beside its wall time: a ratio that misses its target then shows whether the
processor or the disk set it."""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import date
from pathlib import Path
from statistics import median

from benchmarks.common import ROUNDS, Figure, make_app, scratch_dir
from ikz.actions.cooperations import choose_legal_form, open_cooperation
from ikz.actions.directory import register_municipality, register_person
from ikz.actions.facts import record_meeting
from ikz.actions.founding import plan_founding, record_letter_of_intent
from ikz.actions.funding_application import prepare_application
from ikz.actions.lifecycle import advance
from ikz.app import App
from models import commands as c
from models import funding_commands as fc

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
                # Nordrhein-Westfalen: the state has a founding rule pack and a programme.
                ags=f"0531{i:04d}",
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


def _gated_setup(app: App, n: int) -> list[c.Advance]:
    """n cooperations that meet `explore`'s gate (two partners with contacts, an informal
    meeting held) and carry the founding and funding facts, and their `explore` steps."""
    actor, coops = _setup(app, n)
    day = date(2026, 1, 15)
    for cid in coops:
        record_meeting(
            app, c.RecordMeeting(cooperation_id=cid, kind="informal", held_on=day, actor_id=actor)
        )
        choose_legal_form(
            app,
            c.ChooseLegalForm(cooperation_id=cid, legal_form="zweckvereinbarung", actor_id=actor),
        )
        plan_founding(app, c.PlanFounding(cooperation_id=cid, state="NW", actor_id=actor))
        record_letter_of_intent(
            app, c.RecordFoundingAct(cooperation_id=cid, on=day, actor_id=actor)
        )
        prepare_application(
            app,
            fc.PrepareFundingApplication(
                cooperation_id=cid, programme="nw_ikz", prepared_on=day, actor_id=actor
            ),
        )
    return [
        c.Advance(cooperation_id=cid, trigger="explore", actor_id=actor, reason="Benchmark")
        for cid in coops
    ]


def _timed_steps(app: App, cmds: list[c.Advance]) -> tuple[float, float]:
    """Wall and CPU seconds for applying `cmds` one after the other."""
    w0, c0 = time.perf_counter(), time.process_time()
    for cmd in cmds:
        advance(app, cmd)
    return time.perf_counter() - w0, time.process_time() - c0


def _advance_loop(
    app: App, actor: int, coops: list[int], n: int, start: int = 0
) -> tuple[float, float]:
    """Wall and CPU seconds for n transitions: pause and resume, round-robin over the
    cooperations (`start`: transitions already made, so that a later round continues the
    pattern)."""
    cmds = []
    for i in range(start, start + n):
        trigger = "pause" if (i // COOPS) % 2 == 0 else "resume"
        cmds.append(
            c.Advance(
                cooperation_id=coops[i % COOPS], trigger=trigger, actor_id=actor, reason="Benchmark"
            )
        )
    return _timed_steps(app, cmds)


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
    """The transition loops and the baseline loop take turns, `rounds` times; the figures
    are the medians. This machine's speed drifts within a minute (a shared 2-vCPU VM),
    so one long loop of each would compare different moments."""
    gated_n = max(n // 4, 50)
    with scratch_dir("transitions") as d:
        app = make_app(f"sqlite:///{d / 'ikz.sqlite3'}", d)
        gated_app = make_app(f"sqlite:///{d / 'gated.sqlite3'}", d)
        ts, gs, bs = [], [], []
        try:
            actor, coops = _setup(app)
            explore = _gated_setup(gated_app, gated_n * rounds)
            for r in range(rounds):
                ts.append(_advance_loop(app, actor, coops, n, start=r * n))
                gs.append(_timed_steps(gated_app, explore[r * gated_n : (r + 1) * gated_n]))
                bs.append(_sqlite_baseline(d / f"baseline{r}.sqlite3", n))
        finally:
            app.close()
            gated_app.close()
    b = median(bs) / n  # seconds per baseline commit
    t, t_cpu = (median(x[i] for x in ts) / n for i in (0, 1))
    g, g_cpu = (median(x[i] for x in gs) / gated_n for i in (0, 1))
    ratio = median(x[0] / n / (y / n) for x, y in zip(ts, bs, strict=True))
    g_ratio = median(x[0] / gated_n / (y / n) for x, y in zip(gs, bs, strict=True))

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.2f} ms"

    return [
        Figure(
            "transition_rate_sqlite_gated",
            1 / g,
            "transitions/s",
            1 / b,
            "commits/s",
            f"{gated_n} explore transitions per round, median of {rounds}; the gate's part "
            f"of the snapshot; {ms(g)} each, {ms(g_cpu)} of it CPU",
        ),
        Figure(
            "transition_ratio_sqlite_gated",
            g_ratio,
            "x baseline commit",
            1.0,
            "baseline commit",
            f"{ms(g)} vs {ms(b)}; cooperations with founding plan, letter of intent and "
            "funding application",
        ),
        Figure(
            "transition_rate_sqlite",
            1 / t,
            "transitions/s",
            1 / b,
            "commits/s",
            f"{n} pause/resume transitions, median of {rounds} rounds",
        ),
        Figure(
            "transition_ratio_sqlite",
            ratio,
            "x baseline commit",
            1.0,
            "baseline commit",
            f"{ms(t)} ({ms(t_cpu)} CPU) vs {ms(b)}; median of {rounds} rounds' ratios "
            f"({', '.join(f'{x[0] / y:.2f}' for x, y in zip(ts, bs, strict=True))})",
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
                t = _advance_loop(app, *_setup(app), n)[0]
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
