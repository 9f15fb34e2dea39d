"""What each notification kind says, in German and English, before any layout.

One builder per outbox kind turns the row's context into a `Content`: a subject, a few
paragraphs, labelled facts and, where there is something to do, an action. Builders read
the context with `.get` so that a row queued by an older or newer version still renders;
kinds without a builder get a generic text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from states.lifecycle import STATE_LABELS, TRIGGER_LABELS, State, Trigger

Lang = Literal["de", "en"]
Ctx = Mapping[str, Any]


@dataclass(frozen=True)
class Content:
    subject: str
    paragraphs: list[str]
    facts: list[tuple[str, str]] = field(default_factory=list)
    action: str | None = None


def _t(lang: Lang, de: str, en: str) -> str:
    return en if lang == "en" else de


def state_label(code: object, lang: Lang) -> str:
    try:
        de, en = STATE_LABELS[State(str(code))]
    except ValueError:
        return str(code)
    return _t(lang, de, en)


def trigger_label(code: object, lang: Lang) -> str:
    try:
        de, en = TRIGGER_LABELS[Trigger(str(code))]
    except ValueError:
        return str(code)
    return _t(lang, de, en)


LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "raised": ("gemeldet", "raised"),
    "contact_talks": ("Gespräch der Ansprechpersonen", "talks between contact persons"),
    "steering_round": ("Steuerungsrunde", "steering round"),
    "moderation": ("neutrale Moderation", "neutral moderation"),
    "mayors": ("Bürgermeister:innen", "mayors"),
}

# What the people in a conflict are asked to do at each level (success factor 8).
LEVEL_ACTIONS: dict[str, tuple[str, str]] = {
    "contact_talks": (
        "Bitte klären Sie ihn im direkten Gespräch der festen Ansprechpersonen.",
        "Please settle it in a direct talk between the fixed contact persons.",
    ),
    "steering_round": (
        "Bitte setzen Sie ihn auf die Tagesordnung der nächsten Steuerungsrunde.",
        "Please put it on the agenda of the next steering round.",
    ),
    "moderation": (
        "Bitte ziehen Sie eine neutrale Moderation hinzu.",
        "Please bring in a neutral moderator.",
    ),
    "mayors": (
        "Der Konflikt ist jetzt Chefsache: Bitte klären Sie ihn auf Ebene der Bürgermeister:innen.",
        "The conflict is now a matter for the mayors: please settle it at their level.",
    ),
}

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


def _title(ctx: Ctx) -> str:
    return str(ctx.get("title") or "")


def _coop_fact(ctx: Ctx, lang: Lang) -> list[tuple[str, str]]:
    cid = ctx.get("cooperation_id")
    return [(_t(lang, "Kooperation", "Cooperation"), f"#{cid}")] if cid is not None else []


def _municipality(ctx: Ctx, lang: Lang) -> str:
    if ctx.get("municipality_name"):
        return str(ctx["municipality_name"])
    mid = ctx.get("municipality_id")
    return (
        _t(lang, f"Kommune #{mid}", f"municipality #{mid}")
        if mid
        else _t(lang, "eine Partnerkommune", "a partner")
    )


# For the other text modules (meeting_text): the same helpers under public names.
t = _t
title_of = _title
coop_fact = _coop_fact


def _date(value: object, lang: Lang) -> str:
    """An ISO date or datetime as 05.03.2026 (de) or 2026-03-05 (en); anything else as is."""
    try:
        day = datetime.fromisoformat(str(value)).date()
    except ValueError:
        return str(value)
    return day.isoformat() if lang == "en" else f"{day:%d.%m.%Y}"


# Transitions after which NEXT_STEPS applies (not after a pause, rework or the end).
_FORWARD = {"explore", "agree", "start_pilot", "evaluate", "make_permanent", "resume"}


def transition(ctx: Ctx, lang: Lang) -> Content:
    trigger = str(ctx.get("trigger", ""))
    src, dst = state_label(ctx.get("from_state"), lang), state_label(ctx.get("to_state"), lang)
    what = TRANSITION_SUBJECTS.get(trigger, (f"jetzt {dst}", f"Now {dst}"))
    paragraphs = [
        _t(
            lang,
            f"die Kooperation „{_title(ctx)}“ ist von „{src}“ in „{dst}“ gewechselt.",
            f"the cooperation “{_title(ctx)}” has moved from “{src}” to “{dst}”.",
        )
    ]
    facts = [
        (_t(lang, "Schritt", "Step"), trigger_label(trigger, lang)),
        (_t(lang, "Vorher", "Before"), src),
        (_t(lang, "Jetzt", "Now"), dst),
    ]
    if ctx.get("reason"):
        facts.append((_t(lang, "Begründung", "Reason"), str(ctx["reason"])))
    step = NEXT_STEPS.get(str(ctx.get("to_state"))) if trigger in _FORWARD else None
    return Content(
        subject=_t(lang, *what),
        paragraphs=paragraphs,
        facts=facts + _coop_fact(ctx, lang),
        action=_t(lang, *step) if step else None,
    )


def cooperation_opened(ctx: Ctx, lang: Lang) -> Content:
    paragraphs = [
        _t(
            lang,
            f"die Kooperation „{_title(ctx)}“ wurde eröffnet, und Sie sind daran beteiligt.",
            f"the cooperation “{_title(ctx)}” has been opened, and you are part of it.",
        )
    ]
    if ctx.get("parent_id"):
        paragraphs.append(
            _t(
                lang,
                f"Sie setzt die verstetigte Kooperation #{ctx['parent_id']} fort.",
                f"It follows on from the permanent cooperation #{ctx['parent_id']}.",
            )
        )
    return Content(
        subject=_t(lang, "Kooperation eröffnet", "Cooperation opened")
        if not ctx.get("parent_id")
        else _t(lang, "Folgekooperation eröffnet", "Follow-up cooperation opened"),
        paragraphs=paragraphs,
        facts=_coop_fact(ctx, lang),
        action=_t(
            lang,
            "Am Anfang steht der informelle Austausch: ein offenes Gespräch, gern auch eine "
            "gemeinsame Klausur.",
            "It starts with informal exchange: an open conversation, or a joint retreat.",
        ),
    )


def signoff_recorded(ctx: Ctx, lang: Lang) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    who = _municipality(ctx, lang)
    return Content(
        subject=_t(lang, f"Freigabe erteilt ({gate})", f"Sign-off recorded ({gate})"),
        paragraphs=[
            _t(
                lang,
                f"für die Kooperation „{_title(ctx)}“ hat {who} den Schritt „{gate}“ freigegeben.",
                f"{who} has signed off the step “{gate}” for the cooperation “{_title(ctx)}”.",
            )
        ],
        facts=[(_t(lang, "Schritt", "Step"), gate), *_coop_fact(ctx, lang)],
    )


def _conflict_facts(ctx: Ctx, lang: Lang) -> list[tuple[str, str]]:
    facts = [(_t(lang, "Thema", "Subject"), str(ctx.get("subject", "")))]
    if ctx.get("conflict_id") is not None:
        facts.append((_t(lang, "Konflikt", "Conflict"), f"#{ctx['conflict_id']}"))
    return facts + _coop_fact(ctx, lang)


def conflict_raised(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    return Content(
        subject=_t(lang, f"Konflikt gemeldet: {subject}", f"Conflict raised: {subject}"),
        paragraphs=[
            _t(
                lang,
                f"in der Kooperation „{_title(ctx)}“ wurde ein Konflikt gemeldet: „{subject}“.",
                f"a conflict has been raised in the cooperation “{_title(ctx)}”: “{subject}”.",
            )
        ],
        facts=_conflict_facts(ctx, lang),
        action=_t(
            lang,
            "Früh und offen angesprochen führen Konflikte oft zu besseren Ergebnissen. Bitte "
            "klären Sie ihn zuerst im Gespräch der festen Ansprechpersonen.",
            "Raised early and openly, conflicts often lead to better results. Please first "
            "settle it in a talk between the fixed contact persons.",
        ),
    )


def conflict_escalated(ctx: Ctx, lang: Lang) -> Content:
    level = str(ctx.get("level", ""))
    label = _t(lang, *LEVEL_LABELS.get(level, (level, level)))
    subject = str(ctx.get("subject", ""))
    action = LEVEL_ACTIONS.get(level)
    return Content(
        subject=_t(lang, f"Konflikt eskaliert: {label}", f"Conflict escalated: {label}"),
        paragraphs=[
            _t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{_title(ctx)}“ ist ungelöst und "
                f"jetzt auf der Stufe „{label}“.",
                f"the conflict “{subject}” in the cooperation “{_title(ctx)}” is unresolved and "
                f"has moved up to “{label}”.",
            )
        ],
        facts=[(_t(lang, "Stufe", "Level"), label), *_conflict_facts(ctx, lang)],
        action=_t(lang, *action) if action else None,
    )


def conflict_resolved(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    facts = _conflict_facts(ctx, lang)
    if ctx.get("resolution"):
        facts.insert(1, (_t(lang, "Lösung", "Resolution"), str(ctx["resolution"])))
    return Content(
        subject=_t(lang, f"Konflikt gelöst: {subject}", f"Conflict resolved: {subject}"),
        paragraphs=[
            _t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{_title(ctx)}“ ist gelöst.",
                f"the conflict “{subject}” in the cooperation “{_title(ctx)}” has been resolved.",
            )
        ],
        facts=facts,
    )


def conflict_closed(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    facts = _conflict_facts(ctx, lang)
    if ctx.get("reason"):
        facts.insert(1, (_t(lang, "Begründung", "Reason"), str(ctx["reason"])))
    return Content(
        subject=_t(
            lang,
            f"Konflikt ohne Lösung geschlossen: {subject}",
            f"Conflict closed unresolved: {subject}",
        ),
        paragraphs=[
            _t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{_title(ctx)}“ wurde ohne "
                "Lösung geschlossen. Die Koordination prüft, wie es mit der Kooperation "
                "weitergeht.",
                f"the conflict “{subject}” in the cooperation “{_title(ctx)}” was closed "
                "without a resolution. The coordination will decide how the cooperation "
                "continues.",
            )
        ],
        facts=facts,
    )


_MARKS = {"green": "🟢", "yellow": "🟡", "red": "🔴"}
_COLOURS = {"green": ("grün", "green"), "yellow": ("gelb", "yellow"), "red": ("rot", "red")}


def _check_fact(check: Ctx, lang: Lang) -> tuple[str, str]:
    """The Kooperations-Check: the overall light, then each red or yellow reason."""
    overall = str(check.get("overall", ""))
    head = f"{_MARKS.get(overall, '')} {_t(lang, *_COLOURS.get(overall, (overall, overall)))}"
    lines = [head.strip()]
    for c in check.get("concerns") or []:
        name = c.get(f"name_{lang}") or c.get("name_de") or ""
        text = c.get(lang) or c.get("de") or c.get("code")
        lines.append(f"{_MARKS.get(str(c.get('colour')), '')} {name}: {text}")
    return (_t(lang, "Kooperations-Check", "Cooperation check"), "\n".join(lines))


def review_due(ctx: Ctx, lang: Lang) -> Content:
    facts = []
    if ctx.get("state"):
        facts.append((_t(lang, "Phase", "Phase"), state_label(ctx["state"], lang)))
    if ctx.get("gate"):
        facts.append((_t(lang, "Nächster Schritt", "Next step"), trigger_label(ctx["gate"], lang)))
    due = ctx.get("due_on") or ctx.get("next_review_at")
    if due:
        label = _t(lang, "Fällig am", "Due on") if ctx.get("due_on") else None
        facts.append((label or _t(lang, "Nächstes Review", "Next review"), _date(due, lang)))
    # The checklist: what the next gate still misses, then the warnings.
    unmet = [str(u.get(lang) or u.get("de") or u.get("code")) for u in ctx.get("unmet") or []]
    warns = [str(w.get(lang) or w.get("de") or w.get("code")) for w in ctx.get("signals") or []]
    if unmet:
        facts.append((_t(lang, "Noch offen", "Still missing"), "\n".join(f"☐ {u}" for u in unmet)))
    if warns:
        facts.append((_t(lang, "Hinweise", "Signals"), "\n".join(f"⚠ {w}" for w in warns)))
    if ctx.get("check"):
        facts.append(_check_fact(ctx["check"], lang))
    n = len(unmet)
    subject = (
        _t(lang, f"Review fällig: {n} Punkte offen", f"Review due: {n} items missing")
        if n > 1
        else _t(lang, "Review fällig: 1 Punkt offen", "Review due: 1 item missing")
        if n == 1
        else _t(lang, "Review fällig", "Review due")
    )
    return Content(
        subject=subject,
        paragraphs=[
            _t(
                lang,
                f"für die Kooperation „{_title(ctx)}“ steht ein Review an.",
                f"a review of the cooperation “{_title(ctx)}” is due.",
            )
        ],
        facts=facts + _coop_fact(ctx, lang),
        action=_t(
            lang,
            "Bitte gehen Sie die offenen Punkte durch und halten Sie fest, was erledigt ist.",
            "Please go through the open items and record what has been done.",
        )
        if unmet
        else _t(
            lang,
            "Bitte prüfen Sie Stand, Hinweise und offene Punkte.",
            "Please look at progress, signals and open items.",
        ),
    )


def _signoff_ask(ctx: Ctx, lang: Lang, *, reminder: bool) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    due = ctx.get("due_on") or ctx.get("due_at")
    # The subject says what to do and by when.
    by = _t(lang, f" bis {_date(due, lang)}", f" by {_date(due, lang)}") if due else ""
    subject = (
        _t(
            lang,
            f"Erinnerung: Freigabe ausstehend ({gate}){by}",
            f"Reminder: sign-off pending ({gate}){by}",
        )
        if reminder
        else _t(lang, f"Freigabe erbeten ({gate}){by}", f"Sign-off requested ({gate}){by}")
    )
    facts = [(_t(lang, "Schritt", "Step"), gate)]
    if due:
        facts.append((_t(lang, "Bitte bis", "Please by"), _date(due, lang)))
    return Content(
        subject=subject,
        paragraphs=[
            _t(
                lang,
                f"die Kooperation „{_title(ctx)}“ ist bereit für den Schritt „{gate}“. "
                "Dafür braucht es Ihre Freigabe als Bürgermeister:in.",
                f"the cooperation “{_title(ctx)}” is ready for the step “{gate}”. "
                "It needs your sign-off as mayor.",
            )
        ],
        facts=facts + _coop_fact(ctx, lang),
        action=_t(
            lang,
            "Bitte prüfen Sie den Stand und erteilen Sie die Freigabe für Ihre Kommune.",
            "Please review the status and sign off for your municipality.",
        ),
    )


def success_report_ready(ctx: Ctx, lang: Lang) -> Content:
    return Content(
        subject=_t(lang, "Erfolgsbericht liegt vor", "Success report ready"),
        paragraphs=[
            _t(
                lang,
                f"für die Kooperation „{_title(ctx)}“ liegt ein Erfolgsbericht mit einem Entwurf "
                "für eine gemeinsame Pressemitteilung vor.",
                f"a success report with a draft joint press release is ready for the "
                f"cooperation “{_title(ctx)}”.",
            )
        ],
        facts=_coop_fact(ctx, lang),
        action=_t(
            lang,
            "Zeigen Sie den Bürger:innen, was die Zusammenarbeit bringt.",
            "Show citizens what the cooperation achieves.",
        ),
    )


def silence_reminder(ctx: Ctx, lang: Lang) -> Content:
    days = ctx.get("days_silent", ctx.get("days"))
    since = _t(lang, f" seit {days} Tagen", f" for {days} days") if days else ""
    return Content(
        subject=_t(lang, "Zeit für einen informellen Austausch", "Time for an informal exchange"),
        paragraphs=[
            _t(
                lang,
                f"in der Kooperation „{_title(ctx)}“ gab es{since} keinen informellen Austausch.",
                f"there has been no informal exchange in the cooperation “{_title(ctx)}”{since}.",
            )
        ],
        facts=_coop_fact(ctx, lang),
        action=_t(
            lang,
            "Vertrauen wächst im Gespräch: Verabreden Sie ein Treffen oder eine gemeinsame Klausur.",
            "Trust grows in conversation: arrange a meeting or a joint retreat.",
        ),
    )


def conflict_overdue(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    days = ctx.get("days_open")
    facts = _conflict_facts(ctx, lang)
    if days is not None:
        facts.insert(
            1, (_t(lang, "Offen seit", "Open for"), _t(lang, f"{days} Tagen", f"{days} days"))
        )
    if ctx.get("level"):
        level = str(ctx["level"])
        facts.insert(
            1, (_t(lang, "Stufe", "Level"), _t(lang, *LEVEL_LABELS.get(level, (level, level))))
        )
    return Content(
        subject=_t(
            lang,
            f"Konflikt überfällig: bitte eskalieren ({subject})",
            f"Conflict overdue: please escalate ({subject})",
        ),
        paragraphs=[
            _t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{_title(ctx)}“ ist seit "
                f"{days} Tagen offen.",
                f"the conflict “{subject}” in the cooperation “{_title(ctx)}” has been open "
                f"for {days} days.",
            )
        ],
        facts=facts,
        action=_t(
            lang,
            "Bitte eskalieren Sie ihn auf die nächste Stufe oder halten Sie die Lösung fest.",
            "Please escalate it to the next level or record how it was settled.",
        ),
    )


def signoff_declined(ctx: Ctx, lang: Lang) -> Content:
    gate = trigger_label(ctx.get("gate", ""), lang)
    facts = [(_t(lang, "Schritt", "Step"), gate)]
    if ctx.get("note"):
        facts.append((_t(lang, "Anmerkung", "Note"), str(ctx["note"])))
    return Content(
        subject=_t(lang, f"Freigabe abgelehnt ({gate})", f"Sign-off declined ({gate})"),
        paragraphs=[
            _t(
                lang,
                f"für die Kooperation „{_title(ctx)}“ wurde die Freigabe des Schritts „{gate}“ "
                "abgelehnt.",
                f"the sign-off of the step “{gate}” for the cooperation “{_title(ctx)}” has "
                "been declined.",
            )
        ],
        facts=facts + _coop_fact(ctx, lang),
        action=_t(
            lang,
            "Bitte klären Sie die Bedenken im Gespräch mit der Bürgermeisterin oder dem "
            "Bürgermeister.",
            "Please talk the concerns through with the mayor.",
        ),
    )


def delivery_failed(ctx: Ctx, lang: Lang) -> Content:
    who = str(ctx.get("recipient_name") or "?")
    about_de = f" zur Kooperation „{_title(ctx)}“" if _title(ctx) else ""
    about_en = f" about the cooperation “{_title(ctx)}”" if _title(ctx) else ""
    facts = [
        (_t(lang, "Empfänger:in", "Recipient"), f"{who} <{ctx.get('recipient_email', '?')}>"),
        (_t(lang, "Antwort des Servers", "Server reply"), str(ctx.get("reply", ""))),
    ]
    if ctx.get("failed_subject"):
        facts.insert(1, (_t(lang, "Nachricht", "Message"), str(ctx["failed_subject"])))
    return Content(
        subject=_t(lang, f"Zustellung fehlgeschlagen: {who}", f"Delivery failed: {who}"),
        paragraphs=[
            _t(
                lang,
                f"eine Nachricht an {who}{about_de} konnte nicht zugestellt werden; der "
                "Mailserver hat sie endgültig abgewiesen.",
                f"a message to {who}{about_en} could not be delivered; the mail server "
                "refused it for good.",
            )
        ],
        facts=facts + _coop_fact(ctx, lang),
        action=_t(
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
    title = _title(ctx)
    facts = [(_t(lang, *label), str(ctx[k])) for k, label in GENERIC_FACTS.items() if ctx.get(k)]
    state = ctx.get("to_state") or ctx.get("state")
    if state:
        facts.append((_t(lang, "Phase", "Phase"), state_label(state, lang)))
    return Content(
        subject=_t(lang, "Neuigkeiten", "Update"),
        paragraphs=[
            _t(
                lang,
                f"es gibt Neuigkeiten zur Kooperation „{title}“.",
                f"there is news about the cooperation “{title}”.",
            )
            if title
            else _t(lang, "es gibt Neuigkeiten in ikz-flow.", "there is news in ikz-flow.")
        ],
        facts=facts + _coop_fact(ctx, lang),
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
    "signoff_requested": lambda ctx, lang: _signoff_ask(ctx, lang, reminder=False),
    "signoff_reminder": lambda ctx, lang: _signoff_ask(ctx, lang, reminder=True),
    "success_report_ready": success_report_ready,
    "silence_reminder": silence_reminder,
    "conflict_overdue": conflict_overdue,
    "signoff_declined": signoff_declined,
    "delivery_failed": delivery_failed,
}


def builders() -> dict[str, Callable[[Ctx, Lang], Content]]:
    """Every kind with its own text, calendar invitations included."""
    from ikz.mail.meeting_text import MEETING_BUILDERS

    return {**BUILDERS, **MEETING_BUILDERS}


def content_for(kind: str, ctx: Ctx, lang: Lang) -> Content:
    return builders().get(kind, generic)(ctx, lang)
