"""Reads of bookings, always for the acting user and limited to what they may see:
residents see what their community and street offer and their own bookings; staff see
their scope (and what the levels above offer to it). access_* fetch one object or 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import STAFF_ROLES
from jiaoliuba.accounts.selectors import resident_list, scope_q, user_scope_paths
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.bookings import policies, presenters
from jiaoliuba.bookings.calendar import Event
from jiaoliuba.bookings.choices import (
    LIVE_REQUEST_STATUSES,
    BookingStatus,
    CertificateStatus,
    SessionStatus,
)
from jiaoliuba.bookings.models import (
    Booking,
    Expert,
    ExpertRequest,
    ExpertRequestEvent,
    Restriction,
    Service,
    Session,
)
from jiaoliuba.bookings.services.booking import active_restriction
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound
from jiaoliuba.regions.choices import SEGMENT


def _ancestors(path: str) -> list[str]:
    return [path[:n] for n in range(SEGMENT, len(path) + 1, SEGMENT)]


def _visible(user: Viewer, field: str = "region_path") -> Q:
    """Rows offered where the user lives, or in (or above) a staff scope of theirs."""
    condition = Q(pk__in=[])
    home = policies.home_path(user)
    if home:
        condition |= Q(**{f"{field}__in": _ancestors(home)})
    staff = user_scope_paths(user, roles=STAFF_ROLES)
    if staff:
        condition |= scope_q(user, field=field)
        condition |= Q(**{f"{field}__in": {a for p in staff for a in _ancestors(p)}})
    return condition


def service_list(*, user: Viewer, kind: str = "", managed: bool = False) -> QuerySet[Service]:
    qs = Service.objects.filter(_visible(user)).select_related("expert", "region")
    if managed:
        qs = qs.filter(scope_q(user, field="region_path", roles=policies.MANAGE_ROLES))
    else:
        qs = qs.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "title", "pk")


def access_service(*, user: Viewer, service_id: int) -> Service:
    service = service_list(user=user).filter(pk=service_id).first() or (
        service_list(user=user, managed=True).filter(pk=service_id).first()
    )
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    return service


def _with_waiting(qs: QuerySet[Session]) -> QuerySet[Session]:
    return qs.annotate(
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED))
    )


def session_list(
    *,
    user: Viewer,
    service: Service | None = None,
    upcoming: bool = True,
    day: dt.date | None = None,
) -> QuerySet[Session]:
    qs = _with_waiting(Session.objects.filter(_visible(user)).select_related("service__expert"))
    if service is not None:
        qs = qs.filter(service=service)
    if day is not None:
        qs = qs.filter(day=day)
    elif upcoming:
        qs = qs.filter(ends_at__gte=clock.now(), status=SessionStatus.SCHEDULED)
    return qs.order_by("starts_at", "pk")


def access_session(*, user: Viewer, session_id: int) -> Session:
    session = (
        _with_waiting(Session.objects.filter(_visible(user), pk=session_id))
        .select_related("service__expert", "service__region")
        .first()
    )
    if session is None:
        raise NotFound(_("No such session."), code="session_not_found")
    return session


def my_bookings(*, user: Viewer) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(resident_id=getattr(user, "pk", 0) or 0)
        .select_related("session__service__expert")
        .order_by("-session__starts_at", "-pk")
    )


def my_booking_for(*, user: Viewer, session: Session) -> Booking | None:
    return (
        my_bookings(user=user)
        .filter(session=session)
        .exclude(status=BookingStatus.CANCELLED)
        .first()
    )


def access_booking(*, user: Viewer, booking_id: int) -> Booking:
    """Your own booking, or one of a session in your staff scope."""
    booking = (
        Booking.objects.filter(pk=booking_id)
        .select_related("session__service__expert", "resident")
        .first()
    )
    if booking is None or not (
        booking.resident_id == getattr(user, "pk", None)
        or policies.manages(user, booking.session.region_path)
    ):
        raise NotFound(_("No such booking."), code="booking_not_found")
    return booking


def attendance_list(*, user: Viewer, session: Session) -> QuerySet[Booking]:
    """The staff list of a session: who booked, who waits, who came."""
    if not policies.manages(user, session.region_path):
        raise NotFound(_("No such session."), code="session_not_found")
    return (
        Booking.objects.filter(session=session)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("resident", "booked_by")
        .order_by("status", "created_at", "pk")
    )


def restriction_of(*, user: Viewer) -> Restriction | None:
    return active_restriction(user)


def expert_list(*, user: Viewer, skill: str = "") -> QuerySet[Expert]:
    """The pool as staff of a scope see it: professionals serving it or above it."""
    qs = Expert.objects.filter(_visible(user)).prefetch_related("certificates", "availability")
    if skill:
        qs = qs.filter(Q(skills__icontains=skill) | Q(profession__icontains=skill))
    return qs.order_by("-active", "name", "pk")


def access_expert(*, user: Viewer, expert_id: int) -> Expert:
    expert = expert_list(user=user).filter(pk=expert_id).first()
    own = getattr(user, "pk", None)
    if expert is None and own is not None:
        expert = Expert.objects.filter(pk=expert_id, user_id=own).first()
    if expert is None:
        raise NotFound(_("No such professional."), code="expert_not_found")
    return expert


def expert_of(*, user: Viewer) -> Expert | None:
    own = getattr(user, "pk", None)
    if own is None:
        return None
    return Expert.objects.filter(user_id=own).first()


def expert_sessions(*, user: Viewer, expert: Expert) -> QuerySet[Session]:
    """Sessions a professional provides: theirs to see."""
    return (
        Session.objects.filter(service__expert=expert)
        .select_related("service")
        .order_by("-starts_at")
    )


def resident_choices(*, user: Viewer, phone_or_name: str) -> Any:
    """Residents staff may book for at the desk (accounts' scoped search)."""
    return resident_list(user=user, query=phone_or_name)[:20]


def expert_bookings(*, expert: Expert) -> QuerySet[Booking]:
    """Bookings of the sessions a professional provides (their consultations)."""
    return Booking.objects.filter(session__service__expert=expert).select_related(
        "session__service__expert", "resident"
    )


# --- calendars ----------------------------------------------------------------------

_FEED_SALT = "bookings.calendar_feed"
FEED_PAST_DAYS = 90


def booking_changes(*, booking: Booking) -> int:
    """How many times the booking's status changed: the calendar entry's SEQUENCE."""
    return booking.events.exclude(to_status="").count()


def booking_calendar_event(*, user: Viewer, booking_id: int) -> Event:
    booking = access_booking(user=user, booking_id=booking_id)
    return presenters.booking_event(booking, changes=booking_changes(booking=booking))


def session_calendar_event(*, user: Viewer, session_id: int) -> Event:
    session = access_session(user=user, session_id=session_id)
    if not policies.manages(user, session.region_path):
        raise NotFound(_("No such session."), code="session_not_found")
    return presenters.session_event(session)


def calendar_feed_token(*, user: Viewer, provider: bool = False) -> str:
    """The secret part of a subscribable feed URL: a resident's bookings, or the
    sessions a professional provides. Calendar apps cannot sign in, so the URL itself
    is the key; it is signed and holds only the id."""
    if provider:
        expert = expert_of(user=user)
        if expert is None:
            raise NotFound(_("Not found."))
        return signing.dumps({"e": expert.pk}, salt=_FEED_SALT)
    return signing.dumps({"u": getattr(user, "pk", 0)}, salt=_FEED_SALT)


def calendar_feed(*, token: str) -> tuple[str, list[Event]]:
    """(calendar name, entries) of a feed token; a forged token is a 404. Entries of
    the last FEED_PAST_DAYS days and later, cancelled ones marked so."""
    try:
        key = signing.loads(token, salt=_FEED_SALT)
    except signing.BadSignature:
        raise NotFound(_("Not found.")) from None
    since = clock.now() - dt.timedelta(days=FEED_PAST_DAYS)
    if "e" in key:
        expert = Expert.objects.filter(pk=key["e"]).first()
        if expert is None:
            raise NotFound(_("Not found."))
        sessions = (
            Session.objects.filter(service__expert=expert, starts_at__gte=since)
            .select_related("service")
            .order_by("starts_at", "pk")[:500]
        )
        return expert.name, [presenters.session_event(s) for s in sessions]
    bookings = (
        Booking.objects.filter(resident_id=key.get("u", 0), session__starts_at__gte=since)
        .select_related("session__service")
        .annotate(changes=Count("events", filter=~Q(events__to_status="")))
        .order_by("session__starts_at", "pk")[:500]
    )
    return str(_("My bookings")), [presenters.booking_event(b, changes=b.changes) for b in bookings]


# --- requests to the expert pool ------------------------------------------------------


def expert_candidates(*, user: Viewer, path: str, specialty: str = "") -> QuerySet[Expert]:
    """Professionals who may be asked for a subject at `path`: active, serving that area
    (their community, street or district contains it), matching the specialty in skills
    or profession; those with weekly hours and verified certificates first, then the
    least busy (open requests)."""
    if not policies.manages(user, path):
        return Expert.objects.none()
    qs = Expert.objects.filter(active=True, region_path__in=_ancestors(path))
    specialty = (specialty or "").strip()
    if specialty:
        qs = qs.filter(Q(skills__icontains=specialty) | Q(profession__icontains=specialty))
    return (
        qs.annotate(
            slots=Count("availability", distinct=True),
            verified=Count(
                "certificates",
                filter=Q(certificates__status=CertificateStatus.VERIFIED),
                distinct=True,
            ),
            open_requests=Count(
                "requests",
                filter=Q(requests__status__in=LIVE_REQUEST_STATUSES),
                distinct=True,
            ),
        )
        .prefetch_related("availability", "certificates")
        .order_by("-slots", "-verified", "open_requests", "name", "pk")
    )


def expert_requests_for(*, user: Viewer, subject: str) -> QuerySet[ExpertRequest]:
    """The requests of one appeal or meeting, for staff of its scope (empty for others:
    a resident never sees them)."""
    return (
        ExpertRequest.objects.filter(subject=subject)
        .filter(scope_q(user, field="region_path", roles=policies.MANAGE_ROLES))
        .select_related("expert")
        .order_by("-created_at", "-pk")
    )


def expert_request_list(*, user: Viewer) -> QuerySet[ExpertRequest]:
    """A professional's requests, and those staff made in their scope."""
    own = Q(expert__user_id=getattr(user, "pk", 0) or 0)
    return (
        ExpertRequest.objects.filter(
            own | scope_q(user, field="region_path", roles=policies.MANAGE_ROLES)
        )
        .select_related("expert", "requested_by")
        .order_by("-created_at", "-pk")
    )


def access_expert_request(*, user: Viewer, request_id: int) -> ExpertRequest:
    found = expert_request_list(user=user).filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("No such request."), code="request_not_found")
    return found


def expert_request_events(*, request: ExpertRequest) -> QuerySet[ExpertRequestEvent]:
    return request.events.select_related("actor").order_by("created_at", "pk")
