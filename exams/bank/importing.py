"""Importing and exporting question files (GIFT, Moodle XML, Excel).

An import is all or nothing: the file is read, every question validated, and one error
refuses the whole file with line/row numbers and reasons. Questions are written with
``bulk_create`` (a 2,000-question file is a handful of queries per table, not thousands).
Question types a format cannot hold are listed in the report, never silently dropped.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.images import get_image_model

from exams.bank.check import check_bank, check_items, item_from_record, items_from_questions
from exams.bank.formats import (
    FormatError,
    LineError,
    ParsedFile,
    ParsedQuestion,
    gift,
    moodle_xml,
    xlsx,
)
from exams.models import (
    Level,
    Option,
    Question,
    QuestionBank,
    QuestionKnowledgePoint,
    QuestionType,
    Subject,
    option_errors,
)
from exams.practice.selectors import for_display
from learning.models import User
from learning.platform.input_guard import has_control_characters
from learning.platform.task_queue import enqueue

FORMATS = {"gift": gift, "xml": moodle_xml, "xlsx": xlsx}
EXTENSIONS = {".gift": "gift", ".txt": "gift", ".xml": "xml", ".xlsx": "xlsx"}
#: What each format's file is called when exported.
SUFFIXES = {"gift": ".gift", "xml": ".xml", "xlsx": ".xlsx"}
DEFAULT_BANK = "默认题库"
#: Column lengths that a file's text must fit (PostgreSQL refuses longer text).
BANK_NAME_LENGTH = QuestionBank._meta.get_field("name").max_length
KNOWLEDGE_POINT_LENGTH = Tag._meta.get_field("name").max_length


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    errors: list[LineError] = field(default_factory=list)
    skipped: list[LineError] = field(default_factory=list)
    banks_created: int = 0
    dry_run: bool = False
    #: What the bank check (exams.bank.check) found in the bank as it will be: reported, the
    #: import still goes ahead (a lecturer's bank may lack explanations for a while).
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def counts(self) -> list[tuple[str, int]]:
        """(type label, count) for every type that has questions, in the types' order."""
        return [
            (str(label), self.created[value])
            for value, label in QuestionType.choices
            if self.created[value]
        ]

    def summary(self) -> str:
        parts = [
            _("%(type)s %(count)s 道") % {"type": label, "count": count}
            for label, count in self.counts()
        ]
        return _("，").join(parts or [_("0 道")])


def format_for(filename: str, given: str | None = None) -> str:
    if given:
        if given not in FORMATS:
            raise FormatError(_("不支持的格式：%(f)s（可用 gift、xml、xlsx）。") % {"f": given})
        return given
    fmt = EXTENSIONS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise FormatError(_("无法从文件名判断格式，请用 .gift/.txt、.xml 或 .xlsx，或指定格式。"))
    return fmt


def read_file(data: bytes, fmt: str) -> ParsedFile:
    """Parse a file; raises ``FormatError`` when it is not that format at all."""
    return FORMATS[fmt].read(data)


def validate(question: ParsedQuestion) -> list[str]:
    errors = list(option_errors(question.type, [(o.key, o.is_correct) for o in question.options]))
    if not question.stem.strip():
        errors.append(_("题干为空。"))
    if not 1 <= question.difficulty <= 5:
        errors.append(_("难度应为 1 到 5。"))
    if question.subject and question.subject not in Subject.values:
        errors.append(_("科目不正确。"))
    if question.level and question.level not in Level.values:
        errors.append(_("级别不正确。"))
    if question.score is not None and not (
        question.score.is_finite() and Decimal(0) < question.score < Decimal(1000)
    ):
        errors.append(_("分值应大于 0。"))
    if question.valid_as_of:
        try:
            date.fromisoformat(question.valid_as_of)
        except ValueError:
            errors.append(_("依据截至日期应写成 2026-01-01 的格式。"))
    if len(question.chapter) > 100 or len(question.name) > 200:
        errors.append(_("章节或标题太长。"))
    if any(len(point) > KNOWLEDGE_POINT_LENGTH for point in question.knowledge_points):
        errors.append(_("知识点太长（最多 %(n)d 个字）。") % {"n": KNOWLEDGE_POINT_LENGTH})
    if any(len(name) > BANK_NAME_LENGTH for name in question.category):
        errors.append(_("题库分类名称太长（最多 %(n)d 个字）。") % {"n": BANK_NAME_LENGTH})
    if has_control_characters(_texts(question)):
        errors.append(_("含有不允许的控制字符（例如 NUL），请删除后再导入。"))
    return errors


def _texts(question: ParsedQuestion) -> list[str]:
    """Every text of ``question`` that is stored."""
    return [
        question.stem,
        question.name,
        question.explanation,
        question.model_answer,
        question.marking_points,
        question.chapter,
        question.source,
        question.valid_as_of,
        *question.category,
        *question.knowledge_points,
        *(text for option in question.options for text in (option.text, option.feedback)),
    ]


class _ImportFailed(Exception):
    def __init__(self, errors: list[LineError]):
        self.errors = errors


def import_questions(
    *, parsed: ParsedFile, bank_name: str = "", dry_run: bool = False, by: User | None = None
) -> ImportReport:
    """Validate everything, then create it all (or, on a dry run, only count it)."""
    report = ImportReport(dry_run=dry_run, skipped=list(parsed.skipped))
    report.errors = list(parsed.errors)
    for question in parsed.questions:
        report.errors.extend(LineError(question.line, e) for e in validate(question))
    if report.errors:
        return report
    report.created = Counter(question.type for question in parsed.questions)
    if dry_run:
        report.warnings = _dry_run_check(parsed.questions, bank_name or DEFAULT_BANK)
        return report
    try:
        with transaction.atomic():
            report.banks_created = _save(parsed.questions, bank_name or DEFAULT_BANK, by)
            # Before the commit: the bank as it will be, with the papers that draw from it.
            root = QuestionBank.get_root_nodes().get(name=bank_name or DEFAULT_BANK)
            report.warnings = check_bank(root).problems
    except _ImportFailed as failed:
        report.errors = failed.errors
        report.created = Counter()
    return report


def _dry_run_check(parsed: list[ParsedQuestion], bank_name: str) -> list:
    """The bank check on what the bank would hold (its questions and the file's)."""
    items = [
        item_from_record(question, _("第 %(line)d 题") % {"line": question.line})
        for question in parsed
    ]
    root = QuestionBank.get_root_nodes().filter(name=bank_name).first()
    if root is not None:
        items = (
            items_from_questions(Question.objects.filter(bank__path__startswith=root.path)) + items
        )
    return check_items(items).problems


def root_bank(name: str) -> tuple[QuestionBank, bool]:
    existing = QuestionBank.get_root_nodes().filter(name=name).first()
    if existing is not None:
        return existing, False
    return QuestionBank.add_root(name=name), True


def _bank_for(
    root: QuestionBank, path: tuple[str, ...], cache: dict, created: list
) -> QuestionBank:
    if path in cache:
        return cache[path]
    parent = root if len(path) == 1 else _bank_for(root, path[:-1], cache, created)
    bank = parent.get_children().filter(name=path[-1]).first()
    if bank is None:
        bank = QuestionBank.objects.get(pk=parent.pk).add_child(name=path[-1])
        created.append(bank)
    cache[path] = bank
    return bank


def _save(parsed: list[ParsedQuestion], bank_name: str, by: User | None) -> int:
    root, root_created = root_bank(bank_name)
    created: list[QuestionBank] = [root] if root_created else []
    cache: dict[tuple[str, ...], QuestionBank] = {(): root}
    questions = []
    for item in parsed:
        stem = _store_images(item) if item.images else item.stem
        questions.append(
            Question(
                bank=_bank_for(root, item.category, cache, created),
                type=item.type,
                name=item.name[:200],
                stem=stem,
                explanation=item.explanation,
                model_answer=item.model_answer,
                marking_points=item.marking_points,
                difficulty=item.difficulty,
                subject=item.subject,
                level=item.level,
                chapter=item.chapter,
                source=item.source[:200],
                valid_as_of=date.fromisoformat(item.valid_as_of) if item.valid_as_of else None,
                is_outdated=item.is_outdated,
                score=item.score if item.score is not None else _default_score(item.type),
                created_by=by,
            )
        )
    for question in questions:
        question.sanitise()
    Question.objects.bulk_create(questions, batch_size=500)
    Option.objects.bulk_create(
        [
            Option(
                question=question,
                sort_order=i,
                key=o.key,
                text=o.text,
                is_correct=o.is_correct,
                fraction=o.fraction,
                feedback=o.feedback,
            )
            for question, item in zip(questions, parsed, strict=True)
            for i, o in enumerate(item.options)
        ],
        batch_size=1000,
    )
    _save_knowledge_points(questions, parsed)
    ids = [question.pk for question in questions]
    transaction.on_commit(lambda: enqueue("exams.tasks.index_questions", ids))
    return len(created)


def _default_score(question_type: str) -> Decimal:
    """The real exam: multiple choice 2 points, everything else 1 (case questions by paper)."""
    return Decimal(2) if question_type == QuestionType.MULTIPLE else Decimal(1)


def _save_knowledge_points(questions: list[Question], parsed: list[ParsedQuestion]) -> None:
    names = {name[:100] for item in parsed for name in item.knowledge_points}
    if not names:
        return
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names - set(tags)):
        tags[name] = Tag.objects.create(name=name)
    QuestionKnowledgePoint.objects.bulk_create(
        [
            QuestionKnowledgePoint(content_object=question, tag=tags[name])
            for question, item in zip(questions, parsed, strict=True)
            for name in dict.fromkeys(n[:100] for n in item.knowledge_points)
        ],
        batch_size=1000,
    )


_PLUGINFILE_IMG = re.compile(r'<img\b[^>]*?src="@@PLUGINFILE@@/([^"]+)"[^>]*>', re.IGNORECASE)
_ALT = re.compile(r'alt="([^"]*)"')
_EMBED = re.compile(r'<embed\b[^>]*embedtype="image"[^>]*/?>')
_ID = re.compile(r'\bid="(\d+)"')


def _store_images(item: ParsedQuestion) -> str:
    """Save the question's embedded images as Wagtail images and point the stem at them."""
    image_model = get_image_model()
    stored = {}
    for name, content in item.images.items():
        try:
            image = image_model(title=name[:255], file=ImageFile(io.BytesIO(content), name=name))
            image.save()
        except Exception as exc:  # noqa: BLE001 (Willow/Pillow raise many kinds)
            raise _ImportFailed(
                [LineError(item.line, _("图片 %(n)s 无法读取：%(e)s") % {"n": name, "e": exc})]
            ) from exc
        stored[name] = image

    def embed(match: re.Match) -> str:
        image = stored.get(match.group(1))
        if image is None:
            return match.group(0)
        alt = _ALT.search(match.group(0))
        alt_text = alt.group(1) if alt else ""
        return f'<embed alt="{alt_text}" embedtype="image" format="fullwidth" id="{image.pk}"/>'

    return _PLUGINFILE_IMG.sub(embed, item.stem)


def embedded_images(html: str) -> tuple[str, dict[str, bytes]]:
    """Rich text with Wagtail image embeds as ``@@PLUGINFILE@@`` images plus their files."""
    files: dict[str, bytes] = {}
    image_model = get_image_model()

    def replace(match: re.Match) -> str:
        found = _ID.search(match.group(0))
        image = image_model.objects.filter(pk=found.group(1)).first() if found else None
        if image is None:
            return match.group(0)
        name = f"{image.pk}-{Path(image.file.name).name}"
        with image.open_file() as handle:
            files[name] = handle.read()
        alt = _ALT.search(match.group(0))
        return f'<img src="@@PLUGINFILE@@/{name}" alt="{alt.group(1) if alt else ""}">'

    return _EMBED.sub(replace, html), files


def export_questions(*, bank: QuestionBank, fmt: str) -> tuple[bytes, list[str]]:
    """The bank and its sub-banks in ``fmt``; returns (file bytes, reasons for skipped ones)."""
    banks = list(bank.subtree().order_by("path"))
    names = {b.path: b.name for b in banks}
    step = QuestionBank.steplen
    questions = for_display(
        Question.objects.filter(bank__in=banks, parent__isnull=True).order_by("bank__path", "pk")
    )
    module = FORMATS[fmt]
    grouped: dict[int, list[Question]] = {}
    skipped = []
    for question in questions:
        if question.type in module.TYPES:
            grouped.setdefault(question.bank_id, []).append(question)
        else:
            skipped.append(
                _("%(type)s“%(q)s”：%(format)s 格式无法表示这种题型，未导出。")
                % {"type": question.get_type_display(), "q": question, "format": module.NAME}
            )
    groups = []
    for b in banks:
        path = tuple(
            names[b.path[:end]] for end in range(len(bank.path) + step, len(b.path) + 1, step)
        )
        groups.append((path, grouped.get(b.pk, [])))
    if fmt == "xml":
        return moodle_xml.write(groups, embed=embedded_images), skipped
    return module.write(groups), skipped
