"""What the lifecycle's notifications say: a transition, a new cooperation, a review due,
a success report, a reminder of silence."""

from __future__ import annotations

from ikz.mail.text_common import (
    Content,
    Ctx,
    Lang,
    coop_fact,
    date_text,
    state_label,
    t,
    title_of,
    trigger_label,
)

TRANSITION_SUBJECTS: dict[str, tuple[str, str]] = {
    "explore": ("Sondierung begonnen", "Exploration started"),
    "agree": ("Vereinbarungsphase begonnen", "Agreement phase started"),
    "start_pilot": ("Pilotphase begonnen", "Pilot started"),
    "evaluate": ("Evaluation begonnen", "Evaluation started"),
    "make_permanent": ("verstetigt", "Made permanent"),
    "pause": ("pausiert", "Paused"),
    "resume": ("fortgesetzt", "Resumed"),
    "end": ("beendet", "Ended"),
    "rework": ("Vereinbarung wird überarbeitet", "Agreement being reworked"),
    "extend_pilot": ("Pilotphase verlängert", "Pilot extended"),
    "spawn_follow_up": ("Folgekooperation angestoßen", "Follow-up cooperation spawned"),
}


# The next thing to do after arriving in a state, drawn from the success factors.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    "exploration": (
        "Als Nächstes: gemeinsame Ziele schriftlich festhalten und für jede Partnerkommune "
        "ihren Nutzen benennen.",
        "Next: write down shared goals and state the benefit for every partner.",
    ),
    "agreement": (
        "Für den Pilot genügt eine schlanke Absichtserklärung. Nötig sind außerdem die "
        "Freigabe aller Bürgermeister:innen und die frühe Einbindung der Mitarbeitenden.",
        "A lightweight letter of intent is enough for the pilot. Every mayor's sign-off "
        "and early staff involvement are needed as well.",
    ),
    "pilot": (
        "Machen Sie erste Erfolge sichtbar (gemeinsame Pressemitteilung, Infoveranstaltung) "
        "und treffen Sie sich regelmäßig in der Steuerungsrunde.",
        "Make first successes visible (joint press release, info event) and meet "
        "regularly in the steering round.",
    ),
    "evaluation": (
        "Bitte halten Sie die Ergebnisse in einem Bericht fest und lassen Sie den Nutzen "
        "von jeder Partnerkommune bestätigen.",
        "Please record the results in a report and have every partner confirm its benefit.",
    ),
    "permanent": (
        "Herzlichen Glückwunsch: Aus dem Projekt ist eine dauerhafte Zusammenarbeit geworden.",
        "Congratulations: the project has become a permanent cooperation.",
    ),
}


# Transitions after which NEXT_STEPS applies (not after a pause, rework or the end).
_FORWARD = {"explore", "agree", "start_pilot", "evaluate", "make_permanent", "resume"}


def transition(ctx: Ctx, lang: Lang) -> Content:
    trigger = str(ctx.get("trigger", ""))
    src, dst = state_label(ctx.get("from_state"), lang), state_label(ctx.get("to_state"), lang)
    what = TRANSITION_SUBJECTS.get(trigger, (f"jetzt {dst}", f"Now {dst}"))
    step_label = trigger_label(trigger, lang)
    if src == dst:  # a step within the state (extend the pilot): no "from X to X"
        paragraphs = [
            t(
                lang,
                f"in der Kooperation „{title_of(ctx)}“ wurde der Schritt „{step_label}“ "
                f"erfasst; sie bleibt in „{dst}“.",
                f"the step “{step_label}” was recorded for the cooperation "
                f"“{title_of(ctx)}”; it stays in “{dst}”.",
            )
        ]
        facts = [(t(lang, "Schritt", "Step"), step_label), (t(lang, "Zustand", "State"), dst)]
    else:
        paragraphs = [
            t(
                lang,
                f"die Kooperation „{title_of(ctx)}“ ist von „{src}“ in „{dst}“ gewechselt.",
                f"the cooperation “{title_of(ctx)}” has moved from “{src}” to “{dst}”.",
            )
        ]
        facts = [
            (t(lang, "Schritt", "Step"), step_label),
            (t(lang, "Vorher", "Before"), src),
            (t(lang, "Jetzt", "Now"), dst),
        ]
    if ctx.get("reason"):
        facts.append((t(lang, "Begründung", "Reason"), str(ctx["reason"])))
    step = NEXT_STEPS.get(str(ctx.get("to_state"))) if trigger in _FORWARD else None
    return Content(
        subject=t(lang, *what),
        paragraphs=paragraphs,
        facts=facts + coop_fact(ctx, lang),
        action=t(lang, *step) if step else None,
    )


def cooperation_opened(ctx: Ctx, lang: Lang) -> Content:
    paragraphs = [
        t(
            lang,
            f"die Kooperation „{title_of(ctx)}“ wurde eröffnet, und Sie sind daran beteiligt.",
            f"the cooperation “{title_of(ctx)}” has been opened, and you are part of it.",
        )
    ]
    if ctx.get("parent_id"):
        paragraphs.append(
            t(
                lang,
                f"Sie setzt die verstetigte Kooperation #{ctx['parent_id']} fort.",
                f"It follows on from the permanent cooperation #{ctx['parent_id']}.",
            )
        )
    return Content(
        subject=t(lang, "Kooperation eröffnet", "Cooperation opened")
        if not ctx.get("parent_id")
        else t(lang, "Folgekooperation eröffnet", "Follow-up cooperation opened"),
        paragraphs=paragraphs,
        facts=coop_fact(ctx, lang),
        action=t(
            lang,
            "Am Anfang steht der informelle Austausch: ein offenes Gespräch, gern auch eine "
            "gemeinsame Klausur.",
            "It starts with informal exchange: an open conversation, or a joint retreat.",
        ),
    )


_MARKS = {"green": "🟢", "yellow": "🟡", "red": "🔴"}
_COLOURS = {"green": ("grün", "green"), "yellow": ("gelb", "yellow"), "red": ("rot", "red")}


def _check_fact(check: Ctx, lang: Lang) -> tuple[str, str]:
    """The Kooperations-Check: the overall light, then each red or yellow reason."""
    overall = str(check.get("overall", ""))
    head = f"{_MARKS.get(overall, '')} {t(lang, *_COLOURS.get(overall, (overall, overall)))}"
    lines = [head.strip()]
    for c in check.get("concerns") or []:
        name = c.get(f"name_{lang}") or c.get("name_de") or ""
        text = c.get(lang) or c.get("de") or c.get("code")
        lines.append(f"{_MARKS.get(str(c.get('colour')), '')} {name}: {text}")
    return (t(lang, "Kooperations-Check", "Cooperation check"), "\n".join(lines))


def review_due(ctx: Ctx, lang: Lang) -> Content:
    facts = []
    if ctx.get("state"):
        facts.append((t(lang, "Phase", "Phase"), state_label(ctx["state"], lang)))
    if ctx.get("gate"):
        facts.append((t(lang, "Nächster Schritt", "Next step"), trigger_label(ctx["gate"], lang)))
    due = ctx.get("due_on") or ctx.get("next_review_at")
    if due:
        label = t(lang, "Fällig am", "Due on") if ctx.get("due_on") else None
        facts.append((label or t(lang, "Nächstes Review", "Next review"), date_text(due, lang)))
    # The checklist: what the next gate still misses, then the warnings.
    unmet = [str(u.get(lang) or u.get("de") or u.get("code")) for u in ctx.get("unmet") or []]
    warns = [str(w.get(lang) or w.get("de") or w.get("code")) for w in ctx.get("signals") or []]
    if unmet:
        facts.append((t(lang, "Noch offen", "Still missing"), "\n".join(f"☐ {u}" for u in unmet)))
    if warns:
        facts.append((t(lang, "Hinweise", "Signals"), "\n".join(f"⚠ {w}" for w in warns)))
    if ctx.get("check"):
        facts.append(_check_fact(ctx["check"], lang))
    n = len(unmet)
    subject = (
        t(lang, f"Review fällig: {n} Punkte offen", f"Review due: {n} items missing")
        if n > 1
        else t(lang, "Review fällig: 1 Punkt offen", "Review due: 1 item missing")
        if n == 1
        else t(lang, "Review fällig", "Review due")
    )
    return Content(
        subject=subject,
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ steht ein Review an.",
                f"a review of the cooperation “{title_of(ctx)}” is due.",
            )
        ],
        facts=facts + coop_fact(ctx, lang),
        action=t(
            lang,
            "Bitte gehen Sie die offenen Punkte durch und halten Sie fest, was erledigt ist.",
            "Please go through the open items and record what has been done.",
        )
        if unmet
        else t(
            lang,
            "Bitte prüfen Sie Stand, Hinweise und offene Punkte.",
            "Please look at progress, signals and open items.",
        ),
    )


def success_report_ready(ctx: Ctx, lang: Lang) -> Content:
    return Content(
        subject=t(lang, "Erfolgsbericht liegt vor", "Success report ready"),
        paragraphs=[
            t(
                lang,
                f"für die Kooperation „{title_of(ctx)}“ liegt ein Erfolgsbericht mit einem Entwurf "
                "für eine gemeinsame Pressemitteilung vor.",
                f"a success report with a draft joint press release is ready for the "
                f"cooperation “{title_of(ctx)}”.",
            )
        ],
        facts=coop_fact(ctx, lang),
        action=t(
            lang,
            "Zeigen Sie den Bürger:innen, was die Zusammenarbeit bringt.",
            "Show citizens what the cooperation achieves.",
        ),
    )


def silence_reminder(ctx: Ctx, lang: Lang) -> Content:
    days = ctx.get("days_silent", ctx.get("days"))
    since = t(lang, f" seit {days} Tagen", f" for {days} days") if days else ""
    return Content(
        subject=t(lang, "Zeit für einen informellen Austausch", "Time for an informal exchange"),
        paragraphs=[
            t(
                lang,
                f"in der Kooperation „{title_of(ctx)}“ gab es{since} keinen informellen Austausch.",
                f"there has been no informal exchange in the cooperation “{title_of(ctx)}”{since}.",
            )
        ],
        facts=coop_fact(ctx, lang),
        action=t(
            lang,
            "Vertrauen wächst im Gespräch: Verabreden Sie ein Treffen oder eine gemeinsame Klausur.",
            "Trust grows in conversation: arrange a meeting or a joint retreat.",
        ),
    )
