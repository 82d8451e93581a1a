from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.community.choices import (
    BUILDING_MAX,
    TITLE_MAX,
    NoticeKind,
    NoticeScope,
    NoticeStatus,
    ReplyStatus,
)
from jiaoliuba.regions.choices import PATH_MAX


class NoticeChannel(models.Model):
    """The notice group (社区子群) of one community or one grid, made the first time it
    is needed. Its webhook (optional) forwards every notice, e.g. to a WeChat group bot."""

    region = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="notice_channel",
        verbose_name=_("region"),
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    webhook = models.OneToOneField(
        "notifications.WebhookEndpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice_channel",
        verbose_name=_("webhook endpoint"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("notice channel")
        verbose_name_plural = _("notice channels")
        ordering = ["region_path"]

    def __str__(self) -> str:
        return str(self.region)

    @property
    def kind_code(self) -> str:
        """The notification kind of this channel's notices; its webhook subscribes to it."""
        return f"community.notice.r{self.region.code}"


class Notice(models.Model):
    channel = models.ForeignKey(
        NoticeChannel, on_delete=models.PROTECT, related_name="notices", verbose_name=_("channel")
    )
    # The channel's region path, copied for scoped lists.
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"))
    scope = models.CharField(
        _("sent to"), max_length=16, choices=NoticeScope.choices, default=NoticeScope.COMMUNITY
    )
    # The grid for a grid or building notice posted in a community channel.
    scope_region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    building = models.CharField(_("building"), max_length=BUILDING_MAX, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["region_path", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """A resident the notice was sent to; `read_at` is set when they first open it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_receipt_once")
        ]
        indexes = [models.Index(fields=["user", "notice"])]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.user_id}"


class NoticeReply(models.Model):
    """A reply to a notice, or to a reply (one level). Hidden replies stay, with the
    moderator's reason."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="replies")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    official = models.BooleanField(_("official answer"), default=False)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReplyStatus.choices, default=ReplyStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    open_flags = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["notice", "created_at"])]

    def __str__(self) -> str:
        return self.body[:40]


class ReplyFlag(models.Model):
    reply = models.ForeignKey(NoticeReply, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("time"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reply", "user"], name="reply_flag_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.reply_id}"
