"""``/api/v1/auth/...``: bearer tokens, text-message codes and password reset for the app."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from learning.accounts import sms_codes
from learning.accounts.phone import normalise_phone
from learning.accounts.services import BadCode, login_for_token, reset_password
from learning.platform.client_address import client_key

router = Router(tags=["auth"])


class TokenIn(Schema):
    phone: str
    #: One of the two: the password, or a code from ``POST /auth/sms-code`` (purpose login).
    password: str | None = None
    code: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: datetime


class SmsCodeIn(Schema):
    phone: str
    purpose: Literal["login", "reset"]


class SmsCodeOut(Schema):
    sent: bool
    retry_after: int


class PasswordResetIn(Schema):
    phone: str
    code: str
    new_password: str


class PasswordResetOut(Schema):
    reset: bool


def bad_code_message() -> str:
    return _("验证码不正确或已失效，请重新获取。")


@router.post("/auth/token", auth=None, response=TokenOut)
def obtain_token(request, payload: TokenIn):
    """Exchange a phone number and a password, or a text-message code, for a bearer token
    (429 with ``Retry-After`` while the log-in throttle holds this number or address back)."""
    if (payload.password is None) == (payload.code is None):
        raise HttpError(422, _("请填写密码或短信验证码（二者选一）。"))
    issued = login_for_token(
        request=request, phone=payload.phone, password=payload.password, code=payload.code
    )
    if issued is None:
        if payload.code is not None:
            raise HttpError(401, _("手机号或验证码不正确，或验证码已失效。"))
        raise HttpError(401, _("手机号或密码不正确。"))
    return {"token": issued.token, "expires_at": issued.expires_at}


@router.post("/auth/sms-code", auth=None, response=SmsCodeOut, url_name="auth_sms_code")
def request_sms_code(request, payload: SmsCodeIn):
    """Send a log-in or password-reset code. The answer is the same whether or not the number
    has an account (only an account's number is sent anything); 429 over the limits."""
    try:
        phone = normalise_phone(payload.phone)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    retry_after = sms_codes.request_code(
        phone=phone, purpose=payload.purpose, address=client_key(request)
    )
    return {"sent": True, "retry_after": retry_after}


@router.post("/auth/password-reset", auth=None, response=PasswordResetOut)
def password_reset(request, payload: PasswordResetIn):
    """忘记密码: a new password with a reset code; 400 for a bad code or a weak password."""
    try:
        phone = normalise_phone(payload.phone)
    except ValidationError:
        raise HttpError(400, bad_code_message()) from None
    try:
        reset_password(phone=phone, code=payload.code, new_password=payload.new_password)
    except BadCode:
        raise HttpError(400, bad_code_message()) from None
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    return {"reset": True}
