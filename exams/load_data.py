"""Benchmark data of the exams app (`manage.py generate_load_data`, LOAD_DATA_GENERATORS).

A question bank of 120 single-choice and 40 multiple-choice questions (初级 综合能力) and a
published mock exam drawn from it with the real exam's blueprint (60 single + 20 multiple,
80 questions), open to everyone, unlimited attempts, for a year. Idempotent: the bank and
the paper are found by name and the bank is topped up to its size.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from exams.models import Level, Paper, Question, QuestionBank, QuestionType, Subject
from exams.papers import apply_real_exam_preset
from exams.services import create_question

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
    if stdout is not None:
        stdout.write(f"压测题库新增 {added} 题；压测试卷 #{paper.pk}（80 题）。")


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
