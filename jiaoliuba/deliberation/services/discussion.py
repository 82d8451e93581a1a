"""The discussion of a topic: comments and one level of replies, staff answers marked
official, following."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.selectors import resident_of
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.deliberation import policies, transitions
from jiaoliuba.deliberation.choices import ActKind, CommentStatus, TopicEventKind
from jiaoliuba.deliberation.models import Comment, Topic, TopicFollow
from jiaoliuba.deliberation.services._common import (
    _act,
    _event,
    _follow,
    _followers,
    _locked,
    _notify,
    _require_text,
    check_words,
    limit,
)
from jiaoliuba.deliberation.services.topics import building_of

COMMENT_MAX = 1000


def topic_comment(
    *,
    topic: Topic,
    actor: Any,
    body: str,
    parent: Comment | None = None,
    show_name: bool = False,
    official: bool = False,
) -> Comment:
    """A comment, or a reply to a top-level comment. Staff may mark theirs as the
    official answer (官方答复): followers are told. Residents are shown as "3号楼居民"
    unless they choose to show their name."""
    body = _require_text(
        body, _("Please write your comment."), code="comment_required", max_length=COMMENT_MAX
    )
    action = "answer" if official else "comment"
    transitions.check(
        topic,
        action,
        actor,
        _("Only staff can give an official answer.")
        if official
        else _("Only residents of the topic's area can join this discussion."),
        code="not_member",
    )
    if parent is not None:
        if parent.topic_id != topic.pk:
            raise ValidationFailed(_("That comment belongs to another topic."), code="bad_parent")
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer the thread
        if parent is not None and parent.status != CommentStatus.VISIBLE:
            raise ValidationFailed(_("That comment has been hidden."), code="parent_hidden")
    check_words(body)
    limit("comment", actor, per=settings.DELIBERATION_COMMENTS_PER_HOUR, window_seconds=3600)
    resident = resident_of(actor)
    # A staff member writing as staff is named; a resident chooses.
    named = official or show_name or not policies.is_member(actor, topic)
    with transaction.atomic():
        fresh = _locked(topic)
        transitions.require(fresh, action)
        comment = Comment.objects.create(
            topic=fresh,
            parent=parent,
            author=actor,
            body=body,
            official=official,
            show_name=named,
            author_building=building_of(resident.address) if resident is not None else "",
            created_at=clock.now(),
        )
        Topic.objects.filter(pk=fresh.pk).update(
            comment_count=F("comment_count") + 1, updated_at=clock.now()
        )
        _follow(fresh, actor)
        if official:
            _event(
                fresh,
                TopicEventKind.ANSWERED,
                actor=actor,
                message=body,
                data={"comment": comment.pk},
            )
            _notify(
                _followers(fresh),
                "answer",
                _("Official answer on “%(title)s”"),
                body,
                fresh,
                skip=actor,
            )
        else:
            _act(actor, ActKind.COMMENT, fresh)
            if parent is not None and parent.author_id and parent.author_id != actor.pk:
                _notify(
                    [parent.author],
                    "reply",
                    _("New reply on “%(title)s”"),
                    body,
                    fresh,
                )
    return comment


def topic_follow(*, topic: Topic, actor: Any) -> Topic:
    if not transitions.permits("follow", actor, topic):
        raise PermissionDenied(_("You may not follow this topic."))
    _follow(topic, actor)
    return topic


def topic_unfollow(*, topic: Topic, actor: Any) -> Topic:
    TopicFollow.objects.filter(topic=topic, user_id=getattr(actor, "pk", 0) or 0).delete()
    return topic
