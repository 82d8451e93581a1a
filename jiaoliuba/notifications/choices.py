from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


# Channels a caller of `notify` may ask for per recipient. Webhooks are not asked for:
# every active endpoint subscribed to the kind gets the event.
RECIPIENT_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})


class DeliveryStatus(models.TextChoices):
    PENDING = (
        "pending",
        _("Waiting to send"),
    )  # waiting for its first attempt
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    FAILED = "failed", _("Failed, will retry")  # the last attempt failed; a retry is queued
    DEAD = "dead", _("Gave up")  # no more attempts


# A delivery in one of these states may still be attempted.
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)

KIND_MAX = 64
TITLE_MAX = 200
LINK_MAX = 500
