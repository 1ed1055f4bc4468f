"""``/accounts/``: the log-in pages (namespace ``learning``, kept from before issue 22)."""

from django.urls import path

from learning.accounts import views

app_name = "learning"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sms/", views.SmsLoginView.as_view(), name="login_sms"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
