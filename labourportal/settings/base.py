"""Settings shared by every profile; every value comes from the environment.

Development defaults are marked ``DEV-ONLY``; ``production.py`` refuses them.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# DEV-ONLY defaults: production.py refuses to start with either of them.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="
DEV_AADHAAR_HASH_KEY = "dev-only-aadhaar-hmac-key"
DEV_AUDIT_CHAIN_KEY = "dev-only-audit-chain-key"

SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Fernet key(s) for sensitive fields (comma separated; the first encrypts, all decrypt,
# so a key is rotated by putting a new one first).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_FIELD_ENCRYPTION_KEY])
AADHAAR_HASH_KEY = env("AADHAAR_HASH_KEY", default=DEV_AADHAAR_HASH_KEY)
# Key of the audit hash chain (core.audit_chain); kept outside the database.
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY", default=DEV_AUDIT_CHAIN_KEY)

# Development demo password for seed_demo; refused when DEBUG is off.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Shram@Demo2026")

INSTALLED_APPS = [
    "core.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "core",
    "registration",
    "migrants",
    "welfare",
    "employers",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.StaffMFAMiddleware",
    "core.middleware.AuditContextMiddleware",
    "core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "labourportal.urls"
WSGI_APPLICATION = "labourportal.wsgi.application"
ASGI_APPLICATION = "labourportal.asgi.application"

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
                "core.context_processors.portal",
            ],
        },
    },
]

# PostgreSQL everywhere: scripts/devenv.py supplies DATABASE_URL for make run/test.
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/labourportal")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Redis, cache and Celery -------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "portal"}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    # One cache for every process (rate limits, lockouts), without Redis.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "core_cache"}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        # kombu does not create its folders; the web process and the worker share them.
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Progress and results of long jobs live in core.Job (the database), so any
# broker works; Celery's own result backend is not needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
CELERY_TIMEZONE = "Asia/Kolkata"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.worker_heartbeat_task", "schedule": 60.0},
    "audit-seal": {"task": "core.tasks.audit_seal_task", "schedule": 60.0},
    "audit-verify": {"task": "core.tasks.audit_verify_task",
                     "schedule": crontab(hour=2, minute=15)},
    "registration-expiry": {"task": "registration.tasks.workers_expire_task",
                            "schedule": crontab(hour=1, minute=30)},
    "registration-import-purge": {"task": "registration.tasks.worker_import_uploads_purge_task",
                                  "schedule": crontab(hour=1, minute=45)},
    # Grievance SLAs are in hours, round the clock: look for overdue tickets often.
    "migrants-ticket-escalation": {"task": "migrants.tasks.tickets_escalate_task",
                                   "schedule": 300.0},
    "migrants-sheet-purge": {"task": "migrants.tasks.survey_sheets_purge_task",
                             "schedule": crontab(hour=1, minute=50)},
    "compliance-payments-sync": {"task": "compliance.tasks.case_payments_sync_task",
                                 "schedule": 600.0},
    "compliance-visits-due": {"task": "compliance.tasks.visits_due_notify_task",
                              "schedule": crontab(hour=7, minute=30)},
}
# /health/ reports the Celery worker only where one is meant to run.
HEALTH_CHECK_CELERY = env.bool("HEALTH_CHECK_CELERY", default=not CELERY_TASK_ALWAYS_EAGER)
WORKER_HEARTBEAT_MAX_AGE = 180  # seconds

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
# Our catalogue first; then Hindi for third-party screens that ship none (allauth).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "thirdparty_locale"]
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and private media ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# --- Registration ---------------------------------------------------------------
# The state this portal serves (State.code): its districts are the ones workers register in.
PORTAL_STATE_CODE = env("PORTAL_STATE_CODE", default="CG")
# How long a BOC registration stays valid before it must be renewed (the state's rule).
BOC_VALIDITY_DAYS = env.int("BOC_VALIDITY_DAYS", default=365)
# Where QR codes on labour cards point (the public verification page lives under it).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Migrants ---------------------------------------------------------------------
# Hours a grievance ticket may stay unresolved, by priority, before it escalates a level.
MIGRANTS_TICKET_SLA_HOURS = {
    "critical": env.int("MIGRANTS_SLA_CRITICAL_HOURS", default=4),
    "high": env.int("MIGRANTS_SLA_HIGH_HOURS", default=24),
    "normal": env.int("MIGRANTS_SLA_NORMAL_HOURS", default=72),
}

# --- Bonded and child labour -----------------------------------------------------
# The central scheme for rehabilitation of bonded labourers: immediate assistance paid
# by the district on release, and the rehabilitation package by beneficiary category.
COMPLIANCE_ASSISTANCE_AMOUNT = env.int("COMPLIANCE_ASSISTANCE_AMOUNT", default=30000)
# Days from release within which immediate assistance must be paid (red after that).
COMPLIANCE_ASSISTANCE_DUE_DAYS = env.int("COMPLIANCE_ASSISTANCE_DUE_DAYS", default=30)
COMPLIANCE_PACKAGE_AMOUNTS = {
    "general": env.int("COMPLIANCE_PACKAGE_GENERAL", default=100000),
    "special": env.int("COMPLIANCE_PACKAGE_SPECIAL", default=200000),
    "extreme": env.int("COMPLIANCE_PACKAGE_EXTREME", default=300000),
}
# Days between follow-up visits to a rescued person or child.
COMPLIANCE_VISIT_INTERVAL_DAYS = env.int("COMPLIANCE_VISIT_INTERVAL_DAYS", default=90)
# The amount an offending employer deposits per child in the Child and Adolescent Labour
# Rehabilitation-cum-Welfare Fund.
COMPLIANCE_CHILD_FUND_DEPOSIT = env.int("COMPLIANCE_CHILD_FUND_DEPOSIT", default=20000)

# Factory safety: the share of voluntary-compliance certifiers drawn each month for a
# routine inspection, and the rota of medium- and low-risk factories (months).
COMPLIANCE_CERTIFIER_SAMPLE_SHARE = env.float("COMPLIANCE_CERTIFIER_SAMPLE_SHARE", default=0.1)
COMPLIANCE_MEDIUM_ROTA_MONTHS = env.int("COMPLIANCE_MEDIUM_ROTA_MONTHS", default=3)
COMPLIANCE_LOW_ROTA_MONTHS = env.int("COMPLIANCE_LOW_ROTA_MONTHS", default=12)
# BOC welfare cess: the rate on the cost of construction, days to pay an assessment, and
# interest on late payment per month or part of a month.
COMPLIANCE_CESS_RATE = env.float("COMPLIANCE_CESS_RATE", default=0.01)
COMPLIANCE_CESS_DUE_DAYS = env.int("COMPLIANCE_CESS_DUE_DAYS", default=30)
COMPLIANCE_CESS_INTEREST_PER_MONTH = env.float("COMPLIANCE_CESS_INTEREST_PER_MONTH",
                                               default=0.02)
# The simulated payment gateway for cess (development and demonstrations; refused in
# production until a real gateway backend is configured).
COMPLIANCE_GATEWAY_SIMULATOR = env.bool("COMPLIANCE_GATEWAY_SIMULATOR", default=True)

# --- Welfare and payments --------------------------------------------------------
# First month of the academic year ("once per child per academic year"): April.
WELFARE_ACADEMIC_YEAR_START_MONTH = env.int("WELFARE_ACADEMIC_YEAR_START_MONTH", default=4)
# Most one user of a role may sanction on one application (rupees); None: no limit.
WELFARE_SANCTION_LIMITS = {
    "labour_officer": env.int("WELFARE_OFFICER_SANCTION_LIMIT", default=50000),
    "district_admin": env.int("WELFARE_DISTRICT_SANCTION_LIMIT", default=200000),
    "state_admin": None,
}
# The simulated bank answers payment files (demonstrations; off in production).
WELFARE_BANK_SIMULATOR = env.bool("WELFARE_BANK_SIMULATOR", default=True)
WELFARE_BANK_FAILURE_RATE = env.float("WELFARE_BANK_FAILURE_RATE", default=0.1)

PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    # Private files (documents, generated PDFs) live outside the web root and
    # are served only through permission-checked views.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Accounts (allauth) --------------------------------------------------------
SITE_NAME = "Shram Portal"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
MFA_ADAPTER = "core.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Mandatory verification lets sign-up answer the same for a new and a known email
# (allauth then mails the owner instead of saying "already registered").
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@shram.example")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_RATE_LIMITS = {
    # Generous per address (district offices and camps share one IP); the
    # per-key limit is keyed by (account, IP) in core.adapters, so an attacker
    # elsewhere cannot lock a victim out.
    "login_failed": "60/m/ip,5/15m/key",
    "signup": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# The client address behind the one trusted reverse proxy (nginx sets it).
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Shram Portal"

# Worker mobile OTP (core.otp): limits per number, per IP and across the portal.
OTP_TTL_SECONDS = 10 * 60
OTP_MAX_ATTEMPTS = 5
OTP_RATE_LIMITS = {
    "otp_send": "3/10m/key,30/m/ip",
    "otp_send_global": "600/m/key",
    "otp_verify": "60/m/ip",
}
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.ConsoleSMSBackend")
# Language of SMS to a worker who has no login of their own (registered by an operator).
SMS_LANGUAGE = env("SMS_LANGUAGE", default="hi")

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout, not an absolute one
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Interface -----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
PAGINATE_BY = 50

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Audit (django-pghistory) ----------------------------------------------------
PGHISTORY_ADMIN_MODEL = "pghistory.MiddlewareEvents"
# Keys whose values never enter an audit row: any key containing one of these words,
# and keys exactly named in AUDIT_SENSITIVE_EXACT_KEYS.
# Audit rows not sealed within this time are flagged by audit_verify.
AUDIT_SEAL_GRACE_SECONDS = env.int("AUDIT_SEAL_GRACE_SECONDS", default=300)
# Audit rows are kept online at least this long, then archived to a hashed file.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
AUDIT_ARCHIVE_DIR = env("AUDIT_ARCHIVE_DIR", default=str(VAR_DIR / "audit-archive"))
AUDIT_SENSITIVE_KEYS = ("password", "aadhaar", "otp", "account_number", "secret", "token")
AUDIT_SENSITIVE_EXACT_KEYS = ("code", "pin")

# --- Logging -------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # fontTools and WeasyPrint log every glyph subset and layout step of every card at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                "weasyprint.progress": {"level": "WARNING"}},
}
