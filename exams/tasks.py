"""Background work of the bank (django-q2)."""

from __future__ import annotations

from wagtail.search.backends import get_search_backend

from exams.models import Question


def index_questions(question_ids: list[int]) -> int:
    """Add imported questions to the search index (slow for big files, so not in the request)."""
    questions = list(Question.objects.filter(pk__in=question_ids))
    get_search_backend().add_bulk(Question, questions)
    return len(questions)
