"""Ready JSON answers for the hottest API reads (issue 11).

Why: for a listing that every learner requests all day (the course catalogue, a leaderboard),
validating and serialising each item through its pydantic schema costs more than reading it.
What every learner sees alike is therefore kept as JSON text, and only the learner's own
members (progress, rank, "is me") are written per request and spliced in.

What keeps it correct: the text is written with the encoder and settings of django-ninja's
renderer, from values that went through the schema once, and each endpoint answering this way
has a test comparing its bytes with the schema-validated answer.

Use: only for an API list whose serialisation bench/RESULTS.md measured as the
endpoint's cost, with a test comparing the bytes with the schema-validated answer.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

_RENDERER = JSONRenderer()


def dumps(value: Any) -> str:
    """``value`` as ninja's renderer writes it."""
    return json.dumps(value, cls=_RENDERER.encoder_class, **_RENDERER.json_dumps_params)


def members(value: dict) -> str:
    """The members of a JSON object without its braces, to splice into another object."""
    return dumps(value)[1:-1]


def around(value: dict, first: str, last: str) -> tuple[str, str]:
    """The JSON text of ``value`` up to member ``first`` and from the member after ``last``:
    what comes before and after the per-request members ``first`` .. ``last`` (consecutive,
    neither the first nor the last of the object), each with its separator."""
    keys = list(value)
    start, end = keys.index(first), keys.index(last) + 1
    head = dumps({key: value[key] for key in keys[:start]})[:-1] + ", "
    tail = ", " + dumps({key: value[key] for key in keys[end:]})[1:]
    return head, tail


def response(body: str) -> HttpResponse:
    """A 200 answer with ``body`` as ninja would send it (returned as is by an endpoint)."""
    return HttpResponse(body, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")
