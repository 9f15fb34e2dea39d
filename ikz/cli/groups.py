"""The `ikz` command tree: the root and its groups. Each group also holds the registry's
actions of its name (ikz.cli.actions.ActionGroup), built only when asked for."""

# No `from __future__ import annotations`: see ikz.cli.main.

import typer

from ikz.cli.actions import ActionGroup

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
