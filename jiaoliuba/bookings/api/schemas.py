from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ServiceOut(Schema):
    id: int
    title: str
    description: str
    kind: str = Field(
        description="legal, health, psychological, education, elderly, childcare, activity"
    )
    kind_label: str
    provider_kind: str = Field(description="professional, volunteer, staff, partner")
    provider: str
    expert_id: int | None
    place: str
    online: bool
    eligibility: str = Field(description="everyone, verified, age60, child")
    eligibility_label: str
    points_price: int | None = Field(
        description="Points per seat, charged on booking and refunded on a timely cancellation; free when null"
    )
    max_seats: int
    region: str


class SessionOut(Schema):
    id: int
    service_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    when: str
    day: dt.date
    capacity: int
    seats_left: int
    seats_taken: int
    waiting: int
    attended: int
    status: str = Field(description="scheduled, held, cancelled")
    status_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    cancel_until: dt.datetime


class BookingOut(Schema):
    id: int
    session: SessionOut
    resident: str
    seats: int
    attendee: str
    status: str = Field(description="reserved, waitlisted, cancelled, attended, no_show")
    status_label: str
    at_desk: bool
    checked_in_at: dt.datetime | None
    rating: str
    rating_label: str
    feedback: str
    created_at: dt.datetime
    actions: list[str] = Field([], description="What the caller may do now (transition table)")


class BookingIn(Schema):
    session_id: int
    seats: int = 1
    attendee: str = Field("", description="The child's name, for a childcare service")
    resident_id: int | None = Field(
        None, description="Staff at the desk: the resident (profile id) booked for"
    )
    eligibility_confirmed: bool = Field(False, description="Staff at the desk only")


class CheckInIn(Schema):
    code: str = Field(description="The signed code of the venue's QR poster")


class RatingIn(Schema):
    rating: str = Field(description="satisfied, basic, dissatisfied")
    feedback: str = ""


class RestrictionOut(Schema):
    reason: str
    ends_at: dt.datetime


class CertificateOut(Schema):
    id: int
    title: str
    issuer: str
    status: str
    status_label: str


class ExpertOut(Schema):
    id: int
    name: str
    profession: str
    organisation: str
    skills: list[str]
    active: bool
    hours_total: float
    certificates: list[CertificateOut]
    availability: list[str]


class ConsultationNoteIn(Schema):
    text: str


class NoteOut(Schema):
    id: int
    text: str
    author: str
    created_at: dt.datetime
