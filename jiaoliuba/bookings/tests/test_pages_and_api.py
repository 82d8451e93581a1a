"""The pages and the API over the same services: a resident books, cancels and rates on
the phone pages; staff book at the desk, tick the list and print the QR poster; the API
answers with the one error shape; the expert pool and its private notes."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.bookings import services
from jiaoliuba.bookings.choices import BookingStatus
from jiaoliuba.bookings.models import Booking, Certificate
from jiaoliuba.core import clock
from jiaoliuba.core.models import SensitiveAccessLog
from jiaoliuba.testing.fixtures import JIEFANG, XIYUAN_COMMUNITY

pytestmark = pytest.mark.django_db


def test_resident_pages_book_cancel_and_see_their_bookings(residents, make_session, login_client):
    session = make_session(capacity=1)
    client = login_client(residents[0])
    page = client.get("/services/")
    assert page.status_code == 200 and "法律咨询" in page.content.decode()
    assert client.post(f"/services/sessions/{session.pk}/").status_code == 302
    booking = Booking.objects.get(resident=residents[0])
    assert booking.status == BookingStatus.RESERVED
    other = login_client(residents[1])
    other.post(f"/services/sessions/{session.pk}/")
    assert Booking.objects.get(resident=residents[1]).status == BookingStatus.WAITLISTED
    mine = client.get("/services/mine/").content.decode()
    assert "法律咨询" in mine and f"/services/bookings/{booking.pk}/cancel/" in mine
    client.post(f"/services/bookings/{booking.pk}/cancel/")
    assert Booking.objects.get(resident=residents[1]).status == BookingStatus.RESERVED
    # Someone else's booking is not there for them.
    assert other.post(f"/services/bookings/{booking.pk}/cancel/").status_code == 404
    # Staff pages do not exist for residents.
    assert client.get("/services/staff/").status_code == 404


def test_refused_booking_shows_why_and_changes_nothing(residents, make_session, login_client):
    session = make_session(capacity=3, days=20)
    response = login_client(residents[0]).post(f"/services/sessions/{session.pk}/", follow=True)
    assert "预约将于" in response.content.decode() or "Booking opens" in response.content.decode()
    assert not Booking.objects.exists()


def test_staff_desk_booking_attendance_and_qr(residents, staff, make_session, login_client):
    session = make_session(capacity=2, days=1)
    client = login_client(staff)
    page = client.get(f"/services/staff/sessions/{session.pk}/?q={residents[0].display_name}")
    assert page.status_code == 200
    profile = residents[0].resident
    client.post(
        f"/services/staff/sessions/{session.pk}/",
        {"action": "desk_book", "resident_id": profile.pk},
    )
    booking = Booking.objects.get(resident=residents[0])
    assert booking.at_desk and booking.booked_by == staff
    qr = client.get(f"/services/staff/sessions/{session.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    with clock.pinned(session.starts_at):
        client.post(f"/services/bookings/{booking.pk}/check_in/")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.ATTENDED
    # The resident scanning the poster when nothing is booked is told so, not a 500.
    code = services.check_in_code(session)
    with clock.pinned(session.starts_at):
        answer = login_client(residents[1]).post(f"/services/check-in/{code}/", follow=True)
    assert answer.status_code == 200 and not Booking.objects.filter(resident=residents[1]).exists()
    assert login_client(residents[1]).get("/services/check-in/forged/").status_code == 404


def test_api_books_with_the_one_error_shape_and_stays_in_scope(
    residents, make_session, api_client, make_resident, staff
):
    session = make_session(capacity=1)
    api = api_client(residents[0])
    made = api.post(
        "/api/v1/bookings/bookings", {"session_id": session.pk}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["status"] == "reserved"
    assert "cancel" in made.json()["actions"]
    again = api.post(
        "/api/v1/bookings/bookings", {"session_id": session.pk}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_booked"
    assert again.json()["message_zh"] and again.json()["message_en"]
    outsider = api_client(make_resident(XIYUAN_COMMUNITY + "001"))
    assert outsider.get(f"/api/v1/bookings/sessions/{session.pk}").status_code == 404
    assert [s["title"] for s in api.get("/api/v1/bookings/services").json()] == ["法律咨询"]
    assert api.get("/api/v1/bookings/restriction").status_code == 204
    staff_api = api_client(staff)
    listed = staff_api.get(f"/api/v1/bookings/sessions/{session.pk}/attendance").json()
    assert [b["status"] for b in listed] == ["reserved"]
    spec = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/bookings/bookings" in spec["paths"]


def test_expert_pool_certificates_hours_and_private_notes(
    regions,
    residents,
    staff,
    expert,
    lawyer_user,
    make_session,
    make_staff,
    api_client,
    login_client,
):
    cert = services.certificate_add(
        actor=lawyer_user, expert=expert, title="律师执业证", issuer="河南省司法厅"
    )
    with pytest.raises(Exception):  # noqa: B017 — the professional cannot verify themself
        services.certificate_check(actor=lawyer_user, certificate=cert, verified=True)
    login_client(staff).post(
        "/services/staff/experts/", {"certificate": cert.pk, "verdict": "verify"}
    )
    # Community staff may not verify a street expert's certificate (outside their scope).
    assert Certificate.objects.get(pk=cert.pk).status == "pending"
    officer = make_staff(Role.STREET_OFFICER, "411702001000")
    services.certificate_check(actor=officer, certificate=cert, verified=True)
    assert Certificate.objects.get(pk=cert.pk).status == "verified"

    session = make_session(capacity=2, days=1)
    booking = services.booking_reserve(actor=residents[0], session=session)
    with clock.pinned(session.starts_at):
        services.booking_check_in(actor=staff, booking=booking)
    with clock.pinned(session.ends_at + dt.timedelta(minutes=5)):
        services.session_close(actor=staff, session=session)
    expert.refresh_from_db()
    assert float(expert.hours_total) == 1.5  # 19:00–20:30, logged once at close

    lawyer = api_client(lawyer_user)
    wrote = lawyer.post(
        f"/api/v1/bookings/bookings/{booking.pk}/notes",
        {"text": "咨询劳动合同解除，建议先协商。"},
        content_type="application/json",
    )
    assert wrote.status_code == 201
    # Community staff (not authorised) and the resident do not read them; the secretary does.
    assert api_client(staff).get(f"/api/v1/bookings/bookings/{booking.pk}/notes").status_code == 403
    assert (
        api_client(residents[0]).get(f"/api/v1/bookings/bookings/{booking.pk}/notes").status_code
        == 403
    )
    secretary = make_staff(Role.COMMUNITY_SECRETARY, JIEFANG)
    read = api_client(secretary).get(f"/api/v1/bookings/bookings/{booking.pk}/notes")
    assert read.status_code == 200 and "劳动合同" in read.json()[0]["text"]
    logged = SensitiveAccessLog.objects.filter(
        field="consultation_notes", subject_id=str(booking.pk)
    )
    assert list(logged.values_list("actor_id", flat=True)) == [secretary.pk]
    listing = login_client(lawyer_user).get("/services/consultations/").content.decode()
    assert f"/services/consultations/{booking.pk}/" in listing
    assert login_client(staff).get("/services/consultations/").status_code == 404
    page = login_client(lawyer_user).get(f"/services/consultations/{booking.pk}/")
    assert page.status_code == 200 and "劳动合同" in page.content.decode()
    assert logged.count() == 2
