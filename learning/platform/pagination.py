"""Pagination of every list in the JSON API: ``?page=`` and ``?page_size=`` (at most 100).

Why one place: lists had each their own pagination; one had no maximum page size (100000000
returned a learner's whole ledger) and a page far past the end (``page=9223372036854775807``)
became an OFFSET that neither SQLite nor PostgreSQL can hold (a 500). Every list of the API
takes its page from here: a page size above ``MAX_PAGE_SIZE`` is served as ``MAX_PAGE_SIZE``
(as django-ninja's own pagination always did, so clients asking for 500 still page through
everything); a page past the last one is an empty page with the true ``count``, and nothing
is read for it. Zero or negative numbers are bad input (422).

Use: every API list endpoint (``PageQuery`` and ``page_of``, or ``window`` for a query that
slices itself); never a hand-rolled ``[offset:limit]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

#: API.md: "paginated with ?page= and ?page_size= (max 100)".
MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    """The query parameters of a page of a list."""

    page: int = Field(1, ge=1, description="1 is the first page; past the last one, no items")
    page_size: int | None = Field(
        None,
        ge=1,
        description=f"items per page; more than {MAX_PAGE_SIZE} is served as {MAX_PAGE_SIZE}",
    )


@dataclass(frozen=True)
class Window:
    """The items ``offset`` .. ``offset + limit`` of a list."""

    offset: int
    limit: int

    def past(self, count: int) -> bool:
        """Whether the window begins after the last of ``count`` items (nothing to read)."""
        return self.offset >= count

    def of(self, items: Sequence) -> list:
        """The window's part of ``items`` (a list or anything sliceable: a queryset)."""
        return list(items[self.offset : self.offset + self.limit])


def window(query: PageQuery, *, default_size: int | None = None) -> Window:
    """The window ``query`` asks for; without a page size, ``default_size`` or the
    ``API_PAGE_SIZE`` setting."""
    size = min(query.page_size or default_size or settings.API_PAGE_SIZE, MAX_PAGE_SIZE)
    return Window(offset=(query.page - 1) * size, limit=size)


def page_of(items: Sequence, query: PageQuery, **kwargs: Any) -> dict:
    """``{"items", "count"}`` of a list already in memory (a ranking, today's due cards)."""
    shown = window(query, **kwargs)
    return {"items": [] if shown.past(len(items)) else shown.of(items), "count": len(items)}


class Pages(PageNumberPagination):
    """django-ninja's page-number pagination on ``PageQuery``: use ``@paginate(Pages)``.

    The count is read first, so a page past the end reads nothing more.
    """

    Input = PageQuery

    def paginate_queryset(self, queryset, pagination: PageQuery, request, **params) -> dict:
        count = self._items_count(queryset)
        shown = window(pagination)
        return {"items": [] if shown.past(count) else shown.of(queryset), "count": count}
