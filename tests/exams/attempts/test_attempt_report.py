"""The result report (成绩报告): breakdowns, time used, rank and percentile, by hand-computed
numbers; and the result page, which shows it and keeps the review to what the policy allows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exams.attempts.report import attempt_report
from exams.attempts.services import start_attempt, submit_attempt
from exams.models import Attempt, Paper
from tests.exams.mock_helpers import choice_question, fixed_paper

SECRET = "只有复盘时才能看到的解析"


def sit(paper, learner, answers, *, at=None, after=timedelta(minutes=5)) -> Attempt:
    """A finished attempt: ``answers`` by position (original keys; None leaves it blank)."""
    started = at or timezone.now() - timedelta(hours=1)
    attempt, _created = start_attempt(paper=paper, learner=learner, now=started)
    for item in attempt.items.all():
        item.answer = answers[item.position - 1]
        item.save(update_fields=["answer"])
    return submit_attempt(attempt_id=attempt.pk, now=started + after)


@pytest.fixture
def paper(db):
    """Chapter 价值观: two single choices (1 point each); 个案: a multiple choice (2 points);
    and a single choice with no chapter (1 point). All keys A (the multiple choice: A and B)."""
    questions = [
        choice_question(stem="价值观一", chapter="价值观", explanation=SECRET),
        choice_question(stem="价值观二", chapter="价值观", explanation=SECRET),
        choice_question(stem="个案多选", chapter="个案", right="AB", multiple=True, score=2),
        choice_question(stem="无章节题", explanation=SECRET),
    ]
    return fixed_paper(questions, pass_score=Decimal(3))


#: Right, wrong, both keys of the multiple choice, blank: 1 + 0 + 2 + 0 = 3 of 5.
MINE = [["A"], ["B"], ["A", "B"], None]


def rows(breakdown):
    return [(r.label, r.questions, r.correct, r.awarded, r.max_score) for r in breakdown]


def test_breakdown_by_chapter_and_by_type(learner, paper):
    report = attempt_report(attempt=sit(paper, learner, MINE), now=timezone.now())
    assert (report.score, report.max_score, report.passed) == (3, 5, True)
    assert (report.questions, report.correct, report.wrong) == (4, 2, 2)
    assert rows(report.by_chapter) == [
        ("价值观", 2, 1, 1, 2),
        ("个案", 1, 1, 2, 2),
        ("未分章节", 1, 0, 0, 1),
    ]
    assert rows(report.by_type) == [("单选题", 3, 1, 1, 3), ("多选题", 1, 1, 2, 2)]
    assert [r.percent for r in report.by_chapter] == [50, 100, 0]


def test_rank_and_percentile_among_the_candidates_of_the_paper(learner, make_learner, paper):
    right, blank = ["A"], None
    # 王: 2 then 4 points (highest counts: 4); 赵: 3; 钱: 1; 孙: 3. The learner's own earlier
    # sitting (5 points) does not count: this attempt stands for them.
    wang = make_learner(name="王")
    sit(paper, wang, [right, right, None, None])
    sit(paper, wang, [right, right, ["A", "B"], None])  # 1 + 1 + 2 = 4
    sit(paper, make_learner(name="赵"), [right, blank, ["A", "B"], blank])  # 3
    sit(paper, make_learner(name="钱"), [right, blank, blank, blank])  # 1
    sit(paper, make_learner(name="孙"), [blank, right, ["A", "B"], blank])  # 3
    sit(paper, learner, [right, right, ["A", "B"], right])  # 5, earlier
    mine = sit(paper, learner, MINE, at=timezone.now() - timedelta(minutes=30))  # 3
    standing = attempt_report(attempt=mine, now=timezone.now()).standing
    # Others: 4, 3, 1, 3. Higher: one (rank 2, shared with the two 3s' rank); lower: one of
    # four, 25 %.
    assert (standing.rank, standing.candidates, standing.percentile) == (2, 5, 25)


def test_other_candidates_count_by_the_papers_grading_method(learner, make_learner, paper):
    Paper.objects.filter(pk=paper.pk).update(grading_method="last")
    paper.refresh_from_db()
    wang = make_learner(name="王")
    sit(paper, wang, [["A"], ["A"], ["A", "B"], None], at=timezone.now() - timedelta(hours=3))
    sit(paper, wang, [["A"], None, None, None], at=timezone.now() - timedelta(hours=2))  # 1
    sit(paper, make_learner(name="赵"), [["A"], ["A"], ["A", "B"], ["A"]])  # 5
    mine = sit(paper, learner, MINE)  # 3
    standing = attempt_report(attempt=mine, now=timezone.now()).standing
    # Others by their last attempt: 1 and 5: one higher, one lower of two.
    assert (standing.rank, standing.candidates, standing.percentile) == (2, 3, 50)


def test_the_first_candidate_has_rank_one_and_no_percentile(learner, paper):
    standing = attempt_report(attempt=sit(paper, learner, MINE), now=timezone.now()).standing
    assert (standing.rank, standing.candidates, standing.percentile) == (1, 1, None)


def test_time_used_runs_from_start_to_hand_in(learner, paper):
    report = attempt_report(
        attempt=sit(paper, learner, MINE, after=timedelta(minutes=3, seconds=20)),
        now=timezone.now(),
    )
    assert report.time_used_parts == (3, 20)


def test_time_used_stops_at_the_deadline_when_the_schedule_hands_in_later(learner, paper):
    Paper.objects.filter(pk=paper.pk).update(time_limit_minutes=10)
    paper.refresh_from_db()
    attempt = sit(paper, learner, MINE, after=timedelta(minutes=25))
    assert attempt.ended_by == "timed_out"
    assert attempt_report(attempt=attempt, now=timezone.now()).time_used_parts == (10, 0)


def test_no_report_while_the_paper_keeps_its_scores_until_it_closes(learner, paper):
    Paper.objects.filter(pk=paper.pk).update(
        review_timing="after_close", closes_at=timezone.now() + timedelta(days=1)
    )
    paper.refresh_from_db()
    attempt = sit(paper, learner, MINE)
    assert attempt_report(attempt=attempt, now=timezone.now()) is None
    later = timezone.now() + timedelta(days=2)
    assert attempt_report(attempt=attempt, now=later).score == 3


# --- the result page ------------------------------------------------------------------------


def result_page(client, attempt, query: str = "") -> str:
    response = client.get(f"/exams/attempts/{attempt.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_result_page_shows_the_report(learner_client, learner, make_learner, paper):
    sit(paper, make_learner(name="王"), [["A"], ["A"], ["A", "B"], ["A"]])  # 5
    sit(paper, make_learner(name="赵"), [None, None, None, None])  # 0
    html = result_page(learner_client, sit(paper, learner, MINE))
    assert "得分 3 / 5" in html and "及格线 3 分" in html and ">及格<" in html
    assert "第 2 名<small>共 3 人参加</small>" in html
    assert "超过 50%" in html
    assert "5 分 0 秒" in html and "限时 120 分钟" in html
    assert "价值观" in html and "未分章节" in html and "多选题" in html
    assert "只看错题（2）" in html


def test_a_failed_attempt_says_so_with_the_pass_line(learner_client, learner, paper):
    html = result_page(learner_client, sit(paper, learner, [None] * 4))
    assert ">未及格<" in html and "及格线 3 分" in html


def test_wrong_only_review_lists_the_wrong_questions(learner_client, learner, paper):
    attempt = sit(paper, learner, MINE)
    everything = result_page(learner_client, attempt)
    assert everything.count('class="card question review-item') == 4
    wrong = result_page(learner_client, attempt, "?wrong=1")
    assert wrong.count('class="card question review-item is-wrong"') == 2
    assert 'id="r2"' in wrong and 'id="r4"' in wrong
    assert 'id="r1"' not in wrong and 'id="r3"' not in wrong
    assert 'aria-checked="true"' in wrong


def test_a_score_only_paper_shows_the_report_but_no_review(learner_client, learner, paper):
    Paper.objects.filter(pk=paper.pk).update(review_content="score")
    attempt = sit(paper, learner, MINE)
    for query in ("", "?wrong=1"):
        html = result_page(learner_client, attempt, query)
        assert "得分 3 / 5" in html and "按章节" in html
        assert SECRET not in html
        assert "正确答案" not in html and "价值观一" not in html  # neither keys nor questions
        assert 'id="review"' not in html and "逐题解析" not in html
        assert "本卷不公布答案与解析" in html


def test_before_the_paper_closes_neither_report_nor_review(learner_client, learner, paper):
    Paper.objects.filter(pk=paper.pk).update(
        review_timing="after_close", closes_at=timezone.now() + timedelta(days=1)
    )
    attempt = sit(paper, learner, MINE)
    html = result_page(learner_client, attempt, "?wrong=1")
    assert "成绩将在考试关闭后公布" in html
    assert SECRET not in html and "本卷排名" not in html and "按章节" not in html
    assert 'id="review"' not in html


def test_questions_another_sitting_holds_get_no_verdict(learner_client, learner, paper):
    """While a second sitting of the paper runs, the first one's review withholds its keys:
    marking a question right or wrong there would tell them as well."""
    attempt = sit(paper, learner, MINE)
    start_attempt(paper=paper, learner=learner, now=timezone.now())
    html = result_page(learner_client, attempt)
    assert SECRET not in html
    assert "verdict-tag" not in html and "答对 1/2" in html  # the report's counts only
    assert 'class="card question review-item is-withheld"' in html
    assert "review-item is-wrong" not in result_page(learner_client, attempt, "?wrong=1")
