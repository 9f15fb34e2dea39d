"""Human-readable rendering of `ikz coop show`."""

from __future__ import annotations

from typing import Any

import typer

from states.errors import Language

# The history's columns: (key, German header, English header); times are Berlin time.
HISTORY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("seq", "#", "#"),
    ("at_text", "Zeitpunkt", "When"),
    ("trigger_text", "Schritt", "Step"),
    ("from_text", "von", "from"),
    ("to_text", "nach", "to"),
    ("actor_text", "Person", "Person"),
    ("proof", "Nachweis", "Proof"),
    ("reason", "Begründung", "Reason"),
)


def print_show(view: dict[str, Any], lang: Language) -> None:
    en = lang == "en"
    typer.echo(f"#{view['id']} {view['title']} [{view['field_of_work']}]")
    typer.echo(
        f"{'State' if en else 'Zustand'}: {view['state_label']} ({view['state']}), Version {view['version']}"
    )
    if view["paused_from"]:
        typer.echo(f"{'Paused from' if en else 'Pausiert aus'}: {view['paused_from']}")
    if view["parent_id"]:
        typer.echo(f"{'Follow-up of' if en else 'Folgekooperation von'} #{view['parent_id']}")
    typer.echo("Partners:" if en else "Partner:")
    for p in view["partners"]:
        benefit = p["confirmed_benefit"] or p["stated_benefit"] or "-"
        pop = f"{p['population']:,}".replace(",", ".")
        typer.echo(
            f"  {p['name']} (ID {p['municipality_id']}, {pop} {'inh.' if en else 'Einw.'})"
            f"  mayor={p['mayor_id'] or '-'} contact={p['contact_id'] or '-'}"
            f"  {'benefit' if en else 'Nutzen'}: {benefit}"
        )
    typer.echo("Next steps:" if en else "Nächste Schritte:")
    for g in view["gates"]:
        mark = "ok " if g["ready"] else "-- "
        typer.echo(f"  {mark}{g['trigger']}")
        for u in g["unmet"]:
            typer.echo(f"       - [{u['code']}] {u['message']}")
    typer.echo("Signals:" if en else "Hinweise:")
    for s in view["signals"]:
        mark = "!" if s["level"] == "warn" else " "
        typer.echo(f"  {mark} {s['message']}")
    if view.get("signoffs"):
        typer.echo("Sign-offs:" if en else "Freigaben:")
        for so in view["signoffs"]:
            counts = "" if so["counts"] else (" (does not count)" if en else " (zählt nicht)")
            typer.echo(
                f"  {so['gate']}: {'municipality' if en else 'Kommune'} {so['municipality_id']}, "
                f"{'mayor' if en else 'Bürgermeister:in'} {so['mayor_id']}, "
                f"{'proof' if en else 'Nachweis'}: {so['proof']}{counts}"
            )
            if so.get("note"):
                typer.echo(f"       {'Note' if en else 'Anmerkung'}: {so['note']}")
    print_answers(view.get("answers") or [], lang)
    if view["open_conflicts"]:
        typer.echo(
            ("Open conflicts: " if en else "Offene Konflikte: ")
            + ", ".join(f"#{c['id']} ({c['level']})" for c in view["open_conflicts"])
        )
    if "check" in view:
        typer.echo("Kooperations-Check:")
        print_check(view["check"], lang, indent="  ")
    if view.get("history"):
        typer.echo("History (Berlin time):" if en else "Verlauf (Berliner Zeit):")
        for h in view["history"]:
            moved = h["from_state"] and h["from_state"] != h["to_state"]  # never "X → X"
            step = f"{h['from_text']} → {h['to_text']}" if moved else h["to_text"]
            reason = f" – {h['reason']}" if h.get("reason") else ""
            typer.echo(f"  {h['at_text']}  {h['trigger_text']}: {step} ({h['actor_text']}){reason}")


def print_answers(rows: list[dict[str, Any]], lang: Language) -> None:
    """The answers given to the coordination, each with the town and the note."""
    if not rows:
        return
    en = lang == "en"
    typer.echo("Answers:" if en else "Antworten:")
    for a in rows:
        who = f"{a['person']}, {a['municipality']}" if a["municipality"] else a["person"]
        typer.echo(
            f"  {a['at_text']}  {a['purpose_text']} „{a['about_text']}“: {a['answer_text']} ({who})"
            if not en
            else f"  {a['at_text']}  {a['purpose_text']} “{a['about_text']}”: {a['answer_text']}"
            f" ({who})"
        )
        typer.echo(
            f"       {'Note' if en else 'Anmerkung'}: {a['note'] or ('none' if en else 'keine')}"
        )


def print_check(check: dict[str, Any], lang: Language, *, indent: str = "") -> None:
    """The Kooperations-Check: overall light, then each factor with its reasons."""
    en = lang == "en"
    if not check["factors"]:  # ended: not assessed
        typer.echo(f"{indent}– {check['summary']}")
        return
    typer.echo(f"{indent}{check['mark']} {check['summary']}")
    for f in check["factors"]:
        typer.echo(f"{indent}  {f['mark']} {f['factor']}. {f['name']}")
        for r in f["reasons"]:
            typer.echo(f"{indent}       - {r['message']}")
        for n in f["notes"]:
            typer.echo(f"{indent}       ({'also' if en else 'außerdem'}: {n['message']})")


def print_trend(trend: dict[str, Any], lang: Language) -> None:
    """The stored checks, one line per review: overall and the eight factors' marks."""
    en = lang == "en"
    typer.echo(
        f"#{trend['id']} {trend['title']}: "
        + ("trend of the Kooperations-Check" if en else "Verlauf des Kooperations-Checks")
    )
    if not trend["checks"]:
        typer.echo(
            "  No check stored yet (each review stores one)."
            if en
            else "  Noch kein Check gespeichert (jedes Review speichert einen)."
        )
        return
    marks = {"green": "🟢", "yellow": "🟡", "red": "🔴", None: "·"}
    typer.echo(
        f"  {'when' if en else 'Zeitpunkt':19}  {'overall' if en else 'Gesamt':7}  1 2 3 4 5 6 7 8"
    )
    for c in trend["checks"]:
        factors = " ".join(marks.get(v, "·") for v in c["colours"].values())
        typer.echo(f"  {c['at'][:19]:19}  {c['mark']:6}  {factors}")
    words = {
        "better": ("besser geworden", "improved"),
        "worse": ("schlechter geworden", "got worse"),
        "same": ("unverändert", "unchanged"),
        "none": ("noch kein Vergleich möglich", "nothing to compare yet"),
    }[trend["direction"]]
    typer.echo(f"  Trend: {words[1] if en else words[0]}")
