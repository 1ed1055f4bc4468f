"""Log-in forms of the site and the Wagtail admin, with the throttle's "try again in N s"."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from learning.accounts import login_throttle
from learning.accounts.phone import normalise_phone


class ThrottledLoginMixin:
    """Says "too many attempts, try again in N seconds" instead of "wrong password" while the
    log-in throttle (``learning.accounts.login_throttle``, run by the authentication backend) holds
    this attempt back."""

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
        try:
            return super().clean()
        except ValidationError:
            refused = login_throttle.refusal(self.request)
            if refused is not None:
                raise ValidationError(refused.detail, code="throttled") from None
            raise


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


class PhoneField(forms.CharField):
    """A mobile number in any common spelling, cleaned to its 11 digits (``learning.accounts.phone``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return normalise_phone(super().clean(value))


def code_field() -> forms.CharField:
    return forms.CharField(
        label=_("验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "placeholder": _("6 位数字"),
            }
        ),
    )


class SmsLoginForm(forms.Form):
    """短信验证码登录: the mobile number and the code just sent to it. Checked by
    ``learning.auth_backends.SmsCodeBackend`` through the log-in throttle; used by Django's
    ``LoginView``, hence ``request`` and ``get_user``."""

    phone = PhoneField()
    code = code_field()

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        phone, code = self.cleaned_data.get("phone"), self.cleaned_data.get("code")
        if phone and code:
            self.user_cache = authenticate(self.request, phone=phone, code=code)
            if self.user_cache is None:
                refused = login_throttle.refusal(self.request)
                if refused is not None:
                    raise ValidationError(refused.detail, code="throttled")
                raise ValidationError(
                    _("手机号或验证码不正确，或验证码已失效。"), code="invalid_login"
                )
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class PasswordResetForm(forms.Form):
    """忘记密码: the number, the reset code sent to it and the new password twice. The view
    hands it to ``learning.accounts.services.reset_password``, which applies Django's validators."""

    phone = PhoneField()
    code = code_field()
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，不能全是数字，不要用常见密码或与姓名、手机号相近的密码。"),
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise ValidationError(_("两次输入的新密码不一致。"), code="password_mismatch")
        return second
