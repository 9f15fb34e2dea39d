"""What conflict notifications say: raised, escalated, resolved, closed, overdue (the
escalation ladder of success factor 8)."""

from __future__ import annotations

from ikz.mail.text_common import (
    Content,
    Ctx,
    Lang,
    coop_fact,
    t,
    title_of,
)

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


def _conflict_facts(ctx: Ctx, lang: Lang) -> list[tuple[str, str]]:
    facts = [(t(lang, "Thema", "Subject"), str(ctx.get("subject", "")))]
    if ctx.get("conflict_id") is not None:
        facts.append((t(lang, "Konflikt", "Conflict"), f"#{ctx['conflict_id']}"))
    return facts + coop_fact(ctx, lang)


def conflict_raised(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    return Content(
        subject=t(lang, f"Konflikt gemeldet: {subject}", f"Conflict raised: {subject}"),
        paragraphs=[
            t(
                lang,
                f"in der Kooperation „{title_of(ctx)}“ wurde ein Konflikt gemeldet: „{subject}“.",
                f"a conflict has been raised in the cooperation “{title_of(ctx)}”: “{subject}”.",
            )
        ],
        facts=_conflict_facts(ctx, lang),
        action=t(
            lang,
            "Früh und offen angesprochen führen Konflikte oft zu besseren Ergebnissen. Bitte "
            "klären Sie ihn zuerst im Gespräch der festen Ansprechpersonen.",
            "Raised early and openly, conflicts often lead to better results. Please first "
            "settle it in a talk between the fixed contact persons.",
        ),
    )


def conflict_escalated(ctx: Ctx, lang: Lang) -> Content:
    level = str(ctx.get("level", ""))
    label = t(lang, *LEVEL_LABELS.get(level, (level, level)))
    subject = str(ctx.get("subject", ""))
    action = LEVEL_ACTIONS.get(level)
    return Content(
        subject=t(lang, f"Konflikt eskaliert: {label}", f"Conflict escalated: {label}"),
        paragraphs=[
            t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{title_of(ctx)}“ ist ungelöst und "
                f"jetzt auf der Stufe „{label}“.",
                f"the conflict “{subject}” in the cooperation “{title_of(ctx)}” is unresolved and "
                f"has moved up to “{label}”.",
            )
        ],
        facts=[(t(lang, "Stufe", "Level"), label), *_conflict_facts(ctx, lang)],
        action=t(lang, *action) if action else None,
    )


def conflict_resolved(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    facts = _conflict_facts(ctx, lang)
    if ctx.get("resolution"):
        facts.insert(1, (t(lang, "Lösung", "Resolution"), str(ctx["resolution"])))
    return Content(
        subject=t(lang, f"Konflikt gelöst: {subject}", f"Conflict resolved: {subject}"),
        paragraphs=[
            t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{title_of(ctx)}“ ist gelöst.",
                f"the conflict “{subject}” in the cooperation “{title_of(ctx)}” has been resolved.",
            )
        ],
        facts=facts,
    )


def conflict_closed(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    facts = _conflict_facts(ctx, lang)
    if ctx.get("reason"):
        facts.insert(1, (t(lang, "Begründung", "Reason"), str(ctx["reason"])))
    return Content(
        subject=t(
            lang,
            f"Konflikt ohne Lösung geschlossen: {subject}",
            f"Conflict closed unresolved: {subject}",
        ),
        paragraphs=[
            t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{title_of(ctx)}“ wurde ohne "
                "Lösung geschlossen. Die Koordination prüft, wie es mit der Kooperation "
                "weitergeht.",
                f"the conflict “{subject}” in the cooperation “{title_of(ctx)}” was closed "
                "without a resolution. The coordination will decide how the cooperation "
                "continues.",
            )
        ],
        facts=facts,
    )


def conflict_overdue(ctx: Ctx, lang: Lang) -> Content:
    subject = str(ctx.get("subject", ""))
    days = ctx.get("days_open")
    facts = _conflict_facts(ctx, lang)
    if days is not None:
        facts.insert(
            1, (t(lang, "Offen seit", "Open for"), t(lang, f"{days} Tagen", f"{days} days"))
        )
    if ctx.get("level"):
        level = str(ctx["level"])
        facts.insert(
            1, (t(lang, "Stufe", "Level"), t(lang, *LEVEL_LABELS.get(level, (level, level))))
        )
    return Content(
        subject=t(
            lang,
            f"Konflikt überfällig: bitte eskalieren ({subject})",
            f"Conflict overdue: please escalate ({subject})",
        ),
        paragraphs=[
            t(
                lang,
                f"der Konflikt „{subject}“ in der Kooperation „{title_of(ctx)}“ ist seit "
                f"{days} Tagen offen.",
                f"the conflict “{subject}” in the cooperation “{title_of(ctx)}” has been open "
                f"for {days} days.",
            )
        ],
        facts=facts,
        action=t(
            lang,
            "Bitte eskalieren Sie ihn auf die nächste Stufe oder halten Sie die Lösung fest.",
            "Please escalate it to the next level or record how it was settled.",
        ),
    )
