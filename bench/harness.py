"""The pieces every benchmark shares: what an endpoint is, who asks, how requests are built.

Imported after ``django.setup()`` (bench/run.py does that first), with the benchmark settings
(learning.settings.bench) against the benchmark database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from learning.models import User

#: Values a request template may use, e.g. ``{"course_id": 7}`` for ``"/api/v1/courses/{course_id}"``.
Values = dict[str, Any]
#: A path or body that differs per request: called with the values and the request number.
PerRequest = Callable[[Values, int], Any]


@dataclass(frozen=True)
class Endpoint:
    """One thing `make bench` measures, as a row of the results table."""

    #: Label in the results table.
    name: str
    #: Path with ``{placeholders}`` filled from the values, or a ``PerRequest`` callable.
    path: str | PerRequest
    method: str = "GET"
    #: Who asks: ``"anonymous"``, ``"token"`` (the bench learner's bearer token) or
    #: ``"session"`` (the bench learner logged in on the site, or whoever ``prepare``'s
    #: ``session_key`` value belongs to; CSRF token sent on writes).
    auth: str = "anonymous"
    #: JSON body for writes: a dict (strings formatted with the values) or a ``PerRequest``.
    body: dict | PerRequest | None = None
    #: The status a successful request answers with; anything else counts as an error.
    status: int = 200
    #: Called once, in-process, before the endpoint is measured; returns extra values
    #: (ids of a course, a paper, an attempt...) for ``path`` and ``body``.
    prepare: Callable[[BenchContext], Values] | None = None
    #: With ``auth="token"``: the bearer token of request n, for writes that need a different
    #: learner per request (starting attempts); the bench learner's token by default.
    token: PerRequest | None = None
    #: For writes that use an object up (each submit needs an unsubmitted attempt): the name
    #: of the values list that request n takes item n of. The load stops when it runs out,
    #: so that no request hits an already used object and measures a cheaper path.
    pool: str | None = None


@dataclass(frozen=True)
class Job:
    """A measurement without HTTP: a command or service timed in-process (the reminder
    evaluation for every learner, a GIFT import of 2,000 questions), after the server stops."""

    #: Label in the results table.
    name: str
    #: Does the work once: ``run(ctx, values, n)``, n counting the runs from 0.
    run: Callable[[BenchContext, Values, int], object]
    #: Called once before the runs; returns values for ``run``.
    prepare: Callable[[BenchContext], Values] | None = None
    #: Runs to take the median of.
    repeat: int = 3


@dataclass
class BenchContext:
    """The bench learner and its credentials, plus values every endpoint may use."""

    learner: User
    token: str
    session_key: str
    csrf_token: str = field(default_factory=lambda: get_random_string(32))
    values: Values = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def _format(template: Any, values: Values) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {key: _format(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_format(item, values) for item in template]
    return template


def build_request(endpoint: Endpoint, ctx: BenchContext, values: Values, n: int) -> PreparedRequest:
    """The n-th request to ``endpoint`` (n only matters for per-request paths and bodies)."""
    path = endpoint.path(values, n) if callable(endpoint.path) else endpoint.path.format(**values)
    headers: dict[str, str] = {}
    body = b""
    if endpoint.body is not None:
        data = (
            endpoint.body(values, n) if callable(endpoint.body) else _format(endpoint.body, values)
        )
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if endpoint.auth == "token":
        token = endpoint.token(values, n) if endpoint.token else ctx.token
        headers["Authorization"] = f"Bearer {token}"
    elif endpoint.auth == "session":
        # An endpoint's prepare may return another user's ``session_key`` (an organiser...).
        session_key = values.get("session_key", ctx.session_key)
        headers["Cookie"] = f"sessionid={session_key}; csrftoken={ctx.csrf_token}"
        if endpoint.method != "GET":
            headers["X-CSRFToken"] = ctx.csrf_token
    elif endpoint.auth != "anonymous":
        raise ValueError(f"{endpoint.name}: unknown auth {endpoint.auth!r}")
    return PreparedRequest(endpoint.method, path, headers, body)


def raw_http(request: PreparedRequest, host: str) -> bytes:
    """The request as bytes on the wire (HTTP/1.1, keep-alive)."""
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    if request.body or request.method not in ("GET", "HEAD"):
        lines.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body


def count_queries(request: PreparedRequest) -> tuple[int, int]:
    """(status, SQL queries) of one request served in-process by Django's test client."""
    client = Client(HTTP_HOST="127.0.0.1")
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in request.headers.items()
    }
    extra.pop("HTTP_CONTENT_TYPE", None)
    cookie = extra.pop("HTTP_COOKIE", None)
    if cookie:
        for part in cookie.split("; "):
            name, _, value = part.partition("=")
            client.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        response = client.generic(
            request.method,
            request.path,
            data=request.body,
            content_type="application/json",
            **extra,
        )
    return response.status_code, len(queries)
