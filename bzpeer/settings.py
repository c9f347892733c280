"""BZPEER settings.

Every knob is an environment variable with a default that works on a bare machine: with nothing
set, BZPEER runs embedded (SQLite under var/, local-memory cache, Celery tasks run in-process).
Set DATABASE_URL and REDIS_URL for the production stack. `.env.example` documents each variable.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BZPEER_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str) -> str:
    """An http(s) address without a trailing slash, such as https://orcid.org."""
    raw = env_str(name, default).strip().rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) address, got {raw!r}")
    return raw


DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "django-insecure-embedded-development-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address, for absolute links in mail and the API. Required when DEBUG is off (the
# bzpeer.E001 check): a real deployment must not link to localhost. `make run` sets it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").strip().rstrip("/")
SITE_HOST = urlsplit(SITE_URL).hostname or ""
if SITE_HOST and SITE_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(SITE_HOST)
# Served over HTTPS (behind a TLS proxy) when the address says so; `make run` serves plain HTTP.
SITE_IS_HTTPS = SITE_URL.startswith("https://")
# A host name whose root serves the OpenAlex-compatible API (e.g. "api.bzpeer.example"), for
# clients such as openalexR that keep only the host of a base URL. Empty: /openalex/ only.
OPENALEX_API_HOST = env_str("OPENALEX_API_HOST").strip().lower()
if OPENALEX_API_HOST and OPENALEX_API_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(OPENALEX_API_HOST)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Trigram lookups for name search on PostgreSQL; harmless on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    # Scripts sign in with a token; only its hash is stored (profiles.accounts.tokens).
    "rest_framework.authtoken",
    "drf_spectacular",
    # FilterSets: the researcher filters shared by the directory and the REST list.
    "django_filters",
    # Swagger UI served from our own static files: no CDN.
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    # Installed always so its tables exist in every environment.
    "allauth.socialaccount",
    # Its URLs exist always; they answer 404 until ORCID_CLIENT_ID and _SECRET are set.
    "allauth.socialaccount.providers.orcid",
    # The site's own system checks (bzpeer.checks); no models.
    "bzpeer.apps.SiteConfig",
    "profiles",
    "works",
    "graph",
    "collaboration",
    # The synthetic world for make run and make bench (generate_synthetic, load_demo, bench_graph).
    "bzpeer.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bzpeer.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware: it picks the URLconf for the OpenAlex API host name.
    "works.openalex_api.middleware.OpenAlexHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, so that its Content-Length counts the cleaned body.
    "bzpeer.middleware.StripBidiControlsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "bzpeer.urls"
WSGI_APPLICATION = "bzpeer.wsgi.application"
ASGI_APPLICATION = "bzpeer.asgi.application"

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
            # |safe_url and |strip_bidi in every template, with no {% load %} to forget.
            "builtins": ["bzpeer.template_filters"],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, or the embedded SQLite file.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "bzpeer.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "profiles.User"


def redis_url_for_test_worker(url: str) -> str:
    """REDIS_URL, or under pytest-xdist the database after it by the worker's index (gw0, gw1..).

    Parallel test workers each get a PostgreSQL test database of their own (pytest-django);
    this gives each its own Redis database too, so one worker's cache.clear() or rate-limit
    counters never reach another's. The worker test's Celery process inherits the variable.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    try:
        database = int(parts.path.strip("/") or 0) + int(worker[2:])
    except ValueError:
        raise ImproperlyConfigured(
            f"REDIS_URL must end in a database number, got {url!r}"
        ) from None
    return urlunsplit(parts._replace(path=f"/{database}"))


# Cache and Celery: Redis from REDIS_URL, or local memory and in-process tasks.
REDIS_URL = redis_url_for_test_worker(env_str("REDIS_URL"))
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, missing instead of failing while Redis is down (bzpeer/cache.py).
            "BACKEND": "bzpeer.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "bzpeer"),
            "TIMEOUT": 3600,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "REDIS_CLIENT_CLASS": "bzpeer.cache.FailFastRedis",
                # A Redis that hangs must not hang the page: give up quickly, render without it.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
# A broker that is down must not hang a web request for long: fail fast, the caller reports it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# `celery -A bzpeer beat` runs these; each task is idempotent, so a repeated run is harmless.
CELERY_BEAT_SCHEDULE = {
    "weekly-digest": {
        "task": "collaboration.tasks.digests_send_weekly",
        # Monday morning (UTC): the digest covers the week that ended at Monday 00:00.
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Graph builds whose queue message a Redis restart lost are sent again (graph/services.py).
    "requeue-lost-graph-slices": {
        "task": "graph.tasks.requeue_lost_graph_slices",
        "schedule": float(env_int("GRAPH_REQUEUE_SWEEP_SECONDS", 30, minimum=1)),
    },
}
# Beat (`celery worker --beat`) keeps its last run times here; scripts/run.sh creates VAR_DIR.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Mail: files under var/mail/ when embedded, SMTP from the environment in production.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BZPEER <no-reply@bzpeer.localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development, serve static files straight from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# HTTPS hardening, on whenever the site's address is https:// (in production: DEBUG off and
# SITE_URL required). `make run` serves http://127.0.0.1:8000 with DEBUG off and these off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SITE_IS_HTTPS)
# Sessions are read from the cache (written through to the database, so a lost cache signs
# nobody out): a signed-in page costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=SITE_IS_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=SITE_IS_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SITE_IS_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SITE_IS_HTTPS
SECURE_HSTS_PRELOAD = SITE_IS_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks come over plain HTTP from inside the network; a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Sent with every response (bzpeer.middleware): scripts and styles only from our own files, so
# a link or markup that slipped through cannot run. JSON-LD blocks are data, not scripts.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # data: for the small SVG icons in the Swagger UI's stylesheet; images never run code.
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# How many proxies of ours stand in front of the site and append the client's address to
# X-Forwarded-For. 0 (no proxy): the address is REMOTE_ADDR and the header is ignored, so
# nobody picks their own throttle bucket. N: the N-th address from the right. It drives DRF's
# throttles and allauth's login and sign-up limits alike.
TRUSTED_PROXY_COUNT = env_int("BZPEER_TRUSTED_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as "120/minute" (DRF reads the number and the period's first letter)."""
    raw = env_str(name, default).strip()
    number, _, period = raw.partition("/")
    if not number.isdigit() or period not in {"second", "minute", "hour", "day"}:
        raise ImproperlyConfigured(f"{name} must look like 120/minute, got {raw!r}")
    return raw


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that an anonymous request is answered 401 with a WWW-Authenticate header.
        "profiles.accounts.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in as well as out: a form encoding cannot say null, which several bodies use.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # drf-spectacular's, with the error answers every operation can give (bzpeer/schema.py).
    "DEFAULT_SCHEMA_CLASS": "bzpeer.schema.ApiSchema",
    # A service's DomainError answers as {"detail": message} with its 4xx status.
    "EXCEPTION_HANDLER": "bzpeer.errors.api_exception_handler",
    # The anon and user rates, one cache round trip a request (bzpeer/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["bzpeer.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "120/minute"),
        "user": env_rate("API_THROTTLE_USER", "600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BZPEER API",
    "DESCRIPTION": (
        "Researcher profiles, works, topics and institutions; following; and an "
        "OpenAlex-compatible read API under /openalex/. Scripts authenticate with "
        "`Authorization: Token <token>` (create one at /account/tokens/)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Named here, as drf-spectacular's own naming gave a record's claim_status the name (and
    # so the values) of a claim's status.
    "ENUM_NAME_OVERRIDES": {
        "ResearcherClaimStatusEnum": "works.models.Researcher.ClaimStatus",
        "ClaimStatusEnum": "profiles.claims.models.Claim.Status",
        "SuggestionKindEnum": "profiles.corrections.models.CorrectionSuggestion.Kind",
    },
}

# Accounts (django-allauth): the email address is the login and must be confirmed by a link.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Signs nobody in; loads the signed-in users from the cache (profiles/accounts/backends.py).
    "profiles.accounts.backends.CachedUserBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
# No username field is shown; allauth fills the model's username from the address.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# And the person's given and family names (optional), which claims compare with the record's.
ACCOUNT_SIGNUP_FORM_CLASS = "profiles.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Signed in straight after confirming, but only in the browser session that signed up.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BZPEER] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_IS_HTTPS else "http"
# Failed sign-ins lock out one account from one address (profiles.account_adapter keys them so):
# guessing one person's password neither locks everyone out behind a shared address nor locks
# that person out everywhere. The per-address limit after it only counts attempts the
# per-account limit let through, so it stops spraying many accounts, not one forgetful person.
ACCOUNT_ADAPTER = "profiles.account_adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,30/10m/ip",
    # Every sign-in POST, right or wrong: a flood guard above the failed-attempt limits.
    "login": "60/m/ip",
}
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Sign-in with ORCID, switched on only when both are set (register the app at
# https://orcid.org/developer-tools; redirect URI <SITE_URL>/accounts/orcid/login/callback/):
#   ORCID_CLIENT_ID      the client id, e.g. APP-XXXXXXXXXXXXXXXX
#   ORCID_CLIENT_SECRET  its secret
#   ORCID_BASE_URL       optional, https://sandbox.orcid.org for ORCID's test registry
#   ORCID_API_URL        optional, where the public records are read (https://pub.<base host>)
# The provider (profiles.accounts.orcid) reads both addresses at each request, so a test can
# point it at a local server; without an id and secret its pages answer 404.
ORCID_CLIENT_ID = env_str("ORCID_CLIENT_ID")
ORCID_CLIENT_SECRET = env_str("ORCID_CLIENT_SECRET")
ORCID_ENABLED = bool(ORCID_CLIENT_ID and ORCID_CLIENT_SECRET)
ORCID_BASE_URL = env_url("ORCID_BASE_URL", "https://orcid.org")
ORCID_API_URL = env_url("ORCID_API_URL", "https://pub." + urlsplit(ORCID_BASE_URL).netloc)
SOCIALACCOUNT_PROVIDERS = {
    "orcid": {"provider_class": "profiles.accounts.orcid.provider.OrcidProvider"},
}
if ORCID_ENABLED:
    # The sign-in form posts to us and we redirect to ORCID, which form-action also governs.
    CONTENT_SECURITY_POLICY["form-action"].append(ORCID_BASE_URL)
    SOCIALACCOUNT_PROVIDERS["orcid"]["APPS"] = [
        {"client_id": ORCID_CLIENT_ID, "secret": ORCID_CLIENT_SECRET}
    ]

# BZPEER's own knobs.
BZPEER = {
    # Works per page on the profile; the page reads one page, never the whole list.
    # 50 shows a typical record whole, as the seed page shows its 36 works.
    "PROFILE_WORKS_PER_PAGE": env_int("PROFILE_WORKS_PER_PAGE", 50, minimum=1),
    "DIRECTORY_PER_PAGE": env_int("DIRECTORY_PER_PAGE", 25, minimum=1),
    # Rows per transaction in the importer; a failing batch rolls back whole.
    "IMPORT_BATCH_SIZE": env_int("IMPORT_BATCH_SIZE", 500, minimum=1),
    # The longest one part of a snapshot run may take in a worker (a part of OpenAlex's works
    # holds up to about 700,000 records), in seconds.
    "IMPORT_PART_TIME_LIMIT": env_int("IMPORT_PART_TIME_LIMIT", 6 * 3600, minimum=1),
    # Works with more authors than this make no collaborator or co-author edges (TRUST.md).
    "CONSORTIUM_AUTHOR_LIMIT": 50,
    # Collaboration invites (collaboration/invites.py): the longest message or reply, the invites
    # one sender may send in 24 hours (counted in the database), and the attempts a minute one
    # account may make on the invite endpoint (a cache counter against scripted bursts).
    "INVITE_MESSAGE_MAX": env_int("INVITE_MESSAGE_MAX", 2000, minimum=1),
    "INVITE_DAILY_CAP": env_int("INVITE_DAILY_CAP", 10, minimum=1),
    "INVITE_RATE_PER_MINUTE": env_int("INVITE_RATE_PER_MINUTE", 5, minimum=1),
    # Whether `make run` (manage.py load_demo) loads the invented demo world into an empty
    # database; `manage.py remove_demo` takes it out again.
    "DEMO": env_bool("BZPEER_DEMO", True),
}

# Incremental sync from an OpenAlex-format API (manage.py sync_openalex --api).
OPENALEX_SYNC = {
    "API_URL": env_str("OPENALEX_SYNC_API_URL", "https://api.openalex.org").rstrip("/"),
    "MAILTO": env_str("OPENALEX_SYNC_MAILTO", ""),
    "API_KEY": env_str("OPENALEX_SYNC_API_KEY", ""),
    "RETRIES": env_int("OPENALEX_SYNC_RETRIES", 5, minimum=0),
    "BACKOFF_MS": env_int("OPENALEX_SYNC_BACKOFF_MS", 1000),
    "TIMEOUT_SECONDS": env_int("OPENALEX_SYNC_TIMEOUT_SECONDS", 30, minimum=1),
}

# The research graph (graph/): how much a slice reads, how much it keeps, how builds are retried.
GRAPH = {
    # Candidate works read per slice: this many newest plus this many most cited.
    "WORKS_READ": env_int("GRAPH_WORKS_READ", 60, minimum=1),
    # Candidate co-authors read per slice, the ones sharing most works first.
    "COAUTHORS_READ": env_int("GRAPH_COAUTHORS_READ", 60, minimum=1),
    # Nodes kept per type after ranking (about 80 in all for the inline slice).
    "CAPS": {
        "researcher": env_int("GRAPH_CAP_RESEARCHERS", 25, minimum=1),
        "work": env_int("GRAPH_CAP_WORKS", 30, minimum=0),
        "topic": env_int("GRAPH_CAP_TOPICS", 12, minimum=0),
        "institution": env_int("GRAPH_CAP_INSTITUTIONS", 12, minimum=0),
    },
    # Nodes returned when the explorer expands one node.
    "NEIGHBOURS_LIMIT": env_int("GRAPH_NEIGHBOURS_LIMIT", 25, minimum=1),
    # A build queued or running for longer than this is taken as lost (a killed worker).
    "STUCK_AFTER_SECONDS": env_int("GRAPH_STUCK_AFTER_SECONDS", 600, minimum=1),
    # A build still queued after this long may have lost its message (a Redis restart); the
    # beat sweep sends it again (a duplicate is harmless: the claim lets one copy build).
    "REQUEUE_AFTER_SECONDS": env_int("GRAPH_REQUEUE_AFTER_SECONDS", 60, minimum=1),
    # Transient database errors are retried this many times, backing off up to the maximum.
    "BUILD_MAX_RETRIES": env_int("GRAPH_BUILD_MAX_RETRIES", 3, minimum=0),
    "BUILD_RETRY_BACKOFF_MAX": env_int("GRAPH_BUILD_RETRY_BACKOFF_MAX", 60, minimum=1),
    # How long the page waits before asking again for a slice that is being built.
    "POLL_SECONDS": env_int("GRAPH_POLL_SECONDS", 2, minimum=1),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
