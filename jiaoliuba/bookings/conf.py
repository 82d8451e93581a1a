"""The settings of bookings, with their defaults (settings.BOOKING_*)."""

from __future__ import annotations

from django.conf import settings


def _get(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def CHECK_IN_EARLY_MINUTES() -> int:
    return _get("BOOKING_CHECK_IN_EARLY_MINUTES", 30)


def NO_SHOW_LIMIT() -> int:
    """No-shows within NO_SHOW_WINDOW_DAYS that pause booking."""
    return _get("BOOKING_NO_SHOW_LIMIT", 3)


def NO_SHOW_WINDOW_DAYS() -> int:
    return _get("BOOKING_NO_SHOW_WINDOW_DAYS", 90)


def RESTRICTION_DAYS() -> int:
    return _get("BOOKING_RESTRICTION_DAYS", 30)


def REMIND_HOUR() -> int:
    """Local hour of the day before a session at which its reminder goes out."""
    return _get("BOOKING_REMIND_HOUR", 10)


def CHECK_IN_LINK_DAYS() -> int:
    return _get("BOOKING_CHECK_IN_LINK_DAYS", 400)
