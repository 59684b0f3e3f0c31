"""Dossier settings: one file, everything deployment-specific from the environment.

The embedded default (no environment at all) keeps its SQLite file, Whoosh index and a
generated secret key under ``var/`` beside the project, so a fresh clone runs as is.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable; anything but 0/false/no/off/empty is true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"", "0", "false", "no", "off"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DOSSIER_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key(database_engine: str) -> str:
    """The key from the environment, or one generated once and kept in the data directory.

    Only the embedded default (SQLite, so one machine) may generate its own: servers that
    share a database each have their own data directory, and a key generated into each would
    make every server refuse the others' sessions, CSRF tokens and signed links.
    """
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    if database_engine != "django.db.backends.sqlite3":
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With a database other than SQLite (DATABASE_URL), "
            "every app server must share one secret key: set DJANGO_SECRET_KEY to the same long "
            "random value on each (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "archive",
    "search",
]

MIDDLEWARE = [
    # Outermost, so every response gets the policy, even one refused by the middleware below.
    "archive.middleware.content_security_policy",
    "django.middleware.security.SecurityMiddleware",
    # An oversized request is refused before anything (CSRF, sessions) reads its body.
    "archive.middleware.request_size_limit",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a sign-in refused by the throttle into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
                "archive.feeds.page_feed",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'dossier.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets gunicorn workers read while one writes; a busy timeout waits for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The PostgreSQL search engine's tables (DOSSIER_SEARCH_BACKEND=postgres).
    INSTALLED_APPS.append("search.backends.postgres")

SECRET_KEY = _secret_key(DATABASES["default"]["ENGINE"])

# Read replica (optional): DATABASE_REPLICA_URL names a streaming replica of the database.
# Reads of pages anyone may see go to it; writes, the admin, staff and anyone who wrote in the
# last DOSSIER_REPLICA_PIN_SECONDS read the primary (archive.routers), so an uploader sees their
# own upload at once. Tests mirror it onto the test database.
DOSSIER_REPLICA_PIN_SECONDS = int(os.environ.get("DOSSIER_REPLICA_PIN_SECONDS", 30))
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(replica_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["archive.routers.PrimaryReplicaRouter"]
    # After authentication (it asks whether the user is staff), inside sessions (whose saves
    # come after it, so a sign-in's response still pins the primary by its method).
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                      "archive.middleware.replica_reads")


def cache_settings(url: str) -> dict:
    """Django's CACHES for DOSSIER_CACHE_URL: empty, one cache per process (the embedded
    default); ``db://`` or ``database``, a table in the database every server shares
    (``manage.py createcachetable`` makes it); ``redis://host:port/n``, a Redis server."""
    url = url.strip()
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if url in {"db://", "database"}:
        return {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                            "LOCATION": "dossier_cache"}}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": url}}
    raise ImproperlyConfigured(
        f"DOSSIER_CACHE_URL={url!r} is not a cache Dossier knows: leave it unset (one cache per "
        "process), set it to db:// (a table in the shared database) or to redis://host:port/0."
    )


# Page caches (home counts, article pages, feeds, citations, search timelines).
CACHES = cache_settings(os.environ.get("DOSSIER_CACHE_URL", ""))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The throttle (django-axes) comes first: a locked-out sign-in is refused before any password
# is checked. Every authenticate() call must pass the request (the admin's form does; tests use
# force_login or pass one).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed sign-ins: after DOSSIER_SIGNIN_FAILURE_LIMIT failures for one account (from anywhere)
# or from one address (whatever the accounts), sign-in is refused with a 429 until
# DOSSIER_SIGNIN_COOLOFF_SECONDS have passed since the last failure; a refused attempt counts as
# one more. Failures are counted in the database, so every gunicorn worker sees them all.
AXES_FAILURE_LIMIT = int(os.environ.get("DOSSIER_SIGNIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("DOSSIER_SIGNIN_COOLOFF_SECONDS", 15 * 60)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "archive.signin.locked_out"
# The address is the socket's peer. Behind reverse proxies that append to X-Forwarded-For, set
# DOSSIER_PROXY_COUNT to how many there are; without it that header is never believed (anyone
# can send it, and would get fresh attempts with every made-up address).
DOSSIER_PROXY_COUNT = int(os.environ.get("DOSSIER_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "archive.signin.client_address"
# Lock-outs are read in the log and lifted early from the shell (manage.py axes_reset_username
# NAME, axes_reset_ip ADDRESS), not in the admin that a locked-out editor cannot reach.
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not kept (axes would keep each, forever)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: secure by default whenever DEBUG is off. Plain-HTTP local serving (make run on
# loopback) opts out explicitly with DJANGO_SECURE=0.
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = os.environ.get(
    "DJANGO_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
)
SESSION_COOKIE_HTTPONLY = True

# Dossier's own settings.
# The search engine: "whoosh" (embedded, the default) or a SearchBackend's dotted path.
DOSSIER_SEARCH_BACKEND = os.environ.get("DOSSIER_SEARCH_BACKEND", "whoosh")
DOSSIER_INDEX_DIR = Path(os.environ.get("DOSSIER_INDEX_DIR", DATA_DIR / "index"))

# Limits on what one request may make Dossier do. Each is an environment variable; the defaults
# suit a single editor uploading a few files at a time and readers searching.
MB = 1024 * 1024
# One uploaded file (a capture or a zip of them); a bigger file is refused by its declared size.
DOSSIER_UPLOAD_MAX_BYTES = int(os.environ.get("DOSSIER_UPLOAD_MAX_BYTES", 10 * MB))
# One zip: files in it, and what they unpack to (checked as declared, then again while reading).
DOSSIER_ZIP_MAX_MEMBERS = int(os.environ.get("DOSSIER_ZIP_MAX_MEMBERS", 1000))
DOSSIER_ZIP_MAX_TOTAL_BYTES = int(os.environ.get("DOSSIER_ZIP_MAX_TOTAL_BYTES", 200 * MB))
# A whole request body (all files of one upload together): over it, 413 before the body is
# read. The default never falls below one file at the upload limit plus the form around it.
DOSSIER_REQUEST_MAX_BYTES = int(os.environ.get(
    "DOSSIER_REQUEST_MAX_BYTES", max(50 * MB, DOSSIER_UPLOAD_MAX_BYTES + MB)))
# A search query, in characters after control characters and runs of spaces are collapsed;
# longer is a 400 from the search form. (search/parsing.py keeps its own 1,000-character cap
# for callers that skip the form, so raising this above 1,000 needs that cap raised too.)
DOSSIER_QUERY_MAX_CHARS = int(os.environ.get("DOSSIER_QUERY_MAX_CHARS", 1000))
# Decoded posting lists kept per process for the next search (search.segments); 0 turns it off.
DOSSIER_POSTINGS_CACHE_MB = int(os.environ.get("DOSSIER_POSTINGS_CACHE_MB", 64))
# The deepest search result page (20 results a page): deeper pages cost more to rank and
# nobody reads them; past it, a 400 that says to narrow the search.
DOSSIER_SEARCH_MAX_PAGE = int(os.environ.get("DOSSIER_SEARCH_MAX_PAGE", 500))
DOSSIER_EXPORT_LIMIT = int(os.environ.get("DOSSIER_EXPORT_LIMIT", 10_000))  # rows one export may hold
# Django's own: form fields other than files, and how many files one request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = DOSSIER_UPLOAD_MAX_BYTES + MB
DATA_UPLOAD_MAX_NUMBER_FILES = 500
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
PAGE_SIZE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Lines like gunicorn's own, so a lock-out or an error in its log says when it happened.
    "formatters": {"stamped": {"format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
                               "datefmt": "%Y-%m-%d %H:%M:%S %z"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "stamped"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes says something at INFO on every start and every sign-in; its warnings (failures,
        # lock-outs) stay, and archive.signin logs each refused sign-in with account and address.
        "axes": {"level": "WARNING"},
    },
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
