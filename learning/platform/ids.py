"""Object ids as the outside world sends them: in API paths, bodies and queries, in site URLs
and in form fields.

Why: every table's key is a 64-bit integer (``BigAutoField``), but a number typed into a URL
is not. ``/api/v1/courses/99999999999999999999999`` made SQLite raise "Python int too large
to convert to SQLite INTEGER" (a 500) and PostgreSQL compare a bigint with a numeric. An id
outside 1 .. ``MAX_ID`` names nothing: the API refuses it as bad input (422, the bounds are in
the OpenAPI schema), a site URL does not match (404), a form field is no id (``parse_id``).

Use: from every app's URLs (the ``<id:...>`` converter, registered in
``LearningConfig.ready``), API schemas (``Id``) and forms (``parse_id``): any integer id that
comes from outside.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: The largest value of a 64-bit signed key, the same on SQLite and PostgreSQL.
MAX_ID = 2**63 - 1

#: An object id in the API: a path parameter, a query parameter or a body field.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_id(text: str | None) -> int | None:
    """The id written in ``text`` (a form or query field), or None when it is none."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class IdConverter:
    """URL converter ``<id:...>``: Django's ``<int:...>`` limited to the ids that can exist,
    so a longer number is a 404 like any other unknown path."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver tries the next pattern, then 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)
