"""The JSON API (``/api/v1/``) shared by the mobile client and the site's scripts.

The apps above the core add their routers here by dotted path, so this module never imports
them (DESIGN.md's dependency direction). Errors are always ``{"detail": "..."}``.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from learning.accounts.services import user_for_token
from learning.platform.input_guard import JSONParser, UnsafeInput
from learning.platform.rate_limit import RateLimited
from learning.points.ledger import record_daily_login


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            # App clients keep a token for weeks instead of logging in each day.
            record_daily_login(user=user)
        return user


class ActiveSession(SessionAuth):
    """Session log-in from the site's own pages (CSRF enforced)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="社工学堂 API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), ActiveSession()],
    docs_url="/docs",
    parser=JSONParser(),
)


def _error(request, message: str, status: int, **extra):
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query"))
    message = _("请求数据无效")
    if where:
        message = _("请求数据无效：%(field)s %(reason)s") % {
            "field": where,
            "reason": first.get("msg", ""),
        }
    return _error(request, message, 422, errors=exc.errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, _("未登录或登录已过期，请重新登录。"), 401)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, _("未找到。"), 404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, str(exc) or _("没有权限。"), 403)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc: RateLimited):
    response = _error(request, exc.detail, 429, retry_after=exc.retry_after)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # Ninja answers 400 "Cannot parse request body" for any error of the body parser
    # (learning.platform.input_guard.JSONParser); the cause says which, in the client's language.
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, UnsafeInput):
        return _error(request, str(cause), 400)
    if exc.status_code == 400 and isinstance(cause, json.JSONDecodeError | UnicodeDecodeError):
        return _error(request, _("请求内容不是有效的 JSON。"), 400)
    return _error(request, str(exc.message), exc.status_code)


api.add_router("/", "learning.accounts.api.router")
api.add_router("/", "learning.site.api.router")
api.add_router("/", "learning.points.api.router")
api.add_router("/", "learning.reminders.api.router")
api.add_router("/", "learning.sms.api.router")
api.add_router("/", "lecturers.api.router")
api.add_router("/", "exams.practice.api.router")
api.add_router("/", "exams.attempts.api.router")
api.add_router("/", "exams.contests.api.router")
api.add_router("/", "exams.readiness.api.router")
api.add_router("/", "courses.study.api.router")
