"""Quiet hours (免打扰时段): messages due inside them wait for the window's end.

The default window, 21:30 to 08:00, crosses midnight: 23:00 waits for 08:00 the next
morning, 06:00 for 08:00 the same morning. A window that does not cross midnight
(12:00 to 14:00) works too; equal start and end means no quiet hours.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from learning.models.reminders import default_quiet_end, default_quiet_start

DEFAULT_WINDOW = (default_quiet_start(), default_quiet_end())


def quiet_window_end(moment: datetime, start: time, end: time) -> datetime | None:
    """When the quiet window containing ``moment`` ends, or None if it is not quiet."""
    if start == end:
        return None
    local = timezone.localtime(moment)
    clock = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        if not start <= clock < end:
            return None
        end_day = day
    elif clock >= start:
        end_day = day + timedelta(days=1)
    elif clock < end:
        end_day = day
    else:
        return None
    return timezone.make_aware(datetime.combine(end_day, end), local.tzinfo)


def first_allowed(moment: datetime, start: time, end: time) -> datetime:
    """``moment`` itself, or the end of the quiet window it falls into."""
    return quiet_window_end(moment, start, end) or moment


def windows_for(user_ids) -> dict[int, tuple[time, time]]:
    """Learners' own quiet windows (one query); learners not listed use the default."""
    from learning.models import ReminderPreference

    rows = ReminderPreference.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "quiet_start", "quiet_end"
    )
    return {user_id: (start, end) for user_id, start, end in rows}
