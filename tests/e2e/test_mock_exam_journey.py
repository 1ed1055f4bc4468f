"""A learner sits a mock exam in exam mode (考试模式) in a real browser: one question per
screen, marking, the answer card sheet, a minute offline, a reload mid-way, the confirmation
before 交卷, the hand-in at time-up, then the result (score, pass line, rank, percentile,
breakdowns) and the review one question per screen with 只看错题."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from ninja.errors import HttpError
from playwright.sync_api import expect

from exams.attempts import services as attempts
from exams.attempts.services import save_answers, start_attempt, submit_attempt
from exams.bank.services import true_false_options
from exams.models import Attempt, Paper, PaperQuestion
from tests.e2e.conftest import ARTEFACTS
from tests.e2e.steps import horizontal_overflow, log_in, seconds_left, small_tap_targets

VALUES = "社会工作价值观与专业伦理"
CASEWORK = "个案工作方法"
GROUPWORK = "小组工作方法"

#: (type, chapter, stem, options, explanation); option keys A, B, C… in order.
QUESTIONS = [
    (
        "single",
        VALUES,
        "社会工作的核心价值理念是（　）。",
        [("助人自助", True), ("维护秩序", False), ("追求效率", False), ("服从管理", False)],
        "助人自助是社会工作的核心价值理念：协助服务对象发掘自身潜能，最终能够自己解决问题。",
    ),
    (
        "single",
        VALUES,
        "社会工作者未经服务对象同意，不向他人透露其个人资料，遵循的是哪一项伦理原则？（　）",
        [("接纳", False), ("保密", True), ("个别化", False), ("非评判", False)],
        "保密原则要求妥善保管服务对象的信息，除法律规定等例外情形外，未经同意不得透露。",
    ),
    (
        "true_false",
        VALUES,
        "社会工作者可以按照自己的价值观替服务对象作出决定。",
        true_false_options(False),
        "尊重服务对象的自决权是社会工作的基本伦理原则，社会工作者不能替服务对象做决定。",
    ),
    (
        "single",
        CASEWORK,
        "个案工作的通用过程中，紧接在“接案”之后的阶段是（　）。",
        [("预估", True), ("计划", False), ("介入", False), ("结案", False)],
        "个案工作的通用过程依次是接案、预估、计划、介入、评估和结案。",
    ),
    (
        "multiple",
        CASEWORK,
        "在接案阶段，社会工作者的主要任务包括（　）。",
        [
            ("了解服务对象的基本情况和求助问题", True),
            ("初步评估服务对象的问题与需要", True),
            ("与服务对象建立专业关系", True),
            ("实施具体的介入行动", False),
            ("撰写结案报告", False),
        ],
        "接案阶段要初步了解问题与需要、建立专业关系并决定是否接案；介入和结案属于后续阶段。",
    ),
    (
        "single",
        GROUPWORK,
        "小组工作中，组员之间开始出现冲突、争夺控制权的阶段一般是（　）。",
        [("准备阶段", False), ("开始阶段", False), ("中期转折阶段", True), ("结束阶段", False)],
        "中期转折阶段，组员彼此熟悉后开始表达不同意见，常出现冲突与控制权之争。",
    ),
]
#: Right answers in shown keys (the paper does not shuffle options).
RIGHT = [["A"], ["B"], ["B"], ["A"], ["A", "B", "C"], ["C"]]


@pytest.fixture
def paper(make_question):
    questions = [
        make_question(
            kind,
            chapter=chapter,
            stem=f"<p>{stem}</p>",
            options=options,
            explanation=f"<p>{explanation}</p>",
        )
        for kind, chapter, stem, options, explanation in QUESTIONS
    ]
    paper = Paper.objects.create(
        title="初级实务模拟卷（考试模式）",
        level="junior",
        subject="practice",
        time_limit_minutes=30,
        pass_score=4,
        is_published=True,
    )
    for index, question in enumerate(questions):
        PaperQuestion.objects.create(paper=paper, question=question, sort_order=index)
    return paper


def sit(paper, learner, right: list[bool]) -> Attempt:
    """A finished attempt of another candidate, right on the questions marked True."""
    now = timezone.now()
    attempt, _created = start_attempt(paper=paper, learner=learner, now=now)
    items = attempt.items.order_by("position")
    wrong = {2: ["A"]}  # a true/false question has only A and B
    answers = {
        str(item.question_id): RIGHT[index] if right[index] else wrong.get(index, ["D"])
        for index, item in enumerate(items)
    }
    save_answers(attempt=attempt, answers=answers, now=now)
    return submit_attempt(attempt_id=attempt.pk, now=now)


@pytest.fixture
def other_candidates(paper, make_learner):
    """Three colleagues sat it before: 7 (all right), 5 (the learner's own score) and 1."""
    sit(paper, make_learner(name="王芳"), [True] * 6)
    sit(paper, make_learner(name="赵强"), [True, False, True, True, True, False])
    sit(paper, make_learner(name="陈静"), [True, False, False, False, False, False])


def choose(page, position: int, *texts: str) -> None:
    question = page.locator(f"#q{position}")
    with page.expect_response(re.compile(r"/answers$")):
        for text in texts:
            question.locator(".option", has_text=text).click()


def swipe_left(page, selector: str) -> None:
    page.locator(selector).evaluate(
        """(el) => {
            const at = (x) => new Touch({identifier: 1, target: el, clientX: x, clientY: 400});
            el.dispatchEvent(new TouchEvent("touchstart", {touches: [at(320)], bubbles: true}));
            el.dispatchEvent(new TouchEvent("touchend", {changedTouches: [at(80)], bubbles: true}));
        }"""
    )


def unavailable(**kwargs):
    raise HttpError(503, "维护中")


def answer_of(attempt: Attempt, position: int):
    return attempt.items.get(position=position).answer


EXAM_TARGETS = "#exam-pager button, #submit-open, .exam-leave, .question.is-current .flag, .question.is-current .option"


def test_learner_sits_a_mock_exam_in_exam_mode(
    page, shot, transactional_db, home_page, learner, paper, other_candidates, monkeypatch
):
    log_in(page, learner, next_url="/exams/")
    expect(page.get_by_role("heading", name=paper.title)).to_be_visible()
    shot("paper-list")
    page.get_by_role("button", name="开始作答").click()
    expect(page.locator("#exam-progress")).to_have_text("1/6")
    attempt = Attempt.objects.get(learner=learner)

    # One question per screen, the countdown and 交卷 pinned above, 上一题/下一题 below.
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^00:(29|30):\d\d$"))
    expect(page.locator("#q1")).to_be_visible()
    expect(page.locator("#q2")).to_be_hidden()
    expect(page.get_by_role("button", name="上一题")).to_be_disabled()
    choose(page, 1, "助人自助")
    expect(page.locator("#save-status")).to_contain_text("已自动保存")
    assert small_tap_targets(page, EXAM_TARGETS) == []
    shot("first-question")
    page.get_by_role("button", name="下一题").click()
    expect(page.locator("#exam-progress")).to_have_text("2/6")
    choose(page, 2, "接纳")
    with page.expect_response(re.compile(r"/answers$")):
        page.locator("#q2 .flag").click()
    expect(page.locator("#q2 .flag input")).to_be_checked()
    shot("marked-for-review")

    # A swipe to the left is 下一题, as in the apps.
    swipe_left(page, "#exam-questions")
    expect(page.locator("#exam-progress")).to_have_text("3/6")
    choose(page, 3, "错误")

    # The answer card: a bottom sheet with 已答/未答/标记 and a legend; a number jumps there.
    page.get_by_role("button", name="答题卡").click()
    sheet = page.locator("#card-sheet")
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-count=answered]")).to_have_text("3")
    expect(sheet.locator("[data-count=unanswered]")).to_have_text("3")
    expect(sheet.locator("[data-count=flagged]")).to_have_text("1")
    expect(sheet.locator("[data-nav]").nth(1)).to_have_class(re.compile("is-flagged"))
    assert small_tap_targets(page, "#card-sheet a, #card-sheet button") == []
    shot("answer-card")
    sheet.get_by_role("link", name=re.compile("^第 4 题")).click()
    expect(sheet).to_be_hidden()
    expect(page.locator("#exam-progress")).to_have_text("4/6")

    # Offline: the answer waits in the browser, the bar says 离线, and it goes when back.
    page.context.set_offline(True)
    page.locator("#q4 .option", has_text="预估").click()
    expect(page.locator("#net-status")).to_be_visible()
    expect(page.locator("#net-status")).to_contain_text("离线")
    shot("offline")
    assert answer_of(attempt, 4) is None
    with page.expect_response(re.compile(r"/answers$")):
        page.context.set_offline(False)
    expect(page.locator("#net-status")).to_be_hidden()
    expect(page.locator("#save-status")).to_contain_text("已自动保存")
    assert answer_of(attempt, 4) is not None

    # 交卷 asks first, naming the unanswered and the marked questions; a number goes there.
    page.locator("#submit-open").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_be_visible()
    expect(confirm.locator("[data-list=unanswered]")).to_contain_text("还有 2 题未答")
    expect(confirm.locator("[data-list=unanswered] .chip")).to_have_text(["5", "6"])
    expect(confirm.locator("[data-list=flagged] .chip")).to_have_text(["2"])
    assert small_tap_targets(page, "#confirm-dialog button") == []
    shot("confirm-hand-in")
    confirm.locator(".chip", has_text="5").click()
    expect(confirm).to_be_hidden()
    expect(page.locator("#exam-progress")).to_have_text("5/6")

    # The server cannot take answers for a while (the page's keep-alive save on leaving goes
    # past the browser's request routing, so it is refused on the server), and the page is
    # reloaded: the answers come back from this browser's queue, the mark from the server and
    # the question from the address; they are sent once the server takes them again.
    with monkeypatch.context() as patched:
        patched.setattr(attempts, "save_answers", unavailable)
        for text in ("了解服务对象", "初步评估", "建立专业关系"):
            page.locator("#q5 .option", has_text=text).click()
        expect(page.locator("#save-status")).to_contain_text("保存失败")
        before = seconds_left(page)
        page.wait_for_timeout(1_100)
        page.reload()
        expect(page.locator("#exam-progress")).to_have_text("5/6")
        expect(page.locator("#q5")).to_be_visible()
        for index in range(3):
            expect(page.locator("#q5 .option input").nth(index)).to_be_checked()
        expect(page.locator("#q5 .option input").nth(3)).not_to_be_checked()
        assert before - 4 <= seconds_left(page) <= before - 1  # the server's deadline
        shot("after-reload")
        assert answer_of(attempt, 5) is None
    expect(page.locator("#save-status")).to_contain_text("已自动保存", timeout=15_000)
    assert sorted(answer_of(attempt, 5)) == ["A", "B", "C"]
    page.get_by_role("button", name="答题卡").click()
    expect(page.locator("#card-sheet [data-nav]").nth(1)).to_have_class(re.compile("is-flagged"))
    page.locator("#card-sheet").get_by_role("button", name="关闭").click()

    # Time is up (the deadline moved to a few seconds from now): a notice, then the hand-in.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=6))
    page.reload()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^00:00:0[0-6]$"))
    expect(page.locator("#countdown")).to_have_class(re.compile("urgent"))
    shot("last-seconds")
    expect(page.locator("#timeup-dialog")).to_be_visible(timeout=12_000)
    expect(page.locator("#timeup-dialog")).to_contain_text("考试时间到")
    shot("time-up")
    expect(page.locator(".timeup-notice")).to_contain_text("已自动交卷", timeout=10_000)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.ended_by, attempt.score) == ("finished", "timed_out", 5)

    # The result: 5 of 7 against a pass line of 4; ranked 2nd of 4 (7, 5, 5, 1: the tie
    # shares the rank), ahead of 1 of the other 3 candidates (33%).
    result = page.locator(".result")
    expect(result.locator(".verdict")).to_have_text("及格")
    expect(result.locator(".score")).to_have_text("得分 5 / 7")
    expect(result).to_contain_text("及格线 4 分")
    expect(result).to_contain_text("第 2 名")
    expect(result).to_contain_text("共 4 人参加")
    expect(result).to_contain_text("超过 33%")
    expect(page.locator(".breakdown").first).to_contain_text(VALUES)
    expect(page.locator(".breakdown").nth(1)).to_contain_text("判断题")
    expect(page.locator("#review")).to_be_hidden()
    assert horizontal_overflow(page) == 0
    shot("result")

    # The review, one question per screen, then only the wrong ones.
    page.get_by_role("link", name="逐题解析").click()
    expect(page.locator("#review-progress")).to_have_text("1/6")
    expect(page.locator("#r1")).to_contain_text("助人自助是社会工作的核心价值理念")
    expect(page.locator("#r2")).to_be_hidden()
    shot("review")
    page.locator("#review-pager").get_by_role("button", name="下一题").click()
    expect(page.locator("#r2")).to_contain_text("答错")
    expect(page.locator("#r2")).to_contain_text("保密原则")
    shot("review-wrong-answer")
    page.get_by_role("switch", name="只看错题").click()
    expect(page.locator("#review-progress")).to_have_text("1/2")
    expect(page.get_by_role("switch", name="只看错题")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#r2")).to_be_visible()
    shot("review-wrong-only")
    page.locator("#review-pager").get_by_role("button", name="答题卡").click()
    expect(page.locator("#review-sheet .card-grid a")).to_have_text(["2", "6"])
    assert small_tap_targets(page, "#review-sheet a, #review-sheet button, .review-bar a") == []
    shot("review-answer-card")
    page.locator("#review-sheet").get_by_role("link", name=re.compile("^第 6 题")).click()
    expect(page.locator("#r6")).to_contain_text("中期转折阶段")
    page.get_by_role("link", name="返回成绩").click()
    expect(page.locator(".result .score")).to_be_visible()
    assert horizontal_overflow(page) == 0


def test_the_exam_works_as_a_plain_form_without_scripts(
    browser, live_server, transactional_db, home_page, learner, paper
):
    """Progressive enhancement: with scripts off, the paper is one form (every question on
    the page, the answer card at its end), saved and handed in by POST; the review is one
    page, and 只看错题 a link."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        base_url=live_server.url,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, learner, next_url="/exams/")
    page.get_by_role("button", name="开始作答").click()
    expect(page.locator("#q6")).to_be_visible()
    expect(page.locator("#exam-pager")).to_be_hidden()
    page.locator("#q1 .option", has_text="助人自助").click()
    page.locator("#q2 .flag").click()
    page.get_by_role("button", name="保存答案").click()
    expect(page.locator(".messages")).to_contain_text("答案已保存")
    expect(page.locator("#answer-card [data-nav]").first).to_have_class(re.compile("is-answered"))
    expect(page.locator("#answer-card [data-count=flagged]")).to_have_text("1")
    page.screenshot(path=str(ARTEFACTS / "test_plain_form-phone-01-exam.png"), full_page=True)
    page.locator("#q4 .option", has_text="预估").click()
    page.locator("#submit-button").click()
    expect(page.locator(".result .score")).to_have_text("得分 2 / 7")
    expect(page.locator("#r6")).to_be_visible()
    expect(page.locator("#r3 .key-line")).to_contain_text("正确答案：错误")
    page.get_by_role("switch", name="只看错题").click()
    expect(page.locator(".review-item")).to_have_count(4)
    page.screenshot(path=str(ARTEFACTS / "test_plain_form-phone-02-review.png"), full_page=True)
    context.close()
