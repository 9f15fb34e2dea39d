"""states.founding_change, pure: the snapshot a change is read through (the form's steps
without letter of intent and assessments, its own acts, the current partners plus a
joining one), when its effect is due, and the refusals before opening one."""

from __future__ import annotations

from datetime import date

from ikz.founding import rules_for
from states.founding import FoundingSnap, steps
from states.founding_change import ChangeKind, change_snap, due_to_apply, open_refusal
from states.founding_facts import Change, Event

_, RULES = rules_for("NW", "agreement_delegating")
DAY = date(2026, 5, 4)


def _snap(**kw: object) -> FoundingSnap:
    base: dict[str, object] = {
        "plan_id": 1,
        "state": "NW",
        "form": "agreement_delegating",
        "rules": RULES,
        "partner_ids": (1, 2),
        "current_partner_ids": (1, 2),
        "partner_names": {1: "Jena", 2: "Weimar"},
        "target_effective_on": date(2030, 1, 1),
    }
    return FoundingSnap(**{**base, **kw})  # type: ignore[arg-type]


def _events(partners: tuple[int, ...]) -> tuple[Event, ...]:
    out = [Event(1, "draft", DAY)]
    for i, m in enumerate(partners):
        out += [Event(10 + i, "resolution", DAY, m, "adopted"), Event(20 + i, "signature", DAY, m)]
    out += [
        Event(30, "submission", DAY),
        Event(31, "decision", DAY, result="approved"),
        Event(32, "publication", DAY),
    ]
    return tuple(out)


def test_a_join_s_procedure_has_the_joining_partner_and_no_founding_only_steps() -> None:
    change = Change(7, "join", DAY, municipality_id=3)
    snap = change_snap(_snap(), change, {3: "Erfurt"})
    assert snap.partner_ids == (1, 2, 3)
    assert snap.name(3) == "Erfurt"
    assert snap.target_effective_on is None  # the founding's later date is not the change's
    assert [(s.step.value, s.status) for s in steps(snap, DAY)] == [
        ("draft", "open"),
        ("resolution", "waiting"),
        ("signature", "waiting"),
        ("authority", "waiting"),
        ("publication", "waiting"),
        ("effective", "waiting"),
    ]


def test_a_change_is_due_the_day_after_its_publication_and_only_once() -> None:
    change = Change(7, "amendment", DAY, events=_events((1, 2)))
    snap = change_snap(_snap(), change, {})
    assert due_to_apply(snap, change, DAY) is None  # effective tomorrow
    assert due_to_apply(snap, change, date(2026, 5, 5)) == date(2026, 5, 5)
    applied = Change(7, "amendment", DAY, applied_on=date(2026, 5, 5), events=_events((1, 2)))
    assert due_to_apply(change_snap(_snap(), applied, {}), applied, date(2026, 5, 6)) is None


def test_a_join_is_not_due_while_the_joining_partner_has_not_signed() -> None:
    change = Change(7, "join", DAY, municipality_id=3, events=_events((1, 2)))
    snap = change_snap(_snap(), change, {3: "Erfurt"})
    assert due_to_apply(snap, change, date(2026, 5, 9)) is None


def test_opening_needs_a_permanent_cooperation_and_a_complete_founding() -> None:
    kw = {"today": DAY, "kind": ChangeKind.AMENDMENT, "municipality_id": None}
    why = open_refusal(coop_state="pilot", founding=_snap(), municipality_name="", **kw)  # type: ignore[arg-type]
    assert why is not None and why.code == "change_not_permanent"
    why = open_refusal(coop_state="permanent", founding=_snap(), municipality_name="", **kw)  # type: ignore[arg-type]
    assert why is not None
    assert why.en == (
        "The founding is not complete yet (open: letter_of_intent, draft, assessment, "
        "resolution, signature, authority, publication, effective)."
    )
