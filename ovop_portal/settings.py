"""Settings for OVOP Portal, read from the environment.

Every variable is listed in .env.example. The helpers below fail loudly on a
malformed value instead of guessing, so a typo in production stops start-up.
"""

import math
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_number(name: str, default, parse, described: str):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = parse(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # "nan" and "inf" parse as floats, and no setting means them
        raise ImproperlyConfigured(f"{name} must be {described}, not {raw!r}")
    return value


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off; "
            "set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 -- DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The regency this deployment serves, by its Kemendagri code (36.04 = Kabupaten Serang).
OVOP_REGENCY_CODE = env_str("OVOP_REGENCY_CODE", "36.04")
if not re.fullmatch(r"\d{2}\.\d{2}", OVOP_REGENCY_CODE):
    raise ImproperlyConfigured(
        f"OVOP_REGENCY_CODE must be a regency code like 36.04, not {OVOP_REGENCY_CODE!r}"
    )
# The area the portal serves: its regency by default; a province (36) or the whole country (ID) for a
# provincial or national deployment (villages.models.service_area).
OVOP_AREA_CODE = env_str("OVOP_AREA_CODE") or OVOP_REGENCY_CODE
if not re.fullmatch(r"ID|\d{2}|\d{2}\.\d{2}", OVOP_AREA_CODE):
    raise ImproperlyConfigured(
        f"OVOP_AREA_CODE must be a regency (36.04), a province (36) or ID, not {OVOP_AREA_CODE!r}"
    )
# A flagship product with no mentoring visit for this many days is listed as overdue.
OVOP_MENTORING_DAYS = env_int("OVOP_MENTORING_DAYS", 90)
# A flagship whose turnover or production volume fell in each of this many consecutive quarters
# (assistance.models.OutcomeRecord) needs help (assistance.situations).
OVOP_DECLINE_QUARTERS = env_int("OVOP_DECLINE_QUARTERS", 2)
# A flagship with no outcome figures for this many finished quarters (counted from its designation
# at the earliest) needs help.
OVOP_OUTCOME_SILENCE_QUARTERS = env_int("OVOP_OUTCOME_SILENCE_QUARTERS", 2)
if OVOP_DECLINE_QUARTERS < 1 or OVOP_OUTCOME_SILENCE_QUARTERS < 1:
    raise ImproperlyConfigured("OVOP_DECLINE_QUARTERS and OVOP_OUTCOME_SILENCE_QUARTERS must be 1 or more")
# The roles that may assess products (products.models.AssessorRole values): the assessment service
# and model refuse anyone else, and public pages name the role that assessed.
ASSESSOR_ROLE_VALUES = ("admin_dinas", "petugas_dinas", "petugas_kecamatan")
OVOP_ASSESSOR_ROLES = frozenset(env_list("OVOP_ASSESSOR_ROLES", ",".join(ASSESSOR_ROLE_VALUES)))
if not OVOP_ASSESSOR_ROLES or OVOP_ASSESSOR_ROLES - set(ASSESSOR_ROLE_VALUES):
    raise ImproperlyConfigured(
        f"OVOP_ASSESSOR_ROLES must list one or more of {', '.join(ASSESSOR_ROLE_VALUES)}, "
        f"not {env_str('OVOP_ASSESSOR_ROLES')!r}"
    )
# Whether the public product page may show assistance amounts (never officers' names).
OVOP_PUBLIC_ASSISTANCE_AMOUNTS = env_bool("OVOP_PUBLIC_ASSISTANCE_AMOUNTS", False)
# Seconds an anonymous public page stays in the cache (writes invalidate it at once, see cache.py).
OVOP_PUBLIC_CACHE_SECONDS = env_int("OVOP_PUBLIC_CACHE_SECONDS", 600)
# Seconds the officials' dashboard figures stay in the cache (writes invalidate them at once).
OVOP_FIGURES_CACHE_SECONDS = env_int("OVOP_FIGURES_CACHE_SECONDS", 600)
# Every reuse of a query compiled ahead (core.prepared) compiles it again and fails when its SQL
# differs: on in the test suite, to catch a key that misses an input; off in production.
OVOP_PREPARED_CHECK = env_bool("OVOP_PREPARED_CHECK", False)
# Map tiles behind the public map ({z}/{x}/{y} template); empty: no tiles, the places still show.
OVOP_MAP_TILE_URL = env_str("OVOP_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
OVOP_MAP_ATTRIBUTION = env_str("OVOP_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
if OVOP_MAP_TILE_URL and not re.match(r"https://[^/{}]+/", OVOP_MAP_TILE_URL):
    raise ImproperlyConfigured(f"OVOP_MAP_TILE_URL must be an https:// URL, not {OVOP_MAP_TILE_URL!r}")
OVOP_REGION_FILE = Path(env_str("OVOP_REGION_FILE", str(BASE_DIR / "data" / "wilayah" / "wilayah_id.csv.gz")))

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
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "core",
    "villages",
    "products",
    "assistance",
    "accounts",
    "regency",
    "jobs",
    "reminders",
    "catalogue",
    "officials",
    "seeding",
    "backups",
    "opendata",
    "rest_framework",
    "drf_spectacular",
    "ovop_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ovop_portal.middleware.RefuseNulCharactersMiddleware",
    # Anonymous visitors' cached public pages, answered before the session and everything below it.
    "core.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ovop_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: marks a session verified by a TOTP or recovery code (django-otp), then sends
    # the roles that must use it to set it up or to verify before any officials' or admin page.
    "django_otp.middleware.OTPMiddleware",
    "accounts.twofactor.TwoFactorRequiredMiddleware",
    "ovop_portal.middleware.PrivateResponsesMiddleware",  # private, no-store: officials and non-public pages
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with its own page.
    "axes.middleware.AxesMiddleware",
]

# SQLite ignores an index's covering (`include`) columns, and says so: products' catalogue_flagships_first
# serves the same order there without its covering column (PostgreSQL uses it).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

ROOT_URLCONF = "ovop_portal.urls"
WSGI_APPLICATION = "ovop_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ovop_portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL: a statement running longer than this is cancelled (0: no limit). Set it for the web
# processes (deploy/ovop.env), not for the worker or migrations, which may run longer.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database host fails a request (and /readyz/) in seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it spends 0.5-0.7 s compiling each query that scans a national table (measured with
    # bench/profile.py), far more than the portal's short reads ever gain from it.
    server_options = ["-c jit=off"]
    # Index reads priced as what they are on SSDs with the data cached (PostgreSQL's default, 4, prices
    # a disk seek): a regency's few hundred rows sit at 1/250 of the country's tables, where the default
    # priced looking them up by index and scanning the whole table alike, and the plan flipped between
    # 4 ms and 30-400 ms with each ANALYZE (villages/migrations/0004_area_statistics.py).
    server_options.append(f"-c random_page_cost={env_float('DATABASE_RANDOM_PAGE_COST', 1.1):g}")
    if DATABASE_STATEMENT_TIMEOUT_MS:
        server_options.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(server_options)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite holds one writer at a time: take the write lock when a transaction starts
    # (a read that later writes cannot then fail half-way) and wait for it instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# JSON that keeps microseconds, for backups (backups/services.py).
SERIALIZATION_MODULES = {"exactjson": "backups.serializers"}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ovop_portal.cache_backends.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ovop",
            "OPTIONS": {
                # Fail fast when Redis is down or hung, instead of holding the request; after
                # BREAKER_FAILURES failures in a row Redis is skipped for BREAKER_SECONDS, then probed
                # once (ovop_portal/cache_backends.py).
                "socket_connect_timeout": env_int("OVOP_REDIS_TIMEOUT_MS", 100) / 1000,
                "socket_timeout": env_int("OVOP_REDIS_TIMEOUT_MS", 100) / 1000,
                "BREAKER_FAILURES": env_int("OVOP_REDIS_BREAKER_FAILURES", 3),
                "BREAKER_SECONDS": env_int("OVOP_REDIS_BREAKER_SECONDS", 10),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions in the database only, with or without Redis: a sign-out deletes the row even while Redis is
# down, and a Redis restored from its saved data has no session to bring back. The cost is one query by
# primary key per signed-in request (what cached_db paid on every cache miss and every write anyway).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account and address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes): after this many failures the account is locked from that address.
AXES_FAILURE_LIMIT = env_int("OVOP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("OVOP_LOGIN_LOCKOUT_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The visitor's address for the lockout and the password-reset throttle: REMOTE_ADDR, or behind
# DJANGO_PROXY_COUNT trusted proxies the X-Forwarded-For entry the outermost one appended (see there
# why a callable rather than django-ipware, whose AXES_IPWARE_* settings do nothing when it is absent).
AXES_CLIENT_IP_CALLABLE = "accounts.passwords.client_address"
# Two-factor sign-in (TOTP, with recovery codes): required of the Admin Dinas and Dinas officials,
# optional for kecamatan officers. On by default in production; off by default in development, so the
# demo accounts sign in with a password only (anyone may still set it up).
OVOP_TWO_FACTOR_REQUIRED = env_bool("OVOP_TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = env_str("OVOP_TWO_FACTOR_ISSUER", "OVOP Portal")
# The device admin never shows secrets, QR codes or recovery codes (accounts/admin.py replaces it anyway).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password-reset requests answered with an e-mail per visitor address and per e-mail address, per hour.
OVOP_PASSWORD_RESET_LIMIT = env_int("OVOP_PASSWORD_RESET_LIMIT", 5)
if OVOP_PASSWORD_RESET_LIMIT < 1:
    raise ImproperlyConfigured(f"OVOP_PASSWORD_RESET_LIMIT must be 1 or more: {OVOP_PASSWORD_RESET_LIMIT}")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "officials:home"
LOGOUT_REDIRECT_URL = "catalogue:home"

# Indonesian is the source language of the interface; English is the translation.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Legality scans: outside MEDIA_ROOT, served only through the portal's access check.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
# Behind nginx: the internal location that serves PRIVATE_MEDIA_ROOT (X-Accel-Redirect), e.g.
# "/_private/". Empty: the portal streams private files itself (development).
OVOP_PRIVATE_FILES_ACCEL = env_str("OVOP_PRIVATE_FILES_ACCEL", "")
if OVOP_PRIVATE_FILES_ACCEL and not (
    OVOP_PRIVATE_FILES_ACCEL.startswith("/") and OVOP_PRIVATE_FILES_ACCEL.endswith("/")
):
    raise ImproperlyConfigured(
        f"OVOP_PRIVATE_FILES_ACCEL must start and end with '/', not {OVOP_PRIVATE_FILES_ACCEL!r}"
    )
STORAGES = {
    # Both remove a partly written file when the disk is full (core/storage.py).
    "default": {"BACKEND": "core.storage.CleaningFileSystemStorage"},
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# The portal's public address, for links in e-mails and in QR codes (no trailing slash). Default: the
# first allowed host over https (http://127.0.0.1:8000 in development).
OVOP_PUBLIC_URL = env_str(
    "OVOP_PUBLIC_URL",
    f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and not DEBUG else "http://127.0.0.1:8000",
).rstrip("/")
# A host name (a first allowed host like ".example.go.id" or "*" is not one: set OVOP_PUBLIC_URL then).
if not re.fullmatch(r"https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?", OVOP_PUBLIC_URL):
    raise ImproperlyConfigured(
        f"OVOP_PUBLIC_URL must be like https://ovop.example.go.id, not {OVOP_PUBLIC_URL!r}"
        " (set it when the first of DJANGO_ALLOWED_HOSTS is a pattern)"
    )


def mailers_from_url(url: str) -> dict:
    """Django 6.1's MAILERS from one URL: smtp://user:password@host:587 (STARTTLS), smtps://…:465
    (TLS from the start), console: (development: e-mails printed to the log), locmem: (tests)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if url in {"console:", "console://"}:
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    if url in {"locmem:", "locmem://"}:
        return {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    wanted = "EMAIL_URL must be smtp://user:password@host:587, smtps://user:password@host:465 or console:"
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{wanted} (the port is not a number)") from None
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(wanted)
    implicit_tls = parts.scheme == "smtps"
    options = {
        "host": parts.hostname,
        "port": port or (465 if implicit_tls else 587),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": implicit_tls,
        # STARTTLS unless the URL says ?tls=false (a local relay or mail catcher on the same machine).
        "use_tls": not implicit_tls and parse_qs(parts.query).get("tls") != ["false"],
        "timeout": env_int("EMAIL_TIMEOUT_SECONDS", 10),
    }
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


# E-mail (password reset, reminders): one URL from the environment. Without it e-mails go to the console
# log; Django's `check --deploy` warns when that is so in production.
EMAIL_URL = env_str("EMAIL_URL")
MAILERS = mailers_from_url(EMAIL_URL or "console:")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OVOP Portal <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work (Django's tasks framework): the database backend, run by `manage.py run_worker`. In
# development, without a worker, tasks run at once inside the request (OVOP_TASKS=immediate).
OVOP_TASKS = env_str("OVOP_TASKS", "immediate" if DEBUG else "database")
if OVOP_TASKS not in {"database", "immediate"}:
    raise ImproperlyConfigured(f"OVOP_TASKS must be database or immediate, not {OVOP_TASKS!r}")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if OVOP_TASKS == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A worker that has not written its heartbeat for this many seconds is gone: /readyz/ says so, and its
# running tasks are put back in the queue (jobs.recovery).
OVOP_WORKER_STALE_SECONDS = env_int("OVOP_WORKER_STALE_SECONDS", 60)
# What the scheduler (manage.py run_scheduler) enqueues, and every how many seconds: a task's dotted path.
OVOP_SCHEDULE = [
    ("jobs.tasks.recover_stale_tasks", 60),
    ("reminders.tasks.send_due_reminders", 15 * 60),
    # Finished jobs (and their export files, which hold personal data) after 30 days; task results after 7.
    ("jobs.tasks.prune", 24 * 3600),
    # A province's or the country's village summaries, counted again when a write or the day made them
    # stale (officials.summary; nothing to do for a regency).
    ("officials.summary.refresh_summary", 60),
    # The products' stored flagship flag, repaired where a write behind the models' back left it wrong.
    ("products.tasks.refresh_flagship_listing", 24 * 3600),
]
# Imports with more rows than this run on the worker, with progress; smaller ones inside the request.
OVOP_BACKGROUND_IMPORT_ROWS = env_int("OVOP_BACKGROUND_IMPORT_ROWS", 300)
# Reminder digests: the hour (Asia/Jakarta) they are sent, and how far ahead expiring documents count.
OVOP_REMINDER_HOUR = env_int("OVOP_REMINDER_HOUR", 7)
OVOP_REMINDER_EXPIRY_DAYS = env_int("OVOP_REMINDER_EXPIRY_DAYS", 90)

# A form sent with an expired CSRF token: a page that says to reload the form, in the visitor's language.
CSRF_FAILURE_VIEW = "ovop_portal.errors.csrf_failure"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: the portal's own assets only (everything is vendored).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # The map's tile server (its origin only) is the one outside source, for images.
    "img-src": [CSP.SELF, "data:", *re.findall(r"^https://[^/]+", OVOP_MAP_TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Transport security: on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_SECONDS", 60 * 60 * 8)
# Office computers are shared: a sign-in ends when the browser closes, and after the age above anyway.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# How many proxies in front of the portal append to X-Forwarded-For (0: none, trust no header).
OVOP_PROXY_COUNT = 0
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    OVOP_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
    if not 1 <= OVOP_PROXY_COUNT <= 10:
        raise ImproperlyConfigured(f"DJANGO_PROXY_COUNT must be between 1 and 10, not {OVOP_PROXY_COUNT}")

# The open data's read-only public API (opendata/): JSON only (no browsable API), no sign-in (everyone is
# an anonymous visitor there), pages of 50 rows (?page_size= up to 200), and a rate per visitor address
# kept in the configured cache; behind a proxy the address is the one DJANGO_PROXY_COUNT says.
OVOP_API_RATE = env_str("OVOP_API_RATE", "60/min")
if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", OVOP_API_RATE):
    raise ImproperlyConfigured(f"OVOP_API_RATE must be a rate like 60/min, not {OVOP_API_RATE!r}")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.defaults.VisitorRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": OVOP_API_RATE},
    "NUM_PROXIES": OVOP_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "opendata.defaults.OpenDataPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OVOP Portal open data API",
    "DESCRIPTION": "Read-only public data of the One Village One Product programme: villages, published "
    "products, consenting producers, flagship designations and public assistance summaries.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
