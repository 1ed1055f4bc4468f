"""Paper statistics against a hand-computed example.

Q1 single choice (1 point, right A); Q2 multiple choice (2 points, right A+B, partial credit);
pass line 1.5 of 3. Four learners:

| learner | community | Q1 | Q2  | Q1 pts | Q2 pts | total | passed |
| ------- | --------- | -- | --- | ------ | ------ | ----- | ------ |
| L1      | 幸福里    | A  | A,B | 1      | 2      | 3     | yes    |
| L2      | 幸福里    | A  | A   | 1      | 0.5    | 1.5   | yes    |
| L3      | 望江      | B  | A,B | 0      | 2      | 2     | yes    |
| L4      | 望江      | A  | C   | 1      | 0      | 1     | no     |

mean 7.5 / 4 = 1.875; pass rate 3/4 = 0.75; percentages 100, 50, 66.7, 33.3 -> bands
90–100: 1, 50–60: 1, 60–70: 1, 30–40: 1. Facility Q1 = 3/4 = 0.75, Q2 = 4.5/8 = 0.5625.
27 % of 4 rounds to 1 attempt per group: upper L1 (3), lower L4 (1).
D(Q1) = 1 - 1 = 0; D(Q2) = 2/2 - 0/2 = 1. Options Q1: A 3, B 1; Q2: A 3, B 2, C 1.
Per community: 幸福里 2 attempts, mean 2.25, pass 1.0; 望江 2 attempts, mean 1.5, pass 0.5.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from exams.attempts.services import start_attempt, submit_attempt
from exams.papers.statistics import paper_statistics, statistics_workbook
from learning.accounts.organisations import get_or_create_path
from tests.exams.mock_helpers import choice_question, fixed_paper

ANSWERS = [
    ("幸福里", ["A"], ["A", "B"]),
    ("幸福里", ["A"], ["A"]),
    ("望江", ["B"], ["A", "B"]),
    ("望江", ["A"], ["C"]),
]


@pytest.fixture
def stats(make_learner, community):
    other, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    q1 = choice_question(stem="第一题", right="A")
    q2 = choice_question(stem="第二题", right="AB", keys="ABCD", multiple=True)
    paper = fixed_paper([q1, q2], scores=[1, 2], pass_score=Decimal("1.5"))
    for where, first, second in ANSWERS:
        learner = make_learner(organisation=community if where == "幸福里" else other)
        attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
        attempt.items.filter(question=q1).update(answer=first)
        attempt.items.filter(question=q2).update(answer=second)
        submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    return paper_statistics(paper)


def test_mean_pass_rate_and_distribution(stats):
    assert (stats.attempts, stats.mean, stats.pass_rate) == (4, 1.875, 0.75)
    assert dict(stats.distribution) == {
        "0–10%": 0,
        "10–20%": 0,
        "20–30%": 0,
        "30–40%": 1,
        "40–50%": 0,
        "50–60%": 1,
        "60–70%": 1,
        "70–80%": 0,
        "80–90%": 0,
        "90–100%": 1,
    }


def test_facility_and_discrimination(stats):
    q1, q2 = stats.questions
    assert (q1.facility, q1.discrimination) == (0.75, 0.0)
    assert (q2.facility, q2.discrimination) == (0.5625, 1.0)


def test_option_counts(stats):
    q1, q2 = stats.questions
    assert q1.option_counts == {"A": 3, "B": 1, "C": 0, "D": 0}
    assert q2.option_counts == {"A": 3, "B": 2, "C": 1, "D": 0}


def test_results_per_organisation(stats):
    rows = [
        (r.organisation.split(" / ")[-1], r.attempts, r.mean, r.pass_rate)
        for r in stats.organisations
    ]
    assert rows == [("幸福里社区", 2, 2.25, 1.0), ("望江社区", 2, 1.5, 0.5)]


def test_xlsx_export_has_the_same_numbers(stats):
    buffer = BytesIO()
    statistics_workbook(stats).save(buffer)
    book = load_workbook(BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["概览", "分数分布", "题目分析", "机构"]
    items = list(book["题目分析"].iter_rows(values_only=True))
    assert items[0][:7] == ("题号", "题目", "题型", "分值", "作答", "难度系数", "区分度")
    assert items[2][5:7] == (0.5625, 1)
    assert list(book["概览"].iter_rows(values_only=True))[3] == ("及格率", 0.75)


def test_calibrated_difficulty_and_discrimination_beside_the_classical_indices(
    make_learner, community
):
    from exams.models import ItemCalibration

    q1 = choice_question(stem="第一题", right="A")
    q2 = choice_question(stem="第二题", right="B")
    paper = fixed_paper([q1, q2])
    learner = make_learner(organisation=community)
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    ItemCalibration.objects.create(
        question=q1, difficulty=0.734, discrimination=1.26, answers=240, fitted_at=timezone.now()
    )
    by_id = {q.question_id: q for q in paper_statistics(paper).questions}
    first, second = by_id[q1.pk], by_id[q2.pk]
    assert (first.calibrated_difficulty, first.calibrated_discrimination) == (0.73, 1.26)
    assert first.calibrated_answers == 240
    assert second.calibrated_difficulty is None  # not calibrated yet: the prior, not shown
    sheet = load_workbook(BytesIO(_saved(statistics_workbook(paper_statistics(paper)))))["题目分析"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("标定难度")
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted(row[column] for row in rows if row[column] is not None) == [0.73]
    assert [row[column + 1] for row in rows if row[column] is not None] == [1.26]


def _saved(book) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
