"""The Wagtail site and its home page, created once for a new database."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from learning.models import HomePage


@transaction.atomic
def ensure_home_page() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's default "Welcome" page occupies the slug and has no content of ours.
        Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title=_("社工学堂"),
                slug="home",
                intro=_("社区工作者职业水平考试备考学习平台"),
            )
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "社工学堂"},
    )
    return home
