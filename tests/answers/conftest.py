"""The answer pages served for real: the router on its own FastAPI app under uvicorn on
127.0.0.1 (a thread of the test process, stopped at the end), bound per test to the
test's application and a fresh rate limiter; an httpx client talks to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ikz.answers import web
from tests.answers.server import PageServer
from tests.factories import World
from tests.mail.conftest import mail_world

# The mail tests' fixture (a world whose mail goes to the test's aiosmtpd), for this folder.
__all__ = ["mail_world"]


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def page_server() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def pages(
    world: World, ticks: Ticks, page_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[httpx.Client]:
    # No Prefect server here: resuming is tested on its own (test_resume.py) and end to end.
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    web.bind(world.app, web.FailureLimiter(limit=10, window=900, clock=ticks))
    with httpx.Client(base_url=page_server.base, timeout=30) as client:
        yield client
    web.BINDING.app = None
