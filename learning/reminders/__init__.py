"""Study reminders (学习提醒): rules evaluated on a schedule, queued as text messages.

Public interface: :func:`evaluate_all` (used by the scheduled task, ``send_reminders`` and
the benchmark) and the provider registry ``settings.REMINDER_SOURCES`` (see
:mod:`learning.reminders.sources`).
"""

from learning.reminders.evaluation import evaluate_all

__all__ = ["evaluate_all"]
