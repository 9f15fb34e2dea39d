"""The forkserver's warm-up (deployments.forkserver_warm) leaves a process fit to fork:
every module a run imports late is there, the holiday tables are computed, and no
thread runs besides the main one (a fork copies only the calling thread, so a lock held
by another would stay locked in every run)."""

from __future__ import annotations

from tests.deployments.fresh import probe

PROBE = """
import json, sys, threading
from datetime import date, timedelta
from sqlalchemy import inspect
import states.council as council
from models.cooperation import Cooperation
from states.council import is_working_day

def state():
    return {
        "holiday_tables": getattr(council, "_holidays").cache_info().currsize,
        "mappers_configured": inspect(Cooperation).configured,
        "threads": threading.active_count(),
    }

before = state()
import deployments.forkserver_warm as warm
after = state()
misses = getattr(council, "_holidays").cache_info().misses
may = date(date.today().year, 5, 4)
is_working_day(may + timedelta(days=(7 - may.weekday()) % 7), "TH")  # a Monday
print(json.dumps({
    "before": before,
    "after": after,
    "missing": [m for m in warm.RUN_IMPORTS if m not in sys.modules],
    "new_tables_for_a_deadline": getattr(council, "_holidays").cache_info().misses - misses,
}))
"""


def test_the_warm_forkserver_has_what_a_run_needs_and_no_thread() -> None:
    assert probe(PROBE) == {
        "before": {"holiday_tables": 0, "mappers_configured": False, "threads": 1},
        # 16 states and the nationwide table, this year and next
        "after": {"holiday_tables": 34, "mappers_configured": True, "threads": 1},
        "missing": [],
        "new_tables_for_a_deadline": 0,
    }
