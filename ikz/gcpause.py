"""Pausing the cyclic garbage collector for one bounded batch of work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch.

    A batch (of the sweep, of the dispatcher) allocates many short-lived objects (rows,
    snapshots, messages) that reference counting frees; their allocation kept triggering
    collections that scanned the whole heap for nothing (a sixth of the sweep's time, a
    twentieth of the dispatcher's). Between batches it runs as usual, so cyclic garbage
    is still collected and memory stays bounded by the batch.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # As it was before, whatever the batch did meanwhile (`ikz up` turns it on).
        if enabled:
            gc.enable()
        else:
            gc.disable()


def resume_gc() -> None:
    """For a long-running command: collect garbage again, leaving the start-up objects
    (frozen, they are never garbage) out of every collection."""
    gc.freeze()
    gc.enable()
