"""The form offers German labels; a label (German or English) or the code maps back to
the code."""

from __future__ import annotations

import pytest

from states.assessment import YesNo
from states.choices import code_of, german_labels
from states.lifecycle import Gate, Trigger
from states.vocab import LegalForm, MeetingKind, Role


def test_the_form_offers_the_triggers_in_german() -> None:
    assert german_labels(Trigger) == (
        "Sondierung beginnen",
        "Vereinbarung verhandeln",
        "Pilot starten",
        "Pilot evaluieren",
        "Verstetigen",
        "Pausieren",
        "Fortsetzen",
        "Beenden",
        "Vereinbarung überarbeiten",
        "Pilot verlängern",
        "Folgekooperation anstoßen",
    )
    assert german_labels(Gate) == (
        "Sondierung beginnen",
        "Vereinbarung verhandeln",
        "Pilot starten",
        "Pilot evaluieren",
        "Verstetigen",
    )
    assert german_labels(YesNo) == ("ja", "nein")


@pytest.mark.parametrize(
    ("choice", "text", "code"),
    [
        (Trigger, "Pilot starten", "start_pilot"),
        (Trigger, "pilot  STARTEN", "start_pilot"),
        (Trigger, "Start pilot", "start_pilot"),
        (Trigger, "start_pilot", "start_pilot"),
        (Gate, "Verstetigen", "make_permanent"),
        (Role, "Bürgermeister:in", "mayor"),
        (Role, "coordinator", "coordinator"),
        (LegalForm, "Gemeinsame Dienststelle", "shared_department"),
        (MeetingKind, "Klausur", "retreat"),
        (YesNo, "yes", "yes"),
        (YesNo, "nein", "nein"),
    ],
)
def test_a_label_or_code_maps_back_to_the_code(choice: type, text: str, code: str) -> None:
    assert code_of(choice, text) == code


def test_something_else_names_no_code() -> None:
    assert code_of(Trigger, "Pilot") is None
    assert code_of(Gate, "Beenden") is None  # a trigger, but no gate


def test_every_closed_choice_of_every_action_has_german_labels() -> None:
    """A choice without labels would show its codes in the form (English words)."""
    import typing
    from enum import StrEnum

    from ikz.registry import ACTIONS
    from states.choices import CHOICES

    def enums(annotation: object) -> set[type]:
        found = set()
        if isinstance(annotation, type) and issubclass(annotation, StrEnum):
            found.add(annotation)
        for arg in typing.get_args(annotation):
            found |= enums(arg)
        return found

    used = {
        e
        for spec in ACTIONS
        for info in spec.model.model_fields.values()
        for e in enums(info.annotation)
    }
    assert sorted(e.__name__ for e in used - set(CHOICES)) == []
