"""A learner meets a 模考大赛 on the exam list in a real browser: the countdown to the opening
minute, 报名 and the 已报名 state, then a closed contest's ranking on the card and on the
result screen."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from exams.attempts.services import save_answers, start_attempt, submit_attempt
from exams.contests import services as contests
from exams.models import Attempt
from learning.accounts.organisations import get_or_create_path
from tests.e2e.conftest import ARTEFACTS
from tests.e2e.steps import horizontal_overflow, log_in
from tests.exams.mock_helpers import choice_question, fixed_paper


def contest(title: str, *, opens_at, minutes: int = 60):
    return fixed_paper(
        [choice_question(stem=f"第{i}题：社会工作的首要使命是什么？", right="A") for i in range(5)],
        title=title,
        is_contest=True,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(minutes=minutes),
        time_limit_minutes=minutes,
    )


def sit(paper, user, right: int):
    start = paper.opens_at + timedelta(minutes=2)
    contests.register(paper=paper, learner=user, now=paper.opens_at - timedelta(days=1))
    attempt, _ = start_attempt(paper=paper, learner=user, now=start)
    ids = list(attempt.items.order_by("position").values_list("question_id", flat=True))
    answers = {str(qid): ["A"] if i < right else ["B"] for i, qid in enumerate(ids)}
    save_answers(attempt=attempt, answers=answers, now=start + timedelta(minutes=3))
    submit_attempt(attempt_id=attempt.pk, now=start + timedelta(minutes=20))
    return attempt


def test_contest_card_countdown_registration_and_ranking(page, shot, learner, make_learner):
    now = timezone.now()
    upcoming = contest("2026年秋季全市社工模考大赛", opens_at=now + timedelta(days=1, hours=2))
    closed = contest("第一届社工职业水平模考大赛", opens_at=now - timedelta(days=2))
    river, _ = get_or_create_path("临江区", "东门街道", "鼓楼社区")
    sit(closed, learner, right=4)
    sit(closed, make_learner(name="王芳"), right=3)
    sit(closed, make_learner(name="陈静", organisation=river), right=5)

    log_in(page, learner, next_url="/exams/")
    card = page.locator(".contest-card", has_text=upcoming.title)
    expect(card.locator("[data-countdown]")).to_contain_text("距开考")
    first = card.locator('[data-part="s"]').inner_text()
    page.wait_for_timeout(1500)
    assert card.locator('[data-part="s"]').inner_text() != first  # the clock moves
    assert horizontal_overflow(page) == 0
    screens = [shot("countdown")]
    card.get_by_role("button", name="报名").click()
    card = page.locator(".contest-card", has_text=upcoming.title)
    expect(card).to_contain_text("已报名")
    screens.append(shot("registered"))

    ranked = page.locator(".contest-card", has_text=closed.title)
    expect(ranked.locator("table.contest-standings")).to_contain_text("全体考生")
    expect(ranked).to_contain_text("幸福里社区")
    ranked.scroll_into_view_if_needed()
    screens.append(shot("ranking"))

    attempt = Attempt.objects.get(paper=closed, learner=learner)
    page.goto(f"/exams/attempts/{attempt.pk}/")
    expect(page.locator("table.contest-standings")).to_contain_text("第 2 名")
    screens.append(shot("result"))
    assert all(path.parent == ARTEFACTS and path.exists() for path in screens)
