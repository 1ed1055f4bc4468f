"""``/healthz``: is this web node able to serve? Used by load balancers and the cluster check."""

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


@never_cache
def healthz(request):
    parts = {"database": database_ok(), "queue": queue_ok()}
    body = {"status": "ok" if all(parts.values()) else "error"}
    body.update({name: "ok" if good else "error" for name, good in parts.items()})
    return JsonResponse(body, status=200 if all(parts.values()) else 503)
