"""Who hears of a cooperation's lifecycle (opened, moved on, reported): shared by the
lifecycle, the opening of a cooperation and the success report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class _Partner(Protocol):
    @property
    def mayor_id(self) -> int | None: ...
    @property
    def contact_id(self) -> int | None: ...


def recipients_of(coordinator_id: int | None, parts: Iterable[_Partner]) -> list[int | None]:
    """Every partner's contact and mayor, and the coordinator."""
    people: list[int | None] = []
    for p in parts:
        people += [p.contact_id, p.mayor_id]
    people.append(coordinator_id)
    return people
