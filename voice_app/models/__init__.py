"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from voice_app.models.audit import AuditEvent
from voice_app.models.base import utcnow
from voice_app.models.feedback import FeedbackLink, ParentDraft, ParentResponse, ResponseSource
from voice_app.models.people import Child, Role, StaffUser
from voice_app.models.reports import ReportMonth
from voice_app.models.reviews import (
    STAGES_FOR_KIND,
    ChairRole,
    MeetingFormat,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Visit,
    VisitMethod,
    VisitStatus,
)
from voice_app.models.statements import (
    Answer,
    AnswerChoice,
    AnswerReceipt,
    ChildResponse,
    DecisionOutcome,
    FlowVersion,
    Handover,
    MenuDecision,
    Sharing,
    Statement,
    StatementEnd,
)

__all__ = [
    "STAGES_FOR_KIND",
    "Answer",
    "AnswerChoice",
    "AnswerReceipt",
    "AuditEvent",
    "ChairRole",
    "Child",
    "ChildResponse",
    "DecisionOutcome",
    "FeedbackLink",
    "FlowVersion",
    "Handover",
    "MeetingFormat",
    "MenuDecision",
    "ParentDraft",
    "ParentResponse",
    "ReportMonth",
    "ResponseSource",
    "Review",
    "ReviewKind",
    "ReviewStage",
    "ReviewStatus",
    "Role",
    "Sharing",
    "StaffUser",
    "Statement",
    "StatementEnd",
    "Visit",
    "VisitMethod",
    "VisitStatus",
    "utcnow",
]
