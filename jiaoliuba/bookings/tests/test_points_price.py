"""A service with a points price: booking pays price × seats in the booking's transaction;
too few points is refused with the balance in the message and changes nothing (no seat,
no booking, no entry); a timely cancellation, leaving the waiting list and a session
called off refund; a late cancellation and a no-show do not; each booking is charged and
refunded once."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.bookings import services
from jiaoliuba.bookings.choices import BookingStatus, ProviderKind, ServiceKind
from jiaoliuba.bookings.models import Booking, Session
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, ValidationFailed
from jiaoliuba.points import services as points_services
from jiaoliuba.points.choices import EntryKind
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleaning(regions, staff):
    """家政保洁: 30 points a seat, two seats per person at most."""
    return services.service_create(
        actor=staff,
        region=regions[JIEFANG],
        title="家政保洁",
        kind=ServiceKind.ACTIVITY,
        provider_kind=ProviderKind.PARTNER,
        provider_name="好帮手家政",
        place="上门",
        max_seats=2,
        points_price=30,
    )


@pytest.fixture
def fund(staff):
    def give(user, amount):
        points_services.points_adjust(actor=staff, user=user, amount=amount, reason="测试积分")

    return give


def _kinds(user):
    return list(
        PointsEntry.objects.filter(account__user=user)
        .exclude(kind=EntryKind.ADJUST)
        .order_by("id")
        .values_list("kind", "amount")
    )


def test_booking_pays_and_a_timely_cancellation_refunds_once(
    residents, make_session, cleaning, fund
):
    a = residents[0]
    fund(a, 100)
    session = make_session(capacity=3, svc=cleaning)
    booking = services.booking_reserve(actor=a, session=session, seats=2)
    assert balance_of(a) == 40  # 100 − 2 seats × 30
    assert _kinds(a) == [(EntryKind.SPEND, -60)]
    services.booking_cancel(actor=a, booking=booking)
    assert balance_of(a) == 100
    assert _kinds(a) == [(EntryKind.SPEND, -60), (EntryKind.REFUND, 60)]
    # Booking again is a new booking: charged again; the old refund does not repeat.
    again = services.booking_reserve(actor=a, session=session)
    assert balance_of(a) == 70 and again.pk != booking.pk


def test_too_few_points_is_refused_and_changes_nothing(residents, make_session, cleaning, fund):
    a = residents[0]
    fund(a, 50)
    session = make_session(capacity=3, svc=cleaning)
    with pytest.raises(Conflict) as short:
        services.booking_reserve(actor=a, session=session, seats=2)
    assert short.value.code == "points_insufficient"
    assert "50" in short.value.message_in("zh-hans") and "60" in short.value.message_in("en")
    assert not Booking.objects.filter(session=session).exists()
    assert Session.objects.get(pk=session.pk).seats_taken == 0
    assert _kinds(a) == [] and balance_of(a) == 50
    services.booking_reserve(actor=a, session=session, seats=1)  # one seat she can pay
    assert balance_of(a) == 20


def test_late_cancellation_and_no_show_keep_the_points(
    residents, make_session, cleaning, fund, staff
):
    a, b = residents[0], residents[1]
    fund(a, 30)
    fund(b, 30)
    session = make_session(capacity=3, days=1, svc=cleaning)
    late = services.booking_reserve(actor=a, session=session)
    no_show = services.booking_reserve(actor=b, session=session)
    with clock.pinned(session.cancel_until + dt.timedelta(minutes=1)):
        # Past the deadline the resident calls the community; staff cancel, no refund.
        services.booking_cancel(actor=staff, booking=late)
    assert balance_of(a) == 0
    with clock.pinned(session.starts_at + dt.timedelta(minutes=30)):
        services.booking_mark_no_show(actor=staff, booking=no_show)
    assert Booking.objects.get(pk=no_show.pk).status == BookingStatus.NO_SHOW
    assert balance_of(b) == 0
    assert not PointsEntry.objects.filter(kind=EntryKind.REFUND).exists()


def test_waiting_list_and_a_called_off_session_refund(
    residents, make_session, cleaning, fund, staff
):
    a, b, c = residents[0], residents[1], residents[2]
    for person in (a, b, c):
        fund(person, 30)
    session = make_session(capacity=1, svc=cleaning)
    services.booking_reserve(actor=a, session=session)
    waiting = services.booking_reserve(actor=b, session=session)
    assert waiting.status == BookingStatus.WAITLISTED and balance_of(b) == 0
    services.booking_cancel(actor=b, booking=waiting)  # leaves the list: refunded
    assert balance_of(b) == 30
    services.booking_reserve(actor=c, session=session)  # waits, paid
    services.session_cancel(actor=staff, session=session, reason="保洁公司停业")
    assert (balance_of(a), balance_of(c)) == (30, 30)
    # Held sessions: whoever still waits when it is closed never had a seat.
    held = make_session(capacity=1, days=1, svc=cleaning)
    services.booking_reserve(actor=a, session=held)
    services.booking_reserve(actor=c, session=held)
    with clock.pinned(held.starts_at + dt.timedelta(hours=2)):
        services.session_close(actor=staff, session=held)
    assert (balance_of(a), balance_of(c)) == (0, 30)


def test_the_price_is_checked_and_shown(client, residents, make_session, cleaning, fund, staff):
    with pytest.raises(ValidationFailed) as zero:
        services.service_create(
            actor=staff,
            region=cleaning.region,
            title="免费?",
            kind=ServiceKind.ACTIVITY,
            provider_kind=ProviderKind.STAFF,
            place="交流吧",
            points_price=0,
        )
    assert zero.value.code == "points_price_invalid"
    client.force_login(staff)
    typed = {
        "region": cleaning.region.code,
        "title": "理发",
        "kind": ServiceKind.ACTIVITY,
        "provider_kind": ProviderKind.STAFF,
        "place": "交流吧",
        "points_price": "二十",
    }
    page = client.post("/services/staff/", typed, follow=True)
    assert "积分价格须为整数" in page.content.decode()
    session = make_session(capacity=3, svc=cleaning)
    a = residents[0]
    fund(a, 45)
    client.force_login(a)
    body = client.get(f"/services/sessions/{session.pk}/").content.decode()
    price = body.split('id="price">')[1].split("</dd>")[0]
    assert "每席 30 积分" in price and "现有 45" in price, price
    refused = client.post(f"/services/sessions/{session.pk}/", {"seats": "2"}, follow=True)
    assert "积分不足" in refused.content.decode()
    assert not Booking.objects.filter(session=session).exists()
