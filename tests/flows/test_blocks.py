"""The `ikz-smtp` block on a real (temporary) Prefect server: registered, edited like in
the UI, and used by the dispatch-notifications flow; without it the IKZ_SMTP_* settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from ikz.settings import Settings, get_settings
from tests.factories import make_app, make_world, open_coop
from tests.mail.conftest import ScriptedHandler, free_port
from tests.stamps import TEST_SECRET, stamped_params

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def test_block_type_is_registered_and_used_when_a_document_exists(
    prefect_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.blocks import BLOCK_DOCUMENT, IkzSmtp, register_block_types, smtp_config
    from flows.portfolio import dispatch_notifications

    register_block_types()
    register_block_types()  # idempotent: `ikz up` does it on every start
    settings = Settings(smtp_host="relay.example", smtp_port=2525)
    assert asyncio.run(smtp_config(settings)).host == "relay.example"

    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        IkzSmtp(
            host="127.0.0.1",
            port=port,
            security="none",
            username=None,
            password=SecretStr("geheim"),
            mail_from="Landkreis Beispiel <ikz@landkreis.example>",
            timeout=5,
        ).save(BLOCK_DOCUMENT, overwrite=True)
        loaded = asyncio.run(smtp_config(settings))
        assert (loaded.host, loaded.port) == ("127.0.0.1", port)
        assert loaded.password is not None and loaded.password.get_secret_value() == "geheim"
        assert "geheim" not in repr(loaded)

        url = f"sqlite:///{tmp_path / 'ikz.sqlite3'}"
        app = make_app(url, tmp_path)
        world = make_world(app)
        open_coop(world)
        app.close()
        # The flow opens the app from IKZ_* like a served run; IKZ_SMTP_* point elsewhere.
        monkeypatch.setenv("IKZ_DATABASE_URL", url)
        monkeypatch.setenv("IKZ_SMTP_PORT", str(free_port()))
        get_settings.cache_clear()
        result = asyncio.run(dispatch_notifications(batch_size=50))
    finally:
        controller.stop()
        get_settings.cache_clear()

    assert result["sent"] == 5
    assert {str(m["From"]) for m in handler.messages()} == {
        "Landkreis Beispiel <ikz@landkreis.example>"
    }


def _transition_rows(
    app_url: str, tmp_path: Path, keys: str = "transition:%"
) -> list[tuple[str, int, int]]:
    from sqlalchemy import text

    app = make_app(app_url, tmp_path)
    try:
        with app.db.read() as s:
            rows = s.connection().execute(
                text(
                    "SELECT status, attempts, deferrals FROM outbox "
                    "WHERE dedupe_key LIKE :keys ORDER BY id"
                ),
                {"keys": keys},
            )
            return [(r[0], r[1], r[2]) for r in rows]
    finally:
        app.close()


def _pause_in_a_flow_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, direct: bool = False
) -> str:
    """A world with one cooperation, paused through the advance-cooperation flow (its
    plain function when `direct`: no flow run, no run logger)."""
    from flows.actions import advance_cooperation

    url = f"sqlite:///{tmp_path / 'ikz.sqlite3'}"
    app = make_app(url, tmp_path)
    world = make_world(app)
    cid = open_coop(world)
    app.close()
    monkeypatch.setenv("IKZ_DATABASE_URL", url)
    monkeypatch.setenv("IKZ_SECRET", TEST_SECRET)
    get_settings.cache_clear()
    try:
        eingabe = {
            "cooperation_id": cid,
            "trigger": "pause",
            "actor_id": world.coordinator_id,
            "reason": "Sommerpause",
        }
        flow = advance_cooperation.fn if direct else advance_cooperation
        result = flow(**stamped_params(eingabe))
    finally:
        get_settings.cache_clear()
    assert result["to_state"] == "paused"
    return url


@pytest.mark.parametrize("direct", [False, True], ids=["flow run", "plain function"])
def test_an_action_run_sends_its_own_mail_right_after_its_commit(
    prefect_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    """No dispatcher runs here: the mail arrives from the action's own run."""
    from flows.blocks import BLOCK_DOCUMENT, IkzSmtp

    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        IkzSmtp(
            host="127.0.0.1",
            port=port,
            security="none",
            mail_from="Landkreis Beispiel <ikz@landkreis.example>",
        ).save(BLOCK_DOCUMENT, overwrite=True)
        url = _pause_in_a_flow_run(tmp_path, monkeypatch, direct=direct)
    finally:
        controller.stop()
    rows = _transition_rows(url, tmp_path)
    assert rows and all(status == "sent" for status, _, _ in rows)
    paused = [m for m in handler.messages() if "pausiert" in str(m["Subject"])]
    assert len(paused) == len(rows) == len(handler.messages())
    # The mail queued before the action (the cooperation's opening) is left to the
    # dispatcher: the action sends its own, not a backlog's.
    opened = _transition_rows(url, tmp_path, "opened:%")
    assert opened and all(r == ("pending", 0, 0) for r in opened)
    assert {str(m["From"]) for m in paused} == {"Landkreis Beispiel <ikz@landkreis.example>"}


def test_an_action_run_with_the_relay_down_completes_and_leaves_its_mail_queued(
    prefect_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.blocks import BLOCK_DOCUMENT, IkzSmtp

    IkzSmtp(
        host="127.0.0.1", port=free_port(), security="none", mail_from="ikz@landkreis.example"
    ).save(BLOCK_DOCUMENT, overwrite=True)
    url = _pause_in_a_flow_run(tmp_path, monkeypatch)
    rows = _transition_rows(url, tmp_path)
    # Deferred, not attempted: the dispatcher sends them once the relay is back.
    assert rows and all(r == ("pending", 0, 1) for r in rows)
