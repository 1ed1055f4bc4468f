"""The exam pages: list, start, the exam form (works without JS), result and review."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Attempt, Option, Paper
from tests.exams.mock_helpers import case_analysis, choice_question, essay_question, fixed_paper

SECRET = "秘密解析不可提前泄露"


@pytest.fixture
def paper(db):
    questions = [choice_question(stem=f"第{i}题", explanation=SECRET) for i in range(3)]
    questions += [case_analysis(subs=2), essay_question()]
    return fixed_paper(questions)


def start_page(client, paper):
    response = client.post(f"/exams/papers/{paper.pk}/start/")
    assert response.status_code == 302
    return response["Location"]


def test_paper_list_shows_open_papers(learner_client, paper, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = learner_client.get("/exams/")
    assert response.status_code == 200
    assert "初级综合能力模拟卷" in response.content.decode()


def test_paper_list_needs_log_in(client, paper):
    assert client.get("/exams/").status_code == 302


def test_exam_page_has_the_server_deadline_and_no_answers(learner_client, paper):
    url = start_page(learner_client, paper)
    html = learner_client.get(url).content.decode()
    attempt = Attempt.objects.get()
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in html
    assert SECRET not in html
    assert "参考答案" not in html and "需求评估准确" not in html  # model answer, marking points
    assert "is_correct" not in html and 'class="option right' not in html
    assert "exams/exam.js" in html


def test_starting_twice_opens_the_same_attempt(learner_client, paper):
    assert start_page(learner_client, paper) == start_page(learner_client, paper)


def test_plain_form_post_saves_answers_and_flags(learner_client, paper):
    url = start_page(learner_client, paper)
    attempt = Attempt.objects.get()
    first = attempt.items.get(position=1)
    learner_client.post(url, {f"q-{first.question_id}": "B", f"flag-{first.question_id}": "1"})
    first.refresh_from_db()
    assert (first.answer, first.flagged) == (["B"], True)
    html = learner_client.get(url).content.decode()
    assert f'name="q-{first.question_id}" value="B" checked' in html


def test_plain_form_submit_shows_the_result_and_review(learner_client, paper):
    url = start_page(learner_client, paper)
    attempt = Attempt.objects.get()
    first = attempt.items.get(position=1)
    right = Option.objects.get(question=first.question, is_correct=True).key
    learner_client.post(url, {f"q-{first.question_id}": right, "submit": "1"})
    attempt.refresh_from_db()
    assert attempt.state == "finished"
    html = learner_client.get(url).content.decode()
    assert SECRET in html
    assert "得分 1 / 9" in html or "得分 1" in html


def test_essay_answer_goes_to_marking_and_the_page_says_so(learner_client, paper):
    url = start_page(learner_client, paper)
    essay = Attempt.objects.get().items.get(position=5)
    learner_client.post(url, {f"q-{essay.question_id}": "我的方案", "submit": "1"})
    html = learner_client.get(url).content.decode()
    assert "阅卷" in html
    assert SECRET not in html


def test_score_only_review_page_hides_explanations(learner_client, paper):
    Paper.objects.filter(pk=paper.pk).update(review_content="score")
    url = start_page(learner_client, paper)
    learner_client.post(url, {"submit": "1"})
    html = learner_client.get(url).content.decode()
    assert "得分" in html
    assert SECRET not in html


def test_after_deadline_the_page_shows_the_result_not_the_form(learner_client, paper):
    url = start_page(learner_client, paper)
    Attempt.objects.update(deadline=timezone.now() - timedelta(minutes=10))
    html = learner_client.get(url).content.decode()
    assert 'id="exam"' not in html
    assert Attempt.objects.get().ended_by == "timed_out"


def test_another_learners_attempt_page_is_404(learner_client, paper, make_learner, client):
    url = start_page(learner_client, paper)
    client.force_login(make_learner(name="赵六"))
    assert client.get(url).status_code == 404


def test_page_script_saves_through_the_api_with_session_and_csrf(learner, paper):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    browser.get("/exams/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(f"/exams/papers/{paper.pk}/start/", {"csrfmiddlewaretoken": token})
    attempt = Attempt.objects.get()
    assert response["Location"] == f"/exams/attempts/{attempt.pk}/"
    first = attempt.items.get(position=1)
    url = f"/api/v1/attempts/{attempt.pk}/answers"
    body = json.dumps({"answers": {str(first.question_id): ["C"]}})
    refused = browser.put(url, body, content_type="application/json")
    assert refused.status_code in (401, 403)
    saved = browser.put(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert saved.status_code == 200


def test_exam_page_of_80_questions_takes_a_handful_of_queries(
    learner_client, learner, django_assert_max_num_queries
):
    questions = [choice_question(stem=f"单{i}") for i in range(80)]
    paper = fixed_paper(questions, shuffle_options=True)
    url = start_page(learner_client, paper)
    with django_assert_max_num_queries(8):
        response = learner_client.get(url)
    assert response.content.decode().count('class="card question"') == 80
