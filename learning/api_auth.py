from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from learning.accounts import LoginLocked, login_for_token

router = Router(tags=["auth"])


class TokenIn(Schema):
    phone: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post("/auth/token", auth=None, response=TokenOut)
def obtain_token(request, payload: TokenIn):
    """Exchange a phone number and password for a bearer token."""
    try:
        issued = login_for_token(request=request, phone=payload.phone, password=payload.password)
    except LoginLocked:
        raise HttpError(429, _("登录失败次数过多，请 15 分钟后再试。")) from None
    if issued is None:
        raise HttpError(401, _("手机号或密码不正确。"))
    return {"token": issued.token, "expires_at": issued.expires_at}
