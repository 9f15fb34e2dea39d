"""The dispatcher run on a real (temporary) Prefect server: a relay that cannot be
reached makes it Failed, with the backlog and since when in its state message and its
log, not a green run in front of a pile of mail; with the relay there it completes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ikz.settings import get_settings
from tests.factories import World, make_app, make_world, open_coop
from tests.mail.conftest import Server, free_port

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def _run_dispatcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, port: int) -> Any:
    from flows.blocks import BLOCK_DOCUMENT, IkzSmtp
    from flows.portfolio import dispatch_notifications

    # No block: the run uses IKZ_SMTP_* (another test of the session may have saved one).
    with contextlib.suppress(ValueError):
        IkzSmtp.delete(BLOCK_DOCUMENT)
    monkeypatch.setenv("IKZ_DATABASE_URL", f"sqlite:///{tmp_path / 'ikz.sqlite3'}")
    monkeypatch.setenv("IKZ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IKZ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("IKZ_SMTP_PORT", str(port))
    monkeypatch.setenv("IKZ_SMTP_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    try:
        return asyncio.run(dispatch_notifications(batch_size=50, return_state=True))
    finally:
        get_settings.cache_clear()


def _open_cooperation(tmp_path: Path, world: World | None = None) -> World:
    """A cooperation (5 mails queued) in the database the dispatcher reads; the world of
    people is made on the first call."""
    app = make_app(f"sqlite:///{tmp_path / 'ikz.sqlite3'}", tmp_path)
    w = make_world(app) if world is None else replace(world, app=app)
    open_coop(w, title=f"Bauhof {tmp_path.name}" if world else "Gemeinsamer Bauhof")
    app.close()
    return w


def _logged(run_id: Any, message: str) -> bool:
    """Whether the run's log (as the UI shows it) holds `message`; logs reach the
    server in batches, so a few seconds are allowed."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    deadline = time.monotonic() + 20
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
            if any(entry.message == message for entry in logs):
                return True
            time.sleep(0.5)
    return False


def test_a_relay_that_cannot_be_reached_fails_the_run_with_the_backlog(
    prefect_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: Server
) -> None:
    world = _open_cooperation(tmp_path)
    down = _run_dispatcher(tmp_path, monkeypatch, free_port())

    assert down.type.value == "FAILED"
    message = down.message
    assert message.startswith("Mailserver nicht erreichbar: 5 E-Mails warten seit ")
    assert message.endswith(
        "IKZ_SMTP_* oder den Block ikz-smtp prüfen; sie gehen raus, sobald er erreichbar ist."
    )
    assert _logged(down.state_details.flow_run_id, message)

    # The relay is back. New mail goes at once and the run completes, although the
    # deferred mail still waits for its backoff (30 s base): the relay was reached.
    _open_cooperation(tmp_path, world)
    up = _run_dispatcher(tmp_path, monkeypatch, smtp_server.port)
    assert up.type.value == "COMPLETED"
    assert len(smtp_server.handler.messages()) == 5
    assert _statuses(tmp_path) == {"pending": 5, "sent": 5}

    # Once due, the deferred mail goes too.
    app = make_app(f"sqlite:///{tmp_path / 'ikz.sqlite3'}", tmp_path)
    with app.db.write() as s:
        s.connection().execute(text("UPDATE outbox SET next_attempt_at = created_at"))
    app.close()
    again = _run_dispatcher(tmp_path, monkeypatch, smtp_server.port)
    assert again.type.value == "COMPLETED"
    assert len(smtp_server.handler.messages()) == 10
    assert _statuses(tmp_path) == {"sent": 10}


def _statuses(tmp_path: Path) -> dict[str, int]:
    app = make_app(f"sqlite:///{tmp_path / 'ikz.sqlite3'}", tmp_path)
    try:
        with app.db.read() as s:
            rows = s.connection().execute(text("SELECT status, count(*) FROM outbox GROUP BY 1"))
            return {str(r[0]): int(r[1]) for r in rows}
    finally:
        app.close()
