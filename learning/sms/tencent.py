"""Tencent Cloud SMS (腾讯云短信, SMS API 2021-01-11) through the official SDK.

``SendSms`` takes up to 200 numbers, but one ``TemplateParamSet`` for all of them, so only
messages with the same template and the same variable values share a call (most reminders
carry the learner's name and go one by one). The SDK signs each request (TC3-HMAC-SHA256).
A request-level error (credentials, the request itself) is raised by the SDK; the answer
otherwise carries one status per number (``SendStatusSet``), so part of a call can fail.
Each code maps to retry, fail the number, or halt and alert (:data:`HALT`); unknown codes are
retried. ``SessionContext`` carries our key; receipts and the status query match by
``SerialNo``. Tencent's variables are positional: ``{1}``, ``{2}`` in order of first
appearance in the body (:func:`learning.sms.templates.provider_text`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from learning.sms.aliyun import parse_local
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

#: Nothing will go until an organiser acts: stop the batch and alert.
HALT = frozenset(
    {
        "AuthFailure.SecretIdNotFound",
        "AuthFailure.SignatureFailure",
        "AuthFailure.SignatureExpire",
        "AuthFailure.UnauthorizedOperation",
        "AuthFailure.InvalidSecretId",
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
        "UnauthorizedOperation.ServiceSuspendDueToArrears",
        "UnauthorizedOperation.RequestPermissionDeny",
        "FailedOperation.InsufficientBalanceInSmsPackage",
    }
)
#: This message will never go: the number, or the template and its variables, are refused.
FAIL_NUMBER = frozenset(
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberInBlacklist",
        "FailedOperation.PhoneNumberOnBlacklist",
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "FailedOperation.SignatureIncorrectOrUnapproved",
        "FailedOperation.ContainSensitiveWord",
        "FailedOperation.MissingTemplateToModify",
        "InvalidParameterValue.TemplateParameterFormatError",
        "InvalidParameterValue.TemplateParameterLengthLimit",
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
        "UnsupportedOperation.UnsupportedRegion",
    }
)


def error_for(code: str, message: str) -> SmsError:
    detail = f"{code} {message}".strip()
    if code in HALT:
        return HaltSmsError(detail, code=code)
    if code in FAIL_NUMBER:
        return PermanentSmsError(detail, code=code)
    return RetryableSmsError(detail, code=code)  # limits, InternalError.*, unknown codes


def e164(phone: str) -> str:
    return f"+86{phone}"


class TencentBackend(BaseSmsBackend):
    provider = "tencent"
    rate_limited = True

    def __init__(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        self.batch_size = min(200, getattr(settings, "SMS_PROVIDER_BATCH", 100))
        profile = ClientProfile(
            httpProfile=HttpProfile(
                protocol=settings.SMS_PROVIDER_PROTOCOL,
                endpoint=settings.SMS_TENCENT_ENDPOINT,
                reqTimeout=max(1, int(getattr(settings, "SMS_HTTP_TIMEOUT", 5))),
            )
        )
        self.app_id = settings.TENCENT_SMS_SDK_APP_ID
        self.client = sms_client.SmsClient(
            credential.Credential(settings.TENCENT_SECRET_ID, settings.TENCENT_SECRET_KEY),
            settings.SMS_TENCENT_REGION,
            profile,
        )

    def _call(self, method: str, request) -> dict:
        import json

        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )

        try:
            return json.loads(getattr(self.client, method)(request).to_json_string())
        except TencentCloudSDKException as exc:
            code = str(exc.code or "")
            if code == "ClientNetworkError":
                text = str(exc.message or "")
                raise RetryableSmsError(
                    f"network: {text[:200]}", code=code, outcome_unknown="timed out" in text
                ) from exc
            raise error_for(code, str(exc.message or "")) from exc

    def send(self, message) -> SendResult:
        raise PermanentSmsError("the tencent backend sends templates (send_many)")

    def send_many(self, outgoing: list[Outgoing]) -> list[SendResult | SmsError]:
        groups: dict[tuple, list[Outgoing]] = {}
        for item in outgoing:
            params = tuple(item.template.ordered_params(item.message.params or {}))
            groups.setdefault((item.template.code, item.template.sign_name, params), []).append(
                item
            )
        outcome: dict[int, SendResult | SmsError] = {}
        for (code, sign_name, params), group in groups.items():
            outcome.update(self._send(group, code=code, sign_name=sign_name, params=list(params)))
        return [outcome[item.message.pk] for item in outgoing]

    def _send(self, group, *, code, sign_name, params) -> dict[int, SendResult | SmsError]:
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [e164(item.message.phone) for item in group]
        request.SmsSdkAppId = self.app_id
        request.SignName = sign_name
        request.TemplateId = code
        request.TemplateParamSet = params
        request.SessionContext = (
            group[0].message.key if len(group) == 1 else f"batch:{group[0].message.pk}"
        )[:512]
        try:
            body = self._call("SendSms", request)
        except HaltSmsError:
            raise
        except SmsError as exc:
            return {item.message.pk: exc for item in group}
        statuses = {row.get("PhoneNumber"): row for row in body.get("SendStatusSet") or []}
        outcome: dict[int, SendResult | SmsError] = {}
        for item in group:
            row = statuses.get(e164(item.message.phone))
            if row is None:
                outcome[item.message.pk] = RetryableSmsError("no status for this number")
            elif str(row.get("Code")) == "Ok":
                outcome[item.message.pk] = SendResult(provider_message_id=str(row["SerialNo"]))
            else:
                error = error_for(str(row.get("Code") or ""), str(row.get("Message") or ""))
                if error.halts:
                    raise error
                outcome[item.message.pk] = error
        return outcome

    def _reports(self, message) -> list[dict]:
        from tencentcloud.sms.v20210111 import models

        since = message.sending_at or message.sent_at or timezone.now() - timedelta(days=1)
        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.BeginTime = int(since.timestamp()) - 60
        request.EndTime = int(timezone.now().timestamp())
        request.Offset = 0
        request.Limit = 100
        request.PhoneNumber = e164(message.phone)
        request.SmsSdkAppId = self.app_id
        return list(
            self._call("PullSmsSendStatusByPhoneNumber", request).get("PullSmsSendStatusSet") or []
        )

    def find_sent(self, message) -> SendResult | None:
        for row in self._reports(message):
            if row.get("SessionContext") == message.key[:512]:
                return SendResult(provider_message_id=str(row.get("SerialNo") or ""))
        return None

    def query_status(self, messages) -> list[Receipt]:
        receipts = []
        for message in messages:
            try:
                rows = self._reports(message)
            except SmsError as exc:
                logger.warning("tencent status query for SMS %s failed: %s", message.pk, exc)
                continue
            for row in rows:
                if str(row.get("SerialNo")) != message.provider_message_id:
                    continue
                delivered = row.get("ReportStatus") == "SUCCESS"
                receipts.append(
                    Receipt(
                        status="delivered" if delivered else "failed",
                        provider_message_id=message.provider_message_id,
                        phone=message.phone,
                        carrier_code=str(row.get("Description") or row.get("ReportStatus")),
                        error="" if delivered else str(row.get("Description") or "FAIL"),
                        at=parse_local(row.get("UserReceiveTime")),
                    )
                )
        return receipts
