"""Benchmark data of the exams app (`manage.py generate_load_data`, LOAD_DATA_GENERATORS).

A question bank of 120 single-choice and 40 multiple-choice questions (初级 综合能力) and a
published mock exam drawn from it with the real exam's blueprint (60 single + 20 multiple,
80 questions), open to everyone, unlimited attempts, for a year. Idempotent: the bank and
the paper are found by name and the bank is topped up to its size.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.bank.services import create_question
from exams.bank.versions import current_version
from exams.models import (
    Attempt,
    AttemptQuestion,
    Level,
    Paper,
    PracticeAnswer,
    Question,
    QuestionBank,
    QuestionType,
    Subject,
)
from exams.papers import variants
from exams.papers.services import apply_real_exam_preset
from learning.load_data import learners_to_fill

BANK_NAME = "压测题库"
PAPER_TITLE = "压测模拟卷（单选 60 题、多选 20 题）"
SINGLE = 120
MULTIPLE = 40


def generate(*, learners: int, seed: int, stdout=None, **options) -> None:
    bank = QuestionBank.objects.filter(name=BANK_NAME, depth=1).first() or QuestionBank.add_root(
        name=BANK_NAME
    )
    added = 0
    for kind, wanted in ((QuestionType.SINGLE, SINGLE), (QuestionType.MULTIPLE, MULTIPLE)):
        have = Question.objects.filter(bank=bank, type=kind).count()
        for number in range(have, wanted):
            _question(bank, kind, number)
            added += 1
    paper = Paper.objects.filter(title=PAPER_TITLE).first()
    if paper is None:
        now = timezone.now()
        paper = Paper(
            title=PAPER_TITLE,
            description="基准测试用试卷。",
            level=Level.JUNIOR,
            subject=Subject.COMPREHENSIVE,
            is_published=True,
            attempts_allowed=0,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=365),
        )
        apply_real_exam_preset(paper)
    if not paper.variants.exists():  # starts copy a prepared drawing (exams.papers.variants)
        # After the commit: the questions' options just created queue, on commit, the
        # dropping of variants holding them (exams.papers.variant_signals), which ran after a
        # preparation made here and left the bench paper with none (every start drew live).
        transaction.on_commit(lambda: variants.prepare(paper))
    if stdout is not None:
        stdout.write(
            _("压测题库新增 %(added)s 题；压测试卷 #%(paper)s（80 题）。")
            % {"added": added, "paper": paper.pk}
        )
    practised, sat = _activity(random.Random(seed + 2), bank, paper)  # noqa: S311 - synthetic
    if stdout is not None:
        stdout.write(
            _("合成练习记录新增 %(answers)s 条，模考作答新增 %(attempts)s 份。")
            % {"answers": practised, "attempts": sat}
        )


#: Report-shaped activity (issue 9's dashboard at scale): each synthetic learner answers up to
#: ``MAX_PRACTICE`` practice questions over the last ``ACTIVITY_DAYS``; a candidate sits the
#: paper with probability ``SIT_CHANCE`` (a second time with ``RESIT_CHANCE``). Each learner
#: has an ability and each chapter a difficulty, so accuracy differs by chapter and point.
MAX_PRACTICE = 20
ACTIVITY_DAYS = 90
SIT_CHANCE = 0.25
RESIT_CHANCE = 0.3
#: Synthetic attempts have a negative seed: the mark a rerun tops up from.
SYNTHETIC_SEED = -1


def _activity(rng: random.Random, bank: QuestionBank, paper: Paper) -> tuple[int, int]:
    """Practice answers and finished mock attempts for the synthetic learners not yet done."""
    learners = learners_to_fill(Attempt.objects.filter(seed__lte=SYNTHETIC_SEED))
    questions = list(Question.objects.filter(bank=bank).order_by("type", "pk"))
    if not learners or not questions:
        return 0, 0
    versions = {question.pk: current_version(question).pk for question in questions}
    difficulty = {f"第{n}章": 0.25 * (n % 5) / 4 for n in range(1, 11)}
    on_paper = [q for q in questions if q.type == QuestionType.SINGLE][:60] + [
        q for q in questions if q.type == QuestionType.MULTIPLE
    ][:20]
    now = timezone.now()
    practice: list[PracticeAnswer] = []
    attempts: list[tuple[Attempt, list[AttemptQuestion]]] = []
    counts = [0, 0]

    def answer(ability: float, question: Question) -> bool:
        return rng.random() < ability - difficulty.get(question.chapter, 0)

    def flush(force: bool = False) -> None:
        if force or len(practice) >= 20_000:
            PracticeAnswer.objects.bulk_create(practice, batch_size=5000)
            counts[0] += len(practice)
            practice.clear()
        if force or len(attempts) >= 500:
            Attempt.objects.bulk_create([attempt for attempt, _items in attempts], batch_size=500)
            graded = []
            for attempt, items in attempts:
                for item in items:
                    item.attempt = attempt
                    graded.append(item)
            AttemptQuestion.objects.bulk_create(graded, batch_size=5000)
            counts[1] += len(attempts)
            attempts.clear()

    for position, (user_id, level, _path) in enumerate(learners):
        ability = rng.uniform(0.45, 0.95)
        for _n in range(rng.randint(0, MAX_PRACTICE)):
            question = rng.choice(questions)
            moment = now - timedelta(seconds=rng.randint(0, ACTIVITY_DAYS * 86400))
            practice.append(
                PracticeAnswer(
                    learner_id=user_id,
                    question_id=question.pk,
                    version_id=versions[question.pk],
                    mode=rng.choice([PracticeAnswer.Mode.CHAPTER, PracticeAnswer.Mode.DAILY]),
                    answer=["A"],
                    correct=answer(ability, question),
                    local_date=timezone.localtime(moment).date(),
                    answered_at=moment,
                )
            )
        # The last learner always sits, so the mark a rerun starts from covers everyone here.
        last = position == len(learners) - 1
        if level and (last or rng.random() < SIT_CHANCE):
            sittings = 2 if rng.random() < RESIT_CHANCE else 1
            for number in range(1, sittings + 1):
                attempts.append(
                    _attempt(rng, paper, user_id, number, on_paper, versions, answer, ability, now)
                )
        flush()
    flush(force=True)
    return counts[0], counts[1]


def _attempt(rng, paper, user_id, number, on_paper, versions, answer, ability, now):
    """A finished attempt at ``paper`` with its 80 graded items (not yet saved)."""
    finished = now - timedelta(seconds=rng.randint(0, ACTIVITY_DAYS * 86400))
    items = []
    for position, question in enumerate(on_paper, start=1):
        correct = answer(ability + 0.05 * number, question)
        items.append(
            AttemptQuestion(
                position=position,
                question_id=question.pk,
                version_id=versions[question.pk],
                score=question.score,
                answer=["A"],
                answered_at=finished,
                awarded=question.score if correct else Decimal(0),
                correct=correct,
            )
        )
    score = sum((item.awarded for item in items), Decimal(0))
    maximum = sum((item.score for item in items), Decimal(0))
    attempt = Attempt(
        paper=paper,
        learner_id=user_id,
        number=number,
        state=Attempt.State.FINISHED,
        seed=SYNTHETIC_SEED,
        started_at=finished - timedelta(minutes=rng.randint(40, 120)),
        deadline=finished + timedelta(minutes=30),
        submitted_at=finished,
        ended_by=Attempt.Ending.SUBMITTED,
        finished_at=finished,
        score=score,
        max_score=maximum,
        passed=score >= paper.pass_score,
    )
    return attempt, items


def _question(bank: QuestionBank, kind: str, number: int) -> Question:
    chapter = f"第{number % 10 + 1}章"
    if kind == QuestionType.SINGLE:
        stem = f"<p>压测单选第 {number + 1} 题：社会工作的宗旨是（  ）。</p>"
        options = [
            ("助人自助", True),
            ("维护秩序", False),
            ("管理服务对象", False),
            ("推销服务", False),
        ]
    else:
        stem = f"<p>压测多选第 {number + 1} 题：下列属于小组工作类型的有（  ）。</p>"
        options = [("教育小组", True), ("成长小组", True), ("支持小组", True), ("行政小组", False)]
    return create_question(
        bank=bank,
        type=kind,
        stem=stem,
        options=options,
        knowledge_points=[f"压测知识点{number % 20}"],
        explanation="<p>依据教材相关章节。</p>",
        level=Level.JUNIOR,
        subject=Subject.COMPREHENSIVE,
        chapter=chapter,
    )
