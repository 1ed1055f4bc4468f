"""Moodle GIFT, read the way Moodle's own importer (question/format/gift/format.php) reads it.

Questions are separated by blank lines; lines starting with ``//`` are comments; a block that
starts with ``$CATEGORY:`` switches the category for the questions after it; ``::name::``
names a question; the answer section is the text between the first ``{`` and the first ``}``
(text after it makes a "missing word" stem with ``_____``); ``####`` starts the general
feedback (our 解析), ``#`` an answer's feedback; ``=`` marks the right answer of a single
choice, ``~`` a wrong one, ``~%50%`` a weighted answer (no ``=`` at all makes it multiple
choice); ``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` is true/false with ``#wrong#right`` feedback;
``{}`` is an essay; ``\\~ \\= \\# \\{ \\} \\:`` and ``\\n`` are escapes; ``[html]``,
``[markdown]``, ``[plain]`` and ``[moodle]`` prefix a text with its format.

Our own metadata (subject, level, chapter, knowledge points…) travels in a ``// xuetang:``
comment line, which Moodle ignores, so our exports round-trip completely.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from exams.bank.formats import (
    FormatError,
    LineError,
    ParsedFile,
    ParsedOption,
    ParsedQuestion,
    fraction_text,
    html_to_text,
    markdown_to_html,
    plain,
    text_to_html,
)
from exams.models import OPTION_KEYS, QuestionType

META_PREFIX = "// xuetang:"
_ESCAPES = {"\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004"}
_ESCAPES.update({"\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"})
_UNESCAPED = {"\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}"}
_UNESCAPED.update({"\ue006": "~", "\ue007": "\n"})
_BACKSLASH = "\ue000"
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_FORMATS = {"html", "plain", "moodle", "markdown"}
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(_("无法识别文件编码，请另存为 UTF-8 编码。"))


def _escape_pre(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text.replace(_BACKSLASH, "\\")


def _escape_post(text: str) -> str:
    for placeholder, char in _UNESCAPED.items():
        text = text.replace(placeholder, char)
    return text


def _with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    """(format, text) like Moodle's parse_text_with_format."""
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end].lower() if end > 0 else ""
        if name in _FORMATS:
            fmt, text = name, text[end + 1 :]
    return fmt, _escape_post(text).strip()


def _as_html(fmt: str, text: str) -> str:
    if fmt == "html":
        return text
    if fmt == "markdown":
        return markdown_to_html(text)
    return text_to_html(text)


def _category_path(value: str) -> tuple[str, ...]:
    """``$course$/top/综合能力/第一章`` -> ("综合能力", "第一章"); ``//`` is a literal slash."""
    value = _escape_post(value).strip()
    value = re.sub(r"^\$[a-z]+\$/?", "", value)
    parts = [p.replace("\ue008", "/").strip() for p in value.replace("//", "\ue008").split("/")]
    parts = [p for p in parts if p]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return tuple(parts)


def read(data: bytes) -> ParsedFile:
    result = ParsedFile()
    state = {"category": ()}
    block: list[str] = []
    start = 0
    for number, raw in enumerate(decode(data).splitlines(), 1):
        line = raw.strip()
        if not line:
            if block:
                _read_block(block, start, state, result)
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        _read_block(block, start, state, result)
    return result


def _read_block(lines: list[str], line: int, state: dict, result: ParsedFile) -> None:
    meta: dict = {}
    kept = []
    for text in lines:
        if text.startswith(META_PREFIX):
            try:
                meta = json.loads(text[len(META_PREFIX) :])
            except ValueError:
                result.errors.append(LineError(line, _("xuetang 元数据不是有效的 JSON。")))
                return
        kept.append(" " if text.startswith("//") else text)
    text = _escape_pre("\n".join(kept).strip())
    if not text:
        return
    if text.startswith("$CATEGORY:"):
        state["category"] = _category_path(text[10:])
        return
    name = ""
    if text.startswith("::"):
        finish = text.find("::", 2)
        if finish >= 0:
            name = _escape_post(text[2:finish]).strip()
            text = text[finish + 2 :].strip()
        else:
            text = text[2:]
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        result.skipped.append(
            LineError(line, _("没有答案部分的说明文字（description），不是题目。"))
        )
        return
    if start < 0 or finish < 0 or finish < start:
        result.errors.append(LineError(line, _("花括号不配对：答案部分应写在 { 和 } 之间。")))
        return
    answer_text = text[start + 1 : finish].strip()
    if text.endswith("}"):
        stem_text = text[:start] + text[finish + 1 :]
    else:
        stem_text = text[:start] + "_____" + text[finish + 1 :]
    general = ""
    separator = answer_text.rfind("####")
    if separator >= 0:
        general = answer_text[separator + 4 :]
        answer_text = answer_text[:separator].strip()
    stem_format, stem = _with_format(stem_text.strip())
    general_format, general = _with_format(general.strip(), stem_format)
    question = ParsedQuestion(
        line=line,
        type="",
        name=name,
        stem=_as_html(stem_format, stem),
        explanation=_as_html(general_format, general) if general else "",
        category=state["category"],
    )
    if not stem:
        result.errors.append(LineError(line, _("题干为空。")))
        return
    if answer_text == "":
        question.type = QuestionType.CASE_ESSAY
    elif answer_text.startswith("#"):
        result.skipped.append(LineError(line, _("数值题（numerical）本系统不支持，未导入。")))
        return
    elif "~" in answer_text:
        error = _read_choices(question, answer_text, stem_format)
        if error:
            result.errors.append(LineError(line, error))
            return
    elif "=" in answer_text and "->" in answer_text:
        result.skipped.append(LineError(line, _("匹配题（matching）本系统不支持，未导入。")))
        return
    else:
        check = answer_text.split("#", 1)[0].strip() if "#" in answer_text[1:] else answer_text
        if check not in _TRUE_FALSE:
            result.skipped.append(
                LineError(line, _("填空/简答题（short answer）本系统不支持，未导入。"))
            )
            return
        _read_true_false(question, answer_text, stem_format)
    try:
        _apply_meta(question, meta)
    except (TypeError, ValueError, InvalidOperation):
        result.errors.append(LineError(line, _("xuetang 元数据的字段不正确。")))
        return
    result.questions.append(question)


def _read_choices(question: ParsedQuestion, answer_text: str, fmt: str) -> str:
    single = "=" in answer_text
    answers = answer_text.replace("=", "~=").split("~")
    answers[0] = answers[0].strip()
    if not answers[0]:
        answers.pop(0)
    if len(answers) < 2:
        return _("选择题至少要有两个选项。")
    if len(answers) > len(OPTION_KEYS):
        return _("选项太多：最多五个（A 到 E）。")
    question.type = QuestionType.SINGLE if single else QuestionType.MULTIPLE
    for key, answer in zip(OPTION_KEYS, answers, strict=False):
        answer = answer.strip()
        weight, fraction = Decimal(0), None
        if answer.startswith("="):
            weight, answer = Decimal(100), answer[1:]
        elif _WEIGHT.match(answer):
            end = answer.find("%", 1)
            fraction = weight = Decimal(answer[1:end].replace("--", "-") or "0")
            answer = answer[end + 1 :]
        text, _sep, feedback = answer.partition("#")
        text_format, text = _with_format(text.strip(), fmt)
        feedback_format, feedback = _with_format(feedback.strip(), fmt)
        question.options.append(
            ParsedOption(
                key=key,
                text=plain(text) if text_format == "html" else text,
                is_correct=weight >= 100 if single else weight > 0,
                fraction=fraction,
                feedback=plain(feedback) if feedback_format == "html" else feedback,
            )
        )
    return ""


def _read_true_false(question: ParsedQuestion, answer_text: str, fmt: str) -> None:
    bits = answer_text.split("#", 2)
    is_true = _TRUE_FALSE[bits[0].strip()]
    wrong = _with_format(bits[1].strip(), fmt)[1] if len(bits) > 1 else ""
    right = _with_format(bits[2].strip(), fmt)[1] if len(bits) > 2 else ""
    question.type = QuestionType.TRUE_FALSE
    question.options = [
        ParsedOption("A", "正确", is_true, feedback=right if is_true else wrong),
        ParsedOption("B", "错误", not is_true, feedback=wrong if is_true else right),
    ]


def _apply_meta(question: ParsedQuestion, meta: dict) -> None:
    for name in ("subject", "level", "chapter", "source", "valid_as_of", "model_answer"):
        if name in meta:
            setattr(question, name, str(meta[name]))
    if "marking_points" in meta:
        question.marking_points = "\n".join(map(str, meta["marking_points"]))
    if "knowledge_points" in meta:
        question.knowledge_points = [str(p) for p in meta["knowledge_points"]]
    if "difficulty" in meta:
        question.difficulty = int(meta["difficulty"])
    if "score" in meta:
        question.score = Decimal(str(meta["score"]))
    if "is_outdated" in meta:
        question.is_outdated = bool(meta["is_outdated"])


def escape(text: str) -> str:
    """Moodle's repchar: GIFT's control characters and newlines escaped."""
    for char, escaped in (("\\", "\\\\"), ("#", "\\#"), ("=", "\\="), ("~", "\\~")):
        text = text.replace(char, escaped)
    for char, escaped in (("{", "\\{"), ("}", "\\}"), (":", "\\:"), ("\n", "\\n"), ("\r", "")):
        text = text.replace(char, escaped)
    return text


def meta_of(question) -> dict:
    meta = {
        "subject": question.subject,
        "level": question.level,
        "chapter": question.chapter,
        "knowledge_points": [item.tag.name for item in question.tagged_items.all()],
        "difficulty": question.difficulty,
        "score": str(question.score),
        "source": question.source,
        "valid_as_of": question.valid_as_of.isoformat() if question.valid_as_of else "",
        "is_outdated": question.is_outdated,
    }
    if question.type == QuestionType.CASE_ESSAY:
        meta["model_answer"] = question.model_answer
        meta["marking_points"] = [p for p in question.marking_points.splitlines() if p.strip()]
    return meta


def _question_block(question) -> str:
    stem_text, general_text = html_to_text(question.stem), html_to_text(question.explanation)
    if stem_text is None or general_text is None:
        prefix, stem, general = "[html]", question.stem, question.explanation
    else:
        prefix, stem, general = "", stem_text, general_text
    head = f"::{escape(question.name)}::" if question.name else ""
    lines = [META_PREFIX + " " + json.dumps(meta_of(question), ensure_ascii=False)]
    options = list(question.options.all())
    if question.type == QuestionType.TRUE_FALSE:
        right = next(o for o in options if o.is_correct)
        wrong = next(o for o in options if not o.is_correct)
        answer = "T" if right.key == "A" else "F"
        if right.feedback or wrong.feedback:
            answer += f"#{escape(wrong.feedback)}"
            if right.feedback:
                answer += f"#{escape(right.feedback)}"
        body = [answer]
    else:
        body = [_option_line(question, option, options) for option in options]
    if general:
        body.append(f"####{prefix}{escape(general)}")
    lines.append(f"{head}{prefix}{escape(stem)}" + "{")
    lines.extend(f"\t{line}" for line in body)
    lines.append("}")
    return "\n".join(lines)


def _option_line(question, option, options) -> str:
    text = escape(option.text)
    if option.feedback:
        text += f"#{escape(option.feedback)}"
    if question.type == QuestionType.SINGLE:
        if option.is_correct:
            return f"={text}"
        return f"~%{fraction_text(option.fraction)}%{text}" if option.fraction else f"~{text}"
    fraction = option.fraction
    if fraction is None:
        right = sum(1 for o in options if o.is_correct)
        fraction = (Decimal(100) / right).quantize(Decimal("0.00001")) if option.is_correct else 0
    return f"~%{fraction_text(Decimal(fraction))}%{text}" if fraction else f"~{text}"


def category_line(path: tuple[str, ...]) -> str:
    names = "/".join(escape(name).replace("/", "//") for name in path)
    return "$CATEGORY: $course$/top" + (f"/{names}" if names else "")


#: The types GIFT can hold (a case with sub-questions it cannot).
TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE}
TYPES.add(QuestionType.CASE_ESSAY)
NAME = "GIFT"


def write(groups: list[tuple[tuple[str, ...], list]]) -> bytes:
    """GIFT text for (category path, questions) groups of questions of ``TYPES``."""
    blocks = []
    for path, questions in groups:
        blocks.append(category_line(path))
        blocks.extend(_question_block(question) for question in questions)
    return ("\n\n".join(blocks) + "\n").encode()
