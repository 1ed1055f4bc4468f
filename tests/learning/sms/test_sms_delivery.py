import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections

from learning.models import ReminderPreference, SmsMessage, SmsStatus
from learning.sms import RetryableSmsError
from learning.sms.backends import BaseSmsBackend, LocmemBackend, SendResult
from learning.sms.delivery import backoff, claim, deliver, queue, send_due, set_opt_out

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)


class AlwaysBusy(BaseSmsBackend):
    def send(self, message):
        raise RetryableSmsError("SYSTEM_BUSY")


@pytest.fixture
def busy_provider(settings):
    settings.SMS_BACKEND = "tests.learning.sms.test_sms_delivery.AlwaysBusy"


def queued(learner, key="k1", now=NOON):
    return queue(phone=learner.phone, body="测试", key=key, learner=learner, now=now)


def test_backoff_doubles_up_to_the_cap(settings):
    settings.SMS_RETRY_BASE_SECONDS, settings.SMS_RETRY_MAX_SECONDS = 60, 600
    assert [backoff(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_failures_back_off_then_fail_after_the_limit(learner, busy_provider, settings):
    settings.SMS_MAX_ATTEMPTS = 3
    queued(learner)
    moment, waits = NOON, []
    for _attempt in range(3):
        send_due(now=moment)
        message = SmsMessage.objects.get()
        if message.status == SmsStatus.QUEUED:
            waits.append(message.next_attempt_at - moment)
            moment = message.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2)]
    assert (message.status, message.attempts, message.last_error) == (
        SmsStatus.FAILED,
        3,
        "SYSTEM_BUSY",
    )
    assert message.failed_at == moment


def test_a_retry_never_falls_in_quiet_hours(learner, busy_provider):
    late = datetime(2026, 11, 25, 21, 29, 30, tzinfo=SHANGHAI)
    queued(learner, now=late)
    send_due(now=late)
    retry_at = SmsMessage.objects.get().next_attempt_at
    assert retry_at == datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI)


def test_message_not_yet_due_is_not_claimed(learner):
    queued(learner, now=datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI))
    assert claim(now=datetime(2026, 11, 26, 7, 59, tzinfo=SHANGHAI)) == []
    assert len(claim(now=datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI))) == 1


def test_message_stuck_in_sending_is_put_back_and_sent(learner, sms_outbox):
    queued(learner)
    claim(now=NOON)  # the worker that claimed it died
    assert send_due(now=NOON + timedelta(minutes=5)) == {}
    assert send_due(now=NOON + timedelta(minutes=11)) == {"delivered": 1}
    assert len(sms_outbox) == 1


def test_number_opted_out_after_queueing_gets_nothing(learner, sms_outbox):
    message = queued(learner)
    claim(now=NOON)
    set_opt_out(phone=learner.phone, opted_out=True, at=NOON)

    message.refresh_from_db()
    assert deliver(message, backend=LocmemBackend(), now=NOON) == SmsStatus.SUPPRESSED
    assert not sms_outbox
    assert SmsMessage.objects.get().reason == "opted_out"


def test_opting_out_suppresses_queued_messages(learner):
    queued(learner, now=datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI))
    set_opt_out(phone=learner.phone, opted_out=True)
    assert SmsMessage.objects.get().status == SmsStatus.SUPPRESSED


def test_queueing_the_same_key_twice_keeps_one_message(learner):
    first, second = queued(learner, key="same"), queued(learner, key="same")
    assert first.pk == second.pk and SmsMessage.objects.count() == 1


def test_learner_quiet_hours_are_their_own(learner):
    ReminderPreference.objects.create(user=learner, quiet_start=time(11), quiet_end=time(13))
    assert queued(learner).next_attempt_at == datetime(2026, 11, 25, 13, 0, tzinfo=SHANGHAI)


class CountingBackend(BaseSmsBackend):
    sent: list = []
    lock = threading.Lock()

    def send(self, message):
        with self.lock:
            self.sent.append(message.key)
        return SendResult(provider_message_id=message.key)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_send_a_message_twice(make_learner, settings):
    settings.SMS_BACKEND = "tests.learning.sms.test_sms_delivery.CountingBackend"
    CountingBackend.sent = []
    people = [make_learner(name=f"学员{i}") for i in range(20)]
    for index, person in enumerate(people * 5):
        queued(person, key=f"k{index}")
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        try:
            for _round in range(10):
                send_due(now=NOON, limit=7)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(CountingBackend.sent) == sorted(f"k{i}" for i in range(100))
    assert SmsMessage.objects.filter(status=SmsStatus.SENT).count() == 100
    assert set(SmsMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_slow_worker_whose_lease_expired_cannot_overwrite_the_outcome(learner, sms_outbox):
    queued(learner)
    (slow,) = claim(now=NOON)  # this worker stalls past its lease
    assert send_due(now=NOON + timedelta(minutes=11)) == {"delivered": 1}
    taken_over = SmsMessage.objects.get()

    class LateAnswer(BaseSmsBackend):
        def send(self, message):
            raise RetryableSmsError("late timeout")

    assert deliver(slow, backend=LateAnswer(), now=NOON + timedelta(minutes=12)) == "queued"
    message = SmsMessage.objects.get()
    assert (message.status, message.last_error) == (SmsStatus.DELIVERED, "")
    assert message.provider_message_id == taken_over.provider_message_id
    assert len(sms_outbox) == 1


def test_sends_interrupted_again_and_again_end_failed_not_retried_forever(
    learner, settings, sms_outbox
):
    settings.SMS_MAX_ATTEMPTS = 2
    queued(learner)
    claim(now=NOON)  # the worker dies
    assert send_due(now=NOON + timedelta(minutes=11), limit=0) == {}
    assert SmsMessage.objects.get().status == SmsStatus.QUEUED
    claim(now=NOON + timedelta(minutes=11))  # and dies again
    send_due(now=NOON + timedelta(minutes=22))
    message = SmsMessage.objects.get()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 2)
    assert message.last_error and not sms_outbox
