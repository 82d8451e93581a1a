"""Topics and comments as plain data for the pages and the API: one shape, so the page
and the API show the same names, labels and hidden-comment placeholders."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiaoliuba.core import clock
from jiaoliuba.deliberation import policies, transitions
from jiaoliuba.deliberation.choices import CommentStatus, TopicEventKind, TopicSource, TopicStage
from jiaoliuba.deliberation.models import Comment, Topic, TopicEvent


def _region(region: Any) -> dict | None:
    return {"code": region.code, "name": region.name} if region is not None else None


def topic_dict(topic: Topic, *, user: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": topic.pk,
        "title": topic.title,
        "body": topic.body,
        "source": topic.source,
        "source_label": str(TopicSource(topic.source).label),
        "stage": topic.stage,
        "stage_label": str(TopicStage(topic.stage).label),
        "scope": _region(topic.scope),
        "building": topic.building,
        "support_count": topic.support_count,
        "support_threshold": topic.support_threshold,
        "comment_count": topic.comment_count,
        "assigned_from": _region(topic.assigned_from),
        "due_at": topic.due_at,
        "overdue": bool(
            topic.due_at
            and topic.due_at < clock.now()
            and topic.stage not in (TopicStage.DECIDED, TopicStage.WITHDRAWN, TopicStage.MERGED)
        ),
        "outcome": topic.outcome,
        "closing_reason": topic.closing_reason,
        "merged_into": topic.merged_into_id,
        "appeal": topic.appeal.number if topic.appeal_id and topic.appeal else None,
        "appeal_id": topic.appeal_id,
        "created_at": topic.created_at,
        "updated_at": topic.updated_at,
    }
    if user is not None:
        offered = transitions.offered(user, topic)
        data["actions"] = [name for name, ok in offered.items() if ok]
    return data


def author_label(comment: Comment) -> str:
    """Who wrote it, as others read it: staff and residents who chose so by name, other
    residents by their building ("3号楼居民") or as "某网格居民"."""
    author = comment.author
    if author is None:
        return _("A former resident")
    if comment.show_name:
        return author.display_name or author.get_username()
    if comment.author_building:
        return _("Resident of %(building)s") % {"building": comment.author_building}
    return _("A resident of this grid")


def comment_dict(comment: Comment, *, user: Any = None, moderator: bool = False) -> dict:
    hidden = comment.status == CommentStatus.HIDDEN
    replies = getattr(comment, "thread_replies", None)
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "author": author_label(comment),
        "official": comment.official,
        "mine": comment.author_id is not None and comment.author_id == getattr(user, "pk", None),
        # A hidden comment keeps its place and reason; only moderators read its text.
        "body": comment.body if (not hidden or moderator) else "",
        "hidden": hidden,
        "hidden_reason": comment.hidden_reason if hidden else "",
        "flags": comment.open_flags if moderator else None,
        "created_at": comment.created_at,
        "replies": [comment_dict(r, user=user, moderator=moderator) for r in replies or []],
    }


def event_dict(event: TopicEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(TopicEventKind(event.kind).label)
        if event.kind in TopicEventKind.values
        else event.kind,
        "from_stage": event.from_stage,
        "to_stage": event.to_stage,
        "message": event.message,
        "created_at": event.created_at,
    }


def moderator_of(user: Any, topic: Topic) -> bool:
    return policies.may_manage(user, topic)
