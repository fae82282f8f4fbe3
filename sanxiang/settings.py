"""Settings for sanxiang, read from environment variables.

Every knob an operator may turn is an environment variable named ``SANXIANG_*``; everything
else is fixed here. Defaults give the embedded set-up: SQLite and media under ``./var/``.

- ``SANXIANG_MODE``: ``demo`` (default) or ``production``. Production requires a secret key and
  allowed hosts, and turns debug off unless told otherwise.
- ``SANXIANG_DATABASE_URL``: ``sqlite:///path`` (default ``./var/sanxiang.sqlite3``) or
  ``postgres://user:password@host:port/name``.
- ``SANXIANG_VAR_DIR``: where the default database, media and generated secret live (``./var``).
- ``SANXIANG_MEDIA_ROOT``: uploaded and generated files (default ``$SANXIANG_VAR_DIR/media``).
- ``SANXIANG_SECRET_KEY``: the secret key; generated once into ``var/secret_key`` outside production.
- ``SANXIANG_DEBUG``: ``1``/``true`` to show debug pages.
- ``SANXIANG_ALLOWED_HOSTS``: comma-separated host names.
- ``SANXIANG_TIME_ZONE``: defaults to ``Asia/Shanghai``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"SANXIANG_{name}") or default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env("VAR_DIR", str(Path.cwd() / "var"))).resolve()
MODE = env("MODE", "demo")
if MODE not in {"demo", "production"}:
    raise ImproperlyConfigured("SANXIANG_MODE must be 'demo' or 'production'")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SANXIANG_SECRET_KEY is required when SANXIANG_MODE=production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("SANXIANG_ALLOWED_HOSTS is required when SANXIANG_MODE=production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "rules.apps.AutodiscoverRulesConfig",
    "sanxiang.core",
    "sanxiang.org",
    "sanxiang.records",
    "sanxiang.catalog",
    "sanxiang.portal",
    "sanxiang.cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    *([] if env_bool("HONOUR_ACCEPT_LANGUAGE", default=False) else ["sanxiang.core.middleware.ChineseFirstMiddleware"]),
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sanxiang.core.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

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
                "sanxiang.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sanxiang.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DATABASE_URL.startswith("sqlite") else 60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sanxiang API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "DeviceKindEnum": "sanxiang.records.models.devices.Device.Kind",
        "RoomKindEnum": "sanxiang.records.models.devices.Room.Kind",
        "EvidenceKindEnum": "sanxiang.records.models.files.EvidenceRecord.Kind",
    },
}

# --- Domain defaults (law's values; agencies override in data) ------------------------------
SANXIANG = {
    "SITE_NAME": env("SITE_NAME", "行政执法综合管理监督信息系统"),
    # Certificates expiring within this many days are flagged.
    "CERTIFICATE_EXPIRY_WARNING_DAYS": int(env("CERT_WARNING_DAYS", "30")),
    # REV-03: minimum share of reviewers among an agency's officers.
    "MIN_REVIEWER_RATIO": 0.05,
    # Address of the public site, used in QR codes printed on certificates and post cards
    # (e.g. https://gongshi.example.gov.cn); empty = the address the request came in on.
    "PUBLIC_BASE_URL": env("PUBLIC_BASE_URL", ""),
    # PUB-10: who may approve (审核) a catalog version; the drafter never may approve their own.
    "CATALOG_APPROVER_ROLES": tuple(env("CATALOG_APPROVER_ROLES", "leader,reviewer,supervisor").split(",")),
    # PUB-10: working days the owning department has to answer a public error report (纠错).
    "ERROR_REPORT_WORKING_DAYS": int(env("ERROR_REPORT_WORKING_DAYS", "5")),
}

# --- Full-process records (issue 3; docs/records.md) ------------------------------------------
RECORDS = {
    # Where evidence files live: "local" (MEDIA_ROOT/records) or "s3" (django-storages, see docs/records.md).
    "STORAGE": env("RECORDS_STORAGE", "local"),
    "ROOT": Path(env("RECORDS_ROOT", str(MEDIA_ROOT / "records"))),
    "MAX_UPLOAD_BYTES": int(env("MAX_UPLOAD_BYTES", str(8 * 1024**3))),
    # Origin line of signed checkpoints: names this log, must be unique per deployment.
    "LOG_ORIGIN": env("LOG_ORIGIN", "sanxiang.local/records"),
    # Ed25519 signing key (32 raw bytes, or generated here outside production); SM2 when configured.
    "CHECKPOINT_KEY_FILE": Path(env("CHECKPOINT_KEY_FILE", str(VAR_DIR / "keys" / "checkpoint-ed25519.key"))),
    "CHECKPOINT_KEY_NAME": env("CHECKPOINT_KEY_NAME", "sanxiang.local/records"),
    "CHECKPOINT_ALGORITHM": env("CHECKPOINT_ALGORITHM", "ed25519"),  # or "sm2"
    # REC-05: how far an AV record's capture interval may stray from the document's time.
    "AV_TIME_TOLERANCE_SECONDS": int(env("AV_TIME_TOLERANCE_SECONDS", "300")),
    # Retention of routine footage not linked to a case (months); linked records are permanent.
    "ROUTINE_RETENTION_MONTHS": int(env("ROUTINE_RETENTION_MONTHS", "6")),
    # PostgreSQL: commit a log append without waiting for the disk while the log head is locked, then
    # wait for the write-ahead log to reach the disk before reporting success (docs/records.md).
    "LOG_DEFERRED_FLUSH": env_bool("LOG_DEFERRED_FLUSH", default=True),
}

# --- Case handling (issue 5; docs/cases.md). The law's values; an agency's AgencyCaseRules row overrides.
CASES = {
    # 立案: working days from discovering the lead to the filing decision (e.g. 市场监管: 15, +15 with approval).
    "FILING_WORKING_DAYS": int(env("CASES_FILING_WORKING_DAYS", "15")),
    # LAW-05: 较大数额罚款 that gives hearing rights (set by each province; these are common values).
    "HEARING_FINE_PERSON": env("CASES_HEARING_FINE_PERSON", "10000"),
    "HEARING_FINE_ORG": env("CASES_HEARING_FINE_ORG", "100000"),
    # LAW-02: the simple procedure's ceilings (XZCFF 51).
    "SIMPLE_FINE_PERSON": "200",
    "SIMPLE_FINE_ORG": "3000",
    # LAW-03: calendar days from 立案 to the decision (XZCFF 60), unless other law says otherwise.
    "DECISION_DAYS": int(env("CASES_DECISION_DAYS", "90")),
    # REV-06: the legal review's working days, and the extension for complex cases.
    "REVIEW_WORKING_DAYS": int(env("CASES_REVIEW_WORKING_DAYS", "5")),
    "REVIEW_EXTENSION_WORKING_DAYS": 10,
    # PUB-12: working days to publish a random-inspection result (双随机; 20 by default, some rules say 10).
    "RANDOM_INSPECTION_PUBLISH_WORKING_DAYS": int(env("CASES_RANDOM_PUBLISH_DAYS", "20")),
    # Deadline badges: "due soon" this many calendar days ahead.
    "DUE_SOON_DAYS": int(env("CASES_DUE_SOON_DAYS", "3")),
    # LAW-08: limitation years (XZCFF 36).
    "LIMITATION_YEARS": 2,
    "LIMITATION_YEARS_HARM": 5,
}
