from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from jiaoliuba.regions.api.schemas import RegionRef


class TopicOut(Schema):
    id: int
    title: str
    body: str
    source: str = Field(
        description="resident (居民点单), community (社区派单), assigned (上级交办)"
    )
    source_label: str
    stage: str = Field(
        description="proposed, collecting, agenda, discussing, voting, decided, withdrawn, merged"
    )
    stage_label: str
    scope: RegionRef
    building: str
    support_count: int
    support_threshold: int
    comment_count: int
    assigned_from: RegionRef | None
    due_at: dt.datetime | None
    overdue: bool
    outcome: str
    closing_reason: str
    merged_into: int | None
    appeal: str | None = Field(description="Number of the appeal the topic was opened from")
    appeal_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    actions: list[str] = Field(
        [], description="What the caller may do now (the transition table's answer)"
    )


class TopicIn(Schema):
    title: str = Field(max_length=500)
    body: str = Field(max_length=5000)
    scope: str = Field(description="Region code of a grid, community or street")
    source: str = Field(
        "resident",
        description="resident: a resident proposes; community or assigned: staff create",
    )
    for_building: bool = Field(False, description="Residents: the topic is about their building")
    building: str = Field(
        "",
        max_length=40,
        description="Staff: a building's topic (e.g. 3号楼); `scope` is then the building's grid",
    )
    due_at: dt.datetime | None = Field(None, description="Required for `assigned`")
    appeal_id: int | None = Field(None, description="Staff: open the topic from this appeal")


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author: str = Field(description="Display name that protects identity, e.g. 3号楼居民")
    official: bool
    mine: bool
    body: str = Field(description="Empty for a hidden comment unless the caller moderates")
    hidden: bool
    hidden_reason: str
    flags: int | None = Field(None, description="Open flags; moderators only")
    created_at: dt.datetime
    replies: list[CommentOut] = []


class CommentIn(Schema):
    body: str = Field(max_length=5000)
    parent_id: int | None = None
    show_name: bool = Field(False, description="Show my name instead of 3号楼居民")
    official: bool = Field(False, description="Staff: an official answer (官方答复)")


class TopicReasonIn(Schema):
    reason: str = ""


class TopicNoteIn(Schema):
    note: str = ""


class TopicOutcomeIn(Schema):
    outcome: str


class TopicMergeIn(Schema):
    into: int = Field(description="Id of the topic this one continues in")
    reason: str


class TopicEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    from_stage: str
    to_stage: str
    message: str
    created_at: dt.datetime


class FlaggedCommentOut(Schema):
    topic_id: int
    topic_title: str
    comment: CommentOut
