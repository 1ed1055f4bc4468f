"""Practice session pages: one question per screen with "n/N", feedback, 下一题, the summary.

Plain forms, no script: an answer is a POST that redirects to the same screen (so a reload
shows the feedback again and never answers twice), the feedback is read back from the
recorded answer, and the key and 解析 are shown only while ``exams.attempts.review_policy`` allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from exams.attempts.review_policy import WITHHELD_MESSAGE, KeyWithheld, key_withheld
from exams.bank.grading import InvalidAnswer, correct_answer
from exams.models import Level, PracticeSession, Question, QuestionVersion, Subject
from exams.practice import selectors, sessions
from exams.practice.views import answer_from

Kind = PracticeSession.Kind

#: Where the way out of a session leads, by kind.
BACK_TO = {
    Kind.WRONG_BOOK: "exams:wrong_book",
    Kind.RETRY: "exams:wrong_book",
    Kind.DUE: "exams:wrong_book",
    Kind.FAVOURITE: "exams:favourites",
}


def _scope_from(request) -> sessions.Scope:
    """The scope named in the query string; values that cannot name one are dropped."""
    get = request.GET
    subject = get.get("subject", "")
    level = get.get("level", "")
    return sessions.Scope(
        subject=subject if subject in Subject.values else "",
        level=level if level in Level.values else "",
        chapter=get.get("chapter", "")[:100],
        knowledge_point=get.get("knowledge_point", "")[:100],
    )


@login_required
def start(request, kind: str):
    """A link to a kind of practice: today's unfinished session of it, or a new one."""
    if kind not in sessions.LINKED_KINDS:
        raise Http404
    scope = _scope_from(request)
    if kind == Kind.SMART and not (scope.subject and scope.level):
        raise Http404
    try:
        session = sessions.open_session(learner=request.user, kind=kind, scope=scope)
    except sessions.NothingToPractise as exc:
        messages.info(request, str(exc))
        return redirect(BACK_TO.get(kind, "exams:practice"))
    return redirect("exams:session", session.pk)


def _my_session(request, pk: int) -> PracticeSession:
    """The learner's own session; another learner's is 404, as if it did not exist."""
    return get_object_or_404(PracticeSession, pk=pk, learner=request.user)


@login_required
def resume(request, pk: int):
    """Where a session stands: its first unanswered question, or the summary."""
    session = _my_session(request, pk)
    position = sessions.first_unanswered(session, sessions.session_answers(session))
    if position is None:
        return redirect("exams:session_summary", session.pk)
    return redirect("exams:session_question", session.pk, position)


@dataclass
class Feedback:
    """What the screen shows after an answer (the shape ``exams/_practice_feedback.html``
    reads, as it reads ``exams.practice.services.PracticeResult`` on the single-question page)."""

    correct: bool
    correct_answer: list | dict
    explanation: str
    points_awarded: int


@login_required
def question(request, pk: int, position: int):
    session = _my_session(request, pk)
    total = len(session.question_ids)
    if not 1 <= position <= total:
        raise Http404
    question_id = session.question_ids[position - 1]
    error, status = "", 200
    if request.method == "POST":
        try:
            sessions.answer(
                session=session, position=position, answer=_answer(request, question_id)
            )
            return redirect("exams:session_question", session.pk, position)
        except sessions.AlreadyAnswered:
            return redirect("exams:session_question", session.pk, position)
        except InvalidAnswer as exc:
            error, status = str(exc), 422
        except KeyWithheld as exc:
            error, status = str(exc), 409
    shown = selectors.for_display(Question.objects.filter(pk=question_id)).first()
    if shown is None:
        raise Http404
    answers = sessions.session_answers(session)
    given = answers.get(question_id)
    withheld = key_withheld(learner=request.user, question=shown, now=timezone.now())
    feedback = None
    if given is not None and not withheld:
        feedback = _feedback(session, given)
    chosen = given.answer if given is not None else _posted(request, shown)
    _mark_sub_questions(shown, chosen, feedback)
    last = position == total
    context = {
        "session": session,
        "title": _title(session),
        "position": position,
        "total": total,
        "answered_count": len(answers),
        "question": shown,
        "given": given,
        "result": feedback,
        "withheld": withheld and not error,
        "withheld_message": WITHHELD_MESSAGE,
        "error": error,
        "chosen": chosen if isinstance(chosen, list) else [],
        "favourite": bool(
            selectors.favourite_ids(learner=request.user, question_ids=[question_id])
        ),
        "here": reverse("exams:session_question", args=[session.pk, position]),
        "next_url": (
            reverse("exams:session_summary", args=[session.pk])
            if last
            else reverse("exams:session_question", args=[session.pk, position + 1])
        ),
        "last": last,
        "back_url": reverse(BACK_TO.get(session.kind, "exams:practice")),
    }
    return render(request, "exams/practice_session_question.html", context, status=status)


def _answer(request, question_id: int):
    """The answer in the POST, in the shape of the question's type."""
    question = Question.objects.prefetch_related("sub_questions").filter(pk=question_id).first()
    if question is None:
        raise Http404
    return answer_from(request, question)


def _posted(request, question: Question):
    """What the learner chose in a POST that was refused, to show it again."""
    if request.method != "POST":
        return None
    return answer_from(request, question)


def _feedback(session: PracticeSession, given: sessions.SessionAnswer) -> Feedback:
    snapshot = QuestionVersion.objects.values_list("snapshot", flat=True).get(pk=given.version_id)
    day = timezone.localdate(given.answered_at)
    earned = sessions.points_of(session, [(given.question_id, day, given.answered_at)])
    return Feedback(
        correct=given.correct,
        correct_answer=correct_answer(snapshot),
        explanation=snapshot.get("explanation", ""),
        points_awarded=sum(earned.values()),
    )


def _mark_sub_questions(question: Question, chosen, feedback: Feedback | None) -> None:
    """Each sub-question of a case with its field name, what was chosen and its key."""
    parts = chosen if isinstance(chosen, dict) else {}
    keys = feedback.correct_answer if feedback and isinstance(feedback.correct_answer, dict) else {}
    for sub in question.sub_questions.all():
        sub.field_name = f"answer-{sub.pk}"
        sub.chosen = parts.get(str(sub.pk), [])
        sub.right_keys = keys.get(str(sub.pk), [])


def _title(session: PracticeSession) -> str:
    """每日一练, or 章节练习 · 社会工作伦理: the kind and what it covers."""
    covers = session.knowledge_point or session.chapter
    if session.kind == Kind.SMART and session.subject:
        covers = selectors.subject_label(session.subject, session.level)
    label = str(session.get_kind_display())
    return f"{label} · {covers}" if covers else label


@login_required
def summary(request, pk: int):
    session = _my_session(request, pk)
    result = sessions.summary(session)
    questions = Question.objects.in_bulk(session.question_ids)
    rows = [
        {
            "position": position,
            "question": questions.get(question_id),
            "correct": result.results.get(question_id),
            "withheld": question_id in result.withheld,
        }
        for position, question_id in enumerate(session.question_ids, start=1)
    ]
    minutes, seconds = divmod(result.seconds, 60)
    return render(
        request,
        "exams/practice_session_summary.html",
        {
            "session": session,
            "title": _title(session),
            "summary": result,
            "percent": None if result.accuracy is None else round(100 * result.accuracy),
            "minutes": minutes,
            "seconds": seconds,
            "rows": rows,
            "first_unanswered": sessions.first_unanswered(
                session, dict.fromkeys(result.results, True)
            ),
            "back_url": reverse(BACK_TO.get(session.kind, "exams:practice")),
        },
    )


@login_required
@require_POST
def again(request, pk: int):
    """再练一组."""
    return _started(request, lambda: sessions.again(session=_my_session(request, pk)), pk)


@login_required
@require_POST
def retry(request, pk: int):
    """重做错题: this session's wrong answers as a new session."""
    return _started(request, lambda: sessions.retry_wrong(session=_my_session(request, pk)), pk)


def _started(request, start_one, pk: int):
    try:
        session = start_one()
    except sessions.NothingToPractise as exc:
        messages.info(request, str(exc))
        return redirect("exams:session_summary", pk)
    return redirect("exams:session", session.pk)
