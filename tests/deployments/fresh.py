"""Running a probe in a fresh interpreter, for what a module changes at import or in
process-wide state (Prefect's engine, ssl, os.environ) that a test must see both ways."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def probe(code: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """The JSON document `code` printed last, run as `python -c code *args`."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
