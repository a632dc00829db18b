"""Newsroom settings: one module, driven by environment variables.

DJANGO_DEBUG          "1"/"true"/"yes"/"on" turns debug on; off otherwise.
DJANGO_SECRET_KEY     required to serve when debug is off.
DJANGO_ALLOWED_HOSTS  comma-separated host names.
DATABASE_URL          e.g. postgres://user@host:5432/newsroom; SQLite file by default.
REDIS_URL             shared cache; local memory cache otherwise.
MEDIA_ROOT            where uploads are stored; ./media by default.
NEWSROOM_REQUIRE_BIAS_RATING  "0"/"false" lets articles publish with no bias rating; on by default.
STATIC_ROOT           where collectstatic writes; ./staticfiles by default.
BACKUP_DIR            where `make backup` writes; ~/newsroom-backups by default.

Production (secure defaults when debug is off, each can be overridden):
DJANGO_SECURE_SSL_REDIRECT, DJANGO_SECURE_COOKIES, DJANGO_HSTS_SECONDS,
DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD, DJANGO_SESSION_COOKIE_AGE,
DJANGO_CONN_MAX_AGE, DJANGO_CONN_HEALTH_CHECKS, AXES_FAILURE_LIMIT,
AXES_COOLOFF_MINUTES. The README describes each.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_flag("DJANGO_DEBUG")

# Required to serve: newsroom.startup stops the WSGI/ASGI application without it.
# Management commands that sign nothing (migrate, check) run without one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "debug-only-insecure-key"  # noqa: S105 - used only with DJANGO_DEBUG on

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "newsroom.apps.TagsConfig",  # django-taggit
    "nested_admin",
    "reversion",
    "csp",
    "axes",
    "dbbackup",
    "articles",
    "bias",
    "newsroom",
]

MIDDLEWARE = [
    # A response that a middleware makes itself (CommonMiddleware's add-a-slash
    # redirect, the HTTPS redirect, the 400 for an unknown host) passes only
    # through those listed before it: so the ones that set headers come first.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so that it sees every failed sign-in the views report.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "newsroom.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # A kept connection that broke (database restarted) is dropped, not reused.
        conn_health_checks=env_flag("DJANGO_CONN_HEALTH_CHECKS", default=True),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom-fragments",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Parts of pages, filed under the database's change times (articles.fragments), so
        # each process may keep its own: at most this many, the least used dropped first.
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses sign-ins for a locked-out username and address before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Admin sign-in throttling (django-axes): this many failures for one username
# from one address lock that pair out for the cool-off time.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# The same address the comment rate limits use (NEWSROOM_CLIENT_IP_HEADER behind a proxy).
AXES_CLIENT_IP_CALLABLE = "articles.comments.views.client_ip"
# Never longer than the column axes stores it in.
AXES_USERNAME_CALLABLE = "newsroom.signin.throttled_username"

# After signing in, a `next` that points off the site is dropped for the admin's front page.
LOGIN_REDIRECT_URL = "admin:index"

# Staff sessions end after this many seconds (8 hours by default).
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(8 * 60 * 60)))

# Transport security: on by default when debug is off. Behind a proxy that ends
# TLS, the proxy must set X-Forwarded-Proto (and strip it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is hard to undo: a choice made on purpose,
    # so its absence is not a warning.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# /healthz answers plain HTTP for probes that sit inside the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy (django-csp): scripts only from our own static files,
# never inline. Styles allow inline attributes: the admin's widgets set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-us"
# Pages and the admin show times in this zone, and name it (NEWSROOM_TIME_ZONE, an IANA
# name such as "Europe/Kyiv"); times are stored in UTC whatever it is.
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

# Backups (django-dbbackup, driven by newsroom/backup.py): one folder per backup in BACKUP_DIR.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or Path.home() / "newsroom-backups")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BACKUP_DIR},
    },
}
# SQLite through its backup API, restored by writing the copy over the database file (the
# default since django-dbbackup 5.0): its SQL-text SqliteConnector, replayed into an existing
# database, keeps rows written after the backup and loses others.
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "dbbackup.db.sqlite.SqliteBackupConnector",
}
# pg_restore gives the tables to the user the site connects as, whoever owned them before.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": ["--no-owner", "--no-privileges"]}}
# A failed backup says so on the command's own output (cron mails it). The site sets no ADMINS,
# and building the report mail needs DJANGO_SECRET_KEY, which `make backup` runs without.
DBBACKUP_SEND_EMAIL = False

# Mail (the desk's notifications): printed to the console in debug (`make run`), sent over
# SMTP otherwise, from EMAIL_URL (smtp://user:password@host:587 upgrades with STARTTLS on port
# 587; smtps://…:465 speaks TLS from the start) or the usual EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
if os.environ.get("EMAIL_URL"):
    _mail = urlsplit(os.environ["EMAIL_URL"])
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if EMAIL_USE_SSL else 25)
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = (
        unquote(_mail.username or ""),
        unquote(_mail.password or ""),
    )
    EMAIL_USE_TLS = not EMAIL_USE_SSL and EMAIL_PORT == 587
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "newsroom": {"handlers": ["console"], "level": "INFO"},
        "articles": {"handlers": ["console"], "level": "INFO"},
        "bias": {"handlers": ["console"], "level": "INFO"},
    },
}

TAGGIT_CASE_INSENSITIVE = True
# "Україна" -> "ukrayina": tag addresses stay ASCII.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Newsroom's own settings.
NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
NEWSROOM_PAGE_SIZE = 12
NEWSROOM_IMAGE_MAX_BYTES = 20 * 1024 * 1024
# Checked from the image header before any decoding: refuses decompression bombs.
NEWSROOM_IMAGE_MAX_PIXELS = 40_000_000
NEWSROOM_RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# A PEM file of the certificates whose Content Credentials (C2PA) signers count as verified,
# such as the C2PA trust list; without it no signer is verified, and pictures' credentials
# show as "not verified" (articles/images/credentials.py).
NEWSROOM_C2PA_TRUST_ANCHORS = os.environ.get("NEWSROOM_C2PA_TRUST_ANCHORS", "")
# How long a shared preview link works.
NEWSROOM_PREVIEW_MAX_AGE_HOURS = 48
# How long an anonymous reader's page may be kept; 0 turns page caching off.
# A change drops the cached pages that show it (articles.page_cache), which every
# app process must see: so pages are cached only in a shared cache (REDIS_URL)
# unless this is set, e.g. for a single process.
NEWSROOM_PAGE_CACHE_SECONDS = int(
    os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "600" if REDIS_URL else "0")
)
# No article is published without a published Tone & Political Bias rating.
NEWSROOM_REQUIRE_BIAS_RATING = env_flag("NEWSROOM_REQUIRE_BIAS_RATING", default=True)

# Reader comments.
# Comments close this many days after publication; "never" (None) keeps them open.
_close_after = (os.environ.get("NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS") or "never").strip().lower()
NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = None if _close_after == "never" else int(_close_after)
# Posts allowed per IP address and per email address in each period (seconds).
NEWSROOM_COMMENTS_RATE_LIMIT = int(os.environ.get("NEWSROOM_COMMENTS_RATE_LIMIT", "5"))
NEWSROOM_COMMENTS_RATE_PERIOD = 10 * 60
# The same text from the same email on the same article within this many seconds is stored once.
NEWSROOM_COMMENTS_DUPLICATE_SECONDS = 60
# Open reports that put a published comment in the moderators' Reported queue.
NEWSROOM_COMMENTS_REPORT_THRESHOLD = 3
# Comment threads (a comment with its replies) on each page of an article's comments.
NEWSROOM_COMMENTS_PER_PAGE = int(os.environ.get("NEWSROOM_COMMENTS_PER_PAGE", "50"))
# The META key holding the reader's address when a proxy sits in front, e.g.
# "HTTP_X_FORWARDED_FOR"; REMOTE_ADDR otherwise. Used by rate limits and reports.
NEWSROOM_CLIENT_IP_HEADER = os.environ.get("NEWSROOM_CLIENT_IP_HEADER", "")

# Discovery.
# The PostgreSQL text search configuration for article search (stemming, stop words).
# Changing it needs the stored vectors rebuilt: manage.py rebuild_search_index.
NEWSROOM_SEARCH_CONFIG = "english"
# How many articles the RSS feeds carry.
NEWSROOM_FEED_SIZE = 20
