"""Validation of each type, and grading per the real exam's rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exams.bank.grading import InvalidAnswer, MultipleChoiceRule, grade
from exams.bank.services import true_false_options
from exams.bank.versions import current_version, snapshot_of
from exams.models import QuestionType


def test_single_choice_needs_exactly_one_right_option(make_question):
    with pytest.raises(ValidationError, match="有且只有一个正确选项"):
        make_question("single", options=[("甲", True), ("乙", True), ("丙", False)])
    with pytest.raises(ValidationError, match="有且只有一个正确选项"):
        make_question("single", options=[("甲", False), ("乙", False)])


def test_multiple_choice_needs_two_right_and_one_wrong(make_question):
    with pytest.raises(ValidationError, match="至少要有两个正确选项"):
        make_question("multiple", options=[("甲", True), ("乙", False), ("丙", False)])
    with pytest.raises(ValidationError, match="至少要有一个错误选项"):
        make_question("multiple", options=[("甲", True), ("乙", True), ("丙", True)])


def test_true_false_needs_exactly_the_two_options(make_question):
    with pytest.raises(ValidationError, match="判断题"):
        make_question("true_false", options=[("正确", True), ("错误", False), ("不确定", False)])
    assert make_question("true_false", options=true_false_options(False)).options.count() == 2


def test_case_essay_has_no_options(make_question):
    with pytest.raises(ValidationError, match="没有选项"):
        make_question("case_essay", options=[("甲", True)])


def test_model_clean_reports_option_errors(make_question):
    question = make_question("single")
    question.options.update(is_correct=True)
    with pytest.raises(ValidationError):
        question.clean()


def snapshot(make_question, kind, **kwargs):
    return current_version(make_question(kind, **kwargs)).snapshot


def test_single_choice_scores_its_point_or_nothing(make_question):
    snap = snapshot(make_question, "single")
    assert grade(snap, "A").awarded == Decimal(1)
    assert grade(snap, ["B"]).awarded == Decimal(0)
    assert grade(snap, []).awarded == Decimal(0)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        # Right options A, B, C (2 points). Worked examples of 错选不得分，少选每项 0.5 分:
        ("ABC", "2"),  # exactly the right ones: full marks
        ("AB", "1"),  # two right ones, none wrong: 2 × 0.5
        ("A", "0.5"),  # one right one: 0.5
        ("ABD", "0"),  # any wrong option: 0
        ("D", "0"),
        ("ABCD", "0"),
        ("", "0"),  # nothing chosen
    ],
)
def test_multiple_choice_partial_rule_with_worked_examples(make_question, chosen, expected):
    snap = snapshot(make_question, "multiple")
    assert grade(snap, list(chosen)).awarded == Decimal(expected)


def test_multiple_choice_with_four_right_options_three_chosen_scores_one_and_a_half(
    make_question,
):
    options = [("甲", True), ("乙", True), ("丙", True), ("丁", True), ("戊", False)]
    snap = snapshot(make_question, "multiple", options=options)
    assert grade(snap, "A,B,C").awarded == Decimal("1.5")
    assert grade(snap, "ABCD").awarded == Decimal(2)


def test_multiple_choice_all_or_nothing_rule(make_question):
    snap = snapshot(make_question, "multiple")
    rule = MultipleChoiceRule.ALL_OR_NOTHING
    assert grade(snap, "AB", rule=rule).awarded == Decimal(0)
    assert grade(snap, "ABC", rule=rule).awarded == Decimal(2)


def test_partial_answer_is_not_counted_as_correct(make_question):
    snap = snapshot(make_question, "multiple")
    assert grade(snap, "AB").correct is False


def test_true_false_accepts_keys_and_words(make_question):
    snap = snapshot(make_question, "true_false", options=true_false_options(False))
    assert grade(snap, "B").correct is True
    assert grade(snap, "F").correct is True
    assert grade(snap, False).correct is True
    assert grade(snap, "正确").correct is False


def test_unknown_option_is_invalid(make_question):
    snap = snapshot(make_question, "single")
    with pytest.raises(InvalidAnswer):
        grade(snap, "E")
    with pytest.raises(InvalidAnswer):
        grade(snap, "AB")


def make_case(make_question):
    case = make_question(QuestionType.CASE_ANALYSIS, options=[], stem="<p>案例：王奶奶独居…</p>")
    first = make_question("single", parent=case, position=1)
    second = make_question("multiple", parent=case, position=2)
    return case, first, second


def test_case_analysis_scores_the_sum_of_its_sub_questions(make_question):
    case, first, second = make_case(make_question)
    snap = current_version(case).snapshot
    assert Decimal(snap["score"]) == Decimal(3)
    result = grade(snap, {str(first.pk): "A", str(second.pk): "AB"})
    assert result.awarded == Decimal(2)  # 1 + 0.5 × 2
    assert result.correct is False
    assert grade(snap, {str(first.pk): "A", str(second.pk): "ABC"}).correct is True


def test_case_analysis_rejects_unknown_sub_question(make_question):
    case, _first, _second = make_case(make_question)
    with pytest.raises(InvalidAnswer):
        grade(snapshot_of(case), {"999999": "A"})


def test_case_essay_needs_marking(make_question):
    essay = make_question(
        QuestionType.CASE_ESSAY,
        options=[],
        model_answer="<p>参考</p>",
        marking_points="要点一\n要点二",
    )
    snap = current_version(essay).snapshot
    result = grade(snap, "我的答案")
    assert result.needs_marking and result.awarded is None
    assert snap["marking_points"] == ["要点一", "要点二"]


def test_sub_question_must_be_a_choice(make_question):
    case, _first, _second = make_case(make_question)
    with pytest.raises(ValidationError, match="小题"):
        make_question("true_false", parent=case)
