"""Production profile: refuses the development defaults and turns on HTTPS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import (
    DEV_AADHAAR_HASH_KEY,
    DEV_AUDIT_CHAIN_KEY,
    DEV_FIELD_ENCRYPTION_KEY,
    DEV_SECRET_KEY,
    env,
)

DEBUG = False


def _require(name: str, value, dev_default) -> None:
    if not value or value == dev_default or (
        isinstance(value, list) and dev_default in value
    ):
        raise ImproperlyConfigured(
            f"{name} must be set to a real secret in production "
            "(the development default is refused)."
        )


SECRET_KEY = env("SECRET_KEY", default="")
_require("SECRET_KEY", SECRET_KEY, DEV_SECRET_KEY)
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
_require("FIELD_ENCRYPTION_KEYS", FIELD_ENCRYPTION_KEYS, DEV_FIELD_ENCRYPTION_KEY)
AADHAAR_HASH_KEY = env("AADHAAR_HASH_KEY", default="")
_require("AADHAAR_HASH_KEY", AADHAAR_HASH_KEY, DEV_AADHAAR_HASH_KEY)
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY", default="")
_require("AUDIT_CHAIN_KEY", AUDIT_CHAIN_KEY, DEV_AUDIT_CHAIN_KEY)
DEMO_PASSWORD = ""  # seed_demo is refused when DEBUG is off anyway

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.LogSMSBackend")
# A simulated bank must never answer real payment files.
WELFARE_BANK_SIMULATOR = env.bool("WELFARE_BANK_SIMULATOR", default=False)
if WELFARE_BANK_SIMULATOR:
    raise ImproperlyConfigured("WELFARE_BANK_SIMULATOR cannot be on in production.")
# Cess paid through the simulated gateway would record money that never arrived.
COMPLIANCE_GATEWAY_SIMULATOR = env.bool("COMPLIANCE_GATEWAY_SIMULATOR", default=False)
if COMPLIANCE_GATEWAY_SIMULATOR:
    raise ImproperlyConfigured("COMPLIANCE_GATEWAY_SIMULATOR cannot be on in production.")
