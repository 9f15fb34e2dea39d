"""The `ikz-smtp` block: the mail relay, editable by a coordinator in the Prefect UI.

`ikz up` registers the block type; a coordinator creates a block document named
"ikz-smtp" (Blocks -> Add -> ikz-smtp). While it exists, the dispatch-notifications flow
sends through it; otherwise through the IKZ_SMTP_* settings. The password is stored as a
secret (shown masked in the UI).
"""

from __future__ import annotations

import asyncio
from typing import Literal, cast

from prefect.blocks.core import Block
from pydantic import Field, SecretStr

from ikz.mail.smtp import SmtpConfig
from ikz.settings import Settings

BLOCK_DOCUMENT = "ikz-smtp"


class IkzSmtp(Block):
    """SMTP-Versand für ikz-flow."""

    _block_type_name = "ikz-smtp"
    _block_type_slug = "ikz-smtp"
    _description = (
        "Mailserver, über den ikz-flow Benachrichtigungen versendet. Ein Block mit dem "
        "Namen 'ikz-smtp' ersetzt die Einstellungen IKZ_SMTP_*."
    )

    host: str = Field(title="Server", description="z. B. smtp.landkreis.de")
    port: int = Field(587, title="Port", ge=1, le=65535)
    security: Literal["none", "starttls", "tls"] = Field(
        "starttls", title="Verschlüsselung", description="none, starttls (587) oder tls (465)"
    )
    username: str | None = Field(None, title="Benutzername")
    password: SecretStr | None = Field(None, title="Passwort")
    mail_from: str = Field(title="Absender", description="z. B. ikz-flow <ikz@landkreis.de>")
    timeout: float = Field(10, title="Zeitlimit (Sekunden)", gt=0)

    def to_config(self, settings: Settings | None = None) -> SmtpConfig:
        """The dispatcher's configuration; a CA file for private relays still comes from
        IKZ_SMTP_CA_FILE (a path on the worker, not something to edit in the UI)."""
        return SmtpConfig(
            host=self.host,
            port=self.port,
            security=self.security,
            username=self.username,
            password=self.password,
            mail_from=self.mail_from,
            timeout_seconds=self.timeout,
            ca_file=settings.smtp_ca_file if settings else None,
        )


def register_block_types() -> None:
    """Make `ikz-smtp` known to the Prefect server (idempotent; needs PREFECT_API_URL)."""
    IkzSmtp.register_type_and_schema()


def smtp_config_sync(settings: Settings) -> SmtpConfig:
    """The block's configuration when a block document named "ikz-smtp" exists, else the
    IKZ_SMTP_* settings."""
    try:
        # _sync: the blocking variant even if this thread runs an event loop.
        block = cast(IkzSmtp, IkzSmtp.load(BLOCK_DOCUMENT, _sync=True))  # type: ignore[call-arg]
    except ValueError:  # no such block document (or the type was never registered)
        return SmtpConfig.from_settings(settings)
    return block.to_config(settings)


async def smtp_config(settings: Settings) -> SmtpConfig:
    """`smtp_config_sync` for an async flow (the dispatcher), off its event loop."""
    return await asyncio.to_thread(smtp_config_sync, settings)
