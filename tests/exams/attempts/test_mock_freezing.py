"""Attempts freeze what they drew: questions, versions and option order, seeded per attempt."""

from decimal import Decimal

import pytest
from django.utils import timezone

from exams.attempts.services import start_attempt, submit_attempt
from exams.models import BlueprintRule, Option, Paper
from exams.papers.services import PaperUnavailable, apply_real_exam_preset, spread_over_chapters
from tests.exams.mock_helpers import choice_question, fixed_paper


def shown(attempt):
    return [(item.question_id, tuple(item.option_order)) for item in attempt.items.all()]


@pytest.fixture
def shuffled_paper(db):
    questions = [choice_question(stem=f"第{i}题", keys="ABCD") for i in range(12)]
    return fixed_paper(questions, shuffle_questions=True, shuffle_options=True)


def test_shuffling_differs_between_learners(shuffled_paper, make_learner):
    now = timezone.now()
    orders = {
        tuple(shown(start_attempt(paper=shuffled_paper, learner=make_learner(), now=now)[0]))
        for _ in range(3)
    }
    assert len(orders) == 3


def test_shuffling_differs_between_attempts_of_one_learner(shuffled_paper, learner):
    first, _ = start_attempt(paper=shuffled_paper, learner=learner, now=timezone.now())
    submit_attempt(attempt_id=first.pk, now=timezone.now())
    second, _ = start_attempt(paper=shuffled_paper, learner=learner, now=timezone.now())
    assert shown(first) != shown(second)


def test_same_paper_on_reload(shuffled_paper, learner, client, token_for):
    url = f"/api/v1/papers/{shuffled_paper.pk}/attempts"
    first = client.post(url, **token_for(learner)).json()
    detail = client.get(f"/api/v1/attempts/{first['id']}", **token_for(learner)).json()
    assert [q["id"] for q in detail["questions"]] == [q["id"] for q in first["questions"]]
    assert [q["options"] for q in detail["questions"]] == [q["options"] for q in first["questions"]]


def test_shown_keys_are_relabelled_and_graded_against_the_original(shuffled_paper, learner):
    attempt, _ = start_attempt(paper=shuffled_paper, learner=learner, now=timezone.now())
    item = attempt.items.first()
    right = Option.objects.get(question=item.question, is_correct=True)
    shown_key = "ABCD"[item.option_order.index(right.key)]
    from exams.attempts.services import save_answers

    save_answers(attempt=attempt, answers={str(item.question_id): shown_key}, now=timezone.now())
    item.refresh_from_db()
    assert item.answer == [right.key]
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    item.refresh_from_db()
    assert item.awarded == 1


def test_editing_a_question_after_start_does_not_change_the_attempt(learner):
    question = choice_question(stem="原题干", right="A")
    paper = fixed_paper([question])
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    question.stem = "修改后的题干"
    question.save()
    Option.objects.filter(question=question).update(is_correct=False)
    Option.objects.filter(question=question, key="B").update(is_correct=True)
    item = attempt.items.get()
    item.answer = ["A"]
    item.save()
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    item.refresh_from_db()
    assert item.version.snapshot["stem"] == "原题干"
    assert item.awarded == 1


def test_attempts_on_two_versions_are_each_graded_against_their_own(learner, make_learner):
    question = choice_question(stem="原题干", right="A")
    paper = fixed_paper([question])
    before, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    Option.objects.filter(question=question).update(is_correct=False)
    Option.objects.filter(question=question, key="B").update(is_correct=True)
    after, _ = start_attempt(paper=paper, learner=make_learner(), now=timezone.now())
    assert before.items.get().version_id != after.items.get().version_id
    for attempt in (after, before):
        attempt.items.update(answer=["A"])
    assert submit_attempt(attempt_id=after.pk, now=timezone.now()).score == 0
    assert submit_attempt(attempt_id=before.pk, now=timezone.now()).score == 1


def test_true_false_options_keep_their_order(learner):
    from exams.models import Question
    from tests.exams.mock_helpers import bank_named

    question = Question.objects.create(bank=bank_named(), type="true_false", stem="判断")
    Option.objects.create(question=question, key="A", text="正确", is_correct=True, sort_order=0)
    Option.objects.create(question=question, key="B", text="错误", sort_order=1)
    paper = fixed_paper([question], shuffle_options=True)
    for _ in range(5):
        attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
        assert attempt.items.get().option_order == ["A", "B"]
        submit_attempt(attempt_id=attempt.pk, now=timezone.now())


def test_spread_over_chapters_uses_largest_remainders():
    weights = {"第一章": Decimal(1), "第二章": Decimal(1), "第三章": Decimal(1)}
    assert spread_over_chapters(10, weights) == {"第一章": 4, "第二章": 3, "第三章": 3}
    assert spread_over_chapters(6, {"甲": Decimal(2), "乙": Decimal(1)}) == {"甲": 4, "乙": 2}


def test_blueprint_draws_by_chapter_weight(learner):
    for i in range(10):
        choice_question(stem=f"甲{i}", chapter="第一章")
        choice_question(stem=f"乙{i}", chapter="第二章")
    paper = Paper.objects.create(
        title="章节测验", kind="blueprint", is_published=True, level="junior"
    )
    BlueprintRule.objects.create(
        paper=paper, question_type="single", count=6, chapters="第一章=2\n第二章=1"
    )
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    chapters = [item.question.chapter for item in attempt.items.select_related("question")]
    assert chapters.count("第一章") == 4
    assert chapters.count("第二章") == 2


def test_short_chapter_hands_its_share_to_the_others(learner):
    choice_question(stem="甲", chapter="第一章")
    for i in range(10):
        choice_question(stem=f"乙{i}", chapter="第二章")
    paper = Paper.objects.create(title="测验", kind="blueprint", is_published=True)
    BlueprintRule.objects.create(
        paper=paper, question_type="single", count=6, chapters="第一章\n第二章"
    )
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    assert attempt.items.count() == 6


def test_blueprint_with_too_few_questions_cannot_start(learner):
    choice_question()
    paper = Paper.objects.create(title="测验", kind="blueprint", is_published=True)
    BlueprintRule.objects.create(paper=paper, question_type="single", count=5)
    with pytest.raises(PaperUnavailable):
        start_attempt(paper=paper, learner=learner, now=timezone.now())


def test_real_exam_preset_reproduces_the_certification_paper(learner):
    for i in range(65):
        choice_question(stem=f"单{i}")
    for i in range(22):
        choice_question(stem=f"多{i}", right="AB", keys="ABCDE", multiple=True)
    paper = apply_real_exam_preset(
        Paper(title="初级综合能力", level="junior", subject="comprehensive", is_published=True)
    )
    paper.refresh_from_db()
    assert (paper.time_limit_minutes, paper.pass_score) == (120, 60)
    assert (paper.question_count, paper.max_score) == (80, 100)
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    types = [item.version.snapshot["type"] for item in attempt.items.all()]
    assert (types.count("single"), types.count("multiple")) == (60, 20)
    assert attempt.max_score == 100


def test_intermediate_practice_preset_is_five_hand_marked_essays(db):
    paper = apply_real_exam_preset(
        Paper(title="中级实务", level="intermediate", subject="practice", is_published=True)
    )
    assert [(r.question_type, r.count, r.score) for r in paper.rules.all()] == [
        ("case_essay", 5, 20)
    ]
