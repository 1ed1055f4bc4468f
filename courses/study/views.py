"""Site views that are not pages: search, and the learner's enrol/complete/check actions.

The actions answer JSON to the lesson page's script (``Accept: application/json``) and
redirect with a message otherwise, so every lesson works without JavaScript too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from courses.search.selectors import site_search
from courses.study import checks, drills, services
from learning.platform.ids import parse_id

SEARCH_PER_PAGE = 10


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(site_search(query) if query else [], SEARCH_PER_PAGE).get_page(
        request.GET.get("page")
    )
    hits = list(page.object_list)
    specific = Page.objects.filter(pk__in=[hit.page.pk for hit in hits]).specific().in_bulk()
    for hit in hits:
        hit.page = specific.get(hit.page.pk, hit.page)
    context = {
        "query": query,
        "page_obj": page,
        "hits": hits,
        "query_string": urlencode({"q": query}),
    }
    return render(request, "courses/search.html", context)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _live_lesson(lesson_id: int) -> LessonPage:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not CoursePage.objects.live().filter(path=lesson.path[: -LessonPage.steplen]).exists():
        raise Http404
    return lesson


@require_POST
def _local(request, url: str | None) -> str | None:
    """``url`` if it stays on this site, else None: a posted ``next`` must not send the
    learner to another site (an open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_required
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    services.enrol(learner=request.user, course=course)
    messages.success(request, _("已加入学习计划。"))
    return redirect(course.url)


@require_POST
@login_required
def complete_lesson(request, lesson_id: int):
    lesson = _live_lesson(lesson_id)
    try:
        result = services.complete_lesson(learner=request.user, lesson=lesson)
    except services.LessonIncomplete as error:
        if _wants_json(request):
            return JsonResponse({"detail": str(error)}, status=409)
        messages.error(request, str(error))
        return redirect(f"{lesson.url}#lesson-end")
    if result.course_completed:
        message = _("恭喜，课程已学完！获得 %(n)s 积分。") % {"n": result.points_awarded}
    elif result.lesson_newly_completed:
        message = _("本课时已完成，获得 %(n)s 积分。") % {"n": result.points_awarded}
    else:
        message = _("本课时已完成。")
    if _wants_json(request):
        return JsonResponse(
            {
                "completed": True,
                "points_awarded": result.points_awarded,
                "course_completed": result.course_completed,
                "message": message,
            }
        )
    if result.course_completed or result.lesson_newly_completed:
        messages.success(request, message)
    return redirect(_local(request, request.POST.get("next")) or lesson.url)


@require_POST
@login_required
def answer_check(request, lesson_id: int):
    lesson = _live_lesson(lesson_id)
    question_id = parse_id(request.POST.get("question_id"))
    answer = request.POST.getlist("answer")
    if question_id is None or not answer:
        message = _("请先选择答案。")
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=422)
        messages.error(request, message)
        return redirect(lesson.url)
    try:
        feedback = checks.answer_check(
            learner=request.user, lesson=lesson, question_id=question_id, answer=answer
        )
    except checks.CheckError as error:
        if _wants_json(request):
            return JsonResponse({"detail": str(error)}, status=422)
        messages.error(request, str(error))
        return redirect(lesson.url)
    verdict = _check_verdict(feedback)
    if _wants_json(request):
        return JsonResponse({**feedback.as_dict(), "message": verdict})
    explanation = strip_tags(feedback.explanation)
    report = messages.success if feedback.correct else messages.warning
    report(request, verdict + explanation)
    return redirect(f"{lesson.url}#check-{feedback.question_id}")


@require_POST
@login_required
def drill_choice(request, lesson_id: int):
    """One step of a drill chosen: JSON of the drill for the page's script, else back to it."""
    lesson = _live_lesson(lesson_id)
    block_id = request.POST.get("block_id", "")
    step, choice = request.POST.get("step", ""), request.POST.get("choice", "")
    try:
        if not (step.isdigit() and choice.isdigit()):
            raise drills.DrillError(_("请选择一个做法。"))
        state = drills.choose(
            learner=request.user,
            lesson=lesson,
            block_id=block_id,
            step=int(step),
            choice=int(choice),
        )
    except drills.DrillError as error:
        if _wants_json(request):
            return JsonResponse({"detail": str(error)}, status=422)
        messages.error(request, str(error))
        return redirect(lesson.url)
    if _wants_json(request):
        return JsonResponse(state.as_dict())
    return redirect(f"{lesson.url}#drill-{block_id}-{step}")


def _check_verdict(feedback: checks.CheckFeedback) -> str:
    """The one-line verdict on an inline answer, in the learner's language, for the page's
    message and for the inline script (which has no catalogue of its own)."""
    if feedback.correct:
        return _("回答正确。")
    return _("回答错误，正确答案：%(answer)s。") % {"answer": _("、").join(feedback.correct_answer)}
