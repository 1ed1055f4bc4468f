from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from learning import login_throttle
from learning.phone import normalise_phone


class ThrottledLoginMixin:
    """Says "too many attempts" instead of "wrong password" while a phone is locked out."""

    locked_message = _("登录失败次数过多，请 15 分钟后再试。")
    error_messages = {
        "invalid_login": _("手机号或密码不正确。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django limits the field to the stored 11 digits; "+86 138 0000 0001" is longer.
        self.fields["username"].max_length = 20
        self.fields["username"].widget.attrs["maxlength"] = "20"

    def clean(self):
        raw = self.cleaned_data.get("username") or ""
        try:
            phone = normalise_phone(raw)
        except ValidationError:
            phone = raw
        address = login_throttle.client_address(self.request)
        if login_throttle.is_locked(phone=phone, address=address):
            raise ValidationError(self.locked_message, code="locked")
        return super().clean()


class PhoneLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The public site's log-in: mobile number and password."""

    username = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "tel", "inputmode": "tel"}
        ),
    )


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's log-in, with the same throttle and phone label. Wagtail's password
    field has no label of its own (its template falls back to the untranslated field name,
    "Password"), so it gets ours."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("手机号")
        self.fields["username"].widget.attrs["placeholder"] = _("请输入手机号")
        self.fields["password"].label = _("密码")
