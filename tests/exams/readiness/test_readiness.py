"""Readiness (备考评估): item calibration, pass probability, FSRS review and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from exams.models import ItemCalibration, LearnerReadiness, QuestionType
from exams.practice.services import record_answer
from exams.readiness import irt, passing, review_schedule, service


def _simulated_answers(seed: int, learners: int, items: int, answers: int):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=learners)
    b = rng.normal(size=items)
    li = rng.integers(0, learners, answers)
    ii = rng.integers(0, items, answers)
    y = rng.random(answers) < 1 / (1 + np.exp(-(theta[li] - b[ii])))
    return theta, b, li, ii, y


def test_fit_recovers_known_difficulties_and_abilities():
    theta, b, li, ii, y = _simulated_answers(1, 2000, 150, 120_000)
    fit = irt.fit(li, ii, y, n_learners=2000, n_items=150)
    assert np.corrcoef(fit.difficulty, b)[0, 1] > 0.95
    assert np.corrcoef(fit.ability, theta)[0, 1] > 0.8
    # Every item here has 800 answers: discrimination is estimated, and close to the true 1.
    assert abs(float(np.median(fit.discrimination)) - 1.0) < 0.15


def test_items_with_few_answers_keep_their_stated_difficulty_prior():
    _theta, _b, li, ii, y = _simulated_answers(2, 300, 20, 3000)
    # Item 20 is never answered: its difficulty is the prior of its stars, its a stays 1.
    prior = np.append(np.zeros(20), irt.stated_difficulty_prior([5]))
    fit = irt.fit(li, ii, y, n_learners=300, n_items=21, difficulty_prior=prior)
    assert fit.difficulty[20] == pytest.approx(1.2)
    assert fit.discrimination[20] == 1.0
    assert fit.item_answers[20] == 0


def test_standard_error_shrinks_with_more_answers():
    b = np.zeros(200)
    a = np.ones(200)
    few = irt.ability_for(np.tile([1, 0], 10), b[:20], a[:20])
    many = irt.ability_for(np.tile([1, 0], 100), b, a)
    assert abs(few[0]) < 0.05 and abs(many[0]) < 0.05
    assert many[1] < few[1] / 2


def _brute_force_pass_rate(theta, b_single, b_multi, keys, rng, papers=20_000):
    """Sit the real paper many times: draw 60 + 20 questions, answer by the model, score it
    under the multi-select rule (a wrong option scores 0, else 0.5 per right option)."""
    passed = 0
    for _ in range(papers):
        singles = rng.choice(b_single, 60)
        multis = rng.choice(b_multi, 20)
        score = float(np.sum(rng.random(60) < 1 / (1 + np.exp(-(theta - singles)))))
        full = rng.random(20) < 1 / (1 + np.exp(-(theta - multis)))
        partial = ~full & (rng.random(20) < passing.PARTIAL_SHARE)
        right = rng.integers(1, keys, 20)
        score += 2 * full.sum() + 0.5 * (right * partial).sum()
        passed += score >= 60
    return passed / papers


@pytest.mark.parametrize("theta", [-0.5, 0.3, 1.0])
def test_pass_probability_matches_a_brute_force_simulation_of_the_blueprint(theta):
    rng = np.random.default_rng(7)
    b_single, b_multi = rng.normal(-0.3, 0.8, 60), rng.normal(0.4, 0.8, 30)
    blueprint = passing.Blueprint(
        groups=[
            passing.SlotGroup(60, 1.0, 1, b_single, np.ones(60)),
            passing.SlotGroup(20, 2.0, 3, b_multi, np.ones(30)),
        ],
        pass_score=60,
    )
    exact = passing.pass_probability(blueprint, theta, 1e-6)
    simulated = _brute_force_pass_rate(theta, b_single, b_multi, 3, rng)
    assert exact == pytest.approx(simulated, abs=0.02)


def test_uncertain_ability_pulls_the_probability_towards_a_half():
    blueprint = passing.Blueprint(
        groups=[
            passing.SlotGroup(60, 1.0, 1, np.zeros(1), np.ones(1)),
            passing.SlotGroup(20, 2.0, 3, np.zeros(1), np.ones(1)),
        ],
    )
    sure = passing.pass_probability(blueprint, 1.5, 0.05)
    unsure = passing.pass_probability(blueprint, 1.5, 1.0)
    assert sure > 0.95 and 0.5 < unsure < sure
    vectorised = passing.pass_probabilities(passing.pass_curve(blueprint), [1.5], [1.0])
    assert vectorised[0] == pytest.approx(unsure, abs=0.01)


def test_bands_count_and_give_an_interval_around_the_expected_passes():
    result = service.bands([0.9, 0.8, 0.5, 0.2, None])
    assert (result.likely, result.borderline, result.at_risk, result.unknown) == (2, 1, 1, 1)
    assert result.expected_passes == 2.4
    assert result.low <= 2 <= result.high <= 4


@pytest.fixture
def junior_bank(make_question):
    questions = []
    for n in range(24):
        questions.append(
            make_question(
                "single",
                subject="comprehensive",
                level="junior",
                difficulty=1 + n % 5,
                chapter="个案工作方法",
                knowledge_points=["接案" if n % 2 else "预估"],
                stem=f"<p>单选题{n}</p>",
            )
        )
    for n in range(8):
        questions.append(
            make_question(
                "multiple",
                subject="comprehensive",
                level="junior",
                chapter="小组工作方法",
                knowledge_points=["小组动力"],
                stem=f"<p>多选题{n}</p>",
            )
        )
    return questions


def _answer(learner, question, right: bool, now):
    keys = [o.key for o in question.options.all() if o.is_correct == right]
    if question.type == QuestionType.MULTIPLE and right:
        keys = [o.key for o in question.options.all() if o.is_correct]
    record_answer(
        learner=learner, question=question, answer=keys[:1] if not right else keys, now=now
    )


def test_too_little_data_says_how_many_more_answers(client, learner, token_for, junior_bank):
    now = timezone.now()
    for question in junior_bank[:10]:
        _answer(learner, question, True, now)
    body = client.get("/api/v1/me/readiness", **token_for(learner)).json()
    comprehensive = next(s for s in body["subjects"] if s["subject"] == "comprehensive")
    assert comprehensive["pass_probability"] is None
    assert comprehensive["answers_used"] == 10
    assert comprehensive["needs_answers"] == service.MIN_ANSWERS - 10
    assert {s["subject"] for s in body["subjects"]} == {"comprehensive", "practice"}


def test_readiness_api_gives_probability_and_weak_points(client, learner, token_for, junior_bank):
    now = timezone.now()
    for n, question in enumerate(junior_bank):
        # Right on 接案 and 小组动力, wrong on 预估: 预估 is the weakest point.
        points = [t.name for t in question.knowledge_points.all()]
        _answer(learner, question, "预估" not in points or n % 6 == 0, now)
    headers = token_for(learner)
    body = client.get("/api/v1/me/readiness", **headers).json()
    subject = next(s for s in body["subjects"] if s["subject"] == "comprehensive")
    assert set(subject) >= {
        "subject",
        "level",
        "ability",
        "ability_se",
        "pass_probability",
        "answers_used",
        "updated_at",
        "weak_points",
    }
    assert subject["answers_used"] == 32
    assert 0 < subject["pass_probability"] < 1
    weakest = subject["weak_points"][0]
    assert weakest["knowledge_point"] == "预估"
    assert weakest["gain"] > 0 and 0 <= weakest["mastery"] < 0.5


def test_calibrate_items_command_stores_items_and_learners(make_learner, junior_bank):
    now = timezone.now()
    learners = [make_learner(name=f"学员{n}", exam_level="junior") for n in range(6)]
    for n, learner in enumerate(learners):
        for m, question in enumerate(junior_bank):
            _answer(learner, question, (m + n) % 7 < n + 1, now)
    call_command("calibrate_items", "--subject", "comprehensive")
    assert ItemCalibration.objects.filter(question__in=junior_bank).count() == 32
    stored = dict(
        LearnerReadiness.objects.filter(subject="comprehensive").values_list(
            "learner_id", "ability"
        )
    )
    # The learner who got most right has the highest ability.
    assert max(stored, key=stored.get) == learners[-1].pk
    probabilities = service.learner_probabilities([learner.pk for learner in learners])
    assert probabilities[learners[-1].pk] is not None


def test_wrong_answer_is_due_soon_and_a_right_review_pushes_it_out(
    client, learner, token_for, junior_bank
):
    question = junior_bank[0]
    now = timezone.now()
    _answer(learner, question, False, now)
    headers = token_for(learner)
    due = client.get("/api/v1/practice/due", **headers).json()
    assert due["count"] == 1 and due["items"][0]["question"] == question.pk
    first = timezone.datetime.fromisoformat(due["items"][0]["due_at"])
    assert first - now < timedelta(hours=1)
    _answer(learner, question, True, first)
    later = review_schedule.due_dates(learner=learner)[question.pk]
    assert later - first >= timedelta(minutes=5)
    _answer(learner, question, False, later)
    again = review_schedule.due_dates(learner=learner)[question.pk]
    assert again - later < later - first
    # Right on two different days: mastered, out of the book and of the schedule.
    _answer(learner, question, True, again + timedelta(days=1))
    _answer(learner, question, True, again + timedelta(days=2))
    assert client.get("/api/v1/practice/due", **headers).json()["count"] == 0


def test_a_right_answer_never_wrong_opens_no_review(client, learner, token_for, junior_bank):
    _answer(learner, junior_bank[1], True, timezone.now())
    assert client.get("/api/v1/practice/due", **token_for(learner)).json()["count"] == 0


def test_readiness_page_home_panel_and_smart_practice(client, home_page, learner, junior_bank):
    now = timezone.now()
    for question in junior_bank:
        _answer(learner, question, question.difficulty < 4, now)
    client.force_login(learner)
    page = client.get("/practice/readiness/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "预计通过概率" in body and "今日待复习" in body
    # Mastery and gain read as percentages, as a candidate says them.
    assert re.search(r"掌握度 \d+%，掌握后通过概率(约提高 \d+|提高不足 1) 个百分点", body)
    # The page stored the estimate: the home page shows it.
    home = client.get("/").content.decode()
    assert "备考评估" in home and "预计通过" in home
    # 智能练习 is a session: the link leads to its first question, "1/N".
    smart = client.get(
        "/practice/smart/", {"subject": "comprehensive", "level": "junior"}, follow=True
    )
    assert smart.status_code == 200 and "1</strong>/" in smart.content.decode()
    from exams.models import PracticeSession, Question

    session = PracticeSession.objects.get(kind="smart")
    chosen = list(Question.objects.filter(pk__in=session.question_ids))
    # Only questions not answered right in the last week: here those of 4 and 5 stars.
    assert 0 < len(chosen) <= service.SMART_SET
    assert all(q.difficulty >= 4 or q.type == "multiple" for q in chosen)
    assert (
        client.get("/practice/smart/", {"subject": "regulations", "level": "junior"}).status_code
        == 404
    )


def test_smart_practice_prefers_the_weakest_point_near_the_ability(learner, junior_bank):
    now = timezone.now()
    for question in junior_bank:
        points = [t.name for t in question.knowledge_points.all()]
        _answer(learner, question, "预估" not in points, now)
    chosen = service.smart_questions(learner, subject="comprehensive", level="junior", size=5)
    from exams.models import Question

    tagged = Question.objects.filter(pk__in=chosen, knowledge_points__name="预估").count()
    # Right answers of the last week are skipped, so only 预估 (all wrong) questions are left
    # at the front.
    assert tagged == 5


def test_readiness_eval_prints_calibration_and_writes_the_diagram(tmp_path):
    from io import StringIO

    out = StringIO()
    svg = tmp_path / "reliability.svg"
    call_command(
        "readiness_eval", "--simulate", "400", "--seed", "3", "--svg", str(svg), stdout=out
    )
    last = out.getvalue().strip().splitlines()[-1]
    values = dict(part.split("=") for part in last.split())
    assert set(values) == {"brier", "ece", "auc"}
    # Well calibrated even on 400 learners: the targets hold with room to spare.
    assert float(values["brier"]) <= 0.15 and float(values["ece"]) <= 0.08
    assert float(values["auc"]) > 0.85
    assert svg.read_text().startswith("<svg") and "brier=" in svg.read_text()


def test_evaluation_metrics_on_hand_computed_predictions():
    from exams.readiness import evaluation

    result = evaluation.evaluate(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 0, 1, 0]))
    assert result.brier == pytest.approx((0.01 + 0.64 + 0.49 + 0.01) / 4)
    # Pairs (positive, negative) ranked right: (0.9>0.8), (0.9>0.1), (0.3>0.1); wrong: 0.3<0.8.
    assert result.auc == pytest.approx(3 / 4)


def test_migrate_schedules_the_nightly_calibration(db):
    from django_q.models import Schedule

    from exams.tasks import CALIBRATION_SCHEDULE_NAME, calibrate_items, ensure_overdue_schedule

    ensure_overdue_schedule()
    ensure_overdue_schedule()
    schedule = Schedule.objects.get(name=CALIBRATION_SCHEDULE_NAME)
    assert schedule.func == "exams.tasks.calibrate_items"
    assert schedule.schedule_type == Schedule.DAILY
    assert {row["subject"] for row in calibrate_items()} == {
        "comprehensive",
        "practice",
        "regulations",
    }


def _sat(learner, paper, *, passed: bool, at):
    from exams.models import Attempt

    return Attempt.objects.create(
        paper=paper,
        learner=learner,
        seed=1,
        state=Attempt.State.FINISHED,
        started_at=at,
        deadline=at + timedelta(hours=2),
        finished_at=at + timedelta(hours=1),
        passed=passed,
        score=80 if passed else 30,
    )


def test_held_out_papers_are_predicted_from_the_answers_before_them(make_learner, junior_bank):
    from exams.readiness import held_out
    from tests.exams.mock_helpers import fixed_paper

    paper = fixed_paper(junior_bank[:5])
    now = timezone.now()
    strong, weak, late = (make_learner(name=n) for n in ("强", "弱", "迟"))
    for question in junior_bank:
        _answer(strong, question, True, now - timedelta(days=2))
        _answer(weak, question, False, now - timedelta(days=2))
        # Everything the third learner did came after their paper: nothing to predict from.
        _answer(late, question, True, now)
    _sat(strong, paper, passed=True, at=now - timedelta(days=1))
    _sat(weak, paper, passed=False, at=now - timedelta(days=1))
    _sat(late, paper, passed=True, at=now - timedelta(days=1))
    result = held_out.evaluate_subject("comprehensive", "junior")
    assert (result.predicted, result.skipped) == (2, 1)
    predicted = dict(zip(result.evaluation.passed, result.evaluation.predicted, strict=True))
    assert predicted[1.0] > 0.8 and predicted[0.0] < 0.2
    assert result.evaluation.auc == 1.0


def test_readiness_eval_held_out_prints_the_metrics_line(make_learner, junior_bank):
    from io import StringIO

    from tests.exams.mock_helpers import fixed_paper

    paper = fixed_paper(junior_bank[:5])
    now = timezone.now()
    for name, right in (("甲", True), ("乙", False)):
        learner = make_learner(name=name)
        for question in junior_bank:
            _answer(learner, question, right, now - timedelta(days=2))
        _sat(learner, paper, passed=right, at=now - timedelta(days=1))
    out = StringIO()
    call_command("readiness_eval", "--held-out", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("brier=") and "auc=1.0000" in last


def test_readiness_page_shows_five_due_questions_and_folds_the_rest(
    client, home_page, learner, junior_bank
):
    now = timezone.now() - timedelta(days=2)
    for question in junior_bank[:8]:
        _answer(learner, question, False, now)
    client.force_login(learner)
    body = client.get("/practice/readiness/").content.decode()
    section = body[body.index("今日待复习") :]
    shown, _sep, folded = section.partition("<details")
    assert shown.count("<li>") == 5
    assert "查看全部 8 道" in folded and folded.count("<li>") >= 3
