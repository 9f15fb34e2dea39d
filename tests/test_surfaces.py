"""Every action of the registry is on every surface: a CLI command, a Prefect flow, a
served deployment and an entry of deployments/prefect.yaml, all agreeing with it; and
no surface has an action the registry does not know."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from deployments.definitions import SPECS, Spec
from deployments.serve import load_flow
from ikz.cli.actions import option_name
from ikz.cli.main import app
from ikz.forms import description
from ikz.registry import ACTIONS, ActionSpec, resolve
from models import commands as c
from states.policy import Action

ROOT = Path(__file__).resolve().parents[1]

# Written out, not read from the registry: removing an action must fail here.
EXPECTED_ACTIONS = {
    "register-municipality": ("municipality", "add"),
    "import-council-calendar": ("municipality", "calendar"),
    "register-person": ("person", "add"),
    "set-digest": ("person", "digest"),
    "erase-person": ("person", "erase"),
    "open-cooperation": ("coop", "open"),
    "set-partner": ("coop", "partner"),
    "advance-cooperation": ("coop", "advance"),
    "choose-legal-form": ("coop", "legal-form"),
    "record-goal": ("coop", "goal"),
    "record-benefit": ("coop", "benefit"),
    "record-meeting": ("coop", "meeting"),
    "record-agreement": ("coop", "agreement"),
    "record-signoff": ("coop", "signoff"),
    "request-signoff": ("coop", "request-signoff"),
    "request-benefit-confirmation": ("coop", "confirm-benefit"),
    "record-staff-involvement": ("coop", "staff"),
    "record-communication": ("coop", "communication"),
    "record-success": ("coop", "success"),
    "record-decision": ("coop", "decision"),
    "record-report": ("coop", "report"),
    "raise-conflict": ("conflict", "raise"),
    "escalate-conflict-now": ("conflict", "escalate"),
    "resolve-conflict": ("conflict", "resolve"),
    "propose-resolution": ("conflict", "propose"),
    "schedule-conflict-session": ("conflict", "schedule"),
    "close-conflict": ("conflict", "close"),
    "schedule-meeting": ("meeting", "schedule"),
    "reschedule-meeting": ("meeting", "reschedule"),
    "cancel-meeting": ("meeting", "cancel"),
    "plan-founding": ("founding", "plan"),
    "record-letter-of-intent": ("founding", "letter-of-intent"),
    "record-founding-draft": ("founding", "draft"),
    "record-founding-clause": ("founding", "clause"),
    "record-assessment": ("founding", "assess"),
    "record-council-resolution": ("founding", "resolution"),
    "record-founding-signature": ("founding", "signature"),
    "record-authority-submission": ("founding", "submit"),
    "record-authority-decision": ("founding", "decision"),
    "record-publication": ("founding", "publication"),
    "open-founding-change": ("founding", "change"),
    "record-cost-baseline": ("funding", "baseline"),
    "record-actual-costs": ("funding", "actual"),
    "prepare-funding-application": ("funding", "prepare"),
    "submit-funding-application": ("funding", "submit"),
    "record-funding-decision": ("funding", "decision"),
    "record-funding-payment": ("funding", "paid"),
    "record-proof-of-use": ("funding", "proof-submitted"),
    "accept-proof-of-use": ("funding", "proof-accepted"),
    "permit-early-start": ("funding", "early-start"),
    "record-cost-key": ("funding", "cost-key"),
}

# The commands that read or operate and change no cooperation's facts: not actions.
NOT_ACTIONS = {
    ("audit", "verify"),
    ("audit", "anchor"),
    ("conflict", "escalate-overdue"),
    ("conflict", "history"),
    ("conflict", "list"),
    ("coop", "check"),
    ("coop", "history"),
    ("coop", "list"),
    ("coop", "show"),
    ("db", "backup"),
    ("db", "restore"),
    ("db", "upgrade"),
    ("events", "relay"),
    ("founding", "criteria"),
    ("founding", "rules"),
    ("founding", "show"),
    ("founding", "write-draft"),
    ("funding", "check"),
    ("funding", "programmes"),
    ("funding", "savings"),
    ("events", "status"),
    ("gateway", "serve"),
    ("municipality", "list"),
    ("notify", "dispatch"),
    ("notify", "status"),
    ("person", "export"),
    ("person", "list"),
    ("token", "create"),
    ("token", "list"),
    ("token", "revoke"),
    ("", "demo"),
    ("", "lifecycle"),
    ("", "login-link"),
    ("", "portfolio"),
    ("", "report"),
    ("", "statistics"),
    ("", "up"),
}


def cli_commands() -> dict[tuple[str, str], Any]:
    """Every leaf command of `ikz` as (group, name) -> Click command."""
    root = typer.main.get_command(app)
    ctx = root.make_context("ikz", ["--help"], resilient_parsing=True)
    found: dict[tuple[str, str], Any] = {}
    for name in root.list_commands(ctx):  # type: ignore[attr-defined]
        cmd = root.get_command(ctx, name)  # type: ignore[attr-defined]
        if hasattr(cmd, "list_commands"):
            sub_ctx = cmd.make_context(name, ["--help"], parent=ctx, resilient_parsing=True)
            for leaf in cmd.list_commands(sub_ctx):
                found[(name, leaf)] = cmd.get_command(sub_ctx, leaf)
        else:
            found[("", name)] = cmd
    return found


def prefect_yaml() -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load((ROOT / "deployments" / "prefect.yaml").read_text())
    return {d["name"]: d for d in doc["deployments"]}


def surface_gaps(
    actions: tuple[ActionSpec, ...],
    commands: dict[tuple[str, str], Any],
    specs: tuple[Spec, ...],
    yaml_doc: dict[str, dict[str, Any]],
) -> list[str]:
    """What disagrees between the registry and the surfaces (empty: nothing)."""
    gaps: list[str] = []
    deployments = {s.name: s for s in specs}
    for a in actions:
        cmd = commands.get(a.cli)
        if cmd is None:
            gaps.append(f"{a.name}: no CLI command {' '.join(a.cli)}")
        else:
            spelled = {d for p in cmd.params for d in (*p.opts, p.name.upper() if p.name else "")}
            for field in a.model.model_fields:
                if field in a.positional or a.model.model_fields[field].annotation is None:
                    continue
                if not _covered(a, field, spelled):
                    gaps.append(f"{a.name}: CLI has no option for {field}")
        d = deployments.get(a.name)
        if d is None:
            gaps.append(f"{a.name}: no deployment")
        elif d.entrypoint != a.entrypoint or d.description != description(a):
            gaps.append(f"{a.name}: deployment disagrees ({d.entrypoint}, {d.description})")
        y = yaml_doc.get(a.name)
        module, fn = a.entrypoint.split(":")
        if y is None or y["entrypoint"] != f"{module.replace('.', '/')}.py:{fn}":
            gaps.append(f"{a.name}: not in deployments/prefect.yaml as {a.entrypoint}")
        if d is not None and y is not None:
            flow = load_flow(a.entrypoint)
            if flow.name != a.name:
                gaps.append(f"{a.name}: flow is named {flow.name}")
            ref = flow.parameters.properties.get("eingabe", {}).get("$ref", "")
            if not ref.endswith("/" + a.model.__name__):
                gaps.append(f"{a.name}: flow input is {ref or 'missing'}")
    for key in commands:
        if key not in {a.cli for a in actions} and key not in NOT_ACTIONS:
            gaps.append(f"CLI command {' '.join(key)} is neither an action nor listed")
    return gaps


def _covered(a: ActionSpec, field: str, spelled: set[str]) -> bool:
    info = a.model.model_fields[field]
    nested = info.annotation
    if isinstance(nested, type) and issubclass(nested, c.Command):
        return all(option_name(a, f) in spelled for f in nested.model_fields)
    return option_name(a, field) in spelled


def test_the_registry_holds_exactly_the_expected_actions() -> None:
    assert {a.name: a.cli for a in ACTIONS} == EXPECTED_ACTIONS
    assert len({a.cli for a in ACTIONS}) == len(ACTIONS)


def test_every_surface_agrees_with_the_registry() -> None:
    assert surface_gaps(ACTIONS, cli_commands(), SPECS, prefect_yaml()) == []


def test_a_registry_entry_without_cli_command_or_deployment_is_caught() -> None:
    stray = dataclasses.replace(ACTIONS[0], name="stray-action", cli=("coop", "stray"))
    gaps = surface_gaps((*ACTIONS, stray), cli_commands(), SPECS, prefect_yaml())
    assert gaps == [
        "stray-action: no CLI command coop stray",
        "stray-action: no deployment",
        "stray-action: not in deployments/prefect.yaml as flows.actions:stray_action",
    ]


def test_a_hand_written_command_outside_the_registry_is_caught() -> None:
    commands = {**cli_commands(), ("coop", "shortcut"): object()}
    gaps = surface_gaps(ACTIONS, commands, SPECS, prefect_yaml())
    assert gaps == ["CLI command coop shortcut is neither an action nor listed"]


def test_a_deployment_that_disagrees_is_caught() -> None:
    specs = tuple(
        dataclasses.replace(s, description="Aktion der Koordination")
        if s.name == "record-goal"
        else s
        for s in SPECS
    )
    gaps = surface_gaps(ACTIONS, cli_commands(), specs, prefect_yaml())
    assert gaps == [
        "record-goal: deployment disagrees (flows.actions:record_goal, Aktion der Koordination)"
    ]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_every_reference_resolves(action: ActionSpec) -> None:
    use_case = action.call()
    assert list(inspect.signature(use_case).parameters)[:2] in (["app", "cmd"],)
    assert action.policy is None or action.policy in set(Action)
    for ref in (*action.converters.values(), action.json, action.done):
        if isinstance(ref, str):
            assert callable(resolve(ref)), ref
    assert all(field in action.model.model_fields for field in action.options), action.options


def test_the_deployment_descriptions_are_each_their_own() -> None:
    descriptions = [s.description for s in SPECS if "aktion" in s.tags]
    assert len(descriptions) == len(set(descriptions)) == 51
