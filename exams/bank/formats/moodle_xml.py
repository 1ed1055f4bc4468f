"""Moodle XML (``<quiz>``): categories, multichoice (single and multiple), truefalse, essay.

Fractions are percentages on ``<answer fraction="50">``; per-answer ``<feedback>``; general
feedback is our 解析; an essay's ``<graderinfo>`` carries the model answer and marking points;
images travel as ``<file name=".." encoding="base64">`` referenced by ``@@PLUGINFILE@@/name``.
Our own metadata goes in a ``<xuetang>`` element that Moodle ignores. The file is read with a
SAX parser (defusedxml, so no entity tricks) to know each question's line number.
"""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal, InvalidOperation
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape, quoteattr

from defusedxml.sax import parseString
from django.utils.translation import gettext as _

from exams.bank.formats import (
    FormatError,
    LineError,
    ParsedFile,
    ParsedOption,
    ParsedQuestion,
    fraction_text,
    plain,
    text_to_html,
)
from exams.bank.formats.gift import _apply_meta, _category_path, meta_of
from exams.models import OPTION_KEYS, QuestionType


class Node:
    __slots__ = ("attrs", "children", "line", "tag", "text")

    def __init__(self, tag: str, attrs: dict, line: int):
        self.tag, self.attrs, self.line = tag, attrs, line
        self.children: list[Node] = []
        self.text = ""

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def text_of(self, tag: str) -> str:
        """The ``<text>`` inside child ``tag`` (Moodle's usual nesting), or ''."""
        child = self.find(tag)
        if child is None:
            return ""
        inner = child.find("text")
        return (inner.text if inner is not None else child.text).strip()


class _TreeBuilder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.stack: list[Node] = []
        self.root: Node | None = None

    def startElement(self, name, attrs):  # noqa: N802 (SAX API)
        node = Node(name, dict(attrs), self._locator.getLineNumber())
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name):  # noqa: N802
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text += content


def parse_tree(data: bytes) -> Node:
    builder = _TreeBuilder()
    try:
        parseString(data, builder)
    except SAXParseException as exc:
        raise FormatError(
            _("第 %(line)d 行：XML 格式错误：%(error)s")
            % {"line": exc.getLineNumber(), "error": exc.getMessage()}
        ) from exc
    if builder.root is None or builder.root.tag != "quiz":
        raise FormatError(_("不是 Moodle XML 题目文件：根元素应为 <quiz>。"))
    return builder.root


def _images(node: Node | None) -> dict[str, bytes]:
    images = {}
    for file in node.findall("file") if node is not None else []:
        try:
            images[file.attrs.get("name", "")] = base64.b64decode(file.text, validate=False)
        except (binascii.Error, ValueError):
            continue
    return images


def _answer_word(answer: Node) -> str:
    node = answer.find("text")
    return node.text.strip().lower() if node is not None else ""


def _is_html(node: Node | None) -> bool:
    return node is not None and node.attrs.get("format", "html") == "html"


def read(data: bytes) -> ParsedFile:
    root = parse_tree(data)
    result = ParsedFile()
    category: tuple[str, ...] = ()
    for element in root.findall("question"):
        kind = element.attrs.get("type", "")
        if kind == "category":
            category = _category_path(element.text_of("category"))
            continue
        _read_question(element, kind, category, result)
    return result


def _read_question(element: Node, kind: str, category, result: ParsedFile) -> None:
    line = element.line
    text_node = element.find("questiontext")
    stem = element.text_of("questiontext")
    if kind not in ("multichoice", "truefalse", "essay"):
        result.skipped.append(
            LineError(line, _("题型 %(type)s 本系统不支持，未导入。") % {"type": kind or "?"})
        )
        return
    if not stem:
        result.errors.append(LineError(line, _("题干为空。")))
        return
    if not _is_html(text_node):
        stem = text_to_html(stem)
    explanation = element.text_of("generalfeedback")
    if explanation and not _is_html(element.find("generalfeedback")):
        explanation = text_to_html(explanation)
    question = ParsedQuestion(
        line=line,
        type="",
        name=element.text_of("name"),
        stem=stem,
        explanation=explanation,
        category=category,
        images=_images(text_node),
    )
    grade = element.text_of("defaultgrade")
    try:
        if grade:
            question.score = Decimal(grade)
        answers = [(Decimal(a.attrs.get("fraction", "0")), a) for a in element.findall("answer")]
    except InvalidOperation:
        result.errors.append(LineError(line, _("分值或 fraction 不是数字。")))
        return
    if kind == "essay":
        question.type = QuestionType.CASE_ESSAY
        question.model_answer = element.text_of("graderinfo")
    elif kind == "truefalse":
        right = [a for fraction, a in answers if fraction >= 100]
        if len(answers) != 2 or len(right) != 1:
            result.errors.append(
                LineError(line, _("判断题应有 true 和 false 两个答案，其中一个为 100 分。"))
            )
            return
        is_true = _answer_word(right[0]) == "true"
        feedback = {_answer_word(a): plain(a.text_of("feedback")) for _f, a in answers}
        question.type = QuestionType.TRUE_FALSE
        question.options = [
            ParsedOption("A", "正确", is_true, feedback=feedback.get("true", "")),
            ParsedOption("B", "错误", not is_true, feedback=feedback.get("false", "")),
        ]
    else:
        single = element.text_of("single").lower() in ("true", "1")
        if len(answers) > len(OPTION_KEYS):
            result.errors.append(LineError(line, _("选项太多：最多五个（A 到 E）。")))
            return
        question.type = QuestionType.SINGLE if single else QuestionType.MULTIPLE
        for key, (fraction, answer) in zip(OPTION_KEYS, answers, strict=False):
            text_node = answer.find("text")
            text = text_node.text.strip() if text_node is not None else ""
            question.options.append(
                ParsedOption(
                    key=key,
                    text=plain(text) if _is_html(answer) else text,
                    is_correct=fraction >= 100 if single else fraction > 0,
                    fraction=None if (single and fraction in (0, 100)) else fraction,
                    feedback=plain(answer.text_of("feedback")),
                )
            )
    meta_node = element.find("xuetang")
    if meta_node is not None:
        try:
            _apply_meta(question, json.loads(meta_node.text or "{}"))
        except (TypeError, ValueError, InvalidOperation):
            result.errors.append(LineError(line, _("xuetang 元数据不正确。")))
            return
    tags = element.find("tags")
    if tags is not None and not question.knowledge_points:
        question.knowledge_points = [
            t.text_of("text") or t.text.strip() for t in tags.findall("tag")
        ]
    result.questions.append(question)


def _text(tag: str, value: str, fmt: str = "html", extra: str = "") -> str:
    return f'<{tag} format="{fmt}"><text>{escape(value)}</text>{extra}</{tag}>'


def _files(images: dict[str, bytes]) -> str:
    return "".join(
        f'<file name={quoteattr(name)} path="/" encoding="base64">'
        f"{base64.b64encode(content).decode()}</file>"
        for name, content in images.items()
    )


def _question_xml(question, stem: str, images: dict[str, bytes]) -> str:
    kind = {
        QuestionType.SINGLE: "multichoice",
        QuestionType.MULTIPLE: "multichoice",
        QuestionType.TRUE_FALSE: "truefalse",
        QuestionType.CASE_ESSAY: "essay",
    }[question.type]
    parts = [
        f'<question type="{kind}">',
        f"<name><text>{escape(question.name)}</text></name>",
        _text("questiontext", stem, extra=_files(images)),
        _text("generalfeedback", question.explanation),
        f"<defaultgrade>{question.score}</defaultgrade>",
        f"<xuetang>{escape(json.dumps(meta_of(question), ensure_ascii=False))}</xuetang>",
    ]
    options = list(question.options.all())
    if question.type == QuestionType.TRUE_FALSE:
        right = next(o for o in options if o.is_correct)
        by_key = {o.key: o for o in options}
        for key, word in (("A", "true"), ("B", "false")):
            option = by_key[key]
            fraction = 100 if option is right else 0
            parts.append(
                f'<answer fraction="{fraction}" format="moodle_auto_format"><text>{word}</text>'
                + _text("feedback", option.feedback, "plain_text")
                + "</answer>"
            )
    elif question.type == QuestionType.CASE_ESSAY:
        points = "".join(
            f"<p>{escape(p)}</p>" for p in question.marking_points.splitlines() if p.strip()
        )
        parts.append("<responseformat>editor</responseformat>")
        parts.append(_text("graderinfo", question.model_answer + points))
    else:
        single = question.type == QuestionType.SINGLE
        right = sum(1 for o in options if o.is_correct)
        parts.append(f"<single>{'true' if single else 'false'}</single>")
        parts.append("<shuffleanswers>true</shuffleanswers><answernumbering>ABCD</answernumbering>")
        for option in options:
            fraction = option.fraction
            if fraction is None:
                share = (
                    Decimal(100) if single else (Decimal(100) / right).quantize(Decimal("0.00001"))
                )
                fraction = share if option.is_correct else Decimal(0)
            parts.append(
                f'<answer fraction="{fraction_text(Decimal(fraction))}" format="plain_text">'
                f"<text>{escape(option.text)}</text>"
                + _text("feedback", option.feedback, "plain_text")
                + "</answer>"
            )
    points = [item.tag.name for item in question.tagged_items.all()]
    if points:
        parts.append(
            "<tags>" + "".join(f"<tag><text>{escape(p)}</text></tag>" for p in points) + "</tags>"
        )
    parts.append("</question>")
    return "\n".join(parts)


#: The types Moodle XML can hold here (a case with sub-questions it cannot).
TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE}
TYPES.add(QuestionType.CASE_ESSAY)
NAME = "Moodle XML"


def write(groups, embed=None) -> bytes:
    """``embed(html) -> (html, {name: bytes})`` swaps stored images for embedded files."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    for path, questions in groups:
        names = "/".join(name.replace("/", "//") for name in path)
        out.append(
            '<question type="category"><category><text>'
            + escape("$course$/top" + (f"/{names}" if names else ""))
            + "</text></category></question>"
        )
        for question in questions:
            stem, images = embed(question.stem) if embed else (question.stem, {})
            out.append(_question_xml(question, stem, images))
    out.append("</quiz>")
    return ("\n".join(out) + "\n").encode()
