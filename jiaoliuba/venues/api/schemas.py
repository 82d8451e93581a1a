from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class HoursOut(Schema):
    weekday: str
    intervals: str
    late: bool


class ThemeOut(Schema):
    month: str
    kind: str = Field(description="neighbour_festival, property_face_to_face, legal_day, other")
    kind_label: str
    title: str
    day: str
    is_today: bool
    note: str


class OnDutyOut(Schema):
    name: str
    role: str
    until: str


class VenueCardOut(Schema):
    id: int
    name: str
    address: str
    area_m2: int
    zones: list[str]
    facilities: str
    open_now: bool
    closes_at: str = Field(description="HH:MM local when open now, else empty")
    next_opens: str = Field(description="The next opening (local) when closed now")
    next_closes: str
    closed_today: str = Field(description="The reason when today is a holiday or special closure")
    hours: list[HoursOut]
    theme: ThemeOut | None
    on_duty: list[OnDutyOut]
    url: str
    photo_url: str


class ShiftOut(Schema):
    id: int
    venue: int
    person: str
    person_id: int
    duty_role: str = Field(description="staff, grid_worker, volunteer")
    duty_role_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str = Field(description="scheduled, completed, missed, cancelled")
    status_label: str


class SwapIn(Schema):
    replacement_id: int
    reason: str = ""


class SwapOut(Schema):
    id: int
    shift_id: int
    replacement_id: int
    status: str = Field(description="pending, approved, rejected, withdrawn")


class VisitIn(Schema):
    topic: str
    outcome: str = Field(description="suggestion, solved, mediation, referred")
    detail: str = ""
    people: int = 1
    received_at: dt.datetime | None = None
    visitor_phone: str = ""
    visitor_name: str = ""


class VisitOut(Schema):
    id: int
    venue: int
    received_at: dt.datetime
    people: int
    visitor: str
    topic: str
    detail: str
    outcome: str
    outcome_label: str
    status: str = Field(description="logged, appealed")
    status_label: str
    appeal_id: int | None
    appeal_number: str


class AppealRef(Schema):
    appeal_id: int
    number: str


class FiguresOut(Schema):
    year: int
    people: int = Field(description="接待人次: people received")
    suggestions: int
    solved: int
    mediations: int
    referred: int
    appeals: int
    visits: int
