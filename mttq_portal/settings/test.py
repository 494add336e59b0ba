"""Settings for the test suite: the database and cache come from the environment
(SQLite and local memory by default; PostgreSQL and Redis in CI)."""
import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-media" / "private"  # noqa: F405
COMMUNE_HOST_CACHE_SECONDS = 300
if os.environ.get("REDIS_URL"):
    CACHES["default"]["KEY_PREFIX"] = "mttq-test"  # noqa: F405
else:  # one test process: local memory (each test starts with it empty)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mttq-test"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_USE_FINDERS = True
CAPTCHA_TEST_MODE = True  # the captcha accepts "PASSED"; tests of the real check switch it off
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database: shared-cache SQLite fails at once with
    # "table is locked" instead of waiting, so concurrent tests would not test the real thing.
    # One file per test process, so two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}  # noqa: F405
