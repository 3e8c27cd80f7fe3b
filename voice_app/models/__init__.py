"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from voice_app.models.audit import AuditEvent
from voice_app.models.base import utcnow
from voice_app.models.feedback import Agency, FeedbackLink, ParentDraft, ParentResponse, RespondentKind, ResponseSource
from voice_app.models.mail import OutboxEmail, OutboxStatus
from voice_app.models.mfa import AuthenticatorApp, RecoveryCode, SecondFactorPolicy, SecondFactorRule
from voice_app.models.participation import DFE_PARTICIPATED, LateReason, Participation, VisitPurpose
from voice_app.models.people import Child, Role, StaffUser
from voice_app.models.phone import (
    IroAway,
    MessageKind,
    PhoneDevice,
    PhoneEnd,
    PhoneMessage,
    PhonePairing,
    Safety,
    SafetyAlert,
    SecretKind,
)
from voice_app.models.practitioners import PractitionerInvitation, Profession
from voice_app.models.profiles import IntroLetter, IroProfile, ServiceContact
from voice_app.models.records import ErasureRequest
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
from voice_app.models.sessions import SignInThrottle, StaffSession
from voice_app.models.sso import SsoApproval, SsoIdentity, SsoProvider, SsoSession
from voice_app.models.statements import (
    Answer,
    AnswerChoice,
    AnswerReceipt,
    AttentionAction,
    ChildResponse,
    DecisionOutcome,
    FlowVersion,
    GivenVia,
    Handover,
    MenuDecision,
    Sharing,
    Statement,
    StatementEnd,
)

__all__ = [
    "DFE_PARTICIPATED",
    "STAGES_FOR_KIND",
    "Agency",
    "Answer",
    "AnswerChoice",
    "AttentionAction",
    "AnswerReceipt",
    "AuditEvent",
    "AuthenticatorApp",
    "ChairRole",
    "Child",
    "ChildResponse",
    "DecisionOutcome",
    "ErasureRequest",
    "FeedbackLink",
    "FlowVersion",
    "GivenVia",
    "Handover",
    "LateReason",
    "IntroLetter",
    "IroAway",
    "IroProfile",
    "MeetingFormat",
    "MenuDecision",
    "MessageKind",
    "PhoneDevice",
    "PhoneEnd",
    "PhoneMessage",
    "PhonePairing",
    "Safety",
    "SafetyAlert",
    "SecretKind",
    "OutboxEmail",
    "OutboxStatus",
    "ParentDraft",
    "ParentResponse",
    "RespondentKind",
    "PractitionerInvitation",
    "Profession",
    "Participation",
    "ReportMonth",
    "ResponseSource",
    "RecoveryCode",
    "Review",
    "ReviewKind",
    "ReviewStage",
    "ReviewStatus",
    "Role",
    "SecondFactorPolicy",
    "SecondFactorRule",
    "ServiceContact",
    "Sharing",
    "SignInThrottle",
    "SsoApproval",
    "SsoIdentity",
    "SsoProvider",
    "SsoSession",
    "StaffSession",
    "StaffUser",
    "Statement",
    "StatementEnd",
    "Visit",
    "VisitMethod",
    "VisitPurpose",
    "VisitStatus",
    "utcnow",
]
