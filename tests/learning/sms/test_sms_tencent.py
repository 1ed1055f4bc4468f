"""The tencent backend through the official SDK against a fake Tencent Cloud SMS API that
checks the TC3-HMAC-SHA256 signature, action, version, region and parameters."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bench.fake_sms_providers import FakeTencent
from learning.models import MessageTemplate, SmsMessage, SmsOptOut, SmsProviderAlert, SmsStatus
from learning.reminders.demo import placeholder_codes
from learning.sms.callbacks import callback_token
from learning.sms.delivery import query_statuses, queue, send_due
from learning.sms.templates import provider_text

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def tencent(settings, db):
    settings.SMS_BACKEND = "tencent"
    settings.TENCENT_SECRET_ID = "AKID-test"
    settings.TENCENT_SECRET_KEY = "tencent-secret"
    settings.TENCENT_SMS_SDK_APP_ID = "1400000001"
    settings.SMS_PROVIDER_PROTOCOL = "http"
    settings.SMS_HTTP_TIMEOUT = 1
    placeholder_codes()
    with FakeTencent(
        secret_id="AKID-test", secret_key="tencent-secret", app_id="1400000001"
    ) as fake:
        settings.SMS_TENCENT_ENDPOINT = fake.endpoint
        fake.clock = lambda: NOON
        yield fake


def reminder(learner, key="k1", kind="exam_countdown", **context):
    context = {"name": learner.name, "exam_date": "2027年6月13日", "days_left": 30, **context}
    return queue(
        phone=learner.phone, key=key, kind=kind, context=context, learner=learner, now=NOON
    )


def actions(fake):
    return [r["action"] for r in fake.requests if r.get("action")]


def test_a_reminder_goes_with_positional_parameters_in_the_bodys_order(learner, tencent):
    reminder(learner, key="reminder:3:1:d30")
    assert send_due(now=NOON) == {"sent": 1}
    (request,) = [r for r in tencent.requests if r.get("action")]
    assert request["headers"]["x-tc-version"] == "2021-01-11"
    assert request["headers"]["x-tc-region"] == "ap-guangzhou"
    params = request["params"]
    assert params["PhoneNumberSet"] == [f"+86{learner.phone}"]
    assert params["TemplateParamSet"] == ["李晓梅", "2027年6月13日", "30"]
    assert params["SignName"] == "社工学堂" and params["SessionContext"] == "reminder:3:1:d30"
    message = SmsMessage.objects.get()
    assert message.provider_message_id == tencent.sent[0]["id"]


def test_the_template_submitted_to_tencent_numbers_the_variables():
    body = "{name}您好，距{exam_date}考试还有{days_left}天，{name}加油！"
    assert provider_text(body, "exam_countdown", "tencent") == (
        "{1}您好，距{2}考试还有{3}天，{1}加油！回T退订"
    )
    assert provider_text(body, "exam_countdown", "aliyun").startswith("${name}您好，距${exam_date}")


def test_one_call_with_a_bad_number_fails_only_that_number(make_learner, tencent):
    # Same name, same variables: one SendSms for both numbers.
    first, second = make_learner(name="王芳"), make_learner(name="王芳")
    tencent.invalid_numbers.add(second.phone)
    reminder(first, key="a")
    reminder(second, key="b")
    assert send_due(now=NOON) == {"sent": 1, "failed": 1}
    assert actions(tencent) == ["SendSms"]
    failed = SmsMessage.objects.get(key="b")
    assert "InvalidParameterValue.IncorrectPhoneNumber" in failed.last_error


def test_a_per_number_limit_answer_is_retried(learner, tencent):
    tencent.script = [f"number:LimitExceeded.PhoneNumberOneHourLimit:{learner.phone}"]
    reminder(learner)
    assert send_due(now=NOON) == {"queued": 1}
    assert send_due(now=NOON + timedelta(minutes=1)) == {"sent": 1}


def test_an_unknown_internal_error_is_retried(learner, tencent):
    tencent.script = ["request:InternalError.SomethingNew"]
    reminder(learner)
    assert send_due(now=NOON) == {"queued": 1}


def test_bad_credentials_halt_and_alert(learner, tencent, settings):
    settings.TENCENT_SECRET_KEY = "wrong"
    reminder(learner)
    assert send_due(now=NOON) == {"halted": 1}
    assert SmsProviderAlert.objects.get().code == "AuthFailure.SignatureFailure"
    assert SmsMessage.objects.get().attempts == 0


def test_an_unapproved_template_fails_the_message(learner, tencent):
    MessageTemplate.objects.filter(kind="exam_countdown").update(tencent_code="999")
    reminder(learner)
    assert send_due(now=NOON) == {"failed": 1}
    assert "TemplateIncorrectOrUnapproved" in SmsMessage.objects.get().last_error


def callback(client, kind, payload, token=None):
    token = token or callback_token("tencent")
    return client.post(
        f"/api/v1/sms/callbacks/tencent/{token}/{kind}", payload, content_type="application/json"
    )


def test_status_callbacks_mark_messages(make_learner, tencent, client):
    good, bad = make_learner(name="甲"), make_learner(name="乙")
    tencent.undeliverable.add(bad.phone)
    reminder(good, key="g")
    reminder(bad, key="b")
    send_due(now=NOON)
    response = callback(client, "status", tencent.reports())
    assert response.json() == {"result": 0, "errmsg": "OK"}
    assert SmsMessage.objects.get(key="g").status == SmsStatus.DELIVERED
    failed = SmsMessage.objects.get(key="b")
    assert (failed.status, failed.carrier_code) == (SmsStatus.FAILED, "UNDELIV")


def test_a_reply_opts_the_number_out(learner, tencent, client):
    payload = {
        "extend": "",
        "mobile": learner.phone,
        "nationcode": "86",
        "sign": "社工学堂",
        "text": "Ｔ",
        "time": 1764043200,
    }
    assert callback(client, "reply", payload).json() == {"result": 0, "errmsg": "OK"}
    assert SmsOptOut.objects.get(phone=learner.phone).opted_out


def test_status_pull_fills_in_a_missing_receipt(learner, tencent):
    reminder(learner)
    send_due(now=NOON)
    assert query_statuses(now=NOON + timedelta(minutes=31)) == 1
    assert SmsMessage.objects.get().status == SmsStatus.DELIVERED
    assert actions(tencent)[-1] == "PullSmsSendStatusByPhoneNumber"


def test_login_codes_go_at_night_and_carry_no_opt_out_line(learner, tencent):
    night = datetime(2026, 11, 25, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    message = queue(
        phone=learner.phone,
        key="code:1",
        kind="login_code",
        context={"code": "386214", "minutes": 5},
        now=night,
    )
    assert message.next_attempt_at == night and not message.text.endswith("回T退订")
    assert send_due(now=night) == {"sent": 1}
    assert tencent.sent[0]["params"] == ["386214", "5"]
