"""What the founding deadline reminders say (the daily sweep's, ikz.review.founding): a
partner's submission deadline for the council meeting its resolution targets, or the day
the authority's approval counts as granted."""

from __future__ import annotations

from ikz.mail.text_common import Content, Ctx, Lang, coop_fact, date_text, municipality, t, title_of


def founding_deadline(ctx: Ctx, lang: Lang) -> Content:
    due = date_text(ctx.get("due_on") or "?", lang)
    title = title_of(ctx)
    if ctx.get("what") == "deemed_approval":
        return Content(
            subject=t(
                lang,
                f"Genehmigung gilt am {due} als erteilt",
                f"Approval counts as granted on {due}",
            ),
            paragraphs=[
                t(
                    lang,
                    f"die Genehmigung der Aufsichtsbehörde für die Kooperation „{title}“ gilt am "
                    f"{due} als erteilt, wenn die Behörde bis dahin nichts einwendet.",
                    f"the authority's approval for the cooperation “{title}” counts as granted "
                    f"on {due} if the authority raises nothing by then.",
                )
            ],
            facts=[
                (t(lang, "Genehmigung gilt als erteilt am", "Counts as granted on"), due),
                *coop_fact(ctx, lang),
            ],
            action=t(
                lang,
                "Bitte bereiten Sie Unterschriften und Bekanntmachung vor; eine Einwendung "
                "oder Entscheidung der Behörde erfassen Sie mit `ikz founding decision`.",
                "Please prepare the signatures and the publication; record an objection or "
                "decision of the authority with `ikz founding decision`.",
            ),
        )
    town = municipality(ctx, lang)
    meets = date_text(ctx.get("meets_on") or "?", lang)
    return Content(
        subject=t(
            lang,
            f"Vorlage bis {due}: Ratssitzung {town} am {meets}",
            f"Submit by {due}: council meeting {town} on {meets}",
        ),
        paragraphs=[
            t(
                lang,
                f"der Ratsbeschluss von {town} zur Kooperation „{title}“ fehlt noch. Damit der "
                f"Rat ihn in seiner Sitzung am {meets} fassen kann, muss die Vorlage bis {due} "
                "beim Ratsbüro sein.",
                f"the council resolution of {town} on the cooperation “{title}” is still "
                f"missing. For the council to take it at its meeting on {meets}, the item must "
                f"reach the council office by {due}.",
            )
        ],
        facts=[
            (t(lang, "Kommune", "Municipality"), town),
            (t(lang, "Ratssitzung", "Council meeting"), meets),
            (t(lang, "Vorlage bis", "Submit by"), due),
            *coop_fact(ctx, lang),
        ],
        action=t(
            lang,
            "Bitte sorgen Sie dafür, dass die Beschlussvorlage rechtzeitig eingereicht wird.",
            "Please make sure the draft resolution is submitted in time.",
        ),
    )
