"""Practice API shapes (API.md) and errors."""

import json

import pytest

from exams.models import PracticeAnswer, WrongAnswer


@pytest.fixture
def auth(learner, token_for):
    return token_for(learner)


def post(client, auth, body):
    return client.post(
        "/api/v1/practice/answer", json.dumps(body), content_type="application/json", **auth
    )


def test_answer_returns_correctness_key_and_explanation(client, auth, make_question):
    question = make_question("multiple")
    response = post(client, auth, {"question_id": question.pk, "answer": ["A", "B"]})
    assert response.status_code == 200
    body = response.json()
    assert body["correct"] is False
    assert body["correct_answer"] == ["A", "B", "C"]
    assert body["explanation"] == "<p>解析</p>"
    assert body["score"] == 1.0 and body["max_score"] == 2.0


def test_unknown_question_or_option_is_422(client, auth, make_question):
    question = make_question("single")
    assert post(client, auth, {"question_id": 999999, "answer": "A"}).status_code == 422
    response = post(client, auth, {"question_id": question.pk, "answer": "E"})
    assert response.status_code == 422
    assert "没有这个选项" in response.json()["detail"]
    assert post(client, auth, {"question_id": question.pk}).status_code == 422


def test_repeated_answers_take_a_fixed_number_of_queries(
    client, auth, make_question, django_assert_max_num_queries
):
    question = make_question("single")
    for value in ("A", "B"):  # points awarded, then an entry in the book
        post(client, auth, {"question_id": question.pk, "answer": value})
    # The token, the question with its options and version, whether the review policy
    # withholds its key (one query), then in one transaction (2 statements) the answer, the
    # book and whether points are due.
    for value in ("A", "B"):
        with django_assert_max_num_queries(8):
            assert (
                post(client, auth, {"question_id": question.pk, "answer": value}).json()[
                    "points_awarded"
                ]
                == 0
            )
    assert PracticeAnswer.objects.count() == 4
    assert WrongAnswer.objects.get().wrong_count == 2


def test_answer_needs_log_in(client, make_question):
    question = make_question("single")
    response = client.post(
        "/api/v1/practice/answer",
        json.dumps({"question_id": question.pk, "answer": "A"}),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_daily_set_shape_hides_answers(client, auth, make_question):
    for _ in range(12):
        make_question("single")
    body = client.get("/api/v1/practice/daily", **auth).json()
    assert body["count"] == 10 and body["completed"] is False
    first = body["questions"][0]
    assert set(first) >= {"id", "type", "stem", "options", "answered", "knowledge_points"}
    assert set(first["options"][0]) == {"key", "text"}
    assert "explanation" not in first
    again = client.get("/api/v1/practice/daily", **auth).json()
    assert [q["id"] for q in again["questions"]] == [q["id"] for q in body["questions"]]


def test_daily_answers_are_marked_in_the_set(client, auth, make_question):
    for _ in range(10):
        make_question("single")
    question_id = client.get("/api/v1/practice/daily", **auth).json()["questions"][0]["id"]
    post(client, auth, {"question_id": question_id, "answer": "A", "mode": "daily"})
    questions = client.get("/api/v1/practice/daily", **auth).json()["questions"]
    done = next(q for q in questions if q["id"] == question_id)
    assert done["answered"] is True and done["answered_correct"] is True


def test_chapters_list_counts_and_my_accuracy(client, auth, learner, make_question):
    one = make_question("single", chapter="社会救助", knowledge_points=["低保"])
    make_question("single", chapter="社会救助")
    make_question("single", chapter="社区矫正")
    post(client, auth, {"question_id": one.pk, "answer": "A"})
    post(client, auth, {"question_id": one.pk, "answer": "B"})
    body = client.get("/api/v1/practice/chapters", **auth).json()
    assert body["count"] == 2
    relief = next(c for c in body["items"] if c["chapter"] == "社会救助")
    assert relief["question_count"] == 2 and relief["accuracy"] == 0.5 and relief["done"] == 1
    assert body["knowledge_points"] == [
        {"knowledge_point": "低保", "question_count": 1, "answers": 2, "accuracy": 0.5}
    ]


def test_chapter_questions_are_paginated(client, auth, make_question):
    for _ in range(3):
        make_question("single", chapter="社区矫正")
    body = client.get("/api/v1/practice/questions?chapter=社区矫正&page_size=2", **auth).json()
    assert body["count"] == 3 and len(body["items"]) == 2


def test_wrong_answer_book_lists_and_removes(client, auth, learner, make_question):
    question = make_question("single")
    post(client, auth, {"question_id": question.pk, "answer": "B"})
    body = client.get("/api/v1/wrong-answers", **auth).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["question"]["id"] == question.pk and item["wrong_count"] == 1
    assert "last_wrong_at" in item
    response = client.delete(f"/api/v1/wrong-answers/{question.pk}", **auth)
    assert response.status_code == 204
    assert WrongAnswer.objects.get().mastered_at is not None
    assert client.get("/api/v1/wrong-answers", **auth).json()["count"] == 0
    assert client.delete(f"/api/v1/wrong-answers/{question.pk}", **auth).status_code == 404


def test_other_learners_book_is_not_mine(client, make_learner, token_for, make_question):
    question = make_question("single")
    owner, other = make_learner(name="甲"), make_learner(name="乙")
    post(client, token_for(owner), {"question_id": question.pk, "answer": "B"})
    assert client.get("/api/v1/wrong-answers", **token_for(other)).json()["count"] == 0
    response = client.delete(f"/api/v1/wrong-answers/{question.pk}", **token_for(other))
    assert response.status_code == 404


def test_favourites_add_list_remove(client, auth, make_question):
    question = make_question("single")
    assert client.put(f"/api/v1/practice/favourites/{question.pk}", **auth).status_code == 204
    assert client.put(f"/api/v1/practice/favourites/{question.pk}", **auth).status_code == 204
    assert client.get("/api/v1/practice/favourites", **auth).json()["count"] == 1
    assert client.delete(f"/api/v1/practice/favourites/{question.pk}", **auth).status_code == 204
    assert client.get("/api/v1/practice/favourites", **auth).json()["count"] == 0


def test_stats_show_done_accuracy_and_streak(client, auth, make_question):
    question = make_question("single")
    post(client, auth, {"question_id": question.pk, "answer": "A"})
    body = client.get("/api/v1/practice/stats", **auth).json()
    assert body == {
        "questions_done": 1,
        "answers": 1,
        "accuracy": 1.0,
        "streak_days": 1,
        "wrong_answers": 0,
        "favourites": 0,
    }


def test_lists_take_a_fixed_number_of_queries(
    client, auth, learner, make_question, django_assert_max_num_queries
):
    for i in range(15):
        question = make_question("multiple", chapter=f"第{i % 3}章", knowledge_points=[f"点{i}"])
        post(client, auth, {"question_id": question.pk, "answer": "D"})
    assert PracticeAnswer.objects.count() == 15
    for url, most in (
        ("/api/v1/wrong-answers", 10),
        ("/api/v1/practice/chapters", 6),
        ("/api/v1/practice/questions?chapter=第1章", 10),
        ("/api/v1/practice/daily", 22),  # choosing and saving the day's set
        ("/api/v1/practice/daily", 12),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(url, **auth).status_code == 200
