"""Manual reminders (learning.reminders.manual): caps, opt-outs, preferences, idempotency."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from learning.models import ReminderPreference, SmsMessage, SmsOptOut, SmsStatus
from learning.reminders.manual import remind_learners

BODY = "{name}您好，请尽快完成培训课程。"


def at(hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, 0)))


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.SMS_BACKEND = "locmem"


def test_queues_one_message_per_learner_with_signature_and_opt_out_line(learner, sms_outbox):
    counts = remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(10))
    assert counts == {"queued": 1}
    message = SmsMessage.objects.get(learner=learner)
    assert message.text == "【社工学堂】李晓梅您好，请尽快完成培训课程。回T退订"
    assert message.kind == "manual"


def test_the_same_batch_sends_nothing_twice(learner):
    remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(10))
    counts = remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(10))
    assert counts == {"already_sent": 1}
    assert SmsMessage.objects.count() == 1


def test_an_opted_out_number_is_logged_as_suppressed(learner):
    SmsOptOut.objects.create(phone=learner.phone)
    counts = remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(10))
    assert counts == {"opted_out": 1}
    assert SmsMessage.objects.get().status == SmsStatus.SUPPRESSED


def test_learners_who_turned_reminders_off_get_nothing(learner):
    ReminderPreference.objects.create(user=learner, enabled=False)
    counts = remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(10))
    assert counts == {"preference": 1}
    assert not SmsMessage.objects.exists()


def test_the_daily_cap_is_respected(learner, settings):
    settings.SMS_DAILY_CAP = 1
    remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(10))
    counts = remind_learners(learner_ids=[learner.pk], body=BODY, batch="b2", now=at(11))
    assert counts == {"daily_cap": 1}


def test_quiet_hours_defer_the_message_to_the_morning(learner):
    remind_learners(learner_ids=[learner.pk], body=BODY, batch="b1", now=at(23))
    message = SmsMessage.objects.get()
    assert timezone.localtime(message.next_attempt_at).time() == time(8, 0)
