"""Writes of bookings: one function per change, `<entity>_<verb>(*, actor, …)`."""

from jiaoliuba.bookings.services.booking import (
    active_restriction,
    booking_cancel,
    booking_check_in,
    booking_check_in_by_code,
    booking_mark_no_show,
    booking_rate,
    booking_reserve,
    check_in_code,
    restriction_lift,
    session_for_code,
)
from jiaoliuba.bookings.services.catalogue import (
    series_create,
    service_create,
    session_cancel,
    session_close,
    session_create,
)
from jiaoliuba.bookings.services.experts import (
    availability_add,
    certificate_add,
    certificate_check,
    expert_create,
    hours_log,
    note_write,
    notes_reveal,
)
from jiaoliuba.bookings.services.requests import (
    expert_request_answer,
    expert_request_create,
    expert_request_withdraw,
)
from jiaoliuba.bookings.services.sweep import bookings_sweep

__all__ = [
    "active_restriction",
    "availability_add",
    "booking_cancel",
    "booking_check_in",
    "booking_check_in_by_code",
    "booking_mark_no_show",
    "booking_rate",
    "booking_reserve",
    "bookings_sweep",
    "certificate_add",
    "certificate_check",
    "check_in_code",
    "expert_create",
    "expert_request_answer",
    "expert_request_create",
    "expert_request_withdraw",
    "hours_log",
    "note_write",
    "notes_reveal",
    "restriction_lift",
    "series_create",
    "service_create",
    "session_cancel",
    "session_close",
    "session_create",
    "session_for_code",
]
