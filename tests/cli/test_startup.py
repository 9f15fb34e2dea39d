"""A cold `ikz coop show` starts fast (issue 5): it imports only what it needs, and the
cyclic GC neither runs during start-up nor at exit, while in-process callers keep theirs."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.cli.helpers import Cli, DemoWorld

# Packages that `coop show` must not import: they belong to other commands (reports, mail,
# calendar invitations, migrations, the Prefect stack) or to pretty output we turned off.
NOT_FOR_SHOW = (
    "prefect",
    "matplotlib",
    "jinja2",
    "alembic",
    "aiosmtplib",
    "aiosmtpd",
    "icalendar",
    "markdown_it",
    "httpx",
    "rich",
    "ikz.mail",
    "ikz.reporting",
    "ikz.reporting.report",
    "urllib.request",
)

# Run the console entry point in a fresh interpreter and report, at exit, what was imported
# and the state of the garbage collector.
_PROBE = """
import atexit, gc, json, sys

def _report():
    print(json.dumps({"modules": sorted(sys.modules), "gc_enabled": gc.isenabled(),
                      "frozen": gc.get_freeze_count()}), file=sys.stderr)

atexit.register(_report)
from ikz.cli.main import main
main()
"""


def _probe(cli: Cli, *args: object) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "PREFECT_"))}
    env |= {"IKZ_DATA_DIR": str(cli.data_dir), "IKZ_DATABASE_URL": f"sqlite:///{cli.db_path}"}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return proc, report


def test_coop_show_imports_only_what_it_needs(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("pilot")
    proc, report = _probe(demo_cli, "coop", "show", cid)
    assert proc.returncode == 0, proc.stderr
    assert f"#{cid} " in proc.stdout
    modules = set(report["modules"])
    # The probe sees the imports the command does need.
    assert {"sqlalchemy", "sqlmodel", "pydantic_settings", "ikz.views.cooperation"} <= modules
    loaded = sorted(
        m for m in modules for bad in NOT_FOR_SHOW if m == bad or m.startswith(bad + ".")
    )
    assert loaded == []


def test_cold_process_freezes_startup_objects_instead_of_collecting(
    demo_cli: Cli, world: DemoWorld
) -> None:
    proc, report = _probe(demo_cli, "coop", "show", world.coop_in("pilot"))
    assert proc.returncode == 0, proc.stderr
    # Frozen: the interpreter's full collection at exit skips the start-up objects.
    assert report["frozen"] > 10_000
    assert report["gc_enabled"]


def test_cold_process_freezes_also_after_an_error(bare_cli: Cli) -> None:
    proc, report = _probe(bare_cli, "coop", "show", "1")
    assert proc.returncode != 0
    assert "ikz db upgrade" in proc.stderr
    assert report["frozen"] > 0


@pytest.mark.parametrize("initially_enabled", [True, False])
def test_in_process_main_restores_the_gc_and_freezes_nothing(
    demo_cli: Cli, world: DemoWorld, initially_enabled: bool
) -> None:
    frozen = gc.get_freeze_count()
    was = gc.isenabled()
    try:
        if not initially_enabled:
            gc.disable()
        demo_cli.ok("coop", "show", world.coop_in("pilot"))
        demo_cli("coop", "show", "999999")  # an error path too
        assert gc.isenabled() is initially_enabled
        assert gc.get_freeze_count() == frozen
    finally:
        if was:
            gc.enable()
