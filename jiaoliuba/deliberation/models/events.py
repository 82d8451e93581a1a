from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.choices import TopicEventKind


class TopicEvent(models.Model):
    """Append-only history of a topic: every stage change, support, official answer and
    moderation decision, with who and when. Never updated or deleted."""

    topic = models.ForeignKey("deliberation.Topic", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=TopicEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_stage = models.CharField(_("from stage"), max_length=16, blank=True, default="")
    to_stage = models.CharField(_("to stage"), max_length=16, blank=True, default="")
    message = models.TextField(_("message"), blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.topic_id}"
