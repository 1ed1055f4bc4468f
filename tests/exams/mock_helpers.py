"""Factories for the mock exam tests: questions in a bank, papers and API shortcuts."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from exams.models import Option, Paper, PaperQuestion, Question, QuestionBank


def bank_named(name: str = "模拟考试题库") -> QuestionBank:
    found = QuestionBank.objects.filter(name=name).first()
    return found or QuestionBank.add_root(name=name)


def choice_question(
    *,
    stem: str = "社会工作的首要使命是什么？",
    right: str = "A",
    keys: str = "ABCD",
    multiple: bool = False,
    chapter: str = "",
    subject: str = "comprehensive",
    level: str = "junior",
    explanation: str = "解析：助人自助。",
    score: Decimal | int = 1,
    parent: Question | None = None,
) -> Question:
    question = Question.objects.create(
        bank=bank_named(),
        parent=parent,
        type="multiple" if multiple else "single",
        stem=stem,
        explanation=explanation,
        chapter=chapter,
        subject=subject,
        level=level,
        score=score,
    )
    for index, key in enumerate(keys):
        Option.objects.create(
            question=question,
            key=key,
            text=f"选项{key}的内容",
            is_correct=key in right,
            sort_order=index,
        )
    return question


def essay_question(*, stem: str = "请根据案例设计一个小组工作方案。", score: int = 20) -> Question:
    return Question.objects.create(
        bank=bank_named(),
        type="case_essay",
        stem=stem,
        model_answer="参考答案：需求评估、目标、程序设计、评估。",
        marking_points="需求评估准确\n目标具体可测\n活动设计合理",
        explanation="方案设计题解析",
        subject="practice",
        level="intermediate",
        score=score,
    )


def case_analysis(*, subs: int = 2) -> Question:
    case = Question.objects.create(
        bank=bank_named(), type="case_analysis", stem="案例：王奶奶独居……", score=0
    )
    for position in range(subs):
        sub = choice_question(stem=f"小题{position + 1}", right="B", parent=case, score=2)
        sub.position = position
        sub.save()
    return case


def fixed_paper(questions, *, scores=None, **fields) -> Paper:
    defaults = {
        "title": "初级综合能力模拟卷",
        "level": "junior",
        "subject": "comprehensive",
        "time_limit_minutes": 120,
        "pass_score": Decimal(60),
        "is_published": True,
    }
    defaults.update(fields)
    paper = Paper.objects.create(**defaults)
    for index, question in enumerate(questions):
        PaperQuestion.objects.create(
            paper=paper,
            question=question,
            sort_order=index,
            score=None if scores is None else scores[index],
        )
    return paper


def soon(minutes: int = 0, seconds: int = 0):
    return timezone.now() + timedelta(minutes=minutes, seconds=seconds)


def put_json(client, url: str, data: dict, **headers):
    return client.put(url, data=json.dumps(data), content_type="application/json", **headers)
