"""The transition table, exercised edge by edge against the `transitions`-backed machine."""

from __future__ import annotations

import re

import pytest

from states.errors import InvalidTransitionError
from states.lifecycle import (
    ACTIVE_STATES,
    EDGES,
    GATED_TRIGGERS,
    STATE_LABELS,
    TRIGGER_LABELS,
    Edge,
    State,
    Trigger,
    available_triggers,
    mermaid,
    next_state,
    parse_trigger,
)
from tests.labels import STATE_NAMES, TRIGGER_NAMES

ALLOWED_PAIRS = {(e.source, e.trigger) for e in EDGES}
NOT_IN_TABLE = [(s, t) for s in State for t in Trigger if (s, t) not in ALLOWED_PAIRS]


def _edge_id(e: Edge) -> str:
    return f"{e.source.value}-{e.trigger.value}->{e.dest.value}"


@pytest.mark.parametrize("edge", EDGES, ids=_edge_id)
def test_every_edge_is_allowed(edge: Edge) -> None:
    paused_from = edge.dest if edge.trigger is Trigger.RESUME else None
    assert next_state(edge.source, edge.trigger, paused_from) is edge.dest


@pytest.mark.parametrize("active", ACTIVE_STATES, ids=str)
def test_pause_then_resume_returns_to_where_it_left(active: State) -> None:
    paused = next_state(active, Trigger.PAUSE)
    assert paused is State.PAUSED
    assert next_state(paused, Trigger.RESUME, paused_from=active) is active


@pytest.mark.parametrize("bad_origin", [None, State.PAUSED, State.ENDED], ids=str)
def test_resume_needs_an_active_paused_from(bad_origin: State | None) -> None:
    with pytest.raises(InvalidTransitionError) as exc:
        next_state(State.PAUSED, Trigger.RESUME, paused_from=bad_origin)
    assert exc.value.code == "transition_not_allowed"


@pytest.mark.parametrize(
    ("state", "trigger"), NOT_IN_TABLE, ids=[f"{s.value}-{t.value}" for s, t in NOT_IN_TABLE]
)
def test_pairs_outside_the_table_are_refused(state: State, trigger: Trigger) -> None:
    # paused_from must not open a door the table does not have.
    for paused_from in (None, State.EXPLORATION):
        with pytest.raises(InvalidTransitionError) as exc:
            next_state(state, trigger, paused_from)
        err = exc.value
        assert err.code == "transition_not_allowed"
        assert trigger.value in err.en
        de_name, en_name = STATE_NAMES[state]
        assert err.en == f"Trigger '{trigger.value}' is not allowed in state '{en_name}'."
        assert err.de == (
            f"Der Übergang '{trigger.value}' ist im Zustand '{de_name}' nicht möglich."
        )
        assert err.exit_code == 4


def test_refusal_leaves_the_shared_machine_usable() -> None:
    with pytest.raises(InvalidTransitionError):
        next_state(State.ENDED, Trigger.EXPLORE)
    assert next_state(State.INFORMAL_CONTACT, Trigger.EXPLORE) is State.EXPLORATION


def test_table_shape_matches_the_domain() -> None:
    forward = [
        (State.INFORMAL_CONTACT, Trigger.EXPLORE, State.EXPLORATION),
        (State.EXPLORATION, Trigger.AGREE, State.AGREEMENT),
        (State.AGREEMENT, Trigger.START_PILOT, State.PILOT),
        (State.PILOT, Trigger.EVALUATE, State.EVALUATION),
        (State.EVALUATION, Trigger.MAKE_PERMANENT, State.PERMANENT),
        (State.PILOT, Trigger.REWORK, State.AGREEMENT),
        (State.EVALUATION, Trigger.EXTEND_PILOT, State.PILOT),
        (State.PERMANENT, Trigger.SPAWN_FOLLOW_UP, State.PERMANENT),
    ]
    triples = {(e.source, e.trigger, e.dest) for e in EDGES}
    for t in forward:
        assert t in triples
    for s in ACTIVE_STATES:
        assert (s, Trigger.PAUSE, State.PAUSED) in triples
        assert (State.PAUSED, Trigger.RESUME, s) in triples
    for s in State:
        if s is not State.ENDED:
            assert (s, Trigger.END, State.ENDED) in triples
    assert len(triples) == len(EDGES) == len(forward) + 3 * len(ACTIVE_STATES) + 1
    assert available_triggers(State.ENDED) == []
    assert GATED_TRIGGERS == {
        Trigger.EXPLORE,
        Trigger.AGREE,
        Trigger.START_PILOT,
        Trigger.EVALUATE,
        Trigger.MAKE_PERMANENT,
    }


@pytest.mark.parametrize("state", list(State), ids=str)
def test_available_triggers_are_exactly_the_table_rows(state: State) -> None:
    got = available_triggers(state)
    assert len(got) == len(set(got))
    assert set(got) == {t for s, t in ALLOWED_PAIRS if s is state}


@pytest.mark.parametrize("trigger", list(Trigger), ids=str)
def test_parse_trigger_accepts_every_trigger(trigger: Trigger) -> None:
    assert parse_trigger(trigger.value) is trigger


@pytest.mark.parametrize("value", ["launch", "", "EXPLORE", "start-pilot"])
def test_parse_trigger_rejects_unknown_with_a_clear_error(value: str) -> None:
    with pytest.raises(InvalidTransitionError) as exc:
        parse_trigger(value)
    err = exc.value
    assert err.code == "unknown_trigger"
    assert f"'{value}'" in err.en
    assert f"'{value}'" in err.de
    for t in Trigger:
        assert t.value in err.en
    assert err.de != err.en
    assert "\n" not in str(err)
    assert err.__cause__ is None and err.__suppress_context__


def test_labels_are_the_names_a_person_reads_in_both_languages() -> None:
    # Written out in tests/labels.py: a wrong or missing label fails here.
    assert STATE_LABELS == STATE_NAMES
    assert TRIGGER_LABELS == TRIGGER_NAMES


@pytest.mark.parametrize("current", [None, *State], ids=str)
def test_mermaid_contains_every_state_and_trigger(current: State | None) -> None:
    text = mermaid(current)
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    for s in State:
        assert f'  state "{STATE_NAMES[s][0]}" as {s.value}' in lines
    for e in EDGES:
        assert f"  {e.source.value} --> {e.dest.value}: {e.trigger.value}" in lines
    drawn = set(re.findall(r": ([a-z_]+)$", text, flags=re.MULTILINE))
    assert drawn == {t.value for t in Trigger}
    marked = re.findall(r"^\s*class (\w+) current$", text, flags=re.MULTILINE)
    if current is None:
        assert marked == []
        assert "classDef" not in text
    else:
        assert marked == [current.value]
        assert "classDef current" in text
