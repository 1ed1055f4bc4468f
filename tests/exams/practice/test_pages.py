"""Practice pages work without JavaScript: a form POST, then the same page with feedback."""

import pytest

from exams.models import Favourite, PracticeAnswer, QuestionType, WrongAnswer


@pytest.fixture
def logged_in(client, learner):
    client.force_login(learner)
    return client


def test_pages_need_log_in(client):
    response = client.get("/practice/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_hub_lists_chapters_counts_and_accuracy(
    logged_in, learner, make_question, django_assert_max_num_queries
):
    for i in range(12):
        make_question("single", chapter=f"第{i % 4}章", knowledge_points=[f"知识点{i % 3}"])
    with django_assert_max_num_queries(12):
        html = logged_in.get("/practice/").content.decode()
    assert "第0章" in html and "每日一练" in html and "错题本" in html


def test_answering_shows_feedback_and_explanation(logged_in, learner, make_question):
    question = make_question("single", chapter="概述", explanation="<p>宗旨是助人自助。</p>")
    page = logged_in.get(f"/practice/q/{question.pk}/?mode=chapter")
    assert "提交答案" in page.content.decode() and "宗旨是助人自助" not in page.content.decode()
    html = logged_in.post(
        f"/practice/q/{question.pk}/", {"answer": "B", "mode": "chapter", "answer_submit": "1"}
    ).content.decode()
    assert "回答错误，已加入错题本" in html
    assert "宗旨是助人自助。" in html
    assert "正确答案：A" in html
    assert WrongAnswer.objects.filter(learner=learner, question=question).exists()


def test_multiple_choice_form_takes_several_boxes(logged_in, learner, make_question):
    question = make_question("multiple")
    html = logged_in.post(
        f"/practice/q/{question.pk}/", {"answer": ["A", "B", "C"], "answer_submit": "1"}
    ).content.decode()
    assert "回答正确" in html
    assert PracticeAnswer.objects.get().answer == ["A", "B", "C"]


def test_case_analysis_form_answers_every_sub_question(logged_in, make_question):
    case = make_question(QuestionType.CASE_ANALYSIS, options=[], stem="<p>案例材料</p>")
    first = make_question("single", parent=case, position=1)
    second = make_question("multiple", parent=case, position=2)
    html = logged_in.post(
        f"/practice/q/{case.pk}/",
        {f"answer-{first.pk}": "A", f"answer-{second.pk}": ["A", "B", "C"], "answer_submit": "1"},
    ).content.decode()
    assert "回答正确" in html


def test_unknown_option_is_refused_with_a_message(logged_in, make_question):
    question = make_question("single")
    response = logged_in.post(f"/practice/q/{question.pk}/", {"answer": "E", "answer_submit": "1"})
    assert response.status_code == 422
    assert "没有这个选项" in response.content.decode()


def test_sub_questions_and_outdated_questions_are_not_practice_pages(logged_in, make_question):
    outdated = make_question("single", is_outdated=True)
    assert logged_in.get(f"/practice/q/{outdated.pk}/").status_code == 404


def test_next_question_stays_in_the_chapter(logged_in, make_question):
    first = make_question("single", chapter="社会救助")
    make_question("single", chapter="社区矫正")
    third = make_question("single", chapter="社会救助")
    html = logged_in.get(f"/practice/q/{first.pk}/?mode=chapter&chapter=社会救助").content.decode()
    assert f"/practice/q/{third.pk}/?mode=chapter" in html


def test_daily_link_leads_into_the_days_session_and_keeps_its_set(
    logged_in, make_question, django_assert_max_num_queries
):
    for _ in range(12):
        make_question("single")
    first = logged_in.get("/practice/daily/", follow=True).redirect_chain[-1][0]
    again = logged_in.get("/practice/start/daily/", follow=True)
    assert again.redirect_chain[-1][0] == first
    with django_assert_max_num_queries(12):
        assert "1</strong>/10" in logged_in.get(first).content.decode()


def test_wrong_book_page_lists_and_removes(
    logged_in, learner, make_question, django_assert_max_num_queries
):
    questions = [make_question("single", stem=f"<p>错题{i}</p>") for i in range(5)]
    for question in questions:
        logged_in.post(f"/practice/q/{question.pk}/", {"answer": "B", "answer_submit": "1"})
    with django_assert_max_num_queries(10):
        html = logged_in.get("/practice/wrong/").content.decode()
    assert "错题3" in html and "错 1 次" in html
    response = logged_in.post(f"/practice/wrong/{questions[0].pk}/remove/")
    assert response.status_code == 302
    assert "错题0" not in logged_in.get("/practice/wrong/").content.decode()


def test_favourite_toggle_and_list(
    logged_in, learner, make_question, django_assert_max_num_queries
):
    question = make_question("single", stem="<p>收藏的题</p>")
    logged_in.post(f"/practice/q/{question.pk}/favourite/", {"favourite": "1"})
    assert Favourite.objects.filter(learner=learner).count() == 1
    with django_assert_max_num_queries(10):
        assert "收藏的题" in logged_in.get("/practice/favourites/").content.decode()
    logged_in.post(f"/practice/q/{question.pk}/favourite/", {"favourite": "0"})
    assert not Favourite.objects.exists()


def test_case_essay_page_shows_model_answer_and_marking_points(logged_in, make_question):
    essay = make_question(
        QuestionType.CASE_ESSAY,
        options=[],
        model_answer="<p>先建立关系。</p>",
        marking_points="建立关系\n评估需求",
    )
    html = logged_in.post(
        f"/practice/q/{essay.pk}/", {"answer": "我的方案……", "answer_submit": "1"}
    ).content.decode()
    assert "请对照参考答案自查" in html and "先建立关系。" in html and "<li>评估需求</li>" in html
    assert not PracticeAnswer.objects.exists()


def test_question_page_takes_a_fixed_number_of_queries(
    logged_in, make_question, django_assert_max_num_queries
):
    case = make_question(QuestionType.CASE_ANALYSIS, options=[], stem="<p>案例</p>", chapter="案例")
    for position in range(4):
        make_question("multiple", parent=case, position=position, knowledge_points=["要点"])
    with django_assert_max_num_queries(12):
        assert logged_in.get(f"/practice/q/{case.pk}/?mode=chapter").status_code == 200
