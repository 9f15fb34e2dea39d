"""Clean results on a real Prefect server: a refused action's run ends Failed with the
one-line German reason and no traceback in its log; a completed one ends with a line
saying who did what and what changed, with the stable link to the page, and the pages
it changed are written anew."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

import flows.actions
from flows.common import ActionFailed
from ikz.settings import get_settings
from tests.factories import World, open_coop
from tests.flows.conftest import run
from tests.stamps import stamped_params

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def run_state(flow_name: str, eingabe: dict[str, Any]) -> Any:
    """The final state of an action flow's run, as the gateway stamps it."""
    from ikz.proof.secret import server_secret

    secret = server_secret(get_settings())
    params = stamped_params(eingabe, secret=secret)
    return getattr(flows.actions, flow_name)(**params, return_state=True)


def run_record(state: Any) -> tuple[str, str | None, list[str]]:
    """(state type, state message, log messages) of a run, read back from the server
    once its last line has arrived there (log lines are sent in batches)."""
    run_id = state.state_details.flow_run_id
    assert isinstance(run_id, UUID)
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        while True:
            found = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
            logs = [entry.message for entry in found]
            if any(m.startswith("Finished in state") for m in logs):
                break
            assert time.monotonic() < deadline, logs
            time.sleep(0.5)
    assert run.state is not None
    return run.state.type.value, run.state.message, logs


def latest(key: str) -> str:
    with get_client(sync_client=True) as client:
        found = client.read_latest_artifacts()
    return next((str(a.data) for a in found if a.key == key), "")


def test_a_refused_action_fails_with_its_line_and_no_traceback(
    prefect_server: None, world: World
) -> None:
    mayor = world.partners[0].mayor_id
    state = run_state("set_digest", {"person_id": mayor, "mode": "hourly", "actor_id": mayor})
    kind, message, logs = run_record(state)
    assert kind == "FAILED"
    reason = "Unbekannte Zustellart 'hourly' (immediate, daily, weekly)."
    assert message == reason
    assert not any("Traceback" in line for line in logs), logs
    assert f"Zustellart wählen abgelehnt: {reason}" in logs
    # A caller of the flow itself still gets the refusal raised, with the same line.
    with pytest.raises(ActionFailed) as raised:
        run("set_digest", {"person_id": mayor, "mode": "hourly", "actor_id": mayor})
    assert str(raised.value) == reason


def test_an_unmet_gate_fails_with_every_missing_criterion_and_no_traceback(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world)
    state = run_state(
        "advance_cooperation",
        {"cooperation_id": cid, "trigger": "explore", "actor_id": world.coordinator_id},
    )
    kind, message, logs = run_record(state)
    assert kind == "FAILED"
    assert message == (
        "„Sondierung beginnen“ (explore) ist noch nicht möglich, es fehlt: [informal_exchange_missing] Noch kein "
        "informeller Austausch erfasst."
    )
    assert not any("Traceback" in line for line in logs), logs


def test_a_completed_action_says_what_changed_and_refreshes_its_pages(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world, title="Digitalstrategie Jena-Weimar")
    state = run_state(
        "advance_cooperation",
        {
            "cooperation_id": cid,
            "trigger": "pause",
            "reason": "Sommerpause",
            "actor_id": world.coordinator_id,
        },
    )
    kind, _, logs = run_record(state)
    assert kind == "COMPLETED"
    # Nothing listens on the world's SMTP port: no mail went out from the run.
    assert logs[-2] == (
        "Kora Koordinatorin, Lebenszyklus-Schritt anwenden: Digitalstrategie Jena-Weimar: "
        "Informeller Kontakt → Pausiert (Version 2), 0 E-Mails versandt – "
        f"http://127.0.0.1:4200/seite/kooperation/{cid}"
    )
    assert logs[-1].startswith("Finished in state Completed()")
    assert latest(f"ikz-coop-{cid}").startswith("# Digitalstrategie Jena-Weimar")
    assert "Pausiert" in latest(f"ikz-coop-{cid}")
    assert "Digitalstrategie Jena-Weimar" in latest("ikz-portfolio")


def test_a_recorded_fact_refreshes_the_page_without_a_state_change(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world, title="Standesamt Süd")
    state = run_state(
        "record_goal",
        {
            "cooperation_id": cid,
            "text": "Ein gemeinsames Standesamt",
            "actor_id": world.coordinator_id,
        },
    )
    kind, _, logs = run_record(state)
    assert kind == "COMPLETED"
    assert logs[-2].startswith(
        "Kora Koordinatorin, Gemeinsames Ziel festhalten: Standesamt Süd: Ziel erfasst (ID "
    )
    assert logs[-2].endswith(
        f", 0 E-Mails versandt – http://127.0.0.1:4200/seite/kooperation/{cid}"
    )
    assert latest(f"ikz-coop-{cid}").startswith("# Standesamt Süd")
