"""The result report of a finished attempt (成绩报告), as exam-prep apps show it after 交卷:
the score against the paper's pass line, where points were won and lost by chapter and by
question type, the time used, and where the candidate stands among everyone who sat the same
paper (排名 and 百分位, "超过了 N% 的考生").

It is made of scores only, never of keys or explanations, so it follows the score's own
visibility (``exams.attempts.services.score_visible``: a paper that publishes results after it closes
has no report before then); what a review may show is ``exams.attempts.review_policy``'s to decide.

Definitions, so the numbers can be checked by hand:

- a chapter (章节) is the question's chapter in the bank, "未分章节" when it has none; a case
  analysis counts as one question of its own type, whatever its sub-questions;
- a question is answered right (答对) when it was graded right; case essays are never "right",
  they score what the lecturer gave;
- the other candidates are the other learners with a finished attempt at the paper, each
  with one result: their attempts combined by the paper's grading method (highest, first, last
  or average, as ``exams.attempts.services.result_of``), exactly as their pass is judged; the attempt
  being reported stands for its own learner, so a resit is ranked on its own score;
- rank = 1 + the number of other candidates with a higher result (ties share a rank);
- percentile = the share of the other candidates with a strictly lower result, in whole
  percent rounded down (never claims more than was beaten); none when nobody else sat it;
- time used = from the start to the hand-in, at most to the deadline (a hand-in the schedule
  made later does not count the learner's absence as time used).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from exams.attempts.services import result_of, score_visible
from exams.models import Attempt, QuestionType


@dataclass
class BreakdownRow:
    """Questions of one chapter or one type: how many, how many right, points won of how many."""

    label: str
    questions: int = 0
    correct: int = 0
    awarded: Decimal = Decimal(0)
    max_score: Decimal = Decimal(0)

    @property
    def percent(self) -> int:
        """Points won as a whole percentage of the points available (得分率)."""
        if not self.max_score:
            return 0
        return int(self.awarded * 100 / self.max_score)


@dataclass(frozen=True)
class Standing:
    """Where the attempt stands among the candidates who sat the paper."""

    rank: int
    #: Learners with a finished attempt at the paper, this attempt's learner included.
    candidates: int
    #: Share of the other candidates with a lower result (whole percent), ``None`` alone.
    percentile: int | None


@dataclass
class AttemptReport:
    score: Decimal
    max_score: Decimal
    pass_score: Decimal
    passed: bool
    time_used: timedelta
    time_limit_minutes: int
    questions: int = 0
    correct: int = 0
    #: Questions graded wrong (unanswered included): what "只看错题" shows.
    wrong: int = 0
    by_chapter: list[BreakdownRow] = field(default_factory=list)
    by_type: list[BreakdownRow] = field(default_factory=list)
    standing: Standing | None = None

    @property
    def time_used_parts(self) -> tuple[int, int]:
        """``(minutes, seconds)`` of the time used."""
        minutes, seconds = divmod(int(self.time_used.total_seconds()), 60)
        return minutes, seconds


def attempt_report(*, attempt: Attempt, now: datetime) -> AttemptReport | None:
    """The report of ``attempt`` (with its paper), or ``None`` while its score is not shown."""
    if not score_visible(attempt, now=now) or attempt.score is None:
        return None
    report = AttemptReport(
        score=attempt.score,
        max_score=attempt.max_score,
        pass_score=attempt.paper.pass_score,
        passed=bool(attempt.passed),
        time_used=time_used(attempt),
        time_limit_minutes=attempt.paper.time_limit_minutes,
    )
    chapters: dict[str, BreakdownRow] = {}
    types: dict[str, BreakdownRow] = {}
    no_chapter = _("未分章节")
    rows = attempt.items.order_by("position").values_list(
        "score", "awarded", "correct", "question__chapter", "question__type"
    )
    for score, awarded, correct, chapter, question_type in rows:
        label = chapter.strip() or no_chapter
        chapter_row = chapters.setdefault(label, BreakdownRow(label))
        type_row = types.setdefault(question_type, BreakdownRow(type_label(question_type)))
        for row in (chapter_row, type_row):
            row.questions += 1
            row.correct += correct is True
            row.awarded += awarded or Decimal(0)
            row.max_score += score
        report.questions += 1
        report.correct += correct is True
        report.wrong += correct is False
    report.by_chapter = list(chapters.values())
    report.by_type = list(types.values())
    report.standing = standing(attempt)
    return report


def time_used(attempt: Attempt) -> timedelta:
    end = min(attempt.submitted_at or attempt.deadline, attempt.deadline)
    return max(end - attempt.started_at, timedelta(0))


def standing(attempt: Attempt, *, organisation_path: str = "") -> Standing:
    """Rank and percentile of the attempt's score among the paper's candidates (see above);
    with ``organisation_path``, among those whose organisation is in that subtree only (a
    contest's county, street or community ranking)."""
    others = other_results(attempt, organisation_path=organisation_path)
    higher = sum(1 for result in others if result > attempt.score)
    lower = sum(1 for result in others if result < attempt.score)
    percentile = lower * 100 // len(others) if others else None
    return Standing(rank=higher + 1, candidates=len(others) + 1, percentile=percentile)


def other_results(attempt: Attempt, *, organisation_path: str = "") -> list[Decimal]:
    """One result per other learner who finished the paper, by the paper's grading method.

    One query over the paper's finished attempts; a mock paper is sat by a prefecture's
    candidates (thousands of rows at most), grouped here in order of sitting.
    """
    finished = Attempt.objects.filter(
        paper_id=attempt.paper_id, state=Attempt.State.FINISHED, score__isnull=False
    )
    if organisation_path:
        finished = finished.filter(
            learner__profile__organisation__path__startswith=organisation_path
        )
    rows = (
        finished.exclude(learner_id=attempt.learner_id)
        .order_by("learner_id", "started_at", "pk")
        .values_list("learner_id", "score")
    )
    method = attempt.paper.grading_method
    return [
        result_of(method, [score for _learner, score in group])
        for _learner, group in itertools.groupby(rows, key=lambda row: row[0])
    ]


def type_label(question_type: str) -> str:
    """The type's name as learners know it (单选题, 案例分析…)."""
    try:
        return str(QuestionType(question_type).label)
    except ValueError:
        return question_type
