"""Settings for Registrar, read from the environment.

DATABASE_URL selects the database (SQLite by default, PostgreSQL in production),
SECRET_KEY and DEBUG come from the environment; nothing secret lives in the code.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Production never falls back to a key written in the code.
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    # Only for its templates and static files: the API docs (Swagger UI) are then served from
    # our own origin instead of a CDN, which the Content-Security-Policy would refuse.
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "registrar.audit",
    "registrar.policy",
    "registrar.institution",
    "registrar.people",
    "registrar.contingent",
    "registrar.curriculum",
    "registrar.records",
    "registrar.registration",
    "registrar.notifications",
    "registrar.assessment",
    "registrar.documents",
    "registrar.scholarships",
    "registrar.blanks",
    "registrar.graduation",
    "registrar.interop",
    "registrar.api",
    "registrar.accounts",
    "registrar.reports",
    "registrar.scheduling",
    "registrar.operations",
    "registrar.portal",
    "registrar.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "registrar.csp.CSPMiddleware",  # django-csp's, the policy built once (registrar/csp.py)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs every refused request (403) and every 404 of an object URL for a signed-in user.
    "registrar.audit.middleware.AccessDenialMiddleware",
    "registrar.accounts.middleware.OTPMiddleware",  # django-otp's, the device read faster
    "registrar.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the request into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registrar.urls"
WSGI_APPLICATION = "registrar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'registrar.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the development server and a command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's cursors bind on the client side and are never prepared. A threshold no query
    # reaches keeps it so, while letting a statement that asks for it (`prepare=True`, the
    # registration path in registration/fast_path.py) be planned once per connection.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, loading the session's user with their student and staff rows and
    # reading model permissions for staff accounts only (see the module).
    "registrar.accounts.backends.AccountBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lockout (django-axes, see docs/security.md): after LOGIN_FAILURE_LIMIT wrong
# passwords or codes for one user name from one IP address, that pair is refused for
# LOGIN_LOCKOUT_MINUTES; other users and other addresses are unaffected.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked do not restart the cool-off, so the page's "try again in" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "registrar.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Every sign-in is kept: successes in AccessLog, failures in AccessFailureLog (Admin → Axes).
AXES_DISABLE_ACCESS_LOG = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Behind TRUSTED_PROXY_COUNT reverse proxies the client address is read from X-Forwarded-For.
if int(os.environ.get("TRUSTED_PROXY_COUNT", "0")) > 0:
    AXES_IPWARE_PROXY_COUNT = int(os.environ["TRUSTED_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# TOTP second factor (django-otp): staff may enrol; with this on, staff must.
REGISTRAR_REQUIRE_TOTP_FOR_STAFF = env_bool("REGISTRAR_REQUIRE_TOTP_FOR_STAFF", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Registrar")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "ru")
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "registrar" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
FORMAT_MODULE_PATH = ["registrar.formats"]  # Django ships no Kazakh number and date formats
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# --- Security headers, cookies and sessions (docs/security.md, "Production settings") -------
# A staff working day; the session also ends when the browser is closed.
# Django's database sessions, read with one plain statement (accounts/sessions.py).
SESSION_ENGINE = "registrar.accounts.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
# HTMX reads the CSRF token from the page (hx-headers in portal/base.html), never the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# The TLS proxy in front (README, Operations) says a request came over HTTPS with this header,
# "Header-Name: value"; the proxy must set it, overwriting whatever a client sent. Production
# defaults to "X-Forwarded-Proto: https"; "" (no proxy: gunicorn serves TLS itself) turns it off.
_proxy_ssl = os.environ.get("SECURE_PROXY_SSL_HEADER", "" if DEBUG else "X-Forwarded-Proto: https")
if _proxy_ssl.strip():
    _header, _colon, _value = _proxy_ssl.partition(":")
    if not _value.strip():
        raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER reads "Header-Name: value"')
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _header.strip().upper().replace("-", "_"), _value.strip())

# Content-Security-Policy (django-csp 4): scripts only from our own static files, no inline
# script or event handler (portal/static/portal/portal.js wires the behaviour). Styles allow
# 'unsafe-inline': HTMX inserts its indicator <style>, Swagger UI (the API docs) sets inline
# styles, and a few pages use style="" attributes; inline CSS cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Where printed documents point their QR codes for online verification.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# The university's own name as printed on documents, in the three languages.
UNIVERSITY_NAME = {
    "kk": os.environ.get("UNIVERSITY_NAME_KK", "Демо университеті"),
    "ru": os.environ.get("UNIVERSITY_NAME_RU", "Демонстрационный университет"),
    "en": os.environ.get("UNIVERSITY_NAME_EN", "Demo University"),
}
