"""Checking a question bank (题库检查) before candidates meet it.

A bank is checked as a list of plain :class:`Item` records, whether its questions are in the
database (``items_from_questions``), in a file being imported, or in the Python data modules
of the demo bank (``items_from_data``), so every path applies the same rules:

- every answer key is one of the question's options; single choice has one key and four
  options, multiple choice at least two keys, at least one wrong option and five options
  (the real papers' shapes, ``exams.exam_spec.blueprints``);
- no two questions are the same or nearly the same: the stem and options, stripped of markup,
  spaces and punctuation, are compared with ``difflib`` and a ratio above
  :data:`NEAR_DUPLICATE_RATIO` is reported (the stem alone would flag the many real questions
  whose stem is just “下列说法中，正确的是”);
- every choice question has an explanation, every case question its marking points;
- a question of a subject whose syllabus is known sits in one of its chapters and names one of
  that chapter's knowledge points;
- the bank can fill every blueprint that draws from it (a paper's rules, or the real paper of
  each subject a data module covers), and each case question is worth what the paper gives it.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from exams.bank.formats import ParsedQuestion
from exams.exam_spec.blueprints import (
    MULTIPLE_OPTIONS,
    SINGLE_OPTIONS,
    Blueprint,
    blueprint_for,
)
from exams.exam_spec.levels import LEVELS
from exams.exam_spec.syllabus import chapters_of
from exams.models import Paper, Question, QuestionBank, QuestionType, Subject

#: Stems (with options) more alike than this are reported as near-duplicates.
NEAR_DUPLICATE_RATIO = 0.9
#: Candidate pairs for the comparison share at least this part of their character pairs.
_PAIR_OVERLAP = 0.7

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Item:
    """One question as the check sees it. ``ref`` tells a reader where to find it."""

    ref: str
    type: str
    stem: str
    options: tuple[str, ...] = ()
    option_keys: tuple[str, ...] = ()
    answer: tuple[str, ...] = ()
    explanation: str = ""
    marking_points: str = ""
    level: str = ""
    subject: str = ""
    chapter: str = ""
    knowledge_points: tuple[str, ...] = ()
    score: Decimal | None = None


@dataclass(frozen=True)
class Problem:
    kind: str
    ref: str
    message: str

    def __str__(self) -> str:
        if not self.ref:
            return self.message
        return _("%(ref)s：%(message)s") % {"ref": self.ref, "message": self.message}


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    #: Subjects whose syllabus is not known, so their knowledge points were not checked.
    unchecked_syllabus: set[tuple[str, str]] = field(default_factory=set)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> Counter:
        return Counter(problem.kind for problem in self.problems)


def plain(html: str) -> str:
    return strip_tags(html or "").replace("&nbsp;", " ").strip()


def normalised(text: str) -> str:
    """Text compared for duplicates: no markup, spaces or punctuation, lower case."""
    return _NOISE.sub("", plain(text)).lower()


# ---------------------------------------------------------------------------------------------
# The rules


def shape_problems(item: Item) -> list[Problem]:
    problems = []
    keys = set(item.option_keys)
    for key in item.answer:
        if key not in keys:
            problems.append(Problem("key", item.ref, _("答案 %(key)s 不在选项中。") % {"key": key}))
    if item.type == QuestionType.SINGLE:
        if len(item.answer) != 1:
            problems.append(Problem("keys", item.ref, _("单选题必须有且只有一个答案。")))
        if len(item.option_keys) != SINGLE_OPTIONS:
            problems.append(
                Problem(
                    "options",
                    item.ref,
                    _("单选题应有 %(n)d 个选项，这道题有 %(m)d 个。")
                    % {"n": SINGLE_OPTIONS, "m": len(item.option_keys)},
                )
            )
    elif item.type == QuestionType.MULTIPLE:
        if len(set(item.answer)) < 2:
            problems.append(Problem("keys", item.ref, _("多选题至少要有两个答案。")))
        elif len(keys - set(item.answer)) < 1:
            problems.append(Problem("keys", item.ref, _("多选题至少要有一个错误选项。")))
        if len(item.option_keys) != MULTIPLE_OPTIONS:
            problems.append(
                Problem(
                    "options",
                    item.ref,
                    _("多选题应有 %(n)d 个选项，这道题有 %(m)d 个。")
                    % {"n": MULTIPLE_OPTIONS, "m": len(item.option_keys)},
                )
            )
    return problems


def explanation_problems(item: Item) -> list[Problem]:
    if item.type == QuestionType.CASE_ESSAY:
        if not item.marking_points.strip():
            return [Problem("explanation", item.ref, _("案例题缺少答题要点。"))]
        return []
    if not plain(item.explanation):
        return [Problem("explanation", item.ref, _("缺少解析。"))]
    return []


def syllabus_problems(item: Item, report: Report) -> list[Problem]:
    if not item.level or not item.subject:
        return []
    chapters = {chapter.name: chapter for chapter in chapters_of(item.level, item.subject)}
    if not chapters:
        report.unchecked_syllabus.add((item.level, item.subject))
        return []
    case = item.type == QuestionType.CASE_ESSAY
    if case and not item.chapter and not item.knowledge_points:
        return []  # a case question may span the syllabus
    chapter = chapters.get(item.chapter)
    if chapter is None:
        return [
            Problem(
                "syllabus",
                item.ref,
                _("章节“%(chapter)s”不在考试大纲中。") % {"chapter": item.chapter},
            )
        ]
    if not item.knowledge_points and not case:
        return [Problem("syllabus", item.ref, _("没有标注知识点。"))]
    return [
        Problem(
            "syllabus",
            item.ref,
            _("知识点“%(point)s”不在大纲“%(chapter)s”一章中。")
            % {"point": point, "chapter": chapter.name},
        )
        for point in item.knowledge_points
        if point not in chapter.knowledge_points
    ]


def _pairs(text: str) -> set[str]:
    """The text's character pairs (a one-character text is its own pair)."""
    return {text[i : i + 2] for i in range(max(1, len(text) - 1))}


def duplicate_problems(items: list[Item]) -> list[Problem]:
    """Questions whose stem and options are the same as, or nearly the same as, an earlier one.

    Comparing every pair with ``difflib`` takes minutes for a few thousand questions, so the
    candidates come first from *prefix filtering* on character pairs: each text's pairs are
    ordered rarest first, and two texts sharing at least :data:`_PAIR_OVERLAP` of the larger
    one's pairs must share one of the first ``len - ceil(overlap * len) + 1`` of each. A ratio
    above 0.9 leaves far more pairs shared than that, so nothing a full comparison would find
    is missed. Each question is reported once, against the first it repeats.
    """
    texts = [(normalised(item.stem + "".join(item.options)), item) for item in items]
    texts = [(text, item) for text, item in texts if text]
    pairs = [_pairs(text) for text, _item in texts]
    frequency = Counter(pair for found in pairs for pair in found)
    index: dict[str, list[int]] = {}
    problems = []
    for n, (text, item) in enumerate(texts):
        ordered = sorted(pairs[n], key=lambda pair: (frequency[pair], pair))
        prefix = ordered[: len(ordered) - math.ceil(_PAIR_OVERLAP * len(ordered)) + 1]
        candidates = sorted({m for pair in prefix for m in index.get(pair, ())})
        matcher = None
        original = None
        for m in candidates:
            other_text, other = texts[m]
            shortest, total = min(len(text), len(other_text)), len(text) + len(other_text)
            if 2 * shortest / total <= NEAR_DUPLICATE_RATIO:
                continue
            needed = math.ceil(_PAIR_OVERLAP * max(len(pairs[n]), len(pairs[m])))
            if len(pairs[n] & pairs[m]) < needed:
                continue
            if matcher is None:
                matcher = difflib.SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(text)
            matcher.set_seq1(other_text)
            ratio = 1.0 if other_text == text else matcher.ratio()
            if ratio > NEAR_DUPLICATE_RATIO:
                original = (other, ratio)
                break
        if original is None:
            for pair in prefix:
                index.setdefault(pair, []).append(n)
            continue
        problems.append(
            Problem(
                "duplicate",
                item.ref,
                _("与 %(ref)s 重复（相似度 %(ratio).2f）。")
                % {"ref": original[0].ref, "ratio": original[1]},
            )
        )
    return problems


def blueprint_problems(
    items: list[Item], blueprint: Blueprint, *, label: str, ref: str = ""
) -> list[Problem]:
    """Whether ``items`` (one subject's questions) can fill ``blueprint``."""
    available = Counter(item.type for item in items)
    problems = [
        Problem(
            "blueprint",
            ref,
            _("不能组成%(paper)s：%(type)s需要 %(count)d 道，只有 %(n)d 道。")
            % {
                "paper": label,
                "type": QuestionType(kind).label,
                "count": count,
                "n": available[kind],
            },
        )
        for kind, count in blueprint.needs().items()
        if available[kind] < count
    ]
    scores = {section.question_type: section.score for section in blueprint.sections}
    for item in items:
        wanted = scores.get(item.type)
        if item.type == QuestionType.CASE_ESSAY and wanted is not None and item.score != wanted:
            problems.append(
                Problem(
                    "blueprint",
                    item.ref,
                    _("案例题共 %(score)s 分，%(paper)s每题 %(wanted)s 分。")
                    % {"score": item.score, "paper": label, "wanted": wanted},
                )
            )
    return problems


def check_items(items: Iterable[Item]) -> Report:
    """Every rule but the blueprints' on ``items``."""
    items = list(items)
    report = Report(checked=len(items))
    for item in items:
        report.problems += shape_problems(item)
        report.problems += explanation_problems(item)
        report.problems += syllabus_problems(item, report)
    report.problems += duplicate_problems(items)
    return report


def paper_label(level: str, subject: str) -> str:
    level_name = LEVELS[level].name if level in LEVELS else ""
    return _("%(level)s《%(subject)s》试卷") % {
        "level": level_name,
        "subject": Subject(subject).label if subject in Subject.values else "",
    }


# ---------------------------------------------------------------------------------------------
# Where items come from


def item_from_record(record: ParsedQuestion, ref: str) -> Item:
    return Item(
        ref=ref,
        type=record.type,
        stem=record.stem,
        options=tuple(o.text for o in record.options),
        option_keys=tuple(o.key for o in record.options),
        answer=tuple(o.key for o in record.options if o.is_correct),
        explanation=record.explanation,
        marking_points=record.marking_points,
        level=record.level,
        subject=record.subject,
        chapter=record.chapter,
        knowledge_points=tuple(record.knowledge_points),
        score=record.score,
    )


def items_from_data(files) -> list[tuple[object, list[Item]]]:
    """(bank file, its items) for the data modules; answers are kept as written, so a key
    that is not an option (say "E" on a four-option question) is reported, not dropped."""
    from exams.bank.data_modules import case_record, choice_record

    found = []
    for file in files:
        items = []
        for n, raw in enumerate(file.questions, start=1):
            item = item_from_record(
                choice_record(file, raw, n), f"{file.module}.QUESTIONS[{n - 1}]"
            )
            written = tuple(str(key).strip().upper() for key in raw.get("answer", []))
            items.append(replace(item, answer=written))
        for n, raw in enumerate(file.cases, start=1):
            items.append(
                item_from_record(case_record(file, raw, n), f"{file.module}.CASES[{n - 1}]")
            )
        found.append((file, items))
    return found


def check_data(files) -> Report:
    """The demo bank's data modules: every rule, and each subject's real paper."""
    pairs = items_from_data(files)
    report = check_items(item for _file, items in pairs for item in items)
    for file, items in pairs:
        report.problems += blueprint_problems(
            items,
            blueprint_for(file.level, file.subject),
            label=paper_label(file.level, file.subject),
            ref=file.module,
        )
    return report


def items_from_questions(questions) -> list[Item]:
    """Database questions (top-level ones; case sub-questions are part of their case)."""
    rows = (
        questions.filter(parent__isnull=True)
        .select_related("bank")
        .prefetch_related("options", "knowledge_points")
        .order_by("pk")
    )
    return [
        Item(
            ref=_("题目 #%(pk)s（%(bank)s）") % {"pk": q.pk, "bank": q.bank.name},
            type=q.type,
            stem=q.stem,
            options=tuple(o.text for o in q.options.all()),
            option_keys=tuple(o.key for o in q.options.all()),
            answer=tuple(o.key for o in q.options.all() if o.is_correct),
            explanation=q.explanation,
            marking_points=q.marking_points,
            level=q.level,
            subject=q.subject,
            chapter=q.chapter,
            knowledge_points=tuple(tag.name for tag in q.knowledge_points.all()),
            score=q.score,
        )
        for q in rows
    ]


def papers_using(bank: QuestionBank) -> list[Paper]:
    """Blueprint papers with a rule drawing from ``bank`` (the bank, a sub-bank or a parent)."""
    ancestors = [bank.path[:end] for end in range(bank.steplen, len(bank.path) + 1, bank.steplen)]
    return list(
        Paper.objects.filter(kind=Paper.Kind.BLUEPRINT)
        .filter(Q(rules__bank__path__in=ancestors) | Q(rules__bank__path__startswith=bank.path))
        .distinct()
        .order_by("pk")
    )


def check_bank(bank: QuestionBank) -> Report:
    """A bank and its sub-banks, and every paper that draws from it."""
    from exams.papers.services import blueprint_shortfalls

    report = check_items(
        items_from_questions(Question.objects.filter(bank__path__startswith=bank.path))
    )
    for paper in papers_using(bank):
        report.problems += [
            Problem("blueprint", _("试卷“%(paper)s”") % {"paper": paper.title}, problem)
            for problem in blueprint_shortfalls(paper)
        ]
    return report
