"""Whole responses of public Wagtail pages, cached for anonymous visitors (issue 11).

Why: rendering the catalogue, a course or the lecturer directory costs 10-30 ms (StreamField
blocks, image renditions, lecturer cards), yet a visitor without a session sees exactly what
every other such visitor sees. A stored copy is served with one indexed query, before Wagtail
even routes the path.

What keeps it correct:

- Only GET/HEAD requests without a session, flash-message or Authorization header are served
  from or stored in the cache: anyone logged in, holding a flash message or a passed page
  password gets a fresh render.
- Only pages that opt in (:class:`PublicPageCacheMixin`) are stored, only when the page itself
  rendered the response with status 200 (a privacy restriction's form or redirect never is),
  and only for query strings made of the parameters the page declares (filters, page number).
- The key holds the site's content version (:class:`learning.models.ContentVersion`), bumped in
  the same transaction as every save, move, unpublication or deletion of a page and every change
  to a model that pages show (images, training sessions, view restrictions...; apps add theirs
  with :func:`depends_on`). The next request after a change renders anew, on every worker and
  machine, whatever the cache backend.
- The CSRF token of the page's forms is a placeholder in the stored copy, replaced per request.
- ``PAGE_CACHE_SECONDS`` (default 300, 0 turns the cache off) bounds what changes with time
  alone, such as which training sessions are still upcoming.

Logged-in learners get their own copy of a course or lesson page, keyed on everything it
shows them (see :func:`learner_page_key`); other pages are rendered for them. The routing is
cached for everyone the same way: which page a path leads to on which site, and whether any
view restriction applies to it, are kept under the content version, so serving a course page
to a learner costs one query for the page instead of one per path segment plus two for the
restrictions.

Use: a page model that every anonymous visitor sees alike adds
:class:`PublicPageCacheMixin`; a model whose rows pages show is named with :func:`depends_on`
in its app's ``ready``. Nothing else in domain code touches the cache.
"""

from __future__ import annotations

import copy
import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move
from wagtail.url_routing import RouteResult

from learning.platform.process_memo import ProcessMemo

#: Stands for the CSRF token in stored copies.
CSRF_PLACEHOLDER = "__page_cache_csrf_token__"
_CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
#: Models every public page may show, besides pages themselves.
DEFAULT_DEPENDENCIES = (
    "wagtailimages.Image",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "taggit.Tag",
)
#: Response header telling whether the copy came from the cache (for tests and operators).
STATUS_HEADER = "X-Page-Cache"


class PublicPageCacheMixin:
    """Lets anonymous visitors get this page type from the page cache.

    ``cache_query_params`` lists the query parameters whose every combination may be stored
    (filters, page number); a request with any other parameter (a search, a tracking tag) is
    rendered and not stored.

    A page type that overrides :meth:`learner_page_signature` is also kept per logged-in
    learner (see :func:`learner_page_key`).
    """

    cache_query_params: frozenset[str] = frozenset()

    def learner_page_signature(self, request):
        """Everything this page shows the logged-in viewer beyond its content (their progress
        on it, say), as a hashable value; None renders the page every time."""
        return None

    def serve(self, request, *args, **kwargs):
        if getattr(request, "page_cache_key", None) and set(request.GET) <= self.cache_query_params:
            request.page_cache_storable = True
            return super().serve(request, *args, **kwargs)
        key = learner_page_key(self, request)
        if key is None:
            return super().serve(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            return _personalised(request, *stored, hit=True)
        request.page_cache_storable = True
        return _keep(request, super().serve(request, *args, **kwargs), key)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "page_cache_storable", False):
            context["csrf_token"] = CSRF_PLACEHOLDER
        return context

    def get_view_restrictions(self):
        if getattr(self, "_known_unrestricted", False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def request_content_version(request) -> int:
    """The content version, read once per request."""
    version = getattr(request, "_content_version", None)
    if version is None:
        version = request._content_version = content_version()
    return version


def content_version() -> int:
    """The current content version: one primary-key read, no ORM machinery on the hot path."""
    # Measured, ORM against this SQL (ContentVersion.objects.filter(pk=1).values_list(...).first()):
    # SQLite 0.221 against 0.016 ms CPU a call (13.8x), PostgreSQL 0.387 against 0.097 (4.0x);
    # bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 rounds of 200 calls,
    # bench/RESULTS.md "Session 7".
    table = connection.ops.quote_name(_content_version_table())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # noqa: S608 - fixed name
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_content_version(**_signal_kwargs) -> None:
    """Invalidates every cached page (a signal receiver; also callable directly)."""
    from django.db.models import F

    from learning.models import ContentVersion

    versions = ContentVersion.objects.filter(pk=1)
    if not versions.update(version=F("version") + 1):
        # The first change ever (or the row was removed): make the row, then count this change
        # like any other, so that parallel first changes are all counted too.
        ContentVersion.objects.get_or_create(pk=1)
        versions.update(version=F("version") + 1)


def _content_version_table() -> str:
    return apps.get_model("learning", "ContentVersion")._meta.db_table


def shared(name: str, build, *parts, request=None):
    """What every visitor sees alike (a course list for the API, a course's outline...), built
    once per content version: the same invalidation as the page copies, for data instead of HTML.

    ``parts`` (filters, ids...) and the active language are part of the key. With ``request``
    the version is read once per request. Each worker keeps its own copy too
    (``learning.platform.process_memo``), so callers get the same object again: treat it as read-only.
    """
    if seconds() <= 0:
        return build()
    version = request_content_version(request) if request is not None else content_version()
    # Parts may be a visitor's search text: hashed, so any text makes a short, safe key.
    extra = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]
    key = f"shared:{version}:{translation.get_language()}:{name}:{extra}"
    return _SHARED.through_cache(key, build, seconds())


#: ``shared`` values in this worker: a version's course cards, outlines... (each small).
_SHARED = ProcessMemo(max_entries=2000)


def learner_page_key(page, request) -> str | None:
    """The key of a logged-in learner's own copy of ``page``, or None when it must be rendered.

    Why: a learner opens the same course and lesson pages all day, and rendering them costs
    several times what reading their progress does. The key holds the content version, the
    viewer's identity and name (shown in the header), the language, the path and the page's
    :meth:`~PublicPageCacheMixin.learner_page_signature`, read fresh on every request: any
    change to what the page shows makes a new key. A pending flash message, a query string or
    a preview always renders.
    """
    user = request.user
    if request.method not in ("GET", "HEAD") or seconds() <= 0 or not user.is_authenticated:
        return None
    if request.GET or getattr(request, "is_preview", False):
        return None
    if has_pending_messages(request):
        return None
    signature = page.learner_page_signature(request)
    if signature is None:
        return None
    raw = repr(
        (
            request_content_version(request),
            page.pk,
            user.pk,
            user.get_username(),
            getattr(user, "name", ""),
            translation.get_language(),
            request.get_full_path(),
            signature,
        )
    )
    return f"learner-page:{user.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cache_key(request) -> str | None:
    """The key of this request's page copy, or None when it must not use the cache."""
    if request.method not in ("GET", "HEAD") or seconds() <= 0:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return (
        f"page-cache:{request_content_version(request)}:{language}:{request.get_host()}"
        f":{request.get_full_path()}"
    )


def serve(request, path):
    """Wagtail's page view, answered from the page cache when it can be."""
    from wagtail import views as wagtail_views

    key = cache_key(request)
    if key is None:
        if request.method in ("GET", "HEAD") and seconds() > 0:
            _route_from_cache(request, path)
        return wagtail_views.serve(request, path)
    stored = cache.get(key)
    if stored is not None:
        content, content_type = stored
        return _personalised(request, content, content_type, hit=True)
    request.page_cache_key = key
    _route_from_cache(request, path)
    response = wagtail_views.serve(request, path)
    if not getattr(request, "page_cache_storable", False):
        return response
    return _keep(request, response, key)


def _keep(request, response, key: str):
    """Stores a page rendered for the cache (CSRF token as a placeholder) and returns it with
    this visitor's token. A response that must not be stored (not 200, or setting a cookie)
    is returned with the token put in all the same."""
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200 and not (response.has_header("Set-Cookie") or response.cookies):
        stored = (response.content, response["Content-Type"])
        cache.set(key, stored, seconds())
        return _personalised(request, *stored, hit=False)
    if not response.streaming and _CSRF_PLACEHOLDER_BYTES in response.content:
        response.content = response.content.replace(
            _CSRF_PLACEHOLDER_BYTES, get_token(request).encode()
        )
    return response


def _route_from_cache(request, path: str) -> None:
    """Routes the request from the route cache, or routes it and fills the cache.

    Wagtail's ``route_for_request`` and ``Site.find_for_request`` keep their results on the
    request; setting those attributes here makes Wagtail's own view use the cached route.
    """
    key = (
        f"page-route:{request_content_version(request)}:{request._get_raw_host()}"
        f":{request.get_port()}:{path}"
    )
    entry = cache.get(key)
    if entry is None:
        result = Page.route_for_request(request, path)
        if result is None:
            return
        page, args, kwargs = result
        if isinstance(page, PublicPageCacheMixin) and not args and not kwargs:
            unrestricted = not page.get_view_restrictions().exists()
            # Wagtail's restriction check, which runs next, need not ask again.
            page._known_unrestricted = unrestricted
            site = Site.find_for_request(request)
            # The page itself is kept (the content version retires it with any change), not
            # the ancestors Wagtail's routing hung on it.
            stored = copy.copy(page)
            stored.__dict__.pop("_cached_parent_obj", None)
            cache.set(key, (site, stored), seconds())
        return
    site, page = entry
    request._wagtail_site = site
    request._wagtail_route_for_request = RouteResult(page)


def has_pending_messages(request) -> bool:
    """A flash message waits to be shown (cookie or session storage): render, do not store.
    An emptied cookie (the messages shown, the cookie deleted) holds none."""
    return bool(request.COOKIES.get("messages")) or "_messages" in request.session


def with_csrf_token(request, content: bytes) -> bytes:
    """A stored copy with this visitor's own CSRF token where the placeholder stands."""
    if _CSRF_PLACEHOLDER_BYTES in content:
        return content.replace(_CSRF_PLACEHOLDER_BYTES, get_token(request).encode())
    return content


def _personalised(request, content: bytes, content_type: str, *, hit: bool) -> HttpResponse:
    content = with_csrf_token(request, content)
    response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    response[STATUS_HEADER] = "hit" if hit else "miss"
    return response


def depends_on(*model_labels: str) -> None:
    """Invalidates the page cache whenever an instance of one of these models changes."""
    for label in model_labels:
        model = apps.get_model(label)
        post_save.connect(bump_content_version, sender=model, weak=False)
        post_delete.connect(bump_content_version, sender=model, weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(bump_content_version, sender=field.remote_field.through, weak=False)


def _page_changed(sender, **kwargs) -> None:
    if issubclass(sender, Page):
        bump_content_version()


def connect() -> None:
    """Wires the invalidation signals (called once from LearningConfig.ready)."""
    post_save.connect(_page_changed, dispatch_uid="page_cache_page_saved")
    post_delete.connect(_page_changed, dispatch_uid="page_cache_page_deleted")
    page_unpublished.connect(bump_content_version, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(bump_content_version, dispatch_uid="page_cache_moved")
    depends_on(*DEFAULT_DEPENDENCIES)
