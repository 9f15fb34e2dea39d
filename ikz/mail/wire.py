"""How a rendered message goes on an SMTP connection's wire.

`aiosmtplib.SMTP.send_message` works out per message what a connection needs (8BITMIME
or not) and flattens the message with `email.policy.SMTP`. The dispatcher does that
itself, with the same bytes as the result (tested), for two reasons:

- it can flatten the next message while the relay is still answering for the current
  one (ikz.mail.dispatch);
- folding a header is the costliest part of flattening, and most of a mail's headers are
  the very same objects from mail to mail (ikz.mail.render caches them: From, To per
  recipient, Date per second, Subject per cooperation, the parts' Content-* headers).
  The wire policy remembers each header object's folded bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.headerregistry import BaseHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

import aiosmtplib

# The policy settings a header object's folding reads.
_FoldKey = tuple[str, int | None, bool, str]
# Folded headers by the header object's id, with the object itself so that an id is
# never taken for another object's (the entry keeps it alive). Bounded like the header
# cache it mirrors.
_FOLDED: dict[int, tuple[BaseHeader, _FoldKey, str, bytes]] = {}
_FOLDED_MAX = 8192


class _WirePolicy(EmailPolicy):
    """email.policy.SMTP, remembering the folded form of header objects. Keyed by the
    settings, not the policy object: the generator clones its policy for every part."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if not isinstance(value, BaseHeader):  # a raw value (Message-ID): unique per mail
            return bytes(super().fold_binary(name, value))
        key = (self.linesep, self.max_line_length, self.utf8, self.cte_type)
        hit = _FOLDED.get(id(value))
        if hit is not None and hit[0] is value and hit[1] == key and hit[2] == name:
            return hit[3]
        folded = bytes(super().fold_binary(name, value))
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        _FOLDED[id(value)] = (value, key, name, folded)
        return folded


# email.policy.SMTP is `default.clone(linesep="\r\n")`; the 7bit one is what
# send_message uses for a relay without 8BITMIME.
SMTP_8BIT = _WirePolicy(linesep="\r\n")
SMTP_7BIT = SMTP_8BIT.clone(cte_type="7bit")


@dataclass(frozen=True)
class Wire:
    """What `send_message` works out per message, worked out once per connection (after
    EHLO, from the relay's extensions)."""

    policy: EmailPolicy
    mail_options: tuple[str, ...]

    @classmethod
    def of(cls, client: aiosmtplib.SMTP) -> Wire:
        if client.supports_extension("8BITMIME"):
            return cls(SMTP_8BIT, ("BODY=8BITMIME",))
        return cls(SMTP_7BIT, ())

    def flatten(self, msg: EmailMessage) -> bytes:
        """The bytes `send_message` sends for `msg` with ASCII addresses (non-ASCII ones
        need SMTPUTF8, which is left to send_message). Our messages carry no Bcc header,
        which send_message would strip."""
        out = io.BytesIO()
        BytesGenerator(out, policy=self.policy).flatten(msg)
        return out.getvalue()
