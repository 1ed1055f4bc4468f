"""Aliyun's and Tencent's callbacks: delivery receipts and learners' replies (上行).

Neither provider signs its callbacks: Aliyun's HTTP batch push (``SmsReport``, ``SmsUp``)
and Tencent's status and reply callbacks post plain JSON to a URL configured in the
console, and Tencent publishes the addresses it calls from. So a callback is authenticated
the ways they document: the URL carries a secret token (:func:`callback_token`, derived
from ``SMS_WEBHOOK_SECRET``; ``manage.py sms_callback_urls`` prints the URLs to enter in the
consoles), and when ``SMS_CALLBACK_ALLOWED_NETWORKS`` is set the caller's address must be in
it. Replays change nothing: a receipt for a delivered message is ignored, and an opt-out or
opt-in older than the one on record is ignored (both carry the provider's own time).

Each function takes the parsed JSON and returns how many items were applied; bad items are
skipped (a provider retries a callback that is not answered with success, and one bad item
must not make it retry the good ones forever).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError

from learning.accounts.phone import normalise_phone
from learning.sms.aliyun import parse_local
from learning.sms.backends import Receipt
from learning.sms.delivery import apply_receipts, handle_inbound

logger = logging.getLogger(__name__)

PROVIDERS = ("aliyun", "tencent")


def callback_token(provider: str) -> str:
    """The secret path segment of a provider's callback URLs (empty without a secret)."""
    secret = getattr(settings, "SMS_WEBHOOK_SECRET", "")
    if not secret:
        return ""
    return hmac.new(
        secret.encode(), f"sms-callback:{provider}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def authentic(provider: str, token: str, address: str | None) -> bool:
    """The token matches and, if networks are configured, the caller is inside one."""
    expected = callback_token(provider)
    if not expected or not hmac.compare_digest(expected, token or ""):
        return False
    networks = getattr(settings, "SMS_CALLBACK_ALLOWED_NETWORKS", [])
    if not networks:
        return True
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(caller in ipaddress.ip_network(net, strict=False) for net in networks)


def _items(payload) -> list[dict]:
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        return []
    return [item for item in payload if isinstance(item, dict)]


def _phone(raw) -> str | None:
    try:
        return normalise_phone(str(raw or ""))
    except ValidationError:
        return None


def aliyun_reports(payload) -> int:
    """``SmsReport``: ``[{"phone_number", "success", "err_code", "biz_id", "out_id", ...}]``."""
    receipts = []
    for item in _items(payload):
        phone = _phone(item.get("phone_number"))
        if phone is None or not item.get("biz_id"):
            continue
        delivered = item.get("success") is True
        code = str(item.get("err_code") or "")
        out_id = str(item.get("out_id") or "")
        receipts.append(
            Receipt(
                status="delivered" if delivered else "failed",
                provider_message_id=str(item["biz_id"]),
                phone=phone,
                # Single sends carry our key as OutId; a batch's OutId names the batch.
                key="" if out_id.startswith("batch:") else out_id,
                carrier_code=code,
                error="" if delivered else f"{code} {item.get('err_msg') or ''}".strip(),
                at=parse_local(item.get("report_time")),
            )
        )
    return apply_receipts(receipts)


def aliyun_replies(payload) -> int:
    """``SmsUp``: ``[{"phone_number", "content", "send_time", "sign_name", ...}]``."""
    applied = 0
    for item in _items(payload):
        phone = _phone(item.get("phone_number"))
        if phone is None or not isinstance(item.get("content"), str):
            continue
        handle_inbound(
            phone=phone, text=item["content"], received_at=parse_local(item.get("send_time"))
        )
        applied += 1
    return applied


def tencent_reports(payload) -> int:
    """Status callback: ``[{"mobile", "report_status", "errmsg", "sid", "user_receive_time"}]``."""
    receipts = []
    for item in _items(payload):
        phone = _phone(item.get("mobile"))
        if phone is None or not item.get("sid"):
            continue
        delivered = item.get("report_status") == "SUCCESS"
        code = str(item.get("errmsg") or "")
        receipts.append(
            Receipt(
                status="delivered" if delivered else "failed",
                provider_message_id=str(item["sid"]),
                phone=phone,
                carrier_code=code,
                error="" if delivered else f"{code} {item.get('description') or ''}".strip(),
                at=parse_local(item.get("user_receive_time")),
            )
        )
    return apply_receipts(receipts)


def tencent_replies(payload) -> int:
    """Reply callback: ``{"mobile", "nationcode", "text", "sign", "time", "extend"}``."""
    applied = 0
    for item in _items(payload):
        phone = _phone(item.get("mobile"))
        if phone is None or not isinstance(item.get("text"), str):
            continue
        stamp = item.get("time")
        received_at = (
            datetime.fromtimestamp(stamp, tz=UTC)
            if isinstance(stamp, int) and 0 < stamp < 10**11
            else None
        )
        handle_inbound(phone=phone, text=item["text"], received_at=received_at)
        applied += 1
    return applied


HANDLERS = {
    ("aliyun", "report"): aliyun_reports,
    ("aliyun", "up"): aliyun_replies,
    ("tencent", "status"): tencent_reports,
    ("tencent", "reply"): tencent_replies,
}
