"""Question banks written as Python data (the demo bank, ``exams.bank.demo_bank``), as import records.

Each module ``exams.bank.demo_bank.<level>_<subject>`` holds ``QUESTIONS`` (single and multiple
choice: ``type, chapter, knowledge_point, stem, options, answer, explanation, basis,
difficulty``) and, for 中级实务, ``CASES`` (``title, scenario, questions: [{stem, score,
marking_points: [{point, score}]}], basis``). They become :class:`ParsedQuestion` records, the
same the file importers produce, so they are saved and checked exactly like an uploaded file.
A module not written yet is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.utils.html import escape

from exams.bank.formats import ParsedOption, ParsedQuestion
from exams.exam_spec.levels import LEVELS
from exams.models import OPTION_KEYS, QuestionType, Subject

PACKAGE = "exams.bank.demo_bank"
#: Who wrote the demo bank (the ``source`` field of its questions).
SOURCE = "社工学堂原创"
#: Law and policy questions were checked against the texts in force on this date.
CHECKED_ON = "2026-12-01"


@dataclass
class BankFile:
    """One subject's data module."""

    level: str
    subject: str
    questions: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    package: str = PACKAGE

    @property
    def folder(self) -> str:
        """The sub-bank its questions go to: 初级·社会工作综合能力."""
        return f"{LEVELS[self.level].name}·{Subject(self.subject).label}"

    @property
    def module(self) -> str:
        return f"{self.package}.{self.level}_{self.subject}"


def bank_files(package: str = PACKAGE) -> list[BankFile]:
    """Every subject's module that exists, in level and subject order."""
    files = []
    for level, spec in LEVELS.items():
        for subject in spec.subjects:
            name = f"{package}.{level}_{subject}"
            try:
                module = import_module(name)
            except ModuleNotFoundError as missing:
                if missing.name != name:
                    raise
                continue
            files.append(
                BankFile(
                    level,
                    str(subject),
                    list(getattr(module, "QUESTIONS", [])),
                    list(getattr(module, "CASES", [])),
                    package,
                )
            )
    return files


def _p(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in str(text).splitlines() if line.strip())


def _explanation(item: dict) -> str:
    text = _p(item.get("explanation", ""))
    if text and item.get("basis"):
        text += _p(f"依据：{item['basis']}")
    return text


def choice_record(file: BankFile, item: dict, line: int) -> ParsedQuestion:
    answer = {str(key).strip().upper() for key in item.get("answer", [])}
    point = item.get("knowledge_point", "")
    return ParsedQuestion(
        line=line,
        type=item.get("type", ""),
        stem=_p(item.get("stem", "")),
        options=[
            ParsedOption(OPTION_KEYS[i], str(text), OPTION_KEYS[i] in answer)
            for i, text in enumerate(item.get("options", [])[: len(OPTION_KEYS)])
        ],
        explanation=_explanation(item),
        category=(file.folder, item.get("chapter", "")),
        subject=file.subject,
        level=file.level,
        chapter=item.get("chapter", ""),
        knowledge_points=[point] if point else [],
        difficulty=int(item.get("difficulty", 3)),
        source=SOURCE,
        valid_as_of=CHECKED_ON if file.subject == Subject.REGULATIONS else "",
    )


def case_record(file: BankFile, case: dict, line: int) -> ParsedQuestion:
    """A case (案例) as one hand-marked question: the scenario with its numbered questions,
    the marking points (答题要点) with their points, the basis as its explanation."""
    parts = case.get("questions", [])
    stem = _p(case.get("scenario", "")) + "<ol>"
    answer, points = "", []
    for number, part in enumerate(parts, start=1):
        stem += f"<li>{escape(part.get('stem', ''))}（{part.get('score', 0)}分）</li>"
        answer += f"<p>{number}. {escape(part.get('stem', ''))}</p><ul>"
        for mark in part.get("marking_points", []):
            answer += f"<li>{escape(mark['point'])}（{mark['score']}分）</li>"
            points.append(f"第{number}问：{mark['point']}（{mark['score']}分）")
        answer += "</ul>"
    stem += "</ol>"
    total = sum((Decimal(str(part.get("score", 0))) for part in parts), start=Decimal(0))
    chapter = case.get("chapter", "")
    return ParsedQuestion(
        line=line,
        type=QuestionType.CASE_ESSAY,
        stem=stem,
        name=case.get("title", "")[:200],
        explanation=_p(f"依据：{case['basis']}") if case.get("basis") else "",
        model_answer=answer,
        marking_points="\n".join(points),
        category=(file.folder, "案例分析"),
        subject=file.subject,
        level=file.level,
        chapter=chapter,
        knowledge_points=[case["knowledge_point"]] if case.get("knowledge_point") else [],
        difficulty=int(case.get("difficulty", 4)),
        source=SOURCE,
        score=total or None,
    )


def records(file: BankFile) -> list[ParsedQuestion]:
    """The module's questions then its cases; ``line`` is the 1-based position in each list."""
    found = [choice_record(file, item, n) for n, item in enumerate(file.questions, start=1)]
    found += [case_record(file, case, n) for n, case in enumerate(file.cases, start=1)]
    return found
