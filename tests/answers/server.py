"""The answer pages' router on its own FastAPI app under uvicorn on 127.0.0.1, in a
thread of the test process (until the gateway of `ikz up` serves it), stopped on exit."""

from __future__ import annotations

import threading
import time

import uvicorn
from fastapi import FastAPI

from ikz.answers import web
from tests.mail.conftest import free_port


class PageServer:
    def __init__(self) -> None:
        api = FastAPI()
        api.include_router(web.router)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(api, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> PageServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
