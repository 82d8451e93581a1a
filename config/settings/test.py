"""pytest. DATABASE_URL picks PostgreSQL; otherwise a file-backed SQLite test database
so that a real worker process can share it."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, SQLITE_ENGINE, VAR_DIR

SECRET_KEY = "test-only-secret"
FIELD_ENCRYPTION_KEY = "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTE="
FIELD_HASH_KEY = "test-only-hash-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "jiaoliuba.core.sms.OutboxBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
# The suite runs on one database; the replica test (dashboards/tests/test_replica.py) starts
# its own primary and standby and runs its Django with replica_settings.
DATABASES.pop("replica", None)
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "JIAOLIUBA_TEST_DB",
            os.path.join(tempfile.gettempdir(), f"jiaoliuba-test-{os.getpid()}.sqlite3"),
        )
    }
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
