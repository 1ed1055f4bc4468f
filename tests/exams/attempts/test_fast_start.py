"""Issue 21.2: a start copies a prepared paper variant, so its cost does not grow with the bank."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from exams.attempts.services import start_attempt
from exams.models import (
    Attempt,
    BlueprintRule,
    Option,
    Paper,
    PaperVariant,
    Question,
    QuestionVersion,
)
from exams.papers import variants
from tests.exams.mock_helpers import bank_named, soon


def add_bank_questions(count: int, *, start: int = 0) -> None:
    """``count`` single-choice questions with four options, in bulk (a big bank quickly)."""
    bank = bank_named()
    questions = Question.objects.bulk_create(
        Question(
            bank=bank,
            type="single",
            stem=f"题{start + n}",
            explanation="解析",
            subject="comprehensive",
            level="junior",
            score=1,
        )
        for n in range(count)
    )
    Option.objects.bulk_create(
        Option(question=q, key=key, text=f"选项{key}", is_correct=key == "A", sort_order=i)
        for q in questions
        for i, key in enumerate("ABCD")
    )


def blueprint_paper(count: int = 30, **fields) -> Paper:
    paper = Paper.objects.create(
        title="按规则抽题模拟卷",
        kind=Paper.Kind.BLUEPRINT,
        level="junior",
        subject="comprehensive",
        is_published=True,
        **fields,
    )
    BlueprintRule.objects.create(paper=paper, question_type="single", count=count, score=1)
    return paper


@pytest.fixture(autouse=True)
def _no_debounce():
    cache.clear()
    yield
    cache.clear()


def _start_queries(client, headers, paper) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers)
    assert response.status_code == 201
    return len(queries), response.json()


def test_query_count_of_a_start_does_not_grow_with_the_bank(
    db, make_learner, client, token_for, django_assert_max_num_queries
):
    add_bank_questions(100)
    paper = blueprint_paper()
    assert variants.prepare(paper) == variants.VARIANTS
    small, body = _start_queries(client, token_for(make_learner(name="甲")), paper)
    assert len(body["questions"]) == 30
    add_bank_questions(900, start=100)
    variants.prepare(paper)
    headers = token_for(make_learner(name="乙"))
    with django_assert_max_num_queries(small):
        large, _body = _start_queries(client, headers, paper)
    assert large == small
    assert small <= 14


def test_a_start_copies_a_variant_frozen_and_without_keys(db, make_learner, client, token_for):
    add_bank_questions(60)
    paper = blueprint_paper(count=20, shuffle_questions=True, shuffle_options=True)
    variants.prepare(paper)
    learner = make_learner(name="丙")
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    attempt = Attempt.objects.get(pk=body["id"])
    variant = variants.pick(paper, learner_id=learner.pk, number=1)
    held = {question for question, *_rest in variant.items}
    items = list(attempt.items.order_by("position"))
    assert {item.question_id for item in items} == held  # the variant's questions, shuffled
    for item in items:  # versions as frozen, option orders a permutation of the keys
        assert QuestionVersion.objects.get(pk=item.version_id).question_id == item.question_id
        assert sorted(item.option_order) == ["A", "B", "C", "D"]
    assert attempt.max_score == Decimal(20)
    text = str(body)
    for secret in ("is_correct", "correct_answer", "explanation", "解析"):
        assert secret not in text
    # Starting again returns the same attempt, not a second one.
    again = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers)
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_variants_rebuilt_when_the_rules_change(db, django_capture_on_commit_callbacks):
    add_bank_questions(80)
    with django_capture_on_commit_callbacks(execute=True):
        paper = blueprint_paper(count=30)
    assert PaperVariant.objects.filter(paper=paper).count() == variants.VARIANTS
    assert all(len(v.items) == 30 for v in PaperVariant.objects.filter(paper=paper))
    cache.clear()  # the debounce: a minute later
    with django_capture_on_commit_callbacks(execute=True):
        rule = paper.rules.get()
        rule.count = 40
        rule.save()
    found = list(PaperVariant.objects.filter(paper=paper))
    assert len(found) == variants.VARIANTS
    assert {len(v.items) for v in found} == {40}
    assert {v.rules_key for v in found} == {variants.rules_key(paper)}


def test_stale_variants_are_never_used_and_a_new_paper_draws_live(
    db, make_learner, django_capture_on_commit_callbacks
):
    add_bank_questions(80)
    paper = blueprint_paper(count=30)
    PaperVariant.objects.all().delete()
    cache.clear()  # the publication's queued preparation never ran (no commit here)
    learner = make_learner(name="丁")
    with django_capture_on_commit_callbacks(execute=True):
        attempt, created = start_attempt(paper=paper, learner=learner, now=soon())
    assert created and attempt.items.count() == 30
    # The start queued the preparation: the next one copies a variant.
    assert PaperVariant.objects.filter(paper=paper).count() == variants.VARIANTS
    # Rules changed without the task having run: the old variants are ignored.
    BlueprintRule.objects.filter(paper=paper).update(count=25)
    other = make_learner(name="戊")
    attempt, _created = start_attempt(paper=paper, learner=other, now=soon())
    assert attempt.items.count() == 25


def test_editing_a_question_drops_the_variants_holding_it(db, django_capture_on_commit_callbacks):
    add_bank_questions(40)
    paper = blueprint_paper(count=30)
    variants.prepare(paper)
    held = PaperVariant.objects.filter(paper=paper).first().items[0][0]
    question = Question.objects.get(pk=held)
    question.stem = "改过的题干"
    with django_capture_on_commit_callbacks(execute=True):
        question.save()
    for variant in PaperVariant.objects.filter(paper=paper):
        for question_id, version_id, *_rest in variant.items:
            if question_id == held:  # re-drawn with the edited version
                assert QuestionVersion.objects.get(pk=version_id).snapshot["stem"] == "改过的题干"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_starts_from_a_variant_make_one_attempt(make_learner):
    add_bank_questions(60)
    paper = blueprint_paper(count=30)
    variants.prepare(paper)
    learner = make_learner(name="己")
    ids, barrier = [], threading.Barrier(6)

    def worker():
        barrier.wait()
        try:
            ids.append(start_attempt(paper=paper, learner=learner, now=soon())[0].pk)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 6 and len(set(ids)) == 1
    assert Attempt.objects.filter(paper=paper, learner=learner).count() == 1


def test_the_bench_paper_keeps_the_variants_prepared_with_it(
    db, django_capture_on_commit_callbacks
):
    """Its questions' options queue drops of the variants holding them on commit: the bench
    paper's preparation must come after them, or every benchmarked start draws live."""
    from exams.papers import load_data

    with django_capture_on_commit_callbacks(execute=True):
        load_data.generate(learners=0, seed=1)
    paper = Paper.objects.get(title=load_data.PAPER_TITLE)
    assert PaperVariant.objects.filter(paper=paper).count() == variants.VARIANTS
    assert variants.pick(paper, learner_id=1, number=1) is not None
