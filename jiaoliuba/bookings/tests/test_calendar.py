"""Calendar files: RFC 5545 escaping and folding by hand, Beijing times, a stable UID,
cancellations as METHOD:CANCEL / STATUS:CANCELLED with a higher SEQUENCE, the feeds."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.bookings import services
from jiaoliuba.bookings.calendar import Event, calendar, escape, fold
from jiaoliuba.bookings.tests.conftest import local

pytestmark = pytest.mark.django_db


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def _prop(text: str, name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in _unfold(text) if line.split(":")[0] == name]


def test_escaping_of_text_values():
    assert escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_folding_counts_octets_and_never_splits_a_character():
    line = "SUMMARY:" + "法律咨询" * 30  # 8 + 360 octets
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    # 75 octets: "SUMMARY:" (8) + 22 characters of 3 octets (66) = 74; the 23rd would be 77.
    assert len(parts[0].encode("utf-8")) == 74
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line
    assert fold("X" * 75) == "X" * 75
    assert fold("X" * 76) == "X" * 75 + "\r\n X"


def test_a_calendar_ends_lines_with_crlf_and_gives_beijing_times():
    start = dt.datetime(2026, 12, 9, 11, 0, tzinfo=dt.UTC)  # 19:00 in Beijing
    event = Event(
        uid="booking-7@jiaoliuba",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        summary="法律咨询, 吴律师; 婚姻家庭",
        location="解放路社区\n2号室",
    )
    text = calendar([event], stamp=dt.datetime(2026, 12, 2, 8, 0, 5, tzinfo=dt.UTC))
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert _prop(text, "DTSTART;TZID=Asia/Shanghai") == ["20261209T190000"]
    assert _prop(text, "DTEND;TZID=Asia/Shanghai") == ["20261209T203000"]
    assert _prop(text, "DTSTAMP") == ["20261202T080005Z"]
    assert _prop(text, "SUMMARY") == ["法律咨询\\, 吴律师\\; 婚姻家庭"]
    assert _prop(text, "LOCATION") == ["解放路社区\\n2号室"]
    assert _prop(text, "METHOD") == ["PUBLISH"] and _prop(text, "STATUS") == ["CONFIRMED"]
    assert _prop(text, "TZOFFSETTO") == ["+0800"]


def test_booking_file_has_a_stable_uid_and_a_cancellation_updates_it(
    residents, make_session, login_client
):
    session = make_session(capacity=1)
    booking = services.booking_reserve(actor=residents[0], session=session)
    waiting = services.booking_reserve(actor=residents[1], session=session)
    client = login_client(residents[0])
    first = client.get(f"/services/bookings/{booking.pk}/calendar.ics")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/calendar")
    text = first.content.decode()
    start = local(session.day, 19)
    assert _prop(text, "DTSTART;TZID=Asia/Shanghai") == [f"{start:%Y%m%dT%H%M%S}"]
    assert _prop(text, "UID") == [f"booking-{booking.pk}@jiaoliuba"]
    assert _prop(text, "SEQUENCE") == ["0"] and _prop(text, "METHOD") == ["PUBLISH"]
    # The waiting resident's entry is tentative until promoted.
    other = login_client(residents[1])
    tentative = other.get(f"/services/bookings/{waiting.pk}/calendar.ics").content.decode()
    assert _prop(tentative, "STATUS") == ["TENTATIVE"]

    services.booking_cancel(actor=residents[0], booking=booking)
    again = client.get(f"/services/bookings/{booking.pk}/calendar.ics").content.decode()
    assert _prop(again, "UID") == [f"booking-{booking.pk}@jiaoliuba"]
    assert _prop(again, "METHOD") == ["CANCEL"] and _prop(again, "STATUS") == ["CANCELLED"]
    assert _prop(again, "SEQUENCE") == ["1"]
    promoted = other.get(f"/services/bookings/{waiting.pk}/calendar.ics").content.decode()
    assert _prop(promoted, "STATUS") == ["CONFIRMED"] and _prop(promoted, "SEQUENCE") == ["1"]
    # Someone else's booking: 404.
    assert other.get(f"/services/bookings/{booking.pk}/calendar.ics").status_code == 404


def test_staff_session_file_and_its_cancellation(residents, staff, make_session, login_client):
    session = make_session(capacity=3)
    client = login_client(staff)
    text = client.get(f"/services/staff/sessions/{session.pk}/calendar.ics").content.decode()
    assert _prop(text, "UID") == [f"session-{session.pk}@jiaoliuba"]
    assert _prop(text, "STATUS") == ["CONFIRMED"]
    services.session_cancel(actor=staff, session=session, reason="停电")
    text = client.get(f"/services/staff/sessions/{session.pk}/calendar.ics").content.decode()
    assert _prop(text, "METHOD") == ["CANCEL"] and _prop(text, "SEQUENCE") == ["1"]
    # Residents do not get the staff file.
    resident = login_client(residents[0])
    assert resident.get(f"/services/staff/sessions/{session.pk}/calendar.ics").status_code == 404


def test_feeds_for_a_resident_and_a_professional(
    residents, make_session, login_client, lawyer_user, client
):
    first, second = make_session(capacity=2), make_session(capacity=2, days=3)
    kept = services.booking_reserve(actor=residents[0], session=first)
    gone = services.booking_reserve(actor=residents[0], session=second)
    services.booking_cancel(actor=residents[0], booking=gone)
    services.booking_reserve(actor=residents[1], session=first)
    page = login_client(residents[0]).get("/services/mine/").content.decode()
    start = page.index("/services/calendar/")
    url = page[start : page.index(".ics", start) + 4]
    text = client.get(url).content.decode()  # no sign-in: a calendar app
    assert _prop(text, "METHOD") == ["PUBLISH"]
    assert _prop(text, "UID") == [f"booking-{kept.pk}@jiaoliuba", f"booking-{gone.pk}@jiaoliuba"]
    assert _prop(text, "STATUS") == ["CONFIRMED", "CANCELLED"]
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404

    provider = login_client(lawyer_user).get("/services/consultations/").content.decode()
    start = provider.index("/services/calendar/")
    url = provider[start : provider.index(".ics", start) + 4]
    text = client.get(url).content.decode()
    assert _prop(text, "UID") == [
        f"session-{first.pk}@jiaoliuba",
        f"session-{second.pk}@jiaoliuba",
    ]
    assert _prop(text, "DESCRIPTION") == ["2/2", "0/2"]
