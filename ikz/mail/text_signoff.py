"""What the mayors' sign-off notifications say: requested, reminded, recorded, declined."""

from __future__ import annotations

from ikz.mail.text_common import (
    Content,
    Ctx,
    Lang,
    coop_fact,
    date_text,
    municipality,
    t,
    title_of,
    trigger_label,
)


def signoff_recorded(ctx: Ctx, lang: Lang) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    who = municipality(ctx, lang)
    return Content(
        subject=t(lang, f"Freigabe erteilt ({gate})", f"Sign-off recorded ({gate})"),
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ hat {who} den Schritt „{gate}“ freigegeben.",
                f"{who} has signed off the step “{gate}” for the cooperation “{title_of(ctx)}”.",
            )
        ],
        facts=[(t(lang, "Schritt", "Step"), gate), *coop_fact(ctx, lang)],
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
    return Content(
        subject=subject,
        paragraphs=[
            t(
                lang,
                f"die Kooperation „{title_of(ctx)}“ ist bereit für den Schritt „{gate}“. "
                "Dafür braucht es Ihre Freigabe als Bürgermeister:in.",
                f"the cooperation “{title_of(ctx)}” is ready for the step “{gate}”. "
                "It needs your sign-off as mayor.",
            )
        ],
        facts=facts + coop_fact(ctx, lang),
        action=_how_to_answer(ctx, lang),
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
    facts = [(t(lang, "Schritt", "Step"), gate)]
    if ctx.get("note"):
        facts.append((t(lang, "Anmerkung", "Note"), str(ctx["note"])))
    return Content(
        subject=t(lang, f"Freigabe abgelehnt ({gate})", f"Sign-off declined ({gate})"),
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ wurde die Freigabe des Schritts „{gate}“ "
                "abgelehnt.",
                f"the sign-off of the step “{gate}” for the cooperation “{title_of(ctx)}” has "
                "been declined.",
            )
        ],
        facts=facts + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte klären Sie die Bedenken im Gespräch mit der Bürgermeisterin oder dem "
            "Bürgermeister.",
            "Please talk the concerns through with the mayor.",
        ),
    )
