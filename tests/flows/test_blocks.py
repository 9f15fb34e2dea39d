"""The `ikz-smtp` block on a real (temporary) Prefect server: registered, edited like in
the UI, and used by the dispatch-notifications flow; without it the IKZ_SMTP_* settings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from ikz.settings import Settings, get_settings
from tests.factories import make_app, make_world, open_coop
from tests.mail.conftest import ScriptedHandler, free_port

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


@pytest.fixture(scope="module")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


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
