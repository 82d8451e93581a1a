"""The settings of bookings, with their defaults (settings.BOOKING_*)."""

from __future__ import annotations

from django.conf import settings


def _get(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def CHECK_IN_EARLY_MINUTES() -> int:  # noqa: N802 — read like the setting it is
    return _get("BOOKING_CHECK_IN_EARLY_MINUTES", 30)


def NO_SHOW_LIMIT() -> int:  # noqa: N802
    """No-shows within NO_SHOW_WINDOW_DAYS that pause booking."""
    return _get("BOOKING_NO_SHOW_LIMIT", 3)


def NO_SHOW_WINDOW_DAYS() -> int:  # noqa: N802
    return _get("BOOKING_NO_SHOW_WINDOW_DAYS", 90)


def RESTRICTION_DAYS() -> int:  # noqa: N802
    return _get("BOOKING_RESTRICTION_DAYS", 30)


def REMIND_HOUR() -> int:  # noqa: N802
    """Local hour of the day before a session at which its reminder goes out."""
    return _get("BOOKING_REMIND_HOUR", 10)


def CHECK_IN_LINK_DAYS() -> int:  # noqa: N802
    return _get("BOOKING_CHECK_IN_LINK_DAYS", 400)
