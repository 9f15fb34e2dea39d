"""What the mails of a partner's benefit confirmation say: asked (with the answer link),
confirmed, not confirmed."""

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
)


def benefit_confirmation_requested(ctx: Ctx, lang: Lang) -> Content:
    who = municipality(ctx, lang)
    until = date_text(ctx.get("answer_expires_at"), lang) if ctx.get("answer_expires_at") else ""
    by = t(lang, f" bis {until}", f" by {until}") if until else ""
    facts = [(t(lang, "Genannter Nutzen", "Stated benefit"), str(ctx.get("benefit") or "–"))]
    return Content(
        subject=t(
            lang, f"Nutzen bestätigen ({who}){by}", f"Please confirm the benefit ({who}){by}"
        ),
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ wurde für {who} ein Nutzen genannt. "
                "Ist er eingetreten?",
                f"a benefit was stated for {who} in the cooperation “{title_of(ctx)}”. "
                "Has it come true?",
            )
        ],
        facts=facts + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte antworten Sie über den persönlichen Link unten mit Ja oder Nein. Der Link "
            f"gilt für eine Antwort{by}; bitte leiten Sie ihn nicht weiter.",
            "Please answer Yes or No through the personal link below. The link is good for "
            f"one answer{by}; please do not forward it.",
        ),
    )


def benefit_confirmed(ctx: Ctx, lang: Lang) -> Content:
    who = municipality(ctx, lang)
    subj = municipality_subject(ctx, lang)
    return Content(
        subject=t(lang, f"Nutzen bestätigt ({who})", f"Benefit confirmed ({who})"),
        paragraphs=[
            t(
                lang,
                f"{subj} hat bestätigt, dass der Nutzen der Kooperation „{title_of(ctx)}“ "
                "eingetreten ist.",
                f"{subj} has confirmed that the benefit of the cooperation “{title_of(ctx)}” "
                "came true.",
            )
        ],
        facts=[
            (t(lang, "Bestätigter Nutzen", "Confirmed benefit"), str(ctx.get("benefit") or "–")),
            *coop_fact(ctx, lang),
        ],
    )


def benefit_not_confirmed(ctx: Ctx, lang: Lang) -> Content:
    who = municipality(ctx, lang)
    subj = municipality_subject(ctx, lang)
    facts = [(t(lang, "Genannter Nutzen", "Stated benefit"), str(ctx.get("benefit") or "–"))]
    if ctx.get("note"):
        facts.append((t(lang, "Anmerkung", "Note"), str(ctx["note"])))
    return Content(
        subject=t(lang, f"Nutzen nicht bestätigt ({who})", f"Benefit not confirmed ({who})"),
        paragraphs=[
            t(
                lang,
                f"{subj} hat nicht bestätigt, dass der Nutzen der Kooperation „{title_of(ctx)}“ "
                "eingetreten ist.",
                f"{subj} has not confirmed that the benefit of the cooperation “{title_of(ctx)}” "
                "came true.",
            )
        ],
        facts=facts + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte klären Sie im Gespräch, was noch fehlt.",
            "Please talk through what is still missing.",
        ),
    )


def conflict_agreement_requested(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject") or "")
    until = date_text(ctx.get("answer_expires_at"), lang) if ctx.get("answer_expires_at") else ""
    by = t(lang, f" bis {until}", f" by {until}") if until else ""
    return Content(
        subject=t(lang, f"Zustimmung erbeten: {subject}{by}", f"Agreement asked: {subject}{by}"),
        paragraphs=[
            t(
                lang,
                f"für den Konflikt „{subject}“ in der Kooperation „{title_of(ctx)}“ wird eine "
                "Lösung vorgeschlagen. Stimmen Sie ihr zu?",
                f"a resolution is proposed for the conflict “{subject}” in the cooperation "
                f"“{title_of(ctx)}”. Do you agree?",
            )
        ],
        facts=[
            (
                t(lang, "Vorgeschlagene Lösung", "Proposed resolution"),
                str(ctx.get("resolution") or "–"),
            ),
            *coop_fact(ctx, lang),
        ],
        action=t(
            lang,
            "Bitte antworten Sie über den persönlichen Link unten mit Ja oder Nein. Der Link "
            f"gilt für eine Antwort{by}; bitte leiten Sie ihn nicht weiter.",
            "Please answer Yes or No through the personal link below. The link is good for "
            f"one answer{by}; please do not forward it.",
        ),
    )


def _party(ctx: Ctx, lang: Lang) -> str:
    """Who answered: "Katrin Wendt (Stadt Jena)"; empty for a row queued without."""
    name = str(ctx.get("answered_by") or "")
    if name and (ctx.get("municipality_name") or ctx.get("municipality_id")):
        return f"{name} ({municipality(ctx, lang)})"
    return name


def conflict_agreement_declined(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject") or "")
    facts = [
        (t(lang, "Vorgeschlagene Lösung", "Proposed resolution"), str(ctx.get("resolution") or "–"))
    ]
    who = _party(ctx, lang)
    if who:
        facts.append((t(lang, "Abgelehnt von", "Declined by"), who))
    if ctx.get("note"):
        facts.append((t(lang, "Anmerkung", "Note"), str(ctx["note"])))
    said = (
        t(
            lang,
            f"{who} hat der vorgeschlagenen Lösung des Konflikts „{subject}“ in der Kooperation "
            f"„{title_of(ctx)}“ nicht zugestimmt; der Konflikt bleibt offen.",
            f"{who} has not agreed to the proposed resolution of the conflict “{subject}” in "
            f"the cooperation “{title_of(ctx)}”; the conflict stays open.",
        )
        if who
        else t(
            lang,
            f"der vorgeschlagenen Lösung des Konflikts „{subject}“ in der Kooperation "
            f"„{title_of(ctx)}“ wurde nicht zugestimmt; der Konflikt bleibt offen.",
            f"the proposed resolution of the conflict “{subject}” in the cooperation "
            f"“{title_of(ctx)}” was not agreed to; the conflict stays open.",
        )
    )
    return Content(
        subject=t(lang, f"Lösung abgelehnt: {subject}", f"Resolution declined: {subject}"),
        paragraphs=[said],
        facts=facts + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte klären Sie die Bedenken und legen Sie bei Bedarf eine neue Lösung vor.",
            "Please clarify the concerns and propose a new resolution if need be.",
        ),
    )
