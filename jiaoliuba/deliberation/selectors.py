"""Reads of deliberation, always on behalf of a user and limited to what they may see:
residents the topics of the scopes they live in, staff those of their scope and of the
levels above that cover it. `access_*` answer 404 for anything else."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import STAFF_ROLES
from jiaoliuba.accounts.selectors import scope_q, user_roles_at, user_scope_paths
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.choices import CommentStatus, TopicStage
from jiaoliuba.deliberation.models import (
    Comment,
    Topic,
    TopicEvent,
    TopicFollow,
    TopicSupport,
)
from jiaoliuba.regions.choices import SEGMENT, RegionLevel
from jiaoliuba.regions.models import Region

_RELATED = ("scope", "proposer", "assigned_from", "merged_into", "appeal")
AGENDA_STAGES = (TopicStage.AGENDA, TopicStage.DISCUSSING, TopicStage.VOTING)


def _ancestors(path: str) -> list[str]:
    """The path itself and every path above it."""
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def _visible_q(user: Any) -> Q:
    condition = Q(pk__in=[])
    above: set[str] = set()
    home = policies.home_path(user)
    if home:
        above.update(_ancestors(home))
    staff_paths = [
        p for role, paths in user_roles_at(user).items() if role in STAFF_ROLES for p in paths
    ]
    for path in staff_paths:
        above.update(_ancestors(path))
    if above:
        condition |= Q(scope_path__in=sorted(above))
    return condition | scope_q(user, field="scope_path")


def topics_visible_to(user: Any) -> QuerySet[Topic]:
    if not getattr(user, "is_authenticated", False):
        return Topic.objects.none()
    return Topic.objects.filter(_visible_q(user)).select_related(*_RELATED)


def topics_managed_by(user: Any) -> QuerySet[Topic]:
    return Topic.objects.filter(scope_q(user, field="scope_path")).select_related(*_RELATED)


def access_topic(*, user: Any, topic_id: Any) -> Topic:
    number = whole_number(topic_id)
    topic = topics_visible_to(user).filter(pk=number).first() if number is not None else None
    if topic is None:
        raise NotFound(_("No such topic."), code="topic_not_found")
    return topic


def access_comment(*, user: Any, comment_id: Any) -> Comment:
    """A comment of a topic the user may see; otherwise 404."""
    number = whole_number(comment_id)
    comment = (
        Comment.objects.select_related("topic", "author", "parent")
        .filter(pk=number, topic__in=topics_visible_to(user))
        .first()
        if number is not None
        else None
    )
    if comment is None:
        raise NotFound(_("No such comment."), code="comment_not_found")
    return comment


def topic_list(*, user: Any, stage: str = "", mine: bool = False) -> QuerySet[Topic]:
    qs = topics_visible_to(user)
    if stage == "open":
        qs = qs.exclude(stage__in=(TopicStage.DECIDED, TopicStage.WITHDRAWN, TopicStage.MERGED))
    elif stage in TopicStage.values:
        qs = qs.filter(stage=stage)
    if mine:
        qs = qs.filter(Q(proposer=user) | Q(follows__user=user)).distinct()
    return qs.order_by("-updated_at", "-pk")


def agenda(*, user: Any) -> QuerySet[Topic]:
    """The staff agenda: topics of the user's scope waiting for a decision, those due
    first (上级交办 with a date), then the oldest."""
    return (
        topics_managed_by(user)
        .filter(stage__in=(TopicStage.PROPOSED, TopicStage.COLLECTING, *AGENDA_STAGES))
        .order_by(F("due_at").asc(nulls_last=True), "created_at", "pk")
    )


def topic_events(*, topic: Topic) -> QuerySet[TopicEvent]:
    return topic.events.select_related("actor").order_by("created_at", "pk")


def topic_comments(*, topic: Topic) -> list[Comment]:
    """Top-level comments in order, each with its replies in `thread_replies`."""
    rows = list(topic.comments.select_related("author", "hidden_by").order_by("created_at", "pk"))
    tops: list[Comment] = []
    by_id: dict[int, Comment] = {}
    for comment in rows:
        comment.thread_replies = []  # type: ignore[attr-defined]
        if comment.parent_id is None:
            tops.append(comment)
            by_id[comment.pk] = comment
    for comment in rows:
        if comment.parent_id is not None and comment.parent_id in by_id:
            by_id[comment.parent_id].thread_replies.append(comment)  # type: ignore[attr-defined]
    return tops


def flag_queue(*, user: Any) -> QuerySet[Comment]:
    """Flagged comments of the topics the user moderates, most flagged first."""
    return (
        Comment.objects.filter(open_flags__gt=0, topic__in=topics_managed_by(user))
        .select_related("topic", "author")
        .order_by("-open_flags", "created_at", "pk")
    )


def user_supports(*, user: Any, topic: Topic) -> bool:
    return TopicSupport.objects.filter(topic=topic, user_id=getattr(user, "pk", 0) or 0).exists()


def user_follows(*, user: Any, topic: Topic) -> bool:
    return TopicFollow.objects.filter(topic=topic, user_id=getattr(user, "pk", 0) or 0).exists()


def followers(*, topic: Topic) -> list[Any]:
    return [f.user for f in topic.follows.select_related("user")]


def visible_comment_count(*, topic: Topic) -> int:
    return topic.comments.filter(status=CommentStatus.VISIBLE).count()


def topics_of_appeal(*, user: Any, appeal: Any) -> QuerySet[Topic]:
    return topics_visible_to(user).filter(appeal=appeal)


def staff_scope_paths(user: Any) -> list[str]:
    return user_scope_paths(user)


def scope_choices(user: Any, *, staff: bool) -> list[Any]:
    """Where the user may put a topic: a resident the grid, community and street they
    live in; staff the streets, communities and grids of their scope."""
    levels = (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID)
    if not staff:
        home = policies.home_path(user)
        if not home:
            return []
        return list(
            Region.objects.filter(path__in=_ancestors(home), level__in=levels).order_by("path")
        )
    return list(
        Region.objects.filter(scope_q(user, field="path"), level__in=levels).order_by("path")[:500]
    )
