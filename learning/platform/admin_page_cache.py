"""Whole Wagtail admin pages kept rendered per viewer, for pages that change rarely (issue 21).

Why: the organisers' dashboard reads its figures from a snapshot and its body was already
cached, yet a request still cost 60-115 ms, 10 to 25 times the plain baseline view. The
profile (bench/RESULTS.md, session 6) put nearly all of it in Wagtail's admin chrome: the
sidebar (every menu item's permission check, page and collection permission queries, telepath
packing of the props: over half the request), some 60 versioned static URLs, icons and the
admin base templates. None of that changes between two views of the same page by the same
viewer, so the finished page is kept and served with one cache read.

What keeps it correct:

- The key holds everything the page shows of the viewer: their id, names, flags (superuser,
  staff, active), their Wagtail profile (theme, avatar, language, time zone, dismissed hints),
  the active language and time zone, the sidebar's collapsed cookie and the full path, all
  read fresh on every request, and their Django permissions, group ids and organiser scope
  as the admin access check has just read them (``learning.accounts.access``: kept per
  content version, which every change to them bumps). Another organiser, a changed group or
  permission, or another language gets a copy of its own.
- The site's content version (``learning.platform.page_cache``), bumped on every page change, is in
  the key too, and this module adds Wagtail's page and collection permissions to what bumps
  it: the sidebar's page explorer and image/document menus follow those, which are not Django
  permissions of the user.
- The caller adds what its content depends on (the dashboard: scope, snapshot key and time).
- A pending flash message, a non-GET request or a response other than 200 is never stored;
  ``ADMIN_PAGE_CACHE_SECONDS`` (default 300, 0 turns it off) bounds the rest.
- CSRF tokens (the forms' and the one in Wagtail's ``wagtail-config``) are placeholders in
  the stored copy and this browser's own token in each response.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from learning.accounts import access
from learning.platform import page_cache

#: Models whose changes alter some viewer's admin menu without changing their Django
#: permissions; they bump the content version (rare edits: the public page cache starting
#: afresh after one costs little).
PERMISSION_MODELS = (
    "wagtailcore.GroupPagePermission",
    "wagtailcore.GroupCollectionPermission",
    "wagtailcore.Collection",
)
#: Wagtail's ``wagtail_config`` tag calls ``get_token`` itself; its token is found here.
_CONFIG_TOKEN = re.compile(rb'"CSRF_TOKEN": "[A-Za-z0-9]+"')
_CONFIG_PLACEHOLDER = b'"CSRF_TOKEN": "' + page_cache.CSRF_PLACEHOLDER.encode() + b'"'
#: Response header telling whether the copy came from the cache (for tests and operators).
STATUS_HEADER = "X-Admin-Page-Cache"


def seconds() -> int:
    return getattr(settings, "ADMIN_PAGE_CACHE_SECONDS", 300)


def viewer_key(request, *parts: Hashable) -> str | None:
    """The key of this viewer's copy of the page, or None when it must be rendered."""
    user = request.user
    if request.method != "GET" or seconds() <= 0 or not user.is_authenticated:
        return None
    if page_cache.has_pending_messages(request):
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    raw = json.dumps(
        [
            page_cache.request_content_version(request),
            user.pk,
            user.get_username(),
            getattr(user, "name", ""),
            user.first_name,
            user.last_name,
            user.is_superuser,
            user.is_staff,
            user.is_active,
            # Django permissions, group ids and organiser scope (kept per content version).
            access.of(user).digest,
            model_to_dict(profile) if profile is not None else None,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            request.COOKIES.get("wagtail_sidebar_collapsed", "0"),
            request.get_full_path(),
            [str(part) for part in parts],
        ],
        default=str,
        sort_keys=True,
    )
    return f"admin-page:{user.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"


def render(
    request, template_name: str, build_context: Callable[[], dict], *parts: Hashable
) -> HttpResponse:
    """The page from this viewer's stored copy, or rendered (and stored when it may be).

    ``build_context`` is only called on a miss; ``parts`` are what the content depends on
    beyond the viewer (scope, snapshot...).
    """
    key = viewer_key(request, *parts)
    if key is None:
        response = TemplateResponse(request, template_name, build_context())
        response[STATUS_HEADER] = "bypass"
        return response
    stored = cache.get(key)
    if stored is not None:
        return _personalised(request, *stored, hit=True)
    context = {**build_context(), "csrf_token": page_cache.CSRF_PLACEHOLDER}
    response = TemplateResponse(request, template_name, context)
    response.render()
    content, found = _CONFIG_TOKEN.subn(_CONFIG_PLACEHOLDER, response.content)
    # Exactly one config token, else the copy could hold this browser's token: not stored.
    if response.status_code == 200 and found == 1:
        cache.set(key, (content, response["Content-Type"]), seconds())
    else:
        content = response.content
    return _personalised(request, content, response["Content-Type"], hit=False)


def _personalised(request, content: bytes, content_type: str, *, hit: bool) -> HttpResponse:
    response = HttpResponse(page_cache.with_csrf_token(request, content), content_type=content_type)
    response[STATUS_HEADER] = "hit" if hit else "miss"
    return response


def connect() -> None:
    """Wires the invalidation signals (called once from LearningConfig.ready)."""
    page_cache.depends_on(*PERMISSION_MODELS)
