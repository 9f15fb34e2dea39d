"""Two answers through one link at the same moment, on SQLite and on PostgreSQL: exactly
one is recorded, the other is refused as used and changes nothing (the link is claimed
by compare and set, models.answers.claim)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ikz.answers.links import LinkRefused
from ikz.answers.record import answer
from tests.answers.helpers import ask, links, mail_of, ready_but_for_signoffs, signoffs
from tests.factories import World, make_app, make_world


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = make_app(url, tmp_path)
    try:
        yield make_world(app)
    finally:
        app.close()


@pytest.mark.parametrize(("first", "second"), [(True, False), (False, True)])
def test_two_answers_at_once_record_exactly_one(
    any_world: World, first: bool, second: bool
) -> None:
    w = any_world
    cid = ready_but_for_signoffs(w)
    jena = w.partners[0]
    ask(w, cid, jena.municipality_id, "run-1")
    token = mail_of(w, "signoff_requested", jena.mayor_id).token
    start = threading.Barrier(2)
    results: list[str] = []
    lock = threading.Lock()

    def go(approve: bool) -> None:
        start.wait()
        try:
            outcome = answer(w.app, token, approve, "")
            got = outcome.status
        except LinkRefused as exc:
            got = f"refused:{exc.code}"
        with lock:
            results.append(got)

    threads = [threading.Thread(target=go, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) in (
        ["refused:used", "signed"],
        ["declined", "refused:used"],
    )
    [link] = links(w)
    recorded = "signed" in results
    assert link.answer == ("yes" if recorded else "no")
    assert len(signoffs(w, cid)) == (1 if recorded else 0)
