"""The answers people gave the coordination from their mailbox (or recorded for them):
sign-offs asked for, benefit confirmations, agreements to a conflict's resolution, each
with the town, the answer and the note. Shown by `ikz coop show` and the cooperation's
page; the JSON keeps the machine values (codes, ISO time) beside the words."""

from __future__ import annotations

from typing import Any

from ikz.app import App
from ikz.views.local_time import local_time
from models.answers import Answered, answers_of
from models.cooperation import Cooperation
from models.queries import require
from states.errors import Language
from states.lifecycle import TRIGGER_LABELS, Trigger
from states.vocab import town_name

PURPOSE_LABELS: dict[str, tuple[str, str]] = {
    "signoff": ("Freigabe", "Sign-off"),
    "benefit": ("Nutzen bestätigen", "Benefit confirmation"),
    "conflict_agreement": ("Lösung eines Konflikts", "Conflict resolution"),
}
ANSWER_LABELS: dict[str, tuple[str, str]] = {"yes": ("Ja", "Yes"), "no": ("Nein", "No")}


def _t(pair: tuple[str, str], lang: Language) -> str:
    return pair[1] if lang == "en" else pair[0]


def about_text(a: Answered, lang: Language) -> str:
    """What was asked: the step of a sign-off, the stated benefit, the conflict."""
    if a.purpose == "signoff":
        try:
            return _t(TRIGGER_LABELS[Trigger(a.about)], lang)
        except ValueError:
            return a.about
    return a.about


def answers(app: App, cooperation_id: int, lang: Language = "de") -> list[dict[str, Any]]:
    with app.db.read() as s:
        require(s, Cooperation, cooperation_id)
        rows = answers_of(cooperation_id, session=s)
    return [
        {
            "purpose": a.purpose,
            "purpose_text": _t(PURPOSE_LABELS.get(a.purpose, (a.purpose, a.purpose)), lang),
            "about": a.about,
            "about_text": about_text(a, lang),
            "answer": a.answer,
            "answer_text": _t(ANSWER_LABELS.get(a.answer, (a.answer, a.answer)), lang),
            "note": a.note,
            "at": a.at.isoformat(timespec="seconds"),
            "at_text": local_time(a.at, lang),
            "person_id": a.person_id,
            "person": a.person_name,
            "municipality_id": a.municipality_id,
            "municipality": town_name(a.municipality_name, a.municipality_kind or "", lang)
            if a.municipality_name
            else None,
        }
        for a in rows
    ]
