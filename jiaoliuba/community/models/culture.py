from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.community.choices import (
    TITLE_MAX,
    IdeaStatus,
    MediaKind,
    StoryStatus,
    WishStatus,
)
from jiaoliuba.regions.choices import PATH_MAX


def _person(name: Any, related: str = "+", *, null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=null,
        blank=null,
        on_delete=models.SET_NULL,
        related_name=related,
        verbose_name=name,
    )


class Wish(models.Model):
    """心愿墙: a resident's wish; a volunteer claims and fulfils it."""

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    author = _person(_("posted by"))
    title = models.CharField(_("wish"), max_length=TITLE_MAX)
    body = models.TextField(_("details"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WishStatus.choices, default=WishStatus.POSTED
    )
    claimed_by = _person(_("claimed by"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment = models.CharField(_("how it was fulfilled"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_path", "status", "created_at"])]

    def __str__(self) -> str:
        return self.title


class Idea(models.Model):
    """金点子: a resident's suggestion; staff adopt it with its effect. Shown on the board
    only with the resident's consent."""

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    author = _person(_("suggested by"))
    title = models.CharField(_("idea"), max_length=TITLE_MAX)
    body = models.TextField(_("details"))
    consent_public = models.BooleanField(_("may be shown on the board"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    effect = models.CharField(_("effect"), max_length=300, blank=True)
    decided_by = _person(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    points = models.IntegerField(_("points awarded"), default=0)
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_path", "status", "decided_at"])]

    def __str__(self) -> str:
        return self.title


class Story(models.Model):
    """社区故事: text with photos or a short video, reviewed before it is published."""

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    author = _person(_("written by"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("story"))
    status = models.CharField(
        _("status"), max_length=16, choices=StoryStatus.choices, default=StoryStatus.SUBMITTED
    )
    # A 社区故事会 held as a session of 服务预约.
    session = models.ForeignKey(
        "bookings.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("story-telling session"),
    )
    reviewed_by = _person(_("reviewed by"))
    review_note = models.CharField(_("reason"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["region_path", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title


def story_media_path(instance: StoryMedia, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"stories/{instance.kind}/{uuid.uuid4().hex}.{ext}"


class StoryMedia(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=16, choices=MediaKind.choices)
    file = models.FileField(_("file"), upload_to=story_media_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("story photo or video")
        verbose_name_plural = _("story photos and videos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
