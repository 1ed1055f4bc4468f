"""Mock exam pages: the list of papers, the exam itself and its result/review.

Thin over ``exams.attempts.services``: the exam page works as a plain form (POST saves, the submit
button hands in, every question on one page) and ``exams/static/exams/exam.js`` turns it into
exam mode on top: one question per screen, the answer card as a bottom sheet, autosave through
the API with an offline queue, the submit confirmation and the hand-in at time-up. The result
page (``exams.attempts.report``) leads into the review, one question per screen as well
(``review.js``), when ``exams.attempts.review_policy`` allows one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams.attempts import services as service
from exams.attempts.display import attempt_payload
from exams.attempts.report import attempt_report, type_label
from exams.bank.grading import InvalidAnswer
from exams.contests import services as contests
from exams.models import Attempt, QuestionType
from exams.papers.services import PaperUnavailable, attempts_left, open_papers_for, papers_for


@login_required
def paper_list(request):
    now = timezone.now()
    # Contests have their own cards (countdown, 报名, ranking) above the list.
    papers = [paper for paper in open_papers_for(request.user, now=now) if not paper.is_contest]
    for paper in papers:
        paper.left = attempts_left(paper, paper.attempts_used)
    recent = Attempt.objects.filter(learner=request.user).select_related("paper")[:10]
    rows = [attempt_payload(a, now=now, with_questions=False) for a in recent]
    cards = contests.contests_for(request.user, now=now)
    context = {"papers": papers, "attempts": rows, "contests": cards}
    return render(request, "exams/paper_list.html", context)


@login_required
@require_POST
def contest_register(request, paper_id: int):
    """报名 from the contest card; registering twice is harmless."""
    paper = get_object_or_404(papers_for(request.user), pk=paper_id)
    try:
        _registration, created = contests.register(
            paper=paper, learner=request.user, now=timezone.now()
        )
    except contests.ContestError as exc:
        messages.error(request, str(exc))
    else:
        if created:
            messages.success(request, _("报名成功，开考前一天和前一小时会短信提醒你。"))
    return redirect("exams:paper_list")


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
    for question in data["questions"]:
        question["type_label"] = type_label(question["type"])
    context = {"attempt": attempt, "data": data, "paper": attempt.paper, "server_now": now}
    if attempt.state == Attempt.State.IN_PROGRESS:
        for question in data["questions"]:
            question["answered"] = not service.is_blank(question["answer"])
        answered = sum(q["answered"] for q in data["questions"])
        context |= {
            "answered": answered,
            "unanswered": len(data["questions"]) - answered,
            "flagged": sum(bool(q["flagged"]) for q in data["questions"]),
        }
        return render(request, "exams/attempt.html", context)
    wrong_only = request.GET.get("wrong") == "1"
    for question in data["questions"]:
        question["verdict"] = verdict(question)
    reviewed = data["questions"] if data.get("review_available") else []
    if wrong_only:
        reviewed = [q for q in reviewed if q["verdict"] == "wrong"]
    context |= {
        "report": attempt_report(attempt=attempt, now=now),
        "contest_standings": contests.contest_standings(attempt, now=now),
        "reviewed": reviewed,
        "wrong_only": wrong_only,
    }
    return render(request, "exams/attempt_result.html", context)


def verdict(question: dict) -> str:
    """How a reviewed question is marked: ``right``, ``wrong``, ``open`` (an essay, neither) or
    ``withheld`` (its key is withheld: no verdict either, it would tell the key)."""
    if question.get("withheld") or "correct" not in question:
        return "withheld"
    if question["correct"] is None:
        return "open"
    return "right" if question["correct"] else "wrong"
