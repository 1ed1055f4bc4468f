"""Knowledge checks (随堂测验): answering a lesson's bank questions inline.

Answers go through the question bank's practice service (``mode=LESSON``), so they count in
the learner's practice statistics and wrong-answer book like any other practice; this module
adds only what courses need: whether each check question has been passed, and finishing a
course that requires its checks once the last one is passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CheckResult, LessonPage
from courses.study.services import course_of, recheck_course
from exams.attempts.review_policy import KeyWithheld
from exams.bank.grading import InvalidAnswer
from exams.bank.versions import with_content
from exams.models import PracticeAnswer
from exams.practice.services import record_answer
from learning.models import User


class CheckError(ValueError):
    """The question is not one of the lesson's checks, or the answer cannot belong to it."""


@dataclass
class CheckFeedback:
    question_id: int
    correct: bool
    correct_answer: list[str]
    explanation: str
    feedback: dict[str, str]
    points_awarded: int = 0
    course_completed: bool = False

    def as_dict(self) -> dict:
        return {
            "question_id": self.question_id,
            "correct": self.correct,
            "correct_answer": self.correct_answer,
            "explanation": self.explanation,
            "feedback": self.feedback,
            "points_awarded": self.points_awarded,
            "course_completed": self.course_completed,
        }


def answer_check(
    *, learner: User, lesson: LessonPage, question_id: int, answer, now: datetime | None = None
) -> CheckFeedback:
    """Grade an inline answer, record it as lesson practice and return the feedback."""
    if question_id not in lesson.check_question_ids():
        raise CheckError(_("这道题不在本课时的随堂测验中。"))
    question = with_content().get(pk=question_id)
    now = now or timezone.now()
    course = course_of(lesson)
    try:
        result = record_answer(
            learner=learner,
            question=question,
            answer=answer,
            mode=PracticeAnswer.Mode.LESSON,
            now=now,
        )
    except (InvalidAnswer, KeyWithheld) as error:
        raise CheckError(str(error)) from error
    correct = bool(result.correct)
    with transaction.atomic():
        check, _created = CheckResult.objects.get_or_create(
            learner=learner, lesson=lesson, question=question, defaults={"course": course}
        )
        changes = {"attempts": F("attempts") + 1}
        if correct:
            changes["passed"] = True  # once passed, a later wrong answer does not undo it
        CheckResult.objects.filter(pk=check.pk).update(**changes)
    chosen = set(result.grade.answer) if isinstance(result.grade.answer, list) else set()
    feedback = CheckFeedback(
        question_id=question.pk,
        correct=correct,
        correct_answer=result.correct_answer,
        explanation=result.explanation,
        feedback={
            option["key"]: option["feedback"]
            for option in result.version.snapshot["options"]
            if option["key"] in chosen and option.get("feedback")
        },
        points_awarded=result.points_awarded,
    )
    if correct and course.requires_passing_checks:
        course_points = recheck_course(learner=learner, course=course, now=now)
        if course_points is not None:
            feedback.course_completed = True
            feedback.points_awarded += course_points
    return feedback
