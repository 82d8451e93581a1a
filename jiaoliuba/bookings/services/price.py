"""A points price (积分) on a service: booking pays it, per seat, in the booking's own
transaction; a booking cancelled in time, or a session called off, or a place on the
waiting list that never became a seat, is refunded; a no-show or a late cancellation is
not. The ledger names each charge by the booking ("bookings.booking:<id>"), so a booking
is charged and refunded at most once, whatever retries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from jiaoliuba.bookings.models import Booking, Session
from jiaoliuba.points.services import points_charge, points_charge_refund


def _source(booking: Booking) -> str:
    return f"bookings.booking:{booking.pk}"


def price_of(session: Session, seats: int) -> int:
    return (session.service.points_price or 0) * seats


def booking_charge(booking: Booking, session: Session) -> None:
    """Inside the reservation's transaction: not enough points raises and nothing stays."""
    amount = price_of(session, booking.seats)
    if amount:
        points_charge(
            user=booking.resident,
            amount=amount,
            source=_source(booking),
            reason=gettext("Booked: %(title)s") % {"title": session.service.title},
        )


def booking_refund(booking: Booking, session: Session, *, actor: Any = None) -> None:
    if session.service.points_price:
        points_charge_refund(
            user=booking.resident,
            source=_source(booking),
            reason=gettext("Booking cancelled: %(title)s") % {"title": session.service.title},
            actor=actor,
        )
