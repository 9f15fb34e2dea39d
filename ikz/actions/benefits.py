"""Asking a partner to confirm that its stated benefit came true: a mail to the partner's
contact person (else its mayor) with a single-use answer link (ikz.answers); the answer
page records the confirmation in that person's name, or tells the coordinator No."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from ikz.actions.guard import authorize, coop_for_write, require_partners
from ikz.answers.links import issue, mail_context
from ikz.app import App
from models import commands as c
from models.outbox import enqueue
from models.queries import require
from models.registry import Municipality
from states.errors import InvalidInputError
from states.policy import Action


def request_benefit_confirmation(app: App, cmd: c.RequestBenefitConfirmation) -> dict[str, Any]:
    with app.db.write() as s:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        require_partners(parts, [cmd.municipality_id])
        authorize(s, cmd.actor_id, Action.REQUEST_CONFIRMATION, parts)
        part = next(p for p in parts if p.municipality_id == cmd.municipality_id)
        if not part.stated_benefit:
            raise InvalidInputError(
                "benefit_missing",
                f"Für Kommune {cmd.municipality_id} ist noch kein Nutzen genannt.",
                f"No benefit is stated for municipality {cmd.municipality_id} yet.",
            )
        person = part.contact_id or part.mayor_id
        if person is None:
            raise InvalidInputError(
                "partner_person_missing",
                f"Für Kommune {cmd.municipality_id} ist weder Ansprechperson noch "
                "Bürgermeister:in hinterlegt.",
                f"Municipality {cmd.municipality_id} has neither a contact person nor a mayor.",
            )
        assert coop.id is not None and part.id is not None
        town = require(s, Municipality, cmd.municipality_id)
        expires = app.clock() + timedelta(days=app.settings.signoff_timeout_days)
        # Each request its own mail (and Message-ID): asking again is a new question.
        prefix = f"benefit-confirmation:{part.id}:{secrets.token_hex(8)}"
        link = issue(
            app,
            s,
            person_id=person,
            purpose="benefit",
            object_id=part.id,
            cooperation_id=coop.id,
            dedupe_key=f"{prefix}:{person}",
            expires_at=expires,
        )
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=[person],
            kind="benefit_confirmation_requested",
            context={
                "cooperation_id": coop.id,
                "title": coop.title,
                "municipality_id": cmd.municipality_id,
                "municipality_name": town.name,
                "benefit": part.stated_benefit,
                **mail_context(link),
            },
            dedupe_prefix=prefix,
        )
        return {
            "cooperation_id": coop.id,
            "municipality_id": cmd.municipality_id,
            "person_id": person,
            "expires_at": expires.isoformat(timespec="seconds"),
        }
