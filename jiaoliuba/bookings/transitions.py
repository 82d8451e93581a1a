"""The tables of what may be done to a booking and to a session: action → (from
states, to state, policy, guard). The services enforce them (`require`, `permits`);
pages and the API derive their buttons from them (`offered`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings import conf, policies
from jiaoliuba.bookings.choices import BookingStatus, ExpertRequestStatus, SessionStatus
from jiaoliuba.bookings.models import Booking, ExpertRequest, Session
from jiaoliuba.core import clock
from jiaoliuba.core.transitions import Table, transition

LIVE = (BookingStatus.RESERVED, BookingStatus.WAITLISTED)


def _owner(user: Any, booking: Booking) -> bool:
    return booking.resident_id == getattr(user, "pk", None)


def _manager(user: Any, booking: Booking) -> bool:
    return policies.manages(user, booking.session.region_path)


def _owner_or_manager(user: Any, booking: Booking) -> bool:
    return _owner(user, booking) or _manager(user, booking)


def _system(user: Any, booking: Booking) -> bool:
    return True  # the service itself promotes, when a seat frees


def _the_professional(user: Any, booking: Booking) -> bool:
    expert = booking.session.service.expert
    return expert is not None and expert.user_id is not None and expert.user_id == user.pk


def check_in_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    early = dt.timedelta(minutes=conf.CHECK_IN_EARLY_MINUTES())
    return session.starts_at - early, session.ends_at


def _not_started(booking: Booking) -> bool:
    session = booking.session
    return session.status == SessionStatus.SCHEDULED and clock.now() < session.starts_at


def _checking_in(booking: Booking) -> bool:
    opens, closes = check_in_window(booking.session)
    return booking.session.status != SessionStatus.CANCELLED and opens <= clock.now() <= closes


def _started(booking: Booking) -> bool:
    return booking.session.status != SessionStatus.CANCELLED and clock.now() >= (
        booking.session.starts_at
    )


def _unrated(booking: Booking) -> bool:
    return not booking.rating


_t = transition

TRANSITIONS: Table = Table(
    (
        _t("cancel", LIVE, BookingStatus.CANCELLED, _owner_or_manager, _not_started),
        _t("promote", (BookingStatus.WAITLISTED,), BookingStatus.RESERVED, _system, _not_started),
        _t(
            "check_in",
            (BookingStatus.RESERVED,),
            BookingStatus.ATTENDED,
            _owner_or_manager,
            _checking_in,
        ),
        _t("no_show", (BookingStatus.RESERVED,), BookingStatus.NO_SHOW, _manager, _started),
        _t("rate", (BookingStatus.ATTENDED,), None, _owner, _unrated),
        _t("write_note", (BookingStatus.ATTENDED,), None, _the_professional),
    ),
    state="status",
    wrong_state=_("This cannot be done while the booking is “%(status)s”."),
)


def _session_manager(user: Any, session: Session) -> bool:
    return policies.manages(user, session.region_path)


def _session_started(session: Session) -> bool:
    return clock.now() >= session.starts_at


SESSION_TRANSITIONS: Table = Table(
    (
        _t("cancel", (SessionStatus.SCHEDULED,), SessionStatus.CANCELLED, _session_manager),
        _t(
            "close",
            (SessionStatus.SCHEDULED,),
            SessionStatus.HELD,
            _session_manager,
            _session_started,
        ),
        _t("desk_book", (SessionStatus.SCHEDULED,), None, _session_manager),
        _t("attendance", (SessionStatus.SCHEDULED, SessionStatus.HELD), None, _session_manager),
    ),
    state="status",
    wrong_state=_("This cannot be done while the session is “%(status)s”."),
)

require = TRANSITIONS.require
permits = TRANSITIONS.permits
guard_allows = TRANSITIONS.guard_allows
offered = TRANSITIONS.offered


def _the_expert(user: Any, request: ExpertRequest) -> bool:
    """The professional answers; one without an account answers staff by phone, and
    staff of the subject's scope record it."""
    expert = request.expert
    if expert.user_id is not None:
        return expert.user_id == getattr(user, "pk", None)
    return policies.manages(user, request.region_path)


def _requester_side(user: Any, request: ExpertRequest) -> bool:
    return policies.manages(user, request.region_path)


REQ = ExpertRequestStatus
REQUEST_TRANSITIONS: Table = Table(
    (
        _t("accept", (REQ.REQUESTED,), REQ.ACCEPTED, _the_expert),
        _t("decline", (REQ.REQUESTED,), REQ.DECLINED, _the_expert),
        _t("withdraw", (REQ.REQUESTED, REQ.ACCEPTED), REQ.WITHDRAWN, _requester_side),
    ),
    state="status",
    wrong_state=_("This cannot be done while the request is “%(status)s”."),
)
