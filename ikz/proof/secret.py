"""The server secret: signs the gateway's stamps and the anchors of the audit trail.

Known only to ikz-flow's own processes: `IKZ_SECRET` if set (several machines share
it), else a file `secret.key` in the data directory, made on first use, readable by its
owner only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ikz.settings import Settings

SECRET_FILE = "secret.key"


def server_secret(settings: Settings) -> bytes:
    if settings.secret is not None:
        return settings.secret.get_secret_value().encode()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once keep the first one's secret.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
