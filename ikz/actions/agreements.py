"""Agreeing to a conflict's resolution from the mailbox: the coordinator (or the assigned
moderator at moderation level) puts a resolution to the parties, each gets a single-use
answer link (ikz.answers); when every party has agreed, the conflict is resolved in the
same transaction as the last agreement; one No ends the proposal and tells the proposer
and the coordinator."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from ikz.actions.conflict_step import load, mail_context, require_open
from ikz.actions.guard import authorize, require_people
from ikz.answers.links import issue
from ikz.answers.links import mail_context as link_context
from ikz.app import App
from models import commands as c
from models.outbox import enqueue
from states.errors import InvalidInputError
from states.policy import Action


def propose_resolution(app: App, cmd: c.ProposeResolution) -> dict[str, Any]:
    with app.db.write() as s:
        conflict, coop, parts = load(s, cmd.conflict_id)
        require_open(conflict)
        actor = authorize(
            s, cmd.actor_id, Action.RESOLVE_CONFLICT, parts, conflict_level=conflict.level
        )
        parties = list(dict.fromkeys(cmd.party_ids)) or list(
            dict.fromkeys(p.contact_id for p in parts if p.contact_id is not None)
        )
        if not parties:
            raise InvalidInputError(
                "no_parties",
                "Niemand ist benannt, der zustimmen soll, und kein Partner hat eine Ansprechperson.",
                "Nobody is named to agree, and no partner has a contact person.",
            )
        require_people(s, parties)
        assert conflict.id is not None and coop.id is not None
        expires = app.clock() + timedelta(days=app.settings.signoff_timeout_days)
        prefix = f"conflict-agreement:{conflict.id}:{secrets.token_hex(8)}"
        for person in parties:
            link = issue(
                app,
                s,
                person_id=person,
                purpose="conflict_agreement",
                object_id=conflict.id,
                cooperation_id=coop.id,
                dedupe_key=f"{prefix}:{person}",
                expires_at=expires,
                proposal=cmd.resolution,
                asked_by=actor.id,
            )
            enqueue(
                s,
                now=app.clock(),
                recipient_ids=[person],
                kind="conflict_agreement_requested",
                context=mail_context(
                    coop, conflict, resolution=cmd.resolution, **link_context(link)
                ),
                dedupe_prefix=prefix,
            )
        return {
            "conflict_id": conflict.id,
            "asked": parties,
            "expires_at": expires.isoformat(timespec="seconds"),
        }
