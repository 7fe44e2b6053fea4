"""Action Hub settings: one module, configured only by environment variables.

Every variable is documented in .env.example. DJANGO_ENV picks the defaults:
- production (the default): nothing insecure is assumed; DJANGO_SECRET_KEY and
  DJANGO_ALLOWED_HOSTS must be set.
- development (`make run`): debug pages, email written to files under var/mail/.
- test (set automatically under pytest): production-like, with test conveniences.
"""

import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

UNDER_PYTEST = "pytest" in sys.modules
if os.environ.get("DJANGO_ENV") != "test" and not UNDER_PYTEST:
    load_dotenv(BASE_DIR / ".env", override=False)  # the real environment wins

ENVIRONMENT = os.environ.get("DJANGO_ENV") or ("test" if UNDER_PYTEST else "production")
if ENVIRONMENT not in {"production", "development", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be production, development or test.")

IS_PRODUCTION = ENVIRONMENT == "production"
IS_DEVELOPMENT = ENVIRONMENT == "development"
IS_TEST = ENVIRONMENT == "test"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", IS_DEVELOPMENT)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set in production (see .env.example)."
        )
    SECRET_KEY = f"insecure-{ENVIRONMENT}-key-never-use-in-production-{BASE_DIR.name}"

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if IS_PRODUCTION else LOCAL_HOSTS)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = env("SITE_NAME", "Action Hub")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Where supporters send data protection requests (to see, correct or erase what is held, or to
# object): shown in the privacy notice and on "Your data". An address at a documentation-only
# domain (example.org, .example) reaches nobody, so production refuses to start with one.
PLACEHOLDER_EMAIL_DOMAIN = re.compile(
    r"@(?:[^@]*\.)?(?:example\.(?:org|com|net)|[^@]*\.(?:example|invalid|test|localhost))$",
    re.IGNORECASE,
)
DATA_PROTECTION_EMAIL = env(
    "DATA_PROTECTION_EMAIL", "" if IS_PRODUCTION else "privacy@example.org"
).strip()
if IS_PRODUCTION and (
    not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", DATA_PROTECTION_EMAIL)
    or PLACEHOLDER_EMAIL_DOMAIN.search(DATA_PROTECTION_EMAIL)
):
    raise ImproperlyConfigured(
        "DATA_PROTECTION_EMAIL must be set in production to the address that answers data "
        "protection requests"
        + (f", not the placeholder {DATA_PROTECTION_EMAIL!r}" if DATA_PROTECTION_EMAIL else "")
        + " (see .env.example)."
    )

VAR_DIR = Path(env("ACTIONHUB_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "actionhub.core.admin_config.OrganiserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "actionhub.core",
    "actionhub.staff",
    "actionhub.campaigns",
    "actionhub.supporters",
    "actionhub.parliament",
    "actionhub.pledges",
    "actionhub.letters",
    "actionhub.events",
    "actionhub.brands",
    "actionhub.mailings",
    "actionhub.groups",
    "actionhub.rights",
    "actionhub.console",
    "django.forms",
]
# Form widgets' templates are found like any other, so the project can override the admin's
# (its date-and-time widget gives each box a label).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "actionhub.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "actionhub.core.page_cache.PublicPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "actionhub.urls"
WSGI_APPLICATION = "actionhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "actionhub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actionhub.core.context_processors.site",
                "actionhub.core.context_processors.visitor_tokens",
            ],
        },
    },
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL names another (PostgreSQL).
SQLITE_PATH = VAR_DIR / "actionhub.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at the start of a transaction, so the web process and the
        # task worker queue politely instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "actionhub.core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that hangs costs each cache call at most this, not a worker for good.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits and per-address caps must be counted where every process sees them: the shared
# cache when there is one, else the database (core.ratelimit).
RATE_LIMIT_STORE = "cache" if CACHE_URL else "database"
# Pages a visitor without a session sees are kept whole this long (core.page_cache); the suite
# turns it off unless a test is about it, so no test sees another's page.
PAGE_CACHE_SECONDS = 0 if IS_TEST else env_int("PAGE_CACHE_SECONDS", 10)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Staff accounts: argon2, long passwords, django-axes against guessing, TOTP required for admin.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:sign-in"
LOGIN_REDIRECT_URL = "admin:index"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "actionhub.core.ip.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log already
AXES_VERBOSE = False

OTP_TOTP_ISSUER = SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1

# Security headers and cookies.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# A task marked running for longer than any task takes belongs to a worker that died; it is
# queued again (core.queue).
TASK_STALLED_AFTER = timedelta(minutes=env_int("TASK_STALLED_AFTER_MINUTES", 15))
# A message the mail server does not take is tried again after each of these delays in turn
# (about a day in all), then marked failed for organisers to see (core.email).
EMAIL_RETRY_DELAYS = [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                      timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=30)] + [
    timedelta(hours=1)] * 23  # fmt: skip
# Email: only ever sent from a task. Without EMAIL_HOST, messages are written as files.
# Emails about a campaign show the campaign's name as the sender, with this address.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Action Hub <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if IS_TEST:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 30
elif IS_PRODUCTION:
    raise ImproperlyConfigured(
        "EMAIL_HOST must be set in production: without it no email would reach anyone."
    )
else:
    EMAIL_BACKEND = "actionhub.core.mail_backends.FolderEmailBackend"

# Pledge signing: robots and floods are quarantined (kept for review, never counted or emailed).
PLEDGE_MIN_FORM_SECONDS = env_int("PLEDGE_MIN_FORM_SECONDS", 2)
PLEDGE_RATE_LIMITS = [
    (env_int("PLEDGE_SIGNATURES_PER_MINUTE_PER_IP", 20), 60),
    (env_int("PLEDGE_SIGNATURES_PER_HOUR_PER_IP", 200), 3600),
]
PLEDGE_COUNT_MAX_AGE = env_int("PLEDGE_COUNT_MAX_AGE", 10)
# An export of more than EXPORT_APPROVAL_ABOVE people waits for a second organiser's approval,
# when two or more active organisers may export.
EXPORT_NEEDS_SECOND_APPROVAL = env_bool("EXPORT_NEEDS_SECOND_APPROVAL", True)
EXPORT_APPROVAL_ABOVE = 100
# Campaign emails (actionhub.mailings): one to more than MAILING_APPROVAL_ABOVE people waits
# for a second organiser's approval where there are two or more who may send; sent in batches
# on the task worker, no faster than MAILING_MESSAGES_PER_SECOND (0: as fast as the mail
# server takes them; most providers set a limit).
MAILING_NEEDS_SECOND_APPROVAL = env_bool("MAILING_NEEDS_SECOND_APPROVAL", True)
MAILING_APPROVAL_ABOVE = env_int("MAILING_APPROVAL_ABOVE", 500)
MAILING_MESSAGES_PER_SECOND = float(env("MAILING_MESSAGES_PER_SECOND", "") or 14)
MAILING_BATCH_SIZE = env_int("MAILING_BATCH_SIZE", 500)
# How long a batch holds a mailing before another may take it over (its worker having died);
# renewed as it sends. Well under TASK_STALLED_AFTER, after which a dead worker's batch is
# queued again.
MAILING_LEASE = timedelta(seconds=env_int("MAILING_LEASE_SECONDS", 120))
# Community groups registered, co-leaders invited or page links asked for from one connection.
GROUP_RATE_LIMITS = [(env_int("GROUP_ACTIONS_PER_DAY_PER_IP", 10), 24 * 60 * 60)]
# Emails sent to one address in a day only because someone typed it into a form (confirmation
# links, "you have already signed"), across every form; beyond this none are sent.
SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY = env_int("SUPPORTER_UNCONFIRMED_EMAILS_PER_DAY", 6)
# Requests for a new erase link from one connection in an hour.
SUPPORTER_ERASE_LINK_LIMITS = [(env_int("SUPPORTER_ERASE_LINKS_PER_HOUR_PER_IP", 10), 3600)]
# Requests for a link to see one's data ("Your data"), from one connection in an hour.
SUPPORTER_DATA_LINK_LIMITS = [(env_int("SUPPORTER_DATA_LINKS_PER_HOUR_PER_IP", 10), 3600)]
# Links to see one's data sent to one address in a day: counted on their own, so that nobody
# can use up the address's cap for the confirmations of what its owner does.
# A record with more items than this is made into a download by the task worker.
RIGHTS_EXPORT_IN_REQUEST_ITEMS = env_int("RIGHTS_EXPORT_IN_REQUEST_ITEMS", 200)
SUPPORTER_DATA_LINK_ADDRESS_LIMITS = [
    (env_int("SUPPORTER_DATA_LINKS_PER_DAY_PER_ADDRESS", 3), 24 * 60 * 60)
]
DISPOSABLE_EMAIL_DOMAINS = {
    domain.casefold()
    for domain in env_list(
        "DISPOSABLE_EMAIL_DOMAINS",
        [
            "10minutemail.com", "dispostable.com", "getnada.com", "guerrillamail.com",
            "mailinator.com", "maildrop.cc", "sharklasers.com", "temp-mail.org",
            "trashmail.com", "yopmail.com",
        ],
    )
}  # fmt: skip

# Letters to MPs. Per-address limits keep a shared connection (a letter-writing evening in a
# community hall) working while stopping floods; the site sends at most one letter per person,
# MP and template in LETTERS_RESEND_DAYS.
LETTERS_RATE_LIMITS = [
    (env_int("LETTERS_PER_HOUR_PER_IP", 30), 3600),
    (env_int("LETTERS_PER_DAY_PER_IP", 100), 24 * 3600),
]
LETTERS_LOOKUP_RATE_LIMITS = [(env_int("LETTERS_POSTCODE_LOOKUPS_PER_HOUR_PER_IP", 120), 3600)]
LETTERS_RESEND_DAYS = env_int("LETTERS_RESEND_DAYS", 30)
# The sender of letters to MPs; replies go to the constituent (Reply-To).
LETTERS_FROM_EMAIL = env("LETTERS_FROM_EMAIL", DEFAULT_FROM_EMAIL)

# Events: RSVPs (single dates and "every week") from one connection.
EVENTS_RSVP_RATE_LIMITS = [(env_int("EVENTS_RSVPS_PER_HOUR_PER_IP", 30), 3600)]

# Supplier-list screening. Each upload is read before it can be refused, so uploads are limited
# through one brand's private link (a burst, and a day's worth) and from one connection, the
# organisers' admin included. Every upload counts, refused or not.
SCREENING_LINK_RATE_LIMITS = [
    (env_int("SCREENING_UPLOADS_PER_MINUTE_PER_LINK", 3), 60),
    (env_int("SCREENING_UPLOADS_PER_DAY_PER_LINK", 30), 24 * 3600),
]
SCREENING_CONNECTION_RATE_LIMITS = [(env_int("SCREENING_UPLOADS_PER_HOUR_PER_IP", 30), 3600)]

# Postcode -> constituency -> MP: "local" (imported data), "remote" (postcodes.io and the
# Parliament Members API) or "auto" (local once postcodes are imported, else remote).
POSTCODE_LOOKUP_BACKEND = env("POSTCODE_LOOKUP_BACKEND", "auto")
if POSTCODE_LOOKUP_BACKEND not in {"auto", "local", "remote"}:
    raise ImproperlyConfigured("POSTCODE_LOOKUP_BACKEND must be auto, local or remote.")
POSTCODES_IO_URL = env("POSTCODES_IO_URL", "https://api.postcodes.io")
MEMBERS_API_URL = env("MEMBERS_API_URL", "https://members-api.parliament.uk")
LOOKUP_TIMEOUT = env_int("LOOKUP_TIMEOUT_SECONDS", 3)
LOOKUP_RETRIES = env_int("LOOKUP_RETRIES", 2)
# Where `manage.py import_uk_data` downloads the official data. The ONS publishes each
# quarter's Postcode Directory at a new address: set it to the current ONSPD (or NSPL) zip.
UK_DATA_CONSTITUENCIES_URL = env(
    "UK_DATA_CONSTITUENCIES_URL",
    "https://open-innovations.org/projects/hexmaps/maps/uk-constituencies-2023.hexjson",
)
UK_DATA_MPS_URL = env(
    "UK_DATA_MPS_URL",
    "https://raw.githubusercontent.com/dfe-analytical-services/mp-lookup/refs/heads/main/mp_lookup.csv",
)
UK_DATA_POSTCODES_URL = env("UK_DATA_POSTCODES_URL")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic fills STATIC_ROOT in production; elsewhere files are served from the apps.
STATIC_ROOT = VAR_DIR / "static" if IS_PRODUCTION else None
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "actionhub" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "actionhub": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
