"""Issuing and checking answer links, inside the caller's transaction.

A link is issued in the transaction that queues the mail carrying it, so both exist or
neither; its Message-ID is known then (ikz.mail.render derives it from the outbox row's
dedupe key). Checking refuses, with its own code, a token that is malformed or unknown
(forged), used, expired, or no longer bound to an open question of its person (foreign).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from ikz.answers import tokens
from ikz.app import App
from ikz.mail.render import message_id
from ikz.proof.secret import server_secret
from models.answers import AnswerLink, link_by_hash
from models.store import save
from states.errors import IkzError
from states.proof import Proof, ProofKind


class LinkRefused(IkzError):
    """A link that opens nothing: `code` is forged, used, expired or foreign."""

    exit_code = 2


REFUSALS: dict[str, tuple[str, str]] = {
    "forged": (
        "Dieser Link ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail unverändert.",
        "This link is not valid. Please use the link from your email as it is.",
    ),
    "used": (
        "Dieser Link wurde bereits verwendet; Ihre Antwort ist erfasst. "
        "Ein Link gilt nur für eine Antwort.",
        "This link has already been used; your answer is recorded. "
        "A link is good for one answer only.",
    ),
    "expired": (
        "Dieser Link ist abgelaufen. Bitte wenden Sie sich an die Koordination, "
        "wenn Sie noch antworten möchten.",
        "This link has expired. Please contact the coordination if you still want to answer.",
    ),
    "foreign": (
        "Dieser Link gehört zu einer Frage, die nicht mehr offen ist oder nicht an Sie "
        "gerichtet ist. Es wurde nichts geändert.",
        "This link belongs to a question that is no longer open or is not addressed to "
        "you. Nothing was changed.",
    ),
}


def refused(code: str) -> LinkRefused:
    de, en = REFUSALS[code]
    return LinkRefused(code, de, en)


def issue(
    app: App,
    s: Session,
    *,
    person_id: int,
    purpose: str,
    object_id: int,
    cooperation_id: int,
    dedupe_key: str,
    expires_at: datetime,
    proposal: str = "",
    asked_by: int | None = None,
) -> AnswerLink:
    """A new link for `person_id` to answer `purpose` about `object_id`, carried by the
    mail queued with `dedupe_key` (its outbox key: `<prefix>:<recipient id>`)."""
    token = tokens.new_token()
    row = AnswerLink(
        token_hash=tokens.token_hash(token),
        seal=tokens.seal(server_secret(app.settings), token),
        person_id=person_id,
        purpose=purpose,
        object_id=object_id,
        cooperation_id=cooperation_id,
        message_id=message_id(dedupe_key),
        created_at=app.clock(),
        expires_at=expires_at,
        proposal=proposal,
        asked_by=asked_by,
    )
    return save(row, session=s)


def mail_context(link: AnswerLink) -> dict[str, Any]:
    """What a mail's context holds to render the link (see ikz.mail.render.ui_link)."""
    return {
        "answer_link": link.token_hash,
        "answer_seal": link.seal,
        "answer_expires_at": link.expires_at.isoformat(),
    }


def find(s: Session, token: str) -> AnswerLink:
    """The link of `token`, whatever its state, or LinkRefused('forged')."""
    if not tokens.well_formed(token):
        raise refused("forged")
    row = link_by_hash(tokens.token_hash(token), session=s)
    if row is None:
        raise refused("forged")
    return row


def usable(row: AnswerLink, now: datetime) -> AnswerLink:
    """The link, if it may still answer: not used, not expired."""
    if row.used_at is not None:
        raise refused("used")
    if row.expires_at <= now:
        raise refused("expired")
    return row


def proof_of(row: AnswerLink) -> Proof:
    """How the person answering through this link is proven."""
    return Proof(ProofKind.MAIL_LINK, row.person_id, row.message_id)
