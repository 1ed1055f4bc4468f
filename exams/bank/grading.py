"""Grading answers against a frozen question snapshot, following the real exam's rules.

社会工作者职业水平考试: single choice scores its points when right. Multiple choice (2 points,
at least two right options): choosing any wrong option scores 0; otherwise each right option
chosen scores 0.5, i.e. a quarter of the question's score (错选不得分，少选每个正确选项得
0.5 分), and choosing exactly all the right ones scores the full 2 points. Some mock papers
use all-or-nothing instead (``MultipleChoiceRule.ALL_OR_NOTHING``). True/false is right or
wrong. A case analysis scores the sum of its choice sub-questions; a case essay is marked by a
lecturer, so it has no automatic score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.exam_spec.blueprints import MULTIPLE_PER_RIGHT_OPTION, MULTIPLE_SCORE
from exams.models import QuestionType


class MultipleChoiceRule(models.TextChoices):
    PARTIAL = "partial", gettext_lazy("错选不得分，少选每个正确选项得四分之一")
    ALL_OR_NOTHING = "all_or_nothing", gettext_lazy("全对才得分")


#: Share of a multiple-choice question's score each right option earns when some are missing:
#: 0.5 of the real paper's 2 points (exams.exam_spec.blueprints), on any score a paper sets.
PARTIAL_SHARE_PER_OPTION = MULTIPLE_PER_RIGHT_OPTION / MULTIPLE_SCORE

#: What answers to true/false may also be sent as.
TRUE_FALSE_ALIASES = {"T": "A", "TRUE": "A", "正确": "A", "对": "A", "F": "B", "FALSE": "B"}
TRUE_FALSE_ALIASES.update({"错误": "B", "错": "B"})


class InvalidAnswer(ValueError):
    """The answer cannot belong to this question (unknown option, wrong shape)."""


@dataclass
class Grade:
    awarded: Decimal | None
    max_score: Decimal
    correct: bool | None
    answer: list[str] | dict | str
    needs_marking: bool = False
    parts: dict[str, Grade] = field(default_factory=dict)


def default_rule() -> str:
    return getattr(settings, "EXAMS_MULTIPLE_CHOICE_RULE", MultipleChoiceRule.PARTIAL)


def correct_keys(snapshot: dict) -> list[str]:
    return [o["key"] for o in snapshot["options"] if o["is_correct"]]


def correct_answer(snapshot: dict) -> list[str] | dict | str:
    """The answer key in the same shape learners answer in."""
    if snapshot["type"] == QuestionType.CASE_ANALYSIS:
        return {str(sub["id"]): correct_keys(sub) for sub in snapshot["sub_questions"]}
    if snapshot["type"] == QuestionType.CASE_ESSAY:
        return snapshot.get("model_answer", "")
    return correct_keys(snapshot)


def normalise_answer(snapshot: dict, raw) -> list[str] | dict | str:
    """Turn what a client sent into the canonical answer shape, or raise :class:`InvalidAnswer`.

    Choices: ``"A"``, ``"A,C"``, ``"AC"`` or ``["A", "C"]`` -> ``["A", "C"]``; true/false also
    accepts T/F/true/false. Case analysis: ``{"<sub question id>": <choice answer>}``. Case
    essay: text.
    """
    kind = snapshot["type"]
    if kind == QuestionType.CASE_ESSAY:
        if not isinstance(raw, str):
            raise InvalidAnswer(_("案例问答题请填写文字答案。"))
        return raw.strip()
    if kind == QuestionType.CASE_ANALYSIS:
        if not isinstance(raw, dict):
            raise InvalidAnswer(_("案例分析题的答案应按小题给出。"))
        subs = {str(sub["id"]): sub for sub in snapshot["sub_questions"]}
        unknown = set(map(str, raw)) - set(subs)
        if unknown:
            raise InvalidAnswer(_("没有这个小题：%(ids)s") % {"ids": ", ".join(sorted(unknown))})
        return {str(k): normalise_answer(subs[str(k)], v) for k, v in raw.items()}
    keys = _keys_from(raw, kind)
    valid = {o["key"] for o in snapshot["options"]}
    unknown = [key for key in keys if key not in valid]
    if unknown:
        raise InvalidAnswer(_("没有这个选项：%(keys)s") % {"keys": ", ".join(unknown)})
    if kind in (QuestionType.SINGLE, QuestionType.TRUE_FALSE) and len(keys) > 1:
        raise InvalidAnswer(_("这道题只能选一个选项。"))
    return keys


def _keys_from(raw, kind: str) -> list[str]:
    if isinstance(raw, bool) and kind == QuestionType.TRUE_FALSE:
        return ["A" if raw else "B"]
    if isinstance(raw, str):
        text = raw.strip().upper()
        if kind == QuestionType.TRUE_FALSE and text in TRUE_FALSE_ALIASES:
            return [TRUE_FALSE_ALIASES[text]]
        parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p]
        if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha() and parts[0].isascii():
            parts = list(parts[0])
        raw = parts
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        raise InvalidAnswer(_("答案格式不正确，应为选项字母。"))
    keys = [k.strip().upper() for k in raw]
    if kind == QuestionType.TRUE_FALSE:
        keys = [TRUE_FALSE_ALIASES.get(k, k) for k in keys]
    return sorted(set(keys))


def grade(
    snapshot: dict,
    raw_answer,
    *,
    score: Decimal | None = None,
    rule: str | None = None,
) -> Grade:
    """Grade ``raw_answer`` against ``snapshot``; ``score`` overrides the question's points.

    Raises :class:`InvalidAnswer` when the answer cannot belong to the question.
    """
    answer = normalise_answer(snapshot, raw_answer)
    max_score = Decimal(snapshot["score"]) if score is None else Decimal(score)
    kind = snapshot["type"]
    if kind == QuestionType.CASE_ESSAY:
        return Grade(None, max_score, None, answer, needs_marking=True)
    if kind == QuestionType.CASE_ANALYSIS:
        subs = snapshot["sub_questions"]
        total_sub_score = sum((Decimal(sub["score"]) for sub in subs), start=Decimal(0))
        ratio = max_score / total_sub_score if total_sub_score else Decimal(0)
        parts = {
            str(sub["id"]): grade(
                sub,
                answer.get(str(sub["id"]), []),
                score=Decimal(sub["score"]) * ratio,
                rule=rule,
            )
            for sub in subs
        }
        awarded = sum((p.awarded for p in parts.values()), start=Decimal(0))
        correct = all(p.correct for p in parts.values())
        return Grade(awarded, max_score, correct, answer, parts=parts)
    right = set(correct_keys(snapshot))
    chosen = set(answer)
    correct = chosen == right
    if correct:
        return Grade(max_score, max_score, True, answer)
    if (
        kind == QuestionType.MULTIPLE
        and (rule or default_rule()) == MultipleChoiceRule.PARTIAL
        and chosen
        and chosen < right
    ):
        awarded = min(max_score * PARTIAL_SHARE_PER_OPTION * len(chosen), max_score)
        return Grade(awarded, max_score, False, answer)
    return Grade(Decimal(0), max_score, False, answer)
