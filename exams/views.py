"""Practice pages (练习): hub, chapter lists, 每日一练, 错题本, 收藏 and the question page.

The question page is a plain form: it works without JavaScript (POST, then the same page with
the feedback), so it runs on any phone browser.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from exams import practice, selectors
from exams.grading import InvalidAnswer
from exams.models import PracticeAnswer, Question, QuestionType
from exams.questions import practice_questions

MODES = {m.value for m in practice.POINT_MODES}


@login_required
def hub(request):
    learner = request.user
    return render(
        request,
        "exams/practice_hub.html",
        {
            "chapters": selectors.chapter_stats(learner=learner),
            "knowledge_points": selectors.knowledge_point_stats(learner=learner),
            "overview": selectors.practice_overview(learner=learner),
        },
    )


@login_required
def chapter(request):
    name = request.GET.get("chapter", "")
    point = request.GET.get("knowledge_point", "")
    questions = selectors.chapter_questions(chapter=name, knowledge_point=point)
    page = Paginator(questions, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "exams/practice_chapter.html",
        {"chapter": name, "knowledge_point": point, "page": page, "query": _query(request)},
    )


@login_required
def daily(request):
    chosen = practice.daily_set(learner=request.user)
    return render(
        request,
        "exams/practice_daily.html",
        {"daily": chosen, "questions": selectors.daily_questions(chosen)},
    )


@login_required
def wrong_book(request):
    entries = selectors.open_wrong_answers(learner=request.user).select_related("question")
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    return render(request, "exams/practice_wrong_book.html", {"page": page})


@login_required
@require_POST
def wrong_remove(request, question_id: int):
    practice.remove_wrong_answer(learner=request.user, question_id=question_id)
    return redirect("exams:wrong_book")


@login_required
def favourites(request):
    entries = selectors.favourites(learner=request.user)
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    return render(request, "exams/practice_favourites.html", {"page": page})


@login_required
@require_POST
def favourite_toggle(request, question_id: int):
    question = get_object_or_404(practice_questions(), pk=question_id)
    practice.set_favourite(
        learner=request.user, question=question, favourite=request.POST.get("favourite") == "1"
    )
    return redirect(reverse("exams:question", args=[question.pk]) + "?" + _query(request))


def _query(request) -> str:
    """The practice context (mode, chapter, knowledge point) carried from page to page."""
    source = request.POST if request.method == "POST" else request.GET
    keep = {k: source[k] for k in ("mode", "chapter", "knowledge_point") if source.get(k)}
    return urlencode(keep)


def _answer_from(request, question: Question):
    if question.type == QuestionType.CASE_ESSAY:
        return request.POST.get("answer", "")
    if question.type == QuestionType.CASE_ANALYSIS:
        return {
            str(sub.pk): request.POST.getlist(f"answer-{sub.pk}")
            for sub in question.sub_questions.all()
        }
    return request.POST.getlist("answer")


@login_required
def question_page(request, question_id: int):
    question = selectors.for_display(practice_questions()).filter(pk=question_id).first()
    if question is None:
        raise Http404
    mode = request.GET.get("mode") or request.POST.get("mode") or PracticeAnswer.Mode.CHAPTER
    if mode not in MODES:
        mode = PracticeAnswer.Mode.CHAPTER
    result, error, chosen = None, "", None
    if request.method == "POST" and "answer_submit" in request.POST:
        chosen = _answer_from(request, question)
        try:
            result = practice.record_answer(
                learner=request.user, question=question, answer=chosen, mode=mode
            )
        except InvalidAnswer as exc:
            error = str(exc)
    parts = chosen if isinstance(chosen, dict) else {}
    keys = result.correct_answer if result and isinstance(result.correct_answer, dict) else {}
    for sub in question.sub_questions.all():
        sub.field_name = f"answer-{sub.pk}"
        sub.chosen = parts.get(str(sub.pk), [])
        sub.right_keys = keys.get(str(sub.pk), [])
    context = {
        "question": question,
        "mode": mode,
        "result": result,
        "error": error,
        "chosen": chosen if isinstance(chosen, list) else [],
        "query": _query(request),
        "favourite": bool(
            selectors.favourite_ids(learner=request.user, question_ids=[question.pk])
        ),
        "next_url": selectors.next_question_url(
            learner=request.user,
            question=question,
            mode=mode,
            chapter=request.GET.get("chapter") or request.POST.get("chapter", ""),
            knowledge_point=request.GET.get("knowledge_point")
            or request.POST.get("knowledge_point", ""),
        ),
    }
    return render(request, "exams/practice_question.html", context, status=422 if error else 200)
