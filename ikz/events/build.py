"""What a change's Prefect event names and relates, built inside the use case's
transaction from the rows it already read (no query of its own: a lifecycle transition
pays only the outbox INSERT, models.event_outbox.record_event).

The names are what deployments/definitions.py's triggers expect:
`ikz.cooperation.entered.<state>` and `ikz.conflict.raised`.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.event_outbox import EventDraft


def entered(
    *,
    cooperation_id: int,
    title: str,
    municipality_ids: Iterable[int],
    actor_id: int | None,
    from_state: str | None,
    to_state: str,
    trigger: str,
    version: int,
) -> EventDraft:
    """A cooperation entered `to_state` (opened: from None by 'open')."""
    related = [
        {"prefect.resource.id": f"ikz.municipality.{m}", "prefect.resource.role": "partner"}
        for m in municipality_ids
    ]
    if actor_id:
        related.append(
            {"prefect.resource.id": f"ikz.person.{actor_id}", "prefect.resource.role": "actor"}
        )
    return EventDraft(
        name=f"ikz.cooperation.entered.{to_state}",
        resource={
            "prefect.resource.id": f"ikz.cooperation.{cooperation_id}",
            "prefect.resource.name": title,
        },
        related=related,
        payload={
            "cooperation_id": cooperation_id,
            "from_state": from_state,
            "to_state": to_state,
            "trigger": trigger,
            "version": version,
        },
        cooperation_id=cooperation_id,
    )


def conflict_raised(
    *, conflict_id: int, subject: str, cooperation_id: int, title: str, raised_by: int
) -> EventDraft:
    return EventDraft(
        name="ikz.conflict.raised",
        resource={
            "prefect.resource.id": f"ikz.conflict.{conflict_id}",
            "prefect.resource.name": subject,
        },
        related=[
            {
                "prefect.resource.id": f"ikz.cooperation.{cooperation_id}",
                "prefect.resource.role": "cooperation",
                "prefect.resource.name": title,
            },
            {"prefect.resource.id": f"ikz.person.{raised_by}", "prefect.resource.role": "actor"},
        ],
        payload={"conflict_id": conflict_id, "cooperation_id": cooperation_id},
        cooperation_id=cooperation_id,
        conflict_id=conflict_id,
    )
