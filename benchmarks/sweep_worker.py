"""One sweep measurement in a fresh process, so that its peak RSS is its own.

python -m benchmarks.sweep_worker generate DB N
python -m benchmarks.sweep_worker sweep DB      # prints {"seconds", "peak_mib", ...}
python -m benchmarks.sweep_worker baseline DB
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time
from pathlib import Path

# The single query the baseline runs: every column the sweep's snapshots read, for every
# cooperation that is not ended, one row each (child rows folded with group_concat).
BASELINE_SQL = """
SELECT c.id, c.title, c.state, c.version, c.paused_from, c.coordinator_id, c.legal_form,
  c.pilot_started_at, c.state_entered_at, c.parent_id, c.next_review_at,
  (SELECT group_concat(p.municipality_id || '|' || m.name || '|' || m.population || '|' ||
       coalesce(p.mayor_id, '') || '|' || coalesce(p.contact_id, '') || '|' ||
       coalesce(p.stated_benefit, '') || '|' || coalesce(p.confirmed_benefit, ''), ';')
     FROM partnership p JOIN municipality m ON m.id = p.municipality_id
     WHERE p.cooperation_id = c.id),
  (SELECT group_concat(text, ';') FROM goal WHERE cooperation_id = c.id),
  (SELECT group_concat(kind || '|' || held_on, ';') FROM meeting
     WHERE cooperation_id = c.id AND starts_at IS NULL),
  (SELECT group_concat(kind, ';') FROM agreement WHERE cooperation_id = c.id),
  (SELECT group_concat(gate || '|' || municipality_id, ';') FROM signoff
     WHERE cooperation_id = c.id),
  (SELECT count(*) FROM staffinvolvement WHERE cooperation_id = c.id),
  (SELECT group_concat(kind || '|' || status, ';') FROM communication
     WHERE cooperation_id = c.id),
  (SELECT group_concat(coalesce(made_visible, ''), ';') FROM success
     WHERE cooperation_id = c.id),
  (SELECT group_concat(id || '|' || level || '|' || status || '|' || opened_at, ';')
     FROM conflict WHERE cooperation_id = c.id),
  (SELECT count(*) FROM report WHERE cooperation_id = c.id)
FROM cooperation c WHERE c.state != 'ended' ORDER BY c.id
"""


def peak_mib() -> float:
    """Peak RSS of this process. VmHWM, not ru_maxrss: on Linux ru_maxrss keeps the
    parent's high-water mark across fork and exec, so a child started by a big benchmark
    process would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _app(db: Path):  # type: ignore[no-untyped-def]
    from benchmarks.common import make_app

    return make_app(f"sqlite:///{db}", db.parent)


def main(argv: list[str]) -> None:
    cmd, db = argv[0], Path(argv[1])
    out: dict[str, object] = {}
    if cmd == "generate":
        from benchmarks.portfolio import generate

        app = _app(db)
        t0 = time.perf_counter()
        out["rows"] = generate(app.db, int(argv[2]))
        out["seconds"] = time.perf_counter() - t0
        app.close()
    elif cmd == "sweep":
        from ikz.review import SWEEP_BATCH, sweep_portfolio

        app = _app(db)
        with app.db.read_engine.connect():  # connect before timing, as a long-lived flow does
            pass
        t0 = time.perf_counter()
        res = sweep_portfolio(app, batch_size=int(argv[2]) if len(argv) > 2 else SWEEP_BATCH)
        out["seconds"] = time.perf_counter() - t0
        out["result"] = res.__dict__
        # The helpers' peaks (each its own VmHWM) count too: the sweep's memory is the sum.
        out["helpers_peak_mib"] = res.helpers_peak_mib
        app.close()
    elif cmd == "baseline":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=WAL")
        t0 = time.perf_counter()
        n = sum(1 for _ in conn.execute(BASELINE_SQL))
        out["seconds"] = time.perf_counter() - t0
        out["rows"] = n
        conn.close()
    else:
        raise SystemExit(f"unknown command {cmd!r}")
    out["peak_mib"] = peak_mib() + float(out.get("helpers_peak_mib", 0.0))  # type: ignore[arg-type]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
