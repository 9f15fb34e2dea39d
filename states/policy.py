"""Who may do what: a pure policy over roles, actions and the domain's constraints.

Every use-case function asks `check` before writing; a refusal names the rule broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from states.errors import PolicyRefusedError
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
    Action.REQUEST_CONFIRMATION,
    # Giving up on a conflict may lead to ending the cooperation: the coordinator's call.
    Action.CLOSE_CONFLICT,
}

# Partner-side people may act for their own municipality only.
_OWN_PARTNER: dict[Action, frozenset[Role]] = {
    Action.RECORD_BENEFIT: frozenset({Role.CONTACT, Role.MAYOR}),
    Action.RECORD_MEETING: frozenset({Role.CONTACT}),
    Action.RECORD_STAFF: frozenset({Role.CONTACT, Role.MAYOR}),
    Action.RECORD_COMMUNICATION: frozenset({Role.CONTACT}),
    Action.RECORD_SUCCESS: frozenset({Role.CONTACT}),
    Action.RAISE_CONFLICT: frozenset({Role.CONTACT, Role.MAYOR}),
}

_CONFLICT_MODERATION = {
    Action.ESCALATE_CONFLICT,
    Action.RESOLVE_CONFLICT,
    Action.SCHEDULE_CONFLICT_SESSION,
}


def _refuse(rule: str, de: str, en: str) -> PolicyRefusedError:
    return PolicyRefusedError(f"policy.{rule}", f"Nicht erlaubt: {de}", f"Not allowed: {en}")


def check(actor: Actor, action: Action, target: Target = Target()) -> None:
    """Raise PolicyRefusedError naming the rule unless `actor` may perform `action`."""
    if action is Action.SIGN_OFF:
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
