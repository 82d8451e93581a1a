"""The bookings API under /api/v1/bookings/: thin, parse → service or selector → the
same dicts as the pages (presenters). Errors are the ErrorOut of every route."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from jiaoliuba.accounts.selectors import access_resident
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.bookings import presenters, selectors, services
from jiaoliuba.bookings.api.schemas import (
    BookingIn,
    BookingOut,
    CheckInIn,
    ConsultationNoteIn,
    ExpertOut,
    NoteOut,
    RatingIn,
    RestrictionOut,
    ServiceOut,
    SessionOut,
)
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.request import client_ip

router = Router(tags=["bookings"])


@router.get("/services", response=list[ServiceOut])
def service_list(request: ApiRequest, kind: str = ""):
    """The catalogue the caller may book (residents: their community and street) or
    oversee (staff: their scope)."""
    return [
        presenters.service_dict(s) for s in selectors.service_list(user=request.auth, kind=kind)
    ]


@router.get("/services/{service_id}/sessions", response=list[SessionOut])
def session_list(request: ApiRequest, service_id: int):
    """Upcoming sessions of a service."""
    service = selectors.access_service(user=request.auth, service_id=service_id)
    rows = selectors.session_list(user=request.auth, service=service)[:100]
    return [presenters.session_dict(s) for s in rows]


@router.get("/sessions/{session_id}", response=SessionOut)
def session_get(request: ApiRequest, session_id: int):
    return presenters.session_dict(
        selectors.access_session(user=request.auth, session_id=session_id)
    )


@router.get("/mine", response=list[BookingOut])
def my_bookings(request: ApiRequest, limit: int = 50, offset: Offset = 0):
    limit = max(1, min(limit, 200))
    rows = selectors.my_bookings(user=request.auth)[offset : offset + limit]
    return [presenters.booking_dict(b, user=request.auth) for b in rows]


@router.get("/restriction", response={200: RestrictionOut, 204: None})
def my_restriction(request: ApiRequest):
    """Why and until when the caller may not book (204: they may)."""
    found = selectors.restriction_of(user=request.auth)
    if found is None:
        return Status(204, None)
    return {"reason": found.reason, "ends_at": found.ends_at}


@router.post("/bookings", response={201: BookingOut})
def booking_create(request: ApiRequest, payload: BookingIn):
    """Book a seat (or a place on the waiting list when full). Staff at the desk give
    `resident_id` to book for a resident of their scope."""
    session = selectors.access_session(user=request.auth, session_id=payload.session_id)
    resident = None
    if payload.resident_id is not None:
        resident = access_resident(user=request.auth, resident_id=payload.resident_id).user
    booking = services.booking_reserve(
        actor=request.auth,
        session=session,
        resident=resident,
        seats=payload.seats,
        attendee=payload.attendee,
        eligibility_confirmed=payload.eligibility_confirmed,
    )
    fresh = selectors.access_booking(user=request.auth, booking_id=booking.pk)
    return Status(201, presenters.booking_dict(fresh, user=request.auth))


def _act(request: ApiRequest, booking_id: int, fn, **kwargs) -> dict:
    booking = selectors.access_booking(user=request.auth, booking_id=booking_id)
    fn(actor=request.auth, booking=booking, **kwargs)
    fresh = selectors.access_booking(user=request.auth, booking_id=booking_id)
    return presenters.booking_dict(fresh, user=request.auth)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut)
def booking_cancel(request: ApiRequest, booking_id: int):
    """Cancel; the seat goes to the head of the waiting list at once."""
    return _act(request, booking_id, services.booking_cancel)


@router.post("/bookings/{booking_id}/check-in", response=BookingOut)
def booking_check_in(request: ApiRequest, booking_id: int):
    """Staff tick the attendance list (or the resident, within the check-in window)."""
    return _act(request, booking_id, services.booking_check_in)


@router.post("/check-in", response=BookingOut)
def booking_check_in_by_code(request: ApiRequest, payload: CheckInIn):
    """The resident's own reservation checks in with the venue poster's code."""
    booking = services.booking_check_in_by_code(actor=request.auth, code=payload.code)
    fresh = selectors.access_booking(user=request.auth, booking_id=booking.pk)
    return presenters.booking_dict(fresh, user=request.auth)


@router.post("/bookings/{booking_id}/no-show", response=BookingOut)
def booking_no_show(request: ApiRequest, booking_id: int):
    return _act(request, booking_id, services.booking_mark_no_show)


@router.post("/bookings/{booking_id}/rating", response=BookingOut)
def booking_rate(request: ApiRequest, booking_id: int, payload: RatingIn):
    return _act(
        request, booking_id, services.booking_rate, rating=payload.rating, feedback=payload.feedback
    )


@router.get("/sessions/{session_id}/attendance", response=list[BookingOut])
def attendance(request: ApiRequest, session_id: int):
    """Staff: the attendance list of a session of their scope."""
    session = selectors.access_session(user=request.auth, session_id=session_id)
    rows = selectors.attendance_list(user=request.auth, session=session)
    return [presenters.booking_dict(b, user=request.auth) for b in rows]


@router.get("/experts", response=list[ExpertOut])
def expert_list(request: ApiRequest, skill: str = ""):
    """The expert pool (专家库) as the caller's scope sees it."""
    return [
        presenters.expert_dict(e) for e in selectors.expert_list(user=request.auth, skill=skill)
    ]


@router.post("/bookings/{booking_id}/notes", response={201: NoteOut})
def note_create(request: ApiRequest, booking_id: int, payload: ConsultationNoteIn):
    """The professional who gave the consultation writes its note."""
    booking = _booking_for_notes(request, booking_id)
    note = services.note_write(actor=request.auth, booking=booking, text=payload.text)
    return Status(
        201,
        {
            "id": note.pk,
            "text": note.text,
            "author": str(note.author),
            "created_at": note.created_at,
        },
    )


@router.get("/bookings/{booking_id}/notes", response=list[NoteOut])
def note_list(request: ApiRequest, booking_id: int):
    """The professional or authorised staff; each reading is logged."""
    booking = _booking_for_notes(request, booking_id)
    notes = services.notes_reveal(actor=request.auth, booking=booking, ip=client_ip(request))
    return [
        {"id": n.pk, "text": n.text, "author": str(n.author), "created_at": n.created_at}
        for n in notes
    ]


def _booking_for_notes(request: ApiRequest, booking_id: int):
    expert = selectors.expert_of(user=request.auth)
    if expert is not None:
        found = selectors.expert_bookings(expert=expert).filter(pk=booking_id).first()
        if found is not None:
            return found
    try:
        return selectors.access_booking(user=request.auth, booking_id=booking_id)
    except NotFound:
        raise NotFound(_("No such booking."), code="booking_not_found") from None
