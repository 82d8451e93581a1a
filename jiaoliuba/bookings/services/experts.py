"""The expert pool (专家库): professionals, their certificates (verified by staff), when
they can serve, the hours they served, and consultation notes, which only the
professional and authorised staff read, every reading logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings import policies, transitions
from jiaoliuba.bookings.choices import CertificateStatus
from jiaoliuba.bookings.models import (
    Availability,
    Booking,
    Certificate,
    ConsultationNote,
    Expert,
    ServiceHours,
)
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.core.services import sensitive_access_record
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region

NOTE_MAX = 4000


def _require_manager(actor: Any, path: str) -> None:
    if not policies.manages(actor, path):
        raise PermissionDenied(
            _("You can manage the expert pool only inside your own scope."),
            code="scope_not_yours",
        )


def expert_create(
    *,
    actor: Any,
    name: str,
    profession: str,
    region: Region | None,
    skills: str = "",
    organisation: str = "",
    bio: str = "",
    user: Any = None,
) -> Expert:
    if region is None or region.level not in (
        RegionLevel.COMMUNITY,
        RegionLevel.STREET,
        RegionLevel.DISTRICT,
    ):
        raise ValidationFailed(
            _("A professional serves a community, a street or a district."), code="region_required"
        )
    _require_manager(actor, region.path)
    name, profession = (name or "").strip(), (profession or "").strip()
    if not name or not profession:
        raise ValidationFailed(
            _("Please give the professional's name and profession."), code="name_required"
        )
    return Expert.objects.create(
        user=user,
        name=name[:64],
        profession=profession[:64],
        skills=(skills or "").strip()[:200],
        organisation=(organisation or "").strip()[:100],
        bio=(bio or "").strip(),
        region=region,
        region_path=region.path,
        created_at=clock.now(),
    )


def certificate_add(
    *, actor: Any, expert: Expert, title: str, issuer: str = "", number: str = ""
) -> Certificate:
    """The professional (or staff for them) records a certificate; staff verify it."""
    if expert.user_id != actor.pk and not policies.manages(actor, expert.region_path):
        raise PermissionDenied(_("You may not do that."), code="not_allowed")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Please name the certificate."), code="title_required")
    return Certificate.objects.create(
        expert=expert,
        title=title[:100],
        issuer=(issuer or "").strip()[:100],
        number=(number or "").strip()[:64],
        created_at=clock.now(),
    )


def certificate_check(*, actor: Any, certificate: Certificate, verified: bool) -> Certificate:
    """Staff looked at the original: verified, or rejected."""
    expert = certificate.expert
    _require_manager(actor, expert.region_path)
    if expert.user_id is not None and expert.user_id == actor.pk:
        raise PermissionDenied(_("You cannot verify your own certificate."), code="own_certificate")
    new = CertificateStatus.VERIFIED if verified else CertificateStatus.REJECTED
    now = clock.now()
    updated = Certificate.objects.filter(
        pk=certificate.pk, status=CertificateStatus.PENDING
    ).update(status=new, checked_by=actor, checked_at=now)
    if updated != 1:
        raise Conflict(_("This certificate has already been checked."), code="already_checked")
    certificate.status, certificate.checked_by, certificate.checked_at = new, actor, now
    return certificate


def availability_add(
    *, actor: Any, expert: Expert, weekday: int, starts: dt.time | None, ends: dt.time | None
) -> Availability:
    if expert.user_id != actor.pk and not policies.manages(actor, expert.region_path):
        raise PermissionDenied(_("You may not do that."), code="not_allowed")
    if weekday not in range(7) or starts is None or ends is None or ends <= starts:
        raise ValidationFailed(
            _("Choose a weekday and a time that ends after it starts."), code="times_invalid"
        )
    return Availability.objects.create(expert=expert, weekday=weekday, starts=starts, ends=ends)


def hours_log(
    *, actor: Any, expert: Expert, day: dt.date | None, hours: str | Decimal, note: str = ""
) -> ServiceHours:
    """Hours served outside a booked session (a home visit, a mediation)."""
    _require_manager(actor, expert.region_path)
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if day is None or not Decimal("0.1") <= amount <= Decimal(24):
        raise ValidationFailed(_("Give a day and between 0.1 and 24 hours."), code="hours_invalid")
    with transaction.atomic():
        row = ServiceHours.objects.create(
            expert=expert,
            day=day,
            hours=amount,
            note=(note or "").strip()[:200],
            logged_by=actor,
            created_at=clock.now(),
        )
        Expert.objects.filter(pk=expert.pk).update(hours_total=F("hours_total") + amount)
    return row


def note_write(*, actor: Any, booking: Booking, text: str) -> ConsultationNote:
    """The professional's note of a consultation they gave."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("The note is empty."), code="note_required")
    if len(text) > NOTE_MAX:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": NOTE_MAX}),
            code="text_too_long",
        )
    booking = Booking.objects.select_related("session__service__expert").get(pk=booking.pk)
    transitions.require(booking, "write_note")
    if not transitions.permits("write_note", actor, booking):
        raise PermissionDenied(
            _("Only the professional who gave the consultation writes its notes."),
            code="not_allowed",
        )
    expert = booking.session.service.expert
    assert expert is not None  # write_note's policy requires it
    return ConsultationNote.objects.create(
        booking=booking, expert=expert, author=actor, text=text, created_at=clock.now()
    )


def notes_reveal(*, actor: Any, booking: Booking, ip: str | None = None) -> list[ConsultationNote]:
    """The notes of a consultation, for the professional or authorised staff of the
    scope; each reading is written to the sensitive-access log. Others: 403."""
    booking = Booking.objects.select_related("session__service__expert").get(pk=booking.pk)
    expert = booking.session.service.expert
    own = expert is not None and expert.user_id is not None and expert.user_id == actor.pk
    if not own and not policies.reads_notes(actor, booking.session.region_path):
        raise PermissionDenied(
            _("Consultation notes are for the professional and authorised staff only."),
            code="notes_private",
        )
    notes = list(ConsultationNote.objects.filter(booking=booking))
    sensitive_access_record(
        actor=actor,
        subject=booking,
        field="consultation_notes",
        reason="own consultation" if own else "authorised staff",
        ip=ip,
    )
    return notes
