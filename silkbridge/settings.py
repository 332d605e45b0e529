"""Silkbridge settings: one file, every deployment value from the environment.

Defaults give a laptop install (SQLite under var/, console e-mail, DEBUG off).
Every variable is documented in docs/configuration.md and .env.example.
"""

import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from silkbridge.core.env import env_bool, env_choice, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("SILKBRIDGE_VAR_DIR", str(PROJECT_DIR / "var")))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SILKBRIDGE_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SILKBRIDGE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SILKBRIDGE_SITE_URL", "http://127.0.0.1:8000")
# The country whose cooperation the site follows (ISO 3166-1 alpha-2), or "" for none: when
# set, "partner countries" counts the other parties of its agreements.
SILKBRIDGE_HOST_COUNTRY = env_str("SILKBRIDGE_HOST_COUNTRY", "").upper()
if SILKBRIDGE_HOST_COUNTRY and not re.fullmatch(r"[A-Z]{2}", SILKBRIDGE_HOST_COUNTRY):
    raise ValueError(f"SILKBRIDGE_HOST_COUNTRY must be an ISO 3166-1 alpha-2 code, not {SILKBRIDGE_HOST_COUNTRY!r}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    # From the lowest layer up (docs/architecture.md).
    "silkbridge.core",
    "silkbridge.accounts",
    "silkbridge.matching",
    "silkbridge.registry",
    "silkbridge.cooperation",
    "silkbridge.indicators",
    "silkbridge.events",
    "silkbridge.marketplace",
    "silkbridge.api",
    "silkbridge.portal",
    "django_tasks",
    "django_tasks_db",
    "corsheaders",
    "ninja",  # its Swagger UI files and template, served from here (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks; only for the API (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "silkbridge.core.middleware.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "silkbridge.api.caching.http_caching",
    "silkbridge.api.versions.deprecation_headers",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "silkbridge.urls"
WSGI_APPLICATION = "silkbridge.wsgi.application"
ASGI_APPLICATION = "silkbridge.asgi.application"

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
                "silkbridge.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'silkbridge.sqlite3'}"),
        conn_max_age=env_int("SILKBRIDGE_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once under several workers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login rate limit (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("SILKBRIDGE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SILKBRIDGE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field (axes defaults to USERNAME_FIELD, "email")
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("SILKBRIDGE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("SILKBRIDGE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads: files under MEDIA_ROOT by default; any Django storage backend by its dotted path
# (a shared volume or an object store). Django serves them itself only in the embedded
# default; behind a reverse proxy set SILKBRIDGE_SERVE_MEDIA=0 and let the proxy serve
# MEDIA_ROOT at MEDIA_URL (deploy/nginx.conf).
SILKBRIDGE_SERVE_MEDIA = env_bool("SILKBRIDGE_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": env_str("SILKBRIDGE_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded logos: the form checks type and size; this caps the request body too.
SILKBRIDGE_MAX_LOGO_BYTES = env_int("SILKBRIDGE_MAX_LOGO_BYTES", 512 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The cache holds what every app server must share (API rate-limit counters): a table in
# the database (created by `migrate`), or Redis when SILKBRIDGE_REDIS_URL is set.
REDIS_URL = env_str("SILKBRIDGE_REDIS_URL")
_CACHE_BACKENDS = {
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "silkbridge_cache"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
_CACHE = env_choice("SILKBRIDGE_CACHE", "redis" if REDIS_URL else "database", tuple(_CACHE_BACKENDS))
if _CACHE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("SILKBRIDGE_CACHE=redis needs SILKBRIDGE_REDIS_URL")
CACHES = {"default": _CACHE_BACKENDS[_CACHE]}

# The open API: rate limits (django-ninja throttles; counters in the cache above), CORS for
# reads from any origin (never cookies, never writes), HTTP caching of public reads.
SILKBRIDGE_API_RATES = {
    "anonymous": env_rate("SILKBRIDGE_API_RATE_ANONYMOUS", "300/min"),
    "token": env_rate("SILKBRIDGE_API_RATE_TOKEN", "1200/min"),
    "search": env_rate("SILKBRIDGE_API_RATE_SEARCH", "30/min"),
}
NINJA_NUM_PROXIES = env_int("SILKBRIDGE_NUM_PROXIES", 0)  # trusted proxies in X-Forwarded-For
SILKBRIDGE_API_MAX_AGE = env_int("SILKBRIDGE_API_MAX_AGE", 60)
CORS_URLS_REGEX = r"^/api/v[12]/.*$"
_CORS_ORIGINS = env_list("SILKBRIDGE_API_CORS_ORIGINS", ["*"])
CORS_ALLOW_ALL_ORIGINS = _CORS_ORIGINS == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _CORS_ORIGINS
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Deprecation", "Sunset", "Link"]
CORS_PREFLIGHT_MAX_AGE = 86400

# E-mail: console by default; SMTP when SILKBRIDGE_EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("SILKBRIDGE_FROM_EMAIL", "Silkbridge <noreply@silkbridge.invalid>")
if env_str("SILKBRIDGE_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("SILKBRIDGE_EMAIL_HOST")
    EMAIL_PORT = env_int("SILKBRIDGE_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("SILKBRIDGE_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("SILKBRIDGE_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("SILKBRIDGE_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Security headers. HTTPS-only settings switch on with SILKBRIDGE_HTTPS.
HTTPS = env_bool("SILKBRIDGE_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SILKBRIDGE_LOG_LEVEL", "WARNING")},
}

SILKBRIDGE_PAGE_SIZE = 25
SILKBRIDGE_EMAIL_CONFIRM_MAX_AGE = timedelta(days=3)
CSRF_FAILURE_VIEW = "silkbridge.core.views.csrf_failure"

# Background tasks: run in the request (embedded default, tests) or queued in the database
# and run by `silkbridge db_worker` processes (SILKBRIDGE_TASKS=database).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env_choice("SILKBRIDGE_TASKS", "immediate", tuple(_TASK_BACKENDS))]}}

# Matching engine: the index lives in files under this folder, shared by every app server
# on the host; SILKBRIDGE_EMBEDDER=e5 keeps one model of the two, =fake a tiny deterministic one (tests).
SILKBRIDGE_MATCHING_DIR = Path(env_str("SILKBRIDGE_MATCHING_DIR", str(VAR_DIR / "matching")))
# The names of silkbridge.matching.embedding.EMBEDDERS, written out so that reading the
# settings loads no model code (a test checks that the two agree).
SILKBRIDGE_EMBEDDER = env_choice("SILKBRIDGE_EMBEDDER", "default", ("default", "e5", "fake"))
SILKBRIDGE_ANN_THRESHOLD = env_int("SILKBRIDGE_ANN_THRESHOLD", 200_000)
# Threads of the embedding model per process: 1 for app servers (several per host); the
# `reindex` command uses every core unless told otherwise.
SILKBRIDGE_EMBED_THREADS = env_int("SILKBRIDGE_EMBED_THREADS", 1)
