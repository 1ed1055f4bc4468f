"""A learner's reminder preferences: read with defaults, update with validation."""

from __future__ import annotations

from datetime import time

from django.db import transaction
from django.utils.translation import gettext as _

from learning.models import ReminderKind, ReminderPreference, SmsOptOut, User


def for_user(user: User) -> ReminderPreference:
    """The learner's preferences (unsaved defaults when they never changed them)."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


def as_dict(preference: ReminderPreference) -> dict:
    """The API.md shape, plus ``opted_out``: the number replied T/TD/退订 (nothing arrives)."""
    return {
        "enabled": preference.enabled,
        "quiet_start": preference.quiet_start.strftime("%H:%M"),
        "quiet_end": preference.quiet_end.strftime("%H:%M"),
        "kinds": {kind: preference.kinds.get(kind, True) is not False for kind in ReminderKind},
        "opted_out": SmsOptOut.objects.filter(phone=preference.user.phone, opted_out=True).exists(),
    }


class UnknownKind(ValueError):
    def __init__(self, kinds: set[str]):
        super().__init__(
            _("未知的提醒类型：%(kinds)s；可用：%(known)s")
            % {"kinds": "、".join(sorted(kinds)), "known": "、".join(ReminderKind.values)},
        )


@transaction.atomic
def update(
    *,
    user: User,
    enabled: bool,
    quiet_start: time,
    quiet_end: time,
    kinds: dict[str, bool],
) -> ReminderPreference:
    """Save the learner's settings; kinds not mentioned keep their current value."""
    unknown = set(kinds) - set(ReminderKind.values)
    if unknown:
        raise UnknownKind(unknown)
    preference, _created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    preference.enabled = enabled
    preference.quiet_start = quiet_start.replace(second=0, microsecond=0, tzinfo=None)
    preference.quiet_end = quiet_end.replace(second=0, microsecond=0, tzinfo=None)
    preference.kinds = {**preference.kinds, **{kind: bool(on) for kind, on in kinds.items()}}
    preference.save()
    return preference
