"""Who may do what: every role against every action, in every situation that matters.

The expected outcomes are written out here from the domain (DOMAIN.md, "People" and
success factors 4 and 8), independently of the implementation's own tables.
"""

from __future__ import annotations

import pytest

from states.errors import PolicyRefusedError
from states.policy import Action, Actor, Target, check
from states.proof import Proof, ProofKind
from states.vocab import ConflictLevel, Role

A = Action
R = Role
OWN, OTHER, OUTSIDE = 1, 2, 3  # the actor's municipality; another partner; not a partner
ME, SPONSOR, SOMEONE = 42, 5, 9  # the actor; a partnership's sponsoring mayor; a third person
SHA = "ab" * 32
PARTNERS = frozenset({OWN, OTHER})


def _own(**kw: object) -> Target:
    """The actor's own municipality, a conflict at moderation assigned to the actor."""
    base: dict[str, object] = {
        "municipality_id": OWN,
        "conflict_level": "moderation",
        "moderator_id": ME,
    }
    return Target(PARTNERS, **{**base, **kw})  # type: ignore[arg-type]


# Situations the policy distinguishes. Partner-side actors belong to OWN; the actor is
# the conflict's assigned moderator unless a situation says otherwise.
SITUATIONS: dict[str, Target] = {
    # the action concerns the actor's own municipality, a partner; conflict needs moderation
    "own": _own(),
    # the action concerns the cooperation as a whole (no particular partner)
    "whole": _own(municipality_id=None, conflict_level="mayors"),
    # the action concerns another partner municipality
    "other": _own(municipality_id=OTHER),
    # the actor's municipality is not a partner of the cooperation
    "outsider": Target(
        frozenset({OTHER, OUTSIDE}),
        municipality_id=OTHER,
        conflict_level="moderation",
        moderator_id=ME,
    ),
    # a conflict still below the moderation level
    "low_conflict": _own(conflict_level="steering_round"),
    # a conflict at moderation whose assigned moderator is someone else
    "foreign_moderator": _own(moderator_id=SOMEONE),
    # a conflict at the mayors' conference with no moderator assigned
    "unassigned": _own(conflict_level="mayors", moderator_id=None),
    # proven on the local command line: an administrator's act
    "by_cli": _own(proof=Proof(ProofKind.CLI, ME, "os:verwaltung")),
    # proven personally: the actor's own mail link, login, token
    "by_mail_link": _own(proof=Proof(ProofKind.MAIL_LINK, ME, "<a@ikz>")),
    "by_session": _own(proof=Proof(ProofKind.SESSION, ME, "sess")),
    "by_token": _own(proof=Proof(ProofKind.TOKEN, ME, "tok-1")),
    # someone else's link used by the actor
    "by_foreign_link": _own(proof=Proof(ProofKind.MAIL_LINK, SOMEONE, "<b@ikz>")),
    # ikz-flow itself
    "by_system": _own(proof=Proof(ProofKind.SYSTEM, None, "ikz-flow")),
    # recorded from a document on the sponsoring mayor's behalf
    "by_document": _own(
        sponsor_id=SPONSOR,
        proof=Proof(ProofKind.DOCUMENT, ME, "rat.pdf", on_behalf_of=SPONSOR, document_sha256=SHA),
    ),
    # the sponsoring mayor records their own paper sign-off
    "own_document": _own(
        sponsor_id=ME,
        proof=Proof(ProofKind.DOCUMENT, ME, "rat.pdf", on_behalf_of=ME, document_sha256=SHA),
    ),
    # a document on behalf of someone who is not the partnership's mayor
    "document_for_other": _own(
        sponsor_id=SPONSOR,
        proof=Proof(ProofKind.DOCUMENT, ME, "rat.pdf", on_behalf_of=SOMEONE, document_sha256=SHA),
    ),
    # "on behalf" without the document's hash
    "document_missing": _own(
        sponsor_id=SPONSOR, proof=Proof(ProofKind.DOCUMENT, ME, "rat.pdf", on_behalf_of=SPONSOR)
    ),
}

# Expected outcome in each situation: None = allowed, otherwise the refusing rule's code.
ALLOW = None

# Actions only coordinators do (they run the process).
COORDINATOR_ONLY = [
    A.REGISTER_MUNICIPALITY,
    A.REGISTER_PERSON,
    A.OPEN_COOPERATION,
    A.ADVANCE,
    A.RECORD_GOAL,
    A.RECORD_AGREEMENT,
    A.RECORD_DECISION,
    A.RECORD_REPORT,
    A.CHOOSE_LEGAL_FORM,
    A.SET_PARTNER,
    A.REQUEST_SIGNOFF,  # the coordinator asks the mayors; only mayors sign off
    A.REQUEST_CONFIRMATION,  # the coordinator asks a partner to confirm its benefit
    A.CLOSE_CONFLICT,  # giving a conflict up may end the cooperation
    A.ERASE_PERSON,  # GDPR Art. 17 on request: the coordination's act
    A.PLAN_FOUNDING,  # the founding procedure: recorded from paper by the coordinator
    A.RECORD_FOUNDING,
    A.IMPORT_COUNCIL_CALENDAR,  # the council office's calendar, for the founding's deadlines
    A.RECORD_FUNDING,  # the funding application: notices come from the authority
]

# Partner-side actions and the partner roles allowed to do them for their own municipality.
PARTNER_SIDE: dict[Action, set[Role]] = {
    A.RECORD_BENEFIT: {R.CONTACT, R.MAYOR},
    A.RECORD_MEETING: {R.CONTACT},
    A.RECORD_STAFF: {R.CONTACT, R.MAYOR},
    A.RECORD_COMMUNICATION: {R.CONTACT},
    A.RECORD_SUCCESS: {R.CONTACT},
    A.RAISE_CONFLICT: {R.CONTACT, R.MAYOR},
    A.RECORD_COSTS: {R.CONTACT, R.MAYOR},  # a partner's own budget figures
}

CONFLICT_HANDLING = [A.ESCALATE_CONFLICT, A.RESOLVE_CONFLICT, A.SCHEDULE_CONFLICT_SESSION]


def _all(outcome: str | None) -> dict[str, str | None]:
    return dict.fromkeys(SITUATIONS, outcome)


def _partner_side(allowed: bool, action: Action) -> dict[str, str | None]:
    if not allowed:
        return _all(f"policy.{action.value}_roles")
    return {
        **_all(ALLOW),
        "other": "policy.own_municipality_only",
        "outsider": "policy.own_partner_only",
    }


def _sign_off(role: Role) -> dict[str, str | None]:
    """Only the sponsoring mayor signs off, for their own municipality, proven personally;
    or a coordinator (or that mayor) records it from a document on the mayor's behalf."""
    document = {
        "document_for_other": "policy.signoff_document_for_sponsor",
        "document_missing": "policy.signoff_document_missing",
    }
    if role is R.MAYOR:
        return {
            **_all(ALLOW),
            "whole": "policy.signoff_own_municipality",
            "other": "policy.signoff_own_municipality",
            "outsider": "policy.signoff_own_municipality",
            "by_cli": "policy.signoff_needs_personal_proof",
            "by_foreign_link": "policy.signoff_needs_personal_proof",
            "by_system": "policy.signoff_needs_personal_proof",
            "by_document": "policy.signoff_document_coordinator",
            **document,
        }
    if role is R.COORDINATOR:
        return {
            **_all("policy.signoff_mayor_only"),
            "by_document": ALLOW,
            "own_document": ALLOW,
            **document,
        }
    return {
        **_all("policy.signoff_mayor_only"),
        "by_document": "policy.signoff_document_coordinator",
        "own_document": "policy.signoff_document_coordinator",
        **document,
    }


def _expected() -> dict[tuple[Role, Action], dict[str, str | None]]:
    table: dict[tuple[Role, Action], dict[str, str | None]] = {}
    for role in Role:
        for action in COORDINATOR_ONLY:
            table[role, action] = (
                _all(ALLOW)
                if role is R.COORDINATOR
                else _all(f"policy.{action.value}_coordinator_only")
            )
        for action, roles in PARTNER_SIDE.items():
            table[role, action] = (
                _all(ALLOW) if role is R.COORDINATOR else _partner_side(role in roles, action)
            )
        for action in CONFLICT_HANDLING:
            if role is R.COORDINATOR:
                table[role, action] = _all(ALLOW)
            elif role is R.MODERATOR:
                # From moderation on, only the assigned moderator; while none is, a
                # moderator may only schedule the session (which assigns one).
                table[role, action] = {
                    **_all(ALLOW),
                    "low_conflict": "policy.moderator_from_moderation_level",
                    "foreign_moderator": "policy.assigned_moderator_only",
                    "unassigned": ALLOW
                    if action is A.SCHEDULE_CONFLICT_SESSION
                    else "policy.assigned_moderator_only",
                }
            else:
                table[role, action] = _all(f"policy.{action.value}_coordinator_or_moderator")
        table[role, A.SIGN_OFF] = _sign_off(role)
    return table


EXPECTED = _expected()
PARTNER_ROLES = {R.MAYOR, R.CONTACT, R.STAFF}


def actor_with(*roles: Role, municipality_id: int | None = None) -> Actor:
    if municipality_id is None and PARTNER_ROLES & set(roles):
        municipality_id = OWN
    return Actor(id=42, roles=frozenset(roles), municipality_id=municipality_id)


def test_expected_table_covers_every_role_and_action() -> None:
    assert set(EXPECTED) == {(r, a) for r in Role for a in Action}


MATRIX = [(r, a, s) for r in Role for a in Action for s in SITUATIONS]


@pytest.mark.parametrize(
    ("role", "action", "situation"),
    MATRIX,
    ids=[f"{r.value}-{a.value}-{s}" for r, a, s in MATRIX],
)
def test_role_action_matrix(role: Role, action: Action, situation: str) -> None:
    expected = EXPECTED[role, action][situation]
    actor = actor_with(role)
    target = SITUATIONS[situation]
    if expected is ALLOW:
        check(actor, action, target)
        return
    with pytest.raises(PolicyRefusedError) as exc:
        check(actor, action, target)
    err = exc.value
    assert err.code == expected
    assert err.exit_code == 7
    assert err.de.startswith("Nicht erlaubt: ")
    assert err.en.startswith("Not allowed: ")
    assert err.de != err.en


def test_default_target_refuses_partner_side_actions_of_partner_people() -> None:
    with pytest.raises(PolicyRefusedError, match=r"Nicht erlaubt") as exc:
        check(actor_with(R.CONTACT), A.RECORD_MEETING)
    assert exc.value.code == "policy.own_partner_only"
    check(actor_with(R.COORDINATOR), A.RECORD_MEETING)


@pytest.mark.parametrize("level", list(ConflictLevel), ids=str)
@pytest.mark.parametrize("action", CONFLICT_HANDLING, ids=str)
def test_moderators_act_from_moderation_level_on(level: ConflictLevel, action: Action) -> None:
    target = Target(frozenset({OWN, OTHER}), conflict_level=level.value, moderator_id=ME)
    if level in (ConflictLevel.MODERATION, ConflictLevel.MAYORS):
        check(actor_with(R.MODERATOR), action, target)
    else:
        with pytest.raises(PolicyRefusedError) as exc:
            check(actor_with(R.MODERATOR), action, target)
        assert exc.value.code == "policy.moderator_from_moderation_level"
    check(actor_with(R.COORDINATOR), action, target)  # coordinators at every level


@pytest.mark.parametrize("action", CONFLICT_HANDLING, ids=str)
def test_moderator_needs_a_known_conflict_level(action: Action) -> None:
    with pytest.raises(PolicyRefusedError) as exc:
        check(actor_with(R.MODERATOR), action, Target(frozenset({OWN})))
    assert exc.value.code == "policy.moderator_from_moderation_level"


def test_mayor_without_municipality_cannot_sign_off() -> None:
    mayor = Actor(id=1, roles=frozenset({R.MAYOR}), municipality_id=None)
    with pytest.raises(PolicyRefusedError) as exc:
        check(mayor, A.SIGN_OFF, Target(frozenset({OWN}), municipality_id=None))
    assert exc.value.code == "policy.signoff_own_municipality"


def test_coordinator_who_is_also_a_mayor_signs_off_as_mayor_only() -> None:
    both = actor_with(R.COORDINATOR, R.MAYOR, municipality_id=OWN)
    check(both, A.SIGN_OFF, SITUATIONS["own"])
    with pytest.raises(PolicyRefusedError) as exc:
        check(both, A.SIGN_OFF, SITUATIONS["other"])
    assert exc.value.code == "policy.signoff_own_municipality"


@pytest.mark.parametrize("action", CONFLICT_HANDLING, ids=str)
def test_a_moderator_not_assigned_is_refused_and_the_assigned_one_acts(action: Action) -> None:
    mine = Target(PARTNERS, conflict_level="moderation", moderator_id=ME)
    theirs = Target(PARTNERS, conflict_level="moderation", moderator_id=SOMEONE)
    check(actor_with(R.MODERATOR), action, mine)
    with pytest.raises(PolicyRefusedError) as exc:
        check(actor_with(R.MODERATOR), action, theirs)
    assert exc.value.code == "policy.assigned_moderator_only"
    assert exc.value.en == (
        "Not allowed: from the moderation level on only the assigned moderator "
        "(or a coordinator) acts."
    )
    check(actor_with(R.COORDINATOR), action, theirs)  # coordinators whoever is assigned


def test_roles_combine() -> None:
    contact_and_moderator = actor_with(R.CONTACT, R.MODERATOR, municipality_id=OWN)
    check(contact_and_moderator, A.RECORD_MEETING, SITUATIONS["own"])
    check(contact_and_moderator, A.RESOLVE_CONFLICT, SITUATIONS["own"])
    with pytest.raises(PolicyRefusedError):
        check(contact_and_moderator, A.RESOLVE_CONFLICT, SITUATIONS["low_conflict"])
    mayor_and_contact = actor_with(R.MAYOR, R.CONTACT)
    check(mayor_and_contact, A.RECORD_SUCCESS, SITUATIONS["whole"])
    check(mayor_and_contact, A.SIGN_OFF, SITUATIONS["own"])


def test_actor_without_roles_may_do_nothing() -> None:
    nobody = Actor(id=5, roles=frozenset(), municipality_id=OWN)
    for action in Action:
        with pytest.raises(PolicyRefusedError):
            check(nobody, action, SITUATIONS["own"])


def test_refusal_names_the_rule_and_the_action() -> None:
    with pytest.raises(PolicyRefusedError) as exc:
        check(actor_with(R.STAFF), A.RECORD_SUCCESS, SITUATIONS["own"])
    err = exc.value
    assert err.code == "policy.record_success_roles"
    assert "record_success" in err.en and "contact" in err.en
    assert "record_success" in err.de


@pytest.mark.parametrize("kind", list(ProofKind), ids=str)
def test_a_personal_proof_must_prove_the_actor(kind: ProofKind) -> None:
    from states.policy import check_proven

    mine = Proof(kind, ME, "x")
    someone_else = Proof(kind, SOMEONE, "x")
    check_proven(ME, mine)
    if kind in (ProofKind.SESSION, ProofKind.TOKEN, ProofKind.MAIL_LINK):
        with pytest.raises(PolicyRefusedError) as exc:
            check_proven(ME, someone_else)
        assert exc.value.code == "policy.actor_not_proven"
        assert exc.value.en == (
            f"Not allowed: acting as person {ME}, but person {SOMEONE} is the one proven."
        )
    else:  # an administrator, a document's recorder, ikz-flow itself: no person to match
        check_proven(ME, someone_else)
