from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.choices import CommentStatus


class Comment(models.Model):
    """A comment on a topic, or a reply to one (one level: a reply's parent is always a
    top-level comment). Hidden comments stay, with the moderator's reason."""

    topic = models.ForeignKey(
        "deliberation.Topic", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"))
    # A staff member's answer on behalf of the community (官方答复).
    official = models.BooleanField(_("official answer"), default=False)
    # The resident chose to show their name; otherwise others read "3号楼居民".
    show_name = models.BooleanField(_("show my name"), default=False)
    # Taken from the author's address when they wrote it ("3号楼"), for the label.
    author_building = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Unresolved flags; a comment with any is in the moderation queue.
    open_flags = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["topic", "created_at"]),
            models.Index(fields=["open_flags"], name="comment_flagged"),
        ]

    def __str__(self) -> str:
        return self.body[:40]
