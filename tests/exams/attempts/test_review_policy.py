"""Answer keys reach a learner only when the review policy allows it, by every route (#16.1)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from exams.attempts.review_policy import withheld_question_ids
from exams.models import Paper, PracticeAnswer, Question
from tests.exams.mock_helpers import choice_question, fixed_paper

SECRET = "解析：只在成绩公布后可见"


@pytest.fixture
def paper(db):
    questions = [choice_question(stem=f"第{i}题", explanation=SECRET) for i in range(3)]
    return fixed_paper(questions)


def practise(client, headers, question_id, answer="A"):
    return client.post(
        "/api/v1/practice/answer",
        json.dumps({"question_id": question_id, "answer": [answer]}),
        content_type="application/json",
        **headers,
    )


def start(client, headers, paper):
    return client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()


def test_practice_api_refuses_questions_of_my_unfinished_attempt(client, learner, token_for, paper):
    headers = token_for(learner)
    body = start(client, headers, paper)
    for question in body["questions"]:
        for key in "ABCD":
            response = practise(client, headers, question["id"], key)
            assert response.status_code == 409
            assert SECRET not in response.content.decode()
            assert "correct_answer" not in response.json()
    assert PracticeAnswer.objects.count() == 0


def test_practice_api_gives_the_key_once_the_attempt_is_reviewed(client, learner, token_for, paper):
    headers = token_for(learner)
    body = start(client, headers, paper)
    client.post(f"/api/v1/attempts/{body['id']}/submit", **headers)
    response = practise(client, headers, body["questions"][0]["id"])
    assert response.status_code == 200
    assert response.json()["explanation"] == SECRET


def test_keys_stay_hidden_until_an_after_close_paper_closes(
    client, learner, make_learner, token_for, paper
):
    Paper.objects.filter(pk=paper.pk).update(
        review_timing="after_close", closes_at=timezone.now() + timedelta(hours=2)
    )
    headers = token_for(learner)
    body = start(client, headers, paper)
    client.post(f"/api/v1/attempts/{body['id']}/submit", **headers)
    question_id = body["questions"][0]["id"]
    # Sat and submitted, but no key before the close ...
    assert practise(client, headers, question_id).status_code == 409
    # ... nor for a candidate who has not sat it yet.
    other = token_for(make_learner(name="王五"))
    assert practise(client, other, question_id).status_code == 409
    Paper.objects.filter(pk=paper.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert practise(client, headers, question_id).json()["explanation"] == SECRET


def test_score_only_papers_never_give_their_keys_to_those_who_sat_them(
    client, learner, token_for, paper
):
    Paper.objects.filter(pk=paper.pk).update(review_content="score")
    headers = token_for(learner)
    body = start(client, headers, paper)
    client.post(f"/api/v1/attempts/{body['id']}/submit", **headers)
    assert practise(client, headers, body["questions"][0]["id"]).status_code == 409


def test_practice_page_refuses_questions_of_my_unfinished_attempt(
    client, learner, token_for, paper
):
    body = start(client, token_for(learner), paper)
    client.force_login(learner)
    question_id = body["questions"][0]["id"]
    page = client.post(
        f"/practice/q/{question_id}/", {"answer": ["A"], "answer_submit": "1", "mode": "chapter"}
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert SECRET not in html and "答案和解析暂不显示" in html
    assert "正确答案" not in html


def test_review_of_a_finished_attempt_hides_questions_another_attempt_holds(
    client, learner, token_for, paper
):
    headers = token_for(learner)
    first = start(client, headers, paper)
    client.post(f"/api/v1/attempts/{first['id']}/submit", **headers)
    reviewed = client.get(f"/api/v1/attempts/{first['id']}", **headers).json()
    assert SECRET in json.dumps(reviewed, ensure_ascii=False)
    start(client, headers, paper)  # a second sitting of the same paper, under way
    reviewed = client.get(f"/api/v1/attempts/{first['id']}", **headers).json()
    assert SECRET not in json.dumps(reviewed, ensure_ascii=False)
    assert all(q.get("correct_answer") is None for q in reviewed["questions"])
    client.force_login(learner)
    page = client.get(f"/exams/attempts/{first['id']}/").content.decode()
    assert SECRET not in page


def test_exam_only_questions_stay_out_of_practice(client, learner, token_for, make_question):
    hidden = make_question("single", stem="<p>仅组卷用的题</p>", exam_only=True)
    shown = make_question("single", stem="<p>可以练习的题</p>")
    headers = token_for(learner)
    assert practise(client, headers, hidden.pk).status_code == 422
    assert practise(client, headers, shown.pk).status_code == 200
    daily = client.get("/api/v1/practice/daily", **headers).json()
    assert hidden.pk not in [q["id"] for q in daily["questions"]]
    client.force_login(learner)
    assert client.get(f"/practice/q/{hidden.pk}/").status_code == 404


def test_lesson_checks_refuse_a_question_of_my_unfinished_attempt(
    client, learner, token_for, make_checked_lesson
):
    question = choice_question(stem="课程与考试共用的题", explanation=SECRET)
    lesson = make_checked_lesson(questions=[question])
    paper = fixed_paper([Question.objects.get(pk=question.pk)])
    headers = token_for(learner)
    start(client, headers, paper)
    response = client.post(
        f"/api/v1/lessons/{lesson.pk}/check",
        json.dumps({"question_id": question.pk, "answer": ["A"]}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert SECRET not in response.content.decode()


def test_one_function_answers_for_a_whole_list(learner, paper, make_question):
    free = make_question("single")
    held = list(paper.paper_questions.values_list("question_id", flat=True))
    from exams.attempts.services import start_attempt

    start_attempt(paper=paper, learner=learner, now=timezone.now())
    withheld = withheld_question_ids(
        learner=learner, question_ids=[*held, free.pk], now=timezone.now()
    )
    assert withheld == set(held)
