from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ReceiptCountsOut(Schema):
    total: int
    read: int
    unread: int


class NoticeOut(Schema):
    id: int
    channel: str
    kind: str = Field(description="policy, weather, meeting, other")
    kind_label: str
    title: str
    body: str
    scope: str = Field(description="community, grid, building")
    building: str
    status: str = Field(description="draft, published, withdrawn")
    published_at: dt.datetime | None
    read_at: dt.datetime | None = Field(description="When the caller read it (recipients)")
    counts: ReceiptCountsOut | None = Field(description="Read receipts; staff of the area only")


class NoticeIn(Schema):
    kind: str = Field(description="policy, weather, meeting, other")
    title: str
    body: str
    scope: str = "community"
    grid_id: int | None = None
    building: str = ""
    publish: bool = Field(True, description="Send now (false: keep as a draft)")


class NoticeReplyOut(Schema):
    id: int
    parent_id: int | None
    author: str
    official: bool
    body: str
    hidden_reason: str
    status: str = Field(description="visible, hidden")
    created_at: dt.datetime


class NoticeReplyIn(Schema):
    body: str
    parent_id: int | None = None


class WishOut(Schema):
    id: int
    title: str
    body: str
    status: str = Field(description="posted, claimed, fulfilled, withdrawn")
    status_label: str
    claimed_by: str
    fulfilment: str
    created_at: dt.datetime
    fulfilled_at: dt.datetime | None


class WishIn(Schema):
    title: str
    body: str = ""


class WishFulfilIn(Schema):
    note: str


class IdeaOut(Schema):
    id: int
    title: str
    author: str = Field(description="Shown only with the author's consent")
    status: str = Field(description="submitted, adopted, declined")
    effect: str
    decided_at: dt.datetime | None
    consent_public: bool


class IdeaIn(Schema):
    title: str
    body: str
    consent_public: bool = False


class StoryMediaOut(Schema):
    id: int
    kind: str
    url: str


class StoryOut(Schema):
    id: int
    title: str
    body: str
    status: str
    published_at: dt.datetime | None
    media: list[StoryMediaOut]
    url: str


class CommunityGridOut(Schema):
    name: str
    workers: list[str]


class CommunityOut(Schema):
    id: int
    name: str
    grids: list[CommunityGridOut]
    notices: list[NoticeOut]
    wishes: list[WishOut]
    ideas: list[IdeaOut]
    stories: list[StoryOut]
