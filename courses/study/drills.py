"""Drills (模拟演练) that a learner works through: choices recorded, scored, then explained.

A drill is worth something only if the learner commits to a course of action before seeing
what the lecturer recommends; so the page and the API carry the choices' texts only, and a
step's feedback and recommended choice come back once the learner has chosen at that step.
Steps are taken in order, the first choice at each counts, and the score is the share of
steps where it was a recommended one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from courses.models import DrillChoice, LessonPage
from learning.models import User


class DrillError(ValueError):
    """Not a drill step of this lesson, or not the step the learner is at."""


@dataclass
class StepResult:
    number: int
    situation: str
    choices: list[dict]
    #: Index of the learner's choice, None while not chosen.
    chosen: int | None = None

    @property
    def chosen_recommended(self) -> bool:
        return self.chosen is not None and self.choices[self.chosen]["recommended"]

    def as_dict(self) -> dict:
        """The step as the learner may see it now: feedback only after choosing."""
        shown = {"step": self.number, "situation": self.situation, "chosen": self.chosen}
        if self.chosen is None:
            shown["choices"] = [{"index": i, "text": c["text"]} for i, c in enumerate(self.choices)]
        else:
            shown["choices"] = [
                {"index": i, **choice, "chosen": i == self.chosen}
                for i, choice in enumerate(self.choices)
            ]
            shown["chosen_recommended"] = self.chosen_recommended
        return shown


@dataclass
class DrillState:
    block_id: str
    title: str
    steps: list[StepResult] = field(default_factory=list)
    debrief: str = ""

    @property
    def answered(self) -> int:
        return sum(step.chosen is not None for step in self.steps)

    @property
    def finished(self) -> bool:
        return self.answered == len(self.steps)

    @property
    def score(self) -> int:
        return sum(step.chosen_recommended for step in self.steps)

    @property
    def later(self) -> int:
        """Steps after the current one, still hidden."""
        return max(0, len(self.steps) - self.answered - 1)

    @property
    def current(self) -> StepResult | None:
        """The first step not chosen yet: the one the learner is at."""
        return next((step for step in self.steps if step.chosen is None), None)

    def as_dict(self) -> dict:
        shown = {
            "block_id": self.block_id,
            "title": self.title,
            "steps": [step.as_dict() for step in self.steps[: self.answered + 1]],
            "step_count": len(self.steps),
            "answered": self.answered,
            "finished": self.finished,
        }
        if self.finished:
            shown["score"] = self.score
            shown["debrief"] = self.debrief
        return shown


def _drill_blocks(lesson: LessonPage) -> dict[str, object]:
    return {block.id: block.value for block in lesson.body if block.block_type == "drill"}


def drill_states(*, learner: User | None, lesson: LessonPage) -> dict[str, DrillState]:
    """Every drill of the lesson with the learner's choices (one query; none when anonymous)."""
    blocks = _drill_blocks(lesson)
    if not blocks:
        return {}
    chosen: dict[tuple[str, int], int] = {}
    if learner is not None and learner.is_authenticated:
        chosen = {
            (block_id, step): choice
            for block_id, step, choice in DrillChoice.objects.filter(
                learner=learner, lesson=lesson
            ).values_list("block_id", "step", "choice")
        }
    states = {}
    for block_id, value in blocks.items():
        steps = []
        for number, step in enumerate(value["steps"], start=1):
            choices = [
                {
                    "text": choice["text"],
                    "feedback": choice["feedback"],
                    "recommended": bool(choice["recommended"]),
                }
                for choice in step["choices"]
            ]
            steps.append(
                StepResult(number, step["situation"], choices, chosen.get((block_id, number)))
            )
        states[block_id] = DrillState(block_id, value["title"], steps, value["debrief"] or "")
    return states


def choose(
    *, learner: User, lesson: LessonPage, block_id: str, step: int, choice: int
) -> DrillState:
    """Record the learner's choice at a step and return the drill as they may now see it.

    Choosing again at a step already taken returns the drill unchanged (the first choice
    stands); a later step than the current one is refused.
    """
    state = drill_states(learner=learner, lesson=lesson).get(block_id)
    if state is None:
        raise DrillError(_("本课时没有这个模拟演练。"))
    if not 1 <= step <= len(state.steps):
        raise DrillError(_("演练没有这一步。"))
    target = state.steps[step - 1]
    if target.chosen is not None:
        return state
    if state.current is not target:
        raise DrillError(_("请按顺序完成演练的每一步。"))
    if not 0 <= choice < len(target.choices):
        raise DrillError(_("请选择一个做法。"))
    try:
        with transaction.atomic():
            DrillChoice.objects.create(
                learner=learner,
                lesson=lesson,
                block_id=block_id,
                step=step,
                choice=choice,
                recommended=target.choices[choice]["recommended"],
            )
    except IntegrityError:  # a parallel first choice at this step won: that one stands
        return drill_states(learner=learner, lesson=lesson)[block_id]
    target.chosen = choice
    return state
