from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A counter bumped by every change to what public pages show (see learning.page_cache).

    It lives in the database, not the cache, so that a change made on one web node invalidates
    the cached pages of every node at once, whatever the cache backend (a per-process LocMemCache
    included): reading it is one primary-key query.
    """

    version = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("内容版本")
        verbose_name_plural = _("内容版本")

    def __str__(self) -> str:
        return str(self.version)
