"""Webhooks the SMS provider calls: delivery receipts and learners' replies.

No session or token here: each request is signed instead (``X-Timestamp``, ``X-Nonce`` and
``X-Signature``: hex HMAC-SHA256 of ``"<timestamp>.<nonce>.<raw body>"`` with
``SMS_WEBHOOK_SECRET``), checked before the body is even parsed; a stale timestamp or a nonce
seen before is refused like a bad signature (:mod:`learning.sms.webhooks`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import ValidationError

from learning.accounts.phone import normalise_phone
from learning.platform.client_address import client_address
from learning.sms import callbacks, delivery, signing
from learning.sms.webhooks import WebhookRefused, verify_webhook

router = Router(tags=["sms"], auth=None)


class InboundIn(Schema):
    phone: str
    text: str
    received_at: datetime | None = None


class InboundOut(Schema):
    action: Literal["opted_out", "opted_in", "ignored"]


class ReceiptIn(Schema):
    message_id: str = ""
    idempotency_key: str = ""
    status: Literal["delivered", "failed"]
    error: str = ""
    at: datetime | None = None


class ReceiptOut(Schema):
    status: str


def _signed_body(request, schema: type[Schema]):
    try:
        verify_webhook(body=request.body, headers=request.headers)
    except WebhookRefused as exc:
        raise HttpError(403, _("签名无效或请求已过期。")) from exc
    try:
        return schema.model_validate(json.loads(request.body or b"null"))
    except (ValueError, ValidationError) as exc:
        raise HttpError(422, _("请求数据无效：%(reason)s") % {"reason": exc}) from exc


WEBHOOK_HEADERS = {
    signing.TIMESTAMP_HEADER: {"description": "unix seconds; at most 300 s from the server clock"},
    signing.NONCE_HEADER: {"description": "a unique string; a nonce seen before is refused"},
    signing.HEADER: {
        "description": 'hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>" with SMS_WEBHOOK_SECRET'
    },
}


def _body_doc(schema: type[Schema]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        },
        "parameters": [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}, **doc}
            for name, doc in WEBHOOK_HEADERS.items()
        ],
    }


@router.post(
    "/sms/inbound", response=InboundOut, openapi_extra=_body_doc(InboundIn), url_name="sms_inbound"
)
def sms_inbound(request):
    """A learner's reply: T, TD or 退订 opts the number out, 订阅 opts it back in."""
    data = _signed_body(request, InboundIn)
    try:
        phone = normalise_phone(data.phone)
    except DjangoValidationError as exc:
        raise HttpError(422, exc.messages[0]) from exc
    action = delivery.handle_inbound(phone=phone, text=data.text, received_at=data.received_at)
    return {"action": action}


@router.post(
    "/sms/receipts",
    response=ReceiptOut,
    openapi_extra=_body_doc(ReceiptIn),
    url_name="sms_receipts",
)
def sms_receipt(request):
    """The provider's delivery receipt for one message (by its id or our idempotency key)."""
    data = _signed_body(request, ReceiptIn)
    if not (data.message_id or data.idempotency_key):
        raise HttpError(422, _("请提供 message_id 或 idempotency_key。"))
    message = delivery.apply_receipt(
        provider_message_id=data.message_id,
        key=data.idempotency_key,
        status=data.status,
        error=data.error,
        at=data.at,
    )
    if message is None:
        raise HttpError(404, _("未找到该短信。"))
    return {"status": message.status}


CALLBACK_ANSWERS = {
    "aliyun": {"code": 0, "msg": "接收成功"},
    "tencent": {"result": 0, "errmsg": "OK"},
}


@router.post(
    "/sms/callbacks/{provider}/{token}/{kind}",
    response=dict,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {}}}}
    },
    url_name="sms_provider_callback",
)
def sms_provider_callback(request, provider: str, token: str, kind: str):
    """Aliyun's ``SmsReport`` (``report``) and ``SmsUp`` (``up``), Tencent's status
    (``status``) and reply (``reply``) callbacks, in the providers' own JSON shapes; answered
    as each provider expects. The URL's token authenticates the caller
    (:mod:`learning.sms.callbacks`)."""
    handler = callbacks.HANDLERS.get((provider, kind))
    if handler is None:
        raise HttpError(404, _("未找到该回调地址。"))
    if not callbacks.authentic(provider, token, client_address(request)):
        raise HttpError(403, _("签名无效或请求已过期。"))
    try:
        payload = json.loads(request.body or b"null")
    except ValueError as exc:
        raise HttpError(422, _("请求数据无效：%(reason)s") % {"reason": exc}) from exc
    handler(payload)
    return CALLBACK_ANSWERS[provider]
