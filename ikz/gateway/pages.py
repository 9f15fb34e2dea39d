"""The gateway's own pages: log in, a link's confirmation, messages. Plain HTML, no
JavaScript, German or English, with a language attribute, labels and one heading each."""

from __future__ import annotations

from html import escape

Lang = str

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1a1a1a;background:#fff}"
    "label{display:block;font-weight:600;margin:.5rem 0 .25rem}"
    "input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #555}"
    "button{font:inherit;margin-top:1rem;padding:.5rem 1.25rem;background:#0b4f8a;color:#fff;"
    "border:0;border-radius:4px;cursor:pointer}"
    "button:focus,input:focus,a:focus{outline:3px solid #f0a000;outline-offset:2px}"
    "a{color:#0b4f8a}.note{color:#333}"
)


def t(lang: Lang, de: str, en: str) -> str:
    return en if lang == "en" else de


def page(lang: Lang, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "de"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · ikz-flow</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def login_form(lang: Lang, note: str = "") -> str:
    other = "de" if lang == "en" else "en"
    body = (
        (f'<p class="note" role="status">{escape(note)}</p>' if note else "")
        + "<p>"
        + t(
            lang,
            "Geben Sie Ihre E-Mail-Adresse ein. Sie erhalten einen Link, der Sie einmalig "
            "anmeldet.",
            "Enter your email address. You will receive a link that logs you in once.",
        )
        + "</p>"
        + f'<form method="post" action="/login?lang={lang}">'
        + f'<label for="email">{t(lang, "E-Mail-Adresse", "Email address")}</label>'
        + '<input id="email" name="email" type="email" autocomplete="email" required>'
        + f'<button type="submit">{t(lang, "Anmeldelink senden", "Send login link")}</button>'
        + "</form>"
        + f'<p><a href="/login?lang={other}" lang="{other}">'
        + t(lang, "English", "Deutsch")
        + "</a></p>"
    )
    return page(lang, t(lang, "Anmelden bei ikz-flow", "Log in to ikz-flow"), body)


def link_sent(lang: Lang) -> str:
    return page(
        lang,
        t(lang, "Link unterwegs", "Link on its way"),
        "<p>"
        + t(
            lang,
            "Wenn die Adresse zu einer Person gehört, die sich anmelden darf, ist ein "
            "Anmeldelink unterwegs. Er gilt kurz und nur einmal.",
            "If the address belongs to a person who may log in, a login link is on its "
            "way. It is valid briefly and only once.",
        )
        + "</p>",
    )


def confirm_link(lang: Lang, name: str, action: str) -> str:
    """A mailed link asks before it is used: mail scanners that open links must not use it."""
    body = (
        "<p>"
        + escape(t(lang, f"Als {name} bei ikz-flow anmelden?", f"Log in to ikz-flow as {name}?"))
        + "</p>"
        + f'<form method="post" action="{escape(action)}">'
        + f'<button type="submit">{t(lang, "Anmelden", "Log in")}</button></form>'
    )
    return page(lang, t(lang, "Anmelden", "Log in"), body)


def message(lang: Lang, title: str, text: str, *, link_to_login: bool = True) -> str:
    more = (
        f'<p><a href="/login?lang={lang}">{t(lang, "Zur Anmeldung", "To the login page")}</a></p>'
        if link_to_login
        else ""
    )
    return page(lang, title, f'<p role="alert">{escape(text)}</p>{more}')


def logout_form(lang: Lang) -> str:
    return page(
        lang,
        t(lang, "Abmelden", "Log out"),
        '<form method="post" action="/logout">'
        f'<button type="submit">{t(lang, "Abmelden", "Log out")}</button></form>',
    )
