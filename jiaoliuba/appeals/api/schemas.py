from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from jiaoliuba.regions.api.schemas import RegionRef


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
    # Only on GET /appeals/{id}: what the caller may do now, from the transition table
    # (the same answer as the buttons of the appeal page).
    actions: list[str] | None = None
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


class SubmitterRevealOut(Schema):
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


class MaterialForm(Schema):
    """The text field of `POST /appeals/{id}/material` (multipart, beside `photos`)."""

    text: str = Field("", description="What the resident adds (text, photos or both)")


class AppealForm(Schema):
    """The text fields of `POST /appeals` (multipart/form-data). The handler reads the
    form itself; this schema documents it and routes it through the API's parser.
    Missing fields are the service's to refuse, with its own message, so they default to
    "" here and are listed as required only in the spec."""

    model_config = ConfigDict(json_schema_extra={"required": ["content"]})

    content: str = Field("", description="What happened")
    type_hint: str = Field("", description="The resident's guess of the category")
    community: str = Field("", description="Community code (default: the caller's)")
    grid: str = Field("", description="Grid code")
    address: str = ""
    latitude: str = ""
    longitude: str = ""
    contact_phone: str = ""
    is_anonymous: str = Field("", description='"1", "true" or "on" for anonymous')
    consent_public: str = Field("", description='"1" to allow a scrubbed public summary')


class DeskAppealForm(AppealForm):
    model_config = ConfigDict(json_schema_extra={"required": ["content", "channel"]})

    channel: str = Field(
        "", description="How it was received (window, phone, visit, venue, patrol)"
    )
    received_at: str = Field("", description="ISO 8601 time it was received (may be past)")
    resident_phone: str = ""
    resident_name: str = ""
