"""Reads of the notifications app. A user sees their own notifications and nobody else's."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.core.errors import NotFound
from jiaoliuba.notifications.models import ChannelPreference, Notification


def _own(user: Viewer) -> QuerySet[Notification]:
    if not isinstance(user, User):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def inbox_for(*, user: Viewer, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications: unread first, then newest first."""
    qs = _own(user)
    if unread_only:
        return qs.filter(read_at__isnull=True).order_by("-created_at", "-id")
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return qs.order_by(unread.desc(), "-created_at", "-id")


def unread_count(*, user: Viewer) -> int:
    return _own(user).filter(read_at__isnull=True).count()


def access_notification(*, user: Viewer, notification_id: int) -> Notification:
    """The user's own notification; anyone else's answers 404, as if it did not exist."""
    notification = _own(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("No such notification."), code="notification_not_found")
    return notification


def channel_preference(*, user: Viewer) -> dict[str, bool]:
    """Whether the user's notifications also go by SMS and by e-mail (both unless they
    switched one off)."""
    row = ChannelPreference.objects.filter(user=user).first() if isinstance(user, User) else None
    return {"sms": row.sms if row else True, "email": row.email if row else True}
