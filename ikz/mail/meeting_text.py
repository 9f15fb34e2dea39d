"""What invitation and cancellation mails say, and their .ics attachment (built in
ikz.mail.calendar)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from ikz.mail.calendar import invitation, method_of, starts_at
from ikz.mail.text_common import Content, Ctx, Lang, coop_fact, t, title_of
from models.outbox import Notification

MEETING_KINDS: dict[str, tuple[str, str]] = {
    "informal": ("Informeller Austausch", "Informal exchange"),
    "retreat": ("Klausur", "Retreat"),
    "steering_round": ("Steuerungsrunde", "Steering round"),
    "info_event": ("Infoveranstaltung", "Info event"),
    "review": ("Review", "Review"),
    "moderation": ("Moderationssitzung", "Moderation session"),
    "mayors_conference": ("Bürgermeisterkonferenz", "Mayors' conference"),
}


def meeting_label(ctx: Ctx, lang: Lang) -> str:
    kind = str(ctx.get("meeting_kind", ""))
    if not kind and ctx.get("level"):  # a conflict session carries the conflict's level
        kind = "moderation" if ctx["level"] == "moderation" else "mayors_conference"
    return t(lang, *MEETING_KINDS.get(kind, (kind or "Termin", kind or "Meeting")))


def when(ctx: Ctx, lang: Lang) -> str:
    """'Do., 12.03.2026, 10:00–11:30 Uhr' or 'Thu 2026-03-12, 10:00–11:30' (Berlin time)."""
    if not ctx.get("starts_at"):
        return "?"
    start = starts_at(ctx)
    end = start + timedelta(minutes=int(ctx.get("duration_minutes") or 60))
    if lang == "en":
        return f"{start:%a %Y-%m-%d, %H:%M}–{end:%H:%M} (German time)"
    day = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")[start.weekday()]
    return f"{day}, {start:%d.%m.%Y, %H:%M}–{end:%H:%M} Uhr"


def summary(ctx: Ctx, lang: Lang) -> str:
    """The calendar entry's title."""
    title = title_of(ctx)
    return f"{meeting_label(ctx, lang)}: {title}" if title else meeting_label(ctx, lang)


def _facts(ctx: Ctx, lang: Lang) -> list[tuple[str, str]]:
    facts = [(t(lang, "Wann", "When"), when(ctx, lang))]
    if ctx.get("previous_starts_at"):
        before = {**ctx, "starts_at": ctx["previous_starts_at"]}
        facts.append((t(lang, "Bisher", "Before"), when(before, lang)))
    if ctx.get("location"):  # a conflict session's place (a meeting's is in its notes)
        facts.append((t(lang, "Ort", "Location"), str(ctx["location"])))
    if ctx.get("reason"):
        facts.append((t(lang, "Grund", "Reason"), str(ctx["reason"])))
    names = [str(p.get("name", "")) for p in ctx.get("attendees", [])]
    if names:
        facts.append((t(lang, "Teilnehmende", "Attendees"), ", ".join(names)))
    if ctx.get("organizer"):
        facts.append((t(lang, "Einladung von", "Invited by"), str(ctx["organizer"].get("name"))))
    if ctx.get("notes"):
        facts.append((t(lang, "Hinweise", "Notes"), str(ctx["notes"])))
    return facts + coop_fact(ctx, lang)


def meeting_invitation(ctx: Ctx, lang: Lang) -> Content:
    label, title, at = meeting_label(ctx, lang), title_of(ctx), when(ctx, lang)
    changed = int(ctx.get("sequence", 0)) > 0
    if changed:
        subject = t(lang, f"Termin geändert: {label} am {at}", f"Rescheduled: {label} on {at}")
        text = t(
            lang,
            f"der Termin „{label}“ der Kooperation „{title}“ wurde verlegt und ist jetzt am {at}.",
            f"the {label.lower()} of the cooperation “{title}” has been moved to {at}.",
        )
    else:
        subject = t(lang, f"Einladung: {label} am {at}", f"Invitation: {label} on {at}")
        text = t(
            lang,
            f"Sie sind zu einem Termin der Kooperation „{title}“ eingeladen: {label} am {at}.",
            f"you are invited to a meeting of the cooperation “{title}”: {label} on {at}.",
        )
    return Content(
        subject=subject,
        paragraphs=[text],
        facts=_facts(ctx, lang),
        action=t(
            lang,
            "Die Einladung liegt als Kalenderdatei (.ics) bei: Bitte nehmen Sie sie in Ihrem "
            "Kalender an oder sagen Sie ab.",
            "The invitation is attached as a calendar file (.ics): please accept or decline "
            "it in your calendar.",
        ),
    )


def meeting_cancelled(ctx: Ctx, lang: Lang) -> Content:
    label, title, at = meeting_label(ctx, lang), title_of(ctx), when(ctx, lang)
    return Content(
        subject=t(lang, f"Abgesagt: {label} am {at}", f"Cancelled: {label} on {at}"),
        paragraphs=[
            t(
                lang,
                f"der Termin „{label}“ der Kooperation „{title}“ am {at} findet nicht statt.",
                f"the {label.lower()} of the cooperation “{title}” on {at} will not take place.",
            )
        ],
        facts=_facts(ctx, lang),
        action=t(
            lang,
            "Die beiliegende Kalenderdatei entfernt den Termin aus Ihrem Kalender.",
            "The attached calendar file removes the meeting from your calendar.",
        ),
    )


def conflict_session(ctx: Ctx, lang: Lang) -> Content:
    """A moderation session or mayors' conference about a conflict: an invitation."""
    kind = "moderation" if ctx.get("level") == "moderation" else "mayors_conference"
    return meeting_invitation({**ctx, "meeting_kind": ctx.get("meeting_kind") or kind}, lang)


MEETING_BUILDERS = {
    "meeting_invitation": meeting_invitation,
    "conflict_session": conflict_session,
    "meeting_cancelled": meeting_cancelled,
}


def attach_invitation(msg: EmailMessage, notification: Notification, lang: Lang) -> None:
    """Attach the .ics; calendar clients read METHOD from the part's parameters too."""
    ctx = notification.context
    if not ctx.get("uid") or not ctx.get("starts_at"):
        return  # not a meeting row after all (a bug or a hand-made row): text only
    method = method_of(notification.kind)
    ics = invitation(notification.kind, ctx, summary(ctx, lang), notification.created_at)
    stem = t(lang, "absage" if method == "CANCEL" else "einladung", method.lower())
    msg.add_attachment(
        ics,
        maintype="text",
        subtype="calendar",
        filename=f"{stem}.ics",
        params={"method": method, "charset": "utf-8"},
    )
