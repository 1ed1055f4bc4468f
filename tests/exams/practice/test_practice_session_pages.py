"""Practice sessions over HTTP: n/N, answer then feedback, 下一题, the summary, the hub tree,
the wrong-answer book by chapter, and the review policy on every screen that could show a key."""

import re

import pytest
from django.utils import timezone

from exams.attempts.services import start_attempt
from exams.models import PracticeAnswer, PracticeSession, WrongAnswer
from tests.exams.mock_helpers import fixed_paper


@pytest.fixture
def logged_in(client, learner):
    client.force_login(learner)
    return client


def start(client, kind: str, **query) -> str:
    """Follow a start link; the URL of the screen it leads to."""
    response = client.get(f"/practice/start/{kind}/", query, follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def test_daily_practice_is_a_session_from_the_first_question_to_the_summary(
    logged_in, make_question
):
    for _ in range(10):
        make_question("single", chapter="社会救助", explanation="<p>要点在这里。</p>")
    first = logged_in.get("/practice/daily/", follow=True)
    url = first.redirect_chain[-1][0]
    session = PracticeSession.objects.get()
    assert url == f"/practice/s/{session.pk}/1/"
    html = first.content.decode()
    assert "1</strong>/10" in html and "提交答案" in html and "要点在这里" not in html
    for position in range(1, 11):
        here = f"/practice/s/{session.pk}/{position}/"
        response = logged_in.post(here, {"answer": "A" if position % 2 else "B"})
        assert response.status_code == 302 and response.url == here
        html = logged_in.get(here).content.decode()
        assert "要点在这里。" in html and "提交答案" not in html
        expected_next = (
            f"/practice/s/{session.pk}/summary/"
            if position == 10
            else f"/practice/s/{session.pk}/{position + 1}/"
        )
        assert f'href="{expected_next}"' in html
    assert "查看本组总结" in html
    summary = logged_in.get(f"/practice/s/{session.pk}/summary/").content.decode()
    assert "50%" in summary and "5/10 题" in summary
    assert "重做错题（5 道）" in summary and "再练一组" in summary
    # Five right (1 point each) and the day's set done (5 points).
    assert re.search(r"获得积分</dt><dd>10</dd>", summary)
    # The daily link now leads to the summary, the same set all day.
    assert (
        logged_in.get("/practice/daily/", follow=True).redirect_chain[-1][0].endswith("/summary/")
    )


def test_a_reload_shows_the_same_question_and_its_feedback_without_answering_twice(
    logged_in, make_question
):
    make_question("single", chapter="社会救助")
    make_question("single", chapter="社会救助")
    url = start(logged_in, "chapter", chapter="社会救助")
    logged_in.post(url, {"answer": "B"})
    logged_in.post(url, {"answer": "A"})  # a second POST of the same screen is ignored
    for _ in range(2):
        html = logged_in.get(url).content.decode()
        assert "回答错误，已加入错题本" in html and "1</strong>/2" in html
    assert PracticeAnswer.objects.count() == 1
    # The link leads back into the same session, at its first unanswered question.
    session = PracticeSession.objects.get()
    assert start(logged_in, "chapter", chapter="社会救助") == f"/practice/s/{session.pk}/2/"


def test_retry_from_the_summary_redoes_the_wrong_ones(logged_in, make_question):
    questions = [make_question("single", chapter="社会救助") for _ in range(3)]
    url = start(logged_in, "chapter", chapter="社会救助")
    session = PracticeSession.objects.get()
    for position, key in enumerate("BAB", start=1):
        logged_in.post(f"/practice/s/{session.pk}/{position}/", {"answer": key})
    response = logged_in.post(f"/practice/s/{session.pk}/retry/", follow=True)
    retry = PracticeSession.objects.latest("pk")
    assert url != response.redirect_chain[-1][0]
    assert retry.question_ids == [questions[0].pk, questions[2].pk]
    assert "1</strong>/2" in response.content.decode()


def test_true_false_key_reads_as_words_and_difficulty_as_words(logged_in, make_question):
    make_question("true_false", chapter="法规", difficulty=4)
    url = start(logged_in, "chapter", chapter="法规")
    html = logged_in.get(url).content.decode()
    assert "难度：较难" in html and "难度 4" not in html
    logged_in.post(url, {"answer": "B"})
    html = logged_in.get(url).content.decode()
    assert "正确答案：正确" in html and "你的答案：错误" in html
    assert "正确答案：A" not in html


def test_another_learners_session_is_not_found(client, make_learner, learner, make_question):
    make_question("single", chapter="社会救助")
    client.force_login(learner)
    url = start(client, "chapter", chapter="社会救助")
    client.force_login(make_learner(name="王强"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "A"}).status_code == 404
    session = PracticeSession.objects.get()
    assert client.get(f"/practice/s/{session.pk}/summary/").status_code == 404
    assert not PracticeAnswer.objects.exists()


def test_a_question_of_my_unfinished_attempt_never_shows_its_key_in_a_session(
    logged_in, learner, make_question
):
    question = make_question("single", chapter="社会救助", explanation="<p>秘密解析</p>")
    url = start(logged_in, "chapter", chapter="社会救助")
    logged_in.post(url, {"answer": "B"})
    assert "秘密解析" in logged_in.get(url).content.decode()
    # The learner then starts a mock exam holding the question: the session's screen withholds
    # its key and verdict again, and an unanswered screen refuses to grade it.
    start_attempt(learner=learner, paper=fixed_paper([question]), now=timezone.now())
    html = logged_in.get(url).content.decode()
    assert "秘密解析" not in html and "正确答案" not in html and "回答错误" not in html
    assert "不能练习" in html


def test_the_summary_hides_the_verdict_of_a_question_now_in_my_unfinished_attempt(
    logged_in, learner, make_question
):
    held = make_question("single", chapter="社会救助", stem="<p>考试中的题</p>")
    make_question("single", chapter="社会救助", stem="<p>另一道题</p>")
    url = start(logged_in, "chapter", chapter="社会救助")
    session = PracticeSession.objects.get()
    for position in (1, 2):
        logged_in.post(url.rsplit("/", 2)[0] + f"/{position}/", {"answer": "A"})
    summary_url = f"/practice/s/{session.pk}/summary/"
    before = logged_in.get(summary_url).content.decode()
    assert "100%" in before and "考试中，暂不显示" not in before
    start_attempt(learner=learner, paper=fixed_paper([held]), now=timezone.now())
    html = logged_in.get(summary_url).content.decode()
    assert "考试中，暂不显示" in html
    # Only the other question's verdict is left, and the figures count it alone.
    assert html.count(">答对<") == before.count(">答对<") - 1


def test_an_unanswered_withheld_question_is_refused_with_409(logged_in, learner, make_question):
    question = make_question("single", chapter="社会救助", explanation="<p>秘密解析</p>")
    url = start(logged_in, "chapter", chapter="社会救助")
    start_attempt(learner=learner, paper=fixed_paper([question]), now=timezone.now())
    response = logged_in.post(url, {"answer": "A"})
    assert response.status_code == 409
    assert "秘密解析" not in response.content.decode()
    assert not PracticeAnswer.objects.exists()


def test_exam_only_questions_never_enter_a_session(logged_in, make_question):
    make_question("single", chapter="社会救助", exam_only=True, explanation="<p>秘密解析</p>")
    response = logged_in.get("/practice/start/chapter/", {"chapter": "社会救助"}, follow=True)
    assert response.redirect_chain[-1][0] == "/practice/"
    assert "这里暂时没有可以练习的题目" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_hub_is_a_collapsed_tree_with_counts_and_accuracy(
    logged_in, learner, make_question, django_assert_max_num_queries
):
    for chapter, points in (("小组工作方法", ["小组类型"]), ("小组工作方法", ["小组动力"])):
        make_question(
            "single",
            subject="comprehensive",
            level="junior",
            chapter=chapter,
            knowledge_points=points,
        )
    make_question("single", subject="practice", level="junior", chapter="老年社会工作")
    make_question("single", subject="comprehensive", level="intermediate", chapter="小组工作方法")
    url = start(logged_in, "chapter", chapter="小组工作方法", level="junior")
    logged_in.post(url, {"answer": "A"})
    with django_assert_max_num_queries(16):
        html = logged_in.get("/practice/").content.decode()
    # The learner's level only (初级), each chapter once, every node collapsed.
    assert html.count('<span class="node-name">小组工作方法</span>') == 1
    assert "初级 · 社会工作综合能力" in html and "中级 · 社会工作综合能力" not in html
    assert "<details open" not in html and html.count("<details") == 4
    assert "2 题 · 正确率 100%" in html and "1 题 · 未练" in html
    assert "中级 · 社会工作综合能力" in logged_in.get("/practice/?level=all").content.decode()


def test_chapters_api_keeps_its_shape_and_adds_the_tree(client, learner, token_for, make_question):
    make_question(
        "single",
        subject="comprehensive",
        level="junior",
        chapter="社会救助",
        knowledge_points=["低保"],
    )
    body = client.get("/api/v1/practice/chapters", **token_for(learner)).json()
    assert set(body) >= {"items", "count", "knowledge_points", "tree"}
    assert body["items"][0]["chapter"] == "社会救助"
    subject = body["tree"][0]
    assert subject["label"] == "初级 · 社会工作综合能力" and subject["question_count"] == 1
    point = subject["chapters"][0]["knowledge_points"][0]
    assert point == {"knowledge_point": "低保", "question_count": 1, "answers": 0, "accuracy": None}


def test_wrong_book_groups_by_chapter_with_redo_and_states_its_rule(
    logged_in, learner, make_question, django_assert_max_num_queries
):
    for chapter in ("社会救助", "社会救助", "社区矫正"):
        question = make_question("single", chapter=chapter)
        logged_in.post(f"/practice/q/{question.pk}/", {"answer": "B", "answer_submit": "1"})
    with django_assert_max_num_queries(10):
        html = logged_in.get("/practice/wrong/").content.decode()
    assert "连续答对 2 次移出" in html
    assert html.index("社会救助") < html.index("社区矫正")  # most entries first
    assert "重做全部错题" in html and "重做本章全部" in html
    url = start(logged_in, "wrong_book", chapter="社会救助")
    assert "1</strong>/2" in logged_in.get(url).content.decode()
    assert len(PracticeSession.objects.get().question_ids) == 2
    assert WrongAnswer.objects.filter(learner=learner).count() == 3


def test_favourites_and_due_reviews_start_sessions(logged_in, learner, make_question):
    question = make_question("single")
    logged_in.post(f"/practice/q/{question.pk}/favourite/", {"favourite": "1"})
    assert start(logged_in, "favourite").endswith("/1/")
    assert logged_in.get("/practice/start/due/", follow=True).redirect_chain[-1][0] == (
        "/practice/wrong/"
    )
    assert logged_in.get("/practice/start/nonsense/").status_code == 404


def test_favourite_toggle_returns_to_the_session_screen(logged_in, make_question):
    question = make_question("single", chapter="社会救助")
    url = start(logged_in, "chapter", chapter="社会救助")
    response = logged_in.post(
        f"/practice/q/{question.pk}/favourite/", {"favourite": "1", "next": url}
    )
    assert response.url == url
    elsewhere = logged_in.post(
        f"/practice/q/{question.pk}/favourite/",
        {"favourite": "0", "next": "https://evil.example/"},
    )
    assert elsewhere.url.startswith(f"/practice/q/{question.pk}/")
