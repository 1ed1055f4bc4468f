from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from learning.forms import PhoneLoginForm
from learning.phone import mask_phone
from learning.selectors import learner_profile, points_summary


class LoginView(auth_views.LoginView):
    """Log-in by mobile number and password."""

    form_class = PhoneLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def my_learning(request):
    """我的: the learner's own corner, linking every personal page of the site."""
    profile = learner_profile(request.user)
    return render(
        request,
        "learning/my_learning.html",
        {
            "profile": profile,
            "phone": mask_phone(request.user.phone),
            "points": points_summary(request.user),
        },
    )
