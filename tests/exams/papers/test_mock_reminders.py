"""Reminder providers: papers opening and closing soon, for eligible learners not yet attempted."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from exams.attempts.services import start_attempt
from exams.models import Paper
from exams.papers.reminders import papers_closing_soon, papers_opening_soon
from learning.accounts.organisations import get_or_create_path
from tests.exams.mock_helpers import choice_question, fixed_paper

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def paper(db):
    return fixed_paper([choice_question()], title="初级综合能力第一次模考")


def test_opening_soon_names_each_eligible_learner_once(paper, learner, make_learner):
    other = make_learner(name="王五", exam_level="intermediate")
    Paper.objects.filter(pk=paper.pk).update(opens_at=NOW + timedelta(hours=20))
    rows = list(papers_opening_soon(NOW))
    assert sorted(r[0] for r in rows) == sorted([learner.pk, other.pk])
    user_id, context, key = next(r for r in rows if r[0] == learner.pk)
    assert context["paper_title"] == "初级综合能力第一次模考"
    assert context["opens_at"] == "11月26日 06:00"
    assert key == f"paper-open:{paper.pk}"


def test_opening_later_than_the_window_is_not_announced(paper, learner):
    Paper.objects.filter(pk=paper.pk).update(opens_at=NOW + timedelta(hours=30))
    assert list(papers_opening_soon(NOW)) == []


def test_targets_limit_who_is_reminded(paper, learner, make_learner):
    elsewhere, _ = get_or_create_path("临江区", "东门街道", "鼓楼社区")
    make_learner(name="外区学员", organisation=elsewhere, exam_level="junior")
    make_learner(name="中级学员", exam_level="intermediate")
    paper.target_organisations.add(learner.profile.organisation.get_parent())
    paper.target_levels = ["junior"]
    paper.opens_at = NOW + timedelta(hours=2)
    paper.save()
    assert [r[0] for r in papers_opening_soon(NOW)] == [learner.pk]


def test_closing_soon_skips_learners_who_attempted(paper, learner, make_learner):
    other = make_learner(name="王五")
    Paper.objects.filter(pk=paper.pk).update(
        opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(hours=3)
    )
    start_attempt(paper=Paper.objects.get(), learner=learner, now=NOW)
    rows = list(papers_closing_soon(NOW))
    assert [(r[0], r[1]["closes_at"], r[2]) for r in rows] == [
        (other.pk, "11月25日 13:00", f"paper-close:{paper.pk}")
    ]


def test_unpublished_papers_are_not_announced(paper, learner):
    Paper.objects.filter(pk=paper.pk).update(is_published=False, opens_at=NOW + timedelta(hours=1))
    assert list(papers_opening_soon(NOW)) == []


def test_the_reminder_system_sends_the_paper_opening_text(
    paper, learner, reminder_rule, sms_outbox
):
    """End to end through learning's rules and SMS backend, with this app's real provider."""
    from learning.models import SmsMessage
    from learning.reminders import evaluate_all

    Paper.objects.filter(pk=paper.pk).update(opens_at=NOW + timedelta(hours=20))
    reminder_rule("paper_opening")
    counts = evaluate_all(now=NOW)
    assert counts.get("queued") == 1, counts
    message = SmsMessage.objects.get()
    assert message.learner_id == learner.pk
    assert "《初级综合能力第一次模考》将于11月26日 06:00开放" in message.text
    assert evaluate_all(now=NOW).get("queued", 0) == 0
