"""The booking loop through the real services: reserve, waiting list and promotion,
cancel deadline, reminder the day before (the task actually run), QR and list
check-in, no-shows and the restriction they bring, rating, and the desk."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.bookings import selectors, services
from jiaoliuba.bookings.choices import (
    BookingEventKind,
    BookingStatus,
    Eligibility,
    ProviderKind,
    ServiceKind,
)
from jiaoliuba.bookings.models import Booking, BookingAct, BookingEvent, Restriction, Session
from jiaoliuba.bookings.tasks import sweep
from jiaoliuba.bookings.tests.conftest import local
from jiaoliuba.core import clock
from jiaoliuba.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from jiaoliuba.notifications.models import Delivery, Notification
from jiaoliuba.points import selectors as points_selectors
from jiaoliuba.testing.fixtures import JIEFANG, XIYUAN_COMMUNITY
from jiaoliuba.testing.tasks import run_queued

pytestmark = pytest.mark.django_db


def _waiting(session) -> int:
    return Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED).count()


def _status(booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


def test_full_session_waitlists_and_a_cancellation_promotes_the_head_once(residents, make_session):
    session = make_session(capacity=2)
    a, b, c, d = residents[:4]
    first = services.booking_reserve(actor=a, session=session)
    services.booking_reserve(actor=b, session=session)
    third = services.booking_reserve(actor=c, session=session)
    fourth = services.booking_reserve(actor=d, session=session)
    assert first.status == BookingStatus.RESERVED
    assert third.status == fourth.status == BookingStatus.WAITLISTED
    s = Session.objects.get(pk=session.pk)
    assert (s.seats_taken, _waiting(session)) == (2, 2)

    with pytest.raises(Conflict) as twice:
        services.booking_reserve(actor=a, session=session)
    assert twice.value.code == "already_booked"

    services.booking_cancel(actor=a, booking=first)
    assert _status(first) == BookingStatus.CANCELLED
    assert _status(third) == BookingStatus.RESERVED  # the head of the list, once
    assert _status(fourth) == BookingStatus.WAITLISTED
    s = Session.objects.get(pk=session.pk)
    assert (s.seats_taken, _waiting(session)) == (2, 1)
    promoted = Notification.objects.get(recipient=c, kind="booking.promoted")
    assert "法律咨询" in promoted.title
    assert Delivery.objects.filter(notification=promoted, channel="sms").count() == 1
    assert BookingEvent.objects.filter(booking=third, kind=BookingEventKind.PROMOTED).count() == 1
    # Cancelling a place on the list frees no seat.
    services.booking_cancel(actor=d, booking=fourth)
    assert _waiting(session) == 0
    # Booking acts: a, cancelled, took theirs back.
    assert set(BookingAct.objects.values_list("user_id", flat=True)) == {b.pk, c.pk}


def test_window_deadline_and_scope(residents, make_session, make_resident):
    session = make_session(capacity=5, days=20)  # opens 14 days before
    with pytest.raises(ValidationFailed) as early:
        services.booking_reserve(actor=residents[0], session=session)
    assert early.value.code == "booking_not_open"
    soon = make_session(capacity=5, days=1)
    booking = services.booking_reserve(actor=residents[0], session=soon)
    with (
        clock.pinned(soon.cancel_until + dt.timedelta(minutes=1)),
        pytest.raises(ValidationFailed) as late,
    ):
        services.booking_cancel(actor=residents[0], booking=booking)
    assert late.value.code == "cancel_deadline_passed"
    assert _status(booking) == BookingStatus.RESERVED
    with clock.pinned(soon.closes_at), pytest.raises(ValidationFailed) as closed:
        services.booking_reserve(actor=residents[1], session=soon)
    assert closed.value.code == "booking_closed"
    # A resident of another community cannot see, let alone book, it.
    outsider = make_resident(XIYUAN_COMMUNITY + "001")
    with pytest.raises(NotFound):
        services.booking_reserve(actor=outsider, session=soon)
    with pytest.raises(NotFound):
        selectors.access_session(user=outsider, session_id=soon.pk)
    with pytest.raises(ValidationFailed):
        services.booking_reserve(actor=residents[1], session=soon, seats=2)


def test_reminder_the_day_before_goes_out_once_by_the_worker_task(residents, make_session):
    session = make_session(capacity=3, days=3)
    booking = services.booking_reserve(actor=residents[0], session=session)
    assert booking.remind_at == local(session.day - dt.timedelta(days=1), 10)
    with clock.pinned(booking.remind_at - dt.timedelta(minutes=1)):
        assert services.bookings_sweep() == 0
    with clock.pinned(booking.remind_at + dt.timedelta(minutes=1)):
        sweep.enqueue()
        assert run_queued("sweep") == 1
        assert services.bookings_sweep() == 0  # stamped once
    note = Notification.objects.get(recipient=residents[0], kind="booking.reminder")
    assert Delivery.objects.filter(notification=note, channel="sms").exists()
    assert Booking.objects.get(pk=booking.pk).reminded_at is not None


def test_qr_and_list_check_in_no_show_restriction_and_rating(
    residents, staff, make_session, settings
):
    settings.BOOKING_NO_SHOW_LIMIT = 2
    a, b = residents[:2]
    sessions = [make_session(capacity=3, days=d) for d in (1, 2, 3)]
    booked = [services.booking_reserve(actor=b, session=s) for s in sessions]
    mine = services.booking_reserve(actor=a, session=sessions[0])
    code = services.check_in_code(sessions[0])
    with pytest.raises(ValidationFailed) as early:
        services.booking_check_in_by_code(actor=a, code=code)
    assert early.value.code == "check_in_closed"
    with clock.pinned(sessions[0].starts_at - dt.timedelta(minutes=5)):
        done = services.booking_check_in_by_code(actor=a, code=code)
        assert done.status == BookingStatus.ATTENDED and done.check_in_method == "qr"
        services.booking_check_in_by_code(actor=a, code=code)  # a second scan is harmless
        with pytest.raises(NotFound):
            services.booking_check_in_by_code(actor=residents[3], code=code)
        with pytest.raises(NotFound):
            services.booking_check_in_by_code(actor=a, code=code + "x")
        with pytest.raises(PermissionDenied):
            services.booking_check_in(actor=residents[2], booking=booked[0])
    assert Session.objects.get(pk=sessions[0].pk).attended == 1
    # Attending earns points once (参加预约的服务), however often the code is scanned.
    assert points_selectors.balance_of(a) == 3
    # b misses two sessions: booking pauses, with the reason shown to them.
    for session, booking in zip(sessions[:2], booked[:2], strict=True):
        with clock.pinned(session.ends_at + dt.timedelta(minutes=1)):
            if session == sessions[0]:
                services.booking_mark_no_show(actor=staff, booking=booking)
            else:
                services.session_close(actor=staff, session=session)
    assert _status(booked[1]) == BookingStatus.NO_SHOW
    restriction = Restriction.objects.get(user=b)
    assert "2" in restriction.reason
    fresh = make_session(capacity=3, days=4)
    with pytest.raises(PermissionDenied) as paused:
        services.booking_reserve(actor=b, session=fresh)
    assert paused.value.code == "booking_restricted"
    assert selectors.restriction_of(user=b) == restriction
    # …but staff at the desk can still book them.
    desk = services.booking_reserve(actor=staff, session=fresh, resident=b)
    assert desk.at_desk and desk.booked_by == staff
    # Rating: only what one attended, once.
    with pytest.raises(Conflict):
        services.booking_rate(actor=b, booking=booked[2], rating="satisfied")
    with pytest.raises(ValidationFailed):
        services.booking_rate(actor=a, booking=mine, rating="great")
    services.booking_rate(actor=a, booking=mine, rating="satisfied", feedback="讲得很清楚")
    with pytest.raises(Conflict):
        services.booking_rate(actor=a, booking=mine, rating="basic")
    assert Booking.objects.get(pk=mine.pk).feedback == "讲得很清楚"


def test_eligibility_and_desk_confirmation(regions, staff, residents, make_session):
    service = services.service_create(
        actor=staff,
        region=regions[JIEFANG],
        title="老年人健康讲座",
        kind=ServiceKind.HEALTH,
        provider_kind=ProviderKind.VOLUNTEER,
        provider_user=residents[5],
        place="活动室",
        eligibility=Eligibility.AGE_60,
    )
    session = make_session(capacity=5, svc=service)
    with pytest.raises(PermissionDenied) as unknown:
        services.booking_reserve(actor=residents[0], session=session)
    assert unknown.value.code == "age_unknown"
    resident = residents[0].resident
    resident.id_number = "41170219500101002X"
    resident.save()
    assert services.booking_reserve(actor=residents[0], session=session).status == "reserved"
    young = residents[1].resident
    young.id_number = "411702200001010011"
    young.save()
    with pytest.raises(PermissionDenied):
        services.booking_reserve(actor=residents[1], session=session)
    # At the desk staff confirm an age the record cannot show.
    assert services.booking_reserve(
        actor=staff, session=session, resident=residents[2], eligibility_confirmed=True
    ).at_desk
    with pytest.raises(ValidationFailed):
        services.service_create(
            actor=staff,
            region=regions[JIEFANG],
            title="x",
            kind="legal",
            provider_kind="professional",
            place="x",
        )


def test_series_skips_holidays_from_the_calendar(staff, service):
    # 2026: 国庆 Oct 1–8 (Thu–Thu, weekend included) and 中秋 inside; Wednesdays only.
    with clock.pinned(local(dt.date(2026, 9, 1), 9)):
        series = services.series_create(
            actor=staff,
            service=service,
            weekday=2,
            starts=dt.time(19),
            ends=dt.time(20, 30),
            first_day=dt.date(2026, 9, 23),
            last_day=dt.date(2026, 10, 14),
            capacity=8,
        )
    days = list(Session.objects.filter(series=series).values_list("day", flat=True))
    assert dt.date(2026, 9, 30) in days
    assert dt.date(2026, 10, 7) not in days and series.skipped == ["2026-10-07"]
    assert dt.date(2026, 10, 14) in days
    assert Session.objects.get(series=series, day=dt.date(2026, 9, 30)).starts_at == local(
        dt.date(2026, 9, 30), 19
    )


def test_session_cancel_tells_everyone(residents, staff, make_session):
    session = make_session(capacity=1)
    services.booking_reserve(actor=residents[0], session=session)
    services.booking_reserve(actor=residents[1], session=session)
    services.session_cancel(actor=staff, session=session, reason="场地维修")
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    assert Notification.objects.filter(kind="booking.session_cancelled").count() == 2
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=residents[0], session=make_session())
