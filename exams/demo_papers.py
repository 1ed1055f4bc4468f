"""Demo mock exams: four papers drawn from the demo bank, and finished attempts by demo
learners so statistics, points and rankings have something to show.

Runs after the bank's demo loader (``DEMO_LOADERS``) and only through the app's services.
Idempotent: papers are found by title, and attempts are only made for a paper created now.
A blueprint rule the bank cannot fill is shrunk to what the bank holds (the description says
so), so the demo works with a smaller bank too.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from exams.attempts import save_answers, start_attempt, submit_attempt, to_shown
from exams.models import BlueprintRule, Level, Paper, Question, QuestionType, Subject
from exams.papers import apply_real_exam_preset, rule_pool
from exams.tasks import record_attempt_results
from learning.models import User

DEMO_LEARNER_PHONE = "13800000001"

#: Demo attempts are spread over this many days before now (papers open a week earlier).
HISTORY_DAYS = 83

PAPERS = [
    {
        "title": "初级《社会工作综合能力》全真模拟（一）",
        "description": "按真题结构组卷：单选 60 题、多选 20 题，120 分钟，满分 100 分，60 分及格。",
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
        "description": "实务科目全真模拟，交卷后只显示成绩，答案与解析在考试关闭后公布。",
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
        "description": "单章节限时小测，巩固本章重点，可反复练习。",
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
        "title": "中级《社会工作法规与政策》模拟卷",
        "description": "法规与政策模拟卷，题目依据现行法规；交卷后可查看答案与解析。",
        "level": Level.INTERMEDIATE,
        "subject": Subject.REGULATIONS,
        "preset": True,
        "attempts_allowed": 3,
        "grading_method": Paper.GradingMethod.HIGHEST,
        "sitters": 6,
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
    if not Question.objects.filter(parent__isnull=True).exists():
        if stdout is not None:
            stdout.write("模拟试卷：题库为空，跳过（请先加载题库演示数据）")
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
        if Paper.objects.filter(title=title).exists():
            continue
        paper = build_paper(spec, title=title, now=now)
        if paper is None:
            continue
        made.append(paper)
        sit_paper(
            paper,
            spec["sitters"],
            rng=rng,
            now=now,
            with_demo_learner=spec.get("demo_learner_sits", False),
        )
    if stdout is not None:
        stdout.write(f"模拟试卷 {len(made)} 份新建")


def busiest_chapter(level: str, subject: str) -> str:
    row = (
        Question.objects.filter(
            parent__isnull=True, level=level, subject=subject, type=QuestionType.SINGLE
        )
        .exclude(chapter="")
        .values("chapter")
        .annotate(n=Count("pk"))
        .order_by("-n", "chapter")
        .first()
    )
    return row["chapter"] if row else ""


def build_paper(spec: dict, *, title: str, now) -> Paper | None:
    paper = Paper(
        title=title,
        is_published=True,
        opens_at=now - timedelta(days=HISTORY_DAYS + 7),
        closes_at=now + timedelta(days=30),
        **{k: spec[k] for k in SETTINGS if k in spec},
    )
    if spec.get("preset"):
        time_limit = paper.time_limit_minutes
        apply_real_exam_preset(paper)
        paper.time_limit_minutes = spec.get("time_limit_minutes", time_limit)
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
    shrunk = fit_rules_to_pool(paper)
    if not paper.rules.exists():
        paper.delete()
        return None
    if shrunk:
        paper.description += "（演示题库题量有限，题数已按现有题目缩减。）"
    paper.pass_score = (paper.max_score * Decimal("0.6")).quantize(Decimal("0.1"))
    paper.save()
    return paper


def fit_rules_to_pool(paper: Paper) -> bool:
    """Shrink rules the bank cannot fill; True when any was shrunk."""
    shrunk = False
    for rule in list(paper.rules.all()):
        available = rule_pool(
            rule, fallback_level=paper.level, fallback_subject=paper.subject
        ).count()
        if available >= rule.count:
            continue
        shrunk = True
        if available == 0:
            rule.delete()
        else:
            rule.count = available
            rule.save()
    paper.refresh_from_db()
    return shrunk


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
        answers = {}
        for item in attempt.items.select_related("version"):
            answer = demo_answer(item.version.snapshot, ability, rng)
            if answer is not None:
                answers[str(item.question_id)] = to_shown(answer, item.option_order)
        spent = timedelta(
            minutes=rng.randint(paper.time_limit_minutes // 3, paper.time_limit_minutes - 1)
        )
        save_answers(attempt=attempt, answers=answers, now=started + spent)
        attempt = submit_attempt(attempt_id=attempt.pk, now=started + spent)
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
