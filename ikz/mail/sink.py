"""A local SMTP server for development and tests: every message becomes an .eml file.

    with MailSink(Path(".ikz/mail"), port=8025) as sink:
        ...  # point IKZ_SMTP_PORT at sink.port and dispatch

The sink accepts everything and relays nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


class _EphemeralPortController(Controller):
    """Controller that also works with port=0 (aiosmtpd 1.4 connects to the port it was
    given to check readiness, so it needs the port the OS actually chose)."""

    def _trigger_server(self) -> None:
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


def eml_name(content: bytes, now: datetime | None = None) -> str:
    """Sortable by arrival; the hash of the Message-ID (or of the content) keeps it unique."""
    now = now or datetime.now(UTC)
    headers = BytesHeaderParser().parsebytes(content)
    key = (headers.get("Message-ID") or "").encode() or content
    return f"{now:%Y%m%dT%H%M%S%fZ}-{hashlib.sha256(key).hexdigest()[:12]}.eml"


class FileHandler:
    """aiosmtpd handler that writes each message to `directory` as it arrives."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        self.store(data)
        return "250 Message accepted for delivery"

    def store(self, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / eml_name(data)
        # Write then rename so that a reader never sees half a message.
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        return target


class MailSink:
    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.directory = Path(directory)
        self.host = host
        self.port = port
        self.handler = FileHandler(self.directory)
        self._controller: Controller | None = None

    def start(self) -> MailSink:
        if self._controller is not None:
            return self
        self.directory.mkdir(parents=True, exist_ok=True)
        controller = _EphemeralPortController(self.handler, hostname=self.host, port=self.port)
        controller.start()
        self._controller = controller
        self.port = controller.port
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
