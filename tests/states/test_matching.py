"""Typed references: an id, an email or AGS, the whole name or a unique part of it; none
or several give one line naming them."""

from __future__ import annotations

import pytest

from states.errors import InvalidInputError, NotFoundError
from states.matching import Candidate, RefKind, match

MUNIS = [
    Candidate(1, "Stadt Jena", ("16053000",)),
    Candidate(7, "Jena-Land", ("16053999",)),
    Candidate(3, "Weimar", ("16055000",)),
]
PEOPLE = [
    Candidate(4, "Katrin Wendt", ("wendt@jena.example.de",)),
    Candidate(5, "Dr. Miriam Kessler", ("kessler@example.org",)),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Weimar", 3),
        ("  weIMAR ", 3),
        ("stadt jena", 1),
        ("Land", 7),
        ("16053999", 7),
        ("1", 1),
        ("7", 7),
    ],
)
def test_a_municipality_is_found_by_name_part_ags_or_id(text: str, expected: int) -> None:
    assert match(RefKind.MUNICIPALITY, text, MUNIS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("WENDT@jena.example.de", 4), ("kessler", 5), ("Miriam  Kessler", 5), ("5", 5)],
)
def test_a_person_is_found_by_email_name_part_or_id(text: str, expected: int) -> None:
    assert match(RefKind.PERSON, text, PEOPLE) == expected


def test_an_ambiguous_name_lists_the_candidates_with_their_ids() -> None:
    with pytest.raises(InvalidInputError) as caught:
        match(RefKind.MUNICIPALITY, "Jena", MUNIS)
    assert caught.value.text() == (
        "„Jena“ passt auf mehrere Kommunen: Stadt Jena (ID 1), Jena-Land (ID 7). "
        "Bitte genauer angeben."
    )
    assert caught.value.text("en") == (
        "“Jena” matches several municipalities: Stadt Jena (id 1), Jena-Land (id 7). "
        "Please be more specific."
    )


def test_the_whole_name_wins_over_a_part_of_a_longer_one() -> None:
    munis = [Candidate(2, "Jena"), Candidate(9, "Jena-Land")]
    assert match(RefKind.MUNICIPALITY, "jena", munis) == 2


def test_many_candidates_are_capped_at_five() -> None:
    coops = [Candidate(i, f"Bauhof {i}") for i in range(10, 18)]
    with pytest.raises(InvalidInputError) as caught:
        match(RefKind.COOPERATION, "bauhof", coops)
    assert caught.value.text() == (
        "„bauhof“ passt auf mehrere Kooperationen: Bauhof 10 (ID 10), Bauhof 11 (ID 11), "
        "Bauhof 12 (ID 12), Bauhof 13 (ID 13), Bauhof 14 (ID 14), …. Bitte genauer angeben."
    )


def test_nothing_matching_is_one_line_naming_the_input() -> None:
    with pytest.raises(NotFoundError) as caught:
        match(RefKind.COOPERATION, "xyz", [Candidate(1, "Gemeinsamer Bauhof")])
    assert caught.value.text() == "Keine Kooperation passt zu „xyz“."
    with pytest.raises(NotFoundError) as caught:
        match(RefKind.PERSON, "99", PEOPLE)
    assert caught.value.text("en") == "No person matches “99”."


def test_a_hostile_reference_is_echoed_without_its_line_break_and_shortened() -> None:
    with pytest.raises(NotFoundError) as caught:
        match(RefKind.MUNICIPALITY, "Jena\r\nBcc: x@evil" + "y" * 100, MUNIS)
    text = caught.value.text()
    assert text == "Keine Kommune passt zu „Jena??Bcc: x@evil" + "y" * 42 + "…“."
    with pytest.raises(InvalidInputError) as empty:
        match(RefKind.COOPERATION, "   ", [])
    assert empty.value.text() == "Bitte eine Kooperation angeben."
