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
    # The region tree has no building level: a building's topic sits at its grid and
    # names the building here ("3号楼").
    building = models.CharField(_("building"), max_length=40, blank=True, default="")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_topics",
        verbose_name=_("proposed by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
        verbose_name=_("opened from appeal"),
    )
    # 上级交办: the street or city that assigned it, and by when it must be decided.
    assigned_from = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned from"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    support_threshold = models.PositiveIntegerField(_("support threshold"), default=0)
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    outcome = models.TextField(_("outcome"), blank=True, default="")
    closing_reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_topics",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["stage", "scope_path"])]

    def __str__(self) -> str:
        return self.title
