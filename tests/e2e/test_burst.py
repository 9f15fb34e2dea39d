"""Twenty coordinators click Submit at the same moment: every click creates its run,
none is answered with an error (the local Prefect server's busy SQLite answered 503 to
about 3 in 4 of them before the gateway retried), and every run completes."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Stack

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

BURST = 20


def test_twenty_concurrent_submissions_all_create_their_runs_and_complete(stack: Stack) -> None:
    coop = next(c for c in stack.ikz_json("coop", "list") if c["state"] == "pilot")
    dep = stack.deployment_id("record-goal")

    def submit(i: int) -> tuple[int, str]:
        with stack.client() as c:
            r = c.post(
                f"/deployments/{dep}/create_flow_run",
                json={
                    "parameters": {
                        "eingabe": {"cooperation_id": coop["id"], "text": f"Burst-Ziel {i}"}
                    }
                },
            )
        return r.status_code, r.json().get("id", "") if r.status_code == 201 else r.text

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        answers = list(pool.map(submit, range(BURST)))
    assert [status for status, _ in answers] == [201] * BURST, answers
    run_ids = [run_id for _, run_id in answers]
    finals = [
        stack.wait_state(run_id, {"COMPLETED", "FAILED", "CRASHED"}, timeout=300)["state"]["type"]
        for run_id in run_ids
    ]
    assert finals == ["COMPLETED"] * BURST
    with sqlite3.connect(stack.data_dir / "ikz.sqlite3") as db:
        texts = [
            row[0]
            for row in db.execute(
                "SELECT text FROM goal WHERE cooperation_id = ? AND text LIKE 'Burst-Ziel %'",
                (coop["id"],),
            )
        ]
    assert sorted(texts) == sorted(f"Burst-Ziel {i}" for i in range(BURST))
