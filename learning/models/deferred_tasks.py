"""Background tasks that could not be queued, kept until the queue takes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeferredTask(models.Model):
    """A task whose broker (Redis) refused it: kept in the database and queued again by
    ``learning.platform.task_queue.retry_deferred`` once the broker answers, so a Redis outage delays
    work (points for a graded attempt, a text message batch) but loses none of it."""

    func = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    kwargs = models.JSONField(_("关键字参数"), default=dict)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    tries = models.PositiveIntegerField(_("重试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待重新排队的任务")
        verbose_name_plural = _("待重新排队的任务")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.func
