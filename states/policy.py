"""Who may do what: a pure policy over roles, actions and the domain's constraints.

Every use-case function asks `check` before writing; a refusal names the rule broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from states.errors import PolicyRefusedError
from states.proof import Proof, ProofKind
from states.vocab import ConflictLevel, Role, level_at_least


class Action(StrEnum):
    REGISTER_MUNICIPALITY = "register_municipality"
    REGISTER_PERSON = "register_person"
    OPEN_COOPERATION = "open_cooperation"
    ADVANCE = "advance"
    RECORD_GOAL = "record_goal"
    RECORD_BENEFIT = "record_benefit"
    RECORD_MEETING = "record_meeting"
    RECORD_AGREEMENT = "record_agreement"
    SIGN_OFF = "sign_off"
    REQUEST_SIGNOFF = "request_signoff"
    REQUEST_CONFIRMATION = "request_confirmation"
    RECORD_STAFF = "record_staff"
    RECORD_COMMUNICATION = "record_communication"
    RECORD_SUCCESS = "record_success"
    RECORD_DECISION = "record_decision"
    RECORD_REPORT = "record_report"
    CHOOSE_LEGAL_FORM = "choose_legal_form"
    SET_PARTNER = "set_partner"
    RAISE_CONFLICT = "raise_conflict"
    ESCALATE_CONFLICT = "escalate_conflict"
    RESOLVE_CONFLICT = "resolve_conflict"
    SCHEDULE_CONFLICT_SESSION = "schedule_conflict_session"
    CLOSE_CONFLICT = "close_conflict"
    ERASE_PERSON = "erase_person"
    PLAN_FOUNDING = "plan_founding"
    RECORD_FOUNDING = "record_founding"
    IMPORT_COUNCIL_CALENDAR = "import_council_calendar"
    RECORD_COSTS = "record_costs"
    RECORD_FUNDING = "record_funding"


@dataclass(frozen=True)
class Actor:
    id: int
    roles: frozenset[Role]
    municipality_id: int | None


@dataclass(frozen=True)
class Target:
    """What the action is about, as far as the policy needs to know."""

    partner_municipalities: frozenset[int] = frozenset()
    municipality_id: int | None = None  # the partner the action concerns, if any
    conflict_level: str | None = None
    sponsor_id: int | None = None  # the partnership's sponsoring mayor, for sign-offs
    moderator_id: int | None = None  # the conflict's assigned moderator, if any
    # How the actor was proven (sign-offs depend on it); None: not known to the caller.
    proof: Proof | None = None


# Role alone suffices (coordinators run the process).
_COORDINATOR_ONLY = {
    Action.REGISTER_MUNICIPALITY,
    Action.REGISTER_PERSON,
    Action.OPEN_COOPERATION,
    Action.ADVANCE,
    Action.RECORD_GOAL,
    Action.RECORD_AGREEMENT,
    Action.RECORD_DECISION,
    Action.RECORD_REPORT,
    Action.CHOOSE_LEGAL_FORM,
    Action.SET_PARTNER,
    Action.REQUEST_SIGNOFF,
    Action.ERASE_PERSON,
    Action.REQUEST_CONFIRMATION,
    # Giving up on a conflict may lead to ending the cooperation: the coordinator's call.
    Action.CLOSE_CONFLICT,
    # The founding procedure: resolutions, authority and gazette come on paper, and the
    # coordinator records them (with the document, on the partner's behalf).
    Action.PLAN_FOUNDING,
    Action.RECORD_FOUNDING,
    Action.IMPORT_COUNCIL_CALENDAR,
    # The funding application: notices and payments come from the authority.
    Action.RECORD_FUNDING,
}

# Partner-side people may act for their own municipality only.
_OWN_PARTNER: dict[Action, frozenset[Role]] = {
    Action.RECORD_BENEFIT: frozenset({Role.CONTACT, Role.MAYOR}),
    Action.RECORD_MEETING: frozenset({Role.CONTACT}),
    Action.RECORD_STAFF: frozenset({Role.CONTACT, Role.MAYOR}),
    Action.RECORD_COMMUNICATION: frozenset({Role.CONTACT}),
    Action.RECORD_SUCCESS: frozenset({Role.CONTACT}),
    Action.RAISE_CONFLICT: frozenset({Role.CONTACT, Role.MAYOR}),
    # A partner's costs come from its own budget: its contact or mayor may enter them.
    Action.RECORD_COSTS: frozenset({Role.CONTACT, Role.MAYOR}),
}

_CONFLICT_MODERATION = {
    Action.ESCALATE_CONFLICT,
    Action.RESOLVE_CONFLICT,
    Action.SCHEDULE_CONFLICT_SESSION,
}


def _refuse(rule: str, de: str, en: str) -> PolicyRefusedError:
    return PolicyRefusedError(f"policy.{rule}", f"Nicht erlaubt: {de}", f"Not allowed: {en}")


def _check_assigned_moderator(actor: Actor, action: Action, target: Target) -> None:
    """From the moderation level on, a moderator acts only as the conflict's assigned
    moderator; while none is assigned, a moderator may only schedule the moderation
    session (which assigns one)."""
    if target.moderator_id == actor.id:
        return
    if target.moderator_id is None and action is Action.SCHEDULE_CONFLICT_SESSION:
        return
    raise _refuse(
        "assigned_moderator_only",
        "ab der Stufe Moderation handelt nur die zugewiesene Moderation (oder eine "
        "Koordinator:in).",
        "from the moderation level on only the assigned moderator (or a coordinator) acts.",
    )


def _check_signoff_document(actor: Actor, target: Target, proof: Proof) -> None:
    """A sign-off recorded from a document (paper sign-off, council minutes) on the
    sponsoring mayor's behalf: by a coordinator, or by that mayor."""
    if not proof.document_sha256 or proof.on_behalf_of is None:
        raise _refuse(
            "signoff_document_missing",
            "eine Freigabe im Auftrag braucht das Dokument (--document).",
            "a sign-off on someone's behalf needs the document (--document).",
        )
    if target.sponsor_id is not None and proof.on_behalf_of != target.sponsor_id:
        raise _refuse(
            "signoff_document_for_sponsor",
            "die Freigabe im Auftrag gilt nur für die benannte Bürgermeisterin / den "
            "benannten Bürgermeister der Partnerschaft.",
            "a sign-off on someone's behalf is for the partnership's named mayor only.",
        )
    if Role.COORDINATOR in actor.roles:
        return
    own = actor.municipality_id is not None and actor.municipality_id == target.municipality_id
    if Role.MAYOR in actor.roles and actor.id == proof.on_behalf_of and own:
        return
    raise _refuse(
        "signoff_document_coordinator",
        "im Auftrag einer Bürgermeisterin / eines Bürgermeisters erfassen nur Koordinator:innen.",
        "only coordinators record a sign-off on a mayor's behalf.",
    )


def check_proven(actor_id: int | None, proof: Proof) -> None:
    """A personal proof (login, token, mail link) proves one person: the act must be
    theirs, not another id typed beside it."""
    if proof.personal and actor_id is not None and proof.person_id != actor_id:
        raise _refuse(
            "actor_not_proven",
            f"als Person {actor_id} handeln, nachgewiesen ist aber Person {proof.person_id}.",
            f"acting as person {actor_id}, but person {proof.person_id} is the one proven.",
        )


def check(actor: Actor, action: Action, target: Target = Target()) -> None:
    """Raise PolicyRefusedError naming the rule unless `actor` may perform `action`."""
    if action is Action.SIGN_OFF:
        proof = target.proof
        if proof is not None and proof.kind is ProofKind.DOCUMENT:
            _check_signoff_document(actor, target, proof)
            return
        if Role.MAYOR not in actor.roles:
            raise _refuse(
                "signoff_mayor_only",
                "nur Bürgermeister:innen geben Freigaben.",
                "only mayors sign off.",
            )
        if actor.municipality_id is None or actor.municipality_id != target.municipality_id:
            raise _refuse(
                "signoff_own_municipality",
                "Bürgermeister:innen geben nur für die eigene Kommune frei.",
                "a mayor signs off only for their own municipality.",
            )
        if target.sponsor_id is not None and target.sponsor_id != actor.id:
            raise _refuse(
                "signoff_sponsoring_mayor",
                "nur die für diese Partnerschaft benannte Bürgermeisterin / der benannte "
                "Bürgermeister gibt frei.",
                "only the mayor named as sponsor of this partnership signs off.",
            )
        if proof is not None and not proof.counts_as(actor.id):
            raise _refuse(
                "signoff_needs_personal_proof",
                "eine Freigabe zählt nur als eigene, nachgewiesene Antwort der "
                "Bürgermeisterin / des Bürgermeisters (Link aus der Freigabe-E-Mail, "
                "Anmeldung, eigener Token); auf der Kommandozeile bitte mit dem Dokument "
                "erfassen (--document DATEI).",
                "a sign-off counts only as the mayor's own proven answer (the link in the "
                "sign-off mail, a login, their own token); on the command line record it "
                "with the document (--document FILE).",
            )
        return
    if Role.COORDINATOR in actor.roles:
        return
    if action in _COORDINATOR_ONLY:
        raise _refuse(
            f"{action.value}_coordinator_only",
            f"'{action.value}' ist Koordinator:innen vorbehalten.",
            f"'{action.value}' is reserved to coordinators.",
        )
    if action in _CONFLICT_MODERATION:
        if Role.MODERATOR in actor.roles:
            if target.conflict_level is not None and level_at_least(
                target.conflict_level, ConflictLevel.MODERATION
            ):
                _check_assigned_moderator(actor, action, target)
                return
            raise _refuse(
                "moderator_from_moderation_level",
                "Moderator:innen handeln erst ab der Stufe Moderation.",
                "moderators act on conflicts from the moderation level on.",
            )
        raise _refuse(
            f"{action.value}_coordinator_or_moderator",
            f"'{action.value}' dürfen nur Koordinator:innen oder Moderator:innen.",
            f"'{action.value}' is for coordinators or moderators.",
        )
    allowed = _OWN_PARTNER.get(action, frozenset())
    if not (actor.roles & allowed):
        names = ", ".join(sorted(r.value for r in allowed)) or "coordinator"
        raise _refuse(
            f"{action.value}_roles",
            f"'{action.value}' erfordert eine dieser Rollen: coordinator, {names}.",
            f"'{action.value}' needs one of these roles: coordinator, {names}.",
        )
    if actor.municipality_id is None or actor.municipality_id not in target.partner_municipalities:
        raise _refuse(
            "own_partner_only",
            "nur für eine Partnerkommune, der man selbst angehört.",
            "only for a partner municipality one belongs to.",
        )
    if target.municipality_id is not None and target.municipality_id != actor.municipality_id:
        raise _refuse(
            "own_municipality_only",
            "nur für die eigene Kommune.",
            "only for one's own municipality.",
        )
