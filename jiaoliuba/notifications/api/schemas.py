from __future__ import annotations

import datetime as dt

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class ChannelsIO(Schema):
    """Notifications always reach the inbox; these say whether they also go by SMS (to
    the account's mobile) and by e-mail (to its address, when there is one)."""

    sms: bool
    email: bool
