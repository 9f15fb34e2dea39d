"""What an action's registry entry says (see ikz.registry)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models import commands as c
from states.policy import Action

Text = tuple[str, str]  # (German, English)

# Fields that name the object an action is about: a positional argument on the CLI.
SUBJECT_FIELDS = ("cooperation_id", "conflict_id", "meeting_id", "person_id")


@dataclass(frozen=True)
class ActionSpec:
    name: str  # flow, deployment and run name, e.g. "record-goal"
    model: type[c.Command]
    use_case: str  # "module:function", called as function(app, command)
    policy: Action | None  # the policy action the use case checks (None: see use case)
    label: Text
    help: Text  # what it does and what it needs: CLI help and the deployment's description
    cli: tuple[str, str]  # (command group, command), e.g. ("coop", "goal")
    # What the CLI prints when it worked: a template over the result's fields, or a
    # function (result, language) -> text named "module:function".
    done: Text | str
    # CLI shape: fields given positionally (default: the subject id), option spellings
    # that differ from the field name, converters for values typed in a special form.
    args: tuple[str, ...] | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    converters: Mapping[str, str] = field(default_factory=dict)  # field -> "module:function"
    json: str | None = None  # "module:function" shaping the --json output (default: all)
    tags: tuple[str, ...] = ()
    # A hand-written flow ("module:function") for an action that waits for people; the
    # CLI then starts a run of its deployment instead of calling the use case itself.
    flow: str | None = None

    @property
    def flow_function(self) -> str:
        """The attribute of flows.actions (or of `flow`'s module) holding the flow."""
        return (self.flow or self.name).rsplit(":", 1)[-1].replace("-", "_")

    @property
    def entrypoint(self) -> str:
        return self.flow or f"flows.actions:{self.flow_function}"

    @property
    def positional(self) -> tuple[str, ...]:
        if self.args is not None:
            return self.args
        first = next(iter(self.model.model_fields))
        return (first,) if first in SUBJECT_FIELDS else ()

    def call(self) -> Callable[..., Any]:
        use_case: Callable[..., Any] = resolve(self.use_case)
        return use_case


def resolve(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def recorded(de: str, en: str) -> Text:
    """The usual CLI message of an action that records a row: '<what> (ID <id>).'"""
    return (f"{de} (ID {{id}}).", f"{en} (id {{id}}).")
