from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicFollow(models.Model):
    """Someone who wants to hear of a topic's official answers and stage changes."""

    topic = models.ForeignKey(
        "deliberation.Topic", on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id}"
