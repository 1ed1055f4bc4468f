import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from learning.models import SmsMessage, SmsOptOut, SmsStatus
from learning.sms.delivery import queue, send_due
from learning.sms.signing import sign


def post(client, path, payload, *, secret=None, signature=None):
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {}
    if signature is not False:
        headers["HTTP_X_SIGNATURE"] = signature or sign(body, secret or settings.SMS_WEBHOOK_SECRET)
    return client.post(path, body, content_type="application/json", **headers)


def inbound(client, phone, text, **kwargs):
    payload = {"phone": phone, "text": text, "received_at": "2026-11-25T10:00:00+08:00"}
    return post(client, "/api/v1/sms/inbound", payload, **kwargs)


@pytest.mark.parametrize("word", ["T", "td", " 退订 "])
def test_reply_t_td_or_tuiding_opts_the_number_out(client, learner, word):
    response = inbound(client, learner.phone, word)
    assert response.status_code == 200 and response.json() == {"action": "opted_out"}
    assert SmsOptOut.objects.get(phone=learner.phone).opted_out


def test_dingyue_opts_the_number_back_in(client, learner, sms_outbox):
    inbound(client, learner.phone, "T")
    payload = {
        "phone": f"+86 {learner.phone}",
        "text": "订阅",
        "received_at": "2026-11-25T11:00:00+08:00",
    }
    assert post(client, "/api/v1/sms/inbound", payload).json() == {"action": "opted_in"}
    noon = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    queue(phone=learner.phone, body="欢迎回来", key="k", learner=learner, now=noon)
    send_due(now=noon)
    assert len(sms_outbox) == 1


def test_an_older_reply_arriving_late_does_not_undo_a_newer_one(client, learner):
    inbound(client, learner.phone, "T")
    payload = {"phone": learner.phone, "text": "订阅", "received_at": "2026-11-24T10:00:00+08:00"}
    post(client, "/api/v1/sms/inbound", payload)
    assert SmsOptOut.objects.get(phone=learner.phone).opted_out


def test_other_replies_are_ignored(client, learner):
    assert inbound(client, learner.phone, "好的，谢谢").json() == {"action": "ignored"}
    assert not SmsOptOut.objects.exists()


@pytest.mark.parametrize("signature", ["0" * 64, False])
def test_bad_or_missing_signature_is_403(client, learner, signature):
    response = inbound(client, learner.phone, "T", signature=signature)
    assert response.status_code == 403 and "detail" in response.json()
    assert not SmsOptOut.objects.exists()


def test_signature_with_another_secret_is_403(client, learner):
    assert inbound(client, learner.phone, "T", secret="guess").status_code == 403


def test_unconfigured_secret_refuses_everything(client, learner, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    response = client.post(
        "/api/v1/sms/inbound",
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=sign(body, ""),
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "payload", [{"phone": "12345", "text": "T"}, {"text": "T"}, ["T"], "not json"]
)
def test_bad_body_is_422(client, db, payload):
    assert post(client, "/api/v1/sms/inbound", payload).status_code == 422


def test_receipt_marks_failure_with_the_providers_reason(client, learner):
    message = queue(phone=learner.phone, body="x", key="r1", learner=learner)
    payload = {"idempotency_key": "r1", "status": "failed", "error": "UNDELIV:空号"}
    assert post(client, "/api/v1/sms/receipts", payload).json() == {"status": "failed"}
    message.refresh_from_db()
    assert (message.status, message.last_error) == (SmsStatus.FAILED, "UNDELIV:空号")


def test_receipt_for_an_unknown_message_is_404(client, db):
    payload = {"message_id": "nope", "status": "delivered"}
    assert post(client, "/api/v1/sms/receipts", payload).status_code == 404


def test_receipt_with_a_bad_signature_is_403(client, learner):
    queue(phone=learner.phone, body="x", key="r1", learner=learner)
    payload = {"idempotency_key": "r1", "status": "delivered"}
    assert post(client, "/api/v1/sms/receipts", payload, secret="x").status_code == 403
    assert SmsMessage.objects.get().status == SmsStatus.QUEUED


def test_webhooks_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/sms/inbound" in paths and "/api/v1/sms/receipts" in paths


def test_webhooks_need_no_csrf_token(learner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)  # a session cookie must not make the webhook ask for CSRF
    assert inbound(strict, learner.phone, "T").status_code == 200


def test_late_failure_receipt_does_not_undo_a_delivery(client, learner):
    queue(phone=learner.phone, body="x", key="r1", learner=learner)
    post(client, "/api/v1/sms/receipts", {"idempotency_key": "r1", "status": "delivered"})
    late = {"idempotency_key": "r1", "status": "failed", "error": "EXPIRED"}
    assert post(client, "/api/v1/sms/receipts", late).json() == {"status": "delivered"}
    assert SmsMessage.objects.get().delivered_at is not None


def test_reminder_settings_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/me/reminders"])
