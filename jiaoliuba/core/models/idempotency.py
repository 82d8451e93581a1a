from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """An API write sent with an Idempotency-Key, remembered per caller with the answer
    it got, so that a retry is answered the same and does nothing twice
    (core.idempotency)."""

    owner = models.CharField(_("caller"), max_length=64)
    key = models.CharField(_("key"), max_length=100)
    request = models.CharField(_("request"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"), default=0)
    body = models.JSONField(_("answer"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotent_request_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
