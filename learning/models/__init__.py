"""Models of the learner core, one module per topic, re-exported here."""

from .content_version import ContentVersion
from .deferred_tasks import DeferredTask
from .login_failures import LoginFailure
from .organisations import Organisation
from .pages import HomePage
from .points import LedgerEntry, PointAction, PointPeriod, PointRule, PointTotal
from .profiles import LearnerProfile, Organiser
from .reminders import (
    MESSAGE_KINDS,
    MessageTemplate,
    NoticeKind,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
)
from .sms import (
    SmsMessage,
    SmsOptOut,
    SmsProviderAlert,
    SmsStatus,
    SuppressReason,
    WebhookNonce,
)
from .sms_codes import RateLimitLock, SmsCode, SmsCodePurpose
from .tokens import ApiToken
from .users import User

__all__ = [
    "ApiToken",
    "ContentVersion",
    "DeferredTask",
    "HomePage",
    "LedgerEntry",
    "LoginFailure",
    "MESSAGE_KINDS",
    "MessageTemplate",
    "NoticeKind",
    "LearnerProfile",
    "Organisation",
    "Organiser",
    "PointAction",
    "PointPeriod",
    "PointRule",
    "PointTotal",
    "RateLimitLock",
    "ReminderKind",
    "ReminderPreference",
    "ReminderRule",
    "SmsCode",
    "SmsCodePurpose",
    "SmsMessage",
    "SmsOptOut",
    "SmsProviderAlert",
    "SmsStatus",
    "SuppressReason",
    "User",
    "WebhookNonce",
]
