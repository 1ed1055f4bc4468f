"""How practice pages show a question's difficulty and its answer key to a learner.

Difficulty is stored as 1 to 5; "难度 2" tells a candidate nothing, so it is shown in words
with stars. A true/false key is stored as the option key (A or B); it is shown as the option's
own text, 正确 or 错误, never as "正确答案：A".
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from exams.models import QuestionType

register = template.Library()

DIFFICULTY_WORDS = {
    1: _("容易"),
    2: _("较易"),
    3: _("中等"),
    4: _("较难"),
    5: _("很难"),
}


@register.filter
def difficulty_words(value) -> str:
    """1..5 as 容易 … 很难."""
    try:
        return str(DIFFICULTY_WORDS[int(value)])
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def difficulty_stars(value) -> str:
    """1..5 as ★★☆☆☆."""
    try:
        filled = max(1, min(5, int(value)))
    except (TypeError, ValueError):
        return ""
    return "★" * filled + "☆" * (5 - filled)


@register.simple_tag
def key_text(item, keys) -> str:
    """The key of a question (or sub-question) as the learner reads it: the options' own
    texts for a true/false question, the option letters joined with 、 otherwise."""
    keys = list(keys or [])
    if item.type == QuestionType.TRUE_FALSE:
        texts = {option.key: option.text for option in item.options.all()}
        return str(_("、")).join(texts.get(key, key) for key in keys)
    return str(_("、")).join(keys)
