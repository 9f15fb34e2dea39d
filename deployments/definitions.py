"""The one list of deployments: the serve runner (`ikz up`) and prefect.yaml (work pools)
are both generated from it, so they cannot drift apart (a test checks the yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


ACTIONS: tuple[tuple[str, str], ...] = (
    ("register-municipality", "register_municipality"),
    ("register-person", "register_person"),
    ("open-cooperation", "open_cooperation"),
    ("set-partner", "set_partner"),
    ("advance-cooperation", "advance_cooperation"),
    ("record-goal", "record_goal"),
    ("record-benefit", "record_benefit"),
    ("record-meeting", "record_meeting"),
    ("record-agreement", "record_agreement"),
    ("record-staff-involvement", "record_staff"),
    ("record-communication", "record_communication"),
    ("record-success", "record_success"),
    ("record-decision", "record_decision"),
    ("choose-legal-form", "choose_legal_form"),
    ("record-signoff", "record_signoff"),
    ("raise-conflict", "raise_conflict"),
    ("escalate-conflict-now", "escalate_conflict_now"),
    ("resolve-conflict", "resolve_conflict"),
    ("schedule-conflict-session", "schedule_conflict_session"),
    ("close-conflict", "close_conflict"),
)

SPECS: tuple[Spec, ...] = (
    *(
        Spec(name, f"flows.actions:{fn}", "Aktion der Koordination", tags=("aktion",))
        for name, fn in ACTIONS
    ),
    Spec(
        "request-signoff",
        "flows.signoff:request_signoff",
        "Freigabe anfordern und abwarten",
        tags=("aktion",),
    ),
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
