from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.choices import TopicSource, TopicStage
from jiaoliuba.regions.choices import PATH_MAX


class Topic(models.Model):
    """议题. Every change of stage goes through one service in deliberation.services,
    which appends a TopicEvent; the columns here are the current state."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=16, choices=TopicSource.choices)
    stage = models.CharField(
        _("stage"), max_length=16, choices=TopicStage.choices, default=TopicStage.PROPOSED
    )
    # Where the topic belongs: a grid, a building's grid, a community or a street.
    scope = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    scope_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_topics",
        verbose_name=_("proposed by"),
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
        verbose_name=_("opened from appeal"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["stage", "scope_path"])]

    def __str__(self) -> str:
        return self.title
