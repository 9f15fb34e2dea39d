"""What each notification kind says, in German and English, before any layout.

One builder per outbox kind turns the row's context into a `Content`: a subject, a few
paragraphs, labelled facts and, where there is something to do, an action. The builders
live by topic (text_lifecycle, text_conflicts, text_signoff, meeting_text; shared parts
in text_common); this module maps kinds to them and holds the delivery-failure notice and
the generic text for kinds without a builder.
"""

from __future__ import annotations

from collections.abc import Callable

from ikz.mail.meeting_text import MEETING_BUILDERS
from ikz.mail.text_answers import (
    benefit_confirmation_requested,
    benefit_confirmed,
    benefit_not_confirmed,
    conflict_agreement_declined,
    conflict_agreement_requested,
)
from ikz.mail.text_audit import audit_anchor
from ikz.mail.text_common import Content, Ctx, Lang, coop_fact, state_label, t, title_of
from ikz.mail.text_conflicts import (
    conflict_closed,
    conflict_escalated,
    conflict_overdue,
    conflict_raised,
    conflict_resolved,
)
from ikz.mail.text_deadlines import founding_deadline, funding_deadline
from ikz.mail.text_gateway import login_link
from ikz.mail.text_lifecycle import (
    cooperation_opened,
    review_due,
    silence_reminder,
    success_report_ready,
    transition,
)
from ikz.mail.text_signoff import (
    signoff_declined,
    signoff_recorded,
    signoff_reminder,
    signoff_requested,
)

__all__ = ["BUILDERS", "Content", "Ctx", "Lang", "builders", "content_for", "generic"]


def delivery_failed(ctx: Ctx, lang: Lang) -> Content:
    who = str(ctx.get("recipient_name") or "?")
    about_de = f" zur Kooperation „{title_of(ctx)}“" if title_of(ctx) else ""
    about_en = f" about the cooperation “{title_of(ctx)}”" if title_of(ctx) else ""
    facts = [
        (t(lang, "Empfänger:in", "Recipient"), f"{who} <{ctx.get('recipient_email', '?')}>"),
        (t(lang, "Antwort des Servers", "Server reply"), str(ctx.get("reply", ""))),
    ]
    if ctx.get("failed_subject"):
        facts.insert(1, (t(lang, "Nachricht", "Message"), str(ctx["failed_subject"])))
    return Content(
        subject=t(lang, f"Zustellung fehlgeschlagen: {who}", f"Delivery failed: {who}"),
        paragraphs=[
            t(
                lang,
                f"eine Nachricht an {who}{about_de} konnte nicht zugestellt werden; der "
                "Mailserver hat sie endgültig abgewiesen.",
                f"a message to {who}{about_en} could not be delivered; the mail server "
                "refused it for good.",
            )
        ],
        facts=facts + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte prüfen Sie die E-Mail-Adresse und informieren Sie die Person auf anderem Weg. "
            "Weitere Fehler dieses Tages zeigt die Portfolio-Übersicht (Spalte Zustellfehler).",
            "Please check the email address and reach the person another way. Further "
            "failures of the day show in the portfolio (column Zustellfehler).",
        ),
    )


# Context keys a generic text can show with a human label; other keys stay out of the mail.
GENERIC_FACTS: dict[str, tuple[str, str]] = {
    "subject": ("Thema", "Subject"),
    "reason": ("Begründung", "Reason"),
    "due_on": ("Fällig am", "Due on"),
}


def generic(ctx: Ctx, lang: Lang) -> Content:
    title = title_of(ctx)
    facts = [(t(lang, *label), str(ctx[k])) for k, label in GENERIC_FACTS.items() if ctx.get(k)]
    state = ctx.get("to_state") or ctx.get("state")
    if state:
        facts.append((t(lang, "Phase", "Phase"), state_label(state, lang)))
    return Content(
        subject=t(lang, "Neuigkeiten", "Update"),
        paragraphs=[
            t(
                lang,
                f"es gibt Neuigkeiten zur Kooperation „{title}“.",
                f"there is news about the cooperation “{title}”.",
            )
            if title
            else t(lang, "es gibt Neuigkeiten in ikz-flow.", "there is news in ikz-flow.")
        ],
        facts=facts + coop_fact(ctx, lang),
    )


BUILDERS: dict[str, Callable[[Ctx, Lang], Content]] = {
    "transition": transition,
    "cooperation_opened": cooperation_opened,
    "signoff_recorded": signoff_recorded,
    "conflict_raised": conflict_raised,
    "conflict_escalated": conflict_escalated,
    "conflict_resolved": conflict_resolved,
    "conflict_closed": conflict_closed,
    "review_due": review_due,
    "signoff_requested": signoff_requested,
    "signoff_reminder": signoff_reminder,
    "success_report_ready": success_report_ready,
    "silence_reminder": silence_reminder,
    "conflict_overdue": conflict_overdue,
    "signoff_declined": signoff_declined,
    "delivery_failed": delivery_failed,
    "login_link": login_link,
    "audit_anchor": audit_anchor,
    "benefit_confirmation_requested": benefit_confirmation_requested,
    "benefit_confirmed": benefit_confirmed,
    "benefit_not_confirmed": benefit_not_confirmed,
    "conflict_agreement_requested": conflict_agreement_requested,
    "conflict_agreement_declined": conflict_agreement_declined,
    "founding_deadline": founding_deadline,
    "funding_deadline": funding_deadline,
    **MEETING_BUILDERS,
}


def builders() -> dict[str, Callable[[Ctx, Lang], Content]]:
    """Every kind with its own text, calendar invitations included."""
    return dict(BUILDERS)


def content_for(kind: str, ctx: Ctx, lang: Lang) -> Content:
    return BUILDERS.get(kind, generic)(ctx, lang)
