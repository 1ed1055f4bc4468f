"""Aliyun SMS (阿里云短信服务, Dysmsapi 2017-05-25) through the official SDK.

``SendSms`` for one number, ``SendBatchSms`` for several numbers of one template (each with
its own variables); the SDK signs each request (ACS3-HMAC-SHA256). Business errors come back
as HTTP 200 with a ``Code`` other than ``OK``; credential errors as HTTP 4xx, which the SDK
raises. Each code is mapped to one of three outcomes (:data:`RETRY`, :data:`FAIL_NUMBER`,
:data:`HALT`); an unknown code is retried, so nothing is failed on a guess.

A batch refused for one number's sake (an illegal or blacklisted number) is sent again one
by one, so only that number fails. ``OutId`` carries our idempotency key (single sends) or
the batch's message range: :meth:`AliyunBackend.find_sent` uses it, with
``QuerySendDetails``, to learn whether a send whose answer was lost did reach Aliyun, and the
delivery receipts (``SmsReport``) and the status query match messages by ``BizId`` and number.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from learning.sms.backends import (
    BaseSmsBackend,
    HaltSmsError,
    Outgoing,
    PermanentSmsError,
    Receipt,
    RetryableSmsError,
    SendResult,
    SmsError,
)

logger = logging.getLogger(__name__)

#: Try again later: throttling, Aliyun's own trouble.
RETRY = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",
        "isv.DAY_LIMIT_CONTROL",
        "isp.SYSTEM_ERROR",
        "isp.GATEWAY_ERROR",
        "Throttling",
        "Throttling.User",
        "Throttling.Api",
        "ServiceUnavailable",
        "InternalError",
    }
)
#: This message will never go: the number, or the template and its variables, are refused.
FAIL_NUMBER = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_PARAMETERS",
        "isv.INVALID_JSON_PARAM",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL",
        "isv.SMS_CONTENT_ILLEGAL",
    }
)
#: Of those, the ones about one number: a batch refused for them is retried number by number.
NUMBER_CODES = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.BLACK_KEY_CONTROL_LIMIT"})
#: Nothing will go until an organiser acts: stop the batch and alert.
HALT = frozenset(
    {
        "isv.AMOUNT_NOT_ENOUGH",
        "isv.OUT_OF_SERVICE",
        "isv.PRODUCT_UN_SUBSCRIPT",
        "isv.PRODUCT_UNSUBSCRIBE",
        "isv.ACCOUNT_NOT_EXISTS",
        "isv.ACCOUNT_ABNORMAL",
        "isp.RAM_PERMISSION_DENY",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidTimeStamp.Expired",
        "Forbidden.RAM",
        "Forbidden.AccessKeyDisabled",
    }
)

#: QuerySendDetails' SendStatus: 1 waiting for the carrier, 2 failed, 3 delivered.
SEND_STATUS = {"2": "failed", "3": "delivered"}


def error_for(code: str, message: str) -> SmsError:
    detail = f"{code} {message}".strip()
    if code in HALT:
        return HaltSmsError(detail, code=code)
    if code in FAIL_NUMBER:
        return PermanentSmsError(detail, code=code)
    return RetryableSmsError(detail, code=code)


class AliyunBackend(BaseSmsBackend):
    provider = "aliyun"
    rate_limited = True

    def __init__(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        timeout_ms = int(getattr(settings, "SMS_HTTP_TIMEOUT", 5) * 1000)
        self.batch_size = min(100, getattr(settings, "SMS_PROVIDER_BATCH", 100))
        self.client = Client(
            Config(
                access_key_id=settings.ALIYUN_ACCESS_KEY_ID,
                access_key_secret=settings.ALIYUN_ACCESS_KEY_SECRET,
                endpoint=settings.SMS_ALIYUN_ENDPOINT,
                protocol=settings.SMS_PROVIDER_PROTOCOL,
                read_timeout=timeout_ms,
                connect_timeout=timeout_ms,
            )
        )

    def _call(self, method: str, request):
        """The SDK call's response body as a dict, or the error its failure maps to."""
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        try:
            return getattr(self.client, method)(request).body.to_map()
        except AlibabaCloudException as exc:
            raise error_for(str(exc.code or ""), str(exc.message or "")) from exc
        except Exception as exc:  # the SDK wraps network trouble in its own exceptions
            text = str(exc)
            raise RetryableSmsError(
                f"network: {text[:200]}", outcome_unknown="timed out" in text.lower()
            ) from exc

    def send(self, message) -> SendResult:
        raise PermanentSmsError("the aliyun backend sends templates (send_many)")

    def send_many(self, outgoing: list[Outgoing]) -> list[SendResult | SmsError]:
        groups: dict[tuple[str, str], list[Outgoing]] = {}
        for item in outgoing:
            groups.setdefault((item.template.code, item.template.sign_name), []).append(item)
        outcome: dict[int, SendResult | SmsError] = {}
        for group in groups.values():
            if len(group) == 1:
                outcome[group[0].message.pk] = self._send_one(group[0])
            else:
                outcome.update(self._send_batch(group))
        return [outcome[item.message.pk] for item in outgoing]

    def _send_one(self, item: Outgoing) -> SendResult | SmsError:
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(
            phone_numbers=item.message.phone,
            sign_name=item.template.sign_name,
            template_code=item.template.code,
            template_param=json.dumps(item.message.params or {}, ensure_ascii=False),
            out_id=item.message.key[:255],
        )
        try:
            body = self._call("send_sms", request)
        except HaltSmsError:
            raise
        except SmsError as exc:
            return exc
        if body.get("Code") != "OK":
            error = error_for(str(body.get("Code") or ""), str(body.get("Message") or ""))
            if error.halts:
                raise error
            return error
        return SendResult(provider_message_id=str(body.get("BizId") or ""))

    def _send_batch(self, group: list[Outgoing]) -> dict[int, SendResult | SmsError]:
        from alibabacloud_dysmsapi20170525 import models

        group = sorted(group, key=lambda item: item.message.pk)
        request = models.SendBatchSmsRequest(
            phone_number_json=json.dumps([item.message.phone for item in group]),
            sign_name_json=json.dumps(
                [item.template.sign_name for item in group], ensure_ascii=False
            ),
            template_code=group[0].template.code,
            template_param_json=json.dumps(
                [item.message.params or {} for item in group], ensure_ascii=False
            ),
            out_id=batch_out_id(group),
        )
        try:
            body = self._call("send_batch_sms", request)
            code = str(body.get("Code") or "")
            if code != "OK":
                raise error_for(code, str(body.get("Message") or ""))
        except HaltSmsError:
            raise
        except SmsError as exc:
            if exc.code in NUMBER_CODES:
                # One number spoiled the batch: send each alone, so only that one fails.
                return {item.message.pk: self._send_one(item) for item in group}
            return {item.message.pk: exc for item in group}
        result = SendResult(provider_message_id=str(body.get("BizId") or ""))
        return {item.message.pk: result for item in group}

    def find_sent(self, message) -> SendResult | None:
        for detail in self._details(message, biz_id=""):
            out_id = str(detail.get("OutId") or "")
            if out_id == message.key[:255] or in_batch(out_id, message.pk):
                return SendResult(provider_message_id=str(detail.get("BizId") or ""))
        return None

    def _details(self, message, *, biz_id: str) -> list[dict]:
        from alibabacloud_dysmsapi20170525 import models

        sent = message.sent_at or message.sending_at or timezone.now()
        request = models.QuerySendDetailsRequest(
            phone_number=message.phone,
            biz_id=biz_id or None,
            send_date=timezone.localtime(sent).strftime("%Y%m%d"),
            page_size=50,
            current_page=1,
        )
        body = self._call("query_send_details", request)
        if body.get("Code") != "OK":
            raise error_for(str(body.get("Code") or ""), str(body.get("Message") or ""))
        return list((body.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or [])

    def query_status(self, messages) -> list[Receipt]:
        receipts = []
        for message in messages:
            try:
                details = self._details(message, biz_id=message.provider_message_id)
            except SmsError as exc:
                logger.warning("aliyun status query for SMS %s failed: %s", message.pk, exc)
                continue
            for detail in details:
                status = SEND_STATUS.get(str(detail.get("SendStatus")))
                if status is None:
                    continue
                receipts.append(
                    Receipt(
                        status=status,
                        provider_message_id=message.provider_message_id,
                        phone=message.phone,
                        carrier_code=str(detail.get("ErrCode") or ""),
                        error="" if status == "delivered" else str(detail.get("ErrCode") or ""),
                        at=parse_local(detail.get("ReceiveDate")),
                    )
                )
                break
        return receipts


def batch_out_id(group: list[Outgoing]) -> str:
    """The ``OutId`` of a batch: the range of its message ids (``batch:12-40``)."""
    return f"batch:{group[0].message.pk}-{group[-1].message.pk}"


def in_batch(out_id: str, pk: int) -> bool:
    if not out_id.startswith("batch:"):
        return False
    low, _, high = out_id[len("batch:") :].partition("-")
    return low.isdigit() and high.isdigit() and int(low) <= pk <= int(high)


def parse_local(value) -> datetime | None:
    """Aliyun's times (``2026-11-25 10:00:03``) are Beijing time."""
    if not value:
        return None
    try:
        moment = datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(moment)
