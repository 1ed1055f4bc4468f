"""Delivery guarantees of evaluated reminders: idempotency, quiet hours, cap, opt-out."""

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections
from django_q.models import Schedule

from learning.models import ReminderPreference, SmsMessage, SmsStatus
from learning.reminders import evaluate_all
from learning.sms.delivery import send_due, set_opt_out
from learning.tasks import SCHEDULES, send_messages

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def daily(reminder_rule):
    return reminder_rule("daily_practice")


def test_evaluating_twice_queues_each_message_once(learner, daily):
    assert evaluate_all(now=NOON)["queued"] == 1
    counts = evaluate_all(now=NOON + timedelta(minutes=10))
    assert counts.get("queued", 0) == 0 and counts["already_sent"] == 1
    assert SmsMessage.objects.count() == 1


def test_a_retried_send_task_sends_once(learner, daily, sms_outbox):
    evaluate_all(now=NOON)
    keys = list(SmsMessage.objects.values_list("key", flat=True))
    send_messages(keys)
    send_messages(keys)
    assert len(sms_outbox) == 1


def test_each_batch_is_sent_after_it_commits(
    learner, daily, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        evaluate_all(now=NOON)
    assert len(callbacks) == 1 and len(sms_outbox) == 1
    assert SmsMessage.objects.get().status == SmsStatus.DELIVERED


@pytest.mark.parametrize(
    ("evaluated", "sent"),
    [
        (at(25, 22, 30), at(26, 8)),  # before midnight: the next morning
        (at(26, 6, 15), at(26, 8)),  # after midnight: the same morning
        (at(25, 21, 29), at(25, 21, 29)),  # just before quiet hours: at once
        (at(26, 8), at(26, 8)),  # the window's end is no longer quiet
    ],
)
def test_quiet_hours_defer_across_midnight(learner, daily, evaluated, sent):
    evaluate_all(now=evaluated)
    message = SmsMessage.objects.get()
    assert message.next_attempt_at == sent
    assert message.send_date == sent.date()


def test_deferred_message_goes_out_when_quiet_hours_end(learner, daily, sms_outbox):
    evaluate_all(now=at(25, 23))
    assert send_due(now=at(26, 7, 59)) == {}
    assert send_due(now=at(26, 8)) == {"delivered": 1}
    assert len(sms_outbox) == 1


def test_learner_adjusted_quiet_hours_apply(learner, daily):
    ReminderPreference.objects.create(user=learner, quiet_start=time(11), quiet_end=time(13, 30))
    evaluate_all(now=NOON)
    assert SmsMessage.objects.get().next_attempt_at == at(25, 13, 30)


def test_daily_cap_keeps_the_higher_priority_reminders(learner, reminder_rule):
    for priority in (4, 1, 3, 2):
        reminder_rule("daily_practice", name=f"规则{priority}", priority=priority)
    counts = evaluate_all(now=NOON)
    assert (counts["queued"], counts["daily_cap"]) == (3, 1)
    capped = SmsMessage.objects.get(status=SmsStatus.SUPPRESSED)
    assert (capped.rule.name, capped.reason) == ("规则4", "daily_cap")


def test_daily_cap_counts_messages_queued_earlier_that_day(learner, reminder_rule, settings):
    settings.SMS_DAILY_CAP = 1
    reminder_rule("daily_practice", name="早")
    evaluate_all(now=at(25, 9))
    reminder_rule("daily_practice", name="晚")
    evaluate_all(now=at(25, 18))
    assert SmsMessage.objects.get(rule__name="晚").reason == "daily_cap"
    evaluate_all(now=at(26, 9))
    next_day = SmsMessage.objects.filter(send_date=at(26, 9).date(), status=SmsStatus.QUEUED)
    assert next_day.count() == 1


def test_opted_out_number_is_suppressed_with_the_reason(learner, daily, sms_outbox):
    set_opt_out(phone=learner.phone, opted_out=True)
    assert evaluate_all(now=NOON)["opted_out"] == 1
    message = SmsMessage.objects.get()
    assert (message.status, message.reason) == (SmsStatus.SUPPRESSED, "opted_out")
    send_due(now=NOON)
    assert not sms_outbox


def test_learner_who_turned_a_kind_off_is_not_reminded_of_it(learner, make_learner, daily):
    ReminderPreference.objects.create(user=learner, kinds={"daily_practice": False})
    quiet = make_learner(name="不要提醒")
    ReminderPreference.objects.create(user=quiet, enabled=False)
    make_learner(name="要提醒")
    evaluate_all(now=NOON)
    assert list(SmsMessage.objects.values_list("learner__name", flat=True)) == ["要提醒"]


def test_dry_run_lists_what_would_be_sent_and_stores_nothing(learner, daily, capsys):
    call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert learner.masked_phone in out and learner.phone not in out
    assert "今天还没有完成每日一练" in out and "【社工学堂】" in out
    assert not SmsMessage.objects.exists()


def test_send_reminders_queues_the_messages(learner, daily, capsys):
    call_command("send_reminders")
    assert SmsMessage.objects.count() == 1
    assert "已排队：排队发送 1，已提醒过 0，已评估的规则 1，写入批次 1" in capsys.readouterr().out


def test_send_reminders_is_english_when_english_is_chosen(learner, daily, capsys):
    """The dry-run listing and the summary: statuses and counts as labels, in English."""
    from django.utils import translation

    from tests.chinese import chinese_in

    with translation.override("en"):
        call_command("send_reminders", "--dry-run")
        call_command("send_reminders")
    out = capsys.readouterr().out
    listing, summary = out.splitlines()[0], out.splitlines()[-1]
    assert listing.startswith(f"[Queued] {learner.masked_phone} ")
    assert summary == "Queued: queued 1, already reminded 0, rules evaluated 1, batches written 1"
    assert "Dry run (nothing sent): queued 1, already reminded 0, rules evaluated 1" in out
    # The rule's name and the text sent are the organiser's own words, left as written.
    assert chinese_in(summary) == []


def test_schedules_exist_after_migrate_and_are_not_duplicated(db):
    from learning.tasks import ensure_schedules

    ensure_schedules()
    names = list(Schedule.objects.filter(name__in=SCHEDULES).values_list("name", flat=True))
    assert sorted(names) == sorted(SCHEDULES)


def test_each_batch_enqueues_its_own_send(
    make_learner, daily, monkeypatch, django_capture_on_commit_callbacks, sms_outbox
):
    monkeypatch.setattr("learning.reminders.evaluation.BATCH_SIZE", 2)
    for index in range(5):
        make_learner(name=f"学员{index}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = evaluate_all(now=NOON)
    assert counts["batches"] == 3 and len(callbacks) == 3
    assert len(sms_outbox) == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_evaluations_queue_each_message_once(make_learner, reminder_rule):
    reminder_rule("daily_practice")
    for index in range(30):
        make_learner(name=f"学员{index}")
    barrier = threading.Barrier(3)

    def worker():
        barrier.wait()
        try:
            evaluate_all(now=NOON)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SmsMessage.objects.count() == 30


def test_kind_turned_off_while_deferred_is_not_sent(learner, daily, sms_outbox):
    evaluate_all(now=at(25, 23))
    ReminderPreference.objects.create(user=learner, kinds={"daily_practice": False})
    assert send_due(now=at(26, 8)) == {"suppressed": 1}
    assert SmsMessage.objects.get().reason == "preference" and not sms_outbox


def test_dry_run_at_a_given_time(learner, reminder_rule, capsys):
    reminder_rule("daily_practice", send_time=time(19, 0))
    call_command("send_reminders", "--dry-run", "--at", "2026-11-25T18:00")
    assert "未到发送时间的规则 1" in capsys.readouterr().out
    call_command("send_reminders", "--dry-run", "--at", "2026-11-25T22:00")
    out = capsys.readouterr().out
    assert "11-26 08:00" in out  # deferred past quiet hours
    assert not SmsMessage.objects.exists()


def test_unreadable_time_is_a_command_error(db):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--at", "tomorrow-ish")
