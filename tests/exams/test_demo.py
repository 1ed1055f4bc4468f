"""The demo bank loads through the services, is big enough and loads only once."""

import pytest

from exams import demo
from exams.models import Question, QuestionType
from exams.questions import current_version


@pytest.mark.django_db
def test_demo_bank_has_every_subject_level_and_type_and_is_idempotent():
    demo.load()
    demo.load()
    top = Question.objects.filter(parent__isnull=True)
    assert top.count() >= 300
    assert set(top.values_list("subject", flat=True)) == {
        "comprehensive",
        "practice",
        "regulations",
    }
    assert set(top.values_list("level", flat=True)) == {"junior", "intermediate"}
    assert top.filter(type=QuestionType.CASE_ANALYSIS).count() >= 5
    assert top.filter(type=QuestionType.CASE_ESSAY).count() >= 2
    assert not top.exclude(type=QuestionType.CASE_ESSAY).filter(explanation="").exists()
    assert not top.filter(chapter="").exists()


@pytest.mark.django_db
def test_every_demo_case_analysis_is_gradable():
    demo.load()
    for case in Question.objects.filter(type=QuestionType.CASE_ANALYSIS):
        snapshot = current_version(case).snapshot
        assert len(snapshot["sub_questions"]) >= 2
        assert float(snapshot["score"]) > 0
