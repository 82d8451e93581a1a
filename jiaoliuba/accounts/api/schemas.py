from __future__ import annotations

import datetime as dt

from ninja import Schema

from jiaoliuba.regions.api.schemas import RegionRef


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""
    # Staff above grid worker and admins: the current code of their authenticator app
    # (or one recovery code).
    otp: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime


class SmsRequestIn(Schema):
    phone: str


class SmsVerifyIn(Schema):
    phone: str
    code: str
    name: str = ""


class RoleOut(Schema):
    role: str
    role_label: str
    region_code: str
    region_name: str


class MeOut(Schema):
    id: int
    display_name: str
    username: str | None
    phone_masked: str
    roles: list[RoleOut]
    resident_id: int | None


class ResidentOut(Schema):
    id: int
    display_name: str
    phone_masked: str
    community: RegionRef | None
    grid: RegionRef | None
    address: str
    household_id: int | None
    verification_status: str
    verified_at: dt.datetime | None


class ResidentUpdateIn(Schema):
    display_name: str | None = None
    community_code: str | None = None
    grid_code: str | None = None
    address: str | None = None
    id_number: str | None = None


class RevealIn(Schema):
    reason: str


class PhoneRevealOut(Schema):
    value: str
