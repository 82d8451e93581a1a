"""The person's inbox and channel choices (contract: core/personal_data.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.core.personal_data import Retention, delete_in_batches, section
from jiaoliuba.notifications.choices import DeliveryStatus
from jiaoliuba.notifications.models import ChannelPreference, Delivery, Notification


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "notifications": section(
            _("Messages to me"),
            Notification.objects.filter(recipient=user).order_by("created_at"),
            ["kind", "title", "body", "link", "created_at", "read_at"],
        ),
        "channel_preference": section(
            _("How I receive messages"),
            ChannelPreference.objects.filter(user=user),
            ["sms", "email", "updated_at"],
        ),
    }


def forget(user: User) -> int:
    """Messages to the person serve only them: gone, with their deliveries (which hold the
    number or address they went to)."""
    changed = Delivery.objects.filter(notification__recipient=user).delete()[0]
    changed += Notification.objects.filter(recipient=user).delete()[0]
    return changed + ChannelPreference.objects.filter(user=user).delete()[0]


def _read_notifications(cutoff: dt.datetime) -> int:
    return delete_in_batches(Notification.objects.filter(created_at__lt=cutoff))


def _finished_deliveries(cutoff: dt.datetime) -> int:
    return delete_in_batches(
        Delivery.objects.filter(
            created_at__lt=cutoff, status__in=[DeliveryStatus.SENT, DeliveryStatus.DEAD]
        )
    )


RETENTION = [
    Retention(
        kind="notifications.inbox",
        days=365,
        purge=_read_notifications,
        description=_("Inbox messages, one year after they were sent"),
    ),
    Retention(
        kind="notifications.deliveries",
        days=90,
        purge=_finished_deliveries,
        description=_(
            "The log of SMS, e-mail and webhook deliveries (it holds the number or address), "
            "90 days after sending"
        ),
    ),
]
