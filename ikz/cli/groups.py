"""The `ikz` command tree: the root and its groups. Each group also holds the registry's
actions of its name (ikz.cli.actions.ActionGroup), built only when asked for."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Any

import typer
from typer.core import TyperGroup


class ActionGroup(TyperGroup):
    """A command group that also holds the registry's actions of its name. The registry
    (and with it every input model) is imported only when a command is not one of the
    group's own: `ikz coop show` never pays for it."""

    def list_commands(self, ctx: Any) -> list[str]:
        from ikz.registry import commands_of

        return sorted({*super().list_commands(ctx), *commands_of(self.name or "")})

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        from ikz.registry import BY_COMMAND

        spec = BY_COMMAND.get((self.name or "", cmd_name))
        if spec is None:
            return None
        from ikz.cli.actions import build_command

        return build_command(spec)


app = typer.Typer(
    name="ikz",
    help="ikz-flow: interkommunale Zusammenarbeit steuern.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def group(name: str, help_text: str) -> typer.Typer:
    sub = typer.Typer(help=help_text, no_args_is_help=True, cls=ActionGroup)
    app.add_typer(sub, name=name)
    return sub


db_app = group("db", "Datenbank.")
muni_app = group("municipality", "Kommunen.")
person_app = group("person", "Personen.")
coop_app = group("coop", "Kooperationen.")
conflict_app = group("conflict", "Konflikte.")
audit_app = group("audit", "Prüfpfad.")
notify_app = group("notify", "E-Mail-Benachrichtigungen.")
meeting_app = group("meeting", "Geplante Termine mit Kalendereinladung.")
events_app = group("events", "Prefect-Ereignisse: Ausgang und Weiterleitung.")
token_app = group("token", "Persönliche API-Tokens für das Gateway von `ikz up`.")
founding_app = group(
    "founding", "Gründungsverfahren: Ratsbeschlüsse, Aufsicht, Bekanntmachung, Prüfungen."
)
funding_app = group(
    "funding", "Förderung: Programme, Förderfähigkeit, Kostenvergleich und Einsparungen."
)
gateway_app = group("gateway", "Das Gateway (Anmeldung vor Prefect-UI und -API) im Betrieb.")
