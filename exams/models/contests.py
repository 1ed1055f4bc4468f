"""Registrations for contest papers (模考大赛报名)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .papers import Paper


class ContestRegistration(models.Model):
    """A learner signed up for a contest paper: who is reminded, and who may start it.

    One row per learner and paper (a unique constraint), so registering twice, or two
    requests at once, leave one registration.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="registrations")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_registrations"
    )
    registered_at = models.DateTimeField(_("报名时间"))

    class Meta:
        verbose_name = _("模考大赛报名")
        verbose_name_plural = _("模考大赛报名")
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "learner"], name="one_registration_per_contest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}:{self.learner_id}"
