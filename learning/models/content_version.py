from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A counter bumped by every change to what public pages show (see learning.platform.page_cache).

    It lives in the database, not the cache, so that a change made on one web node invalidates
    the cached pages of every node at once, whatever the cache backend (a per-process LocMemCache
    included): reading it is one primary-key query. Changes to who may see what (groups,
    permissions, organisers' scopes: ``learning.accounts.access``, Wagtail's page and
    collection permissions: ``learning.platform.admin_page_cache``) bump it too.
    """

    version = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("内容版本")
        verbose_name_plural = _("内容版本")

    def __str__(self) -> str:
        return str(self.version)
