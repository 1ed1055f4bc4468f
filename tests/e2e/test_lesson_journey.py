"""A learner studies a lesson on a phone: chooses at each step of a drill (feedback only after
choosing, then a score), answers a knowledge check inline and completes the lesson with the
explicit button, offered only once both are done."""

import pytest
from playwright.sync_api import expect
from wagtail.rich_text import RichText

from courses.models import LessonCompletion, LessonPage
from tests.conftest import PASSWORD

DRILL = {
    "title": "深夜噪音投诉现场处置",
    "scenario": "晚上十点半，楼下住户打电话投诉楼上噪音。",
    "steps": [
        {
            "situation": "你首先怎么回应？",
            "choices": [
                {"text": "先稳住情绪", "feedback": "先处理情绪。", "recommended": True},
                {"text": "让他找物业", "feedback": "推诿会激化矛盾。", "recommended": False},
            ],
        },
        {
            "situation": "噪音停止后第二天做什么？",
            "choices": [
                {"text": "分别回访两户", "feedback": "预防纠纷反复。", "recommended": True},
                {"text": "不再跟进", "feedback": "可能再次升级。", "recommended": False},
            ],
        },
    ],
    "debrief": "一稳情绪，二快联系。",
}


@pytest.fixture
def lesson(make_course, make_question):
    course = make_course(lessons=2)
    lesson = LessonPage.objects.child_of(course).first()
    lesson.body = [
        ("rich_text", RichText("<p>邻里噪音是最常见的投诉之一。</p>")),
        ("drill", DRILL),
        ("knowledge_check", {"title": "随堂测验", "questions": [make_question("single")]}),
    ]
    lesson.save_revision().publish()
    return lesson


def test_learner_walks_a_drill_answers_a_check_and_completes_the_lesson(
    page, shot, lesson, learner
):
    page.goto(f"/accounts/login/?next={lesson.url}")
    page.get_by_label("手机号").fill(learner.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=lesson.title)).to_be_visible()
    # The drill shows one step at a time, and no feedback before the learner chooses.
    second_step = page.get_by_text("噪音停止后第二天做什么？")
    expect(second_step).to_be_hidden()
    expect(page.get_by_text("先处理情绪。")).to_be_hidden()
    # Nothing to complete yet: the lesson's end lists the drill and the check instead.
    expect(page.locator(".outstanding")).to_contain_text("模拟演练")
    expect(page.get_by_role("button", name="完成本课时")).to_have_count(0)
    page.get_by_text("让他找物业").click()
    page.get_by_role("button", name="就这样做").click()
    # My choice's feedback and the recommended one, then the next step.
    expect(page.get_by_text("推诿会激化矛盾。")).to_be_visible()
    expect(page.get_by_text("先处理情绪。")).to_be_visible()
    expect(second_step).to_be_visible()
    shot("drill-feedback")
    page.get_by_text("分别回访两户").click()
    page.get_by_role("button", name="就这样做").click()
    expect(page.get_by_text("演练得分：1/2")).to_be_visible()
    expect(page.get_by_text("一稳情绪，二快联系。")).to_be_visible()
    shot("drill-scored")
    # The knowledge check answers inline, without leaving the page.
    page.get_by_label("A. 助人自助").check()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".check-feedback")).to_contain_text("回答正确")
    shot("check-feedback")
    # Reaching the end of the lesson completes nothing; the learner's button does.
    page.locator("#lesson-end").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert not LessonCompletion.objects.filter(learner=learner, lesson=lesson).exists()
    page.get_by_role("button", name="完成本课时").click()
    expect(page.get_by_role("status").filter(has_text="本课时已完成")).to_be_visible()
    shot("completed")
    assert LessonCompletion.objects.filter(learner=learner, lesson=lesson).exists()
