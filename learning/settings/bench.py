"""Benchmarks (`make bench`, bench/run.py): production settings served over plain HTTP.

Everything that shapes performance stays as in production (DEBUG off, persistent database
connections, WhiteNoise manifest static files, Redis when ``REDIS_URL`` is set); only what needs
HTTPS or a real secret is relaxed, and the plain baseline view is mounted (learning.platform.benchmark).
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-3f9a1c7e-shegong-xuetang-load")

from .production import *  # noqa: E402, F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
BENCHMARK_VIEWS = True
