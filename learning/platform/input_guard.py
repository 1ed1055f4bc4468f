"""Control characters refused at the edge, before any view or query sees them.

Why: text with a NUL or another control character has no business in a name, a search or an
answer, and it breaks the layers below in different ways: PostgreSQL refuses NUL in text
(a 500 on a search for ``q=%00``), SQLite stores it and truncates it in some tools, cache keys
and CSV exports carry it on. A lone UTF-16 surrogate (``"\\ud800"`` in JSON) cannot even be
encoded for the database. Rather than cleaning each view, every request is checked once:
``RefuseControlCharacters`` (a middleware) looks at the path, the query string and form
fields; ``JSONParser`` does the same for the JSON bodies of the API. Either refuses with 400 and
``{"detail"}``. Tab, line feed and carriage return are ordinary text in a textarea and pass.

Files (rosters, question banks) are not requests' fields: their importers ask
``has_control_characters`` about each cell.

Use: importers of uploaded files call ``has_control_characters``; requests are
already checked (middleware and the API's parser) before domain code runs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from ninja.parser import Parser

#: C0 controls except tab, LF and CR; DEL; C1 controls; UTF-16 surrogates (only ever lone in a
#: Python string decoded from JSON, where a proper pair becomes one character).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnsafeInput(ValueError):
    """A request carries a control character (see the module docstring)."""


def has_control_characters(value: Any) -> bool:
    """Whether ``value`` (a string, or JSON-like data: dicts, lists, scalars) holds a
    character refused by this module anywhere, keys included."""
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_control_characters(item) for item in value)
    return False


def refusal_message() -> str:
    return _("请求中含有不允许的控制字符（例如 NUL），请删除后重试。")


def _querydict_unsafe(data) -> bool:
    return any(
        has_control_characters(key) or has_control_characters(values)
        for key, values in data.lists()
    )


def request_is_unsafe(request: HttpRequest) -> bool:
    """Whether the path, the query string or the form fields of ``request`` hold a control
    character. Uploaded files' contents are not fields and are not looked at."""
    if has_control_characters(request.path_info):
        return True
    if request.META.get("QUERY_STRING") and _querydict_unsafe(request.GET):
        return True
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        return _querydict_unsafe(request.POST)
    return False


def _refuse(request: HttpRequest) -> HttpResponse:
    message = refusal_message()
    wants_page = not request.path_info.startswith("/api/") and "text/html" in request.headers.get(
        "Accept", ""
    )
    if wants_page:
        html = render_to_string("learning/bad_input.html", {"message": message})
        return HttpResponse(html, status=400)
    return JsonResponse({"detail": message}, status=400)


class RefuseControlCharacters:
    """Middleware: a request whose path, query string or form fields hold a control
    character is answered 400 (JSON ``{"detail"}``; a short page for a browser's page
    request) and never reaches a view. Placed after ``LocaleMiddleware`` so the message is in
    the visitor's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_is_unsafe(request):
            return _refuse(request)
        return self.get_response(request)


class JSONParser(Parser):
    """django-ninja's JSON body parser, refusing bodies that hold control characters.

    Ninja turns any error raised here into a 400; ``learning.api`` gives that 400 a
    translated ``detail`` by the error's cause (``UnsafeInput`` or malformed JSON).
    """

    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        if has_control_characters(data):
            raise UnsafeInput(refusal_message())
        return data
