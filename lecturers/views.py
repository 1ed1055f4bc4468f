"""Public pages of offline sessions: the list at ``/trainings/`` and its enrol, cancel and
check-in forms (POST with CSRF, then back to the list with a message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lecturers import selectors, services
from lecturers.models import TrainingSession


def training_list(request):
    return render(
        request,
        "lecturers/training_list.html",
        {
            "sessions": selectors.sessions_for(request.user),
            "attended": selectors.attendance_of(request.user),
        },
    )


def _act(request, session_id: int, action) -> None:
    session = get_object_or_404(TrainingSession, pk=session_id)
    try:
        message = action(session)
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)


@login_required
@require_POST
def enrol(request, session_id: int):
    def do(session):
        services.enrol(session=session, learner=request.user)
        return _("报名成功：%(title)s") % {"title": session.title}

    _act(request, session_id, do)
    return redirect("lecturers:trainings")


@login_required
@require_POST
def cancel(request, session_id: int):
    def do(session):
        services.cancel_enrolment(session=session, learner=request.user)
        return _("已取消报名：%(title)s") % {"title": session.title}

    _act(request, session_id, do)
    return redirect("lecturers:trainings")


@login_required
@require_POST
def check_in(request, session_id: int):
    def do(session):
        result = services.check_in(
            session=session, learner=request.user, code=request.POST.get("code", "")[:20]
        )
        if result.points_awarded:
            return _("签到成功，获得 %(points)s 积分。") % {"points": result.points_awarded}
        return _("签到成功。")

    _act(request, session_id, do)
    return redirect("lecturers:trainings")
