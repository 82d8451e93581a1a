from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicSupport(models.Model):
    """One resident backing a proposed topic; one row per person and topic."""

    topic = models.ForeignKey(
        "deliberation.Topic", on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id}"


class SupportThreshold(models.Model):
    """How many supporters put a residents' topic of this community on the agenda by
    itself. Kept by administrators (audited); without a row the setting
    DELIBERATION_SUPPORT_THRESHOLD applies."""

    community = models.OneToOneField(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
        limit_choices_to={"level": "community"},
    )
    supporters = models.PositiveIntegerField(_("supporters needed"), default=10)

    class Meta:
        verbose_name = _("support threshold")
        verbose_name_plural = _("support thresholds")

    def __str__(self) -> str:
        return f"{self.community} · {self.supporters}"
