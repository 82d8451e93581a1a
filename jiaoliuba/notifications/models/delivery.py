from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.core.masking import mask_phone
from jiaoliuba.notifications.choices import KIND_MAX, Channel, DeliveryStatus
from jiaoliuba.notifications.privacy import mask_email, mask_url


class Delivery(models.Model):
    """One message to send through one channel, and the log of trying: written by
    `services.notify`, sent by the `deliver` task, never edited by hand."""

    notification = models.ForeignKey(
        "notifications.Notification",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    endpoint = models.ForeignKey(
        "notifications.WebhookEndpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("webhook endpoint"),
    )
    channel = models.CharField(_("delivery channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=KIND_MAX)
    # The phone number, e-mail address or endpoint URL; encrypted at rest, shown masked.
    target = EncryptedTextField(_("target"))
    # The JSON a webhook receives (no phone or ID numbers); empty for SMS and e-mail,
    # which take their text from the notification.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("delivery log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"

    @property
    def masked_target(self) -> str:
        if self.channel == Channel.SMS:
            return mask_phone(self.target)
        if self.channel == Channel.EMAIL:
            return mask_email(self.target)
        name = self.endpoint.name if self.endpoint_id and self.endpoint else ""
        return f"{name} {mask_url(self.target)}".strip()
