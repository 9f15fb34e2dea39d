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
