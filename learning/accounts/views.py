"""Log-in pages (登录): password, text-message code, password reset (忘记密码), log-out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from learning.accounts import login_throttle, sms_codes
from learning.accounts.forms import PasswordResetForm, PhoneLoginForm, SmsLoginForm
from learning.accounts.phone import normalise_phone
from learning.accounts.services import BadCode, reset_password
from learning.models import SmsCodePurpose
from learning.platform.client_address import client_key
from learning.platform.rate_limit import RateLimited


class LoginView(auth_views.LoginView):
    """Log-in by mobile number and password; 429 with ``Retry-After`` while throttled."""

    form_class = PhoneLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return throttled_response(self.request, super().form_invalid(form))


def throttled_response(request, response):
    """The page as rendered, marked 429 with ``Retry-After`` when a rate limit refused it."""
    refused = login_throttle.refusal(request)
    if refused is not None:
        response.status_code = 429
        response["Retry-After"] = str(refused.retry_after)
    return response


class SmsCodeSendMixin:
    """获取验证码 on a page's own form: the button posts the form with ``send_code``; the page
    comes back saying a code is on its way and when the next may be asked for. The page's
    script (``sms_code.js``) does the same through ``POST /api/v1/auth/sms-code`` without
    leaving the page, and counts the wait down; this is the path without JavaScript."""

    #: The purpose the codes are for (``SmsCodePurpose``).
    purpose: str

    def post(self, request, *args, **kwargs):
        if "send_code" in request.POST:
            return self.send_code()
        return super().post(request, *args, **kwargs)

    def send_code(self):
        raw = self.request.POST.get("phone", "")
        context, status = {}, 200
        try:
            retry_after = sms_codes.request_code(
                phone=normalise_phone(raw),
                purpose=self.purpose,
                address=client_key(self.request),
            )
            context.update(code_sent=True, retry_after=retry_after)
        except ValidationError as exc:
            context["code_error"] = " ".join(exc.messages)
        except RateLimited as refused:
            context.update(code_error=refused.detail, retry_after=refused.retry_after)
            status = 429
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        kwargs["initial"] = {"phone": raw}
        form = self.get_form_class()(**kwargs)
        response = self.render_to_response(self.get_context_data(form=form, **context))
        response.status_code = status
        if status == 429:
            response["Retry-After"] = str(context["retry_after"])
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("purpose", self.purpose)
        form = kwargs.get("form")
        if "retry_after" not in kwargs and form is not None and form.is_bound:
            # A page sent back (wrong code, weak password) keeps counting the wait down.
            phone = form.cleaned_data.get("phone") if hasattr(form, "cleaned_data") else None
            if phone:
                wait = sms_codes.retry_after(phone=phone, address=client_key(self.request))
                kwargs["retry_after"] = wait or None
        return super().get_context_data(**kwargs)


class SmsLoginView(SmsCodeSendMixin, LoginView):
    """短信验证码登录: the number and a code sent to it (``learning.auth_backends.SmsCodeBackend``)."""

    purpose = SmsCodePurpose.LOGIN
    form_class = SmsLoginForm
    template_name = "registration/login_sms.html"


class PasswordResetView(SmsCodeSendMixin, FormView):
    """忘记密码: a reset code to the number, then a new password (``accounts.reset_password``)."""

    purpose = SmsCodePurpose.RESET
    form_class = PasswordResetForm
    template_name = "registration/password_reset.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            reset_password(
                phone=data["phone"], code=data["code"], new_password=data["new_password1"]
            )
        except BadCode:
            form.add_error("code", _("验证码不正确或已失效，请重新获取。"))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
            return self.form_invalid(form)
        messages.success(self.request, _("密码已重置，请用新密码登录。"))
        return redirect("learning:login")


class LogoutView(auth_views.LogoutView):
    pass
