"""On a 390 px phone the community's staff log a visit at the venue's desk and turn its
problem into an appeal in one tap; the visit log then links to the appeal and its
figures count it. Every venue page is screenshotted on the phone and at 1280 px
(test-artifacts/screenshots/venues-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.core import clock
from jiaoliuba.testing.fixtures import JIEFANG_G1
from jiaoliuba.venues import services
from jiaoliuba.venues.choices import DutyRole, ThemeKind
from jiaoliuba.venues.models import Visit

pytestmark = pytest.mark.browser


def sign_in(page: Page, user, live_url: str) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def test_visit_becomes_an_appeal_on_the_phone(
    page: Page, new_page, live_url, staff, venue, make_resident, screenshot
):
    resident = make_resident(JIEFANG_G1, name="李大爷", phone="13955556666")
    now = clock.now()
    services.venue_theme_set(
        actor=staff,
        venue=venue,
        month=clock.local_now().date(),
        kind=ThemeKind.PROPERTY_FACE_TO_FACE,
        title="物业面对面",
        day=clock.local_now().date(),
    )
    services.shift_create(
        actor=staff,
        venue=venue,
        person=staff,
        duty_role=DutyRole.STAFF,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=2),
    )
    sign_in(page, staff, live_url)
    page.goto(f"/venues/staff/{venue.pk}/visits/")
    _no_horizontal_scroll(page)
    page.fill("#topic", "5号楼单元门闭门器坏了")
    page.fill("#detail", "门关不上，冬天楼道很冷")
    page.check("input[name=outcome][value=referred]")
    page.fill("#visitor_phone", "13955556666")
    page.click("#do-log-visit")
    expect(page.locator(".msg-success")).to_be_visible()
    visit = Visit.objects.get()
    assert visit.visitor == resident
    card = page.locator(f"#visit-{visit.pk}")
    expect(card).to_contain_text("5号楼单元门闭门器坏了")
    expect(page.locator("#fig-people")).to_have_text("1")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "venues-01-visit-log-phone")
    card.locator(".do-to-appeal").click()
    expect(page.locator(".msg-success")).to_contain_text("已由接待记录生成诉求")
    visit.refresh_from_db()
    assert visit.appeal is not None and visit.appeal.submitter == resident
    assert page.url.endswith(f"/appeals/{visit.appeal_id}/")
    screenshot(page, "venues-02-appeal-from-visit-phone")
    page.goto(f"/venues/staff/{venue.pk}/visits/")
    expect(page.locator(f"#visit-{visit.pk} .visit-appeal")).to_contain_text(visit.appeal.number)
    expect(page.locator("#fig-appeals")).to_have_text("1")

    pages = {
        "manage": f"/venues/staff/{venue.pk}/",
        "rota": f"/venues/staff/{venue.pk}/rota/",
        "visits": f"/venues/staff/{venue.pk}/visits/",
        "workbench": "/venues/staff/",
        "public": f"/venues/{venue.pk}/",
        "poster": f"/venues/{venue.pk}/poster/",
    }
    for name, path in pages.items():
        page.goto(path)
        _no_horizontal_scroll(page)
        screenshot(page, f"venues-{name}-phone")
    expect(page.locator(".poster-qr img")).to_be_visible()

    desk = new_page(viewport={"width": 1280, "height": 900}, is_mobile=False, device_scale_factor=1)
    sign_in(desk, staff, live_url)
    for name, path in pages.items():
        desk.goto(path)
        _no_horizontal_scroll(desk)
        screenshot(desk, f"venues-{name}-desktop")
    desk.goto(f"/venues/{venue.pk}/")
    expect(desk.locator(".duty-person").first).to_contain_text(str(staff))
