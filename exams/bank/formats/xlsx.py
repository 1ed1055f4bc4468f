"""Excel (.xlsx) question sheets in the columns Chinese exam systems use.

Required: 题型 (单选/多选/判断), 题干, 选项A to 选项E, 答案 (``A`` or ``A,C,D``; 判断 also
对/错), 解析, 难度 (1–5), 章节, 知识点 (separated by 、 or commas). Optional, written by our
export so a round trip loses nothing: 科目, 级别, 分值, 来源, 依据截至, 分类 (the sub-bank path).
Case questions do not fit one row and are reported.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from exams.bank.formats import (
    FormatError,
    LineError,
    ParsedFile,
    ParsedOption,
    ParsedQuestion,
    html_to_text,
    split_points,
    text_to_html,
)
from exams.models import OPTION_KEYS, Level, QuestionType, Subject

OPTION_COLUMNS = [f"选项{key}" for key in OPTION_KEYS]
COLUMNS = ["题型", "题干", *OPTION_COLUMNS, "答案", "解析", "难度", "章节", "知识点"]
EXTRA_COLUMNS = ["科目", "级别", "分值", "来源", "依据截至", "分类"]
REQUIRED = ["题型", "题干", "答案"]

TYPE_NAMES = {
    QuestionType.SINGLE: "单选",
    QuestionType.MULTIPLE: "多选",
    QuestionType.TRUE_FALSE: "判断",
}
_TYPES = {name: kind for kind, name in TYPE_NAMES.items()}
_TYPES.update({f"{name}题": kind for kind, name in TYPE_NAMES.items()})
_TYPES.update({"单项选择": QuestionType.SINGLE, "多项选择": QuestionType.MULTIPLE})
_TRUE = {"A", "对", "正确", "√", "T", "TRUE", "是"}
_FALSE = {"B", "错", "错误", "×", "F", "FALSE", "否"}
_SUBJECTS = {str(label): value for value, label in Subject.choices}
_SUBJECTS.update({str(label).removeprefix("社会工作"): value for value, label in Subject.choices})
_LEVELS = {str(label): value for value, label in Level.choices}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        value = value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    return str(value).strip()


def _rich(value: str) -> str:
    """Cells hold plain text, or HTML when the stem had formatting or images."""
    if value.startswith("<") and value.endswith(">"):
        return value
    return text_to_html(value)


def read(data: bytes) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds on a bad file)
        raise FormatError(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
    rows = [[_cell(v) for v in row] for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    if not rows:
        raise FormatError(_("表格是空的。"))
    header = [name.replace(" ", "") for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FormatError(_("缺少列：%(columns)s") % {"columns": "、".join(missing)})
    result = ParsedFile()
    for number, values in enumerate(rows[1:], start=2):
        record = dict(zip(header, values, strict=False))
        if not any(record.values()):
            continue
        errors: list[str] = []
        question = _read_row(number, record, errors)
        if errors:
            result.errors.extend(LineError(number, e, "行") for e in errors)
        elif question is not None:
            result.questions.append(question)
    return result


def _read_row(number: int, record: dict[str, str], errors: list[str]) -> ParsedQuestion | None:
    kind = _TYPES.get(record.get("题型", ""))
    if kind is None:
        errors.append(
            _("题型“%(v)s”不正确，应为单选、多选或判断。") % {"v": record.get("题型", "")}
        )
        return None
    stem = record.get("题干", "")
    if not stem:
        errors.append(_("题干为空。"))
    answer = record.get("答案", "").upper().replace("，", ",").replace(" ", "")
    question = ParsedQuestion(
        line=number,
        type=kind,
        stem=_rich(stem),
        explanation=_rich(record.get("解析", "")) if record.get("解析") else "",
        chapter=record.get("章节", ""),
        knowledge_points=split_points(record.get("知识点", "")),
        source=record.get("来源", ""),
        valid_as_of=record.get("依据截至", ""),
        category=tuple(p for p in record.get("分类", "").split("/") if p),
    )
    difficulty = record.get("难度", "")
    if difficulty:
        if difficulty.isdigit() and 1 <= int(difficulty) <= 5:
            question.difficulty = int(difficulty)
        else:
            errors.append(_("难度应为 1 到 5 的整数。"))
    if record.get("科目"):
        question.subject = _SUBJECTS.get(record["科目"], "")
        if not question.subject:
            errors.append(_("科目“%(v)s”不正确。") % {"v": record["科目"]})
    if record.get("级别"):
        question.level = _LEVELS.get(record["级别"], "")
        if not question.level:
            errors.append(_("级别应为初级或中级。"))
    if record.get("分值"):
        try:
            question.score = Decimal(record["分值"])
        except InvalidOperation:
            errors.append(_("分值不是数字。"))
    if kind == QuestionType.TRUE_FALSE:
        if answer not in _TRUE | _FALSE:
            errors.append(_("判断题答案应为 A/B 或 对/错。"))
        is_true = answer in _TRUE
        question.options = [
            ParsedOption("A", record.get("选项A") or "正确", is_true),
            ParsedOption("B", record.get("选项B") or "错误", not is_true),
        ]
        return question
    keys = [k for k in re.split(r"[,、]", answer) if k]
    if len(keys) == 1 and len(keys[0]) > 1:
        keys = list(keys[0])
    texts = {key: record.get(f"选项{key}", "") for key in OPTION_KEYS}
    for key in keys:
        if key not in OPTION_KEYS or not texts[key]:
            errors.append(_("答案里的 %(key)s 没有对应的选项。") % {"key": key})
    if not keys:
        errors.append(_("答案为空。"))
    question.options = [ParsedOption(key, text, key in keys) for key, text in texts.items() if text]
    return question


TYPES = set(TYPE_NAMES)
NAME = "Excel"


def write(groups) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(COLUMNS + EXTRA_COLUMNS)
    for path, questions in groups:
        for question in questions:
            sheet.append(_row(question, path))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(question, path: tuple[str, ...]) -> list:
    options = {o.key: o for o in question.options.all()}
    stem, explanation = html_to_text(question.stem), html_to_text(question.explanation)
    return [
        TYPE_NAMES[question.type],
        question.stem if stem is None else stem,
        *[options[key].text if key in options else "" for key in OPTION_KEYS],
        ",".join(o.key for o in options.values() if o.is_correct),
        question.explanation if explanation is None else explanation,
        question.difficulty,
        question.chapter,
        "、".join(item.tag.name for item in question.tagged_items.all()),
        question.get_subject_display() if question.subject else "",
        question.get_level_display() if question.level else "",
        str(question.score),
        question.source,
        question.valid_as_of.isoformat() if question.valid_as_of else "",
        "/".join(path),
    ]


#: Example rows of the downloadable template, columns separated by "|".
TEMPLATE_ROWS = [
    "单选|社会工作的宗旨是（  ）。|助人自助|维护秩序|管理服务对象|推销服务||A|"
    "社会工作以“助人自助”为宗旨。|1|社会工作的目标与功能|社会工作宗旨|综合能力|初级|1|||",
    "多选|小组工作的类型包括（  ）。|教育小组|成长小组|支持小组|治疗小组|行政小组|A,B,C,D|"
    "行政小组不是小组工作的类型。|2|小组工作方法|小组类型|综合能力|初级|2|||",
    "判断|社会工作者可以为了工作方便泄露服务对象的隐私。||||||错|"
    "保密是社会工作的基本伦理原则。|1|社会工作伦理|保密原则|综合能力|初级|1|||",
]


def template() -> bytes:
    """An empty sheet with the columns and example rows (the admin's download)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(COLUMNS + EXTRA_COLUMNS)
    for row in TEMPLATE_ROWS:
        sheet.append(row.split("|"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
