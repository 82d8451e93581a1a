"""The peers served beside 交流吧 in the intake comparison (bench/peers/README.md):
django-helpdesk's ticket API and a bare one-row insert, in one Django project run by the
same gunicorn settings. Production-like: DEBUG off, no debug toolbar, SQLite in WAL mode
or PostgreSQL (PEER_DATABASE_URL)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bench-peers-only-not-secret-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "peersite.urls"
WSGI_APPLICATION = "peersite.wsgi.application"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
SITE_ID = 1
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("PEER_STATIC_ROOT", "/tmp/peers-static")
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT", "/tmp/peers-media")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Ticket e-mails are rendered as in production but not sent (no mail server here).
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
    "peersite.bare",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
REST_FRAMEWORK = {
    # A bearer-like token, as 交流吧's API takes.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
HELPDESK_API_ENABLED = True
# Teams need pinax-teams (an optional extra); the ticket API does not use them.
HELPDESK_TEAMS_MODE_ENABLED = False


def _database(url: str) -> dict:
    if url.startswith("postgres"):
        rest = url.split("://", 1)[1]
        creds, _, hostpart = rest.rpartition("@")
        user, _, password = creds.partition(":")
        hostport, _, name = hostpart.partition("/")
        host, _, port = hostport.partition(":")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": user,
            "PASSWORD": password,
            "HOST": host,
            "PORT": port or "5432",
            "CONN_MAX_AGE": 60,
            "OPTIONS": {"options": "-c jit=off"},
        }
    path = url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else url
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": 60,
        # As 交流吧 runs SQLite: connections kept open as on PostgreSQL, WAL, and writers
        # that wait their turn instead of failing.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {
    "default": _database(os.environ.get("PEER_DATABASE_URL", "sqlite:////tmp/peers-bench.sqlite3"))
}
