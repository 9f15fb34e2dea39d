"""Where and how mail leaves: one SMTP configuration, from IKZ_SMTP_* or the `ikz-smtp` block.

The dispatcher takes this object, never Prefect: the CLI sends with the settings, the
dispatch flow with the block a coordinator edits in the Prefect UI (flows/blocks.py).
"""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path
from typing import Literal

import aiosmtplib
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from ikz.settings import Settings

Security = Literal["none", "starttls", "tls"]


class SmtpConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8025, ge=1, le=65535)
    security: Security = "none"
    username: str | None = None
    password: SecretStr | None = None
    mail_from: str = "ikz-flow <noreply@ikz-flow.invalid>"
    timeout_seconds: float = Field(10, gt=0)
    ca_file: Path | None = None

    @field_validator("mail_from")
    @classmethod
    def _one_address(cls, value: str) -> str:
        # Goes into the From header and the envelope: refuse CR/LF here, whatever the source.
        if "\r" in value or "\n" in value or "@" not in parseaddr(value)[1]:
            raise ValueError("mail_from must be one address on one line")
        return value

    @field_validator("host", "username")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and ("\r" in value or "\n" in value):
            raise ValueError("line breaks (CR/LF) are not allowed")
        return value

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            mail_from=settings.mail_from,
            timeout_seconds=settings.smtp_timeout_seconds,
            ca_file=settings.smtp_ca_file,
        )

    @property
    def sender(self) -> str:
        """The envelope sender (the bare address of mail_from)."""
        return parseaddr(self.mail_from)[1]

    def client(self) -> aiosmtplib.SMTP:
        """A client that connects, says EHLO, upgrades (STARTTLS) and logs in on `connect()`."""
        password = self.password.get_secret_value() if self.password else None
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            timeout=self.timeout_seconds,
            use_tls=self.security == "tls",
            start_tls=self.security == "starttls",
            username=self.username if password is not None else None,
            password=password,
            cert_bundle=str(self.ca_file) if self.ca_file else None,
        )
