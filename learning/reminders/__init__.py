"""Study reminders (学习提醒): rules evaluated on a schedule, queued as text messages.

Public interface: :func:`evaluate_all` (used by the scheduled task, ``send_reminders`` and
the benchmark) and the provider registry ``settings.REMINDER_SOURCES`` (see
:mod:`learning.reminders.sources`).

Inside: ``evaluation`` (rules -> queued messages), ``sources`` (who is due, per kind),
``preferences`` (a learner's own settings), ``manual`` (organisers' one-off sends),
``reports`` (delivery figures), ``api`` (``/api/v1/me/reminders``), ``views``/``urls``/``forms``
(the learner's settings page), ``admin`` (rules, templates, message log, report, schedules),
``baseline`` (permissions kept after migrate) and ``demo``. Sending is ``learning.sms``; the
scheduled entry points are ``learning.tasks``. Models: ``learning.models.reminders`` and
``learning.models.sms``.
"""

from learning.reminders.evaluation import evaluate_all

__all__ = ["evaluate_all"]
