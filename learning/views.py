from __future__ import annotations

from django.contrib.auth import views as auth_views

from learning.forms import PhoneLoginForm


class LoginView(auth_views.LoginView):
    """Log-in by mobile number and password."""

    form_class = PhoneLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
