"""The gateway as a thread of `ikz up`: uvicorn on the public port, until stopped."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI


@dataclass
class GatewayServer:
    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def start_gateway(web: FastAPI, host: str, port: int, timeout: float = 30.0) -> GatewayServer:
    """Serve `web` on host:port in a daemon thread and wait until it accepts connections."""
    config = uvicorn.Config(
        web,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # Long-lived UI connections must not keep `ikz up` from stopping.
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ikz-gateway", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.started:
            return GatewayServer(server, thread, f"http://{host}:{port}")
        if not thread.is_alive():
            break
        time.sleep(0.05)
    server.should_exit = True
    thread.join(5)
    raise RuntimeError(f"Gateway startet nicht auf {host}:{port} (Port belegt?)")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
