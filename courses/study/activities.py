"""What a learner must do in a lesson before it counts as completed.

A lesson with a knowledge check (随堂测验) or a drill (模拟演练) is completed by doing them, not
by scrolling past: every check question answered (answered right when the course requires
passing its checks) and every drill step chosen. Lessons of text and video alone complete on
the learner's word, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from courses.models import CheckResult, CoursePage, LessonPage
from courses.study.drills import drill_states
from learning.models import User


@dataclass(frozen=True)
class Outstanding:
    """One activity still to do, for the lesson page's checklist and the 409's detail."""

    kind: str  # "check" or "drill"
    label: str
    anchor: str


def outstanding_activities(
    *, learner: User, lesson: LessonPage, course: CoursePage
) -> list[Outstanding]:
    """The lesson's required activities the learner has not done yet (two small queries)."""
    outstanding: list[Outstanding] = []
    question_ids = lesson.check_question_ids()
    if question_ids:
        results = dict(
            CheckResult.objects.filter(
                learner=learner, lesson=lesson, question_id__in=question_ids
            ).values_list("question_id", "passed")
        )
        must_pass = course.requires_passing_checks
        left = [pk for pk in question_ids if pk not in results or (must_pass and not results[pk])]
        if left:
            label = (
                _("随堂测验：还有 %(n)s 题未答对")
                if must_pass
                else _("随堂测验：还有 %(n)s 题未作答")
            ) % {"n": len(left)}
            outstanding.append(Outstanding("check", label, f"check-{left[0]}"))
    for state in drill_states(learner=learner, lesson=lesson).values():
        if not state.finished:
            label = _("模拟演练《%(title)s》：已完成 %(done)s/%(total)s 步") % {
                "title": state.title,
                "done": state.answered,
                "total": len(state.steps),
            }
            outstanding.append(Outstanding("drill", label, f"drill-{state.block_id}"))
    return outstanding
