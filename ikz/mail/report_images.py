"""The charts of a success report, inline in its email (multipart/related, by Content-ID).

The outbox row names the report folder; the PNGs found there under the known chart
names are attached to the HTML part and referenced from it as cid: images. A folder
that is gone (or a row from before charts existed) simply gives a mail without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from ikz.reporting.names import CHARTS
from models.outbox import Notification

REPORT_KINDS = frozenset({"success_report_ready"})


@dataclass(frozen=True)
class InlineImage:
    cid: str  # without angle brackets, as referenced by src="cid:..."
    alt: str
    filename: str
    data: bytes


def report_images(notification: Notification, lang: str) -> list[InlineImage]:
    if notification.kind not in REPORT_KINDS:
        return []
    ctx = notification.context
    folder = ctx.get("folder") or (Path(str(ctx["path"])).parent if ctx.get("path") else None)
    if not folder:
        return []
    out = []
    for name, (de, en) in CHARTS.items():
        path = Path(str(folder)) / name
        if path.is_file():
            stem = name.removesuffix(".png")
            out.append(
                InlineImage(
                    cid=f"{stem}.{ctx.get('report_id', 0)}@ikz-flow",
                    alt=en if lang == "en" else de,
                    filename=name,
                    data=path.read_bytes(),
                )
            )
    return out


def attach_inline(msg: EmailMessage, images: list[InlineImage]) -> None:
    """Turn the HTML part into multipart/related with the images (call after the body)."""
    html = msg.get_body(preferencelist=("html",))
    if html is None or not images:
        return
    for img in images:
        html.add_related(
            img.data,
            maintype="image",
            subtype="png",
            cid=f"<{img.cid}>",
            filename=img.filename,
            disposition="inline",
        )
