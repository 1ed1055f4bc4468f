"""Markup typed into names, titles and imported stems stays text in the browser (#16).

Each hostile string would set ``window.__xss`` if it ran. The page fixture also fails the
test on any Content-Security-Policy violation, so markup that got through unescaped and was
only stopped by the policy fails too: both layers are tested, each on its own.
"""

import pytest
from playwright.sync_api import expect

from exams.bank.formats import gift
from exams.bank.importing import import_questions
from exams.models import Question
from learning.models import User
from learning.points.ledger import award
from tests.conftest import PASSWORD
from tests.e2e.steps import log_in

NAME = '<img src=x onerror="window.__xss=1">王五'
TITLE = "<script>window.__xss=2</script>社区治理"
GIFT = (
    "::恶意题::[html]<p>社会工作的首要使命是什么？</p>"
    '<img src=x onerror="window.__xss=3"><script>window.__xss=4</script>'
    '<a href="javascript:window.__xss=5">链接</a>'
    "{=助人自助 ~追求利润 ~维护秩序 ~宣传政策}\n"
).encode()


def not_run(page) -> None:
    assert page.evaluate("window.__xss") is None, page.url


@pytest.fixture
def hostile(make_learner, make_course):
    colleague = make_learner(name=NAME)
    award(learner=colleague, action="course_completed", key="course:hostile")
    course = make_course(TITLE, lessons=1)
    report = import_questions(parsed=gift.read(GIFT), bank_name="导入题库")
    assert not report.errors
    question = Question.objects.get(name="恶意题")
    assert "script" not in question.stem and "onerror" not in question.stem
    assert "javascript:" not in question.stem
    return course, question


def test_hostile_markup_is_inert_for_learners_and_organisers(
    page, shot, transactional_db, home_page, learner, hostile
):
    course, question = hostile
    log_in(page, learner)
    not_run(page)
    page.goto("/courses/")
    expect(page.get_by_text(TITLE).first).to_be_visible()
    not_run(page)
    page.goto(course.url)
    not_run(page)
    page.goto(f"/practice/q/{question.pk}/")
    expect(page.get_by_text("社会工作的首要使命是什么？")).to_be_visible()
    not_run(page)
    page.goto("/rankings/")
    expect(page.get_by_text(NAME).first).to_be_visible()
    not_run(page)
    shot("leaderboard")

    User.objects.create_superuser(phone="13900000009", name="管理员", password=PASSWORD)
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("手机号").fill("13900000009")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    for url in ("/admin/", "/admin/reports/", "/admin/reports/candidates/", "/admin/pages/"):
        page.goto(url)
        not_run(page)
    shot("admin-candidates")
