"""`ikz audit anchor`: the heads of every hash chain, signed, kept outside the database.

A chain whose last records were cut off still links up; only a copy of its head kept
elsewhere shows that something is missing. The anchor is a JSON file with every chain's
last (seq, hash) (lifecycle and facts per cooperation, steps per conflict), its SHA-256
digest and an HMAC under the server secret (ikz.proof.secret), written to a file the
operator keeps (default data_dir/anchors/<date>.json) and mailed, as its digest, to the
coordinators. `ikz audit verify` checks every head of the latest (or a given) anchor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ikz.app import App
from ikz.proof.secret import server_secret
from models.audit_check import chain_heads
from models.delivery import coordinator_ids
from models.outbox import enqueue
from states.errors import IkzError, InvalidInputError

ANCHOR_DIR = "anchors"
FORMAT = 1


@dataclass(frozen=True)
class Anchor:
    path: Path
    created_at: str
    digest: str
    chains: int
    told: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "created_at": self.created_at,
            "digest": self.digest,
            "chains": self.chains,
            "coordinators_told": self.told,
        }


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(app: App, created_at: str, heads: Any) -> str:
    body = _canonical({"created_at": created_at, "heads": heads})
    return hmac.new(server_secret(app.settings), body, hashlib.sha256).hexdigest()


def anchor_dir(app: App) -> Path:
    return Path(app.settings.data_dir) / ANCHOR_DIR


def latest_anchor(app: App) -> Path | None:
    """The newest anchor file in the default folder, if any."""
    folder = anchor_dir(app)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return files[-1] if files else None


def write_anchor(app: App, file: Path | None = None) -> Anchor:
    """Write the signed heads of every chain to `file` (default: the anchor folder, one
    file per day, replaced within the day) and queue their digest to the coordinators,
    in one transaction with the read of the heads."""
    now: datetime = app.clock()
    created_at = now.isoformat(timespec="seconds")
    target = file or anchor_dir(app) / f"{now.date().isoformat()}.json"
    with app.db.write() as s:
        heads = {
            kind: {chain: list(link) for chain, link in chains.items()}
            for kind, chains in chain_heads(session=s).items()
        }
        digest = hashlib.sha256(_canonical(heads)).hexdigest()
        body = {
            "format": FORMAT,
            "created_at": created_at,
            "digest": digest,
            "heads": heads,
            "mac": _mac(app, created_at, heads),
        }
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            tmp.replace(target)
        except OSError as exc:
            raise InvalidInputError(
                "anchor_unwritable",
                f"Anker kann nicht geschrieben werden ({target}): {exc.strerror}.",
                f"Cannot write the anchor ({target}): {exc.strerror}.",
            ) from None
        chains = sum(len(v) for v in heads.values())
        told = enqueue(
            s,
            now=now,
            recipient_ids=coordinator_ids(session=s),
            kind="audit_anchor",
            context={
                "digest": digest,
                "created_at": created_at,
                "chains": chains,
                "file": target.name,
            },
            dedupe_prefix=f"anchor:{digest}",
        )
    return Anchor(target, created_at, digest, chains, told)


def _bad_anchor(path: Path, de: str, en: str) -> IkzError:
    return IkzError(
        "anchor_invalid",
        f"Anker {path} ist ungültig: {de}.",
        f"Anchor {path} is invalid: {en}.",
    )


def read_anchor(app: App, path: Path) -> dict[str, dict[str, tuple[int, str]]]:
    """The heads an anchor file holds, once its signature is checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(
            "anchor_missing", f"Anker {path} gibt es nicht.", f"No anchor file {path}."
        ) from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise _bad_anchor(path, "kein lesbares JSON", "not readable JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad_anchor(path, "unbekanntes Format", "unknown format")
    heads, created_at = data.get("heads"), str(data.get("created_at", ""))
    if not isinstance(heads, dict) or not hmac.compare_digest(
        _mac(app, created_at, heads), str(data.get("mac", ""))
    ):
        raise _bad_anchor(
            path,
            "die Signatur stimmt nicht (verändert oder mit anderem Schlüssel)",
            "its signature does not match (altered, or made with another key)",
        )
    return {
        str(kind): {str(chain): (int(link[0]), str(link[1])) for chain, link in chains.items()}
        for kind, chains in heads.items()
    }
