"""Domain errors: each carries a stable code and a German and English one-line message.

Pure (no I/O) so that every layer, from the state machine to the CLI, can raise and
render the same errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Language = Literal["de", "en"]


@dataclass(frozen=True)
class Message:
    """A user-facing text in both supported languages."""

    code: str
    de: str
    en: str

    def text(self, lang: Language = "de") -> str:
        return self.en if lang == "en" else self.de


class IkzError(Exception):
    """Base of every expected error: rendered as one clear line, never a traceback."""

    exit_code = 1

    def __init__(self, code: str, de: str, en: str, details: tuple[Message, ...] = ()) -> None:
        super().__init__(de)
        self.code = code
        self.de = de
        self.en = en
        self.details = details

    def text(self, lang: Language = "de") -> str:
        head = self.en if lang == "en" else self.de
        if not self.details:
            return head
        lines = [head] + [f"  - [{d.code}] {d.text(lang)}" for d in self.details]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("de")


class NotFoundError(IkzError):
    exit_code = 3


class InvalidInputError(IkzError):
    exit_code = 2


class InvalidTransitionError(IkzError):
    exit_code = 4


class GateRefusedError(IkzError):
    exit_code = 5


class StaleVersionError(IkzError):
    """Optimistic locking lost: someone else changed the cooperation first."""

    exit_code = 6


class PolicyRefusedError(IkzError):
    exit_code = 7


class IdempotencyConflictError(IkzError):
    exit_code = 8
