"""What was last published under each page key, so that a run whose change leaves a page
as it was does not write it again.

Every action's run writes the pages its change shows on (flows.outcome.publish_pages):
the cooperation's page, the portfolio table and its summary. Most actions change one of
them; a burst of twenty `record-goal` clicks wrote the same portfolio and summary forty
times, each a write transaction on the Prefect server plus two events, and those writes
made the burst's own submissions wait there. A page whose content (and description) has
the digest of the version last written is now left alone.

The digests live beside the data (`<data_dir>/pages/<key>.sha256`). Each key's compare,
write and digest update run under an exclusive file lock, so the digest on disk is
always that of the version the Prefect server got last, whichever runs race. A run that
must write regardless (the refresh at `ikz up` start and hourly, after which a Prefect
server with a fresh database has every page again) passes `force`.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

_SAFE_KEY = re.compile(r"^[a-z0-9-]{1,100}$")


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def publish_if_changed(
    data_dir: Path, key: str, content: str, write: Callable[[], object], *, force: bool = False
) -> bool:
    """Call `write` (which publishes `content` under `key`) unless the last version
    published under `key` had the same `content`; True if it was called. `content` is
    everything the page shows, description included."""
    if not _SAFE_KEY.match(key):  # keys are ours (ikz.gateway.page_links), never typed
        raise ValueError(f"not a page key: {key!r}")
    folder = data_dir / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    new = digest(key, content)
    with (folder / f"{key}.sha256").open("a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # released when the file is closed
        f.seek(0)
        if not force and f.read().strip() == new:
            return False
        write()
        # Only after the server took it: a failed write leaves the old digest, and the
        # next change writes the page again.
        f.seek(0)
        f.truncate()
        f.write(new)
        f.flush()
    return True
