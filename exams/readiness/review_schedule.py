"""When to see a wrong answer again: the wrong-answer book scheduled by FSRS (``fsrs``).

FSRS (Free Spaced Repetition Scheduler) models how fast a learner forgets an item and
schedules the next review when recall would drop to about 90 %. Each graded answer to a
question since it first went wrong is one review: wrong is rated "Again" (soon), right "Good"
(further out each time). The schedule is replayed from the answers on reading rather than
stored: the answer path, the hottest write of the site, stays as it is, and the due dates can
never disagree with the history they come from. The book still decides *what* is open
(``exams.practice.services.update_wrong_book``, 连续答对 2 次移出); FSRS only says *when*.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from exams.models import PracticeAnswer, WrongAnswer

_scheduler = Scheduler(enable_fuzzing=False)


def due_dates(*, learner, question_ids=None) -> dict[int, datetime]:
    """The next review of each open wrong-answer-book question (or of those given)."""
    entries = WrongAnswer.objects.filter(learner=learner, mastered_at__isnull=True)
    if question_ids is not None:
        entries = entries.filter(question_id__in=list(question_ids))
    open_ids = list(entries.values_list("question_id", flat=True))
    history: dict[int, list[tuple[datetime, bool]]] = {}
    for question_id, correct, answered_at in (
        PracticeAnswer.objects.filter(learner=learner, question_id__in=open_ids)
        .order_by("answered_at", "pk")
        .values_list("question_id", "correct", "answered_at")
    ):
        reviews = history.setdefault(question_id, [])
        if reviews or not correct:  # the schedule starts at the first wrong answer
            reviews.append((answered_at, correct))
    return {question_id: _replay(reviews) for question_id, reviews in history.items() if reviews}


def _replay(reviews: list[tuple[datetime, bool]]) -> datetime:
    card = Card()
    for answered_at, correct in reviews:
        card, _log = _scheduler.review_card(
            card, Rating.Good if correct else Rating.Again, answered_at.astimezone(UTC)
        )
    return card.due


def due_today(*, learner, now: datetime | None = None) -> list[dict]:
    """Open wrong-answer-book questions whose review falls today or earlier (今日待复习)."""
    now = now or timezone.now()
    end_of_day = timezone.make_aware(
        datetime.combine(timezone.localdate(now) + timedelta(days=1), time.min)
    )
    due = [
        {"question": question_id, "due_at": due_at}
        for question_id, due_at in due_dates(learner=learner).items()
        if due_at < end_of_day
    ]
    return sorted(due, key=lambda d: (d["due_at"], d["question"]))
