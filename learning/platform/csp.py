"""Content-Security-Policy: what the browser may load and run on each part of the site.

Why: a script that slips into a course title, a question stem or a roster name must not run
in a candidate's or an organiser's browser. The learner site runs only our own files: no
inline script, no inline style, no ``eval``, nothing from other hosts except video players
in frames (``CSP_FRAME_SRC``). The Wagtail admin and the API's interactive docs are third-party
front ends that still need inline scripts and styles; they get a wider policy of their own,
still limited to this site's origin, never the learner site's.

The policy itself is django-csp's (``CONTENT_SECURITY_POLICY`` in the settings); this
middleware only swaps in the wider directives for the admin paths.

Use: none from domain code (a middleware named in settings). A page that needs another
source changes ``CONTENT_SECURITY_POLICY`` in the settings, not this module.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

#: Paths served by front ends we do not write (Wagtail's admin, ninja's Swagger UI).
WIDE_POLICY_PREFIXES = ("/admin/", "/django-admin/", "/api/v1/docs")

#: What those front ends need beyond the learner site's policy.
WIDE_DIRECTIVES = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "media-src": ["'self'", "blob:"],
}


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's wider directives on the admin's paths."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(_wide_prefixes()):
            parts.replace = {**WIDE_DIRECTIVES, **(parts.replace or {})}
        return parts


def _wide_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "CSP_WIDE_POLICY_PREFIXES", WIDE_POLICY_PREFIXES))
