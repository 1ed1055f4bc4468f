import itertools
import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from learning.models import SmsMessage, SmsOptOut, SmsStatus
from learning.sms.delivery import queue, send_due
from learning.sms.signing import sign, sign_webhook

_nonces = itertools.count(1)


def webhook_headers(body: bytes, *, secret=None, timestamp=None, nonce=None) -> dict:
    """The X-Timestamp / X-Nonce / X-Signature headers as Django's test client takes them."""
    signed = sign_webhook(
        body,
        secret or settings.SMS_WEBHOOK_SECRET,
        timestamp=int(time.time()) if timestamp is None else timestamp,
        nonce=nonce or f"nonce-{next(_nonces)}-{time.time_ns()}",
    )
    return {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in signed.items()}


def post(client, path, payload, *, secret=None, signature=None, **signing):
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {}
    if signature is not False:
        headers = webhook_headers(body, secret=secret, **signing)
        if signature:
            headers["HTTP_X_SIGNATURE"] = signature
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
    headers = webhook_headers(body, secret="")
    headers["HTTP_X_SIGNATURE"] = sign(
        f"{headers['HTTP_X_TIMESTAMP']}.{headers['HTTP_X_NONCE']}.".encode() + body, ""
    )
    response = client.post("/api/v1/sms/inbound", body, content_type="application/json", **headers)
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


# --- replay protection (issue 16.7) ----------------------------------------------------------


def test_body_signed_the_old_way_is_refused(client, learner):
    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    response = client.post(
        "/api/v1/sms/inbound",
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=sign(body, settings.SMS_WEBHOOK_SECRET),
    )
    assert response.status_code == 403
    assert not SmsOptOut.objects.exists()


def test_old_signature_with_fresh_timestamp_and_nonce_headers_is_refused(client, learner):
    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    headers = webhook_headers(body)
    headers["HTTP_X_SIGNATURE"] = sign(body, settings.SMS_WEBHOOK_SECRET)
    response = client.post("/api/v1/sms/inbound", body, content_type="application/json", **headers)
    assert response.status_code == 403


@pytest.mark.parametrize("skew", [-301, 301, -100_000])
def test_timestamp_more_than_300_seconds_off_is_refused(client, learner, skew):
    response = inbound(client, learner.phone, "T", timestamp=int(time.time()) + skew)
    assert response.status_code == 403 and "detail" in response.json()
    assert not SmsOptOut.objects.exists()


def test_timestamp_within_300_seconds_is_accepted(client, learner):
    response = inbound(client, learner.phone, "T", timestamp=int(time.time()) - 290)
    assert response.status_code == 200


@pytest.mark.parametrize("timestamp", ["", "12ab", "1.5e9", "-5", "１７６４０００００"])
def test_malformed_timestamp_is_refused(client, learner, timestamp):
    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    headers = webhook_headers(body, timestamp=timestamp)
    response = client.post("/api/v1/sms/inbound", body, content_type="application/json", **headers)
    assert response.status_code == 403


def test_missing_nonce_is_refused(client, learner):
    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    headers = webhook_headers(body)
    del headers["HTTP_X_NONCE"]
    response = client.post("/api/v1/sms/inbound", body, content_type="application/json", **headers)
    assert response.status_code == 403


def test_a_replayed_request_is_refused(client, learner):
    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    headers = webhook_headers(body)
    first = client.post("/api/v1/sms/inbound", body, content_type="application/json", **headers)
    again = client.post("/api/v1/sms/inbound", body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (200, 403)


def test_a_captured_opt_in_cannot_resubscribe_a_number_that_opted_out_later(client, learner):
    opt_in = json.dumps(
        {"phone": learner.phone, "text": "订阅", "received_at": "2026-11-25T09:00:00+08:00"}
    ).encode()
    captured = webhook_headers(opt_in)
    client.post("/api/v1/sms/inbound", opt_in, content_type="application/json", **captured)
    inbound(client, learner.phone, "T")  # received_at 10:00, after the opt-in
    # The attacker replays the opt-in with a newer received_at: the signature no longer
    # covers the body; replaying it unchanged re-uses its nonce.
    forged = opt_in.replace(b"09:00:00", b"11:00:00")
    for body in (forged, opt_in):
        response = client.post(
            "/api/v1/sms/inbound", body, content_type="application/json", **captured
        )
        assert response.status_code == 403
    assert SmsOptOut.objects.get(phone=learner.phone).opted_out


def test_a_receipt_cannot_be_replayed(client, learner):
    queue(phone=learner.phone, body="x", key="r1", learner=learner)
    body = json.dumps({"idempotency_key": "r1", "status": "failed"}).encode()
    headers = webhook_headers(body)
    first = client.post("/api/v1/sms/receipts", body, content_type="application/json", **headers)
    again = client.post("/api/v1/sms/receipts", body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (200, 403)


def test_old_nonces_are_pruned_by_the_periodic_task(client, learner):
    from learning.models import WebhookNonce
    from learning.tasks import SCHEDULES, prune_webhook_nonces

    inbound(client, learner.phone, "T", timestamp=int(time.time()) - 299, nonce="old-one")
    inbound(client, learner.phone, "T", nonce="fresh-one")
    WebhookNonce.objects.filter(nonce="old-one").update(
        signed_at=datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    )
    assert prune_webhook_nonces() == 1
    assert list(WebhookNonce.objects.values_list("nonce", flat=True)) == ["fresh-one"]
    assert "learning.tasks.prune_webhook_nonces" in {func for func, _m in SCHEDULES.values()}


def test_bad_signature_does_not_use_up_the_nonce(client, learner):
    inbound(client, learner.phone, "T", nonce="n-1", secret="wrong")
    assert inbound(client, learner.phone, "T", nonce="n-1").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_replays_of_one_nonce_are_accepted_exactly_once(learner):
    import threading

    from django.db import close_old_connections

    body = json.dumps({"phone": learner.phone, "text": "T"}).encode()
    headers = webhook_headers(body)
    barrier = threading.Barrier(8)
    statuses = []

    def replay():
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/sms/inbound", body, content_type="application/json", **headers
            )
            statuses.append(response.status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=replay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [403] * 7


# --- opt-out words in every spelling (issue 16.7) ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ｔ",  # full-width, as Chinese input methods type it
        "ＴＤ",
        "TD。",
        "td!",
        "T\u200b",  # zero-width space
        "\u200fT",  # right-to-left mark
        "\u202eTD\u202c",  # bidi override and pop
        "\ufeffT",  # byte-order mark
        "T\u2060",  # word joiner
        "退订！",
        "【退订】",
        " 退 订 ",
        "T\ufe0f",  # variation selector
    ],
)
def test_opt_out_words_are_recognised_in_every_spelling(client, learner, text):
    response = inbound(client, learner.phone, text)
    assert response.json() == {"action": "opted_out"}
    assert SmsOptOut.objects.get(phone=learner.phone).opted_out


@pytest.mark.parametrize("text", ["Thanks", "T恤收到了", "OK T", "TDD", "退订了吗？怎么操作", "好"])
def test_ordinary_messages_containing_t_do_not_opt_out(client, learner, text):
    assert inbound(client, learner.phone, text).json() == {"action": "ignored"}
    assert not SmsOptOut.objects.exists()


def test_full_width_opt_in_word_is_recognised(client, learner):
    inbound(client, learner.phone, "T")
    payload = {"phone": learner.phone, "text": "订阅。", "received_at": "2026-11-25T11:00:00+08:00"}
    assert post(client, "/api/v1/sms/inbound", payload).json() == {"action": "opted_in"}
