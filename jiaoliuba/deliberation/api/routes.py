"""The deliberation API under /api/v1/deliberation/: thin, parse → service or selector →
the same dicts as the pages (presenters). Errors are the ErrorOut of every route."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from jiaoliuba.accounts.selectors import user_is_staff_member
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.appeals.selectors import access_appeal
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.idempotency import idempotent
from jiaoliuba.deliberation import presenters, selectors, services
from jiaoliuba.deliberation.api.schemas import (
    CommentIn,
    CommentOut,
    FlaggedCommentOut,
    TopicEventOut,
    TopicIn,
    TopicMergeIn,
    TopicNoteIn,
    TopicOut,
    TopicOutcomeIn,
    TopicReasonIn,
)
from jiaoliuba.deliberation.choices import TopicSource
from jiaoliuba.deliberation.models import Topic
from jiaoliuba.regions.selectors import region_get

router = Router(tags=["deliberation"])


def _get(request: ApiRequest, topic_id: int) -> Topic:
    return selectors.access_topic(user=request.auth, topic_id=topic_id)


def _out(request: ApiRequest, topic: Topic) -> dict:
    fresh = selectors.access_topic(user=request.auth, topic_id=topic.pk)
    return presenters.topic_dict(fresh, user=request.auth)


@router.get("/topics", response=list[TopicOut])
def topic_list(
    request: ApiRequest, stage: str = "", mine: bool = False, limit: int = 50, offset: Offset = 0
):
    """Topics the caller may join (residents: of the grid, community and street they
    live in) or oversee (staff: their scope and the levels above that cover it).
    `stage` filters by stage, or `open` for every stage before a decision."""
    limit = max(1, min(limit, 200))
    rows = selectors.topic_list(user=request.auth, stage=stage, mine=mine)
    return [presenters.topic_dict(t, user=request.auth) for t in rows[offset : offset + limit]]


@router.post("/topics", response={201: TopicOut})
@idempotent(TopicOut)
def topic_create(request: ApiRequest, payload: TopicIn):
    """居民点单 (`source=resident`: a resident of the scope proposes and is its first
    supporter), 社区派单 (`community`: staff of the scope) or 上级交办 (`assigned`: a
    street or higher, below it, with `due_at`). Staff may give `appeal_id` to open the
    topic from an appeal they can see."""
    scope = region_get(code=payload.scope)
    if payload.source == TopicSource.RESIDENT:
        topic = services.topic_propose(
            actor=request.auth,
            title=payload.title,
            body=payload.body,
            scope=scope,
            for_building=payload.for_building,
        )
    elif payload.appeal_id is not None:
        appeal = access_appeal(user=request.auth, appeal_id=payload.appeal_id)
        topic = services.topic_open_from_appeal(
            appeal=appeal,
            actor=request.auth,
            title=payload.title,
            body=payload.body,
            scope=scope,
            building=payload.building,
        )
    else:
        topic = services.topic_create(
            actor=request.auth,
            title=payload.title,
            body=payload.body,
            scope=scope,
            source=payload.source,
            due_at=payload.due_at,
            building=payload.building,
        )
    return Status(201, _out(request, topic))


@router.get("/topics/{topic_id}", response=TopicOut)
def topic_detail(request: ApiRequest, topic_id: int):
    """The topic; `actions` lists what the caller may do now (the same as the page's
    buttons). Out of the caller's reach: 404."""
    return presenters.topic_dict(_get(request, topic_id), user=request.auth)


@router.get("/topics/{topic_id}/events", response=list[TopicEventOut])
def topic_events(request: ApiRequest, topic_id: int):
    return [presenters.event_dict(e) for e in selectors.topic_events(topic=_get(request, topic_id))]


@router.post("/topics/{topic_id}/support", response=TopicOut)
@idempotent(TopicOut)
def topic_support(request: ApiRequest, topic_id: int):
    """A resident of the scope backs a proposal (once: a second time answers 409
    `already_supported`). Reaching the threshold puts it on the agenda."""
    return _out(request, services.topic_support(topic=_get(request, topic_id), actor=request.auth))


@router.post("/topics/{topic_id}/follow", response=TopicOut)
@idempotent(TopicOut)
def topic_follow(request: ApiRequest, topic_id: int):
    """Hear of official answers and stage changes in the inbox."""
    return _out(request, services.topic_follow(topic=_get(request, topic_id), actor=request.auth))


@router.delete("/topics/{topic_id}/follow", response=TopicOut)
@idempotent(TopicOut)
def topic_unfollow(request: ApiRequest, topic_id: int):
    return _out(request, services.topic_unfollow(topic=_get(request, topic_id), actor=request.auth))


@router.post("/topics/{topic_id}/open-support", response=TopicOut)
@idempotent(TopicOut)
def topic_open_support(request: ApiRequest, topic_id: int):
    return _out(
        request, services.topic_open_support(topic=_get(request, topic_id), actor=request.auth)
    )


@router.post("/topics/{topic_id}/agenda", response=TopicOut)
@idempotent(TopicOut)
def topic_agenda(request: ApiRequest, topic_id: int, payload: TopicNoteIn):
    """Staff put a proposal on the agenda before it reaches the threshold."""
    topic = services.topic_put_on_agenda(
        topic=_get(request, topic_id), actor=request.auth, note=payload.note
    )
    return _out(request, topic)


@router.post("/topics/{topic_id}/discuss", response=TopicOut)
@idempotent(TopicOut)
def topic_discuss(request: ApiRequest, topic_id: int):
    return _out(
        request,
        services.topic_start_discussion(topic=_get(request, topic_id), actor=request.auth),
    )


@router.post("/topics/{topic_id}/start-voting", response=TopicOut)
@idempotent(TopicOut)
def topic_start_voting(request: ApiRequest, topic_id: int):
    return _out(
        request, services.topic_start_voting(topic=_get(request, topic_id), actor=request.auth)
    )


@router.post("/topics/{topic_id}/decide", response=TopicOut)
@idempotent(TopicOut)
def topic_decide(request: ApiRequest, topic_id: int, payload: TopicOutcomeIn):
    return _out(
        request,
        services.topic_decide(
            topic=_get(request, topic_id), actor=request.auth, outcome=payload.outcome
        ),
    )


@router.post("/topics/{topic_id}/withdraw", response=TopicOut)
@idempotent(TopicOut)
def topic_withdraw(request: ApiRequest, topic_id: int, payload: TopicReasonIn):
    return _out(
        request,
        services.topic_withdraw(
            topic=_get(request, topic_id), actor=request.auth, reason=payload.reason
        ),
    )


@router.post("/topics/{topic_id}/merge", response=TopicOut)
@idempotent(TopicOut)
def topic_merge(request: ApiRequest, topic_id: int, payload: TopicMergeIn):
    topic = _get(request, topic_id)
    into = selectors.access_topic(user=request.auth, topic_id=payload.into)
    return _out(
        request,
        services.topic_merge(topic=topic, actor=request.auth, into=into, reason=payload.reason),
    )


@router.get("/topics/{topic_id}/comments", response=list[CommentOut])
def topic_comments(request: ApiRequest, topic_id: int):
    """The discussion: top-level comments with their replies. Hidden comments keep their
    place and reason; their text is for moderators only."""
    topic = _get(request, topic_id)
    moderator = presenters.moderator_of(request.auth, topic)
    return [
        presenters.comment_dict(c, user=request.auth, moderator=moderator)
        for c in selectors.topic_comments(topic=topic)
    ]


@router.post("/topics/{topic_id}/comments", response={201: CommentOut})
@idempotent(CommentOut)
def topic_comment(request: ApiRequest, topic_id: int, payload: CommentIn):
    """Comment or reply (`parent_id`); staff set `official` for an official answer.
    Too many in an hour: 429. A word on the sensitive list: 400 `sensitive_word`."""
    topic = _get(request, topic_id)
    parent = None
    if payload.parent_id is not None:
        parent = selectors.access_comment(user=request.auth, comment_id=payload.parent_id)
    comment = services.topic_comment(
        topic=topic,
        actor=request.auth,
        body=payload.body,
        parent=parent,
        show_name=payload.show_name,
        official=payload.official,
    )
    return Status(201, presenters.comment_dict(comment, user=request.auth))


@router.post("/comments/{comment_id}/flag", response=CommentOut)
@idempotent(CommentOut)
def comment_flag(request: ApiRequest, comment_id: int, payload: TopicReasonIn):
    comment = selectors.access_comment(user=request.auth, comment_id=comment_id)
    comment = services.comment_flag(comment=comment, actor=request.auth, reason=payload.reason)
    return presenters.comment_dict(comment, user=request.auth)


@router.post("/comments/{comment_id}/hide", response=CommentOut)
@idempotent(CommentOut)
def comment_hide(request: ApiRequest, comment_id: int, payload: TopicReasonIn):
    """Staff of the topic's area hide a comment with a reason everyone reads."""
    comment = selectors.access_comment(user=request.auth, comment_id=comment_id)
    comment = services.comment_hide(comment=comment, actor=request.auth, reason=payload.reason)
    return presenters.comment_dict(comment, user=request.auth, moderator=True)


@router.post("/comments/{comment_id}/dismiss-flags", response=CommentOut)
@idempotent(CommentOut)
def comment_dismiss_flags(request: ApiRequest, comment_id: int):
    comment = selectors.access_comment(user=request.auth, comment_id=comment_id)
    comment = services.comment_dismiss_flags(comment=comment, actor=request.auth)
    return presenters.comment_dict(comment, user=request.auth, moderator=True)


@router.get("/moderation/flags", response=list[FlaggedCommentOut])
def moderation_queue(request: ApiRequest):
    """Staff: flagged comments of the topics of their scope, most reported first."""
    if not user_is_staff_member(request.auth):
        raise NotFound(_("Not found."))
    return [
        {
            "topic_id": c.topic_id,
            "topic_title": c.topic.title,
            "comment": presenters.comment_dict(c, user=request.auth, moderator=True),
        }
        for c in selectors.flag_queue(user=request.auth)[:200]
    ]
