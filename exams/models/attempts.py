"""Attempts at mock exam papers (作答记录): frozen questions, saved answers, grades, marking."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .papers import Paper
from .questions import Question, QuestionVersion


class Attempt(models.Model):
    """One sitting of a paper by a learner.

    Everything the learner is shown is frozen at start (:class:`AttemptQuestion`): the drawn
    questions, their versions and option order, so reloading shows the same paper and later
    edits by authors never change it. ``deadline`` is server time; the client only displays it.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("作答中")
        #: Submitted; a lecturer still has to mark the case essays (待阅卷).
        MARKING = "marking", _("待阅卷")
        FINISHED = "finished", _("已完成")

    class Ending(models.TextChoices):
        SUBMITTED = "submitted", _("交卷")
        TIMED_OUT = "timed_out", _("超时自动交卷")

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="attempts")
    # Indexed by the indexes below, which start with it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exam_attempts",
        db_index=False,
    )
    number = models.PositiveSmallIntegerField(_("第几次"), default=1)
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.IN_PROGRESS
    )
    #: Seeds the draw and the shuffles, so an attempt can be reproduced when audited.
    seed = models.BigIntegerField()
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    ended_by = models.CharField(_("结束方式"), max_length=10, choices=Ending.choices, blank=True)
    finished_at = models.DateTimeField(_("出分时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, default=0)
    passed = models.BooleanField(_("及格"), null=True, blank=True)

    class Meta:
        verbose_name = _("模拟考试作答")
        verbose_name_plural = _("模拟考试作答")
        ordering = ["-started_at"]
        constraints = [
            # At most one unfinished attempt per learner and paper; starting again returns it.
            models.UniqueConstraint(
                fields=["paper", "learner"],
                condition=Q(state="in_progress"),
                name="one_open_attempt_per_paper",
            )
        ]
        indexes = [
            # Overdue attempts to finish; a submit takes its attempt out of it.
            models.Index(
                fields=["deadline"], name="attempt_open_deadline", condition=Q(state="in_progress")
            ),
            models.Index(fields=["learner", "paper"]),
            # Coverage reports ask of every learner whether they sat and passed a mock exam.
            models.Index(fields=["learner", "state", "passed"], name="attempt_learner_outcome"),
        ]
        permissions = [("mark_attempt", _("可阅卷（案例问答评分）"))]

    def __str__(self) -> str:
        return f"{self.paper} · {self.learner} #{self.number}"


class AttemptQuestion(models.Model):
    """A question as frozen into an attempt, with the learner's answer and its grade.

    ``option_order`` holds the original option keys in the order shown (shown keys are
    relabelled A, B, C...); for a case analysis it maps each sub-question id to such a list.
    ``answer`` is stored in the question's original keys, so statistics need no mapping.
    """

    # Indexed by the unique constraints, which start with it (see Meta.indexes).
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    # No index of its own: a start writes 80 rows, and an index by question puts each of them
    # on another page of it (on SQLite half of a start's INSERT: 2.1 against 1.0 ms of CPU,
    # bench/RESULTS.md "Session 7: start"). The readers by question go through the
    # learner's attempts and the (attempt, question) constraint (the review policy), or the
    # partial index of graded rows (statistics); deleting a question scans the table.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Protected through ``question``: the version frozen here is always one of this row's own
    # question, which cannot be deleted while the row exists, and versions are deleted only
    # with their question. Neither an index nor a database constraint, then: every submit
    # rewrites 80 rows and their index entries, and entries spread over the versions cost
    # PostgreSQL a tenth of a submit (bench/RESULTS.md).
    version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    score = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    option_order = models.JSONField(default=list, blank=True)
    answer = models.JSONField(_("作答"), null=True, blank=True)
    flagged = models.BooleanField(_("标记待查"), default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    awarded = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    correct = models.BooleanField(null=True, blank=True)
    needs_marking = models.BooleanField(_("待阅卷"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅卷人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    marked_at = models.DateTimeField(_("阅卷时间"), null=True, blank=True)
    marker_comment = models.TextField(_("评语"), blank=True)
    #: Marking point (答题要点) index -> points given for it, as the lecturer entered them.
    marking_breakdown = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("作答题目")
        verbose_name_plural = _("作答题目")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_attempt_question_position"
            ),
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_attempt_question"),
        ]
        # A submit rewrites 80 rows and every index entry of each (a grade changes the indexed
        # ``correct``): no index beyond what queries use, and partial ones where only a few
        # rows matter (essays to mark, their markers).
        indexes = [
            models.Index(
                fields=["attempt"], name="attemptq_to_mark", condition=models.Q(needs_marking=True)
            ),
            models.Index(
                fields=["marked_by"],
                name="attemptq_marked_by",
                condition=models.Q(marked_by__isnull=False),
            ),
            # Mock accuracy per question (organisers' weakest points) without reading the rows.
            # Graded items only: questions of attempts in progress stay out of it, so a submit
            # adds its 80 entries instead of moving them, about half the pages it writes.
            models.Index(
                fields=["question", "correct"],
                name="attemptq_graded_right",
                condition=models.Q(correct__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"
