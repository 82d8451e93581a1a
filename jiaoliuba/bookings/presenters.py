"""The dicts the pages and the API share for services, sessions and bookings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings import transitions
from jiaoliuba.bookings.calendar import Event
from jiaoliuba.bookings.choices import BookingStatus, SessionStatus
from jiaoliuba.bookings.models import Booking, Expert, ExpertRequest, Service, Session
from jiaoliuba.core.clock import SHANGHAI

BOOKING_ACTIONS = ("cancel", "check_in", "no_show", "rate")
_ONLINE = _("Online")


def service_dict(service: Service) -> dict[str, Any]:
    return {
        "id": service.pk,
        "title": service.title,
        "description": service.description,
        "kind": service.kind,
        "kind_label": str(service.get_kind_display()),
        "provider_kind": service.provider_kind,
        "provider": service.provider_label,
        "expert_id": service.expert_id,
        "place": service.place,
        "online": service.online,
        "eligibility": service.eligibility,
        "eligibility_label": str(service.get_eligibility_display()),
        "points_price": service.points_price,
        "max_seats": service.max_seats,
        "region": service.region.name if service.region_id else "",
    }


def session_dict(session: Session) -> dict[str, Any]:
    start = session.starts_at.astimezone(SHANGHAI)
    return {
        "id": session.pk,
        "service_id": session.service_id,
        "title": session.service.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "when": f"{start:%Y-%m-%d %H:%M}–{session.ends_at.astimezone(SHANGHAI):%H:%M}",
        "day": session.day,
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "seats_taken": session.seats_taken,
        # Annotated by the selectors (sessions fetched otherwise do not show it).
        "waiting": getattr(session, "waiting", 0),
        "attended": session.attended,
        "status": session.status,
        "status_label": str(session.get_status_display()),
        "opens_at": session.opens_at,
        "closes_at": session.closes_at,
        "cancel_until": session.cancel_until,
    }


def booking_dict(booking: Booking, *, user: Any = None) -> dict[str, Any]:
    offered = transitions.offered(user, booking, BOOKING_ACTIONS) if user is not None else {}
    return {
        "id": booking.pk,
        "session": session_dict(booking.session),
        "resident": str(booking.resident) if user is not None else "",
        "seats": booking.seats,
        "attendee": booking.attendee,
        "status": booking.status,
        "status_label": str(booking.get_status_display()),
        "at_desk": booking.at_desk,
        "checked_in_at": booking.checked_in_at,
        "rating": booking.rating,
        "rating_label": str(booking.get_rating_display()) if booking.rating else "",
        "feedback": booking.feedback,
        "created_at": booking.created_at,
        "actions": [name for name, ok in offered.items() if ok],
    }


def expert_dict(expert: Expert) -> dict[str, Any]:
    return {
        "id": expert.pk,
        "name": expert.name,
        "profession": expert.profession,
        "organisation": expert.organisation,
        "skills": expert.skill_list,
        "active": expert.active,
        "hours_total": float(expert.hours_total),
        "certificates": [
            {
                "id": c.pk,
                "title": c.title,
                "issuer": c.issuer,
                "status": c.status,
                "status_label": str(c.get_status_display()),
            }
            for c in expert.certificates.all()
        ],
        "availability": [str(a) for a in expert.availability.all()],
    }


def _place(session: Session) -> str:
    service = session.service
    return service.place or (str(_ONLINE) if service.online else "")


def booking_event(booking: Booking, *, changes: int) -> Event:
    """A booking as a calendar entry; `changes` (status changes so far) makes the
    SEQUENCE grow with every update, so calendars replace the entry they hold."""
    session = booking.session
    if booking.status == BookingStatus.CANCELLED or session.status == SessionStatus.CANCELLED:
        status = "CANCELLED"
    elif booking.status == BookingStatus.WAITLISTED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    cancelled_session = session.status == SessionStatus.CANCELLED
    return Event(
        uid=f"booking-{booking.pk}@jiaoliuba",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.service.title,
        location=_place(session),
        description=str(booking.get_status_display()),
        status=status,
        sequence=max(changes - 1, 0) + (1 if cancelled_session else 0),
    )


def session_event(session: Session) -> Event:
    cancelled = session.status == SessionStatus.CANCELLED
    return Event(
        uid=f"session-{session.pk}@jiaoliuba",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.service.title,
        location=_place(session),
        description=f"{session.seats_taken}/{session.capacity}",
        status="CANCELLED" if cancelled else "CONFIRMED",
        sequence=1 if cancelled else 0,
    )


def expert_request_dict(request: ExpertRequest, *, user: Any = None) -> dict[str, Any]:
    offered = (
        transitions.REQUEST_TRANSITIONS.offered(user, request, ("accept", "decline", "withdraw"))
        if user is not None
        else {}
    )
    return {
        "id": request.pk,
        "subject": request.subject,
        "subject_title": request.subject_title,
        "subject_url": request.subject_url,
        "expert_id": request.expert_id,
        "expert": request.expert.name,
        "profession": request.expert.profession,
        "specialty": request.specialty,
        "note": request.note,
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "answer": request.answer,
        "created_at": request.created_at,
        "answered_at": request.answered_at,
        "actions": [name for name, ok in offered.items() if ok],
    }
