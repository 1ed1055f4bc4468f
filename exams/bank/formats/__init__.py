"""Question file formats: Moodle GIFT, Moodle XML and Excel.

Each format module has ``read(data: bytes) -> ParsedFile`` and ``write(questions, root) ->
(bytes, skipped)``. Readers never touch the database: they return plain
:class:`ParsedQuestion` records (with the line or row they came from) and the errors they
found; ``exams.bank.importing`` validates and saves them all or nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.translation import gettext as _


@dataclass
class ParsedOption:
    key: str
    text: str
    is_correct: bool
    fraction: Decimal | None = None
    feedback: str = ""


@dataclass
class ParsedQuestion:
    """One question read from a file, before validation. ``line`` is its line or row number."""

    line: int
    type: str
    stem: str
    name: str = ""
    options: list[ParsedOption] = field(default_factory=list)
    explanation: str = ""
    model_answer: str = ""
    marking_points: str = ""
    category: tuple[str, ...] = ()
    difficulty: int = 3
    subject: str = ""
    level: str = ""
    chapter: str = ""
    knowledge_points: list[str] = field(default_factory=list)
    source: str = ""
    score: Decimal | None = None
    valid_as_of: str = ""
    is_outdated: bool = False
    #: Embedded images: file name -> bytes, referenced from the stem as ``@@PLUGINFILE@@/name``.
    images: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class LineError:
    line: int
    message: str
    row_word: str = "行"

    def __str__(self) -> str:
        return _("第 %(line)d %(word)s：%(message)s") % {
            "line": self.line,
            "word": self.row_word,
            "message": self.message,
        }


@dataclass
class ParsedFile:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    #: Questions of types this project cannot hold (Moodle short answer, matching…): reported.
    skipped: list[LineError] = field(default_factory=list)


class FormatError(Exception):
    """The file cannot be read in this format at all."""


_SIMPLE_HTML = re.compile(r"^(<p>[^<>]*(<br/?>[^<>]*)*</p>)+$")


def text_to_html(text: str) -> str:
    """Plain text as rich text: blank lines separate paragraphs, single newlines break."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def html_to_text(value: str) -> str | None:
    """Rich text that is only paragraphs and line breaks as plain text; None otherwise."""
    if not value:
        return ""
    if not _SIMPLE_HTML.match(value):
        return None
    paragraphs = re.findall(r"<p>(.*?)</p>", value)
    return "\n\n".join(
        html.unescape(re.sub(r"<br/?>", "\n", paragraph)) for paragraph in paragraphs
    )


def markdown_to_html(text: str) -> str:
    """The little Markdown question writers use: paragraphs, **bold**, *italic*, `code`."""
    result = text_to_html(text)
    result = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", result)
    result = re.sub(r"\*(.+?)\*", r"<i>\1</i>", result)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", result)


def plain(value: str) -> str:
    """Option text from an HTML answer: tags dropped, entities decoded."""
    return html.unescape(strip_tags(value)).strip()


def split_points(value: str) -> list[str]:
    """Knowledge points from a cell: separated by commas, 、 or semicolons."""
    return [p.strip() for p in re.split(r"[,，、;；]", value or "") if p.strip()]


def fraction_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
