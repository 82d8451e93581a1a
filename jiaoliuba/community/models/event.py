from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.community.choices import Subject


class CommunityEvent(models.Model):
    """Append-only history of every state change in the app: which object (subject and
    id), who, when, from which status to which, with a few facts. Never edited."""

    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField(_("object"))
    kind = models.CharField(_("event"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("community event")
        verbose_name_plural = _("community events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subject", "subject_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject}:{self.subject_id} {self.kind}"
