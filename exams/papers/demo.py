"""Demo mock exams: the real paper of every subject of 初级 and 中级, at full length, drawn
from the demo bank, a chapter test, and finished attempts by demo learners so statistics,
points and rankings have something to show.

Runs after the bank's demo loader (``DEMO_LOADERS``) and only through the app's services.
Every 全真模拟 paper is the real blueprint (``exams.exam_spec.blueprints``: 60 单选 + 20 多选,
100 points, pass 60, 120 minutes; 中级实务 five case questions, 150 minutes), spread over the
syllabus chapters by their weights and drawn from the demo bank. A paper the bank cannot fill
is not created (the loader says why); it is never shrunk. Idempotent: papers are found by
title, attempts are only made for a paper created now, and a paper an earlier version of this
loader shrank is given the full blueprint again once the bank can fill it.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams.attempts.services import save_answers, start_attempt, submit_attempt, to_shown
from exams.bank.demo import BANK
from exams.exam_spec.blueprints import blueprint_for
from exams.models import BlueprintRule, Level, Paper, Question, QuestionBank, QuestionType, Subject
from exams.papers import variants
from exams.papers.services import apply_real_exam_preset, blueprint_shortfalls
from exams.tasks import record_attempt_results
from learning.models import User

DEMO_LEARNER_PHONE = "13800000001"

#: Demo attempts are spread over this many days before now (papers open a week earlier).
HISTORY_DAYS = 83

OBJECTIVE = (
    "按真题结构组卷：单项选择题 60 题（每题 1 分），多项选择题 20 题（每题 2 分，错选不得分，"
    "少选时所选的每个正确选项得 0.5 分）；120 分钟，满分 100 分，60 分及格。"
)

PAPERS = [
    {
        "title": "初级《社会工作综合能力》全真模拟（一）",
        "description": OBJECTIVE,
        "level": Level.JUNIOR,
        "subject": Subject.COMPREHENSIVE,
        "preset": True,
        "attempts_allowed": 3,
        "grading_method": Paper.GradingMethod.HIGHEST,
        "shuffle_options": True,
        "sitters": 18,
    },
    {
        "title": "初级《社会工作实务》全真模拟",
        "description": OBJECTIVE + "交卷后只显示成绩，答案与解析在考试关闭后公布。",
        "level": Level.JUNIOR,
        "subject": Subject.PRACTICE,
        "preset": True,
        "attempts_allowed": 2,
        "grading_method": Paper.GradingMethod.LAST,
        "review_timing": Paper.ReviewTiming.AFTER_CLOSE,
        "shuffle_questions": True,
        "sitters": 10,
    },
    {
        "title": "章节小测：{chapter}（20 分钟）",
        "description": "单章节限时小测：单选 10 题、多选 5 题，巩固本章重点，可反复练习。",
        "level": Level.JUNIOR,
        "subject": Subject.COMPREHENSIVE,
        "chapter_test": True,
        "time_limit_minutes": 20,
        "attempts_allowed": 0,
        "grading_method": Paper.GradingMethod.AVERAGE,
        "shuffle_questions": True,
        "shuffle_options": True,
        "sitters": 14,
        #: 李晓梅, the demo learner, has done this one once, so her record is not empty.
        "demo_learner_sits": True,
    },
    {
        "title": "中级《社会工作综合能力》全真模拟",
        "description": OBJECTIVE,
        "level": Level.INTERMEDIATE,
        "subject": Subject.COMPREHENSIVE,
        "preset": True,
        "attempts_allowed": 3,
        "grading_method": Paper.GradingMethod.HIGHEST,
        "shuffle_options": True,
        "sitters": 6,
        "target_levels": ["intermediate"],
    },
    {
        "title": "中级《社会工作法规与政策》模拟卷",
        "description": OBJECTIVE + "题目依据现行法规；交卷后可查看答案与解析。",
        "level": Level.INTERMEDIATE,
        "subject": Subject.REGULATIONS,
        "preset": True,
        "attempts_allowed": 3,
        "grading_method": Paper.GradingMethod.HIGHEST,
        "sitters": 6,
        "target_levels": ["intermediate"],
    },
    {
        "title": "中级《社会工作实务》全真模拟",
        "description": (
            "按真题结构组卷：案例分析题与方案设计题共 5 题，每题 20 分；150 分钟，满分 100 分，"
            "60 分及格。交卷后由讲师对照答题要点阅卷。"
        ),
        "level": Level.INTERMEDIATE,
        "subject": Subject.PRACTICE,
        "preset": True,
        "attempts_allowed": 2,
        "grading_method": Paper.GradingMethod.HIGHEST,
        "sitters": 0,
        "target_levels": ["intermediate"],
    },
]

SETTINGS = [
    "description",
    "level",
    "subject",
    "attempts_allowed",
    "grading_method",
    "shuffle_questions",
    "shuffle_options",
    "review_timing",
    "time_limit_minutes",
    "target_levels",
]


def load(*, stdout=None) -> None:
    if not Question.objects.filter(parent__isnull=True, is_outdated=False).exists():
        if stdout is not None:
            stdout.write(_("模拟试卷：题库为空，跳过（请先加载题库演示数据）"))
        return
    now = timezone.now()
    rng = random.Random(2026)  # noqa: S311 - demo data
    made = []
    for spec in PAPERS:
        title = spec["title"]
        if spec.get("chapter_test"):
            chapter = busiest_chapter(spec["level"], spec["subject"])
            if not chapter:
                continue
            title = title.format(chapter=chapter)
        existing = Paper.objects.filter(title=title).first()
        if existing is not None:
            if spec.get("preset"):
                restore_full_length(existing, spec, stdout=stdout)
            continue
        paper = build_paper(spec, title=title, now=now, stdout=stdout)
        if paper is None:
            continue
        made.append(paper)
        variants.prepare(paper)  # starts copy a prepared drawing (exams.papers.variants)
        sit_paper(
            paper,
            spec["sitters"],
            rng=rng,
            now=now,
            with_demo_learner=spec.get("demo_learner_sits", False),
        )
    if stdout is not None:
        stdout.write(
            ngettext("模拟试卷 %(count)s 份新建", "模拟试卷 %(count)s 份新建", len(made))
            % {"count": len(made)}
        )


def busiest_chapter(level: str, subject: str) -> str:
    row = (
        Question.objects.filter(
            parent__isnull=True,
            is_outdated=False,
            level=level,
            subject=subject,
            type=QuestionType.SINGLE,
        )
        .exclude(chapter="")
        .values("chapter")
        .annotate(n=Count("pk"))
        .order_by("-n", "chapter")
        .first()
    )
    return row["chapter"] if row else ""


def _preset(paper: Paper) -> Paper:
    """The real blueprint over the syllabus, drawn from the demo bank when it is there."""
    apply_real_exam_preset(paper, by_syllabus=True)
    bank = QuestionBank.get_root_nodes().filter(name=BANK).first()
    if bank is not None:
        BlueprintRule.objects.filter(paper=paper).update(bank=bank)
    return Paper.objects.get(pk=paper.pk)


def build_paper(spec: dict, *, title: str, now, stdout=None) -> Paper | None:
    paper = Paper(
        title=title,
        is_published=True,
        opens_at=now - timedelta(days=HISTORY_DAYS + 7),
        closes_at=now + timedelta(days=30),
        **{k: spec[k] for k in SETTINGS if k in spec},
    )
    if spec.get("preset"):
        paper = _preset(paper)
    else:
        chapter = title.split("：", 1)[1].rsplit("（", 1)[0]
        paper.kind = Paper.Kind.BLUEPRINT
        paper.rules = [
            BlueprintRule(
                question_type=QuestionType.SINGLE, count=10, score=Decimal(1), chapters=chapter
            ),
            BlueprintRule(
                question_type=QuestionType.MULTIPLE, count=5, score=Decimal(2), chapters=chapter
            ),
        ]
        paper.save()
        paper.pass_score = paper.max_score * Decimal("0.6")
        paper.save()
    problems = blueprint_shortfalls(paper)
    if problems:
        if stdout is not None:
            stdout.write(
                _("模拟试卷“%(title)s”未创建：%(problems)s")
                % {"title": title, "problems": _("；").join(problems)}
            )
        paper.delete()
        return None
    return paper


def restore_full_length(paper: Paper, spec: dict, *, stdout=None) -> None:
    """A demo paper an earlier loader shrank to the bank it had gets the real blueprint again
    (attempts already made keep the questions they froze)."""
    blueprint = blueprint_for(spec["level"], spec["subject"])
    paper = Paper.objects.prefetch_related("rules").get(pk=paper.pk)
    if paper.question_count == blueprint.question_count and paper.max_score == blueprint.max_score:
        return
    try:
        with transaction.atomic():
            restored = _preset(paper)
            if blueprint_shortfalls(restored):
                raise _CannotFill
            restored.description = spec["description"]
            restored.save(update_fields=["description"])
    except _CannotFill:
        return
    if stdout is not None:
        stdout.write(_("模拟试卷“%(title)s”已恢复为真题结构") % {"title": paper.title})


class _CannotFill(Exception):
    """The bank cannot fill the real blueprint yet: the paper is left as it was."""


def sit_paper(
    paper: Paper, sitters: int, *, rng: random.Random, now, with_demo_learner: bool = False
) -> None:
    """Finished attempts by demo learners of varied ability from every community, spread over
    the last twelve weeks (the organisers' activity trend); the demo learner's is this week."""
    learners = list(
        User.objects.filter(profile__isnull=False)
        .exclude(phone=DEMO_LEARNER_PHONE)
        .filter(profile__exam_level=paper.target_levels[0] if paper.target_levels else paper.level)
        .order_by("pk")
    )
    learners = rng.sample(learners, min(sitters, len(learners)))
    if with_demo_learner:
        learners += list(User.objects.filter(phone=DEMO_LEARNER_PHONE))
    for learner in learners:
        ability = rng.uniform(0.35, 0.95)
        days = (
            rng.randint(1, 7)
            if learner.phone == DEMO_LEARNER_PHONE
            else rng.randint(1, HISTORY_DAYS)
        )
        started = now - timedelta(days=days, hours=rng.randint(0, 10))
        attempt, _created = start_attempt(paper=paper, learner=learner, now=started)
        spent = timedelta(
            minutes=rng.randint(paper.time_limit_minutes // 3, paper.time_limit_minutes - 1)
        )
        answer_and_hand_in(attempt, ability=ability, rng=rng, now=started + spent)


def answer_and_hand_in(attempt, *, ability: float, rng: random.Random, now) -> None:
    """Answer every question as a learner of ``ability`` would, hand in at ``now`` and
    record the results (points, statistics) as the worker would."""
    answers = {}
    for item in attempt.items.select_related("version"):
        answer = demo_answer(item.version.snapshot, ability, rng)
        if answer is not None:
            answers[str(item.question_id)] = to_shown(answer, item.option_order)
    save_answers(attempt=attempt, answers=answers, now=now)
    attempt = submit_attempt(attempt_id=attempt.pk, now=now)
    record_attempt_results(attempt.pk)


def demo_answer(snapshot: dict, ability: float, rng: random.Random):
    """A plausible answer in the question's own keys: right with probability ``ability``."""
    kind = snapshot["type"]
    if kind == QuestionType.CASE_ESSAY:
        return None
    if kind == QuestionType.CASE_ANALYSIS:
        return {str(sub["id"]): demo_answer(sub, ability, rng) for sub in snapshot["sub_questions"]}
    keys = [o["key"] for o in snapshot["options"]]
    right = [o["key"] for o in snapshot["options"] if o["is_correct"]]
    if rng.random() < ability:
        return right
    if kind == QuestionType.MULTIPLE and rng.random() < 0.5:
        return right[: max(1, len(right) - 1)]  # left one out: partial credit
    wrong = [k for k in keys if k not in right]
    return [rng.choice(wrong)] if wrong else right
