from django.core.management import call_command

from learning.models import ReminderRule, SmsMessage, SmsStatus


def test_demo_has_rules_and_delivered_messages_and_is_idempotent(home_page, capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert ReminderRule.objects.count() == 7
    messages = SmsMessage.objects.filter(learner__phone="13800000001")
    # Three reminders and the 签到通知 of the two past trainings the learner attended.
    assert messages.count() == 5
    assert messages.filter(kind="checkin_notice").count() == 2
    assert set(messages.values_list("status", flat=True)) == {SmsStatus.DELIVERED}
    assert all(message.text.startswith("【社工学堂】李晓梅") for message in messages)
