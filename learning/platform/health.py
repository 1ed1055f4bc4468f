"""``/healthz``: is this web node able to serve? Used by load balancers and the cluster check.

Use: none from domain code; ``learning.urls`` mounts it at ``/healthz``.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        # A connection probe, not a read of any model: the ORM has no form of it (bench/RESULTS.md
        # "Session 7" lists it among the statements left unmeasured for that reason).
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        logger.exception("health check: database unreachable")
        return False


@functools.cache
def _broker():
    """One broker (and so one Redis connection pool) per process: get_broker() builds a new
    client each call, which made every health check open a fresh Redis connection."""
    from django_q.brokers import get_broker

    return get_broker()


def queue_ok() -> bool:
    """The django-q2 broker answers: Redis pings, or the ORM queue table is readable."""
    try:
        if settings.Q_CLUSTER.get("redis"):
            return bool(_broker().ping())
        from django_q.models import OrmQ

        OrmQ.objects.exists()
        return True
    except Exception:
        logger.exception("health check: queue broker unreachable")
        return False


def cache_ok() -> bool | None:
    """Redis answers a ping (None when the cache is this process's memory: nothing to check).

    The site serves without Redis (``learning.platform.resilient_cache``), slower and per process, so
    the node is reported unhealthy: an operator must know the shared cache is gone."""
    from django.core.cache import cache

    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        return None
    try:
        return bool(client_of(write=True).ping())
    except Exception:
        logger.exception("health check: cache (Redis) unreachable")
        return False


@never_cache
def healthz(request):
    parts = {"database": database_ok(), "queue": queue_ok()}
    # API.md fixes the healthy body to exactly three fields, which clients compare whole;
    # the shared cache is named only when it is the failing part.
    if cache_ok() is False:
        parts["cache"] = False
    body = {"status": "ok" if all(parts.values()) else "error"}
    body.update({name: "ok" if good else "error" for name, good in parts.items()})
    return JsonResponse(body, status=200 if all(parts.values()) else 503)
