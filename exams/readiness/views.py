"""Learner pages of readiness (备考评估): my pass probability, 智能练习 and 今日待复习."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from exams.models import Level, PracticeSession, Question, Subject
from exams.readiness import review_schedule, service


@login_required
def readiness(request):
    estimates = service.readiness_for(request.user)
    service.store(request.user, estimates)
    for estimate in estimates:
        estimate["subject_label"] = Subject(estimate["subject"]).label
        estimate["level_label"] = Level(estimate["level"]).label
        if estimate["pass_probability"] is not None:
            estimate["percent"] = round(100 * estimate["pass_probability"])
    due = review_schedule.due_today(learner=request.user)
    questions = Question.objects.in_bulk([d["question"] for d in due])
    return render(
        request,
        "exams/readiness.html",
        {
            "estimates": estimates,
            "due": [
                (questions[d["question"]], d["due_at"]) for d in due if d["question"] in questions
            ],
            "min_answers": service.MIN_ANSWERS,
        },
    )


@login_required
def smart_practice(request):
    """智能练习 is a session: the link starts (or resumes) one for the subject."""
    subject, level = request.GET.get("subject", ""), request.GET.get("level", "")
    if (subject, level) not in service.subjects_for(request.user):
        raise Http404
    return redirect(
        reverse("exams:start", args=[PracticeSession.Kind.SMART])
        + "?"
        + urlencode({"subject": subject, "level": level})
    )
