"""No answer leakage before review, concurrency of submit and start, and query counts."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone

from exams.attempts.services import start_attempt, submit_attempt
from exams.models import Attempt, Paper
from tests.exams.mock_helpers import case_analysis, choice_question, fixed_paper, put_json

SECRET_EXPLANATION = "解析：只有老师知道的秘密解析"
QUESTION_KEYS = {"id", "type", "stem", "options", "score", "position", "flagged", "answer"}
REVIEW_KEYS = {"your_answer", "correct_answer", "explanation", "awarded", "correct"}
ATTEMPT_KEYS = {
    "id",
    "paper",
    "number",
    "state",
    "started_at",
    "deadline",
    "submitted_at",
    "score",
    "max_score",
    "passed",
    "review_available",
    "questions",
}


@pytest.fixture
def paper(db):
    questions = [choice_question(stem=f"第{i}题", explanation=SECRET_EXPLANATION) for i in range(3)]
    questions.append(case_analysis(subs=2))
    return fixed_paper(questions, shuffle_options=True)


def assert_no_answers(question: dict):
    assert set(question) <= QUESTION_KEYS | {"sub_questions"}, set(question)
    for option in question["options"]:
        assert set(option) == {"key", "text"}
    for sub in question.get("sub_questions") or []:
        assert_no_answers(sub)
    assert SECRET_EXPLANATION not in str(question)


def test_started_attempt_has_no_answer_keys_or_explanations(paper, learner, client, token_for):
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **token_for(learner)).json()
    assert set(body) == ATTEMPT_KEYS
    assert body["review_available"] is False
    for question in body["questions"]:
        assert_no_answers(question)
    detail = client.get(f"/api/v1/attempts/{body['id']}", **token_for(learner)).json()
    for question in detail["questions"]:
        assert_no_answers(question)


def test_score_only_policy_hides_answers_after_finishing(paper, learner, client, token_for):
    Paper.objects.filter(pk=paper.pk).update(review_content="score")
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **token_for(learner)).json()
    result = client.post(f"/api/v1/attempts/{body['id']}/submit", **token_for(learner)).json()
    assert result["score"] == 0.0
    detail = client.get(f"/api/v1/attempts/{body['id']}", **token_for(learner)).json()
    assert detail["state"] == "finished"
    for question in detail["questions"]:
        assert_no_answers(question)


def test_after_close_policy_hides_score_and_answers_until_the_paper_closes(
    paper, learner, client, token_for
):
    closes = timezone.now() + timedelta(hours=3)
    Paper.objects.filter(pk=paper.pk).update(review_timing="after_close", closes_at=closes)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **token_for(learner)).json()
    result = client.post(f"/api/v1/attempts/{body['id']}/submit", **token_for(learner)).json()
    assert (result["score"], result["passed"]) == (None, None)
    detail = client.get(f"/api/v1/attempts/{body['id']}", **token_for(learner)).json()
    assert detail["score"] is None
    for question in detail["questions"]:
        assert_no_answers(question)
    listed = client.get("/api/v1/attempts", **token_for(learner)).json()["items"][0]
    assert listed["score"] is None
    Paper.objects.filter(pk=paper.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    detail = client.get(f"/api/v1/attempts/{body['id']}", **token_for(learner)).json()
    assert detail["review_available"] is True
    assert detail["score"] == 0.0


def test_review_shows_answers_in_shown_keys_once_finished(paper, learner, client, token_for):
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    first = body["questions"][0]
    put_json(
        client,
        f"/api/v1/attempts/{body['id']}/answers",
        {"answers": {str(first["id"]): ["B"]}},
        **headers,
    )
    client.post(f"/api/v1/attempts/{body['id']}/submit", **headers)
    reviewed = client.get(f"/api/v1/attempts/{body['id']}", **headers).json()["questions"][0]
    assert REVIEW_KEYS <= set(reviewed)
    attempt_question = Attempt.objects.get().items.get(question_id=first["id"])
    expected = "ABCD"[attempt_question.option_order.index("A")]
    assert reviewed["correct_answer"] == [expected]
    assert reviewed["your_answer"] == ["B"]
    assert reviewed["explanation"] == SECRET_EXPLANATION
    assert reviewed["awarded"] == (1.0 if expected == "B" else 0.0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submits_grade_once_and_agree(learner):
    questions = [choice_question(stem=f"第{i}题") for i in range(5)]
    paper = fixed_paper(questions)
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    attempt.items.update(answer=["A"])
    results, barrier = [], threading.Barrier(8)
    from exams.attempts import services as service

    graded = []
    original = service.grade_item

    def counting(item, *, rule):
        graded.append(item.pk)
        original(item, rule=rule)

    service.grade_item = counting
    try:

        def worker():
            barrier.wait()
            try:
                done = submit_attempt(attempt_id=attempt.pk, now=timezone.now())
                results.append((done.state, done.score, done.submitted_at))
            finally:
                close_old_connections()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        service.grade_item = original
    assert len(results) == 8
    assert len(set(results)) == 1
    assert results[0][0] == "finished" and results[0][1] == 5
    assert len(graded) == 5  # five questions graded once, not eight times


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_autosave_racing_the_submit_is_either_graded_or_refused(make_learner):
    from exams.attempts.services import AttemptClosed, save_answers

    paper = fixed_paper([choice_question(stem=f"第{i}题", right="B") for i in range(5)])
    for _round in range(6):
        attempt, _ = start_attempt(paper=paper, learner=make_learner(), now=timezone.now())
        answers = {str(item.question_id): ["B"] for item in attempt.items.all()}
        saved, barrier = [], threading.Barrier(2)

        def autosave(attempt=attempt, answers=answers, saved=saved, barrier=barrier):
            barrier.wait()
            try:
                save_answers(attempt=attempt, answers=answers, now=timezone.now())
                saved.append(True)
            except AttemptClosed:
                saved.append(False)
            finally:
                close_old_connections()

        def submit(attempt=attempt, barrier=barrier):
            barrier.wait()
            try:
                submit_attempt(attempt_id=attempt.pk, now=timezone.now())
            finally:
                close_old_connections()

        threads = [threading.Thread(target=autosave), threading.Thread(target=submit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        attempt.refresh_from_db()
        # Saved before the submit took the lock, and graded; or refused once it was finished.
        assert attempt.score == (5 if saved[0] else 0)


def test_an_answer_saved_while_the_submit_waits_for_its_lock_is_graded(learner, monkeypatch):
    """SQLite grades before taking its write lock: answers saved in between count."""
    from django.db import connection

    from exams.attempts import services as service

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reads the answers under the lock (the racing test covers it)")

    paper = fixed_paper([choice_question(stem=f"第{i}题", right="B") for i in range(3)])
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    keys = [str(item.question_id) for item in attempt.items.all()]
    service.save_answers(attempt=attempt, answers=dict.fromkeys(keys, ["A"]), now=timezone.now())
    locked_state, saved = service._locked_state, []

    def autosave_comes_first(attempt_id):
        state = locked_state(attempt_id)
        if not saved:  # the autosave checks the state too
            saved.append(True)
            service.save_answers(
                attempt=attempt, answers={keys[0]: ["B"], keys[1]: ["B"]}, now=timezone.now()
            )
        return state

    monkeypatch.setattr(service, "_locked_state", autosave_comes_first)
    done = submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    assert done.score == 2
    assert sorted(done.items.values_list("correct", flat=True)) == [False, True, True]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_starts_make_one_attempt(learner):
    paper = fixed_paper([choice_question() for _ in range(3)])
    ids, barrier = [], threading.Barrier(6)

    def worker():
        barrier.wait()
        try:
            ids.append(start_attempt(paper=paper, learner=learner, now=timezone.now())[0].pk)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1
    assert Attempt.objects.count() == 1


@pytest.fixture
def paper_of_80(db):
    questions = [choice_question(stem=f"单{i}") for i in range(60)]
    questions += [
        choice_question(stem=f"多{i}", right="ABC", keys="ABCDE", multiple=True) for i in range(20)
    ]
    return fixed_paper(questions, scores=[1] * 60 + [2] * 20, shuffle_options=True)


def test_start_save_submit_of_80_questions_take_a_handful_of_queries(
    paper_of_80, learner, client, token_for, django_assert_max_num_queries
):
    headers = token_for(learner)
    client.get("/api/v1/me", **headers)  # the day's first request also awards log-in points
    with django_assert_max_num_queries(20):
        body = client.post(f"/api/v1/papers/{paper_of_80.pk}/attempts", **headers).json()
    answers = {str(q["id"]): ["A"] for q in body["questions"]}
    with django_assert_max_num_queries(6):
        again = client.post(f"/api/v1/papers/{paper_of_80.pk}/attempts", **headers)
    assert again.status_code == 200
    # Token, attempt, the questions named, then the lock and the writes in a transaction.
    with django_assert_max_num_queries(7):
        response = put_json(
            client, f"/api/v1/attempts/{body['id']}/answers", {"answers": answers}, **headers
        )
    assert response.status_code == 200
    client.get(f"/api/v1/attempts/{body['id']}", **headers)  # caches the questions' JSON
    with django_assert_max_num_queries(3):  # token, attempt, answers and flags
        reloaded = client.get(f"/api/v1/attempts/{body['id']}", **headers)
    assert reloaded.json()["questions"][0]["answer"] == ["A"]
    # SQLite reads the answers twice, before its write lock (to grade) and under it (to
    # check): one more query for a shorter hold of the lock every writer waits for.
    with django_assert_max_num_queries(9):
        result = client.post(f"/api/v1/attempts/{body['id']}/submit", **headers).json()
    assert result["max_score"] == 100.0


def started(client, headers, paper) -> dict:
    """An attempt started through the API, after the day's first request (log-in points)."""
    client.get("/api/v1/me", **headers)
    return client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()


@pytest.mark.postgres
def test_an_autosave_writes_in_one_statement_on_postgresql(
    paper_of_80, learner, client, token_for, django_assert_num_queries
):
    """No transaction: the lock, the state check and the writes are one statement."""
    headers = token_for(learner)
    body = started(client, headers, paper_of_80)
    first = [str(q["id"]) for q in body["questions"][:5]]
    url = f"/api/v1/attempts/{body['id']}/answers"
    # Token, the attempt and the questions named (sent together), the write.
    with django_assert_num_queries(4):
        saved = put_json(
            client,
            url,
            {"answers": {key: ["A"] for key in first}, "flagged": {first[0]: True}},
            **headers,
        )
    assert saved.status_code == 200
    items = Attempt.objects.get(pk=body["id"]).items
    assert items.filter(answer__isnull=False).count() == 5
    assert list(items.filter(flagged=True).values_list("question_id", flat=True)) == [int(first[0])]


@pytest.mark.postgres
def test_a_submit_writes_grades_and_result_in_one_statement_on_postgresql(
    paper_of_80, learner, client, token_for, django_assert_num_queries
):
    headers = token_for(learner)
    body = started(client, headers, paper_of_80)
    answers = {str(q["id"]): ["A"] for q in body["questions"]}
    put_json(client, f"/api/v1/attempts/{body['id']}/answers", {"answers": answers}, **headers)
    # Token, attempt, then BEGIN, the lock and the answers (sent together), one write, COMMIT.
    with django_assert_num_queries(7):
        result = client.post(f"/api/v1/attempts/{body['id']}/submit", **headers).json()
    attempt = Attempt.objects.get(pk=body["id"])
    assert (attempt.state, float(attempt.score)) == ("finished", result["score"])
    assert attempt.items.filter(correct__isnull=True).count() == 0


# The reload of an attempt before its review writes cached JSON of its questions with the
# learner's answers and flags spliced in (exams.attempts.api.attempt_json); without it the
# view returns the payload for the schema to validate and the renderer to write.


def reload_both_ways(client, headers, attempt_id, monkeypatch) -> tuple:
    from exams.attempts import api as api_attempts

    url = f"/api/v1/attempts/{attempt_id}"
    fast = client.get(url, **headers)
    client.get(url, **headers)  # from the cache this time
    again = client.get(url, **headers)
    with monkeypatch.context() as patched:
        patched.setattr(api_attempts, "attempt_json", lambda attempt, now: None)
        schema = client.get(url, **headers)
    assert fast.content == again.content
    return fast, schema


def test_reload_in_progress_is_the_schemas_json_byte_for_byte(
    paper, learner, client, token_for, monkeypatch
):
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    first, case = body["questions"][0], body["questions"][3]
    subs = [sub["id"] for sub in case["sub_questions"]]
    answers = {str(first["id"]): ["C"], str(case["id"]): {str(subs[0]): ["B"]}}
    flags = {str(first["id"]): True, str(body["questions"][1]["id"]): True}
    url = f"/api/v1/attempts/{body['id']}/answers"
    put_json(client, url, {"answers": answers, "flagged": flags}, **headers)
    fast, schema = reload_both_ways(client, headers, body["id"], monkeypatch)
    assert (fast.status_code, fast["Content-Type"]) == (schema.status_code, schema["Content-Type"])
    assert fast.content == schema.content
    reloaded = fast.json()["questions"]
    assert (reloaded[0]["answer"], reloaded[0]["flagged"]) == (["C"], True)
    assert reloaded[3]["answer"] == {str(subs[0]): ["B"]}
    assert "sub_questions" in reloaded[3] and "sub_questions" not in reloaded[0]


@pytest.mark.parametrize("policy", ["score_only", "after_close"])
def test_reload_of_a_finished_attempt_without_review_is_the_schemas_json(
    paper, learner, client, token_for, monkeypatch, policy
):
    if policy == "score_only":
        Paper.objects.filter(pk=paper.pk).update(review_content="score")
    else:
        closes = timezone.now() + timedelta(hours=3)
        Paper.objects.filter(pk=paper.pk).update(review_timing="after_close", closes_at=closes)
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    first = body["questions"][0]
    url = f"/api/v1/attempts/{body['id']}/answers"
    put_json(client, url, {"answers": {str(first["id"]): "B"}}, **headers)
    client.post(f"/api/v1/attempts/{body['id']}/submit", **headers)
    fast, schema = reload_both_ways(client, headers, body["id"], monkeypatch)
    assert fast.content == schema.content
    assert fast.json()["state"] == "finished"


def test_the_same_saved_answer_shows_in_each_attempts_own_keys(
    paper, learner, make_learner, client, token_for
):
    other = make_learner()
    mine, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    theirs, _ = start_attempt(paper=paper, learner=other, now=timezone.now())
    item = mine.items.get(position=1)
    theirs.items.filter(position=1).update(option_order=list(reversed(item.option_order)))
    for attempt in (mine, theirs):
        attempt.items.filter(position=1).update(answer=["A"])
    shown = {}
    for attempt, who in ((mine, learner), (theirs, other)):
        detail = client.get(f"/api/v1/attempts/{attempt.pk}", **token_for(who)).json()
        shown[who.pk] = detail["questions"][0]["answer"]
    index = item.option_order.index("A")
    assert shown[learner.pk] == ["ABCD"[index]]
    assert shown[other.pk] == ["ABCD"[3 - index]]


def test_a_question_sat_in_a_mock_exam_cannot_be_deleted_nor_its_versions(learner):
    from django.db.models import ProtectedError

    from exams.models import QuestionVersion

    question = choice_question()
    attempt, _ = start_attempt(paper=fixed_paper([question]), learner=learner, now=timezone.now())
    versions = QuestionVersion.objects.filter(question=question).count()
    with pytest.raises(ProtectedError):
        question.delete()
    assert QuestionVersion.objects.filter(question=question).count() == versions >= 1
    assert attempt.items.get().version.question_id == question.pk
