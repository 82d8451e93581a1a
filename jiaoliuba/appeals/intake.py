"""Turns submitted form data (a page or the API, the same fields) into an Intake and
cleaned files. Shared so both doors check input identically."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import STAFF_CHANNELS, AttachmentKind, Channel
from jiaoliuba.appeals.services import Intake
from jiaoliuba.appeals.uploads import CleanFile, clean_upload
from jiaoliuba.core import clock
from jiaoliuba.core.dateparse import parse_datetime
from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.regions.models import Region

FILE_FIELDS = {
    "photos": AttachmentKind.IMAGE,
    "voice": AttachmentKind.AUDIO,
    "video": AttachmentKind.VIDEO,
}


def _flag(value: Any) -> bool:
    return str(value or "").strip().lower() in {"1", "true", "on", "yes"}


def _decimal(value: Any) -> Decimal | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationFailed(_("The map point is not valid."), code="invalid_location") from exc
    if not value.is_finite():  # "NaN" parses, then fails every comparison with an error
        raise ValidationFailed(_("The map point is not valid."), code="invalid_location")
    return value


def _region(code: str, level: str) -> Region | None:
    code = (code or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code, level=level).first()
    if region is None:
        raise ValidationFailed(
            _("Unknown community.") if level == "community" else _("Unknown grid."),
            code=f"invalid_{level}",
        )
    return region


def parse_received_at(value: str) -> dt.datetime | None:
    text = (value or "").strip()
    if not text:
        return None
    parsed = parse_datetime(text.replace(" ", "T") if "T" not in text else text)
    if parsed is None:
        raise ValidationFailed(
            _("The time received is not a valid date and time."), code="invalid_received_at"
        )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=clock.SHANGHAI)  # staff type local time
    return parsed


def photos_from(files: Any, field: str = "photos") -> list[CleanFile]:
    """Photos of one form field, each checked by content (the page and the API share it)."""
    return [
        clean_upload(name=upload.name or field, file=upload, declared_kind=AttachmentKind.IMAGE)
        for upload in files.getlist(field)
    ]


def intake_from_data(
    data: Any,
    files: Any,
    *,
    default_community: Region | None = None,
    channel: str = Channel.ONLINE,
    received_at: dt.datetime | None = None,
) -> tuple[Intake, list[CleanFile]]:
    cleaned: list[CleanFile] = []
    for field, kind in FILE_FIELDS.items():
        for upload in files.getlist(field) if hasattr(files, "getlist") else files.get(field, []):
            cleaned.append(clean_upload(name=upload.name or field, file=upload, declared_kind=kind))
    intake = Intake(
        content=str(data.get("content", "")),
        community=_region(data.get("community", ""), "community") or default_community,
        grid=_region(data.get("grid", ""), "grid"),
        type_hint=str(data.get("type_hint", "") or ""),
        address=str(data.get("address", "") or ""),
        latitude=_decimal(data.get("latitude")),
        longitude=_decimal(data.get("longitude")),
        contact_phone=str(data.get("contact_phone", "") or ""),
        is_anonymous=_flag(data.get("is_anonymous")),
        consent_public=_flag(data.get("consent_public")),
        channel=channel,
        received_at=received_at,
    )
    return intake, cleaned


def desk_intake(
    *, data: Any, files: Any, actor: Any, idempotency_key: str = ""
) -> tuple[Any, bool]:
    """Staff enter an appeal received offline (window, phone, home visit, venue, grid
    patrol): the form's fields plus `channel`, `received_at` (may be in the past) and the
    resident's `resident_phone` and `resident_name`. The one path for the desk page and
    `POST /api/v1/appeals/desk`; returns (appeal, created)."""
    channel = data.get("channel", "")
    if channel not in STAFF_CHANNELS:
        raise ValidationFailed(
            _("Please choose how the appeal was received."), code="invalid_channel"
        )
    intake, cleaned = intake_from_data(
        data, files, channel=channel, received_at=parse_received_at(data.get("received_at", ""))
    )
    phone = data.get("resident_phone", "").strip()
    submitter = (
        services.staff_intake_submitter(
            phone=phone, name=data.get("resident_name", ""), community=intake.community
        )
        if phone
        else None
    )
    return services.appeal_submit(
        submitter=submitter,
        intake=intake,
        files=cleaned,
        created_by=actor,
        idempotency_key=idempotency_key,
    )
