"""Every coordinator action, declared once.

An entry names the action's input model, its use case, the policy action it is checked
against, its German and English label and help, and how it shows in the command line
and in the Prefect UI. The CLI commands (ikz.cli.actions), the Prefect flows
(flows.actions), the served deployments and deployments/prefect.yaml
(deployments.definitions) are all derived from this list; tests/test_surfaces.py fails
when any of them disagrees with it.

Adding an action: its input model (models/commands.py), its use case (ikz/actions/),
one entry in this package's module of its domain, its tests. See ARCHITECTURE.md, "How
to add an action".

Use cases are named as "module:function" and imported only when the action runs: the
CLI reads this list to find a command without paying for every use case's imports.
"""

from __future__ import annotations

from ikz.registry import conflicts, directory, facts, founding, funding, lifecycle, meetings
from ikz.registry.spec import ActionSpec, resolve

__all__ = ["ACTIONS", "BY_COMMAND", "BY_NAME", "ActionSpec", "commands_of", "resolve"]

ACTIONS: tuple[ActionSpec, ...] = (
    *directory.ACTIONS,
    *lifecycle.ACTIONS,
    *facts.ACTIONS,
    *conflicts.ACTIONS,
    *meetings.ACTIONS,
    *founding.ACTIONS,
    *funding.ACTIONS,
)

BY_NAME: dict[str, ActionSpec] = {a.name: a for a in ACTIONS}
BY_COMMAND: dict[tuple[str, str], ActionSpec] = {a.cli: a for a in ACTIONS}


def commands_of(group: str) -> list[str]:
    return [a.cli[1] for a in ACTIONS if a.cli[0] == group]
