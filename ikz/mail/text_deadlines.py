"""What the deadline reminders of the daily sweep say: a founding's (ikz.review.founding:
a partner's submission deadline for the council meeting its resolution targets, or the
day the authority's approval counts as granted) and a funding application's
(ikz.review.funding: the proof of use due or overdue, a decision overdue)."""

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


def funding_deadline(ctx: Ctx, lang: Lang) -> Content:
    """A grant's proof of use due soon or overdue, or a decision overdue."""
    due = date_text(ctx.get("due_on") or "?", lang)
    name = str(ctx.get("programme_name") or ctx.get("programme") or "?")
    title = title_of(ctx)
    what = ctx.get("what")
    if what == "decision_overdue":
        subject = t(
            lang, f"Förderentscheidung überfällig: {name}", f"Funding decision overdue: {name}"
        )
        text = t(
            lang,
            f"über den Förderantrag der Kooperation „{title}“ bei {name} ist noch nicht "
            f"entschieden; nach den Angaben des Programms war die Entscheidung bis {due} zu "
            "erwarten.",
            f"the funding application of the cooperation “{title}” to {name} is not decided "
            f"yet; by the programme's figures a decision was to be expected by {due}.",
        )
        action = t(
            lang,
            "Bitte fragen Sie bei der Bewilligungsbehörde nach; den Bescheid erfassen Sie mit "
            "`ikz funding decision`.",
            "Please ask the granting authority; record the decision with `ikz funding decision`.",
        )
        label = t(lang, "Erwartet bis", "Expected by")
    else:
        late = what == "proof_overdue"
        subject = (
            t(lang, f"Verwendungsnachweis überfällig: {name}", f"Proof of use overdue: {name}")
            if late
            else t(lang, f"Verwendungsnachweis fällig am {due}", f"Proof of use due on {due}")
        )
        text = t(
            lang,
            f"der Verwendungsnachweis für die Förderung der Kooperation „{title}“ ({name}) "
            + (
                f"war am {due} fällig und ist nicht eingereicht."
                if late
                else f"ist am {due} fällig."
            ),
            f"the proof of use for the grant of the cooperation “{title}” ({name}) "
            + (f"was due on {due} and is not submitted." if late else f"is due on {due}."),
        )
        action = t(
            lang,
            "Bitte reichen Sie ihn bei der Bewilligungsbehörde ein und erfassen Sie das mit "
            "`ikz funding proof-submitted`; ein versäumter Nachweis kann die Rückforderung "
            "auslösen.",
            "Please submit it to the granting authority and record that with "
            "`ikz funding proof-submitted`; a missed proof can lead to repayment.",
        )
        label = t(lang, "Fällig am", "Due on")
    return Content(
        subject=subject,
        paragraphs=[text],
        facts=[
            (t(lang, "Förderprogramm", "Funding programme"), name),
            (label, due),
            *coop_fact(ctx, lang),
        ],
        action=action,
    )
