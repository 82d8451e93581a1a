"""The demo's services: a legal consultation with the pool's lawyer booked, reminded,
checked in by QR and rated; another resident promoted from the waiting list."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import user_by_phone
from jiaoliuba.bookings.choices import BookingEventKind, BookingStatus, CertificateStatus
from jiaoliuba.bookings.demo import load_bookings_demo
from jiaoliuba.bookings.models import Booking, BookingEvent, ConsultationNote, Expert, Session
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


def test_demo_consultation_story(make_staff, make_resident):
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="community_staff")
    make_staff(Role.STREET_OFFICER, DONGFENG, username="street_officer")
    make_staff(Role.PROFESSIONAL, DONGFENG, username="lawyer")
    demo = make_resident(JIEFANG_G1, name="张秀兰", phone="13800000001")
    for i in range(3):
        make_resident(JIEFANG_G1, name=f"邻居{i}")
    service = load_bookings_demo(resident_phone_hash=user_by_phone(phone="13800000001").phone_hash)
    assert service is not None and load_bookings_demo() is None  # idempotent
    expert = Expert.objects.get(user__username="lawyer")
    assert service.expert == expert and float(expert.hours_total) == 1.5
    assert expert.certificates.get().status == CertificateStatus.VERIFIED
    mine = Booking.objects.get(resident=demo, session__service=service)
    kinds = list(BookingEvent.objects.filter(booking=mine).values_list("kind", flat=True))
    assert kinds == [
        BookingEventKind.RESERVED,
        BookingEventKind.REMINDED,
        BookingEventKind.CHECKED_IN,
        BookingEventKind.RATED,
    ]
    assert (mine.status, mine.check_in_method, mine.rating) == (
        BookingStatus.ATTENDED,
        "qr",
        "satisfied",
    )
    assert Notification.objects.filter(recipient=demo, kind="booking.reminder").exists()
    promoted = BookingEvent.objects.get(kind=BookingEventKind.PROMOTED).booking
    assert promoted.status == BookingStatus.ATTENDED and promoted.resident != demo
    assert ConsultationNote.objects.filter(booking=mine).exists()
    past = mine.session
    assert (past.status, past.attended, past.capacity) == ("held", 2, 2)
    # Upcoming: next week's consultation and the weekly 居民说事时间.
    assert Session.objects.filter(status="scheduled", service__title="居民说事时间").exists()
    # A service paid with points: 10 a seat, with a session coming up.
    assert Session.objects.filter(
        status="scheduled", service__title="助老理发", service__points_price=10
    ).exists()
