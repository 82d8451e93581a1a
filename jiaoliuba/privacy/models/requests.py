from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.privacy.choices import RequestKind


class PrivacyRequest(models.Model):
    """Append-only record of each exercise of a right (a copy, a deletion) and each
    retention purge: who, when, and how many rows per source — never the data itself."""

    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    counts = models.JSONField(_("rows per source"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("personal information request")
        verbose_name_plural = _("personal information requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"
