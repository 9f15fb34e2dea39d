"""The Kooperations-Check: one explainable traffic light per success factor, and overall.

Pure: a function of a snapshot, the time and the thresholds. Every colour comes with the
reasons that made it, in German and English, so a coordinator can see why and disagree.

Rules shared by all factors:
- A factor that does not apply yet in an early stage is green with a note saying so,
  except where the domain says to start early (communication from the start: yellow).
- A paused cooperation is judged by the stage it paused from; an ended one is not judged
  (no verdicts, shown as "–", and reviews store no history row for it).
- Overall (`overall_colour`): red if any factor is red, or if `yellow_to_red` or more
  factors are yellow (many small gaps add up); yellow if any factor is yellow; else green.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from states.errors import Language, Message
from states.health.factors_course import conflicts, long_term, pragmatism, visibility
from states.health.factors_people import common_ground, exchange, giving, leadership
from states.health.rules import (
    COLOUR_LABELS,
    FACTORS,
    MARKS,
    RANK,
    VALUES,
    Colour,
    Findings,
    HealthCheck,
    HealthRules,
    Verdict,
)
from states.lifecycle import State
from states.snapshot import CooperationSnapshot

# The members as plain module names: on Python 3.11 every `Colour.X` is a descriptor
# call, which the check's inner loops would repeat a million times in a sweep.
_GREEN, _YELLOW, _RED = Colour.GREEN, Colour.YELLOW, Colour.RED

CHECKS: dict[int, Callable[[CooperationSnapshot, datetime, HealthRules], Findings]] = {
    1: exchange,
    2: common_ground,
    3: giving,
    4: leadership,
    5: visibility,
    6: pragmatism,
    7: long_term,
    8: conflicts,
}


def overall_colour(verdicts: tuple[Verdict, ...], rules: HealthRules) -> Colour:
    colours = [v.colour for v in verdicts]
    reds, yellows = colours.count(_RED), colours.count(_YELLOW)
    if reds or (rules.yellow_to_red and yellows >= rules.yellow_to_red):
        return _RED
    return _YELLOW if yellows else _GREEN


def _summary(verdicts: tuple[Verdict, ...], overall: Colour) -> Message:
    colours = [v.colour for v in verdicts]
    reds, yellows = colours.count(_RED), colours.count(_YELLOW)
    de, en = COLOUR_LABELS[overall]
    return Message(
        f"overall_{overall.value}",
        f"Gesamt {de}: {reds} Faktor(en) rot, {yellows} gelb, {len(verdicts) - reds - yellows} grün.",
        f"Overall {en}: {reds} factor(s) red, {yellows} yellow, "
        f"{len(verdicts) - reds - yellows} green.",
    )


def check_health(
    snapshot: CooperationSnapshot, now: datetime, rules: HealthRules | None = None
) -> HealthCheck:
    """The Kooperations-Check of `snapshot` at `now`."""
    rules = rules or HealthRules()
    if snapshot.state == State.ENDED:
        ended = Message(
            "ended",
            "Kooperation beendet: nicht mehr bewertet.",
            "Cooperation ended: no longer assessed.",
        )
        # No verdicts: an ended cooperation is neither healthy nor at risk any more.
        return HealthCheck(snapshot.id, now, (), Colour.GREEN, ended)
    verdicts = tuple([check(snapshot, now, rules).verdict() for check in CHECKS.values()])
    overall = overall_colour(verdicts, rules)
    return HealthCheck(snapshot.id, now, verdicts, overall, _summary(verdicts, overall))


# --- plain values for views, artifacts and mails ------------------------------------------


def colour_label(colour: Colour | str, lang: Language = "de") -> str:
    de, en = COLOUR_LABELS[Colour(colour)]
    return en if lang == "en" else de


def as_view(check: HealthCheck, lang: Language = "de") -> dict[str, Any]:
    """JSON-ready, in one language: what `ikz coop check --json` and `show` print."""
    # An ended cooperation is not assessed: no colour at all, never "green".
    assessed = bool(check.verdicts)
    not_assessed = "not assessed" if lang == "en" else "nicht bewertet"
    return {
        "cooperation_id": check.cooperation_id,
        "at": check.at.isoformat(timespec="seconds"),
        "overall": check.overall.value if assessed else None,
        "overall_label": colour_label(check.overall, lang) if assessed else not_assessed,
        "mark": MARKS[check.overall] if assessed else "–",
        "summary": check.summary.text(lang),
        "summary_code": check.summary.code,
        "factors": [
            {
                "factor": v.factor,
                "name": v.name(lang),
                "colour": v.colour.value,
                "mark": MARKS[v.colour],
                "reasons": [{"code": m.code, "message": m.text(lang)} for m in v.reasons],
                "notes": [{"code": m.code, "message": m.text(lang)} for m in v.notes],
            }
            for v in check.verdicts
        ],
    }


def as_context(check: HealthCheck) -> dict[str, Any]:
    """Both languages, for an outbox row: overall, colours and the red/yellow reasons."""
    return {
        "overall": VALUES[check.overall],
        "colours": {str(v.factor): VALUES[v.colour] for v in check.verdicts},
        "concerns": [
            {
                "factor": v.factor,
                "name_de": FACTORS[v.factor][0],
                "name_en": FACTORS[v.factor][1],
                "colour": VALUES[v.colour],
                "code": m.code,
                "de": m.de,
                "en": m.en,
            }
            # Red factors first: they need attention before the yellow ones.
            for v in sorted(check.verdicts, key=lambda v: -RANK[v.colour])
            if v.colour is not Colour.GREEN
            for m in v.reasons
        ],
    }
