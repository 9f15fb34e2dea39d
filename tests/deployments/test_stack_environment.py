"""The environment `ikz up` gives the processes of its stack (deployments.stack)."""

from __future__ import annotations

from pathlib import Path

from tests.deployments.fresh import probe

PROBE = """
import json, sys
from pathlib import Path
from prefect.settings import Settings

def seen():  # as a process started now reads its settings (a served run, the runner)
    s = Settings()
    return {"version_check": s.client.server_version_check_enabled,
            "poll": s.runner.poll_frequency}

before = seen()
from deployments.stack import stack_environment
public = stack_environment(Path(sys.argv[1]), 4321, 1.0)
print(json.dumps({"before": before, "after": seen(), "public": public}))
"""


def test_runs_of_the_stack_skip_the_version_check_of_the_server_it_started(
    tmp_path: Path,
) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    assert probe(PROBE, str(tmp_path / "data"), env=env) == {
        "before": {"version_check": True, "poll": 10},
        "after": {"version_check": False, "poll": 1},
        "public": "http://127.0.0.1:4321",
    }
