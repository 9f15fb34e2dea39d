"""What an answer page shows (`Question`) and what an answer did (`Outcome`), shared by
the purposes' readers and recorders (ikz.answers.record, ikz.answers.agreement)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Question:
    """What the page shows: in the person's language, nothing preselected."""

    purpose: str
    language: str
    person_name: str
    cooperation_title: str
    # (label, value) lines: the step, the municipality, who asks, until when.
    facts: list[tuple[str, str]]
    # The question itself, and what Yes and No mean.
    ask: str
    needs: str
    # The two answers, said in full (not just Yes/No).
    yes_label: str
    no_label: str
    still_open: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    purpose: str
    language: str
    approved: bool
    status: str
    # What the done page says happened.
    message: str
    # The Prefect run waiting for this answer, to resume (sign-offs).
    flow_run_id: str | None = None
    # The cooperation whose page shows the answer (written anew after it; a sign-off's
    # by its resumed run).
    cooperation_id: int | None = None


def t(lang: str, de: str, en: str) -> str:
    return en if lang == "en" else de


def when(value: datetime, lang: str) -> str:
    return value.date().isoformat() if lang == "en" else f"{value:%d.%m.%Y}"
