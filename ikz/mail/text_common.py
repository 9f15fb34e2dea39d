"""What every notification text is made of: the Content a builder returns, the
language, and the helpers the topic modules (text_lifecycle, text_conflicts,
text_signoff, meeting_text) share. Builders read the context with `.get` so that a row
queued by an older or newer version still renders."""

from __future__ import annotations

from collections.abc import Mapping
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


def t(lang: Lang, de: str, en: str) -> str:
    return en if lang == "en" else de


def state_label(code: object, lang: Lang) -> str:
    try:
        de, en = STATE_LABELS[State(str(code))]
    except ValueError:
        return str(code)
    return t(lang, de, en)


def trigger_label(code: object, lang: Lang) -> str:
    try:
        de, en = TRIGGER_LABELS[Trigger(str(code))]
    except ValueError:
        return str(code)
    return t(lang, de, en)


def title_of(ctx: Ctx) -> str:
    return str(ctx.get("title") or "")


def coop_fact(ctx: Ctx, lang: Lang) -> list[tuple[str, str]]:
    cid = ctx.get("cooperation_id")
    return [(t(lang, "Kooperation", "Cooperation"), f"#{cid}")] if cid is not None else []


def municipality(ctx: Ctx, lang: Lang) -> str:
    """The town as the context names it ("Stadt Jena"), its id for rows queued without."""
    if lang == "en" and ctx.get("municipality_name_en"):
        return str(ctx["municipality_name_en"])
    if ctx.get("municipality_name"):
        return str(ctx["municipality_name"])
    mid = ctx.get("municipality_id")
    return (
        t(lang, f"Kommune #{mid}", f"municipality #{mid}")
        if mid
        else t(lang, "eine Partnerkommune", "a partner")
    )


def municipality_subject(ctx: Ctx, lang: Lang) -> str:
    """The town as a sentence's subject ("die Stadt Jena"), else as `municipality` names it."""
    key = "municipality_subject_en" if lang == "en" else "municipality_subject"
    if ctx.get(key):
        return str(ctx[key])
    return municipality(ctx, lang)


def date_text(value: object, lang: Lang) -> str:
    """An ISO date or datetime as 05.03.2026 (de) or 2026-03-05 (en); anything else as is."""
    try:
        day = datetime.fromisoformat(str(value)).date()
    except ValueError:
        return str(value)
    return day.isoformat() if lang == "en" else f"{day:%d.%m.%Y}"
