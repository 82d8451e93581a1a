from __future__ import annotations

from ninja import Router

from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.api_params import Offset
from jiaoliuba.notifications import selectors, services
from jiaoliuba.notifications.api.schemas import (
    ChannelsIO,
    MarkedOut,
    NotificationOut,
    UnreadCountOut,
)
from jiaoliuba.notifications.models import Notification

router = Router(tags=["notifications"])


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        title=n.title,
        body=n.body,
        link=n.link,
        created_at=n.created_at,
        read_at=n.read_at,
        unread=n.read_at is None,
    )


@router.get("/notifications", response=list[NotificationOut])
def notification_list(
    request: ApiRequest, unread: bool = False, limit: int = 50, offset: Offset = 0
):
    """The caller's own notifications, unread first, then newest first."""
    limit = max(1, min(limit, 200))
    qs = selectors.inbox_for(user=request.auth, unread_only=unread)
    return [notification_out(n) for n in qs[offset : offset + limit]]


@router.get("/notifications/unread-count", response=UnreadCountOut)
def notification_unread_count(request: ApiRequest):
    return UnreadCountOut(unread=selectors.unread_count(user=request.auth))


@router.post("/notifications/read-all", response=MarkedOut)
def notification_read_all(request: ApiRequest):
    return MarkedOut(marked=services.notification_mark_all_read(user=request.auth))


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request: ApiRequest, notification_id: int):
    notification = selectors.access_notification(user=request.auth, notification_id=notification_id)
    return notification_out(
        services.notification_mark_read(user=request.auth, notification=notification)
    )


@router.get("/notifications/channels", response=ChannelsIO)
def notification_channels(request: ApiRequest):
    return selectors.channel_preference(user=request.auth)


@router.put("/notifications/channels", response=ChannelsIO)
def notification_channels_set(request: ApiRequest, payload: ChannelsIO):
    """Choose whether notifications also go by SMS and by e-mail (the inbox always)."""
    services.channel_preference_set(user=request.auth, sms=payload.sms, email=payload.email)
    return selectors.channel_preference(user=request.auth)
