"""Writing questions: the admin, the demo and the tests create questions through here."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from exams.models import OPTION_KEYS, Option, Question, QuestionBank, QuestionType, option_errors

#: A true/false question's two options (判断题: 正确/错误).
TRUE_FALSE_TEXTS = ("正确", "错误")


def true_false_options(answer: bool) -> list[tuple[str, bool]]:
    return [(TRUE_FALSE_TEXTS[0], answer), (TRUE_FALSE_TEXTS[1], not answer)]


@transaction.atomic
def create_question(
    *,
    bank: QuestionBank,
    type: str,  # noqa: A002 (the domain's word)
    stem: str,
    options: Iterable[tuple] = (),
    knowledge_points: Iterable[str] = (),
    parent: Question | None = None,
    **fields,
) -> Question:
    """Create a validated question. ``options`` are ``(text, is_correct[, feedback])`` in
    order, lettered A–E; ``fields`` are any other model fields (explanation, chapter…)."""
    options = list(options)
    errors = option_errors(
        type, [(key, o[1]) for key, o in zip(OPTION_KEYS, options, strict=False)]
    )
    if len(options) > len(OPTION_KEYS):
        errors.append("最多五个选项。")
    if errors:
        raise ValidationError(errors)
    fields.setdefault("score", Decimal(2) if type == QuestionType.MULTIPLE else Decimal(1))
    question = Question(bank=bank, type=type, stem=stem, parent=parent, **fields)
    question.full_clean(exclude=["knowledge_points"])
    question.save()
    Option.objects.bulk_create(
        Option(
            question=question,
            sort_order=i,
            key=key,
            text=option[0],
            is_correct=option[1],
            feedback=option[2] if len(option) > 2 else "",
        )
        for i, (key, option) in enumerate(zip(OPTION_KEYS, options, strict=False))
    )
    if knowledge_points:
        # A cluster tag manager keeps tags in memory until the question is saved again.
        question.knowledge_points.add(*knowledge_points)
        question.save()
    return question
