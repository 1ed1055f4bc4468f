"""The real exam's blueprints: what each paper holds, how it is scored, where it passes.

The scoring tests sit a full-length preset paper through the API with answers chosen so the
score can be worked out by hand.
"""

from decimal import Decimal

import pytest

from exams.exam_spec import syllabus as syllabus_module
from exams.exam_spec.blueprints import BLUEPRINTS, blueprint_for, objective_blueprints
from exams.exam_spec.levels import LEVELS, subjects_of
from exams.models import Paper
from exams.papers.services import apply_real_exam_preset, spread_over_chapters
from tests.exams.bank_fixture import syllabus_for
from tests.exams.mock_helpers import choice_question, put_json


def test_every_objective_paper_is_60_single_and_20_multiple_for_100_points():
    assert {(b.level, b.subject) for b in objective_blueprints()} == {
        ("junior", "comprehensive"),
        ("junior", "practice"),
        ("intermediate", "comprehensive"),
        ("intermediate", "regulations"),
    }
    for blueprint in objective_blueprints():
        parts = [(s.question_type, s.count, s.score) for s in blueprint.sections]
        assert parts == [("single", 60, 1), ("multiple", 20, 2)]
        assert (blueprint.question_count, blueprint.max_score) == (80, 100)
        assert (blueprint.minutes, blueprint.pass_score) == (120, 60)


def test_intermediate_practice_is_five_hand_marked_cases_in_150_minutes():
    blueprint = BLUEPRINTS[("intermediate", "practice")]
    assert blueprint.hand_marked
    assert [(s.question_type, s.count, s.score) for s in blueprint.sections] == [
        ("case_essay", 5, 20)
    ]
    assert (blueprint.max_score, blueprint.minutes, blueprint.pass_score) == (100, 150, 60)


def test_levels_and_their_subjects():
    assert list(LEVELS) == ["junior", "intermediate", "senior"]
    assert subjects_of("junior") == ("comprehensive", "practice")
    assert subjects_of("intermediate") == ("comprehensive", "practice", "regulations")
    assert subjects_of("senior") == ("practice",)
    assert subjects_of("") == ()


def test_a_paper_without_level_or_subject_gets_the_objective_blueprint():
    assert blueprint_for("", "").question_count == 80


@pytest.mark.django_db
def test_preset_builds_the_blueprint_with_partial_credit():
    paper = apply_real_exam_preset(
        Paper(title="中级法规", level="intermediate", subject="regulations", is_published=True)
    )
    paper.refresh_from_db()
    assert (paper.kind, paper.time_limit_minutes, paper.pass_score) == ("blueprint", 120, 60)
    assert paper.multiple_choice_rule == "partial"
    assert (paper.question_count, paper.max_score) == (80, 100)
    assert all(rule.chapters == "" for rule in paper.rules.all())


@pytest.mark.django_db
def test_intermediate_practice_preset_takes_150_minutes():
    paper = apply_real_exam_preset(
        Paper(title="中级实务", level="intermediate", subject="practice")
    )
    paper.refresh_from_db()
    assert (paper.time_limit_minutes, paper.question_count, paper.max_score) == (150, 5, 100)


@pytest.mark.django_db
def test_preset_by_syllabus_spreads_each_rule_over_the_chapters_by_weight(monkeypatch, learner):
    from django.utils import timezone

    from exams.attempts.services import start_attempt

    chapters = syllabus_for([("junior", "comprehensive")], chapters=3)
    chapters[("junior", "comprehensive")][0]["weight"] = 0.5
    chapters[("junior", "comprehensive")][1]["weight"] = 0.3
    chapters[("junior", "comprehensive")][2]["weight"] = 0.2
    monkeypatch.setattr(syllabus_module, "syllabus", lambda: syllabus_module.parse(chapters))
    for chapter, singles, multiples in (("第1章", 35, 12), ("第2章", 20, 8), ("第3章", 15, 5)):
        for i in range(singles):
            choice_question(stem=f"{chapter}单{i}", chapter=chapter)
        for i in range(multiples):
            choice_question(
                stem=f"{chapter}多{i}", chapter=chapter, right="AB", keys="ABCDE", multiple=True
            )
    choice_question(stem="大纲外", chapter="别的章")
    paper = apply_real_exam_preset(
        Paper(title="初级综合", level="junior", subject="comprehensive", is_published=True),
        by_syllabus=True,
    )
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    drawn = {}
    for item in attempt.items.select_related("question"):
        key = (item.question.type, item.question.chapter)
        drawn[key] = drawn.get(key, 0) + 1
    weights = {"第1章": Decimal("0.5"), "第2章": Decimal("0.3"), "第3章": Decimal("0.2")}
    assert spread_over_chapters(60, weights) == {"第1章": 30, "第2章": 18, "第3章": 12}
    assert drawn == {
        ("single", "第1章"): 30,
        ("single", "第2章"): 18,
        ("single", "第3章"): 12,
        ("multiple", "第1章"): 10,
        ("multiple", "第2章"): 6,
        ("multiple", "第3章"): 4,
    }


# ---------------------------------------------------------------------------------------------
# Scoring a full paper worked out by hand


@pytest.fixture
def full_paper(db):
    """A preset paper over a bank of exactly 60 single (key B) and 20 multiple (key ACD)."""
    for i in range(60):
        choice_question(stem=f"单选{i}", right="B")
    for i in range(20):
        choice_question(stem=f"多选{i}", right="ACD", keys="ABCDE", multiple=True)
    return apply_real_exam_preset(
        Paper(title="初级综合能力", level="junior", subject="comprehensive", is_published=True)
    )


def sit(client, headers, paper, answer_for):
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    assert len(body["questions"]) == 80
    answers = {}
    singles = multiples = 0
    for question in body["questions"]:
        if question["type"] == "single":
            answers[str(question["id"])] = answer_for("single", singles)
            singles += 1
        else:
            answers[str(question["id"])] = answer_for("multiple", multiples)
            multiples += 1
    saved = put_json(
        client, f"/api/v1/attempts/{body['id']}/answers", {"answers": answers}, **headers
    )
    assert saved.status_code == 200, saved.content
    return client.post(f"/api/v1/attempts/{body['id']}/submit", **headers).json()


#: Multiple choice (key ACD, 2 points): what each answer scores under the published rule.
MULTIPLE_CASES = [
    (["A", "C", "D"], Decimal("2")),  # all right options: full marks
    (["A", "C"], Decimal("1")),  # two right, none wrong: 0.5 each
    (["D"], Decimal("0.5")),  # one right, none wrong
    (["A", "B"], Decimal("0")),  # a wrong option: nothing
    (["A", "C", "D", "E"], Decimal("0")),  # all right plus a wrong one: nothing
    ([], Decimal("0")),  # left blank
]


@pytest.mark.parametrize(("answer", "points"), MULTIPLE_CASES)
def test_multiple_choice_scores_per_the_published_rule(
    client, learner, token_for, full_paper, answer, points
):
    headers = token_for(learner)
    result = sit(client, headers, full_paper, lambda kind, n: answer if kind == "multiple" else [])
    assert Decimal(str(result["score"])) == 20 * points
    assert result["max_score"] == 100


def test_hand_computed_paper_at_the_pass_line_passes(client, learner, token_for, full_paper):
    """36 singles right (36) + 10 multiples all right (20) + 4 with two of three (4) = 60."""

    def answer_for(kind, n):
        if kind == "single":
            return ["B"] if n < 36 else ["A"]
        if n < 10:
            return ["A", "C", "D"]
        if n < 14:
            return ["A", "D"]
        return ["B", "C"]

    result = sit(client, token_for(learner), full_paper, answer_for)
    assert (Decimal(str(result["score"])), result["passed"]) == (Decimal(60), True)


def test_half_a_point_below_the_pass_line_fails(client, learner, token_for, full_paper):
    """36 + 20 + 3 x 1 + 1 x 0.5 = 59.5."""

    def answer_for(kind, n):
        if kind == "single":
            return ["B"] if n < 36 else ["C"]
        if n < 10:
            return ["A", "C", "D"]
        if n < 13:
            return ["C", "D"]
        if n == 13:
            return ["A"]
        return ["E"]

    result = sit(client, token_for(learner), full_paper, answer_for)
    assert (Decimal(str(result["score"])), result["passed"]) == (Decimal("59.5"), False)
