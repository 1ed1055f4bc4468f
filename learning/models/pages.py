from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from learning.platform.page_cache import PublicPageCacheMixin


class HomePage(PublicPageCacheMixin, Page):
    """The site's root: a welcome for visitors and the study dashboard for learners."""

    intro = models.CharField(_("导语"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        from learning.site.home_panels import panels_for

        context = super().get_context(request, *args, **kwargs)
        context["panels"] = panels_for(request) if request.user.is_authenticated else []
        return context
