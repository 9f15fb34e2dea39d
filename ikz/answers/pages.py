"""The HTML of the answer pages: short, without JavaScript, accessible (WCAG 2.1 AA:
language, landmarks, labels, fieldset and legend, visible focus, contrast, errors named
at the top and linked to their fields), German or English per person.

A refused link's page names no person and shows both languages (whose link it was is
unknown or not to be told).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from ikz.answers.links import REFUSALS
from ikz.answers.shapes import Outcome, Question

STYLE = """
body { font-family: system-ui, sans-serif; font-size: 1.125rem; line-height: 1.5;
  color: #1a1a1a; background: #ffffff; margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; }
h2 { font-size: 1.25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
fieldset { border: 2px solid #4a4a4a; border-radius: .25rem; padding: .75rem 1rem; margin: 1rem 0; }
legend { font-weight: 700; padding: 0 .25rem; }
.choice { display: flex; align-items: center; gap: .5rem; margin: .5rem 0; }
.choice input { width: 1.5rem; height: 1.5rem; margin: 0; }
label { font-weight: 600; }
textarea { width: 100%; min-height: 6rem; font: inherit; border: 2px solid #4a4a4a;
  border-radius: .25rem; padding: .5rem; box-sizing: border-box; }
button { font: inherit; font-weight: 700; padding: .6rem 1.2rem; border-radius: .25rem;
  border: 2px solid #0b4f8a; background: #0b4f8a; color: #ffffff; cursor: pointer; }
button.secondary { background: #ffffff; color: #0b4f8a; }
.actions { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 1.5rem; }
a { color: #0b4f8a; }
:focus-visible { outline: 3px solid #b3001b; outline-offset: 3px; }
.errors { border: 3px solid #b3001b; padding: .5rem 1rem; margin: 1rem 0; }
.errors h2 { margin-top: .25rem; color: #b3001b; }
.error { color: #b3001b; font-weight: 600; margin: .25rem 0; }
.hint { color: #4a4a4a; }
.lang-en { margin-top: 2rem; border-top: 1px solid #767676; padding-top: 1rem; }
"""

LAYOUT = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{ title }} – ikz-flow</title>
<style>{{ style }}</style>
</head>
<body>
<main>
{{ body }}
</main>
</body>
</html>
"""

QUESTION = """
<h1>{{ q.ask }}</h1>
<p>{{ t("Guten Tag", "Hello") }} {{ q.person_name }},
{{ t("Sie werden um Ihre Entscheidung gebeten.", "you are asked for your decision.") }}</p>
{% if errors %}
<div class="errors" role="alert" aria-labelledby="errors-title" tabindex="-1">
<h2 id="errors-title">{{ t("Bitte prüfen Sie Ihre Eingabe", "Please check your input") }}</h2>
<ul>
{% for field, text in errors %}<li><a href="#{{ field }}">{{ text }}</a></li>{% endfor %}
</ul>
</div>
{% endif %}
<h2>{{ t("Worum es geht", "What this is about") }}</h2>
<dl>
{% for label, value in q.facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% endfor %}
</dl>
{% if q.needs %}
<h2>{{ t("Was der Schritt verlangt", "What the step requires") }}</h2>
<p>{{ q.needs }}</p>
{% endif %}
{% if q.still_open %}
<p>{{ t("Noch offen für diesen Schritt:", "Still open for this step:") }}</p>
<ul>{% for item in q.still_open %}<li>{{ item }}</li>{% endfor %}</ul>
{% endif %}
<form method="post" action="{{ action }}" novalidate>
<input type="hidden" name="step" value="review">
<fieldset{% if error_for.answer %} aria-describedby="answer-error"{% endif %}>
<legend>{{ t("Ihre Antwort", "Your answer") }}</legend>
{% if error_for.answer %}<p class="error" id="answer-error">{{ error_for.answer }}</p>{% endif %}
<div class="choice"><input type="radio" id="answer-yes" name="answer" value="yes"{% if chosen == "yes" %} checked{% endif %}{% if error_for.answer %} aria-invalid="true"{% endif %}>
<label for="answer-yes">{{ yes_label }}</label></div>
<div class="choice"><input type="radio" id="answer-no" name="answer" value="no"{% if chosen == "no" %} checked{% endif %}{% if error_for.answer %} aria-invalid="true"{% endif %}>
<label for="answer-no">{{ no_label }}</label></div>
</fieldset>
<p><label for="note">{{ t("Anmerkung (freiwillig)", "Note (optional)") }}</label></p>
<p class="hint" id="note-hint">{{ t("Sie wird der Koordination mitgeteilt.", "It is passed on to the coordination.") }} {{ t("Höchstens 2000 Zeichen.", "At most 2000 characters.") }}</p>
{% if error_for.note %}<p class="error" id="note-error">{{ error_for.note }}</p>{% endif %}
<textarea id="note" name="note" maxlength="2000" aria-describedby="note-hint{% if error_for.note %} note-error{% endif %}"{% if error_for.note %} aria-invalid="true"{% endif %}>{{ note }}</textarea>
<div class="actions"><button type="submit">{{ t("Weiter zur Bestätigung", "Continue to confirm") }}</button></div>
</form>
"""

CONFIRM = """
<h1>{{ t("Bitte bestätigen Sie Ihre Antwort", "Please confirm your answer") }}</h1>
<dl>
{% for label, value in q.facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% endfor %}
<dt>{{ t("Frage", "Question") }}</dt><dd>{{ q.ask }}</dd>
<dt>{{ t("Ihre Antwort", "Your answer") }}</dt><dd><strong>{{ chosen_label }}</strong></dd>
<dt>{{ t("Anmerkung", "Note") }}</dt><dd>{{ note or "–" }}</dd>
</dl>
<p>{{ t("Mit „Verbindlich absenden“ wird Ihre Antwort in Ihrem Namen erfasst. Danach lässt sie sich über diesen Link nicht mehr ändern.",
        "With “Submit as binding” your answer is recorded in your name. It cannot be changed through this link afterwards.") }}</p>
<form method="post" action="{{ action }}">
<input type="hidden" name="answer" value="{{ chosen }}">
<input type="hidden" name="note" value="{{ note }}">
<div class="actions">
<button type="submit" name="step" value="confirm">{{ t("Verbindlich absenden", "Submit as binding") }}</button>
<button type="submit" name="step" value="edit" class="secondary">{{ t("Antwort ändern", "Change answer") }}</button>
</div>
</form>
"""

DONE = """
<h1>{{ t("Vielen Dank, Ihre Antwort ist erfasst", "Thank you, your answer is recorded") }}</h1>
<p>{{ message }}</p>
<p>{{ t("Sie können dieses Fenster schließen. Der Link ist damit verbraucht.", "You may close this window. The link is now used up.") }}</p>
"""

REFUSED = """
<h1>{{ heading_de }}</h1>
<p>{{ text_de }}</p>
{% if t_de %}<p>{{ t_de }}</p>{% endif %}
<section class="lang-en" lang="en" aria-labelledby="en-heading">
<h2 id="en-heading">{{ heading_en }}</h2>
<p>{{ text_en }}</p>
{% if t_en %}<p>{{ t_en }}</p>{% endif %}
</section>
"""

HEADINGS: dict[str, tuple[str, str]] = {
    "forged": ("Link ungültig", "Link not valid"),
    "used": ("Link bereits verwendet", "Link already used"),
    "expired": ("Link abgelaufen", "Link expired"),
    "foreign": ("Frage nicht mehr offen", "Question no longer open"),
    "rate_limited": ("Zu viele ungültige Versuche", "Too many invalid attempts"),
    "too_large": ("Eingabe zu groß", "Input too large"),
}
RATE_LIMITED = (
    "Von Ihrem Anschluss kamen zu viele ungültige Links. Bitte versuchen Sie es in "
    "15 Minuten erneut.",
    "Too many invalid links came from your connection. Please try again in 15 minutes.",
)
TOO_LARGE = (
    "Die gesendete Antwort ist zu groß. Bitte kürzen Sie die Anmerkung.",
    "The answer sent is too large. Please shorten the note.",
)
NOTHING_CHANGED = ("Es wurde nichts geändert.", "Nothing was changed.")


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined, auto_reload=False)


@lru_cache(maxsize=8)
def _template(source: str) -> Template:
    return _env().from_string(source)


def _page(lang: str, title: str, body_source: str, **values: Any) -> str:
    def t(de: str, en: str) -> str:
        return en if lang == "en" else de

    body = _template(body_source).render(t=t, **values)
    return _template(LAYOUT).render(lang=lang, title=title, style=STYLE, body=_markup(body))


def _markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)


def labels(q: Question) -> tuple[str, str]:
    """The answers' labels, stated in full (not just Yes/No)."""
    return q.yes_label, q.no_label


def question_page(
    q: Question,
    action: str,
    *,
    chosen: str | None = None,
    note: str = "",
    errors: dict[str, str] | None = None,
) -> str:
    errors = errors or {}
    yes, no = labels(q)
    order = [("answer-yes", errors["answer"])] if "answer" in errors else []
    if "note" in errors:
        order.append(("note", errors["note"]))
    title = q.ask if not errors else ("Fehler: " if q.language != "en" else "Error: ") + q.ask
    return _page(
        q.language,
        title,
        QUESTION,
        q=q,
        action=action,
        chosen=chosen,
        note=note,
        errors=order,
        error_for={"answer": errors.get("answer", ""), "note": errors.get("note", "")},
        yes_label=yes,
        no_label=no,
    )


def confirm_page(q: Question, action: str, chosen: str, note: str) -> str:
    yes, no = labels(q)
    title = "Please confirm your answer" if q.language == "en" else "Antwort bestätigen"
    return _page(
        q.language,
        title,
        CONFIRM,
        q=q,
        action=action,
        chosen=chosen,
        chosen_label=yes if chosen == "yes" else no,
        note=note,
    )


def done_page(outcome: Outcome) -> str:
    title = "Answer recorded" if outcome.language == "en" else "Antwort erfasst"
    return _page(outcome.language, title, DONE, message=outcome.message)


def refused_page(code: str) -> str:
    """The page for a link that opens nothing (both languages: the person is unknown)."""
    heading_de, heading_en = HEADINGS[code]
    if code == "rate_limited":
        text_de, text_en = RATE_LIMITED
    elif code == "too_large":
        text_de, text_en = TOO_LARGE
    else:
        text_de, text_en = REFUSALS[code]
    t_de, t_en = NOTHING_CHANGED
    return _page(
        "de",
        f"{heading_de} / {heading_en}",
        REFUSED,
        heading_de=heading_de,
        heading_en=heading_en,
        text_de=text_de,
        text_en=text_en,
        t_de=t_de if code not in {"used", "foreign"} else "",
        t_en=t_en if code not in {"used", "foreign"} else "",
    )
