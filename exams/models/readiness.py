"""Calibration results (题目标定) and each learner's readiness estimate (备考评估)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .questions import Level, Question, Subject


class ItemCalibration(models.Model):
    """A question's fitted difficulty and discrimination on the logit scale.

    Written by the nightly calibration; a question without a row falls back to a prior from
    its stated difficulty (see ``exams.readiness.irt.stated_difficulty_prior``).
    """

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, related_name="calibration", primary_key=True
    )
    difficulty = models.FloatField(_("标定难度"))
    discrimination = models.FloatField(_("标定区分度"), default=1.0)
    answers = models.PositiveIntegerField(_("作答数"), default=0)
    fitted_at = models.DateTimeField(_("标定时间"))

    class Meta:
        verbose_name = _("题目标定")
        verbose_name_plural = _("题目标定")

    def __str__(self) -> str:
        return f"{self.question_id}: b={self.difficulty:.2f} a={self.discrimination:.2f}"


class LearnerReadiness(models.Model):
    """A learner's ability in one subject and their probability of passing its real paper."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness"
    )
    subject = models.CharField(_("科目"), max_length=16, choices=Subject.choices)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    ability = models.FloatField(_("能力值"))
    ability_se = models.FloatField(_("标准误"))
    answers_used = models.PositiveIntegerField(_("作答数"))
    pass_probability = models.FloatField(_("通过概率"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("备考评估")
        verbose_name_plural = _("备考评估")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "subject", "level"], name="one_readiness_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.level} {self.subject}: {self.pass_probability}"
