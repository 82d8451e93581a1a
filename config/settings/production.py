"""Production: every secret must come from the environment; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

for _name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "FIELD_HASH_KEY"):
    if not globals()[_name]:
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production")

DEBUG = False
if JIAOLIUBA_DEMO_2FA_BYPASS or env_bool("JIAOLIUBA_DEMO_2FA_BYPASS", False):  # noqa: F405
    raise ImproperlyConfigured(
        "JIAOLIUBA_DEMO_2FA_BYPASS is for the demo only: production staff sign in with two factors"
    )
JIAOLIUBA_DEMO_2FA_BYPASS = False
# Cookies only over HTTPS (SECURE_COOKIES=0 only for a benchmark over plain HTTP on a laptop).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx redirects plain HTTP; set SECURE_SSL_REDIRECT=1 when nothing in front does.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Browsers remember for a year to use HTTPS only (sent on HTTPS responses only).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
