"""On a 390 px phone a resident finds 法律咨询 in the catalogue, books the last seat; a
neighbour joins the waiting list; the first cancels and the neighbour is promoted (their
inbox says so); at the venue the neighbour scans the poster and checks in, then rates.
At the desk (1366 px) staff book for an elderly resident, see the attendance list and
the QR poster, and open the expert pool. Screenshots in
test-artifacts/screenshots/bookings-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.bookings import services
from jiaoliuba.bookings.models import Booking
from jiaoliuba.core import clock

pytestmark = pytest.mark.browser


def sign_in(page: Page, user, live_url: str) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )


def shot(screenshot, page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def test_resident_books_waits_is_promoted_checks_in_and_rates(
    page: Page,
    new_page,
    live_url,
    residents,
    staff,
    make_session,
    expert,
    screenshot,
    monkeypatch,
):
    session = make_session(capacity=1, days=1)
    first, second = residents[:2]

    sign_in(page, first, live_url)
    page.goto("/services/")
    expect(page.locator(".service-card h2").first).to_have_text("法律咨询")
    _no_horizontal_scroll(page)
    shot(screenshot, page, "bookings-01-catalogue-phone")
    page.click(".session-link")
    expect(page.locator("#provider")).to_contain_text("王律师")
    page.click("#do-book")
    expect(page.locator("#my-status")).to_have_text("已预约")
    shot(screenshot, page, "bookings-02-booked-phone")

    neighbour = new_page()
    sign_in(neighbour, second, live_url)
    neighbour.goto(f"/services/sessions/{session.pk}/")
    expect(neighbour.locator("#do-book")).to_have_text("加入候补")
    neighbour.click("#do-book")
    expect(neighbour.locator("#my-status")).to_have_text("候补中")

    page.goto("/services/mine/")
    page.click(".do-cancel")
    expect(page.locator(".msg-success")).to_be_visible()
    shot(screenshot, page, "bookings-03-cancelled-phone")

    neighbour.goto("/services/mine/")
    expect(neighbour.locator("#bookings .badge").first).to_have_text("已预约")
    neighbour.goto("/inbox/")
    expect(neighbour.locator("body")).to_contain_text("候补成功：法律咨询")

    # At the venue: the poster's link, half an hour before the start.
    code = services.check_in_code(session)
    at_venue = session.starts_at - dt.timedelta(minutes=10)
    monkeypatch.setattr(clock, "now", lambda: at_venue)
    neighbour.goto(f"/services/check-in/{code}/")
    neighbour.click("#do-check-in")
    expect(neighbour.locator("#checked-in")).to_be_visible()
    _no_horizontal_scroll(neighbour)
    shot(screenshot, neighbour, "bookings-04-checked-in-phone")
    monkeypatch.setattr(clock, "now", lambda: session.ends_at + dt.timedelta(minutes=5))
    neighbour.goto("/services/mine/")
    neighbour.locator(".rate-form input[value=satisfied]").check()
    neighbour.fill(".rate-form textarea", "律师很耐心")
    shot(screenshot, neighbour, "bookings-05-rate-phone")
    neighbour.click(".do-rate")
    expect(neighbour.locator("#bookings")).to_contain_text("您的评价： 满意")
    booking = Booking.objects.get(resident=second)
    assert (booking.status, booking.check_in_method, booking.rating) == (
        "attended",
        "qr",
        "satisfied",
    )


def test_staff_desk_booking_attendance_and_expert_pool(
    new_page, live_url, residents, staff, make_session, expert, screenshot
):
    session = make_session(capacity=5, days=1)
    services.booking_reserve(actor=residents[1], session=session)
    desk = new_page(desktop=True)
    sign_in(desk, staff, live_url)
    desk.goto("/services/staff/")
    expect(desk.locator("#catalogue")).to_contain_text("法律咨询")
    shot(screenshot, desk, "bookings-06-workbench-desktop")
    desk.goto(f"/services/staff/sessions/{session.pk}/")
    desk.fill("#q", residents[0].display_name)
    desk.click("#do-find")
    desk.click(".do-desk-book")
    expect(desk.locator(".msg-success")).to_contain_text(residents[0].display_name)
    expect(desk.locator("#attendance tbody tr")).to_have_count(2)
    expect(desk.locator("img.qr")).to_be_visible()
    # The QR image really loads (a broken one never gets a width): wait for it, not a race.
    desk.wait_for_function(
        "() => { const i = document.querySelector('img.qr'); return i.complete && i.naturalWidth > 0; }"
    )
    shot(screenshot, desk, "bookings-07-session-desktop")
    desk.goto("/services/staff/experts/")
    expect(desk.locator("#experts")).to_contain_text("王律师")
    shot(screenshot, desk, "bookings-08-experts-desktop")
    assert Booking.objects.get(resident=residents[0]).at_desk
