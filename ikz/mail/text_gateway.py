"""What the gateway's login mail says."""

from __future__ import annotations

from ikz.mail.text_common import Content, Ctx, Lang, t, title_of


def login_link(ctx: Ctx, lang: Lang) -> Content:
    minutes = int(ctx.get("valid_minutes") or 15)
    return Content(
        subject=t(lang, "Ihr Anmeldelink", "Your login link"),
        paragraphs=[
            t(
                lang,
                "Sie haben einen Link zur Anmeldung bei ikz-flow angefordert. Er gilt "
                f"{minutes} Minuten und nur einmal.",
                f"you asked for a link to log in to ikz-flow. It is valid for {minutes} "
                "minutes and only once.",
            ),
            t(
                lang,
                "Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht.",
                "If you did not ask for it, please ignore this message.",
            ),
        ],
        # A login mail is about no cooperation; a context that names one shows it.
        facts=[(t(lang, "Kooperation", "Cooperation"), title_of(ctx))] if title_of(ctx) else [],
        action=t(lang, "Öffnen Sie den Link und melden Sie sich an.", "Open the link to log in."),
    )
