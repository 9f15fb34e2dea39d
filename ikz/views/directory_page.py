"""The directory page (`ikz-verzeichnis`): people and municipalities with their ids,
so that whoever fills in a form can look up whom and which town an id names."""

from __future__ import annotations

from ikz.app import App
from ikz.views.directory import municipalities, people
from states.vocab import ROLE_LABELS, Role


def _cell(text: str) -> str:
    # A name is one line (models.validation.HeaderSafe); a pipe would end the cell.
    return text.replace("|", "/")


def directory_markdown(app: App) -> str:
    towns = municipalities(app)
    names = {m.id: m.name for m in towns}
    lines = [
        "# Verzeichnis",
        "",
        "Personen und Kommunen mit ihren IDs, für die Formulare der Aktionen.",
        "",
        "## Personen",
        "",
        "| ID | Name | Rollen | Kommune | Sprache |",
        "|---:|---|---|---|---|",
    ]
    for p in people(app):
        if p.erased_at is not None:
            continue
        roles = ", ".join(ROLE_LABELS[Role(r)][0] for r in p.roles)
        town = names.get(p.municipality_id, "–") if p.municipality_id else "–"
        lines.append(f"| {p.id} | {_cell(p.name)} | {roles} | {_cell(town)} | {p.language} |")
    lines += [
        "",
        "## Kommunen",
        "",
        "| ID | Name | AGS | Land | Einwohner |",
        "|---:|---|---|---|---:|",
    ]
    for m in towns:
        population = f"{m.population:,}".replace(",", ".")
        lines.append(
            f"| {m.id} | {_cell(m.name)} | {m.ags} | {_cell(m.bundesland)} | {population} |"
        )
    return "\n".join(lines) + "\n"
