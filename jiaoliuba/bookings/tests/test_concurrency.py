"""Correct under load, on SQLite and PostgreSQL, with real threads and connections:
200 residents racing for the last seats get exactly the capacity; cancellations racing
each other and new bookings promote from the waiting list exactly once per freed seat."""

from __future__ import annotations

import pytest

from jiaoliuba.bookings import services
from jiaoliuba.bookings.choices import BookingEventKind, BookingStatus
from jiaoliuba.bookings.models import Booking, BookingEvent, Session
from jiaoliuba.bookings.tests.race import bulk_residents, race
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.django_db(transaction=True)


def test_200_residents_racing_for_the_last_seats_get_exactly_the_capacity(regions, make_session):
    session = make_session(capacity=12)
    people = bulk_residents(regions[JIEFANG_G1], 207)
    # Seven seats are gone before the rush; 200 race for the last five.
    for person in people[:7]:
        services.booking_reserve(actor=person, session=session)
    calls = [(lambda p=p: services.booking_reserve(actor=p, session=session)) for p in people[7:]]
    outcomes, _seconds = race(calls)
    assert outcomes == {BookingStatus.RESERVED: 5, BookingStatus.WAITLISTED: 195}, outcomes
    fresh = Session.objects.get(pk=session.pk)
    assert fresh.seats_taken == fresh.capacity == 12
    assert Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED).count() == 195
    assert Booking.objects.filter(session=session, status=BookingStatus.RESERVED).count() == 12


def test_racing_cancellations_promote_exactly_once_per_freed_seat(regions, make_session):
    session = make_session(capacity=6)
    people = bulk_residents(regions[JIEFANG_G1], 30)
    bookings = [services.booking_reserve(actor=p, session=session) for p in people[:20]]
    reserved, waiting = bookings[:6], bookings[6:]
    # Four holders cancel, each twice (a double tap), while ten newcomers book.
    calls = [
        (lambda b=b: services.booking_cancel(actor=b.resident, booking=b))
        for b in reserved[:4]
        for _ in range(2)
    ]
    calls += [(lambda p=p: services.booking_reserve(actor=p, session=session)) for p in people[20:]]
    outcomes, _seconds = race(calls)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert outcomes[BookingStatus.CANCELLED] == 4, outcomes
    promoted = BookingEvent.objects.filter(booking__session=session, kind=BookingEventKind.PROMOTED)
    assert promoted.count() == 4
    assert promoted.values("booking").distinct().count() == 4
    # First come, first served: the four who waited longest.
    assert set(promoted.values_list("booking_id", flat=True)) == {b.pk for b in waiting[:4]}
    fresh = Session.objects.get(pk=session.pk)
    assert fresh.seats_taken == 6
    live = Booking.objects.filter(session=session)
    assert live.filter(status=BookingStatus.RESERVED).count() == 6
    assert live.filter(status=BookingStatus.WAITLISTED).count() == 20
