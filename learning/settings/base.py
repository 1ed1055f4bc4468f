"""Settings shared by every environment.

Everything that differs between a laptop and a prefecture-wide deployment is read from the
environment: SQLite and the django-q2 ORM broker when nothing is set, PostgreSQL
(``DATABASE_URL``) and Redis (``REDIS_URL``) when it is.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "csp",
    "learning",
    "lecturers",
    "exams",
    "courses",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "learning.apps.LearningUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    # Recorded interviews (现场访谈) in lessons: audio and video in a media library.
    "wagtailmedia",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "learning.platform.input_guard.RefuseControlCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "learning.platform.csp.SitePolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Content-Security-Policy of the learner site (learning.platform.csp widens it for the admin's paths).
# Video lessons embed players from video platforms: CSP_FRAME_SRC lists the hosts allowed in
# frames (space-separated; default any https host, since lecturers paste platform links).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *os.environ.get("CSP_FRAME_SRC", "https:").split()],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "learning.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "learning.site.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "learning.wsgi.application"

# Database: SQLite in the project folder unless DATABASE_URL names another engine.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the qcluster worker write while the web process reads; IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait for it
    # (busy timeout) instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Writers queue on a file lock beside the database and start the moment the one before
    # them commits, instead of sleeping in SQLite's busy handler (learning.platform.db.sqlite_writer_queue).
    DATABASES["default"]["ENGINE"] = "learning.platform.db.sqlite_writer_queue"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # PostgreSQL planned the hot statements anew on every request, and planning cost more
    # than running them (0.9 ms against 0.1 ms for the leaderboard's neighbours). With the
    # values bound on the server, psycopg prepares a statement on its fifth execution on a
    # connection and PostgreSQL reuses its plan. Turn off (DATABASE_PREPARED_STATEMENTS=0)
    # behind a pooler in transaction mode that does not track prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "learning.User"
AUTHENTICATION_BACKENDS = [
    "learning.auth_backends.PhoneBackend",
    "learning.auth_backends.SmsCodeBackend",
]
LOGIN_URL = "learning:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cache and task queue: Redis when REDIS_URL is set, process memory and the ORM otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Serves from process memory while Redis is unreachable (learning.platform.resilient_cache);
            # short time-outs so a dead Redis costs a request milliseconds, not seconds.
            "BACKEND": "learning.platform.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xuetang",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    # Sessions read from the shared cache, written through to the database. Only with a
    # shared cache: with per-process memory a log-out on one worker would not reach the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Django's database sessions, read with hand-written SQL (every logged-in view reads one).
    SESSION_ENGINE = "learning.platform.sessions"
    # Page copies, routes, outlines and leaderboards share it: Django's default of 300 entries
    # per process would evict them under a few dozen learners. Pages are ~20 KB each.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

# Anonymous copies of public pages, and routes (learning.platform.page_cache): at most this old when
# only time changes them (every content change invalidates them at once); 0 turns them off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Admin pages kept whole per viewer (learning.platform.admin_page_cache: the organisers' dashboard): at
# most this old; a change of the viewer, their permissions or the figures makes a new copy.
ADMIN_PAGE_CACHE_SECONDS = int(os.environ.get("ADMIN_PAGE_CACHE_SECONDS", "300"))

Q_CLUSTER = {
    "name": "xuetang",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    # A task may run this long before it is killed...
    "timeout": 120,
    # ...and is handed out again only after this long, so retry must stay above timeout
    # (learning.platform.checks enforces it) or a slow task would run twice at once.
    "retry": 180,
    "max_attempts": 3,
    "queue_limit": 100,
    "bulk": 10,
    "catch_up": False,
    "label": "Django Q2",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Wagtail's own background tasks (reference index, file deletion).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
FORMAT_MODULE_PATH = ["learning.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "社工学堂"
# No call from the admin to releases.wagtail.org: the CSP allows no other host, and a
# prefecture's intranet often cannot reach it.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "learning.accounts.forms.AdminLoginForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 8 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILUSERS_PASSWORD_REQUIRED = True

#: Log-in throttle (learning.accounts.login_throttle): failures allowed free per phone number from one
#: address, per address and per phone number (the last only slows addresses that already
#: failed for that number) before each further attempt waits LOGIN_DELAY_BASE_SECONDS,
#: doubling with each failure up to LOGIN_DELAY_MAX_SECONDS; failures older than the window
#: are forgotten.
LOGIN_FREE_FAILURES_PER_PHONE_AND_ADDRESS = 5
LOGIN_FREE_FAILURES_PER_ADDRESS = 30
LOGIN_FREE_FAILURES_PER_PHONE = 10
LOGIN_DELAY_BASE_SECONDS = 30
LOGIN_DELAY_MAX_SECONDS = 15 * 60
LOGIN_FAILURE_WINDOW_SECONDS = 60 * 60
#: The proxies in front of the site (addresses or networks, comma-separated, e.g.
#: "10.0.0.2,10.0.1.0/24"): only requests from them have their X-Forwarded-For believed, read
#: right to left past them (learning.platform.client_address). Empty: the client is REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

#: Text-message codes for log-in and password reset (learning.accounts.sms_codes): how long a code is
#: valid, wrong guesses a code takes before it is dead, and (count, seconds) limits on
#: requests per phone number and per client address.
SMS_CODE_VALID_SECONDS = 5 * 60
SMS_CODE_MAX_WRONG_GUESSES = 5
SMS_CODE_LIMITS_PER_PHONE = [(1, 60), (5, 60 * 60), (10, 24 * 60 * 60)]
SMS_CODE_LIMITS_PER_ADDRESS = [(30, 60 * 60)]

#: How long an API bearer token stays valid.
API_TOKEN_TTL_DAYS = 30

#: SMS delivery backend: console, locmem, outbox, http, aliyun or tencent (see learning.sms).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "outbox")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_KEY = os.environ.get("SMS_HTTP_KEY", "")
SMS_WEBHOOK_SECRET = os.environ.get("SMS_WEBHOOK_SECRET", "")
#: The approved signature (签名), without 【】; a template may name another approved one.
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "社工学堂")
#: Aliyun (阿里云短信, Dysmsapi 2017-05-25) and Tencent Cloud (腾讯云短信, SMS 2021-01-11):
#: credentials, endpoint (host[:port]) and protocol; tests point them at fake providers.
ALIYUN_ACCESS_KEY_ID = os.environ.get("ALIYUN_ACCESS_KEY_ID", "")
ALIYUN_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_ENDPOINT = os.environ.get("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")
TENCENT_SECRET_ID = os.environ.get("TENCENT_SECRET_ID", "")
TENCENT_SECRET_KEY = os.environ.get("TENCENT_SECRET_KEY", "")
TENCENT_SMS_SDK_APP_ID = os.environ.get("TENCENT_SMS_SDK_APP_ID", "")
SMS_TENCENT_ENDPOINT = os.environ.get("SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com")
SMS_TENCENT_REGION = os.environ.get("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_PROVIDER_PROTOCOL = os.environ.get("SMS_PROVIDER_PROTOCOL", "https")
#: The provider's limits per number (同一号码), respected before sending: at most this many
#: texts per minute, hour and day ("minute=1,hour=5,day=10", the providers' defaults).
SMS_RATE_LIMITS = {
    window: int(count)
    for window, count in (
        part.split("=")
        for part in os.environ.get("SMS_RATE_LIMITS", "minute=1,hour=5,day=10").split(",")
    )
}
#: Provider callbacks come from these addresses only (comma-separated networks; empty: any).
SMS_CALLBACK_ALLOWED_NETWORKS = env_list("SMS_CALLBACK_ALLOWED_NETWORKS")

#: Demo content loaders run in order by `manage.py load_demo`; each app appends its own
#: (dotted paths, so the core never imports the apps above it).
DEMO_LOADERS = [
    "learning.accounts.demo.load",
    "learning.points.demo.load",
    "learning.reminders.demo.load",
    "lecturers.demo.load",
    "exams.bank.demo.load",
    # after the question bank's demo loader: the mock exams draw from its questions
    "exams.papers.demo.load",
    "exams.contests.demo.load",
    "courses.demo.catalogue.load",
    # after the courses and mock exams: backdated study for the organisers' reports
    "courses.reports.demo.load",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

#: Mock exams: saves are accepted this long after an attempt's deadline (network latency).
EXAMS_DEADLINE_GRACE_SECONDS = 30
#: Mock exams: (percent of the maximum reached, points) for the score-band award, highest first.
EXAMS_SCORE_BANDS = [(90, 10), (80, 5)]
#: Mock exams: how far ahead reminders announce a paper opening or closing.
EXAMS_REMINDER_WINDOW_HOURS = 24

#: Items per page of an API list that names no page_size; the maximum (100) is the
#: contract's (learning.platform.pagination).
API_PAGE_SIZE = 20

#: Seconds an organisation ranking (积分排名, by average points per member) may be served
#: from the cache; people leaderboards are always read live from the indexed totals.
POINTS_ORGANISATION_RANKING_CACHE_SECONDS = int(
    os.environ.get("POINTS_ORGANISATION_RANKING_CACHE_SECONDS", "60")
)
#: Text-message delivery (learning.sms): request timeout of the http backend, attempts
#: before a message is failed, backoff (doubling from the base, capped), and when a
#: message stuck in "sending" (its worker died) is put back in the queue.
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "5"))
SMS_MAX_ATTEMPTS = 5
SMS_RETRY_BASE_SECONDS = 60
SMS_RETRY_MAX_SECONDS = 3600
SMS_SENDING_STALE_SECONDS = 600
#: After the provider refused everything (credentials, balance), try again this much later.
SMS_HALT_PAUSE_SECONDS = 600
#: A sent message without a delivery receipt after this long is asked about (status query).
SMS_STATUS_QUERY_AFTER_SECONDS = 1800
#: Messages to send per provider call (Aliyun SendBatchSms takes up to 100 numbers, Tencent
#: SendSms up to 200).
SMS_PROVIDER_BATCH = 100
#: How long one send task keeps claiming messages (below Q_CLUSTER's timeout).
SMS_SEND_BUDGET_SECONDS = 60
#: Reminder messages per learner per local day, all rules together.
SMS_DAILY_CAP = 3

#: Reminder kinds whose data lives in apps above the core: kind -> provider
#: ``fn(now) -> Iterable[(user id, placeholder context, period key)]`` (dotted paths, so
#: learning never imports them; a provider that cannot be imported is skipped with a warning).
REMINDER_SOURCES = {
    "paper_opening": "exams.papers.reminders.papers_opening_soon",
    "paper_closing": "exams.papers.reminders.papers_closing_soon",
    "session_tomorrow": "lecturers.reminders.sessions_tomorrow",
    "contest": "exams.contests.services.contest_reminders",
}
#: The exam calendar (考试安排) the countdowns read: ``fn(level, today) -> (day, confirmed) |
#: None`` (learning.exam_calendar); the exams app keeps the calendar organisers edit.
EXAM_CALENDAR_PROVIDER = "exams.calendar.exam_days.exam_day_provider"
#: Mount the plain baseline view at /bench/baseline/ (learning.platform.benchmark); only the benchmark
#: settings (learning.settings.bench) turn it on.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS")

#: Synthetic data generators run in order by `manage.py generate_load_data` (dotted paths, so
#: the core never imports the apps above it). Each is called as
#: ``generate(*, learners: int, seed: int, stdout, **options)`` and tops its data up to scale.
LOAD_DATA_GENERATORS = [
    "learning.load_data.generate",
    "lecturers.load_data.generate",
    "exams.papers.load_data.generate",
    # after the lecturers': courses link the benchmark lecturers
    "courses.load_data.generate",
]
#: How mock papers grade multiple choice by default (exams.bank.grading.MultipleChoiceRule):
#: "partial" is the real exam's rule (错选不得分，少选每个正确选项得 0.5 分);
#: "all_or_nothing" gives points only for exactly the right options.
EXAMS_MULTIPLE_CHOICE_RULE = "partial"

#: Organisers' reports (courses.reports): a registered candidate (报考人员) counts as
#: trained (已完成培训) when their completed courses add up to at least
#: TRAINING_REQUIRED_HOURS of estimated hours AND they completed every course whose page id
#: is in TRAINING_REQUIRED_COURSES (empty: no particular course required).
TRAINING_REQUIRED_HOURS = float(os.environ.get("TRAINING_REQUIRED_HOURS", "10"))
TRAINING_REQUIRED_COURSES: list[int] = []
#: Weakest chapters / knowledge points list only those with at least this many answers.
REPORTS_WEAK_MIN_ANSWERS = 10
#: The organisers' dashboard figures are kept this long (courses.reports.snapshot): the page says
#: when they were computed and has a button to recompute them at once.
REPORTS_CACHE_SECONDS = int(os.environ.get("REPORTS_CACHE_SECONDS", "600"))
#: Seconds a leaderboard page and its count (积分排行) may stay cached; any award to that
#: period, a learner's move or a rebuild replaces it at once (learning.points.ledger.board_version),
#: with Redis in every process, with the local-memory cache only in the one that made it.
#: The viewer's own points, rank and neighbours are always read live. 0 turns it off.
POINTS_LEADERBOARD_CACHE_SECONDS = int(os.environ.get("POINTS_LEADERBOARD_CACHE_SECONDS", "60"))
