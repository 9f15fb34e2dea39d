"""The one list of deployments: the serve runner (`ikz up`) and prefect.yaml (work pools)
are both generated from it, so they cannot drift apart (a test checks the yaml). The
actions' deployments come from the action registry (ikz.registry); the follow-ups and
schedules are declared here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ikz.forms import description
from ikz.registry import ACTIONS

ENTERED_ANY = "ikz.cooperation.entered.*"
CONFLICT_RAISED = "ikz.conflict.raised"
NOTIFICATIONS_QUEUED = "ikz.notifications.queued"


@dataclass(frozen=True)
class Trigger:
    name: str
    expect: tuple[str, ...]
    match_resource: str
    parameters: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": "event",
            "name": self.name,
            "enabled": True,
            "match": {"prefect.resource.id": self.match_resource},
            "expect": list(self.expect),
            "posture": "Reactive",
            "threshold": 1,
            "within": 0,
            "parameters": self.parameters,
        }


@dataclass(frozen=True)
class Spec:
    name: str
    entrypoint: str  # module:function
    description: str
    triggers: tuple[Trigger, ...] = ()
    interval_seconds: int | None = None
    cron: str | None = None
    tags: tuple[str, ...] = ()
    # At most this many runs at once; a run that finds the limit reached is cancelled
    # (Prefect's CANCEL_NEW) before a worker starts a process for it.
    single: bool = False


SPECS: tuple[Spec, ...] = (
    # Every coordinator action of the registry, with its own description.
    *(Spec(a.name, a.entrypoint, description(a), tags=("aktion", *a.tags)) for a in ACTIONS),
    Spec(
        "review-cooperation",
        "flows.followups:review_cooperation",
        "Prüfung bei jedem Zustandswechsel",
        triggers=(
            Trigger(
                "bei-zustandswechsel",
                (ENTERED_ANY,),
                "ikz.cooperation.*",
                {"cooperation_id": "{{ event.payload.cooperation_id }}"},
            ),
        ),
        tags=("folge",),
    ),
    Spec(
        "escalate-conflict",
        "flows.followups:escalate_conflict",
        "Gemeldeten Konflikt eskalieren",
        triggers=(
            Trigger(
                "bei-konfliktmeldung",
                (CONFLICT_RAISED,),
                "ikz.conflict.*",
                {"conflict_id": "{{ event.payload.conflict_id }}"},
            ),
        ),
        tags=("folge",),
    ),
    Spec(
        "escalate-conflicts",
        "flows.conflicts:escalate_conflicts",
        "Überfällige Konflikte stündlich und nach jeder Meldung eskalieren",
        interval_seconds=3600,
        triggers=(Trigger("nach-konfliktmeldung", (CONFLICT_RAISED,), "ikz.conflict.*"),),
        tags=("zeitplan",),
    ),
    Spec(
        "success-report",
        "flows.followups:success_report",
        "Erfolgsbericht bei Evaluation und Verstetigung",
        triggers=(
            Trigger(
                "bei-evaluation-oder-verstetigung",
                ("ikz.cooperation.entered.evaluation", "ikz.cooperation.entered.permanent"),
                "ikz.cooperation.*",
                {"cooperation_id": "{{ event.payload.cooperation_id }}"},
            ),
        ),
        tags=("folge",),
    ),
    Spec(
        "review-portfolio",
        "flows.portfolio:review_portfolio",
        "Tägliche Portfolio-Prüfung",
        cron="0 6 * * *",
        tags=("zeitplan",),
    ),
    Spec(
        "refresh-dashboards",
        "flows.dashboards:refresh_dashboards",
        "Portfolio-Übersicht stündlich aktualisieren (große Portfolios)",
        interval_seconds=3600,
        tags=("zeitplan",),
    ),
    Spec(
        "dispatch-notifications",
        "flows.portfolio:dispatch_notifications",
        "E-Mails versenden (minütlich und nach Änderungen)",
        interval_seconds=60,
        # Debounced: one dispatcher at a time, and the events of a burst of changes
        # (each one triggers it) cost no process each. A run sends everything due and
        # looks again before it ends (flows.portfolio), so what a cancelled run would
        # have sent goes with the running one or with the next minute's.
        single=True,
        triggers=(
            Trigger(
                "nach-aenderungen",
                (ENTERED_ANY, CONFLICT_RAISED, NOTIFICATIONS_QUEUED),
                "ikz.*",
            ),
        ),
        tags=("zeitplan",),
    ),
)


def spec(name: str) -> Spec:
    for s in SPECS:
        if s.name == name:
            return s
    raise KeyError(name)
