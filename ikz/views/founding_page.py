"""The founding section of the cooperation's page (German): each step with its status,
due date and what it waits for, and the clause check (which clause the rule pack
requires, and whether the agreement has it)."""

from __future__ import annotations

import re
from typing import Any

from ikz.app import App
from ikz.views.founding import founding_view

STATUS = {"done": "erledigt", "open": "offen", "waiting": "wartet", "refused": "versagt"}
# As ikz.review.cooperation.cell (which imports this module's caller): free text in a
# table cell, one line, no markup of its own.
_MARKUP = re.compile(r"([\\`*_\[\]<>!|])")


def _cell(text: str | None) -> str:
    return _MARKUP.sub(r"\\\1", " ".join((text or "").split())) or "–"


def founding_markdown(app: App, cooperation_id: int) -> list[str]:
    """Nothing without a founding plan."""
    from models.founding import plan_of

    with app.db.read() as s:
        if plan_of(cooperation_id, session=s) is None:
            return []
    view = founding_view(app, cooperation_id, "de")
    head = f"**{_cell(view['form_label'])}** ({view['state']})"
    if view["effective_on"]:
        head += f" · wirksam ab {view['effective_on']}"
    lines = [
        "",
        "## Gründung",
        "",
        head,
        "",
        "| Schritt | Status | fällig | erledigt am | wartet auf |",
        "|---|---|---|---|---|",
    ]
    for st in view["steps"]:
        waits = st["waits_for"] if st["status"] != "done" else None
        lines.append(
            f"| {st['label']} | {STATUS.get(st['status'], st['status'])} | {st['due'] or '–'} | "
            f"{st['done_on'] or '–'} | {_cell(waits)} |"
        )
    clauses = view["clauses"]
    lines += ["", "**Klauseln der Vereinbarung:**", ""]
    lines += [
        f"- {'✓' if c['present'] else '✗'} {_cell(c['label'])} ({c['source']})"
        for c in clauses["required"]
    ]
    if clauses["missing"]:
        lines += [
            "",
            f"Vor den Unterschriften fehlen: {_cell(', '.join(clauses['missing']))} "
            f"(ikz founding clause {cooperation_id}).",
        ]
    return lines + _changes(view)


def _changes(view: dict[str, Any]) -> list[str]:
    """The change procedures after the founding: the running one's steps, and the ones
    that took effect."""
    lines: list[str] = []
    if view["inherited_from_id"]:
        lines += ["", f"Rechtlicher Rahmen übernommen von Kooperation {view['inherited_from_id']}."]
    done = [ch for ch in view["changes"] if ch["applied_on"]]
    change = view["change"]
    if not done and change is None:
        return lines
    lines += ["", "## Nach der Gründung", ""]
    lines += [
        f"- {_cell(ch['label'])}: {_cell(ch['description'])} (wirksam ab {ch['applied_on']})"
        for ch in done
    ]
    if change is not None:
        source = f" ({_cell(change['source'])})" if change["source"] else ""
        lines += [
            "",
            f"**Änderungsverfahren {change['id']}:** {_cell(change['label'])} – "
            f"{_cell(change['description'])}{source}",
            "",
            "| Schritt | Status | fällig | erledigt am | wartet auf |",
            "|---|---|---|---|---|",
        ]
        for st in change["steps"]:
            waits = st["waits_for"] if st["status"] != "done" else None
            lines.append(
                f"| {st['label']} | {STATUS.get(st['status'], st['status'])} | "
                f"{st['due'] or '–'} | {st['done_on'] or '–'} | {_cell(waits)} |"
            )
    return lines
