from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointAction(models.TextChoices):
    """What earns points (积分). Each has one organiser-editable ``PointRule``."""

    DAILY_LOGIN = "daily_login", _("每日登录")
    LESSON_COMPLETED = "lesson_completed", _("完成课时")
    COURSE_COMPLETED = "course_completed", _("完成课程")
    PRACTICE_CORRECT = "practice_correct", _("练习答对")
    DAILY_PRACTICE_DONE = "daily_practice_done", _("完成每日一练")
    MOCK_EXAM_FINISHED = "mock_exam_finished", _("完成模拟考试")
    MOCK_EXAM_PASSED = "mock_exam_passed", _("模拟考试及格")
    MOCK_EXAM_SCORE_BAND = "mock_exam_score_band", _("模拟考试高分")
    SESSION_ATTENDED = "session_attended", _("参加线下培训")
    STREAK_BONUS = "streak_bonus", _("连续学习奖励")
    MANUAL_ADJUSTMENT = "manual_adjustment", _("人工调整")


class PointRule(models.Model):
    """How many points an action earns and how many it may earn per day (0 = no cap)."""

    action = models.CharField(_("行为"), max_length=32, choices=PointAction.choices, unique=True)
    points = models.IntegerField(_("分值"))
    daily_cap = models.PositiveIntegerField(
        _("每日上限"), default=0, help_text=_("该行为每天最多可得的积分，0 表示不设上限。")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["action"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.points}"


class LedgerEntry(models.Model):
    """One award of points, never edited or deleted (the ledger is append-only).

    ``key`` makes an award idempotent: the same learner, action, object and period can be
    awarded only once, whatever retries or double clicks happen.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    action = models.CharField(_("行为"), max_length=32, choices=PointAction.choices)
    points = models.IntegerField(_("积分"))
    key = models.CharField(max_length=200, unique=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        indexes = [models.Index(fields=["learner", "action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.action} {self.points:+d}"
