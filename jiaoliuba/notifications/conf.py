"""Settings of the notifications app, with their defaults. Set them in the environment's
settings module to change them:

NOTIFICATIONS_MAX_ATTEMPTS     attempts per delivery before it is marked dead (5)
NOTIFICATIONS_RETRY_DELAYS     seconds to wait after the 1st, 2nd, … failed attempt; the
                               last value repeats ((30, 120, 600, 3600))
NOTIFICATIONS_WEBHOOK_TIMEOUT  seconds to wait for a webhook receiver (10)
NOTIFICATIONS_EMAIL_TIMEOUT    seconds to wait for the SMTP server when EMAIL_TIMEOUT is
                               unset (30)
NOTIFICATIONS_CLAIM_SECONDS    how long a worker holds a delivery it is sending before
                               another worker may take it over (600)
SITE_URL                       e.g. "https://jiaoliuba.example.gov.cn"; when set, SMS and
                               e-mail carry the absolute link of the notification
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def max_attempts() -> int:
    return max(1, int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)))


def retry_delay(failed_attempts: int) -> dt.timedelta:
    """The wait after the `failed_attempts`-th failure (1-based)."""
    delays = tuple(getattr(settings, "NOTIFICATIONS_RETRY_DELAYS", (30, 120, 600, 3600)))
    index = min(max(failed_attempts, 1), len(delays)) - 1
    return dt.timedelta(seconds=float(delays[index]))


def webhook_timeout() -> float:
    return float(getattr(settings, "NOTIFICATIONS_WEBHOOK_TIMEOUT", 10))


def email_timeout() -> float:
    value = getattr(settings, "EMAIL_TIMEOUT", None)
    return float(value if value else getattr(settings, "NOTIFICATIONS_EMAIL_TIMEOUT", 30))


def claim_duration() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "NOTIFICATIONS_CLAIM_SECONDS", 600)))


def absolute_url(link: str) -> str:
    """The link for messages read outside the site; empty when SITE_URL is unset."""
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if base and link else ""
