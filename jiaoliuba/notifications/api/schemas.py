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
