"""Models of the learner core, one module per topic, re-exported here."""

from .content_version import ContentVersion
from .organisations import Organisation
from .pages import HomePage
from .points import LedgerEntry, PointAction, PointPeriod, PointRule, PointTotal
from .profiles import LearnerProfile, Organiser
from .reminders import MessageTemplate, ReminderKind, ReminderPreference, ReminderRule
from .sms import SmsMessage, SmsOptOut, SmsStatus, SuppressReason
from .tokens import ApiToken
from .users import User

__all__ = [
    "ApiToken",
    "ContentVersion",
    "HomePage",
    "LedgerEntry",
    "MessageTemplate",
    "LearnerProfile",
    "Organisation",
    "Organiser",
    "PointAction",
    "PointPeriod",
    "PointRule",
    "PointTotal",
    "ReminderKind",
    "ReminderPreference",
    "ReminderRule",
    "SmsMessage",
    "SmsOptOut",
    "SmsStatus",
    "SuppressReason",
    "User",
]
