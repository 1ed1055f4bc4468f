"""Chinese mobile numbers: the log-in name of everyone on the site.

Numbers arrive in many spellings (``+86 138 0000 0001``, ``138-0000-0001``, ``8613800000001``);
they are stored in one normal form, 11 digits, so that each person has exactly one account.
Chinese input methods in full-width mode type ``１３８００００００１`` and ``＋８６``, and a
number copied from a chat or a web page often carries invisible direction or zero-width marks:
every phone input (API, site and admin forms, roster import) goes through ``normalise_phone``,
so all of these find the same account and none of them is an error page.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Spaces, dashes of every width, brackets and dots that people put between digit groups.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().·]")
#: ASCII digits only: ``\d`` would also take Arabic-Indic and other scripts' digits.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _visible(text: str) -> str:
    """``text`` in compatibility form (full-width digits and signs become ASCII, the
    ideographic space a space) without format characters (direction marks, zero-width
    spaces, the byte-order mark)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def normalise_phone(raw: str | None) -> str:
    """Return the 11-digit form of a Chinese mobile number or raise ``ValidationError``."""
    text = _SEPARATORS.sub("", _visible(str(raw or "")))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.fullmatch(text):
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
