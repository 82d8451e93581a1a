"""The person's bookings and booking restrictions (contract: core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.bookings.models import Booking, Restriction
from jiaoliuba.core.personal_data import Retention, section


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "bookings": section(
            _("My bookings"),
            Booking.objects.filter(resident=user).order_by("created_at"),
            [
                "session__service__title",
                "session__starts_at",
                "seats",
                "attendee",
                "status",
                "checked_in_at",
                "rating",
                "feedback",
                "created_at",
            ],
        ),
        "restrictions": section(
            _("Booking restrictions"),
            Restriction.objects.filter(user=user),
            ["reason", "starts_at", "ends_at", "lifted_at"],
        ),
    }


def forget(user: User) -> int:
    """Bookings still count for the service's figures; the attendee's name goes."""
    return Booking.objects.filter(resident=user).update(attendee="")


RETENTION: list[Retention] = []
