"""What the mayors' sign-off notifications say: requested, reminded, recorded, declined."""

from __future__ import annotations

from ikz.mail.text_common import (
    Content,
    Ctx,
    Lang,
    coop_fact,
    date_text,
    municipality,
    municipality_subject,
    t,
    title_of,
    trigger_label,
)


def _answer_facts(ctx: Ctx, lang: Lang, gate: str) -> list[tuple[str, str]]:
    """The step, who answered (the town) and the mayor's note, if there is one."""
    facts = [(t(lang, "Schritt", "Step"), gate)]
    if ctx.get("municipality_name") or ctx.get("municipality_id"):
        facts.append((t(lang, "Kommune", "Municipality"), municipality(ctx, lang)))
    if ctx.get("note"):
        facts.append((t(lang, "Anmerkung", "Note"), str(ctx["note"])))
    return facts


def signoff_recorded(ctx: Ctx, lang: Lang) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    subj = municipality_subject(ctx, lang)
    return Content(
        subject=t(lang, f"Freigabe erteilt ({gate})", f"Sign-off recorded ({gate})"),
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ hat {subj} den Schritt „{gate}“ freigegeben.",
                f"{subj} has signed off the step “{gate}” for the cooperation “{title_of(ctx)}”.",
            )
        ],
        facts=_answer_facts(ctx, lang, gate) + coop_fact(ctx, lang),
    )


def _signoff_ask(ctx: Ctx, lang: Lang, *, reminder: bool) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    due = ctx.get("due_on") or ctx.get("due_at")
    # The subject says what to do and by when.
    by = t(lang, f" bis {date_text(due, lang)}", f" by {date_text(due, lang)}") if due else ""
    subject = (
        t(
            lang,
            f"Erinnerung: Freigabe ausstehend ({gate}){by}",
            f"Reminder: sign-off pending ({gate}){by}",
        )
        if reminder
        else t(lang, f"Freigabe erbeten ({gate}){by}", f"Sign-off requested ({gate}){by}")
    )
    facts = [(t(lang, "Schritt", "Step"), gate)]
    if due:
        facts.append((t(lang, "Bitte bis", "Please by"), date_text(due, lang)))
    paragraphs = [
        t(
            lang,
            f"für den Schritt „{gate}“ der Kooperation „{title_of(ctx)}“ wird Ihre Freigabe "
            "als Bürgermeister:in erbeten.",
            f"your sign-off as mayor is asked for the step “{gate}” of the cooperation "
            f"“{title_of(ctx)}”.",
        )
    ]
    missing = ctx.get("missing")
    if isinstance(missing, list):  # a row queued before the gate was asked says neither
        paragraphs.append(_what_else(missing, lang))
        if missing:
            facts.append(
                (
                    t(lang, "Außerdem noch offen", "Also still missing"),
                    "\n".join(f"☐ {u.get(lang) or u.get('de') or u.get('code')}" for u in missing),
                )
            )
    return Content(
        subject=subject,
        paragraphs=paragraphs,
        facts=facts + coop_fact(ctx, lang),
        action=_how_to_answer(ctx, lang),
    )


def _what_else(missing: list[Ctx], lang: Lang) -> str:
    """Whether the step waits for more than this sign-off (the gate's other criteria)."""
    if not missing:
        return t(
            lang,
            "Außer Ihrer Freigabe fehlt für diesen Schritt nichts mehr.",
            "Apart from your sign-off, nothing else is missing for this step.",
        )
    n = len(missing)
    return t(
        lang,
        f"Außer Ihrer Freigabe {'fehlt' if n == 1 else 'fehlen'} vor diesem Schritt noch "
        f"{'ein Punkt' if n == 1 else f'{n} Punkte'} (unten aufgeführt). Sie können schon "
        "jetzt antworten; der Schritt folgt erst, wenn alles erfüllt ist.",
        f"Apart from your sign-off, {'one item is' if n == 1 else f'{n} items are'} still "
        "missing before this step (listed below). You may answer now; the step follows only "
        "once everything is met.",
    )


def _how_to_answer(ctx: Ctx, lang: Lang) -> str:
    if not ctx.get("answer_seal"):
        return t(
            lang,
            "Bitte prüfen Sie den Stand und erteilen Sie die Freigabe für Ihre Kommune.",
            "Please review the status and sign off for your municipality.",
        )
    until = date_text(ctx.get("answer_expires_at") or ctx.get("due_at"), lang)
    return t(
        lang,
        "Bitte antworten Sie über den persönlichen Link unten: Er öffnet eine kurze Seite von "
        "ikz-flow, auf der Sie mit Ja oder Nein antworten und eine Anmerkung geben können. "
        f"Der Link gilt für eine Antwort und bis {until}; bitte leiten Sie ihn nicht weiter.",
        "Please answer through the personal link below: it opens a short page of ikz-flow "
        "where you answer Yes or No and may add a note. The link is good for one answer and "
        f"until {until}; please do not forward it.",
    )


def signoff_requested(ctx: Ctx, lang: Lang) -> Content:
    return _signoff_ask(ctx, lang, reminder=False)


def signoff_reminder(ctx: Ctx, lang: Lang) -> Content:
    return _signoff_ask(ctx, lang, reminder=True)


def signoff_declined(ctx: Ctx, lang: Lang) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    subj = municipality_subject(ctx, lang)
    return Content(
        subject=t(lang, f"Freigabe abgelehnt ({gate})", f"Sign-off declined ({gate})"),
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ hat {subj} die Freigabe des Schritts "
                f"„{gate}“ abgelehnt.",
                f"{subj} has declined to sign off the step “{gate}” for the cooperation "
                f"“{title_of(ctx)}”.",
            )
        ],
        facts=_answer_facts(ctx, lang, gate) + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte klären Sie die Bedenken im Gespräch mit der Bürgermeisterin oder dem "
            "Bürgermeister.",
            "Please talk the concerns through with the mayor.",
        ),
    )
