"""`python -m benchmarks.smtp_sink`: an SMTP server in a process of its own, as a relay is.

Accepts every message and counts it. Prints the port it listens on (127.0.0.1, chosen
by the OS) as its first line; then answers each line read on stdin with the number of
messages accepted so far. Ends on SIGTERM or when stdin closes.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from aiosmtpd.smtp import SMTP


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


async def main() -> None:
    counter = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(counter), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def answer() -> None:
        if sys.stdin.readline():
            print(counter.count, flush=True)
        else:
            stop.set()

    loop.add_reader(sys.stdin.fileno(), answer)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
