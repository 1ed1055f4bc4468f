"""Issue 21.2: a start answers with its questions' JSON kept per question by each worker
(exams.attempts.shown_json) and writes its rows in one or two statements (exams.attempts.start_writes)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.attempts import api as api_attempts
from exams.models import Attempt, AttemptQuestion, Paper, PaperVariant, Question
from exams.papers import variants
from learning.platform.process_memo import clear_all
from tests.exams.attempts.test_fast_start import add_bank_questions, blueprint_paper
from tests.exams.mock_helpers import case_analysis, choice_question, essay_question, fixed_paper

SECRET = "只有阅卷老师知道的秘密"


@pytest.fixture(autouse=True)
def _fresh_memos():
    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


def start(client, headers, paper):
    response = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers)
    assert response.status_code == 201, response.content
    return response


def schema_answer(client, headers, attempt_id, monkeypatch) -> bytes:
    """The attempt as the schema and ninja's renderer write it (no kept JSON)."""
    with monkeypatch.context() as patched:
        patched.setattr(api_attempts, "attempt_json", lambda attempt, now: None)
        return client.get(f"/api/v1/attempts/{attempt_id}", **headers).content


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_start_answers_the_schemas_json_byte_for_byte(
    db, make_learner, client, token_for, monkeypatch, shuffle
):
    questions = [choice_question(stem=f"第{n}题<b>加粗</b>") for n in range(3)]
    questions += [case_analysis(subs=2), choice_question(multiple=True, right="AC")]
    paper = fixed_paper(questions, shuffle_options=shuffle, shuffle_questions=shuffle)
    for name in ("甲", "乙"):  # the second from the texts the first left in this worker
        headers = token_for(make_learner(name=name))
        response = start(client, headers, paper)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.content == schema_answer(
            client, headers, response.json()["id"], monkeypatch
        )
        # Its reload (kept per attempt at the start) is the same answer.
        assert client.get(f"/api/v1/attempts/{response.json()['id']}", **headers).content == (
            response.content
        )


def test_a_reload_in_another_worker_builds_the_same_answer_from_the_rows(
    db, make_learner, client, token_for, monkeypatch
):
    paper = fixed_paper([choice_question(), case_analysis(subs=3)], shuffle_options=True)
    headers = token_for(make_learner())
    started = start(client, headers, paper)
    cache.clear()
    clear_all()  # another worker: nothing kept
    reloaded = client.get(f"/api/v1/attempts/{started.json()['id']}", **headers)
    assert reloaded.content == started.content


def test_a_start_never_shows_keys_explanations_or_model_answers(
    db, make_learner, client, token_for
):
    questions = [choice_question(explanation=f"解析：{SECRET}") for _ in range(2)]
    essay = essay_question()
    Question.objects.filter(pk=essay.pk).update(model_answer=SECRET, marking_points=SECRET)
    paper = fixed_paper([*questions, case_analysis(), Question.objects.get(pk=essay.pk)])
    for name in ("丙", "丁"):
        text = start(client, token_for(make_learner(name=name)), paper).content.decode()
        text = text.encode().decode("unicode_escape")  # the renderer escapes Chinese
        for secret in (SECRET, "is_correct", "correct_answer", "explanation", "marking_points"):
            assert secret not in text


def test_an_edited_question_is_shown_as_edited_to_the_next_start_only(
    db, make_learner, client, token_for, django_capture_on_commit_callbacks
):
    add_bank_questions(30)
    paper = blueprint_paper(count=30)
    variants.prepare(paper)
    first = token_for(make_learner(name="戊"))
    before = start(client, first, paper).json()
    edited = Question.objects.get(pk=before["questions"][0]["id"])
    edited.stem = "改过的题干"
    with django_capture_on_commit_callbacks(execute=True):
        edited.save()  # drops the variants holding it; prepared again on commit
    cache.clear()  # the preparation's debounce
    variants.prepare(paper)
    after = start(client, token_for(make_learner(name="己")), paper).json()
    stems = {q["id"]: q["stem"] for q in after["questions"]}
    assert stems[edited.pk] == "改过的题干"
    # The first attempt keeps the question as it was when it started.
    reloaded = client.get(f"/api/v1/attempts/{before['id']}", **first).json()
    assert reloaded["questions"][0]["stem"] == before["questions"][0]["stem"] != "改过的题干"


def test_a_variant_prepared_before_it_held_fingerprints_still_starts(
    db, make_learner, client, token_for, monkeypatch
):
    add_bank_questions(40)
    paper = blueprint_paper(count=20)
    variants.prepare(paper)
    for variant in PaperVariant.objects.filter(paper=paper):
        variant.items = [
            [*item[:3], {k: v for k, v in item[3].items() if k != "fingerprint"}]
            for item in variant.items
        ]
        variant.save()
    headers = token_for(make_learner())
    response = start(client, headers, paper)
    assert len(response.json()["questions"]) == 20
    assert response.content == schema_answer(client, headers, response.json()["id"], monkeypatch)


def test_a_starts_rows_are_those_the_orm_would_write(db, make_learner, client, token_for):
    paper = fixed_paper([choice_question(), case_analysis()], shuffle_options=True)
    learner = make_learner()
    body = start(client, token_for(learner), paper).json()
    attempt = Attempt.objects.get(pk=body["id"])
    assert (attempt.learner, attempt.paper, attempt.number, attempt.state) == (
        learner,
        paper,
        1,
        "in_progress",
    )
    assert (attempt.score, attempt.passed, attempt.submitted_at, attempt.ended_by) == (
        None,
        None,
        None,
        "",
    )
    assert attempt.max_score == Decimal("5.0")  # 1 + two sub-questions of 2
    items = list(attempt.items.order_by("position"))
    assert [item.position for item in items] == [1, 2]
    assert [item.question_id for item in items] == [q["id"] for q in body["questions"]]
    default = AttemptQuestion()
    for item in items:
        for name in ("answer", "flagged", "awarded", "correct", "needs_marking"):
            assert getattr(item, name) == getattr(default, name), name
        assert (item.marker_comment, item.marking_breakdown, item.marked_by) == ("", {}, None)
    assert sorted(items[0].option_order) == ["A", "B", "C", "D"]
    assert isinstance(items[1].option_order, dict) and len(items[1].option_order) == 2


def test_a_start_with_every_text_kept_reads_no_question(db, make_learner, client, token_for):
    add_bank_questions(100)
    paper = blueprint_paper(count=30)
    variants.prepare(paper, count=1)
    start(client, token_for(make_learner(name="庚")), paper)  # keeps the variant's texts
    headers = token_for(make_learner(name="辛"))
    with CaptureQueriesContext(connection) as queries:
        start(client, headers, paper)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "exams_questionversion" not in tables and "exams_question" not in tables


def test_a_start_is_refused_for_a_paper_aimed_at_others_and_allowed_in_its_subtree(
    db, make_learner, community, client, token_for
):
    from learning.accounts.organisations import get_or_create_path

    paper = fixed_paper([choice_question()])
    headers = token_for(make_learner(exam_level="junior"))
    url = f"/api/v1/papers/{paper.pk}/attempts"
    other, _created = get_or_create_path("临江区", "滨江街道", "望江社区")
    paper.target_organisations.add(other)
    paper.save()  # a ParentalManyToManyField is written with its paper
    assert client.post(url, **headers).status_code == 404
    paper.target_organisations.add(community.get_root())  # the learner's county as well
    paper.save()
    Paper.objects.filter(pk=paper.pk).update(target_levels=["intermediate"])
    assert client.post(url, **headers).status_code == 404
    Paper.objects.filter(pk=paper.pk).update(target_levels=["junior"])
    assert client.post(url, **headers).status_code == 201
    Paper.objects.filter(pk=paper.pk).update(is_published=False)
    assert client.post(url, **token_for(make_learner(exam_level="junior"))).status_code == 404


def test_variant_items_keep_the_four_members_earlier_code_reads(db):
    """A rollback or a worker not yet restarted reads ``[question, version, score, skeleton]``."""
    from exams.models import QuestionVersion

    add_bank_questions(30)
    paper = blueprint_paper(count=20)
    variants.prepare(paper)
    for variant in PaperVariant.objects.filter(paper=paper):
        for question_id, version_id, _score, skel in variant.items:
            version = QuestionVersion.objects.get(pk=version_id)
            assert version.question_id == question_id
            assert skel["fingerprint"] == version.fingerprint
            assert [option["key"] for option in skel["options"]] == ["A", "B", "C", "D"]
