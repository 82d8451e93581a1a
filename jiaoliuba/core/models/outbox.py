from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.fields import EncryptedTextField


class SmsOutbox(models.Model):
    """Messages the outbox SMS backend 'sent'. Used in development and tests instead of a
    real gateway; the body is encrypted because it may hold sign-in codes."""

    phone = EncryptedTextField(_("phone"))
    phone_hash = models.CharField(max_length=64, db_index=True)
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("SMS outbox message")
        verbose_name_plural = _("SMS outbox")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"SMS {self.pk}"
