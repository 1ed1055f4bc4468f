"""Test settings: fast hashing, tasks run inline, nothing leaves the process."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "locmem"
SMS_WEBHOOK_SECRET = "test-webhook-secret"
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Several checkouts may run their PostgreSQL suites on one server at once.
if os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}  # noqa: F405
# pytest-django knows SQLite only by Django's own ENGINE path; other SQLite backends get a
# file "test_<database path>_gwN" per xdist worker unless the test database is named.
if DATABASES["default"]["ENGINE"] == "learning.platform.db.sqlite_writer_queue":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"

# Parallel test workers (pytest-xdist) must not share a Redis database: each test clears the
# cache, which is a FLUSHDB. Worker gwN uses database (base + 1 + N).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _base = int((_parts.path or "/0").lstrip("/") or 0)
    _url = urlunsplit(_parts._replace(path=f"/{(_base + 1 + int(_worker[2:])) % 16}"))
    CACHES["default"]["LOCATION"] = _url  # noqa: F405
    Q_CLUSTER["redis"] = _url
