"""The catalogue: services, one-off and recurring sessions, cancelling a session and
closing its attendance (which also logs the provider's hours and a volunteer's act)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings import closures, policies, transitions
from jiaoliuba.bookings.choices import (
    ActKind,
    BookingEventKind,
    BookingStatus,
    Eligibility,
    ProviderKind,
    ServiceKind,
    SessionStatus,
)
from jiaoliuba.bookings.models import Booking, Expert, Series, Service, ServiceHours, Session
from jiaoliuba.bookings.services._common import (
    _act,
    _act_remove,
    _event,
    _locked_session,
    _notify,
)
from jiaoliuba.bookings.services.booking import _mark_no_show, _move
from jiaoliuba.bookings.services.price import booking_refund
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region

TITLE_MAX = 100
MAX_CAPACITY = 10000
MAX_SERIES_WEEKS = 60
POINTS_PRICE_MAX = 100000


def _require_manager(actor: Any, path: str) -> None:
    if not policies.manages(actor, path):
        raise PermissionDenied(
            _("You can manage services only inside your own scope."), code="scope_not_yours"
        )


def service_create(
    *,
    actor: Any,
    region: Region | None,
    title: str,
    kind: str,
    provider_kind: str,
    description: str = "",
    expert: Expert | None = None,
    provider_user: Any = None,
    provider_name: str = "",
    place: str = "",
    online: bool = False,
    eligibility: str = Eligibility.EVERYONE,
    max_seats: int = 1,
    opens_days_before: int = 14,
    closes_minutes_before: int = 60,
    cancel_hours_before: int = 2,
    points_price: int | None = None,
) -> Service:
    if region is None or region.level not in (RegionLevel.COMMUNITY, RegionLevel.STREET):
        raise ValidationFailed(
            _("A service belongs to a community or a street."), code="region_required"
        )
    _require_manager(actor, region.path)
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise ValidationFailed(
            lazy_format(
                _("Please give the service a title of at most %(n)s characters."), {"n": TITLE_MAX}
            ),
            code="title_required",
        )
    if kind not in ServiceKind.values:
        raise ValidationFailed(_("Choose the kind of service."), code="kind_invalid")
    if provider_kind not in ProviderKind.values:
        raise ValidationFailed(_("Choose who provides the service."), code="provider_invalid")
    if eligibility not in Eligibility.values:
        raise ValidationFailed(_("Choose who may book."), code="eligibility_invalid")
    if provider_kind == ProviderKind.PROFESSIONAL:
        if expert is None or not expert.active:
            raise ValidationFailed(
                _("Choose a professional from the expert pool."), code="expert_required"
            )
        if not (
            region.path.startswith(expert.region_path) or expert.region_path.startswith(region.path)
        ):
            raise ValidationFailed(
                _("This professional does not serve this area."), code="expert_elsewhere"
            )
    else:
        expert = None
    if not online and not (place or "").strip():
        raise ValidationFailed(
            _("Say where the service takes place, or mark it online."), code="place_required"
        )
    if points_price is not None and not 1 <= points_price <= POINTS_PRICE_MAX:
        raise ValidationFailed(
            lazy_format(
                _("A points price is between 1 and %(n)s points, or empty when free."),
                {"n": POINTS_PRICE_MAX},
            ),
            code="points_price_invalid",
        )
    if not 1 <= max_seats <= 10:
        raise ValidationFailed(
            _("Seats per person must be between 1 and 10."), code="seats_invalid"
        )
    return Service.objects.create(
        region=region,
        region_path=region.path,
        title=title,
        description=(description or "").strip(),
        kind=kind,
        provider_kind=provider_kind,
        expert=expert,
        provider_user=provider_user,
        provider_name=(provider_name or "").strip()[:100],
        place=(place or "").strip()[:200],
        online=online,
        eligibility=eligibility,
        max_seats=max_seats,
        opens_days_before=opens_days_before,
        closes_minutes_before=closes_minutes_before,
        cancel_hours_before=cancel_hours_before,
        points_price=points_price,
        created_by=actor,
        created_at=clock.now(),
    )


def _session_row(
    service: Service,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    series: Series | None = None,
) -> Session:
    return Session(
        service=service,
        series=series,
        region_path=service.region_path,
        starts_at=starts_at,
        ends_at=ends_at,
        day=starts_at.astimezone(SHANGHAI).date(),
        capacity=capacity,
        opens_at=starts_at - dt.timedelta(days=service.opens_days_before),
        closes_at=starts_at - dt.timedelta(minutes=service.closes_minutes_before),
        cancel_until=starts_at - dt.timedelta(hours=service.cancel_hours_before),
        created_at=clock.now(),
    )


def _check_times(starts_at: dt.datetime | None, ends_at: dt.datetime | None, capacity: int) -> None:
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationFailed(_("The session must end after it starts."), code="times_invalid")
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationFailed(_("A session lasts at most a day."), code="times_invalid")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            lazy_format(_("Capacity must be between 1 and %(n)s."), {"n": MAX_CAPACITY}),
            code="capacity_invalid",
        )


def session_create(
    *,
    actor: Any,
    service: Service,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    capacity: int,
) -> Session:
    """A one-off session (邻里节, a health check day)."""
    _require_manager(actor, service.region_path)
    _check_times(starts_at, ends_at, capacity)
    assert starts_at is not None and ends_at is not None
    if starts_at <= clock.now():
        raise ValidationFailed(_("The session must be in the future."), code="session_past")
    session = _session_row(service, starts_at, ends_at, capacity)
    session.save()
    return session


def series_create(
    *,
    actor: Any,
    service: Service,
    weekday: int,
    starts: dt.time | None,
    ends: dt.time | None,
    first_day: dt.date | None,
    last_day: dt.date | None,
    capacity: int,
) -> Series:
    """Sessions every week on `weekday` (每周三 19:00–20:30) from `first_day` to
    `last_day`, leaving out the closure days of the holiday calendar."""
    _require_manager(actor, service.region_path)
    if weekday not in range(7):
        raise ValidationFailed(_("Choose a weekday."), code="weekday_invalid")
    if starts is None or ends is None or ends <= starts:
        raise ValidationFailed(_("The session must end after it starts."), code="times_invalid")
    if first_day is None or last_day is None or last_day < first_day:
        raise ValidationFailed(_("The last day must not be before the first."), code="days_invalid")
    if (last_day - first_day).days > MAX_SERIES_WEEKS * 7:
        raise ValidationFailed(
            lazy_format(
                _("A series runs at most %(n)s weeks; add another later."), {"n": MAX_SERIES_WEEKS}
            ),
            code="series_too_long",
        )
    now = clock.now()
    days = [
        first_day + dt.timedelta(days=i)
        for i in range((last_day - first_day).days + 1)
        if (first_day + dt.timedelta(days=i)).weekday() == weekday
    ]
    rows, skipped = [], []
    with transaction.atomic():
        series = Series.objects.create(
            service=service,
            weekday=weekday,
            starts=starts,
            ends=ends,
            first_day=first_day,
            last_day=last_day,
            capacity=capacity,
            created_at=now,
        )
        for day in days:
            begin = dt.datetime.combine(day, starts, tzinfo=SHANGHAI)
            if begin <= now:
                continue
            if closures.is_closed(day):
                skipped.append(day.isoformat())
                continue
            end = dt.datetime.combine(day, ends, tzinfo=SHANGHAI)
            _check_times(begin, end, capacity)
            rows.append(_session_row(service, begin, end, capacity, series))
        Session.objects.bulk_create(rows)
        series.skipped = skipped
        series.save(update_fields=["skipped"])
    return series


def _require_session(action: str, actor: Any, session: Session) -> None:
    transitions.SESSION_TRANSITIONS.require(session, action)
    if not transitions.SESSION_TRANSITIONS.permits(action, actor, session):
        raise PermissionDenied(_("You may not do that to this session."), code="not_allowed")


def session_cancel(*, actor: Any, session: Session, reason: str = "") -> Session:
    """Call a session off: every booking is cancelled and told by SMS."""
    reason = (reason or "").strip()[:200]
    with transaction.atomic():
        locked = _locked_session(session.pk)
        _require_session("cancel", actor, locked)
        Session.objects.filter(pk=locked.pk, status=SessionStatus.SCHEDULED).update(
            status=SessionStatus.CANCELLED, seats_taken=0
        )
        locked.status = SessionStatus.CANCELLED
        live = Booking.objects.filter(
            session=locked, status__in=(BookingStatus.RESERVED, BookingStatus.WAITLISTED)
        ).select_related("resident")
        for booking in live:
            booking.session = locked
            old = booking.status
            _move(booking, old, BookingStatus.CANCELLED, remind_at=None)
            booking_refund(booking, locked, actor=actor)
            _event(
                booking,
                BookingEventKind.SESSION_CANCELLED,
                actor=actor,
                from_status=old,
                to_status=BookingStatus.CANCELLED,
                data={"reason": reason},
            )
            _act_remove(booking.resident_id, ActKind.BOOKED, locked)
            _notify(
                [booking.resident],
                "session_cancelled",
                _("Cancelled: %(title)s"),
                _("%(when)s will not take place. Sorry for the trouble."),
                booking,
                channels=("sms",),
            )
    return locked


def session_close(*, actor: Any, session: Session) -> Session:
    """After the session: whoever booked and did not come is a no-show; the provider's
    hours are logged (expert pool) and a volunteer provider's act counted."""
    now = clock.now()
    with transaction.atomic():
        locked = _locked_session(session.pk)
        _require_session("close", actor, locked)
        if not transitions.SESSION_TRANSITIONS.guard_allows("close", locked):
            raise ValidationFailed(
                _("The session has not started yet."), code="session_not_started"
            )
        updated = Session.objects.filter(pk=locked.pk, status=SessionStatus.SCHEDULED).update(
            status=SessionStatus.HELD
        )
        if updated != 1:
            raise ValidationFailed(
                _("The session changed meanwhile. Please reload."), code="stale_session"
            )
        locked.status = SessionStatus.HELD
        for booking in Booking.objects.filter(
            session=locked, status=BookingStatus.RESERVED
        ).select_related("resident"):
            booking.session = locked
            _mark_no_show(actor, booking, locked, now)
        waited = Booking.objects.filter(session=locked, status=BookingStatus.WAITLISTED)
        if locked.service.points_price:
            # Never had a seat: the points price comes back.
            for booking in waited.select_related("resident"):
                booking_refund(booking, locked)
        waited.update(status=BookingStatus.CANCELLED, updated_at=now)
        service = locked.service
        hours = Decimal(round((locked.ends_at - locked.starts_at).total_seconds() / 3600, 1))
        if service.expert is not None:
            _row, created = ServiceHours.objects.get_or_create(
                expert=service.expert,
                session=locked,
                defaults={
                    "day": locked.day,
                    "hours": hours,
                    "logged_by": actor,
                    "created_at": now,
                    "note": service.title[:200],
                },
            )
            if created:
                Expert.objects.filter(pk=service.expert.pk).update(
                    hours_total=F("hours_total") + hours
                )
        if service.provider_kind == ProviderKind.VOLUNTEER and service.provider_user is not None:
            _act(service.provider_user, ActKind.VOLUNTEERED, locked)
    return locked
