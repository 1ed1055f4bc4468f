"""The syllabus (考试大纲) of every subject, read from the data modules beside this one.

``syllabus_junior`` and ``syllabus_intermediate`` each hold ``SYLLABUS = {(level, subject):
[{"chapter", "weight", "knowledge_points": [...]}, ...]}`` with their sources in their own
docstrings. A module that is not there yet simply contributes nothing: the bank check then
has no syllabus to hold that subject's questions to, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import import_module

MODULES = ("exams.exam_spec.syllabus_junior", "exams.exam_spec.syllabus_intermediate")


@dataclass(frozen=True)
class Chapter:
    name: str
    weight: Decimal
    knowledge_points: tuple[str, ...]


def parse(raw: dict) -> dict[tuple[str, str], list[Chapter]]:
    """A data module's ``SYLLABUS`` as :class:`Chapter` lists."""
    return {
        tuple(key): [
            Chapter(
                name=chapter["chapter"],
                weight=Decimal(str(chapter["weight"])),
                knowledge_points=tuple(chapter["knowledge_points"]),
            )
            for chapter in chapters
        ]
        for key, chapters in raw.items()
    }


def _load(module_names: tuple[str, ...]) -> dict[tuple[str, str], list[Chapter]]:
    found: dict[tuple[str, str], list[Chapter]] = {}
    for name in module_names:
        try:
            module = import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise  # the module is there but imports something that is not
            continue
        found.update(parse(getattr(module, "SYLLABUS", {})))
    return found


@cache
def syllabus() -> dict[tuple[str, str], list[Chapter]]:
    """Every subject's chapters, keyed by (level, subject)."""
    return _load(MODULES)


def chapters_of(level: str, subject: str) -> list[Chapter]:
    return syllabus().get((level, subject), [])


def chapter_weights(level: str, subject: str) -> dict[str, Decimal]:
    """Chapter name -> weight, for spreading a paper's questions over the syllabus."""
    return {chapter.name: chapter.weight for chapter in chapters_of(level, subject)}
