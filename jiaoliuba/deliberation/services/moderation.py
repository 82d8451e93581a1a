"""Moderation: anyone who can read a comment may flag it; staff of the topic's scope
hide a comment with a reason (an event, the author is told) or dismiss its flags."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied
from jiaoliuba.deliberation import transitions
from jiaoliuba.deliberation.choices import CommentStatus, TopicEventKind
from jiaoliuba.deliberation.models import Comment, CommentFlag
from jiaoliuba.deliberation.services._common import _event, _notify, _require_text, limit


def _locked_comment(comment: Comment) -> Comment:
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("topic", "author")
        .get(pk=comment.pk)
    )


def comment_flag(*, comment: Comment, actor: Any, reason: str = "") -> Comment:
    """Report a comment to the moderators; once per person and comment."""
    if not transitions.permits("flag", actor, comment.topic):
        raise PermissionDenied(_("You may not report this comment."))
    if comment.author_id == getattr(actor, "pk", None):
        raise Conflict(_("You cannot report your own comment."), code="own_comment")
    limit("flag", actor, per=settings.DELIBERATION_FLAGS_PER_HOUR, window_seconds=3600)
    with transaction.atomic():
        fresh = _locked_comment(comment)
        if fresh.status != CommentStatus.VISIBLE:
            raise Conflict(_("This comment is already hidden."), code="comment_hidden")
        try:
            with transaction.atomic():
                CommentFlag.objects.create(
                    comment=fresh,
                    user=actor,
                    reason=(reason or "").strip()[:300],
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(
                _("You have already reported this comment."), code="already_flagged"
            ) from None
        Comment.objects.filter(pk=fresh.pk).update(open_flags=F("open_flags") + 1)
        fresh.open_flags += 1
    return fresh


def comment_hide(*, comment: Comment, actor: Any, reason: str) -> Comment:
    """Hide a comment with a reason; readers see that it was hidden and why. The flags
    on it are settled, and the author is told."""
    reason = _require_text(
        reason, _("Please give a reason for hiding it."), code="reason_required", max_length=300
    )
    with transaction.atomic():
        fresh = _locked_comment(comment)
        transitions.check(
            fresh.topic,
            "hide",
            actor,
            _("Only staff of this topic's area can hide comments."),
        )
        now = clock.now()
        updated = Comment.objects.filter(pk=fresh.pk, status=CommentStatus.VISIBLE).update(
            status=CommentStatus.HIDDEN,
            hidden_reason=reason,
            hidden_by=actor,
            hidden_at=now,
            open_flags=0,
        )
        if updated != 1:
            raise Conflict(_("This comment is already hidden."), code="comment_hidden")
        CommentFlag.objects.filter(comment=fresh, resolved_at__isnull=True).update(resolved_at=now)
        fresh.refresh_from_db()
        _event(
            fresh.topic,
            TopicEventKind.COMMENT_HIDDEN,
            actor=actor,
            message=reason,
            data={"comment": fresh.pk},
        )
        if fresh.author is not None and fresh.author_id != actor.pk:
            _notify(
                [fresh.author],
                "hidden",
                _("Your comment on “%(title)s” was hidden"),
                reason,
                fresh.topic,
            )
    return fresh


def comment_dismiss_flags(*, comment: Comment, actor: Any) -> Comment:
    """The comment is fine: it leaves the queue and stays visible."""
    with transaction.atomic():
        fresh = _locked_comment(comment)
        if not transitions.permits("dismiss_flags", actor, fresh.topic):
            raise PermissionDenied(_("Only staff of this topic's area can moderate it."))
        if fresh.open_flags == 0:
            raise Conflict(_("Nobody has reported this comment."), code="no_flags")
        now = clock.now()
        CommentFlag.objects.filter(comment=fresh, resolved_at__isnull=True).update(resolved_at=now)
        Comment.objects.filter(pk=fresh.pk).update(open_flags=0)
        fresh.open_flags = 0
        _event(
            fresh.topic,
            TopicEventKind.FLAG_DISMISSED,
            actor=actor,
            data={"comment": fresh.pk},
        )
    return fresh
