from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentFlag(models.Model):
    """Someone reported a comment. Open until a moderator hides the comment or dismisses
    the flags."""

    comment = models.ForeignKey(
        "deliberation.Comment", on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"))
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_flag_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


class SensitiveWord(models.Model):
    """A word that topics and comments may not contain. Administrators keep the list in
    the admin, where every change lands in the audit log."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
