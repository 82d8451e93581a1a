from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class RegionRef(Schema):
    code: str
    name: str


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    url: str


class RatingOut(Schema):
    level: str
    solved: bool
    comment: str


class AppealOut(Schema):
    id: int
    number: str | None
    status: str
    status_label: str
    priority: str
    priority_label: str
    category: str
    category_label: str
    type_hint: str
    channel: str
    content: str
    address: str
    community: RegionRef
    grid: RegionRef | None
    is_anonymous: bool
    consent_public: bool
    received_at: dt.datetime
    response_due_at: dt.datetime
    resolution_due_at: dt.datetime
    resolution_due_original_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    overdue: bool
    reply: str
    rejection_reason: str
    is_repeat: bool
    merged_into: str | None
    handled_by: str | None
    rating: RatingOut | None
    attachments: list[AttachmentOut]
    # staff only
    submitter: str | None = None
    contact_phone_masked: str | None = None
    repeat_of: str | None = None
    handling_role: str | None = None
    assignee: str | None = None
    assignee_id: int | None = None
    triage_confidence: float | None = None
    triage_reasons: list[str] | None = None
    triage_needs_review: bool | None = None
    routing_reason: str | None = None
    return_count: int | None = None
    reopen_count: int | None = None
    extension_count: int | None = None


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    at: dt.datetime
    actor: str
    message: str
    from_status: str
    to_status: str
    data: dict[str, Any]


class MessageIn(Schema):
    message: str


class ReasonIn(Schema):
    reason: str


class ReplyIn(Schema):
    reply: str


class NoteIn(Schema):
    note: str


class RateIn(Schema):
    level: str
    solved: bool
    comment: str = ""


class TriageIn(Schema):
    priority: str
    category: str
    reason: str


class DispatchIn(Schema):
    region_code: str
    role: str
    assignee_id: int | None = None
    reason: str = ""


class MergeIn(Schema):
    master_id: int


class RepeatIn(Schema):
    earlier: str  # the earlier appeal's number (or id)
    note: str = ""


class ExtensionIn(Schema):
    working_days: int
    reason: str


class ExtensionOut(Schema):
    id: int
    status: str
    working_days: int
    reason: str
    new_due_at: dt.datetime | None


class DecideIn(Schema):
    approve: bool
    note: str = ""


class FollowUpIn(Schema):
    note: str
    reached: bool


class RevealOut(Schema):
    name: str
    phone: str


class SimilarOut(Schema):
    id: int
    number: str
    category: str
    category_label: str
    status: str
    status_label: str
    received_at: dt.datetime
    summary: str  # scrubbed as on the public board: no phone, ID or room numbers
    score: float


class AlertOut(Schema):
    id: int
    kind: str
    community: str
    category: str
    summary: str
    evidence: dict[str, Any]
    # The evidence in words, as the alert page shows it.
    evidence_text: list[str] = []
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None


class WithdrawIn(Schema):
    reason: str = ""
