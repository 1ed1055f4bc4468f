"""The aliyun backend through the official SDK against a fake Aliyun that checks the ACS3
signature, action, version and parameters (bench/fake_sms_providers.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from bench.fake_sms_providers import FakeAliyun
from learning.models import MessageTemplate, SmsMessage, SmsOptOut, SmsProviderAlert, SmsStatus
from learning.reminders.demo import placeholder_codes
from learning.sms.callbacks import callback_token
from learning.sms.delivery import query_statuses, queue, send_due

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def aliyun(settings, db):
    settings.SMS_BACKEND = "aliyun"
    settings.ALIYUN_ACCESS_KEY_ID = "LTAI-test"
    settings.ALIYUN_ACCESS_KEY_SECRET = "aliyun-secret"
    settings.SMS_PROVIDER_PROTOCOL = "http"
    settings.SMS_HTTP_TIMEOUT = 1
    placeholder_codes()
    with FakeAliyun(access_key_id="LTAI-test", access_key_secret="aliyun-secret") as fake:
        settings.SMS_ALIYUN_ENDPOINT = fake.endpoint
        fake.clock = lambda: NOON
        yield fake


def reminder(learner, key="k1", kind="daily_practice", now=NOON, **context):
    return queue(
        phone=learner.phone,
        key=key,
        kind=kind,
        context={"name": learner.name, **context},
        learner=learner,
        now=now,
    )


def code_of(kind):
    return MessageTemplate.objects.get(kind=kind).aliyun_code


def test_a_reminder_is_sent_as_a_signed_template_send(learner, aliyun):
    reminder(learner, key="reminder:1:2:2026-11-25")
    assert send_due(now=NOON) == {"sent": 1}
    (request,) = [r for r in aliyun.requests if r.get("action")]
    assert request["headers"]["x-acs-version"] == "2017-05-25"
    (sent,) = aliyun.sent
    assert sent["template"] == code_of("daily_practice") and sent["sign"] == "社工学堂"
    assert sent["params"] == {"name": "李晓梅"} and sent["out_id"] == "reminder:1:2:2026-11-25"
    message = SmsMessage.objects.get()
    assert (message.provider, message.provider_message_id) == ("aliyun", sent["id"])


def test_several_reminders_of_one_template_go_in_one_batch_call(make_learner, aliyun):
    people = [make_learner(name=f"学员{i}") for i in range(3)]
    for index, person in enumerate(people):
        reminder(person, key=f"k{index}")
    assert send_due(now=NOON) == {"sent": 3}
    assert [r["action"] for r in aliyun.requests if r.get("action")] == ["SendBatchSms"]
    assert sorted(s["params"]["name"] for s in aliyun.sent) == ["学员0", "学员1", "学员2"]
    assert len(set(SmsMessage.objects.values_list("provider_message_id", flat=True))) == 1


def test_a_bad_number_fails_alone_and_the_rest_of_its_batch_is_sent(make_learner, aliyun):
    people = [make_learner(name=f"学员{i}") for i in range(3)]
    aliyun.invalid_numbers.add(people[1].phone)
    for index, person in enumerate(people):
        reminder(person, key=f"k{index}")
    assert send_due(now=NOON) == {"sent": 2, "failed": 1}
    failed = SmsMessage.objects.get(status=SmsStatus.FAILED)
    assert failed.phone == people[1].phone and failed.attempts == 1
    assert "isv.MOBILE_NUMBER_ILLEGAL" in failed.last_error
    assert send_due(now=NOON + timedelta(hours=1)) == {}  # not retried


def test_throttling_is_retried_with_backoff(learner, aliyun):
    aliyun.script = ["isv.BUSINESS_LIMIT_CONTROL"]
    reminder(learner)
    assert send_due(now=NOON) == {"queued": 1}
    message = SmsMessage.objects.get()
    assert message.next_attempt_at == NOON + timedelta(minutes=1)
    assert "BUSINESS_LIMIT_CONTROL" in message.last_error
    assert send_due(now=message.next_attempt_at) == {"sent": 1}
    assert SmsMessage.objects.get().attempts == 2


def test_an_aliyun_outage_is_retried(learner, aliyun):
    aliyun.script = ["http500", "Throttling.User"]
    reminder(learner)
    assert send_due(now=NOON) == {"queued": 1}
    assert send_due(now=NOON + timedelta(minutes=1)) == {"queued": 1}
    assert send_due(now=NOON + timedelta(minutes=3)) == {"sent": 1}


def test_wrong_credentials_stop_sending_and_alert_the_organisers(learner, aliyun, settings, client):
    settings.ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    reminder(learner, key="a")
    reminder(learner, key="b", kind="weekly_rank", rank=3, points=20)
    assert send_due(now=NOON) == {"halted": 1, "rate_limited": 1}
    assert set(SmsMessage.objects.values_list("status", "attempts")) == {("queued", 0)}
    alert = SmsProviderAlert.objects.get()
    assert (alert.provider, alert.code, alert.resolved_at) == (
        "aliyun",
        "SignatureDoesNotMatch",
        None,
    )
    admin = type(learner).objects.create_superuser(
        phone="13800000000", name="管理员", password="pw"
    )
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "短信服务商拒绝发送" in html and "SignatureDoesNotMatch" in html
    settings.ALIYUN_ACCESS_KEY_SECRET = "aliyun-secret"  # an organiser fixed the key
    assert send_due(now=NOON + timedelta(minutes=11)) == {"sent": 1, "rate_limited": 1}
    assert SmsProviderAlert.objects.get().resolved_at is not None


def test_exhausted_balance_halts_and_keeps_the_messages(learner, aliyun):
    aliyun.script = ["isv.AMOUNT_NOT_ENOUGH"]
    reminder(learner)
    assert send_due(now=NOON) == {"halted": 1}
    message = SmsMessage.objects.get()
    assert (message.status, message.attempts) == (SmsStatus.QUEUED, 0)
    assert message.next_attempt_at == NOON + timedelta(minutes=10)


def test_a_kind_without_a_code_for_aliyun_is_refused(learner, aliyun):
    MessageTemplate.objects.filter(kind="daily_practice").update(aliyun_code="")
    reminder(learner)
    assert send_due(now=NOON) == {"failed": 1}
    assert "没有aliyun的模板编号" in SmsMessage.objects.get().last_error
    assert not aliyun.sent


def test_the_deploy_check_lists_kinds_without_a_code(aliyun, settings):
    from django.core import checks

    MessageTemplate.objects.filter(kind="weekly_rank").update(aliyun_code="")
    warnings = [m for m in checks.run_checks() if m.id == "learning.W102"]
    assert len(warnings) == 1 and "weekly_rank" in warnings[0].msg


def test_the_per_number_limit_is_respected_before_sending(learner, aliyun):
    reminder(learner, key="a")
    reminder(learner, key="b", kind="weekly_rank", rank=3, points=20)
    assert send_due(now=NOON) == {"sent": 1, "rate_limited": 1}
    waiting = SmsMessage.objects.get(status=SmsStatus.QUEUED)
    assert waiting.attempts == 0 and waiting.next_attempt_at == NOON + timedelta(minutes=1)
    assert send_due(now=NOON + timedelta(seconds=30)) == {}
    assert send_due(now=NOON + timedelta(minutes=1)) == {"sent": 1}
    assert len(aliyun.sent) == 2


def test_a_timed_out_send_that_reached_aliyun_is_not_sent_twice(learner, aliyun):
    aliyun.script = ["timeout"]
    reminder(learner, key="reminder:9:1:2026-11-25")
    assert send_due(now=NOON) == {"queued": 1}
    assert SmsMessage.objects.get().outcome_unknown
    assert send_due(now=NOON + timedelta(minutes=1)) == {"sent": 1}
    assert len(aliyun.sent) == 1
    assert [r["action"] for r in aliyun.requests if r.get("action")] == [
        "SendSms",
        "QuerySendDetails",
    ]


def post_callback(client, kind, payload, token=None):
    token = token or callback_token("aliyun")
    return client.post(
        f"/api/v1/sms/callbacks/aliyun/{token}/{kind}", payload, content_type="application/json"
    )


def test_delivery_receipts_mark_messages_delivered_or_failed(make_learner, aliyun, client):
    good, bad = make_learner(name="甲"), make_learner(name="乙")
    aliyun.undeliverable.add(bad.phone)
    reminder(good, key="g")
    reminder(bad, key="b")
    send_due(now=NOON)
    response = post_callback(client, "report", aliyun.reports())
    assert response.status_code == 200 and response.json() == {"code": 0, "msg": "接收成功"}
    delivered = SmsMessage.objects.get(key="g")
    failed = SmsMessage.objects.get(key="b")
    assert (delivered.status, delivered.carrier_code) == (SmsStatus.DELIVERED, "DELIVERED")
    assert (failed.status, failed.carrier_code) == (SmsStatus.FAILED, "UNDELIV")


def test_a_callback_with_a_wrong_token_is_refused(learner, aliyun, client):
    reminder(learner)
    send_due(now=NOON)
    assert post_callback(client, "report", aliyun.reports(), token="0" * 32).status_code == 403
    assert SmsMessage.objects.get().status == SmsStatus.SENT


def test_a_callback_from_outside_the_allowed_networks_is_refused(learner, aliyun, client, settings):
    settings.SMS_CALLBACK_ALLOWED_NETWORKS = ["100.64.0.0/10"]
    assert post_callback(client, "report", []).status_code == 403
    settings.SMS_CALLBACK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert post_callback(client, "report", []).status_code == 200


def test_an_inbound_reply_reaches_the_opt_out_handling(learner, aliyun, client):
    payload = [
        {
            "phone_number": learner.phone,
            "send_time": "2026-11-25 12:05:00",
            "content": "TD。",
            "sign_name": "社工学堂",
            "dest_code": "1234",
            "sequence_id": 1234567890,
        }
    ]
    assert post_callback(client, "up", payload).status_code == 200
    assert SmsOptOut.objects.get(phone=learner.phone).opted_out


def test_the_status_query_fills_in_a_missing_receipt(learner, aliyun):
    reminder(learner)
    send_due(now=NOON)
    assert query_statuses(now=NOON + timedelta(minutes=10)) == 0  # too early to ask
    assert query_statuses(now=NOON + timedelta(minutes=31)) == 1
    assert SmsMessage.objects.get().status == SmsStatus.DELIVERED
    assert [r["action"] for r in aliyun.requests if r.get("action")][-1] == "QuerySendDetails"


def test_send_reminders_sends_each_due_reminder_once_as_template_sends(
    make_learner, aliyun, reminder_rule, client, settings
):
    settings.SMS_RATE_LIMITS = {"minute": 1, "hour": 5, "day": 10}
    reminder_rule("daily_practice", name="每日一练提醒")
    people = [make_learner(name=f"学员{i}") for i in range(4)]
    aliyun.invalid_numbers.add(people[3].phone)
    aliyun.script = ["isv.BUSINESS_LIMIT_CONTROL"]
    call_command("send_reminders")
    call_command("send_reminders")
    messages = SmsMessage.objects.filter(kind="daily_practice")
    assert messages.count() == 4
    for _sweep in range(3):
        send_due(now=max(messages.values_list("next_attempt_at", flat=True)) + timedelta(minutes=1))
    assert sorted(s["phone"] for s in aliyun.sent) == sorted(p.phone for p in people[:3])
    assert all(s["template"] == code_of("daily_practice") for s in aliyun.sent)
    bad = messages.get(phone=people[3].phone)
    assert bad.status == SmsStatus.FAILED and "MOBILE_NUMBER_ILLEGAL" in bad.last_error
    post_callback(client, "report", aliyun.reports())
    assert messages.filter(status=SmsStatus.DELIVERED).count() == 3
