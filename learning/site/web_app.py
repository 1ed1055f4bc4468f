"""The site as an installable web app: the manifest ("添加到主屏幕") and the favicon.

Browsers ask for ``/favicon.ico`` and the manifest at fixed paths whatever the page links, so
both are served at the root; the files themselves are static files with their own hashes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The icon browsers ask for on every page (the static file's hashed name)."""
    return HttpResponsePermanentRedirect(static("learning/img/favicon.ico"))


@require_safe
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, in the visitor's language."""
    icons = [
        {
            "src": static(f"learning/img/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons.append(
        {"src": static("learning/img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}
    )
    response = JsonResponse(
        {
            "name": _("社工学堂"),
            "short_name": _("社工学堂"),
            "description": _("社区工作者职业水平考试备考平台"),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f6f8fa",
            "theme_color": "#b3261e",
            "lang": request.LANGUAGE_CODE,
            "icons": icons,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/manifest+json"
    return response
