"""chibo settings: one file, read from environment variables (see .env.example).

Every variable goes through a small typed helper that fails loudly on a bad value.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from xstatic.pkg import bootstrap as xstatic_bootstrap

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CHIBO_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("CHIBO_DEBUG", False)
SECRET_KEY = env_str("CHIBO_SECRET_KEY", "")
if not SECRET_KEY:
    # Without the variable, a random key is made once and kept in var/, so the local demo
    # and a single-server install keep their sessions across restarts; never a fixed key.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()
ALLOWED_HOSTS = env_list("CHIBO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CHIBO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "chibo.audit",
    "chibo.accounts",
    "chibo.orgs",
    "chibo.members",
    "chibo.documents",
    "chibo.meetings",
    "chibo.register",
    "chibo.briefings",
    "chibo.rules",
    "chibo.reports",
    "chibo.me",
    "chibo.imports",
    "chibo.system",
    "chibo.api",
    "chibo.demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chibo.lib.uploads.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chibo.api.transport.TransportMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Optional TOTP second step (chibo.accounts.twofactor); required with CHIBO_REQUIRE_2FA=1.
    "django_otp.middleware.OTPMiddleware",
    "chibo.accounts.twofactor.RequireTwoFactorMiddleware",
    "chibo.audit.context.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A locked database or a lost race is a 503 / 409 with a message, never a 500 (issue 9).
    "chibo.lib.contention.ContentionMiddleware",
    # Last, as django-axes asks: turns a locked-out login or token into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chibo.urls"
WSGI_APPLICATION = "chibo.wsgi.application"

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
                "chibo.me.context.navigation",
                "chibo.imports.context.nav",
            ],
        },
    }
]

# Databases: SQLite in var/ by default (WAL, see chibo.accounts.apps), PostgreSQL through
# DATABASE_URL with persistent connections (stack.md: 189 → 1,135 req/s).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chibo.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CHIBO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL for concurrent readers; memory-mapped reads and a 64 MB page cache keep
        # national-size lists fast (make bench).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("CHIBO_TEST_SQLITE", "")}
    if not DATABASES["default"]["TEST"]["NAME"]:
        del DATABASES["default"]["TEST"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login protection (issue 10, django-axes): after CHIBO_LOGIN_FAILURES failed attempts for one
# account from one address, that pair is locked for CHIBO_LOCKOUT_MINUTES; bad API tokens lock
# the address (chibo.accounts.lockout). The first backend only refuses locked-out pairs.
AUTHENTICATION_BACKENDS = [
    "chibo.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
CHIBO_LOGIN_FAILURES = env_int("CHIBO_LOGIN_FAILURES", 5)
CHIBO_LOCKOUT_MINUTES = env_int("CHIBO_LOCKOUT_MINUTES", 15)
# Proxies in front of chibo that append to X-Forwarded-For; 0 trusts only the socket address,
# so a client cannot pick its own address to dodge the lock. Behind a declared proxy
# (CHIBO_BEHIND_PROXY=1) it is 1 unless said otherwise: every client would otherwise share
# the proxy's address, and five wrong passwords from anyone would lock an account for all.
CHIBO_BEHIND_PROXY = env_bool("CHIBO_BEHIND_PROXY", False)
CHIBO_PROXY_COUNT = env_int("CHIBO_PROXY_COUNT", 1 if CHIBO_BEHIND_PROXY else 0)
if CHIBO_BEHIND_PROXY and CHIBO_PROXY_COUNT < 1:
    raise ImproperlyConfigured("CHIBO_BEHIND_PROXY=1 needs CHIBO_PROXY_COUNT of at least 1")
AXES_FAILURE_LIMIT = CHIBO_LOGIN_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=CHIBO_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A failure while locked does not restart the clock: the lock lasts exactly the minutes set.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "chibo.accounts.lockout.locked_response"
AXES_CLIENT_IP_CALLABLE = "chibo.accounts.lockout.client_address"
AXES_VERBOSE = False
# Two-step login (TOTP): optional; 1 makes it required for superusers and every role that
# can write (chibo.accounts.twofactor).
CHIBO_REQUIRE_2FA = env_bool("CHIBO_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "chibo"
# A password-reset link shown to a board user (no mail server) works once, for this long.
PASSWORD_RESET_TIMEOUT = env_int("CHIBO_RESET_LINK_HOURS", 72) * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "chibo.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and dates: Vietnamese, dd/mm/yyyy (R-TXT-01), 1.234,5 (R-TXT-02).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["chibo.formats"]
# Django's messages its Vietnamese catalogue leaves in English (e.g. NUL characters).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
# `chibo serve` sets CHIBO_STATIC_HASHED=1 and runs collectstatic: hashed names (cached for
# a year by browsers), gzip'd copies, served from STATIC_ROOT. Tests and `make run` keep
# plain names served from the finders, so they need no collectstatic.
STATIC_HASHED = env_bool("CHIBO_STATIC_HASHED", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_HASHED
MEDIA_ROOT = VAR_DIR / "media"
# Where `chibo backup` writes its archives unless --output says otherwise.
CHIBO_BACKUP_DIR = Path(env_str("CHIBO_BACKUP_DIR", str(VAR_DIR / "backups")))

# HTTPS (issue 10): one switch for a site served only over TLS, so that
# `chibo check --deploy --fail-level WARNING` passes with it on. It implies secure cookies;
# CHIBO_SECURE_COOKIES alone still works as before (TLS ended elsewhere, no redirect here).
CHIBO_HTTPS = env_bool("CHIBO_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CHIBO_HTTPS or env_bool("CHIBO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "chibo.views.csrf_failure"
if CHIBO_HTTPS:
    SECURE_SSL_REDIRECT = True
    # A health probe from the host itself speaks plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SECURE_HSTS_SECONDS = env_int("CHIBO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHIBO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("CHIBO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # The browsers' preload list is a public registry the owner of the domain applies to;
        # an intranet install cannot be on it, and the header must not claim consent for it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Content-Security-Policy (issue 10): only files served by chibo itself; no inline script,
# style or handler anywhere (templates keep them in chibo/static/chibo/), and htmx is told not
# to eval (meta htmx-config in base.html). data: images are Bootstrap's CSS icons (the menu
# button, select arrows, check marks).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Behind nginx (or any proxy that ends TLS), the proxy says which scheme the client used;
# trust the header only when a proxy is declared, since a client could send it directly.
if CHIBO_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploads (issue 10): no request body above CHIBO_MAX_UPLOAD_MB (answered 413 before it is
# read; nginx's client_max_body_size repeats the number), and no file above it in a form.
# Files above FILE_UPLOAD_MAX_MEMORY_SIZE wait in a temporary file, not in memory; form
# fields and JSON bodies stay within DATA_UPLOAD_MAX_MEMORY_SIZE (Django's defaults, kept).
CHIBO_MAX_UPLOAD_MB = env_int("CHIBO_MAX_UPLOAD_MB", 10)
if CHIBO_MAX_UPLOAD_MB < 1:
    raise ImproperlyConfigured("CHIBO_MAX_UPLOAD_MB must be at least 1")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Bodies of pages' forms and API JSON (Django's default, said here because the transport
# middleware answers 413 above it); file uploads are limited separately.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CHIBO_LOG_LEVEL", "WARNING")},
}

# Findings and figures computed from the data are served from "computed" until the data
# changes (chibo.compliance.served), and the tree's subtrees that scopes are made of from
# "subtrees" (many small entries, one per set of grants and date, kept apart so they never
# push the national findings out); every entry also expires after CHIBO_COMPUTED_SECONDS.
# Both must stay per process (chibo/lib/objectcache.py keeps objects, not pickles): their
# keys name neither the database nor the installation. Each gunicorn worker computes once
# per change of the data.
CHIBO_COMPUTED_SECONDS = env_int("CHIBO_COMPUTED_SECONDS", 600)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "computed": {
        "BACKEND": "chibo.lib.objectcache.ObjectCache",
        "LOCATION": "chibo-computed",
        "TIMEOUT": CHIBO_COMPUTED_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    "subtrees": {
        "BACKEND": "chibo.lib.objectcache.ObjectCache",
        "LOCATION": "chibo-subtrees",
        "TIMEOUT": CHIBO_COMPUTED_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    # The lists' lengths (members.roster.kept_count): apart, so that searches typed by the
    # hundred never push the findings out.
    "counts": {
        "BACKEND": "chibo.lib.objectcache.ObjectCache",
        "LOCATION": "chibo-counts",
        "TIMEOUT": CHIBO_COMPUTED_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Number of rows per page in lists (design §4: pages stay paginated).
CHIBO_PAGE_SIZE = env_int("CHIBO_PAGE_SIZE", 50)
# The tree page draws every level up to this many organizations; past it, levels below the
# first load on demand (htmx) when opened.
CHIBO_TREE_EAGER_MAX = env_int("CHIBO_TREE_EAGER_MAX", 400)
# R-MEM-09: where a member in transit (official transfer sent, letter not yet presented) is
# counted in đảng số: "sending" — in the sending cell until received (the sending committee
# keeps the record until the receiving one confirms, QĐ 24 §6.3.1); "none" — in no cell.
CHIBO_TRANSIT_COUNTS_IN = env_str("CHIBO_TRANSIT_COUNTS_IN", "sending")
if CHIBO_TRANSIT_COUNTS_IN not in {"sending", "none"}:
    raise ImproperlyConfigured("CHIBO_TRANSIT_COUNTS_IN must be 'sending' or 'none'.")
# F-8 [G]: the day of the year ("MM-DD") by which each commune committee should have issued its
# resolution on security and order (an ninh, trật tự); from that day its absence is a finding.
CHIBO_SECURITY_RESOLUTION_BY = env_str("CHIBO_SECURITY_RESOLUTION_BY", "03-31")
try:
    dt.date.fromisoformat(f"2024-{CHIBO_SECURITY_RESOLUTION_BY}")
except ValueError as error:
    raise ImproperlyConfigured("CHIBO_SECURITY_RESOLUTION_BY must be MM-DD.") from error
FORM_RENDERER = "chibo.lib.forms.Renderer"
