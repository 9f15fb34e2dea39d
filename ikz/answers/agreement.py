"""A party's agreement to a proposed conflict resolution (ikz.actions.agreements): what
the page asks, and recording the answer. The last Yes of a proposal resolves the
conflict in the same transaction (as recorded by ikz-flow on everyone's agreement,
each agreement proven by its own link); a No ends the proposal and tells the proposer
and the coordinator."""

from __future__ import annotations

from sqlmodel import Session

from ikz.actions.conflict_step import mail_context
from ikz.actions.conflicts import close_in
from ikz.actions.signoff import town_context
from ikz.answers.links import refused
from ikz.answers.shapes import Outcome, Question, t, when
from ikz.app import App
from models.answers import AnswerLink, proposal_links
from models.cooperation import Conflict, Cooperation
from models.outbox import enqueue
from models.queries import require
from models.registry import Person
from states.conflict import ConflictTrigger
from states.policy import Action
from states.proof import SYSTEM
from states.vocab import ConflictStatus


def _open_proposal(s: Session, link: AnswerLink) -> tuple[Conflict, list[AnswerLink]]:
    """The conflict and the links of its proposal, if the proposal is still open: the
    conflict open, this link part of the newest proposal, and nobody else said No to it
    (this link may be claimed already, by the answer being recorded)."""
    conflict = require(s, Conflict, link.object_id)
    batch = proposal_links(link, session=s)
    if (
        conflict.status != ConflictStatus.OPEN.value
        or conflict.cooperation_id != link.cooperation_id
        or all(r.id != link.id for r in batch)
        or any(r.answer == "no" for r in batch if r.id != link.id)
    ):
        raise refused("foreign")
    return conflict, batch


def agreement_question(s: Session, link: AnswerLink, person: Person, lang: str) -> Question:
    conflict, _ = _open_proposal(s, link)
    coop = require(s, Cooperation, conflict.cooperation_id)
    asker = require(s, Person, link.asked_by) if link.asked_by else None
    return Question(
        purpose="conflict_agreement",
        language=lang,
        person_name=person.name,
        cooperation_title=coop.title,
        facts=[
            (t(lang, "Kooperation", "Cooperation"), coop.title),
            (t(lang, "Konflikt", "Conflict"), conflict.subject),
            (t(lang, "Vorgeschlagene Lösung", "Proposed resolution"), link.proposal),
            (t(lang, "Es fragt", "Asked by"), asker.name if asker else "–"),
            (t(lang, "Bitte antworten bis", "Please answer by"), when(link.expires_at, lang)),
        ],
        ask=t(
            lang,
            f"Stimmen Sie dieser Lösung des Konflikts „{conflict.subject}“ zu?",
            f"Do you agree to this resolution of the conflict “{conflict.subject}”?",
        ),
        needs=t(
            lang,
            "Stimmen alle Beteiligten zu, gilt der Konflikt als gelöst, mit dieser Lösung und "
            "Ihnen unter denen, die zugestimmt haben. Ein Nein lässt den Konflikt offen.",
            "When every party agrees, the conflict is resolved with this resolution, you among "
            "those who agreed. A No leaves the conflict open.",
        ),
        yes_label=t(lang, "Ja, ich stimme zu", "Yes, I agree"),
        no_label=t(lang, "Nein, ich stimme nicht zu", "No, I do not agree"),
    )


def agreement_answer(
    app: App, s: Session, link: AnswerLink, approve: bool, note: str, lang: str
) -> Outcome:
    """Record the party's answer (its link is already claimed by the caller)."""
    conflict, batch = _open_proposal(s, link)
    if not approve:
        coop = require(s, Cooperation, conflict.cooperation_id)
        party = require(s, Person, link.person_id)
        town = town_context(s, party.municipality_id) if party.municipality_id else {}
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=[link.asked_by, coop.coordinator_id],
            kind="conflict_agreement_declined",
            context=mail_context(
                coop,
                conflict,
                resolution=link.proposal,
                note=note,
                answered_by=party.name,
                **town,
            ),
            dedupe_prefix=f"conflict-agreement-declined:{link.id}",
        )
        return Outcome(
            "conflict_agreement",
            lang,
            False,
            "declined",
            t(
                lang,
                "Ihre Ablehnung ist erfasst; der Konflikt bleibt offen. Die Koordination wird "
                "informiert.",
                "Your refusal is recorded; the conflict stays open. The coordination is told.",
            ),
            cooperation_id=conflict.cooperation_id,
        )
    if all(r.answer == "yes" for r in batch) and link.asked_by is not None:
        # Everyone agreed: ikz-flow records the resolution in the proposer's name, each
        # agreement proven by its own link.
        system = App(
            db=app.db, settings=app.settings, clock=app.clock, after_commit=[], proof=SYSTEM
        )
        close_in(
            system,
            s,
            conflict.id or 0,
            link.asked_by,
            Action.RESOLVE_CONFLICT,
            ConflictTrigger.RESOLVE,
            link.proposal,
            [r.person_id for r in batch],
            "conflict_resolved",
        )
        return Outcome(
            "conflict_agreement",
            lang,
            True,
            "resolved",
            t(
                lang,
                "Ihre Zustimmung ist erfasst. Alle haben zugestimmt: Der Konflikt ist gelöst.",
                "Your agreement is recorded. Everyone has agreed: the conflict is resolved.",
            ),
            cooperation_id=conflict.cooperation_id,
        )
    return Outcome(
        "conflict_agreement",
        lang,
        True,
        "agreed",
        t(
            lang,
            "Ihre Zustimmung ist erfasst. Der Konflikt gilt als gelöst, sobald alle "
            "Beteiligten zugestimmt haben.",
            "Your agreement is recorded. The conflict is resolved once every party has agreed.",
        ),
        cooperation_id=conflict.cooperation_id,
    )
