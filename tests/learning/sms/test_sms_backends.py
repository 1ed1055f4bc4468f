import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning.models import SmsMessage, SmsStatus
from learning.sms.backends import ConsoleBackend
from learning.sms.delivery import queue, send_due
from tests.learning.sms.sms_gateway import FakeGateway

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def queued(learner, key="k1"):
    return queue(
        phone=learner.phone,
        body="{name}您好",
        context={"name": "李晓梅"},
        key=key,
        learner=learner,
        now=NOON,
    )


def test_locmem_backend_collects_sent_messages(learner, sms_outbox):
    queued(learner)
    assert send_due(now=NOON) == {"delivered": 1}
    assert [m.text for m in sms_outbox] == ["【社工学堂】李晓梅您好回T退订"]


def test_outbox_backend_stores_the_message_as_delivered(learner, settings, sms_outbox):
    settings.SMS_BACKEND = "outbox"
    queued(learner)
    send_due(now=NOON)
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.DELIVERED and message.delivered_at == NOON
    assert not sms_outbox


def test_console_backend_prints_with_a_masked_number(learner):
    stream = io.StringIO()
    message = queued(learner)
    ConsoleBackend(stream=stream).send(message)
    assert learner.masked_phone in stream.getvalue() and learner.phone not in stream.getvalue()
    assert "李晓梅您好" in stream.getvalue()


@pytest.fixture
def gateway(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_KEY = "gateway-key"
    settings.SMS_HTTP_TIMEOUT = 0.3
    with FakeGateway(key="gateway-key", webhook_secret=settings.SMS_WEBHOOK_SECRET) as fake:
        settings.SMS_HTTP_URL = fake.url
        yield fake


def test_http_backend_sends_signed_json_with_the_idempotency_key(learner, gateway):
    queued(learner, key="reminder:1:2:2026-11-25")
    assert send_due(now=NOON) == {"sent": 1}
    request = gateway.requests[0]
    assert request["idempotency_key"] == request["header_key"] == "reminder:1:2:2026-11-25"
    assert request["phone"] == learner.phone and request["segments"] == 1
    message = SmsMessage.objects.get()
    assert (message.status, message.provider_message_id) == (SmsStatus.SENT, "gw-1")


def test_wrong_key_is_a_permanent_failure(learner, gateway, settings):
    settings.SMS_HTTP_KEY = "not-the-gateway-key"
    queued(learner)
    assert send_due(now=NOON) == {"failed": 1}
    assert "SIGNATURE_INVALID" in SmsMessage.objects.get().last_error


@pytest.mark.parametrize("mode", ["server_error", "RATE_LIMITED"])
def test_provider_trouble_is_retried_later(learner, gateway, mode):
    gateway.script = [mode]
    queued(learner)
    assert send_due(now=NOON) == {"queued": 1}
    message = SmsMessage.objects.get()
    assert message.next_attempt_at == NOON + timedelta(minutes=1)
    assert send_due(now=message.next_attempt_at) == {"sent": 1}
    assert SmsMessage.objects.get().attempts == 2


@pytest.mark.parametrize(
    "answer", ["answer:500:INTERNAL_ERROR", "answer:502:BAD_GATEWAY", "answer:200:SOMETHING_NEW"]
)
def test_provider_error_with_an_unknown_code_is_retried_not_failed(learner, gateway, answer):
    gateway.script = [answer]
    queued(learner)
    assert send_due(now=NOON) == {"queued": 1}
    assert send_due(now=NOON + timedelta(minutes=1)) == {"sent": 1}


def test_provider_errors_are_retried_a_bounded_number_of_times_then_failed(
    learner, gateway, settings
):
    settings.SMS_MAX_ATTEMPTS = 3
    gateway.script = ["answer:500:INTERNAL_ERROR"] * 10
    queued(learner)
    moment, outcomes = NOON, []
    for _try in range(5):
        outcomes.append(send_due(now=moment))
        moment = SmsMessage.objects.get().next_attempt_at
    assert outcomes == [{"queued": 1}, {"queued": 1}, {"failed": 1}, {}, {}]
    message = SmsMessage.objects.get()
    assert message.attempts == 3 and "INTERNAL_ERROR" in message.last_error
    assert len(gateway.requests) == 3


def test_a_client_error_with_an_unknown_code_fails_the_number(learner, gateway):
    gateway.script = ["answer:400:MALFORMED"]
    queued(learner)
    assert send_due(now=NOON) == {"failed": 1}


def test_invalid_number_fails_at_once(learner, gateway):
    gateway.script = ["INVALID_PHONE"]
    queued(learner)
    assert send_due(now=NOON) == {"failed": 1}
    message = SmsMessage.objects.get()
    assert message.attempts == 1 and "INVALID_PHONE" in message.last_error


def test_timed_out_send_is_retried_with_the_same_key_and_delivered_once(learner, gateway):
    gateway.script = ["timeout"]
    queued(learner, key="reminder:7:1:w48")
    assert send_due(now=NOON) == {"queued": 1}
    assert "timeout" in SmsMessage.objects.get().last_error
    assert send_due(now=NOON + timedelta(minutes=1)) == {"sent": 1}
    assert [r["idempotency_key"] for r in gateway.requests] == ["reminder:7:1:w48"] * 2
    assert len(gateway.accepted) == 1 and len(gateway.receipts) == 1
    assert SmsMessage.objects.get().provider_message_id == "gw-1"


def test_signed_receipt_from_the_gateway_marks_the_message_delivered(client, learner, gateway):
    queued(learner)
    send_due(now=NOON)
    body, headers = gateway.receipts[0]
    response = client.post("/api/v1/sms/receipts", body, content_type="application/json", **headers)
    assert response.status_code == 200 and response.json() == {"status": "delivered"}
    assert SmsMessage.objects.get().status == SmsStatus.DELIVERED


def test_http_backend_without_an_address_fails_the_system_check(settings):
    from django.core import checks

    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", ""
    assert "learning.E101" in [error.id for error in checks.run_checks()]
