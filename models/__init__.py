"""Data: SQLModel tables, input schemas, engine and the narrow read/write functions.

Importing the package registers every table on SQLModel.metadata.
"""

from models.answers import AnswerLink
from models.audit import ConflictRecord, TransitionRecord
from models.chain import FactRecord
from models.cooperation import (
    Agreement,
    Communication,
    Conflict,
    Cooperation,
    Decision,
    Goal,
    Meeting,
    Partnership,
    Report,
    SignOff,
    SignOffRequest,
    StaffInvolvement,
    Success,
)
from models.council import CalendarImport, CouncilMeeting
from models.erasure import Erasure
from models.event_outbox import OutboxEvent
from models.founding import (
    AssessmentAnswer,
    FoundingChange,
    FoundingClause,
    FoundingEvent,
    FoundingPlan,
)
from models.funding import (
    CostShare,
    FundingActual,
    FundingApplication,
    FundingBaseline,
    FundingStep,
)
from models.gateway import ApiToken, GatewaySession, LoginLink
from models.health import HealthCheckRecord
from models.outbox import Notification, OutboxContext
from models.registry import Municipality, Person

__all__ = [
    "Agreement",
    "AnswerLink",
    "ApiToken",
    "AssessmentAnswer",
    "CalendarImport",
    "Communication",
    "Conflict",
    "ConflictRecord",
    "Cooperation",
    "CostShare",
    "CouncilMeeting",
    "Decision",
    "Erasure",
    "FactRecord",
    "FoundingChange",
    "FoundingClause",
    "FoundingEvent",
    "FoundingPlan",
    "FundingActual",
    "FundingApplication",
    "FundingBaseline",
    "FundingStep",
    "GatewaySession",
    "Goal",
    "HealthCheckRecord",
    "LoginLink",
    "Meeting",
    "Municipality",
    "Notification",
    "OutboxContext",
    "OutboxEvent",
    "Partnership",
    "Person",
    "Report",
    "SignOff",
    "SignOffRequest",
    "StaffInvolvement",
    "Success",
    "TransitionRecord",
]
