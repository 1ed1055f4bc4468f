"""Rows every installation needs, kept present after each ``migrate`` (and ``flush``).

Run from ``post_migrate`` rather than data migrations because ``flush`` (and so every
transactional test) empties tables but re-sends ``post_migrate``, and because permissions
only exist once ``post_migrate`` has run.
"""

from __future__ import annotations

from django.conf import settings

from learning.accounts.roles import ensure_roles
from learning.points.default_rules import DEFAULT_RULES


def ensure_point_rules() -> None:
    from learning.models import PointRule

    existing = set(PointRule.objects.values_list("action", flat=True))
    PointRule.objects.bulk_create(
        PointRule(action=action, points=points, daily_cap=cap)
        for action, (points, cap) in DEFAULT_RULES.items()
        if action not in existing
    )


def ensure_page_tree_root() -> None:
    """Wagtail's migrations create the default locale, the page tree's root and the root
    collection (where uploads go; without it nobody may upload an image); restore them."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        # After a flush the content types were recreated with new ids; drop stale ones.
        ContentType.objects.clear_cache()
        Page.add_root(title="Root", slug="root", locale=locale)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


def ensure_baseline(using: str = "default", **kwargs) -> None:
    ensure_point_rules()
    ensure_page_tree_root()
    ensure_roles()
