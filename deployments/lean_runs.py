"""What a served flow run of `ikz up` leaves out of Prefect 3.9's engine.

Applied once in the forkserver (deployments.forkserver_warm), whose forks run every
served flow; nothing else (CLI, gateway, runner, workers) is changed. Each piece below
was measured in a burst of twenty `record-goal` clicks on two cores (py-spy over the
forked runs, CPU of the process tree from /proc): together they took a run from about
0.6 to 0.4 CPU seconds and the Prefect server's share per click from 0.4 to 0.3 s.

The names patched are private to Prefect (`prefect.flow_engine`); the version range in
pyproject.toml pins them, and tests/deployments/test_lean_runs.py fails when one moves.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable, Iterator
from typing import Any


def apply() -> None:
    no_heartbeats()
    no_suspension_watch()
    one_tls_context_per_ca_file()


@contextlib.contextmanager
def _nothing(*_args: Any, **_kwargs: Any) -> Iterator[None]:
    yield


def no_heartbeats() -> None:
    """No heartbeat thread and no heartbeat events.

    A sync run's heartbeat thread emits an event when the run starts and every 180 s
    after; for that each run opened a websocket to the server's event intake (its own
    client, TLS context and version check), and the server stored and evaluated one more
    event per click. Prefect reads heartbeats only in an automation that marks a silent
    run as crashed, and ikz-flow defines none: the runner that started the process sees
    it end and reports a crash itself. The sync engine also joined that thread at the end
    of a run (the thread sleeps in steps of one second), so every process lived half a
    second longer, holding one of the runner's few slots."""
    import prefect.flow_engine as engine

    engine._send_heartbeats = _nothing


def no_suspension_watch() -> None:
    """No watch for a suspension requested from outside the run.

    Prefect 3.9 starts, for every run of a deployment, a thread with its own event loop
    and client that subscribes to the server's event stream (a websocket; the server
    filters every event for each subscriber) so that a running flow notices when someone
    else suspends it, and the run waits for that subscription before its flow starts:
    about a fifth of an action run's CPU. Nothing in ikz-flow suspends another run; a
    flow that waits for a mayor suspends itself (flows/signoff.py, `suspend_flow_run`),
    which raises Prefect's Pause directly and needs no watch."""
    import prefect.flow_engine as engine

    engine.observe_flow_run_suspension = _nothing  # type: ignore[attr-defined]


def one_tls_context_per_ca_file() -> None:
    """Every client in a run shares one TLS context per CA file instead of parsing the
    file again.

    A run builds five API clients (engine, log and event workers, artifacts), and
    Prefect gives each a new `ssl.create_default_context(cafile=...)`, which parses the
    whole CA bundle: 28 % of an action run's CPU, although the local API is plain http.
    A context is meant to be shared by many connections; the ones built here are not
    changed after they are made, but for the ALPN protocols httpcore sets on it for an
    https connection, which are the same for every Prefect client. The first one is
    built here, in the forkserver, so that the forks share it too; calls with other
    arguments (capath, cadata, no CA file) still get a context of their own."""
    make = ssl.create_default_context
    if getattr(make, "shares_contexts", False):
        return
    shared: dict[tuple[Any, str], ssl.SSLContext] = {}

    def create_default_context(
        purpose: Any = ssl.Purpose.SERVER_AUTH,
        *,
        cafile: str | None = None,
        capath: str | None = None,
        cadata: Any = None,
    ) -> ssl.SSLContext:
        if cafile is None or capath is not None or cadata is not None:
            return make(purpose, cafile=cafile, capath=capath, cadata=cadata)
        key = (purpose, str(cafile))
        if key not in shared:
            shared[key] = make(purpose, cafile=cafile)
        return shared[key]

    create_default_context.shares_contexts = True  # type: ignore[attr-defined]
    ssl.create_default_context = create_default_context  # type: ignore[assignment]
    _prefect_ca_context(create_default_context)


def _prefect_ca_context(create: Callable[..., ssl.SSLContext]) -> None:
    """The context Prefect's clients will ask for, built once before the first fork."""
    import certifi
    from prefect.settings import PREFECT_API_SSL_CERT_FILE

    create(cafile=PREFECT_API_SSL_CERT_FILE.value() or certifi.where())
