"""Practice pages (练习): hub, chapter lists, 每日一练, 错题本, 收藏 and the question page.

Practising a set of questions one per screen is a session (``exams.practice.session_views``); the
single-question page here is where a link to one question leads. It is a plain form: it works without JavaScript (POST, then the same page with
the feedback), so it runs on any phone browser.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from exams.attempts.review_policy import KeyWithheld
from exams.bank.grading import InvalidAnswer
from exams.bank.versions import practice_questions
from exams.models import Level, PracticeAnswer, PracticeSession, Question, QuestionType
from exams.practice import selectors, sessions
from exams.practice import services as practice
from exams.readiness import review_schedule
from exams.readiness import service as readiness

MODES = {m.value for m in practice.POINT_MODES}


@login_required
def hub(request):
    """The practice hub: the ways to practise, then the bank as a tree (level and subject >
    chapter > knowledge point), collapsed, for the learner's exam level unless another is
    asked for."""
    learner = request.user
    own_level = practice.learner_level(learner)
    asked = request.GET.get("level", "")
    level = asked if asked in Level.values else ("" if asked == "all" else own_level)
    daily = sessions.todays_daily(learner=learner)
    overview = selectors.practice_overview(learner=learner)
    # Reviews fall due only in an open wrong-answer book: an empty one needs no schedule.
    due = review_schedule.due_today(learner=learner) if overview["wrong_answers"] else []
    return render(
        request,
        "exams/practice_hub.html",
        {
            "tree": selectors.practice_tree(learner=learner, level=level)["subjects"],
            "level": level,
            "other_levels": [(value, label) for value, label in Level.choices if value != level],
            "overview": overview,
            "due_count": len(due),
            "daily": daily,
            "daily_answered": len(sessions.session_answers(daily)) if daily else 0,
            "smart_subjects": [
                {"subject": s, "level": lv, "label": selectors.subject_label(s, lv)}
                for s, lv in readiness.subjects_for(learner)
            ],
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
    """每日一练 is a session: straight to where today's stands."""
    return redirect(reverse("exams:start", args=[PracticeSession.Kind.DAILY]))


@login_required
def wrong_book(request):
    """The wrong-answer book (错题本) grouped by chapter, each with 重做全部."""
    return render(
        request,
        "exams/practice_wrong_book.html",
        {
            "chapters": selectors.wrong_book_by_chapter(learner=request.user),
            "mastery_days": practice.MASTERY_DAYS,
        },
    )


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
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(reverse("exams:question", args=[question.pk]) + "?" + _query(request))


def _query(request) -> str:
    """The practice context (mode, chapter, knowledge point) carried from page to page."""
    source = request.POST if request.method == "POST" else request.GET
    keep = {k: source[k] for k in ("mode", "chapter", "knowledge_point") if source.get(k)}
    return urlencode(keep)


def answer_from(request, question: Question):
    """The answer in a practice form's POST, in the shape of the question's type."""
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
    result, error, chosen, status = None, "", None, 422
    if request.method == "POST" and "answer_submit" in request.POST:
        chosen = answer_from(request, question)
        try:
            result = practice.record_answer(
                learner=request.user, question=question, answer=chosen, mode=mode
            )
        except InvalidAnswer as exc:
            error = str(exc)
        except KeyWithheld as exc:
            error, status = str(exc), 409
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
    return render(request, "exams/practice_question.html", context, status=status if error else 200)
