"""gunicorn settings for the web nodes (docs/deploy.md), read from the environment.

gunicorn loads this file by itself when started from the repository root:
``DJANGO_SETTINGS_MODULE=learning.settings.production .venv/bin/gunicorn``.

| variable | default | meaning |
| --- | --- | --- |
| ``GUNICORN_BIND`` | ``127.0.0.1:8000`` | address (or ``unix:/run/xuetang/web.sock``) the proxy forwards to |
| ``WEB_CONCURRENCY`` | 2 x cores + 1 | sync worker processes |
| ``GUNICORN_MAX_REQUESTS`` | 1000 | recycle a worker after this many requests (0: never) |
| ``GUNICORN_MAX_REQUESTS_JITTER`` | a tenth of it | so the workers do not all restart at once |
| ``GUNICORN_TIMEOUT`` | 30 | seconds before a stuck worker is killed and replaced |
| ``GUNICORN_ACCESS_LOG`` | ``-`` (stdout) | access log file; empty turns it off |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1`` | proxies whose X-Forwarded-* headers are trusted |
| ``GUNICORN_CONTROL_SOCKET`` | off | path of the ``gunicornc`` control socket |
"""

import multiprocessing
import os

wsgi_app = "learning.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers: the pages and the API are short database-bound requests; one process per
# request in flight keeps memory predictable and a slow request cannot stall others.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# Import Django and Wagtail once in the master, then fork: faster starts, shared memory.
# Nothing may open a database connection at import time (each worker opens its own; the
# persistent connections of CONN_MAX_AGE then live in the workers).
preload_app = True

max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max_requests // 10)))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# The proxy sets X-Forwarded-For/-Proto; trust them only from the proxy itself.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# Client (as the proxy saw it), request, status, size and time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's runtime control socket (``gunicornc``) has one default path per user, which two
# instances on one machine would fight over; it is on only where a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def when_ready(server):
    """Move everything imported so far (Django, Wagtail, the app) out of the garbage collector's
    sight before the workers fork.

    With ``preload_app`` the master holds a few hundred thousand long-lived objects; a full
    collection in a worker would walk all of them in the middle of a request (a start's
    median shuffle of 1.0 ms had a mean of 2.9 ms from such pauses, bench/RESULTS.md Session
    7), and touching them copies the shared pages into every worker.
    """
    import gc

    gc.collect()
    gc.freeze()
