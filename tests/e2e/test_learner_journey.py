"""A learner's day in a real browser: log in, finish a lesson, the daily practice, a short mock
exam and its review, and watch the points and the leaderboard move."""

import re

import pytest
from playwright.sync_api import expect

from learning.points.ledger import award
from tests.e2e.steps import horizontal_overflow, log_in, unlabelled_fields
from tests.exams.mock_helpers import choice_question, fixed_paper


@pytest.fixture
def rival(make_learner):
    """A colleague in the same community, 14 points ahead this week."""
    rival = make_learner(name="王强")
    award(learner=rival, action="course_completed", key="course:rival")
    for number in range(2):
        award(learner=rival, action="lesson_completed", key=f"lesson:rival{number}")
    return rival


def go(page, section: str, *, tab: str | None = None) -> None:
    """Open a section from whichever navigation the screen shows: the header's 主导航 on a
    wide screen, the bottom tab bar (底部导航) on a phone, where sections outside the five
    tabs (积分排名) are reached from 我的."""
    main = page.get_by_role("navigation", name="主导航")
    if main.is_visible():
        main.get_by_role("link", name=section).click()
        return
    tabs = page.get_by_role("navigation", name="底部导航")
    if tab is None:
        tabs.get_by_role("link", name="我的").click()
        page.locator("main").get_by_role("link", name=re.compile(section)).first.click()
    else:
        tabs.get_by_role("link", name=tab).click()


def test_a_learners_day(page, shot, transactional_db, home_page, learner, rival, make_course):
    make_course("社区走访技巧", lessons=1, lesson_text="入户走访前先了解居民的基本情况。")
    fixed_paper(
        [choice_question(stem="社会工作的首要使命是什么？"), choice_question(stem="第二题")],
        title="周末小测",
        time_limit_minutes=10,
    )
    log_in(page, learner)
    expect(page.get_by_role("heading", name="我的积分")).to_be_visible()
    expect(page.locator("#panel-points").locator("..")).to_contain_text("第2名")
    shot("home")

    go(page, "课程", tab="课程")
    page.get_by_role("link", name="社区走访技巧").first.click()
    page.get_by_role("button", name="加入学习").click()
    page.get_by_role("link", name=re.compile("社区走访技巧（1）")).first.click()
    expect(page.get_by_text("入户走访前先了解居民的基本情况。")).to_be_visible()
    # The learner says they are done (the page's script posts what the form would); the
    # course's only lesson finishes the course, and the note says so with the points.
    page.get_by_role("button", name="完成本课时").click()
    expect(page.locator(".done-note")).to_contain_text("课程已学完！获得 12 积分")
    shot("lesson-completed")

    go(page, "练习", tab="练习")
    page.goto("/practice/daily/")
    expect(page.locator(".progress-count")).to_contain_text("1/")
    page.locator(".option").first.click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.get_by_role("status")).to_contain_text("正确答案")
    shot("daily-answered")

    go(page, "模拟考试", tab="考试")
    page.get_by_role("button", name="开始作答").click()
    # The exam script (deferred) must be listening before the first answer is chosen.
    expect(page).to_have_url(re.compile("/exams/attempts/"))
    page.wait_for_load_state("load")
    page.locator("#q1 .option").first.click()
    expect(page.locator("#save-status")).to_contain_text("已自动保存")
    page.get_by_role("button", name="交卷").click()
    page.get_by_role("button", name="确认交卷").click()
    expect(page.locator(".result .score")).to_contain_text("得分")
    page.get_by_role("link", name="逐题解析").click()
    expect(page.get_by_text("社会工作的首要使命是什么？")).to_be_visible()
    shot("exam-review")
    page.get_by_role("link", name="返回成绩").click()

    go(page, "积分排名")
    expect(page.locator(".my-rank")).to_contain_text("第 1 名")
    shot("leaderboard")
    go(page, "我的", tab="我的")
    shot("my-learning")
    page.get_by_role("link", name=re.compile("积分明细")).click()
    expect(page.locator("main")).to_contain_text("完成课时")
    shot("points-history")
    assert horizontal_overflow(page) == 0


MAIN_PAGES = [
    "/",
    "/courses/",
    "/search/?q=走访",
    "/practice/",
    "/practice/daily/",
    "/practice/wrong/",
    "/practice/favourites/",
    "/exams/",
    "/lecturers/",
    "/trainings/",
    "/rankings/",
    "/me/",
    "/me/points/",
    "/me/reminders/",
]


def test_main_pages_fit_360_pixels_and_label_every_field(
    browser, live_server, transactional_db, home_page, learner, make_course, make_lecturer
):
    course = make_course("社区走访技巧", lessons=1)
    make_lecturer(name="周明")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, learner)
    wide, unlabelled = {}, {}
    for url in [*MAIN_PAGES, course.url, "/accounts/login/"]:
        page.goto(url)
        if (overflow := horizontal_overflow(page)) > 0:
            wide[url] = overflow
        if fields := unlabelled_fields(page):
            unlabelled[url] = fields
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for url in ("/", "/me/", "/rankings/"):
        page.goto(url)
        if (overflow := horizontal_overflow(page)) > 0:
            wide[f"{url} (en)"] = overflow
    context.close()
    assert wide == {}
    assert unlabelled == {}


def test_keyboard_users_can_skip_to_the_content(page, home_page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # shown on focus, not left off screen
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_language_switch_turns_the_site_english(page, shot, home_page):
    page.goto("/")
    page.get_by_label("语言 / Language").select_option("en")
    page.get_by_role("button", name="切换").click()
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Courses")).to_be_visible()
    expect(page.get_by_role("link", name="Log in with your mobile number")).to_be_visible()
    shot("home-english")
    assert horizontal_overflow(page) == 0
