"""Mock exam pages: the list of papers, the exam itself and its result/review.

Thin over ``exams.attempts``: the exam page works as a plain form (POST saves, the submit
button hands in) and ``exams/static/exams/exam.js`` adds the countdown, autosave through the
API and the submit confirmation on top.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import attempts as service
from exams.attempt_display import attempt_payload
from exams.grading import InvalidAnswer
from exams.models import Attempt, QuestionType
from exams.papers import PaperUnavailable, attempts_left, open_papers_for, papers_for


@login_required
def paper_list(request):
    now = timezone.now()
    papers = list(open_papers_for(request.user, now=now))
    for paper in papers:
        paper.left = attempts_left(paper, paper.attempts_used)
    recent = Attempt.objects.filter(learner=request.user).select_related("paper")[:10]
    rows = [attempt_payload(a, now=now, with_questions=False) for a in recent]
    return render(request, "exams/paper_list.html", {"papers": papers, "attempts": rows})


@login_required
@require_POST
def start(request, paper_id: int):
    paper = get_object_or_404(papers_for(request.user), pk=paper_id)
    try:
        attempt, _created = service.start_attempt(
            paper=paper, learner=request.user, now=timezone.now()
        )
    except PaperUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("exams:paper_list")
    return redirect("exams:attempt", attempt_id=attempt.pk)


def answers_from_form(post, questions: list[dict]) -> tuple[dict, dict]:
    """The whole paper's answers and flags from a plain form POST (absent = unanswered)."""
    answers, flags = {}, {}
    for question in questions:
        qid = str(question["id"])
        if question["type"] == QuestionType.CASE_ANALYSIS:
            answers[qid] = {
                str(sub["id"]): post.getlist(f"q-{qid}-{sub['id']}")
                for sub in question["sub_questions"]
            }
        elif question["type"] == QuestionType.CASE_ESSAY:
            answers[qid] = post.get(f"q-{qid}", "")
        else:
            answers[qid] = post.getlist(f"q-{qid}")
        flags[qid] = bool(post.get(f"flag-{qid}"))
    return answers, flags


def with_sub_answers(questions: list[dict]) -> list[dict]:
    """Give each case-analysis sub-question its own saved answer, for the template."""
    for question in questions:
        for sub in question.get("sub_questions") or []:
            saved = question.get("answer") or {}
            sub["answer"] = saved.get(str(sub["id"])) or []
            if "correct_answer" in question:
                sub["correct_answer"] = question["correct_answer"].get(str(sub["id"]), [])
    return questions


@login_required
def attempt_page(request, attempt_id: int):
    attempt = (
        Attempt.objects.select_related("paper").filter(pk=attempt_id, learner=request.user).first()
    )
    if attempt is None:
        raise Http404
    now = timezone.now()
    attempt = service.refresh_if_overdue(attempt, now=now)
    if request.method == "POST" and attempt.state == Attempt.State.IN_PROGRESS:
        questions = attempt_payload(attempt, now=now)["questions"]
        answers, flags = answers_from_form(request.POST, questions)
        try:
            service.save_answers(attempt=attempt, answers=answers, flags=flags, now=now)
        except service.AttemptClosed:
            messages.error(request, _("考试时间已到，答案按最后保存的内容评分。"))
        except (service.UnknownQuestion, InvalidAnswer) as exc:
            messages.error(request, str(exc))
            return redirect("exams:attempt", attempt_id=attempt.pk)
        if "submit" in request.POST or attempt.deadline + service.grace() < now:
            service.submit_attempt(attempt_id=attempt.pk, now=now)
        else:
            messages.success(request, _("答案已保存。"))
        return redirect("exams:attempt", attempt_id=attempt.pk)
    data = attempt_payload(attempt, now=now)
    with_sub_answers(data["questions"])
    template = (
        "exams/attempt.html"
        if attempt.state == Attempt.State.IN_PROGRESS
        else "exams/attempt_result.html"
    )
    return render(
        request,
        template,
        {"attempt": attempt, "data": data, "paper": attempt.paper, "server_now": now},
    )
