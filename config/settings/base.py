"""Settings shared by every environment. Everything secret or site-specific comes
from the environment; see README "Environment variables"."""

import importlib.util
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JIAOLIUBA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Proxies whose X-Real-IP header names the client (jiaoliuba.core.request.client_ip):
# addresses or networks, and `unix` for a peer on a unix socket (gunicorn behind nginx on
# the same machine, deploy/). Empty trusts no one: the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        if _proxy.lower() != "unix":
            ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is neither an address, a network nor 'unix'"
        ) from _exc
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "jiaoliuba.core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "jiaoliuba.core.apps.TasksDbConfig",  # django_tasks_db, named in Chinese
    "jiaoliuba.core",
    "jiaoliuba.regions",
    "jiaoliuba.accounts",
    "jiaoliuba.notifications",
    "jiaoliuba.triage",
    "jiaoliuba.points",
    "jiaoliuba.appeals",
    "jiaoliuba.deliberation",
    "jiaoliuba.bookings",
    "jiaoliuba.privacy",
    "jiaoliuba.venues",
    "jiaoliuba.community",
    "jiaoliuba.demo",
    "jiaoliuba.portal",
    "jiaoliuba.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jiaoliuba.core.policy_header.CachedPolicyCSPMiddleware",
    "jiaoliuba.core.middleware.PermissionsPolicyMiddleware",
    # An API call with a bearer token continues through API_BEARER_MIDDLEWARE instead.
    "jiaoliuba.core.middleware.BearerApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jiaoliuba.core.uploads.UploadLimitMiddleware",  # before CSRF, the first to read a body
    "django.middleware.csrf.CsrfViewMiddleware",
    # after the body has been parsed (with the upload limits) by the two above
    "jiaoliuba.core.middleware.RejectNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Second factor, staff idle timeout, admin only for admin access (accounts/middleware.py).
    "jiaoliuba.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiaoliuba.core.middleware.ApplicationErrorMiddleware",
]
# What an API call signed in with a bearer token goes through after SecurityMiddleware
# (core.middleware.BearerApiMiddleware says what is left out and why it is safe): the
# same order, without the page-only middleware (static files, CSRF, messages, htmx,
# the HTML error page).
API_BEARER_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jiaoliuba.core.uploads.UploadLimitMiddleware",
    "jiaoliuba.core.middleware.RejectNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A bad token falls back to the session: that session must have passed the second
    # factor and not be idle, as on the whole stack.
    "jiaoliuba.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "jiaoliuba.portal.context_processors.navigation",
            ],
        },
    }
]


SQLITE_ENGINE = "jiaoliuba.core.sqlite"


def database_from_url(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, remembering its rewrite of each statement (see the module).
        config["ENGINE"] = SQLITE_ENGINE
        # Kept open between requests like PostgreSQL's (DB_CONN_MAX_AGE): opening one runs
        # the PRAGMAs below, and closing the last one checkpoints the WAL, each request.
        config["OPTIONS"] = {
            # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue instead of failing with "database is locked".
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiling costs ~50 ms per dashboard query and buys nothing for queries
        # that read a few thousand index entries.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jiaoliuba.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}


def replica_from_url(url: str, primary: dict[str, Any]) -> dict[str, Any]:
    """A streaming standby of the primary (docs/scaling-db.md): dashboards and exports read
    there (jiaoliuba.core.dbrouting), nothing writes there. A short connect timeout: an
    unreachable replica is skipped for the primary, and should not hold a request long."""
    config = database_from_url(url)
    if config["ENGINE"] != "django.db.backends.postgresql" or config["ENGINE"] != primary["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL primary and replica.")
    config["OPTIONS"]["connect_timeout"] = int(os.environ.get("DB_REPLICA_CONNECT_TIMEOUT", "3"))
    # Tests have one database: the replica alias points at it.
    config["TEST"] = {"MIRROR": "default"}
    return config


# Set: dashboard and export reads go to this replica (a few seconds behind the primary).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_from_url(DATABASE_REPLICA_URL, DATABASES["default"])
DATABASE_ROUTERS = ["jiaoliuba.core.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the statements every API call of a kind runs (the token check, a ballot) are
# prepared once per connection (core.rawsql.prepared_cursor). Turn off (0) behind a
# connection pooler in transaction mode that cannot keep prepared statements.
DB_PREPARE_HOT_QUERIES = env_bool("DB_PREPARE_HOT_QUERIES", True)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "jiaoliuba.accounts.backends.StaffPasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiaoliuba" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by WhiteNoise) with .br and .gz written beside them
    # by collectstatic; brotli is what keeps the dashboard's plotly.js within budget.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media on S3-compatible storage (MinIO, Ceph, a cloud's object storage) when S3_BUCKET is set.
# The bucket stays private: every file is read back through Django (appeals:attachment and
# the like), which checks who may see it, so no URL to the bucket ever reaches a browser.


def s3_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """The default storage on an S3-compatible server, from S3_* variables."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["S3_BUCKET"],
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "region_name": environ.get("S3_REGION") or None,
            # Empty: boto3 finds credentials itself (its environment variables, an instance role).
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": environ.get("S3_PREFIX", ""),
            # Most S3-compatible servers want path-style addresses (endpoint/bucket/key).
            "addressing_style": environ.get("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # a URL, if one is ever made, is signed and short-lived
            "querystring_expire": 300,
            "file_overwrite": False,
            "verify": environ.get("S3_VERIFY_TLS", "1").strip().lower()
            in {"1", "true", "yes", "on"},
        },
    }


S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "S3_BUCKET is set but django-storages is not installed (pip install -e '.[production]')"
        )
    STORAGES["default"] = s3_storage(os.environ)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "jiaoliuba.dashboards.finders.PlotlyFinder",
]

SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this long without a request (sliding; accounts/middleware.py).
STAFF_IDLE_TIMEOUT_SECONDS = int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", "1800"))
# Two-factor sign-in (TOTP) for staff above grid worker and for the admin
# (accounts/twofactor.py). The bypass is for the demo city only: config.settings.local may
# turn it on; config.settings.production refuses to start with it.
JIAOLIUBA_DEMO_2FA_BYPASS = False
OTP_TOTP_ISSUER = "交流吧"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features a page may use: only the appeal form's "use my location" (geolocation);
# voice and video are uploaded as files, so no page records from the camera or microphone.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "display-capture": [],
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Shared by the web and worker processes. Rate-limit counters do not live here: the
    # database cache cannot count atomically, so jiaoliuba.core.ratelimit keeps its own
    # table (and uses Redis when REDIS_URL is set).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "jiaoliuba_cache",
        }
    }

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "triage"],
    }
}
# Queues a plain `jiaoliuba worker` skips: each needs its own `jiaoliuba worker --queues <name>`.
WORKER_DEDICATED_QUEUES = ["triage"]
# Queues held in a module's own rows (core/outboxes.py), run by every worker that runs
# the default queue: new appeals' follow-ups (bands, notices, receipt, risk detection).
WORKER_OUTBOXES = ["jiaoliuba.appeals.services.appeal_follow_ups_run"]

# --- Privacy -----------------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
# Key for the keyed hashes that let us look up encrypted numbers. Never rotate it
# without re-hashing, or look-ups stop matching.
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")

# Each app's personal data (core/personal_data.py): the person's copy, deletion, and how
# long each kind is kept. Accounts last: erasing it removes the number others look up by.
PERSONAL_DATA_SOURCES = [
    "jiaoliuba.core.personal_data_sources",
    "jiaoliuba.notifications.personal_data",
    "jiaoliuba.points.personal_data",
    "jiaoliuba.appeals.personal_data",
    "jiaoliuba.deliberation.personal_data",
    "jiaoliuba.bookings.personal_data",
    "jiaoliuba.venues.personal_data",
    "jiaoliuba.community.personal_data",
    "jiaoliuba.accounts.personal_data",
]
# Days to keep each kind of data, where a deployment's rules differ from the defaults
# (the kinds and defaults are listed on /me/data/ and in docs/privacy.md).
RETENTION_DAYS: dict[str, int] = {}

# --- SMS ---------------------------------------------------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "jiaoliuba.core.sms.OutboxBackend")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_SECRET = os.environ.get("SMS_HTTP_SECRET", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "5"))
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "【交流吧】")
OTP_TTL_SECONDS = int(os.environ.get("OTP_TTL_SECONDS", "300"))
OTP_MAX_ATTEMPTS = int(os.environ.get("OTP_MAX_ATTEMPTS", "5"))
OTP_RESEND_SECONDS = int(os.environ.get("OTP_RESEND_SECONDS", "60"))
OTP_MAX_PER_PHONE_PER_HOUR = int(os.environ.get("OTP_MAX_PER_PHONE_PER_HOUR", "5"))
OTP_MAX_PER_IP_PER_HOUR = int(os.environ.get("OTP_MAX_PER_IP_PER_HOUR", "30"))
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "90"))

# --- Mail --------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jiaoliuba@localhost")

# --- Worker ------------------------------------------------------------------------
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_STALE_SECONDS = float(os.environ.get("WORKER_STALE_SECONDS", "60"))
# Finished background-task rows are kept this long (failed ones four times as long).
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "14"))

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ADMIN_SITE_HEADER = _("Jiaoliuba administration")

# Enqueued by `jiaoliuba worker` when due: {task path: seconds between runs}.
PERIODIC_TASKS = {
    "jiaoliuba.accounts.tasks.purge_expired_codes": 3600,
    "jiaoliuba.core.tasks.purge_finished_tasks": 24 * 3600,
    # Monthly partitions ahead, once `jiaoliuba partition_tables` ran (PostgreSQL only).
    "jiaoliuba.core.tasks.partitions_create_ahead": 24 * 3600,
    "jiaoliuba.appeals.tasks.sweep": int(os.environ.get("APPEAL_SWEEP_SECONDS", "60")),
    "jiaoliuba.bookings.tasks.sweep": int(os.environ.get("BOOKING_SWEEP_SECONDS", "300")),
    "jiaoliuba.notifications.tasks.requeue_stalled_deliveries": 300,
    "jiaoliuba.points.tasks.expire_sweep": 3600,
    "jiaoliuba.privacy.tasks.retention_purge": int(
        os.environ.get("RETENTION_PURGE_SECONDS", str(24 * 3600))
    ),
    # Votes read, 公示 ended, overdue milestones (deliberation/meetings/sweep.py).
    "jiaoliuba.deliberation.meetings.tasks.sweep": int(
        os.environ.get("MEETING_SWEEP_SECONDS", "60")
    ),
    # 积分 for votes: the worker pays what the voter register holds unpaid
    # (deliberation/voting/rewards.py), so points arrive this many seconds after a vote.
    "jiaoliuba.deliberation.tasks.vote_credits": int(os.environ.get("VOTE_CREDIT_SECONDS", "15")),
    # Only the worker catches the rollups up (dashboard reads never write), so they run
    # this many seconds behind; pages show "数据截至 HH:MM:SS".
    "jiaoliuba.dashboards.tasks.catch_up": int(os.environ.get("ROLLUP_CATCH_UP_SECONDS", "10")),
    # Consensus maps whose votes changed since their last result (docs/consensus.md).
    "jiaoliuba.deliberation.consensus.tasks.refresh_maps": int(
        os.environ.get("CONSENSUS_REFRESH_SECONDS", "30")
    ),
    "jiaoliuba.triage.tasks.retrain": int(
        os.environ.get("TRIAGE_RETRAIN_SECONDS", str(7 * 24 * 3600))
    ),
}
# Credits one vote_credits run pays at most (1–2 s of work) before it queues the next run
# behind the default queue's other work (sign-in codes, red alerts).
VOTE_CREDITS_PER_RUN = int(os.environ.get("VOTE_CREDITS_PER_RUN", "100"))
# Tables `jiaoliuba partition_tables` partitions by month on PostgreSQL ({model: time
# column}); see docs/scaling-db.md. Nothing changes until that command runs.
PARTITIONED_TABLES = {"appeals.AppealEvent": "created_at", "dashboards.AppealFact": "day"}
# Absolute address of the site, so SMS and e-mail can carry full links.
SITE_URL = os.environ.get("SITE_URL", "")
# The public form for appeals without an account, and look-ups by tracking code.
APPEAL_GUEST_MAX_PER_IP_PER_HOUR = int(os.environ.get("APPEAL_GUEST_MAX_PER_IP_PER_HOUR", "10"))
APPEAL_TRACK_MAX_MISSES_PER_IP_PER_HOUR = int(
    os.environ.get("APPEAL_TRACK_MAX_MISSES_PER_IP_PER_HOUR", "20")
)

# --- Meetings ----------------------------------------------------------------------
# 公示 of a resolution, in calendar days (docs/meetings.md); each resolution keeps its own.
MEETING_PUBLICITY_DAYS = int(os.environ.get("MEETING_PUBLICITY_DAYS", "7"))
MEETING_OBJECTIONS_PER_HOUR = int(os.environ.get("MEETING_OBJECTIONS_PER_HOUR", "10"))

# --- Appeals -----------------------------------------------------------------------
APPEAL_MAX_TEXT = 2000
APPEAL_MAX_IMAGES = int(os.environ.get("APPEAL_MAX_IMAGES", "9"))
APPEAL_MAX_IMAGE_BYTES = int(os.environ.get("APPEAL_MAX_IMAGE_MB", "10")) * 1024 * 1024
APPEAL_MAX_AUDIO_BYTES = int(os.environ.get("APPEAL_MAX_AUDIO_MB", "10")) * 1024 * 1024
APPEAL_MAX_VIDEO_BYTES = int(os.environ.get("APPEAL_MAX_VIDEO_MB", "50")) * 1024 * 1024
# Pixels Pillow may decode for one photo, and over all frames of an animation: a 392 KB
# GIF of 100 frames of 2000×2000 would otherwise cost a minute of CPU.
APPEAL_MAX_IMAGE_PIXELS = int(os.environ.get("APPEAL_MAX_IMAGE_PIXELS", "50000000"))
APPEAL_MAX_ANIMATION_PIXELS = int(os.environ.get("APPEAL_MAX_ANIMATION_PIXELS", "10000000"))
APPEAL_MAX_IMAGE_FRAMES = int(os.environ.get("APPEAL_MAX_IMAGE_FRAMES", "200"))
# Uploads stream to temporary files and are counted as they arrive (core.uploads): a
# file past its field's limit, or a body past the total, stops the upload with a 413.
FILE_UPLOAD_HANDLERS = ["jiaoliuba.core.uploads.LimitedTemporaryFileUploadHandler"]
UPLOAD_FIELD_LIMITS = {
    "photos": "APPEAL_MAX_IMAGE_BYTES",
    "voice": "APPEAL_MAX_AUDIO_BYTES",
    "video": "APPEAL_MAX_VIDEO_BYTES",
}
UPLOAD_MAX_FILE_BYTES = max(APPEAL_MAX_IMAGE_BYTES, APPEAL_MAX_AUDIO_BYTES, APPEAL_MAX_VIDEO_BYTES)
UPLOAD_MAX_REQUEST_BYTES = int(
    os.environ.get(
        "UPLOAD_MAX_REQUEST_BYTES",
        str(
            APPEAL_MAX_IMAGES * APPEAL_MAX_IMAGE_BYTES
            + APPEAL_MAX_AUDIO_BYTES
            + APPEAL_MAX_VIDEO_BYTES
            + 1024 * 1024  # the text fields and multipart framing
        ),
    )
)
# Text fields of a form or a JSON body: an appeal is 2,000 characters; 1 MB is plenty.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Only the temporary-file handler is installed, so no file is ever held in memory;
# the setting is kept at 0 to say so should someone add the memory handler back.
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
# 9 photos, a voice clip and a video, with room for a retry of one.
DATA_UPLOAD_MAX_NUMBER_FILES = 12
APPEAL_URGE_LEAD_HOURS = int(os.environ.get("APPEAL_URGE_LEAD_HOURS", "4"))
APPEAL_RATING_DAYS = int(os.environ.get("APPEAL_RATING_DAYS", "7"))
APPEAL_REPEAT_DAYS = 30

# Deliberation (议事): supporters that put a residents' topic on the agenda, unless the
# community has its own number in the admin; and how much one person may write.
DELIBERATION_SUPPORT_THRESHOLD = int(os.environ.get("DELIBERATION_SUPPORT_THRESHOLD", "10"))
DELIBERATION_COMMENTS_PER_HOUR = int(os.environ.get("DELIBERATION_COMMENTS_PER_HOUR", "20"))
DELIBERATION_PROPOSALS_PER_DAY = int(os.environ.get("DELIBERATION_PROPOSALS_PER_DAY", "5"))
DELIBERATION_FLAGS_PER_HOUR = int(os.environ.get("DELIBERATION_FLAGS_PER_HOUR", "20"))
# Community: wishes, ideas, stories, replies and flags a resident may post per hour, each.
COMMUNITY_POSTS_PER_HOUR = int(os.environ.get("COMMUNITY_POSTS_PER_HOUR", "20"))
# 共识地图 (docs/consensus.md): who is placed on the map, and the privacy rule's sizes.
CONSENSUS_MIN_VOTES = int(os.environ.get("CONSENSUS_MIN_VOTES", "3"))
CONSENSUS_MIN_GROUP = int(os.environ.get("CONSENSUS_MIN_GROUP", "5"))
CONSENSUS_MIN_CELL = int(os.environ.get("CONSENSUS_MIN_CELL", "3"))
CSRF_FAILURE_VIEW = "jiaoliuba.core.views.csrf_failure"

# --- Map ---------------------------------------------------------------------------
# Tiles are the deployment's choice (an intranet tile server, or 天地图 with its key); with
# none, the appeal form keeps the address and the browser's location and loads no map.
# MAP_TILE_URL is a Leaflet template, e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png;
# coordinates are stored as WGS-84, so tiles must be WGS-84/CGCS2000 (天地图 is; GCJ-02
# tiles such as 高德's would put markers a few hundred metres off).
TIANDITU_KEY = os.environ.get("TIANDITU_KEY", "")
_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk=" + TIANDITU_KEY
)
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "") or (
    _TIANDITU % ("vec", "vec") if TIANDITU_KEY else ""
)
# A second layer drawn over the first (天地图's place names come as their own layer).
MAP_TILE_OVERLAY_URL = os.environ.get("MAP_TILE_OVERLAY_URL", "") or (
    _TIANDITU % ("cva", "cva") if TIANDITU_KEY and not os.environ.get("MAP_TILE_URL") else ""
)
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "01234567" if TIANDITU_KEY else "abc")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "天地图" if TIANDITU_KEY else "")
MAP_MAX_ZOOM = int(os.environ.get("MAP_MAX_ZOOM", "18"))
# Where a map opens before anything is marked (驻马店市 by default).
MAP_CENTER = tuple(float(x) for x in os.environ.get("MAP_CENTER", "33.0114,114.0220").split(","))
MAP_ZOOM = int(os.environ.get("MAP_ZOOM", "13"))
# Leaflet's JS/CSS come from the django-leaflet package (static/leaflet/...), served by us,
# never a CDN. The package is not an installed app: its admin module needs GDAL, and its
# template tags emit inline scripts a strict CSP would block; only its files are used.
_LEAFLET_SPEC = importlib.util.find_spec("leaflet")
if _LEAFLET_SPEC is None or _LEAFLET_SPEC.origin is None:
    raise ImproperlyConfigured("django-leaflet is not installed (pip install -e .)")
STATICFILES_DIRS = [Path(_LEAFLET_SPEC.origin).parent / "static"]


# --- Content-Security-Policy (django-csp) ------------------------------------------------
def tile_source(url: str) -> str:
    """The CSP source of a Leaflet tile template: its scheme and host, a `{s}` subdomain
    label turned into the `*.` wildcard (https://t{s}.tianditu.gov.cn/... →
    https://*.tianditu.gov.cn)."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    return f"{scheme}://{'.'.join(labels)}"


# No inline code anywhere: every script and style is a file we serve (a test scans every
# template for inline <script>, style= and on*=). Map tiles, when configured, are the only
# images from elsewhere; photo previews are blob: URLs, Leaflet's and plotly's icons data:.
_TILE_SOURCES = sorted({tile_source(u) for u in (MAP_TILE_URL, MAP_TILE_OVERLAY_URL) if u})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_TILE_SOURCES],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Triage --------------------------------------------------------------------------
TRIAGE_CACHE_SECONDS = float(os.environ.get("TRIAGE_CACHE_SECONDS", "5"))
TRIAGE_REVIEW_CONFIDENCE = float(os.environ.get("TRIAGE_REVIEW_CONFIDENCE", "0.55"))

# Similar-appeal look-ups per user and minute (similar.js asks at most every 0.6 s of typing).
SIMILAR_LOOKUPS_PER_MINUTE = int(os.environ.get("SIMILAR_LOOKUPS_PER_MINUTE", "40"))

# --- Risk warnings -----------------------------------------------------------------
RISK_SURGE_MIN = int(os.environ.get("RISK_SURGE_MIN", "4"))
# What a community's daily rate of one category is taken to be before its history says
# otherwise, and how many days of history that belief is worth (the surge test's prior).
RISK_SURGE_PRIOR_RATE = float(os.environ.get("RISK_SURGE_PRIOR_RATE", "0.5"))
RISK_SURGE_PRIOR_DAYS = float(os.environ.get("RISK_SURGE_PRIOR_DAYS", "8"))
RISK_SURGE_P = float(os.environ.get("RISK_SURGE_P", "0.001"))
# Windows (hours, ending at the new appeal) in which the surge test counts, so a tight burst
# is seen by its 4th appeal rather than only once a whole day's count stands out; and the
# hours of the day in which appeals mostly come (a window's expected count is the daily
# baseline times its share of these hours).
RISK_SURGE_WINDOWS = tuple(
    float(h) for h in os.environ.get("RISK_SURGE_WINDOWS", "2,4,8,24").split(",")
)
# Also test the span of the last m appeals of a category for each m here (empty: off): a
# burst is judged by how fast its 4th came, not by which fixed window it happens to fill
# (bench/README.md: at the same false alarms it finds more bursts by their 4th appeal).
RISK_SURGE_SPANS = tuple(
    int(m) for m in os.environ.get("RISK_SURGE_SPANS", "4").split(",") if m.strip()
)
RISK_SURGE_ACTIVE_HOURS = float(os.environ.get("RISK_SURGE_ACTIVE_HOURS", "16"))
# Count an appeal in the category the resident chose as well as the classifier's, so a
# burst the classifier splits over two categories still adds up.
RISK_SURGE_BY_HINT = os.environ.get("RISK_SURGE_BY_HINT", "1") == "1"
RISK_CLUSTER_MIN = int(os.environ.get("RISK_CLUSTER_MIN", "3"))
RISK_CLUSTER_SIMILARITY = float(os.environ.get("RISK_CLUSTER_SIMILARITY", "0.3"))
# Recent appeals of the district from which stock phrases and word rarity are learned.
RISK_CORPUS_DAYS = int(os.environ.get("RISK_CORPUS_DAYS", "60"))
RISK_CORPUS_SIZE = int(os.environ.get("RISK_CORPUS_SIZE", "800"))
RISK_REPEAT_MIN = int(os.environ.get("RISK_REPEAT_MIN", "3"))
SIMILAR_MIN_SCORE = float(os.environ.get("SIMILAR_MIN_SCORE", "0.35"))
TRIAGE_CV_FOLDS = int(os.environ.get("TRIAGE_CV_FOLDS", "5"))

# Figures other modules feed into the dashboards (jiaoliuba/dashboards/sources.py).
# None marks a source whose module is not installed yet: its figure shows "—".
DASHBOARD_SOURCES = {
    "participation": {
        "appeals": "jiaoliuba.dashboards.sources.appeal_participation",
        "deliberation": "jiaoliuba.deliberation.participation.deliberation_participation",
        "votes": "jiaoliuba.deliberation.voting.participation.vote_participation",
        "bookings": "jiaoliuba.bookings.participation.booking_participation",
        "meetings": "jiaoliuba.deliberation.meetings.participation.meeting_participation",
        "venues": "jiaoliuba.venues.participation.venue_participation",
    },
    "service_precision": {"bookings": "jiaoliuba.bookings.participation.service_precision"},
    "service_satisfaction": {"bookings": "jiaoliuba.bookings.participation.service_satisfaction"},
    "service_kinds": {"bookings": "jiaoliuba.bookings.participation.service_kinds"},
    "venue_visits": {"venues": "jiaoliuba.venues.participation.venue_visits"},
    # Counted sections with the period before and the areas below, on the overview and in the
    # API (dashboards/sections.py): the 议事 section.
    "sections": {"deliberation": "jiaoliuba.deliberation.dashboard.deliberation_section"},
    # Blocks of the overview that a module renders with its own template (the points panel).
    "panels": {"points": "jiaoliuba.points.dashboard.points_section"},
}

# What may ask the expert pool for a professional (jiaoliuba/bookings/subjects.py): the
# owning app resolves its reference for bookings, which may not import it.
EXPERT_REQUEST_SUBJECTS = {
    "appeal": "jiaoliuba.appeals.selectors.expert_request_subject",
    "meeting": "jiaoliuba.deliberation.meetings.selectors.expert_request_subject",
}
