"""Chinese mobile numbers: the log-in name of everyone on the site.

Numbers arrive in many spellings (``+86 138 0000 0001``, ``138-0000-0001``, ``8613800000001``);
they are stored in one normal form, 11 digits, so that each person has exactly one account.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Return the 11-digit form of a Chinese mobile number or raise ``ValidationError``."""
    text = _SEPARATORS.sub("", str(raw or "")).strip()
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.match(text):
        raise ValidationError(
            _("请输入有效的中国大陆手机号（11 位数字，以 1 开头）。"), code="invalid_phone"
        )
    return text


def validate_phone(value: str) -> None:
    """Model and form validator form of :func:`normalise_phone`."""
    normalise_phone(value)


def mask_phone(phone: str) -> str:
    """Hide the middle four digits (``138****0001``), as Chinese services show numbers."""
    if not phone or len(phone) < 11:
        return phone or ""
    return f"{phone[:3]}****{phone[-4:]}"
