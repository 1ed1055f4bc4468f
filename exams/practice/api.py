"""Practice API (练习): daily set, chapters, answering, the wrong-answer book and favourites.

Questions are sent without answer keys or explanations; the answer endpoint returns them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from exams.attempts.review_policy import KeyWithheld
from exams.bank.grading import InvalidAnswer
from exams.bank.versions import practice_questions
from exams.models import PracticeAnswer, Question
from exams.practice import selectors
from exams.practice import services as practice
from learning.platform.ids import Id
from learning.platform.pagination import PageQuery, Pages, page_of

router = Router(tags=["practice"])


class OptionOut(Schema):
    key: str
    text: str


class SubQuestionOut(Schema):
    id: int
    type: str
    stem: str
    score: float
    options: list[OptionOut]


class QuestionOut(Schema):
    id: int
    type: str
    stem: str
    subject: str
    level: str
    chapter: str
    knowledge_points: list[str]
    difficulty: int
    score: float
    options: list[OptionOut]
    sub_questions: list[SubQuestionOut]


def question_out(question: Question) -> dict[str, Any]:
    """A question as a learner may see it before answering: no keys, no explanation."""
    return {
        "id": question.pk,
        "type": question.type,
        "stem": question.stem,
        "subject": question.subject,
        "level": question.level,
        "chapter": question.chapter,
        "knowledge_points": [item.tag.name for item in question.tagged_items.all()],
        "difficulty": question.difficulty,
        "score": float(question.score),
        "options": [{"key": o.key, "text": o.text} for o in question.options.all()],
        "sub_questions": [
            {
                "id": sub.pk,
                "type": sub.type,
                "stem": sub.stem,
                "score": float(sub.score),
                "options": [{"key": o.key, "text": o.text} for o in sub.options.all()],
            }
            for sub in question.sub_questions.all()
        ],
    }


class DailyQuestionOut(QuestionOut):
    answered: bool
    answered_correct: bool | None


class DailyOut(Schema):
    date: date
    completed: bool
    count: int
    questions: list[DailyQuestionOut]


@router.get("/practice/daily", response=DailyOut)
def daily(request):
    """Today's 10 questions (每日一练); the same set all day."""
    chosen = practice.daily_set(learner=request.auth)
    questions = selectors.daily_questions(chosen)
    return {
        "date": chosen.date,
        "completed": chosen.completed_at is not None,
        "count": len(questions),
        "questions": [
            {
                **question_out(q),
                "answered": q.answered,
                "answered_correct": q.answered_correct,
            }
            for q in questions
        ],
    }


class ChapterOut(Schema):
    chapter: str
    subject: str
    level: str
    question_count: int
    done: int
    answers: int
    accuracy: float | None


class KnowledgePointOut(Schema):
    knowledge_point: str
    question_count: int
    answers: int
    accuracy: float | None


class TreeChapterOut(ChapterOut):
    knowledge_points: list[KnowledgePointOut]


class TreeSubjectOut(Schema):
    subject: str
    level: str
    label: str
    question_count: int
    done: int
    answers: int
    accuracy: float | None
    chapters: list[TreeChapterOut]


class ChaptersOut(Schema):
    items: list[ChapterOut]
    count: int
    knowledge_points: list[KnowledgePointOut]
    tree: list[TreeSubjectOut] = Field(
        description="level and subject > chapter > knowledge point, as the practice hub shows"
    )


@router.get("/practice/chapters", response=ChaptersOut)
def chapters(request, pagination: Query[PageQuery], level: str = ""):
    """Chapters and knowledge points with question counts and my accuracy, and the same as a
    tree (``tree``). A bank has a few dozen chapters: the first page (100) holds them all;
    paginated like every list."""
    tree = selectors.practice_tree(learner=request.auth, level=level)
    items = [
        {k: v for k, v in chapter.items() if k != "knowledge_points"}
        for subject in tree["subjects"]
        for chapter in subject["chapters"]
    ]
    return {
        **page_of(items, pagination),
        "knowledge_points": tree["knowledge_points"],
        "tree": tree["subjects"],
    }


@router.get("/practice/questions", response=list[QuestionOut])
@paginate(Pages)
def chapter_questions(
    request, chapter: str = "", knowledge_point: str = "", subject: str = "", level: str = ""
):
    """Questions of a chapter or knowledge point for chapter practice (章节练习)."""
    questions = selectors.chapter_questions(
        chapter=chapter, knowledge_point=knowledge_point, subject=subject, level=level
    )
    return _ShapedPage(selectors.for_display(questions), question_out)


class _ShapedPage:
    """A queryset that the paginator slices and that shapes each row on the way out."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [self.shape(row) for row in self.queryset[item]]


class AnswerIn(Schema):
    question_id: Id
    answer: list[str] | str | bool | dict[str, list[str] | str]
    mode: str = Field(
        PracticeAnswer.Mode.CHAPTER, description="chapter, daily, wrong_book, favourite"
    )


class AnswerOut(Schema):
    correct: bool | None
    correct_answer: list[str] | str | dict[str, list[str]]
    explanation: str
    score: float | None
    max_score: float
    points_awarded: int
    daily_completed: bool
    version: int


PRACTICE_MODES = [m.value for m in practice.POINT_MODES]


@router.post("/practice/answer", response=AnswerOut)
def answer(request, payload: AnswerIn):
    """Answer one question: immediate feedback with the key and the explanation (解析).

    409 with ``detail`` while the review policy withholds the key (the question is in my
    unfinished attempt, or on a paper whose review has not opened): nothing is recorded.
    """
    if payload.mode not in PRACTICE_MODES:
        raise HttpError(422, _("练习方式不正确。"))
    now = timezone.now()
    found = practice.practice_question_for(
        learner=request.auth, question_id=payload.question_id, now=now
    )
    if found is None:
        raise HttpError(422, _("没有这道题。"))
    question, version, earns_nothing, withheld = found
    try:
        result = practice.record_answer(
            learner=request.auth,
            question=question,
            answer=payload.answer,
            mode=payload.mode,
            version=version,
            now=now,
            earns_nothing=earns_nothing,
            withheld=withheld,
        )
    except InvalidAnswer as exc:
        raise HttpError(422, str(exc)) from exc
    except KeyWithheld as exc:
        raise HttpError(409, str(exc)) from exc
    awarded = result.grade.awarded
    return {
        "correct": result.correct,
        "correct_answer": result.correct_answer,
        "explanation": result.explanation,
        "score": None if awarded is None else float(awarded),
        "max_score": float(result.grade.max_score),
        "points_awarded": result.points_awarded,
        "daily_completed": result.daily_completed,
        "version": result.version.number,
    }


class WrongAnswerOut(Schema):
    question: QuestionOut
    wrong_count: int
    last_wrong_at: datetime


@router.get("/wrong-answers", response=list[WrongAnswerOut])
@paginate(Pages)
def wrong_answers(request):
    """My wrong-answer book (错题本), most recent mistakes first."""
    return _ShapedPage(
        selectors.wrong_answer_book(learner=request.auth),
        lambda entry: {
            "question": question_out(entry.question),
            "wrong_count": entry.wrong_count,
            "last_wrong_at": entry.last_wrong_at,
        },
    )


@router.delete("/wrong-answers/{question_id}", response={204: None})
def remove_wrong_answer(request, question_id: Id):
    """Take a question out of my book; it counts as mastered."""
    if not practice.remove_wrong_answer(learner=request.auth, question_id=question_id):
        raise Http404
    return Status(204, None)


class FavouriteOut(Schema):
    question: QuestionOut
    created_at: datetime


@router.get("/practice/favourites", response=list[FavouriteOut])
@paginate(Pages)
def favourites(request):
    """My favourite questions (收藏)."""
    return _ShapedPage(
        selectors.favourites(learner=request.auth),
        lambda entry: {"question": question_out(entry.question), "created_at": entry.created_at},
    )


@router.put("/practice/favourites/{question_id}", response={204: None})
def add_favourite(request, question_id: Id):
    question = get_object_or_404(practice_questions(), pk=question_id)
    practice.set_favourite(learner=request.auth, question=question, favourite=True)
    return Status(204, None)


@router.delete("/practice/favourites/{question_id}", response={204: None})
def remove_favourite(request, question_id: Id):
    question = get_object_or_404(Question, pk=question_id)
    practice.set_favourite(learner=request.auth, question=question, favourite=False)
    return Status(204, None)


class StatsOut(Schema):
    questions_done: int
    answers: int
    accuracy: float | None
    streak_days: int
    wrong_answers: int
    favourites: int


@router.get("/practice/stats", response=StatsOut)
def stats(request):
    """Questions done, accuracy, streak (连续练习天数) and the book's size."""
    return selectors.practice_overview(learner=request.auth)
