"""One `transitions` Machine per state chart, shared by every caller.

Building a Machine is costly and a chart never changes, so each chart has one; a
question ("where does this trigger lead from that state?") attaches a throwaway model
for its duration. Attaching mutates the machine, hence the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any

from transitions import Machine, MachineError


class _Token:
    """Plain stand-in for one cooperation or conflict while a trigger runs; carries the
    attributes the chart's conditions read (e.g. paused_from)."""

    state: str

    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)


class SharedMachine:
    """A chart's Machine, built on first use."""

    def __init__(self, build: Callable[[], Machine]) -> None:
        self._build = build
        self._machine: Machine | None = None
        self._lock = Lock()

    def fire(self, current: str, trigger: str, **attributes: Any) -> str | None:
        """The state `trigger` leads to from `current`, or None if the chart refuses
        (no such edge, or a condition not met). `attributes` are what conditions read."""
        token = _Token(**attributes)
        with self._lock:
            if self._machine is None:
                self._machine = self._build()
            self._machine.add_model(token, initial=current)
            try:
                ok = bool(getattr(token, trigger)())
            except MachineError:
                ok = False
            finally:
                self._machine.remove_model(token)
        return token.state if ok else None
