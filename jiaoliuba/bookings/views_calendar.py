"""Calendar files: one booking (the resident), one session (staff), and the
subscribable feeds of a resident's bookings and of a professional's sessions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.bookings import selectors
from jiaoliuba.bookings.calendar import CONTENT_TYPE, calendar
from jiaoliuba.core import clock


def _ics(text: str, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type=CONTENT_TYPE)
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
def booking_ics(request: SignedInRequest, booking_id: int) -> HttpResponse:
    event = selectors.booking_calendar_event(user=request.user, booking_id=booking_id)
    return _ics(calendar([event], stamp=clock.now()), f"booking-{booking_id}.ics")


@staff_required
def session_ics(request: SignedInRequest, session_id: int) -> HttpResponse:
    event = selectors.session_calendar_event(user=request.user, session_id=session_id)
    return _ics(calendar([event], stamp=clock.now()), f"session-{session_id}.ics")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: calendar apps fetch it; the signed token is the key."""
    name, events = selectors.calendar_feed(token=token)
    text = calendar(events, stamp=clock.now(), name=f"{_('Jiaoliuba')} · {name}", feed=True)
    return _ics(text, "jiaoliuba.ics", attachment=False)
