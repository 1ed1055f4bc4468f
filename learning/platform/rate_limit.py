"""The refusal every rate limit of the site raises: "not now, try again in N seconds".

The API answers it with 429, ``{"detail", "retry_after"}`` and a ``Retry-After`` header
(``learning.api``); pages show ``detail`` and answer 429 as well.

Use: raise ``RateLimited`` from any service that refuses for now; the API and
pages turn it into a 429.
"""

from __future__ import annotations

import math

from django.utils.translation import ngettext


class RateLimited(Exception):
    """A request refused for now; ``retry_after`` whole seconds until it may be tried again."""

    def __init__(self, detail: str, retry_after: float):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = max(1, math.ceil(retry_after))


def wait_text(seconds: float) -> str:
    """A wait as people say it: "30 秒", "2 分钟", "5 小时" (rounded up to the unit)."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return ngettext("%(count)d 秒", "%(count)d 秒", seconds) % {"count": seconds}
    if seconds < 60 * 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d 分钟", "%(count)d 分钟", minutes) % {"count": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(count)d 小时", "%(count)d 小时", hours) % {"count": hours}
