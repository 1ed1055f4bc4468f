"""The one place that decides whether a learner may see a question's key and explanation.

Every route that can show a correct answer or an explanation (practice answers in the API and
on the site, the wrong-answer book and favourites that lead to them, lesson knowledge checks,
attempt results and their review) asks this module. It withholds them for a question that is

- marked exam-only (``Question.exam_only``: kept for papers, never practised);
- in an attempt of this learner that is not finished, or finished on a paper whose review is
  not open to them (score only, or "after close" before it has closed);
- on a paper whose review opens only after it closes and that has not closed yet, for every
  learner: otherwise one candidate could practise the paper's questions before sitting it and
  pass the keys on.

While a key is withheld, the question is not graded in practice at all (``KeyWithheld``): a
right/wrong verdict alone lets a learner find a single-choice key in at most three tries.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from exams.models import Attempt, AttemptQuestion, Paper, PaperQuestion, Question
from learning.platform.raw_sql import CompiledOnce

#: Shown when a practice answer is refused because its key is withheld.
WITHHELD_MESSAGE = _("这道题在未结束的考试中或成绩公布前不能练习，答案和解析暂不显示。")


class KeyWithheld(Exception):
    """Raised instead of grading a practice answer whose key may not be shown now."""

    def __init__(self):
        super().__init__(str(WITHHELD_MESSAGE))


def attempt_review_open(attempt: Attempt, *, now: datetime) -> bool:
    """Whether the keys and explanations of a finished attempt may be shown to its learner."""
    if attempt.state != Attempt.State.FINISHED:
        return False
    paper = attempt.paper
    if paper.review_content != Paper.ReviewContent.FULL:
        return False
    return _paper_closed_for_review(paper, now=now)


def _paper_closed_for_review(paper: Paper, *, now: datetime) -> bool:
    if paper.review_timing == Paper.ReviewTiming.AFTER_CLOSE:
        return paper.closes_at is not None and now >= paper.closes_at
    return True


def _closed_review(now: datetime) -> Q:
    """On papers: review of answers is not open (score only, or after a close not reached)."""
    return ~Q(review_content=Paper.ReviewContent.FULL) | Q(
        review_timing=Paper.ReviewTiming.AFTER_CLOSE
    ) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))


def withheld_question_ids(
    *, learner, question_ids, now: datetime, reviewing: Attempt | None = None
) -> set[int]:
    """Of these (top-level) questions, those whose key and explanation the learner may not see.

    ``reviewing`` is the finished attempt whose review asks: its own questions may be shown
    there even when exam-only, but not while another attempt of the learner holds them.
    """
    ids = set(question_ids)
    if not ids:
        return set()
    withheld = set()
    if reviewing is None:
        withheld |= set(
            Question.objects.filter(pk__in=ids, exam_only=True).values_list("pk", flat=True)
        )
    in_attempts = AttemptQuestion.objects.filter(attempt__learner=learner, question_id__in=ids)
    if reviewing is not None:
        in_attempts = in_attempts.exclude(attempt=reviewing)
    withheld |= set(
        in_attempts.filter(
            ~Q(attempt__state=Attempt.State.FINISHED)
            | Q(attempt__paper__in=Paper.objects.filter(_closed_review(now)))
        ).values_list("question_id", flat=True)
    )
    on_closed_papers = PaperQuestion.objects.filter(
        question_id__in=ids, paper__review_timing=Paper.ReviewTiming.AFTER_CLOSE
    ).filter(Q(paper__closes_at__isnull=True) | Q(paper__closes_at__gt=now))
    if reviewing is not None:
        on_closed_papers = on_closed_papers.exclude(paper_id=reviewing.paper_id)
    withheld |= set(on_closed_papers.values_list("question_id", flat=True))
    return withheld


def _key_withheld_query(*, learner, question_id: int, now: datetime):
    in_attempt = AttemptQuestion.objects.filter(
        attempt__learner=learner, question_id=question_id
    ).filter(
        ~Q(attempt__state=Attempt.State.FINISHED)
        | Q(attempt__paper__in=Paper.objects.filter(_closed_review(now)))
    )
    on_closed_paper = PaperQuestion.objects.filter(
        question_id=question_id, paper__review_timing=Paper.ReviewTiming.AFTER_CLOSE
    ).filter(Q(paper__closes_at__isnull=True) | Q(paper__closes_at__gt=now))
    return Question.objects.filter(
        Q(exam_only=True) | Exists(in_attempt) | Exists(on_closed_paper), pk=question_id
    ).values_list("pk")[:1]


def key_withheld(*, learner, question: Question, now: datetime) -> bool:
    """Whether this question's key and explanation are withheld from the learner now (1 query)."""
    if question.exam_only:
        return True
    return _key_withheld_query(learner=learner, question_id=question.pk, now=now).exists()


_key_withheld_sql = CompiledOnce(
    lambda *, learner_id, question_id, now: _key_withheld_query(
        learner=learner_id, question_id=question_id, now=now
    )
)


def key_withheld_statement(*, learner, question_id: int, now: datetime) -> tuple[str, tuple]:
    """The read of ``key_withheld`` as SQL, to send with other reads in one round trip
    (``learning.platform.raw_sql.fetch_together``); ``key_withheld_from`` reads its rows.

    The ORM writes the SQL once per process (``CompiledOnce``): compiling it took 4-5 ms of
    CPU of each practice answer (11 ms in-process on the SQLite bench data), running it
    well under 0.1 ms."""
    return _key_withheld_sql(learner_id=learner.pk, question_id=question_id, now=now)


def key_withheld_from(fetched: list) -> bool:
    """``key_withheld`` from the rows of ``key_withheld_statement``."""
    return bool(fetched)
