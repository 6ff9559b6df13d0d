"""Test profile: the base settings with fast and capturing backends swapped in."""

import os
import tempfile

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "core.sms.CapturingSMSBackend"
CELERY_TASK_ALWAYS_EAGER = True
HEALTH_CHECK_CELERY = False
# Local memory cache per test process: rate limits and lockouts reset per test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Files written by tests go to a folder of this run, not to the development one; the
# environment passes it on to processes the tests start (a real Celery worker). Each
# parallel test process (pytest-xdist worker) has a folder of its own.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PRIVATE_MEDIA_ROOT = os.environ.setdefault(
    f"TEST_PRIVATE_MEDIA_ROOT{'_' + _XDIST_WORKER.upper() if _XDIST_WORKER else ''}",
    tempfile.mkdtemp(prefix=f"shram-test-private-{_XDIST_WORKER}"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Request threads of the browser tests' live server must not keep their connections
# (the test database could not be dropped at the end).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
