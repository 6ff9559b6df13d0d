"""Test profile: the base settings with fast and capturing backends swapped in."""

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "core.sms.CapturingSMSBackend"
CELERY_TASK_ALWAYS_EAGER = True
HEALTH_CHECK_CELERY = False
# Local memory cache per test process: rate limits and lockouts reset per test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
