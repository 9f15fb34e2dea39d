"""What a served run leaves out of Prefect's engine (deployments.lean_runs), each shown
both ways in a fresh interpreter: as Prefect does it, and after the forkserver's warm-up
(`deployments.forkserver_warm`, which applies it)."""

from __future__ import annotations

from tests.deployments.fresh import probe

PROBE = """
import json, logging, ssl, sys, threading

made = []  # every TLS context actually built, by its arguments
build = ssl.create_default_context
def counting(purpose=ssl.Purpose.SERVER_AUTH, *, cafile=None, capath=None, cadata=None):
    made.append(cafile or capath or "default")
    return build(purpose, cafile=cafile, capath=capath, cadata=cadata)
ssl.create_default_context = counting

import certifi
import prefect.flow_engine as engine
from prefect.settings import PREFECT_API_SSL_CERT_FILE

before = len(made)  # importing Prefect builds some at module level
if sys.argv[1] == "warm":
    import deployments.forkserver_warm  # noqa: F401
built_by_the_warm_up = len(made) - before

class Engine:  # what _send_heartbeats reads of a sync flow run engine
    heartbeat_seconds = 30
    flow_run = None
    logger = logging.getLogger("probe")
    def _build_heartbeat_event_template(self):
        return None, None
    def _emit_flow_run_heartbeat(self, resource, related):
        pass

def threads_during(manager):
    before = set(threading.enumerate())
    with manager:
        return len(set(threading.enumerate()) - before)

# What Prefect's clients ask for, three times (engine, logs, events).
ca = PREFECT_API_SSL_CERT_FILE.value() or certifi.where()
contexts = [ssl.create_default_context(cafile=ca) for _ in range(3)]
other = ssl.create_default_context(capath="/etc/ssl/certs")
print(json.dumps({
    "heartbeat_threads": threads_during(engine._send_heartbeats(Engine())),
    "watches_for_suspension": engine.observe_flow_run_suspension.__module__
        == "prefect._flow_run_suspension",
    "built_by_the_warm_up": built_by_the_warm_up,
    "built_for_three_clients": len(made) - before - built_by_the_warm_up - 1,
    "one_shared_context": all(c is contexts[0] for c in contexts),
    "capath_gets_its_own": other is not contexts[0],
}))
"""


def test_prefect_alone_beats_hearts_watches_and_parses_the_ca_file_per_client() -> None:
    assert probe(PROBE, "plain") == {
        "heartbeat_threads": 1,
        "watches_for_suspension": True,
        "built_by_the_warm_up": 0,
        "built_for_three_clients": 3,
        "one_shared_context": False,
        "capath_gets_its_own": True,
    }


def test_a_forked_run_has_no_heartbeat_no_watch_and_one_tls_context() -> None:
    assert probe(PROBE, "warm") == {
        "heartbeat_threads": 0,
        "watches_for_suspension": False,
        "built_by_the_warm_up": 1,  # before the first fork, shared by every run
        "built_for_three_clients": 0,
        "one_shared_context": True,
        "capath_gets_its_own": True,
    }
