"""What every installation needs for reminders, restored after each migrate (and flush)."""

from __future__ import annotations

from learning.accounts.roles import ORGANISERS, grant

ORGANISER_PERMISSIONS = [
    "learning.view_reminderrule",
    "learning.add_reminderrule",
    "learning.change_reminderrule",
    "learning.delete_reminderrule",
    "learning.view_messagetemplate",
    "learning.change_messagetemplate",
    "learning.view_smsmessage",
    "learning.view_smsoptout",
]


def ensure_templates() -> None:
    from learning.models import MessageTemplate
    from learning.sms.text import DEFAULT_TEMPLATES

    existing = set(MessageTemplate.objects.values_list("kind", flat=True))
    MessageTemplate.objects.bulk_create(
        MessageTemplate(kind=kind, body=body)
        for kind, body in DEFAULT_TEMPLATES.items()
        if kind not in existing
    )


def ensure_reminder_baseline(**kwargs) -> None:
    from learning.tasks import ensure_schedules

    ensure_templates()
    ensure_schedules()
    grant(ORGANISERS, ORGANISER_PERMISSIONS)
