"""Practice as exam-prep apps run it, in a real browser: 每日一练 one question per screen with
"n/N", feedback and 下一题 to a summary that survives a reload; then 错题本 by chapter, 重做全部
and 重做错题 from the summary; the hub as a collapsed tree. Tap targets are checked at phone
size (44x44 px at least)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import horizontal_overflow, log_in

CHAPTERS = ["社会救助", "社区矫正"]


@pytest.fixture
def bank(make_question):
    """Ten questions over two chapters; the key is always A, so a test can answer right or
    wrong on purpose. The last is a true/false one (正确 is A)."""
    questions = []
    for number in range(9):
        questions.append(
            make_question(
                "single",
                stem=f"<p>第{number + 1}题：社会救助的对象是哪些人？</p>",
                chapter=CHAPTERS[number % 2],
                subject="regulations",
                level="junior",
                difficulty=1 + number % 5,
                knowledge_points=["最低生活保障" if number % 2 else "社区矫正对象"],
                explanation=f"<p>第{number + 1}题的解析。</p>",
            )
        )
    questions.append(
        make_question(
            "true_false",
            stem="<p>最低生活保障实行属地管理。</p>",
            chapter=CHAPTERS[0],
            subject="regulations",
            level="junior",
            explanation="<p>由户籍所在地的县级民政部门审批。</p>",
        )
    )
    return questions


def tap_size(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["width"], box["height"]


def assert_tappable(locator) -> None:
    width, height = tap_size(locator)
    assert width >= 44 and height >= 44, (width, height)


def answer_current(page, *, right: bool) -> None:
    """Pick option A (right) or B (wrong) on the current screen and submit it."""
    page.locator(".option").nth(0 if right else 1).click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.get_by_role("status")).to_contain_text("正确答案")


def test_daily_practice_session_to_its_summary(page, shot, transactional_db, learner, bank):
    log_in(page, learner, next_url="/practice/")
    expect(page.get_by_role("heading", name="练习", exact=True)).to_be_visible()
    # The tree is collapsed and names each chapter once.
    expect(page.locator("details[open]")).to_have_count(0)
    shot("hub")
    page.locator(".tree-subject > summary", has_text="初级 · 社会工作法规与政策").click()
    expect(page.locator(".tree-chapter summary", has_text="社会救助")).to_have_count(1)
    shot("hub-tree-open")
    assert horizontal_overflow(page) == 0

    page.locator(".tile-main").click()
    expect(page.locator(".progress-count")).to_contain_text("1/10")
    expect(page.locator(".difficulty").first).to_have_text(re.compile(r"^难度：[\u4e00-\u9fff]+ ★"))
    shot("daily-first-question")
    if page.viewport_name == "phone":
        assert_tappable(page.get_by_role("button", name="收藏"))
        assert_tappable(page.get_by_role("button", name="提交答案"))
        assert_tappable(page.get_by_role("link", name="跳过"))
    # Before an answer there is no 下一题 beside 提交答案.
    expect(page.get_by_role("link", name="下一题")).to_have_count(0)

    for number in range(1, 11):
        expect(page.locator(".progress-count")).to_contain_text(f"{number}/10")
        answer_current(page, right=number not in (2, 5, 7))
        if number == 2:
            expect(page.locator(".result")).to_contain_text("回答错误，已加入错题本")
            shot("daily-wrong-feedback")
            # A reload shows the same screen with its feedback, answering nothing twice.
            page.reload()
            expect(page.locator(".progress-count")).to_contain_text("2/10")
            expect(page.get_by_role("status")).to_contain_text("回答错误")
            if page.viewport_name == "phone":
                assert_tappable(page.get_by_role("link", name="下一题"))
        if number == 1:
            expect(page.get_by_role("status")).to_contain_text("回答正确")
            shot("daily-right-feedback")
        if number < 10:
            page.get_by_role("link", name="下一题").click()
    status = page.get_by_role("status")
    if "最低生活保障实行属地管理" in page.locator(".stem").inner_text():
        # The true/false key in words, not a letter.
        expect(status).to_contain_text("正确答案：正确")
    shot("daily-last-question")
    page.get_by_role("link", name="查看本组总结").click()
    expect(page.get_by_role("heading", name=re.compile("本组练习完成"))).to_be_visible()
    expect(page.locator(".summary-rate")).to_contain_text("70%")
    expect(page.locator(".summary-figures")).to_contain_text("7/10 题")
    # Seven right answers (1 point each) and the day's set done (5 points).
    expect(page.locator(".summary-figures div", has_text="获得积分")).to_contain_text("12")
    expect(page.get_by_role("heading", name="最需要加强的知识点")).to_be_visible()
    shot("daily-summary")
    page.reload()
    expect(page.locator(".summary-rate")).to_contain_text("70%")
    # The home/hub tile shows the day's progress.
    page.goto("/practice/")
    expect(page.locator(".tile-main")).to_contain_text("今日进度 10/10")
    assert horizontal_overflow(page) == 0


def test_wrong_answer_redo(page, shot, transactional_db, learner, bank):
    log_in(page, learner, next_url="/practice/")
    page.locator(".tree-subject > summary", has_text="初级 · 社会工作法规与政策").click()
    page.locator(".tree-chapter summary", has_text="社会救助").click()
    page.get_by_role("link", name=re.compile("练习本章")).first.click()
    expect(page.locator(".session-title")).to_contain_text("章节练习 · 社会救助")
    total = int(page.locator(".progress-count").inner_text().split("/")[-1].split()[0])
    for number in range(1, total + 1):
        answer_current(page, right=number % 2 == 0)
        page.get_by_role("link", name="查看本组总结" if number == total else "下一题").click()
    shot("chapter-summary")

    page.goto("/practice/wrong/")
    expect(page.locator("#mastery-rule")).to_contain_text("连续答对 2 次移出")
    expect(page.locator(".wrong-chapter summary", has_text="社会救助")).to_be_visible()
    if page.viewport_name == "phone":
        assert_tappable(page.get_by_role("button", name=re.compile("移出")).first)
    shot("wrong-book")
    wrong = page.locator(".wrong-list li").count()
    assert wrong == (total + 1) // 2

    page.get_by_role("link", name="重做全部错题").click()
    expect(page.locator(".session-title")).to_contain_text("错题重做")
    expect(page.locator(".progress-count")).to_contain_text(f"1/{wrong}")
    shot("redo-first")
    for number in range(1, wrong + 1):
        answer_current(page, right=number != 1)
        if number == 1:
            shot("redo-feedback")
        page.get_by_role("link", name="查看本组总结" if number == wrong else "下一题").click()
    expect(page.locator(".summary-figures")).to_contain_text(f"{wrong - 1}/{wrong} 题")
    shot("redo-summary")
    page.get_by_role("button", name="重做错题（1 道）").click()
    expect(page.locator(".session-title")).to_contain_text("重做错题")
    expect(page.locator(".progress-count")).to_contain_text("1/1")
    answer_current(page, right=True)
    shot("retry-the-wrong-one")
    page.get_by_role("link", name="查看本组总结").click()
    expect(page.locator(".summary-rate")).to_contain_text("100%")
    shot("retry-summary")
    assert horizontal_overflow(page) == 0
