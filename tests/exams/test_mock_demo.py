"""The mock exam demo loader: four papers with finished attempts, idempotent."""

import pytest

from exams import demo_papers
from exams.models import Attempt, Paper
from learning import demo as learning_demo
from learning.models import LedgerEntry
from tests.exams.mock_helpers import choice_question


@pytest.fixture
def small_bank(db):
    for level in ("junior", "intermediate"):
        for subject in ("comprehensive", "practice", "regulations"):
            for i in range(12):
                choice_question(
                    stem=f"{level}{subject}单{i}", level=level, subject=subject, chapter="第一章"
                )
            for i in range(6):
                choice_question(
                    stem=f"{level}{subject}多{i}",
                    level=level,
                    subject=subject,
                    chapter="第一章",
                    right="AB",
                    keys="ABCDE",
                    multiple=True,
                )


def test_demo_makes_four_papers_with_finished_attempts_once(small_bank):
    learning_demo.load()
    demo_papers.load()
    titles = sorted(Paper.objects.values_list("title", flat=True))
    assert len(titles) == 4
    assert any("章节小测：第一章" in t for t in titles)
    finished = Attempt.objects.filter(state="finished").count()
    assert finished > 20
    assert Attempt.objects.filter(learner__phone="13800000001", state="finished").count() == 1
    assert LedgerEntry.objects.filter(action="mock_exam_finished").count() == finished
    demo_papers.load()
    assert Paper.objects.count() == 4
    assert Attempt.objects.count() == finished


def test_demo_skips_quietly_without_a_bank(db):
    demo_papers.load()
    assert not Paper.objects.exists()
