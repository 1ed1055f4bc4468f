from __future__ import annotations

from datetime import date

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
        permissions = [("adjust_points", _("可人工调整学员积分"))]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.action} {self.points:+d}"


class PointPeriod(models.TextChoices):
    """The leaderboards' periods, in local time (settings.TIME_ZONE)."""

    WEEK = "week", _("本周")
    MONTH = "month", _("本月")
    ALL = "all", _("总榜")


class PointTotal(models.Model):
    """A learner's points in one period: derived from the ledger, kept for fast rankings.

    ``award`` adds to the learner's week, month and all-time rows in the same transaction as
    the ledger row, so a leaderboard is an indexed ``ORDER BY points`` on one period's rows
    instead of a ``SUM`` over the ledger. The learner's county, street and community are
    copied here (and kept in step when a learner moves) so that each scope is an equality
    filter on an index. ``manage.py rebuild_points`` recomputes every row from the ledger.
    """

    #: ``period_start`` of the single all-time row per learner.
    ALL_TIME_START = date(2000, 1, 1)

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_totals"
    )
    period = models.CharField(_("周期"), max_length=5, choices=PointPeriod.choices)
    period_start = models.DateField(_("周期开始"))
    points = models.IntegerField(_("积分"), default=0)
    county = models.ForeignKey(
        "learning.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    street = models.ForeignKey(
        "learning.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.ForeignKey(
        "learning.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("积分合计")
        verbose_name_plural = _("积分合计")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "period", "period_start"], name="pointtotal_one_per_period"
            )
        ]
        indexes = [
            # community too, so "everyone with a community" is answered from the index alone.
            models.Index(
                fields=["period", "period_start", "-points", "learner", "community"],
                name="pt_all",
            ),
            models.Index(
                fields=["period", "period_start", "county", "-points", "learner"], name="pt_county"
            ),
            models.Index(
                fields=["period", "period_start", "street", "-points", "learner"], name="pt_street"
            ),
            models.Index(
                fields=["period", "period_start", "community", "-points", "learner"],
                name="pt_community",
            ),
            # Ranks on the whole-prefecture board count the index entries above the viewer
            # (all 100,000 for the last learner): this narrow partial index holds just what
            # that count reads, about twice as fast on PostgreSQL as pt_all.
            models.Index(
                fields=["period", "period_start", "points"],
                condition=models.Q(community__isnull=False),
                name="pt_rank_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.period} {self.period_start} {self.points}"
